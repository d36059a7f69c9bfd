import {
  type DuckDBConnection,
  DuckDBDataChunk,
  type DuckDBResult,
  type DuckDBType,
  type DuckDBValue,
  DuckDBVector,
} from '@duckdb/node-api';

/**
 * Moving columns between JS arrays and DuckDB a chunk (2,048 rows) at a time, so millions of rows
 * never become millions of JS objects on either side.
 */

type Column = ArrayLike<DuckDBValue> & { slice(start: number, end: number): ArrayLike<DuckDBValue> };

/** Appends equal-length columns to `table` through DuckDB's appender, chunk by chunk. */
export async function appendColumns(
  connection: DuckDBConnection,
  table: string,
  types: DuckDBType[],
  columns: Column[],
): Promise<void> {
  const length = columns[0]?.length ?? 0;
  const size = DuckDBVector.standardSize();
  const appender = await connection.createAppender(table);
  try {
    for (let start = 0; start < length; start += size) {
      const end = Math.min(length, start + size);
      const chunk = DuckDBDataChunk.create(types, end - start);
      chunk.setColumns(columns.map((column) => Array.from(column.slice(start, end))));
      appender.appendDataChunk(chunk);
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}

/**
 * Streams a query and hands each chunk's columns to `onChunk` with the offset of its first row.
 * Values come out one `getItem` at a time into the caller's preallocated typed arrays.
 */
export async function forEachChunk(
  connection: DuckDBConnection,
  sql: string,
  onChunk: (columns: DuckDBVector[], rowCount: number, offset: number) => void,
): Promise<number> {
  const result: DuckDBResult = await connection.stream(sql);
  let offset = 0;
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    const columns: DuckDBVector[] = [];
    for (let i = 0; i < chunk.columnCount; i++) columns.push(chunk.getColumnVector(i));
    onChunk(columns, chunk.rowCount, offset);
    offset += chunk.rowCount;
  }
  return offset;
}

/** All rows of a small result as objects of JS values (strings, numbers, null). */
export async function readRows(
  connection: DuckDBConnection,
  sql: string,
): Promise<Record<string, unknown>[]> {
  const reader = await connection.runAndReadAll(sql);
  return reader.getRowObjectsJS() as Record<string, unknown>[];
}
