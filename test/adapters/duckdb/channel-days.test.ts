import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { engineError } from '#shared/adapters/duckdb/lake-tables.ts';
import { writeChannelCsv, writeChannelLake } from '#shared/adapters/duckdb/lake-writer.ts';
import { openDuckDbMetrics } from '#shared/adapters/duckdb/metrics-source.ts';
import { InputError } from '#shared/errors.ts';
import type { MetricsSource } from '#shared/ports/metrics-source.ts';
import { addDays, dayNumber } from '#shared/time/seoul.ts';
import { inRange, rowsOf, START, sampleRows, tempDir } from './fixtures.ts';

const DAY = (n: number) => addDays(START, n);

async function compressionOf(file: string): Promise<string[]> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const reader = await connection.runAndReadAll(
    `SELECT DISTINCT compression FROM parquet_metadata('${file}')`,
  );
  connection.closeSync();
  instance.closeSync();
  return reader.getColumnsJS()[0] as string[];
}

describe('DuckDB metrics source over a Parquet lake', () => {
  let dir: string;
  let cleanup: () => void;
  let source: MetricsSource | undefined;
  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(async () => {
    await source?.close();
    source = undefined;
    cleanup();
  });

  it('writes dt= partitions of zstd Parquet and reads a range back exactly', async () => {
    // Prepare
    const rows = sampleRows();
    await writeChannelLake(dir, rows);
    source = await openDuckDbMetrics({ input: dir });

    // Act
    const columns = await source.readChannelDays({ from: DAY(3), to: DAY(8) });

    // Assess
    expect(readdirSync(join(dir, 'crm_channel_daily')).sort()).toHaveLength(10);
    expect(readdirSync(join(dir, 'crm_channel_daily', `dt=${DAY(0)}`))).toEqual(['part_0.parquet']);
    expect(await compressionOf(join(dir, 'crm_channel_daily', `dt=${DAY(0)}`, 'part_0.parquet'))).toEqual([
      'ZSTD',
    ]);
    expect(columns.fromDay).toBe(dayNumber(DAY(3)));
    expect(columns.toDay).toBe(dayNumber(DAY(8)));
    expect(columns.channelIds).toEqual(['kakao-a', 'push-b', 'sms-c']);
    expect(columns.channelTypes).toEqual(['alimtalk', 'push', 'sms']);
    expect(rowsOf(columns)).toEqual(inRange(rows, DAY(3), DAY(8)));
  });

  it('reads a range of many weeks exactly, a gap of missing days included (it is read a few weeks at a time)', async () => {
    // Prepare: 80 days of two channels, with no files at all for days 30-59
    const rows = Array.from({ length: 80 }, (_, d) => d)
      .filter((d) => d < 30 || d >= 60)
      .flatMap((d) => [
        { dt: DAY(d), channelId: 'kakao-a', channelType: 'alimtalk', sends: 1000 + d, clicks: d },
        { dt: DAY(d), channelId: 'push-b', channelType: 'push', sends: 2000 + d, clicks: 2 * d },
      ]);
    await writeChannelLake(dir, rows);
    source = await openDuckDbMetrics({ input: dir });

    // Act
    const columns = await source.readChannelDays({ from: DAY(0), to: DAY(79) });

    // Assess
    expect(rowsOf(columns)).toEqual(inRange(rows, DAY(0), DAY(79)));
  });

  it('marks seenBefore only for channels whose first row in the range comes late but began earlier', async () => {
    // Prepare: push-b starts on day 2 and is out on day 6; sms-c starts on day 7.
    await writeChannelLake(dir, sampleRows());
    source = await openDuckDbMetrics({ input: dir });

    // Act
    const fromOutage = await source.readChannelDays({ from: DAY(6), to: DAY(9) });
    const fromStart = await source.readChannelDays({ from: DAY(0), to: DAY(9) });

    // Assess: push-b's window starts on day 7 but it sent before; sms-c is new.
    expect(fromOutage.channelIds).toEqual(['kakao-a', 'push-b', 'sms-c']);
    expect([...fromOutage.seenBefore]).toEqual([0, 1, 0]);
    expect([...fromStart.seenBefore]).toEqual([0, 0, 0]);
  });

  it('leaves a day whose partition never arrived without rows, and tells earliest and latest day', async () => {
    // Prepare
    const rows = sampleRows().filter((row) => row.dt !== DAY(4));
    await writeChannelLake(dir, rows);
    source = await openDuckDbMetrics({ input: join(dir, 'crm_channel_daily') });

    // Act
    const columns = await source.readChannelDays({ from: DAY(3), to: DAY(5) });

    // Assess
    expect([...new Set(columns.day)].sort()).toEqual([dayNumber(DAY(3)), dayNumber(DAY(5))]);
    expect(await source.earliestDay()).toBe(DAY(0));
    expect(await source.latestDay()).toBe(DAY(9));
  });

  it('prunes partitions: a corrupt file outside the range is never opened', async () => {
    // Prepare
    await writeChannelLake(dir, sampleRows());
    const late = join(dir, 'crm_channel_daily', `dt=${DAY(9)}`, 'part_0.parquet');
    writeFileSync(late, 'not parquet at all');
    source = await openDuckDbMetrics({ input: dir });

    // Act
    const columns = await source.readChannelDays({ from: DAY(2), to: DAY(8) });

    // Assess
    expect(Math.max(...columns.day)).toBe(dayNumber(DAY(8)));
    expect(columns.channel.length).toBe(inRange(sampleRows(), DAY(2), DAY(8)).length);
    // A broken file (an upload under way) is named as such, not as a query that failed
    await expect(source.readChannelDays({ from: DAY(8), to: DAY(9) })).rejects.toThrow(
      `${late}: not a whole Parquet file (too small, or no footer): an upload still under way or a broken write; write the day again`,
    );
  });

  it.each([
    [
      'a folder inside the partition',
      (day: string) => join(day, 'retry=1', 'part_b.parquet'),
      /a folder inside a partition is not read/,
    ],
    [
      'a Parquet file without an extension (as Athena names them)',
      (day: string) => join(day, '20261202_003512_00012'),
      /a Parquet file without its extension is not read/,
    ],
    ['an upper-case extension', (day: string) => join(day, 'part_1.PARQUET'), /not read as named/],
    ['a compressed CSV', (day: string) => join(day, 'part_1.csv.gz'), /not read as named/],
  ])('refuses %s of a day it reads, naming it, and reads the days around it', async (_, place, says) => {
    // Prepare: some of DAY(5)'s rows where the read would not see them (its channels would read as silent)
    await writeChannelLake(dir, sampleRows());
    const day = join(dir, 'crm_channel_daily', `dt=${DAY(5)}`);
    const stray = place(day);
    mkdirSync(dirname(stray), { recursive: true });
    copyFileSync(join(day, 'part_0.parquet'), stray);
    source = await openDuckDbMetrics({ input: dir });

    // Act
    const around = await source.readChannelDays({ from: DAY(1), to: DAY(4) });
    const reading = source.readChannelDays({ from: DAY(4), to: DAY(6) });

    // Assess
    expect(around.channel.length).toBe(inRange(sampleRows(), DAY(1), DAY(4)).length);
    await expect(reading).rejects.toThrow(InputError);
    await expect(reading).rejects.toThrow(says);
    await expect(reading).rejects.toThrow(
      stray.startsWith(join(day, 'retry=1')) ? join(day, 'retry=1') : stray,
    );
  });

  it('reads past files that are not data: a README in a day, the registry export beside the days', async () => {
    // Prepare
    await writeChannelLake(dir, sampleRows());
    const table = join(dir, 'crm_channel_daily');
    writeFileSync(join(table, `dt=${DAY(5)}`, 'README'), 'written by the nightly export\n');
    writeFileSync(join(table, 'channels.csv'), 'channel_id,name,category,owner\n');
    source = await openDuckDbMetrics({ input: table });

    // Act
    const columns = await source.readChannelDays({ from: DAY(4), to: DAY(6) });

    // Assess
    expect(columns.channel.length).toBe(inRange(sampleRows(), DAY(4), DAY(6)).length);
  });

  it('refuses a data file at the table folder, outside any day', async () => {
    // Prepare
    await writeChannelLake(dir, sampleRows());
    const stray = join(dir, 'crm_channel_daily', 'all.parquet');
    copyFileSync(join(dir, 'crm_channel_daily', `dt=${DAY(5)}`, 'part_0.parquet'), stray);
    source = await openDuckDbMetrics({ input: dir });

    // Act / Assess
    await expect(source.readChannelDays({ from: DAY(1), to: DAY(4) })).rejects.toThrow(
      `${stray}: a data file outside any dt=YYYY-MM-DD/ folder is read by no day`,
    );
  });

  it('names an empty Parquet file (an upload just begun) the way it names a truncated one', () => {
    // Act
    const error = engineError(
      new Error(
        "Invalid Input Error: File '/lake/dt=2026-03-05/part_0.parquet' too small to be a Parquet file",
      ),
      'SELECT 1',
    );

    // Assess
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toMatch(/^\/lake\/dt=2026-03-05\/part_0\.parquet: not a whole Parquet file/);
  });

  it('returns empty columns for a range with no partitions', async () => {
    // Prepare
    await writeChannelLake(dir, sampleRows());
    source = await openDuckDbMetrics({ input: dir });

    // Act
    const columns = await source.readChannelDays({ from: DAY(20), to: DAY(25) });

    // Assess
    expect(columns.channelIds).toEqual([]);
    expect(columns.channel.length).toBe(0);
    expect(columns.toDay - columns.fromDay).toBe(5);
  });

  it('re-writing a partition replaces it: same rows give the same lake, changed rows win', async () => {
    // Prepare
    const rows = sampleRows();
    await writeChannelLake(dir, rows);
    await writeChannelLake(dir, rows);
    const changed = rows.filter((row) => row.dt === DAY(5)).map((row) => ({ ...row, sends: row.sends + 1 }));
    await writeChannelLake(dir, changed);
    source = await openDuckDbMetrics({ input: dir });

    // Act
    const columns = await source.readChannelDays({ from: DAY(0), to: DAY(9) });

    // Assess
    const expected = rows.map((row) => (row.dt === DAY(5) ? { ...row, sends: row.sends + 1 } : row));
    expect(rowsOf(columns)).toEqual(inRange(expected, DAY(0), DAY(9)));
  });

  it('reads CSV files inside dt= partitions like Parquet ones', async () => {
    // Prepare
    const table = join(dir, 'crm_channel_daily');
    // An export that names its files in capitals is read all the same
    for (const [day, name] of [
      [DAY(0), 'part.csv'],
      [DAY(1), 'PART.CSV'],
    ] as const) {
      mkdirSync(join(table, `dt=${day}`), { recursive: true });
      writeFileSync(
        join(table, `dt=${day}`, name),
        'channel_id,channel_type,sends,clicks\nkakao-a,alimtalk,100,7\n',
      );
    }
    source = await openDuckDbMetrics({ input: dir });

    // Act
    const columns = await source.readChannelDays({ from: DAY(0), to: DAY(1) });

    // Assess
    expect(rowsOf(columns)).toEqual([
      { dt: DAY(0), channelId: 'kakao-a', channelType: 'alimtalk', sends: 100, clicks: 7 },
      { dt: DAY(1), channelId: 'kakao-a', channelType: 'alimtalk', sends: 100, clicks: 7 },
    ]);
  });

  it('reads a year of CSV partitions in the memory one day needs, each file by its own header', async () => {
    // Prepare: a scan a file held ~30 MB a file: 64 days ran out of 512 MB. Every other file has its
    // columns in another order and one more.
    const table = join(dir, 'crm_channel_daily');
    const days = Array.from({ length: 365 }, (_, n) => DAY(n));
    days.forEach((day, n) => {
      mkdirSync(join(table, `dt=${day}`), { recursive: true });
      writeFileSync(
        join(table, `dt=${day}`, 'part.csv'),
        n % 2 === 0
          ? `channel_id,channel_type,sends,clicks\nkakao-a,alimtalk,${100 + n},7\n`
          : `clicks,note,sends,channel_type,channel_id\n7,odd day,${100 + n},alimtalk,kakao-a\n`,
      );
    });
    source = await openDuckDbMetrics({ input: dir, memoryLimit: '512MB' });

    // Act
    const columns = await source.readChannelDays({ from: DAY(0), to: DAY(364) });

    // Assess
    expect(rowsOf(columns)).toEqual(
      days.map((dt, n) => ({ dt, channelId: 'kakao-a', channelType: 'alimtalk', sends: 100 + n, clicks: 7 })),
    );
  });
});

