import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DOUBLE, type DuckDBConnection, DuckDBInstance, INTEGER, VARCHAR } from '@duckdb/node-api';
import { appendColumns } from '#shared/adapters/duckdb/chunks.ts';
import {
  CHANNEL_TABLE,
  type ColumnNames,
  columnNames,
  ENGAGEMENT_TABLE,
  ident,
  literal,
} from '#shared/adapters/metrics-sql.ts';
import type { ChannelDayColumns, ChannelDayRow } from '#shared/domain/channel-metrics.ts';
import { dayNumber, type IsoDay, isoDay } from '#shared/time/seoul.ts';

/** Channel rows to write: row objects, or columns as `readChannelDays` returns them (no `seenBefore` needed). */
export type ChannelRowsInput =
  | readonly ChannelDayRow[]
  | Pick<ChannelDayColumns, 'channelIds' | 'channelTypes' | 'channel' | 'day' | 'sends' | 'clicks'>;

/** One row of `user_engagement_daily`. */
export interface EngagementDayRow {
  dt: IsoDay;
  userId: string;
  featureUses: number;
}

/** Engagement rows to write: row objects, or columns (`user[i]` indexes `userIds`, `day[i]` a day number). */
export type EngagementRowsInput =
  | readonly EngagementDayRow[]
  | { userIds: string[]; user: Int32Array; day: Int32Array; featureUses: Float64Array };

export interface WriteOptions {
  /** Column names to write (defaults: the lake contract). */
  columns?: Partial<ColumnNames>;
}

/** Dense ids: the index of each distinct key, in first-seen order. */
function indexKeys(keys: Iterable<string>): { ids: string[]; index: Map<string, number> } {
  const index = new Map<string, number>();
  const ids: string[] = [];
  for (const key of keys) {
    if (!index.has(key)) {
      index.set(key, ids.length);
      ids.push(key);
    }
  }
  return { ids, index };
}

function channelColumns(rows: ChannelRowsInput) {
  if (!Array.isArray(rows)) return rows as Exclude<ChannelRowsInput, readonly ChannelDayRow[]>;
  const list = rows as readonly ChannelDayRow[];
  const { ids, index } = indexKeys(list.map((row) => row.channelId));
  const channelTypes = new Array<string>(ids.length);
  for (const row of list) channelTypes[index.get(row.channelId)!] = row.channelType;
  return {
    channelIds: ids,
    channelTypes,
    channel: Int32Array.from(list, (row) => index.get(row.channelId)!),
    day: Int32Array.from(list, (row) => dayNumber(row.dt)),
    sends: Float64Array.from(list, (row) => row.sends),
    clicks: Float64Array.from(list, (row) => row.clicks),
  };
}

function engagementColumns(rows: EngagementRowsInput) {
  if (!Array.isArray(rows)) return rows as Exclude<EngagementRowsInput, readonly EngagementDayRow[]>;
  const list = rows as readonly EngagementDayRow[];
  const { ids, index } = indexKeys(list.map((row) => row.userId));
  return {
    userIds: ids,
    user: Int32Array.from(list, (row) => index.get(row.userId)!),
    day: Int32Array.from(list, (row) => dayNumber(row.dt)),
    featureUses: Float64Array.from(list, (row) => row.featureUses),
  };
}

