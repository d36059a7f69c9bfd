import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { ChannelDayColumns, ChannelDayRow } from '#shared/domain/channel-metrics.ts';
import { addDays, type IsoDay, isoDay } from '#shared/time/seoul.ts';

/** A fresh temp folder; `cleanup` removes it. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'crm-guard-duckdb-test-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export const START: IsoDay = '2026-03-01';

/**
 * Three channels over ten days from START:
 * - `kakao-a` (alimtalk) sends every day;
 * - `push-b` (push) starts on day 2 and has no row on day 6 (an outage);
 * - `sms-c` (sms) starts on day 7.
 * Sends encode channel and day so a row read back can be checked for where it came from.
 */
export function sampleRows(): ChannelDayRow[] {
  const rows: ChannelDayRow[] = [];
  for (let d = 0; d < 10; d++) {
    const dt = addDays(START, d);
    rows.push({ dt, channelId: 'kakao-a', channelType: 'alimtalk', sends: 1000 + d, clicks: 50 + d });
    if (d >= 2 && d !== 6)
      rows.push({ dt, channelId: 'push-b', channelType: 'push', sends: 2000 + d, clicks: 20 });
    if (d >= 7) rows.push({ dt, channelId: 'sms-c', channelType: 'sms', sends: 3000 + d, clicks: 0 });
  }
  return rows;
}

/** Runs SQL in a throwaway DuckDB (to write files the writer would never write: bad ones). */
export async function duckdb(sql: string): Promise<void> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    await connection.run(sql);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** Columns read back as sorted rows, to compare with what was written. */
export function rowsOf(columns: ChannelDayColumns): ChannelDayRow[] {
  const rows: ChannelDayRow[] = [];
  for (let i = 0; i < columns.channel.length; i++) {
    const c = columns.channel[i]!;
    rows.push({
      dt: isoDay(columns.day[i]!),
      channelId: columns.channelIds[c]!,
      channelType: columns.channelTypes[c]!,
      sends: columns.sends[i]!,
      clicks: columns.clicks[i]!,
    });
  }
  return rows.sort((a, b) => a.dt.localeCompare(b.dt) || a.channelId.localeCompare(b.channelId));
}

/** The rows a range should return. */
export function inRange(rows: ChannelDayRow[], from: IsoDay, to: IsoDay): ChannelDayRow[] {
  return rows
    .filter((row) => row.dt >= from && row.dt <= to)
    .sort((a, b) => a.dt.localeCompare(b.dt) || a.channelId.localeCompare(b.channelId));
}