describe('DuckDB metrics source over a CSV file', () => {
  let dir: string;
  let cleanup: () => void;
  let source: MetricsSource | undefined;
  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(async () => {
    await source?.close();
    source = undefined;
    cleanup();
  });

  it('reads what writeChannelCsv wrote, range by range, with seenBefore', async () => {
    // Prepare
    const file = join(dir, 'channels.csv');
    const rows = sampleRows();
    await writeChannelCsv(file, rows);
    source = await openDuckDbMetrics({ input: file });

    // Act
    const columns = await source.readChannelDays({ from: DAY(6), to: DAY(9) });

    // Assess
    expect(readFileSync(file, 'utf8').split('\n')[0]).toBe('dt,channel_id,channel_type,sends,clicks');
    expect(rowsOf(columns)).toEqual(inRange(rows, DAY(6), DAY(9)));
    expect([...columns.seenBefore]).toEqual([0, 1, 0]);
    expect(await source.earliestDay()).toBe(DAY(0));
    expect(await source.latestDay()).toBe(DAY(9));
  });

  it('maps the user’s column names, in a CSV and in a lake', async () => {
    // Prepare
    const columnsOption = {
      dt: 'day',
      channelId: 'template',
      channelType: 'kind',
      sends: 'sent',
      clicks: 'opened',
    };
    const file = join(dir, 'renamed.csv');
    writeFileSync(file, `day,template,kind,sent,opened,extra\n${DAY(0)},t1,push,500,25,x\n`);
    await writeChannelLake(join(dir, 'lake'), sampleRows(), { columns: columnsOption });
    const fromCsv = await openDuckDbMetrics({ input: file, columns: columnsOption });
    const fromLake = await openDuckDbMetrics({ input: join(dir, 'lake'), columns: columnsOption });

    // Act
    const csvColumns = await fromCsv.readChannelDays({ from: DAY(0), to: DAY(0) });
    const lakeColumns = await fromLake.readChannelDays({ from: DAY(0), to: DAY(9) });
    await fromCsv.close();
    await fromLake.close();

    // Assess
    expect(rowsOf(csvColumns)).toEqual([
      { dt: DAY(0), channelId: 't1', channelType: 'push', sends: 500, clicks: 25 },
    ]);
    expect(readdirSync(join(dir, 'lake', 'crm_channel_daily'))).toContain(`day=${DAY(0)}`);
    expect(rowsOf(lakeColumns)).toEqual(inRange(sampleRows(), DAY(0), DAY(9)));
  });
});
