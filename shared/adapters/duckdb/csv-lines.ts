import { readFileSync } from 'node:fs';

/**
 * The line of a CSV file where its `record`-th record starts (the header is record 1). DuckDB skips
 * blank lines and a quoted cell may hold line breaks, so a record's place in the scan is not its line:
 * this is what a message that names a row must show. Read on the error path only.
 */
export function csvLineOfRecord(file: string, record: number): number {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return record;
  }
  let line = 1;
  let records = 0;
  let quoted = false;
  let atLineStart = true;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (atLineStart && !quoted && char !== '\n' && char !== '\r') {
      if (++records === record) return line;
      atLineStart = false;
    }
    if (char === '"') quoted = !quoted;
    else if (char === '\n') {
      line++;
      if (!quoted) atLineStart = true;
    }
  }
  return record;
}

/** A row number as DuckDB counted it, as the file's line when the file is CSV (Parquet rows are exact). */
export function fileRow(source: string, row: number): number {
  return /\.parquet$/i.test(source) ? row : csvLineOfRecord(source, row);
}