async function withConnection<T>(work: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    return await work(connection);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** Loads channel rows into `channel_rows` (as typed columns) and returns the SELECT that names them. */
async function loadChannelRows(connection: DuckDBConnection, rows: ChannelRowsInput, names: ColumnNames) {
  const input = channelColumns(rows);
  await connection.run('CREATE TABLE channels (idx INTEGER, channel_id VARCHAR, channel_type VARCHAR)');
  await connection.run(
    'CREATE TABLE channel_rows (channel INTEGER, day INTEGER, sends DOUBLE, clicks DOUBLE)',
  );
  const indexes = Int32Array.from(input.channelIds, (_, i) => i);
  await appendColumns(
    connection,
    'channels',
    [INTEGER, VARCHAR, VARCHAR],
    [indexes, input.channelIds, input.channelTypes],
  );
  await appendColumns(
    connection,
    'channel_rows',
    [INTEGER, INTEGER, DOUBLE, DOUBLE],
    [input.channel, input.day, input.sends, input.clicks],
  );
  const days = [...new Set(input.day)].map(isoDay);
  const select = `SELECT strftime(DATE '1970-01-01' + r.day, '%Y-%m-%d') AS ${ident(names.dt)},
      c.channel_id AS ${ident(names.channelId)}, c.channel_type AS ${ident(names.channelType)},
      CAST(r.sends AS BIGINT) AS ${ident(names.sends)}, CAST(r.clicks AS BIGINT) AS ${ident(names.clicks)}
    FROM channel_rows AS r JOIN channels AS c ON c.idx = r.channel
    ORDER BY r.day, r.channel`;
  return { select, days };
}

async function loadEngagementRows(
  connection: DuckDBConnection,
  rows: EngagementRowsInput,
  names: ColumnNames,
) {
  const input = engagementColumns(rows);
  await connection.run('CREATE TABLE users (idx INTEGER, user_id VARCHAR)');
  await connection.run('CREATE TABLE engagement_rows (usr INTEGER, day INTEGER, feature_uses DOUBLE)');
  await appendColumns(
    connection,
    'users',
    [INTEGER, VARCHAR],
    [Int32Array.from(input.userIds, (_, i) => i), input.userIds],
  );
  await appendColumns(
    connection,
    'engagement_rows',
    [INTEGER, INTEGER, DOUBLE],
    [input.user, input.day, input.featureUses],
  );
  const days = [...new Set(input.day)].map(isoDay);
  const select = `SELECT strftime(DATE '1970-01-01' + r.day, '%Y-%m-%d') AS ${ident(names.dt)},
      u.user_id AS ${ident(names.userId)}, CAST(r.feature_uses AS BIGINT) AS ${ident(names.featureUses)}
    FROM engagement_rows AS r JOIN users AS u ON u.idx = r.usr
    ORDER BY r.day, r.usr`;
  return { select, days };
}

/**
 * Writes `select` as `tableDir/dt=YYYY-MM-DD/part_0.parquet` (zstd). The partitions of the days
 * written are replaced first, so re-writing the same rows gives the same lake; other days stay.
 */
async function copyPartitioned(
  connection: DuckDBConnection,
  select: string,
  tableDir: string,
  days: IsoDay[],
  dtColumn: string,
): Promise<void> {
  mkdirSync(tableDir, { recursive: true });
  for (const day of days) rmSync(join(tableDir, `${dtColumn}=${day}`), { recursive: true, force: true });
  if (days.length === 0) return;
  await connection.run(
    `COPY (${select}) TO ${literal(tableDir)}
      (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (${ident(dtColumn)}), OVERWRITE_OR_IGNORE, FILENAME_PATTERN 'part_{i}')`,
  );
}

/** Writes channel rows as `dir/crm_channel_daily/dt=YYYY-MM-DD/*.parquet`; returns the table folder. */
export async function writeChannelLake(
  dir: string,
  rows: ChannelRowsInput,
  options: WriteOptions = {},
): Promise<string> {
  const names = columnNames(options.columns);
  const tableDir = join(dir, CHANNEL_TABLE);
  await withConnection(async (connection) => {
    const { select, days } = await loadChannelRows(connection, rows, names);
    await copyPartitioned(connection, select, tableDir, days, names.dt);
  });
  return tableDir;
}

/** Writes engagement rows as `dir/user_engagement_daily/dt=YYYY-MM-DD/*.parquet`; returns the table folder. */
export async function writeEngagementLake(
  dir: string,
  rows: EngagementRowsInput,
  options: WriteOptions = {},
): Promise<string> {
  const names = columnNames(options.columns);
  const tableDir = join(dir, ENGAGEMENT_TABLE);
  await withConnection(async (connection) => {
    const { select, days } = await loadEngagementRows(connection, rows, names);
    await copyPartitioned(connection, select, tableDir, days, names.dt);
  });
  return tableDir;
}

async function copyCsv(connection: DuckDBConnection, select: string, file: string): Promise<void> {
  mkdirSync(dirname(file), { recursive: true });
  await connection.run(`COPY (${select}) TO ${literal(file)} (FORMAT csv, HEADER true, DELIMITER ',')`);
}

/** Writes channel rows as one CSV file, header `dt,channel_id,channel_type,sends,clicks`. */
export async function writeChannelCsv(
  file: string,
  rows: ChannelRowsInput,
  options: WriteOptions = {},
): Promise<void> {
  const names = columnNames(options.columns);
  await withConnection(async (connection) => {
    const { select } = await loadChannelRows(connection, rows, names);
    await copyCsv(connection, select, file);
  });
}

/** Writes engagement rows as one CSV file, header `dt,user_id,feature_uses`. */
export async function writeEngagementCsv(
  file: string,
  rows: EngagementRowsInput,
  options: WriteOptions = {},
): Promise<void> {
  const names = columnNames(options.columns);
  await withConnection(async (connection) => {
    const { select } = await loadEngagementRows(connection, rows, names);
    await copyCsv(connection, select, file);
  });
}
