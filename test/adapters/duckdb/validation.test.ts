import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeChannelLake } from '#shared/adapters/duckdb/lake-writer.ts';
import { openDuckDbMetrics } from '#shared/adapters/duckdb/metrics-source.ts';
import { InputError } from '#shared/errors.ts';
import { addDays } from '#shared/time/seoul.ts';
import { duckdb, START, sampleRows, tempDir } from './fixtures.ts';

const HEADER = 'dt,channel_id,channel_type,sends,clicks';
const GOOD = `${START},kakao-a,alimtalk,640,12`;

/** Reads a CSV of `lines` (header first) and returns the error it gives. */
async function csvError(dir: string, lines: string[]): Promise<InputError> {
  const file = join(dir, 'bad.csv');
  writeFileSync(file, `${lines.join('\n')}\n`);
  const source = await openDuckDbMetrics({ input: file });
  try {
    await source.readChannelDays({ from: START, to: START });
  } catch (error) {
    return error as InputError;
  } finally {
    await source.close();
  }
  throw new Error('expected an InputError');
}

/** One CSV file a day from START, in `dt=` folders of the channel table: the files' paths. */
function csvPartitions(dir: string, contents: string[]): string[] {
  return contents.map((text, n) => {
    const folder = join(dir, 'crm_channel_daily', `dt=${addDays(START, n)}`);
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'part_0.csv'), text);
    return join(folder, 'part_0.csv');
  });
}

describe('bad channel input: one InputError naming file, row and field', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(() => cleanup());

  it('clicks above sends, on the line of the file (header = line 1)', async () => {
    // Prepare
    const lines = [HEADER, ...Array.from({ length: 15 }, (_, i) => `${START},ch-${i},push,640,12`)];
    lines.push(`${START},kakao-a,alimtalk,640,812`);

    // Act
    const error = await csvError(dir, lines);

    // Assess
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toBe(`${join(dir, 'bad.csv')}: row 17, field clicks: 812 clicks above 640 sends`);
    expect([error.row, error.field]).toEqual([17, 'clicks']);
  });

  it.each([
    [
      'a day that does not exist',
      `2026-02-30,kakao-b,push,10,1`,
      'dt',
      '"2026-02-30" is not a calendar day (YYYY-MM-DD)',
    ],
    [
      'a day not written YYYY-MM-DD',
      `2026-3-1,kakao-b,push,10,1`,
      'dt',
      '"2026-3-1" is not a calendar day (YYYY-MM-DD)',
    ],
    ['a negative count', `${START},kakao-b,push,-5,0`, 'sends', '-5 is negative'],
    ['a fractional count', `${START},kakao-b,push,10,1.5`, 'clicks', '1.5 is not a whole number'],
    [
      'text in a count',
      `${START},kakao-b,push,lots,1`,
      'sends',
      '"lots" is not a count (a whole number >= 0)',
    ],
    ['an empty count', `${START},kakao-b,push,,1`, 'sends', 'empty count'],
    ['an empty channel id', `${START},,push,10,1`, 'channel_id', 'empty channel id'],
    ['an empty channel type', `${START},kakao-b,,10,1`, 'channel_type', 'empty channel type'],
    [
      'a channel id with a space after it (it would be another channel)',
      `${START},"kakao-b ",push,10,1`,
      'channel_id',
      '"kakao-b " has spaces around it (a channel id is compared exactly)',
    ],
    [
      'a tab after a channel id',
      `${START},"kakao-b\t",push,10,1`,
      'channel_id',
      '"kakao-b\\t" has spaces around it (a channel id is compared exactly)',
    ],
    [
      // A line break would also add a line to the digest: a page that says what the file says
      'a line break inside a channel id',
      `${START},"kakao-b\ncritical push_9999",push,10,1`,
      'channel_id',
      '"kakao-b\\ncritical push_9999" holds U+000A at character 8 (a channel id has no spaces, #, control or invisible characters)',
    ],
    [
      'a zero-width space inside a channel id (another channel that looks the same)',
      `${START},kakao\u200b-b,push,10,1`,
      'channel_id',
      '"kakao\u200b-b" holds U+200B at character 6 (a channel id has no spaces, #, control or invisible characters)',
    ],
    [
      'a # in a channel id (the stores key on it)',
      `${START},kakao#b,push,10,1`,
      'channel_id',
      '"kakao#b" holds "#" at character 6 (a channel id has no spaces, #, control or invisible characters)',
    ],
    [
      'a zero-width joiner in a channel type',
      `${START},kakao-b,pu\u200dsh,10,1`,
      'channel_type',
      '"pu\u200dsh" holds U+200D at character 3 (a channel type has no control or invisible characters)',
    ],
    [
      'a channel id too long to key',
      `${START},${'k'.repeat(201)},push,10,1`,
      'channel_id',
      'a channel id of 201 characters (at most 200)',
    ],
    [
      'a count too large to judge exactly',
      `${START},kakao-b,push,99999999999999999999999,1`,
      'sends',
      '99999999999999999999999 is too large for a count (at most 9007199254740991)',
    ],
  ])('%s', async (_, line, field, problem) => {
    // Prepare
    const lines = [HEADER, GOOD, line, GOOD.replace('kakao-a', 'kakao-z')];

    // Act
    const error = await csvError(dir, lines);

    // Assess
    expect(error.message).toBe(`${join(dir, 'bad.csv')}: row 3, field ${field}: ${problem}`);
  });

  it('takes a channel type with a space or # inside ("app push"): only an id keys the stores', async () => {
    // Act
    const file = join(dir, 'typed.csv');
    writeFileSync(file, `${HEADER}\n${START},kakao-a,app push,10,1\n${START},kakao-b,push#2,10,1\n`);
    const source = await openDuckDbMetrics({ input: file });
    const columns = await source.readChannelDays({ from: START, to: START });
    await source.close();

    // Assess
    expect(columns.channelTypes).toEqual(['app push', 'push#2']);
  });

  it('a duplicate (dt, channel_id) names the repeat and the original', async () => {
    // Act
    const error = await csvError(dir, [HEADER, GOOD, `${START},push-b,push,10,1`, GOOD]);

    // Assess
    expect(error.message).toBe(
      `${join(dir, 'bad.csv')}: row 4, field dt: duplicate row for channel "kakao-a" on ${START} (first at row 2)`,
    );
  });

  it.each([
    [
      'a row with a field too many',
      `${START},kakao-b,push,10,1,7`,
      'row 3: more fields than the header names (Expected Number of Columns: 5 Found: 6)',
    ],
    [
      'a row that ends early',
      `${START},kakao-b,push,10`,
      'row 3, field clicks: missing: the row ends before it (Expected Number of Columns: 5 Found: 4)',
    ],
  ])('%s names its row, not the header', async (_, line, where) => {
    // Act
    const error = await csvError(dir, [HEADER, GOOD, line, GOOD.replace('kakao-a', 'kakao-z')]);

    // Assess
    expect(error.message).toBe(`${join(dir, 'bad.csv')}: ${where}`);
  });

  it('a row that ends early in a CSV partition names the file and its line', async () => {
    // Prepare
    const folder = join(dir, 'crm_channel_daily', `dt=${START}`);
    mkdirSync(folder, { recursive: true });
    const file = join(folder, 'part_0.csv');
    writeFileSync(file, 'channel_id,channel_type,sends,clicks\na,push,10,1\nb,push,10\n');
    const source = await openDuckDbMetrics({ input: dir });

    // Act
    const reading = source.readChannelDays({ from: START, to: START });

    // Assess
    await expect(reading).rejects.toThrow(
      `${file}: row 3, field clicks: missing: the row ends before it (Expected Number of Columns: 4 Found: 3)`,
    );
    await source.close();
  });

  it('a CSV partition after the first names its own line and file', async () => {
    // Prepare
    const files = csvPartitions(dir, [
      'channel_id,channel_type,sends,clicks\na,push,10,1\nb,push,10,1\n',
      'channel_id,channel_type,sends,clicks\na,push,10,1\nb,push,10,11\n',
    ]);
    const source = await openDuckDbMetrics({ input: dir });

    // Act
    const reading = source.readChannelDays({ from: START, to: addDays(START, 1) });

    // Assess
    await expect(reading).rejects.toThrow(`${files[1]}: row 3, field clicks: 11 clicks above 10 sends`);
    await source.close();
  });

  it('a channel id or latest type with an invisible character in a partitioned lake names its file and line', async () => {
    // Prepare: names are checked once a channel, not once a row; the line is still the first one
    const files = csvPartitions(dir, [
      'channel_id,channel_type,sends,clicks\na,push,10,1\nb,push,10,1\n',
      'channel_id,channel_type,sends,clicks\na,push,10,1\nb,push,10,1\n"b\u200b",push,10,1\n',
    ]);
    const typed = join(dir, 'typed');
    const typeFiles = csvPartitions(typed, [
      'channel_id,channel_type,sends,clicks\na,push,10,1\n',
      'channel_id,channel_type,sends,clicks\na,"pu\tsh",10,1\n',
    ]);
    const source = await openDuckDbMetrics({ input: dir });
    const typedSource = await openDuckDbMetrics({ input: typed });

    // Act
    const [untyped, typedOne] = await Promise.allSettled([
      source.readChannelDays({ from: START, to: addDays(START, 1) }),
      typedSource.readChannelDays({ from: START, to: addDays(START, 1) }),
    ]);

    // Assess
    expect((untyped as PromiseRejectedResult).reason.message).toContain(
      `${files[1]}: row 4, field channel_id: "b\u200b" holds U+200B at character 2`,
    );
    expect((typedOne as PromiseRejectedResult).reason.message).toContain(
      `${typeFiles[1]}: row 2, field channel_type: "pu\\tsh" holds U+0009 at character 3`,
    );
    await source.close();
    await typedSource.close();
  });

  it('a CSV partition after the first without a column names the file and the column', async () => {
    // Prepare
    const files = csvPartitions(dir, [
      'channel_id,channel_type,sends,clicks\na,push,10,1\n',
      'channel_id,channel_type,sends\na,push,10\n',
    ]);
    const source = await openDuckDbMetrics({ input: dir });

    // Act
    const reading = source.readChannelDays({ from: START, to: addDays(START, 1) });

    // Assess
    await expect(reading).rejects.toThrow(
      `${files[1]}: row 1, field clicks: missing column (columns found: channel_id, channel_type, sends; ${files[0]} has it)`,
    );
    await source.close();
  });

  it('a duplicate in a CSV file stops a read of other days too (the file is checked whole)', async () => {
    // Prepare
    const file = join(dir, 'bad.csv');
    const later = addDays(START, 30);
    writeFileSync(
      file,
      `${[HEADER, GOOD, `${later},kakao-a,alimtalk,10,1`, `${later},kakao-a,alimtalk,10,1`].join('\n')}\n`,
    );
    const source = await openDuckDbMetrics({ input: file });

    // Act
    const reading = source.readChannelDays({ from: START, to: START });

    // Assess
    await expect(reading).rejects.toThrow(
      `${file}: row 4, field dt: duplicate row for channel "kakao-a" on ${later} (first at row 3)`,
    );
    await source.close();
  });

  it('a missing column names the file, its header row and the column', async () => {
    // Act
    const error = await csvError(dir, ['dt,channel_id,sends,clicks', `${START},kakao-a,10,1`]);

    // Assess
    expect(error.message).toBe(
      `${join(dir, 'bad.csv')}: row 1, field channel_type: missing column (columns found: dt, channel_id, sends, clicks)`,
    );
  });

  it('names the line of the file, past blank lines and cells that hold line breaks', async () => {
    // Prepare: line 2-3 is one row (a quoted line break in a column the lake does not read), line 4
    // is blank, lines 5 and 6 repeat a row
    const lines = [
      `${HEADER},note`,
      `${START},kakao,push,10,1,"two\nlines"`,
      '',
      `${START},b,push,10,1,`,
      `${START},b,push,10,1,`,
    ];

    // Act
    const error = await csvError(dir, lines);

    // Assess
    expect(error.message).toBe(
      `${join(dir, 'bad.csv')}: row 6, field dt: duplicate row for channel "b" on ${START} (first at row 5)`,
    );
  });

  it('a CSV file fixed after a failed read is read by the same source on the next call', async () => {
    // Prepare
    const file = join(dir, 'fixed.csv');
    writeFileSync(file, `dt,channel_id,sends,clicks\n${START},kakao-a,10,1\n`);
    const source = await openDuckDbMetrics({ input: file });
    await expect(source.readChannelDays({ from: START, to: START })).rejects.toThrow('missing column');
    writeFileSync(file, `${HEADER}\n${GOOD}\n`);

    // Act
    const read = await source.readChannelDays({ from: START, to: START });

    // Assess
    expect([read.channelIds, [...read.sends], [...read.clicks]]).toEqual([['kakao-a'], [640], [12]]);
    await source.close();
  });

  it('a bad row in a Parquet partition names the file and its row (counted from 1)', async () => {
    // Prepare
    const folder = join(dir, 'crm_channel_daily', `dt=${START}`);
    mkdirSync(folder, { recursive: true });
    const file = join(folder, 'part_0.parquet');
    await duckdb(`COPY (SELECT * FROM (VALUES ('a', 'push', 10, 1), ('b', 'push', 10, 2), ('c', 'push', 5, 9))
      AS t(channel_id, channel_type, sends, clicks)) TO '${file}' (FORMAT parquet)`);
    const source = await openDuckDbMetrics({ input: dir });

    // Act
    const reading = source.readChannelDays({ from: START, to: START });

    // Assess
    await expect(reading).rejects.toThrow(`${file}: row 3, field clicks: 9 clicks above 5 sends`);
    await source.close();
  });

  it('a fraction in a Parquet file that stores counts as doubles is not rounded away', async () => {
    // Prepare: the lake's first partitions store BIGINT counts; a later one stores DOUBLE.
    await writeChannelLake(dir, sampleRows());
    const folder = join(dir, 'crm_channel_daily', 'dt=2026-03-20');
    mkdirSync(folder, { recursive: true });
    const file = join(folder, 'part_0.parquet');
    await duckdb(`COPY (SELECT 'a' AS channel_id, 'push' AS channel_type, 10.5::DOUBLE AS sends, 1.0::DOUBLE AS clicks)
      TO '${file}' (FORMAT parquet)`);
    const source = await openDuckDbMetrics({ input: dir });

    // Act
    const reading = source.readChannelDays({ from: START, to: '2026-03-20' });

    // Assess
    await expect(reading).rejects.toThrow(`${file}: row 1, field sends: 10.5 is not a whole number`);
    await source.close();
  });

  it('a Parquet file without a column names the file and the column', async () => {
    // Prepare
    const folder = join(dir, 'crm_channel_daily', `dt=${START}`);
    mkdirSync(folder, { recursive: true });
    const file = join(folder, 'part_0.parquet');
    await duckdb(
      `COPY (SELECT 'a' AS channel_id, 'push' AS channel_type, 10 AS sends) TO '${file}' (FORMAT parquet)`,
    );
    const source = await openDuckDbMetrics({ input: dir });

    // Act
    const reading = source.readChannelDays({ from: START, to: START });

    // Assess
    await expect(reading).rejects.toThrow(
      `${file}: field clicks: missing column (columns found: channel_id, channel_type, sends)`,
    );
    await source.close();
  });

  it('the same channel and day in two files of a partition names the second file', async () => {
    // Prepare
    await writeChannelLake(dir, sampleRows());
    const folder = join(dir, 'crm_channel_daily', `dt=${START}`);
    const extra = join(folder, 'part_9.parquet');
    await duckdb(`COPY (SELECT 'kakao-a' AS channel_id, 'alimtalk' AS channel_type, 1 AS sends, 0 AS clicks)
      TO '${extra}' (FORMAT parquet)`);
    const source = await openDuckDbMetrics({ input: dir });

    // Act
    const reading = source.readChannelDays({ from: START, to: START });

    // Assess
    await expect(reading).rejects.toThrow(
      `${extra}: row 1, field dt: duplicate row for channel "kakao-a" on ${START} (first at ${join(folder, 'part_0.parquet')} row 1)`,
    );
    await source.close();
  });

  it('a partition folder that is not a day names the folder', async () => {
    // Prepare
    await writeChannelLake(dir, sampleRows());
    const folder = join(dir, 'crm_channel_daily', 'dt=2026-13-01');
    mkdirSync(folder);
    const source = await openDuckDbMetrics({ input: dir });

    // Act
    const reading = source.readChannelDays({ from: START, to: START });

    // Assess
    await expect(reading).rejects.toThrow(
      `${folder}: field dt: partition value "2026-13-01" is not a calendar day (YYYY-MM-DD)`,
    );
    await source.close();
  });

  it('a missing path or an unknown layout names the path', async () => {
    // Prepare
    const missing = join(dir, 'nowhere');
    const empty = join(dir, 'empty');
    mkdirSync(empty);

    // Act
    const opening = [openDuckDbMetrics({ input: missing }), openDuckDbMetrics({ input: empty })];

    // Assess
    await expect(opening[0]).rejects.toThrow(`${missing}: no such file or folder`);
    await expect(opening[1]).rejects.toThrow(new RegExp(`^${empty}: unknown layout: expected a CSV file`));
    await expect(opening[1]).rejects.toBeInstanceOf(InputError);
  });
});
