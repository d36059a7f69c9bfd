import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { forEachChunk, forEachNumericChunk } from '#shared/adapters/duckdb/chunks.ts';
import { fileRow } from '#shared/adapters/duckdb/csv-lines.ts';
import { resolveInput, type TableLocation } from '#shared/adapters/duckdb/lake-layout.ts';
import {
  engineError,
  type LakeTable,
  openLakeTable,
  query,
  queryRows,
  type RangeRows,
  throwOnCsvRejects,
} from '#shared/adapters/duckdb/lake-tables.ts';
import {
  channelRowError,
  engagementRowError,
  type InvalidChannelRow,
  type InvalidEngagementRow,
} from '#shared/adapters/duckdb/row-problems.ts';
import {
  type ColumnNames,
  channelDayNumbersSql,
  channelNamesSql,
  channelRowValid,
  channelRowValidWithNames,
  columnNames,
  dayLiteral,
  duplicateRowsSql,
  engagementPerUserSql,
  engagementRowValid,
  firstInvalidRowSql,
  firstRepeatSql,
  seenBeforeSql,
  windowChannelsSql,
} from '#shared/adapters/metrics-sql.ts';
import type { ChannelDayColumns } from '#shared/domain/channel-metrics.ts';
import { channelNameProblem } from '#shared/domain/channel-name.ts';
import type { UserEngagement } from '#shared/domain/engagement.ts';
import { InputError, MetricsQueryError } from '#shared/errors.ts';
import type { EngagementRange, MetricsSource } from '#shared/ports/metrics-source.ts';
import { addDays, dayNumber, type IsoDay } from '#shared/time/seoul.ts';

export type { ColumnNames } from '#shared/adapters/metrics-sql.ts';

export interface DuckDbMetricsOptions {
  /**
   * Channel data: a CSV file (`dt,channel_id,channel_type,sends,clicks`), a lake folder holding
   * `crm_channel_daily/` (and optionally `user_engagement_daily/`), or a folder of `dt=` partitions.
   */
  input?: string;
  /** Engagement data when it is not in the lake folder: a CSV (`dt,user_id,feature_uses`) or a folder of `dt=` partitions. */
  engagementInput?: string;
  /** Column names of the user's lake (defaults: the lake contract). */
  columns?: Partial<ColumnNames>;
  /** Users per page of `readEngagement` (default 10,000). */
  engagementPageSize?: number;
  /** DuckDB's memory cap (default 1GB): the reads stream, so more buys little. */
  memoryLimit?: string;
}

const CHANNEL_VALUES = ['dt', 'channel_id', 'channel_type', 'sends', 'clicks'];
const ENGAGEMENT_VALUES = ['dt', 'user_id', 'feature_uses'];
/** A user id the gate would take (`USER_ID_PATTERN`, in DuckDB's words): no request could ask for another's tier. */
const GATE_USER_ID = `COALESCE(regexp_full_match(user_id, '[!-~]{1,128}'), false)`;

/**
 * The metrics source of the embedded default: DuckDB over a local Parquet lake or CSV files. Every
 * read checks the rows it returns against the lake contract first and throws one `InputError`
 * naming file, row and field; nothing is dropped quietly.
 */
export async function openDuckDbMetrics(options: DuckDbMetricsOptions): Promise<MetricsSource> {
  const columns = columnNames(options.columns);
  if (options.input === undefined && options.engagementInput === undefined) {
    throw new InputError('metrics input', 'give a channel input, an engagement input, or both');
  }
  const found: { channel?: TableLocation; engagement?: TableLocation } =
    options.input === undefined ? {} : resolveInput(options.input, 'channel', columns.dt);
  if (options.engagementInput !== undefined) {
    found.engagement = resolveInput(options.engagementInput, 'engagement', columns.dt).engagement;
  }
  const pageSize = options.engagementPageSize ?? 10_000;

  const instance = await DuckDBInstance.create(':memory:', {
    memory_limit: options.memoryLimit ?? '1GB',
    // Spill files of this instance only: DuckDB removes the folder it created when it closes.
    temp_directory: join(tmpdir(), `crm-guard-duckdb-${process.pid}-${randomUUID()}`),
  });

  const checkChannels = async (connection: DuckDBConnection, rows: RangeRows) => {
    // Names follow `channelNameProblem`, checked in JS once each: a pattern a row cost a
    // 100,000-channel read 8 s, and a distinct scan of the names in SQL a year's CSV 0.35 s.
    const bad = { ids: new Set<string>(), types: new Set<string>() };
    for (const { channel_id: id, channel_type: type } of await queryRows(
      connection,
      channelNamesSql(rows.sql),
    )) {
      if (typeof id === 'string' && channelNameProblem(id, 'id')) bad.ids.add(id);
      if (typeof type === 'string' && channelNameProblem(type, 'type')) bad.types.add(type);
    }
    const [invalid] = await queryRows(
      connection,
      firstInvalidRowSql(rows.sql, channelRowValidWithNames(bad, rows.known), CHANNEL_VALUES),
    );
    if (invalid) throw channelRowError(asRow<InvalidChannelRow>(invalid), columns);
    // Reached with clean values only on a whole file (a CSV at load): a read finds its window's
    // repeats from the numbers, so a repeat outside the days a profile reads still stops the run here.
    const [repeat] = await queryRows(connection, firstRepeatSql(rows.sql));
    if (repeat) throw await duplicateError(connection, rows.sql, String(repeat.channel_id), columns);
  };
  const checkEngagement = async (connection: DuckDBConnection, rows: RangeRows) => {
    const [bad] = await queryRows(
      connection,
      firstInvalidRowSql(
        rows.sql,
        `(${engagementRowValid(rows.known)} AND ${GATE_USER_ID})`,
        ENGAGEMENT_VALUES,
      ),
    );
    if (bad) throw engagementRowError(asRow<InvalidEngagementRow>(bad), columns);
  };
  const channelTable = found.channel && openLakeTable('channel', found.channel, columns, checkChannels);
  const engagementTable =
    found.engagement && openLakeTable('engagement', found.engagement, columns, checkEngagement);

  const withConnection = async <T>(work: (connection: DuckDBConnection) => Promise<T>): Promise<T> => {
    // A connection per call: its temp tables are its own, so concurrent reads cannot collide.
    const connection = await instance.connect();
    try {
      return await work(connection);
    } finally {
      connection.closeSync();
    }
  };
  const requireTable = (table: LakeTable | undefined, what: string): LakeTable => {
    if (!table)
      throw new InputError(
        options.input ?? options.engagementInput ?? 'metrics input',
        `holds no ${what} data`,
      );
    return table;
  };

  return {
    readChannelDays: (range) =>
      withConnection((connection) =>
        readChannelDays(connection, requireTable(channelTable, 'channel'), range, columns, checkChannels),
      ),
    latestDay: async () =>
      channelTable
        ? withConnection(async (connection) => (await channelTable.days(connection)).latest)
        : undefined,
    earliestDay: async () =>
      channelTable
        ? withConnection(async (connection) => (await channelTable.days(connection)).earliest)
        : undefined,
    async *readEngagement(range) {
      const table = requireTable(engagementTable, 'engagement');
      yield* readEngagement(() => instance.connect(), table, range, pageSize, checkEngagement);
    },
    async close() {
      instance.closeSync();
    },
  };
}

function asRow<T>(row: Record<string, unknown>): T {
  const value = { ...row, row: row.row === null ? undefined : fileRow(String(row.source), Number(row.row)) };
  return value as T;
}

function emptyColumns(fromDay: number, toDay: number): ChannelDayColumns {
  return {
    fromDay,
    toDay,
    channelIds: [],
    channelTypes: [],
    seenBefore: new Uint8Array(0),
    channel: new Int32Array(0),
    day: new Int32Array(0),
    sends: new Float64Array(0),
    clicks: new Float64Array(0),
  };
}

async function readChannelDays(
  connection: DuckDBConnection,
  table: LakeTable,
  range: { from: IsoDay; to: IsoDay },
  columns: ColumnNames,
  check: (connection: DuckDBConnection, rows: RangeRows) => Promise<void>,
): Promise<ChannelDayColumns> {
  const fromDay = dayNumber(range.from);
  const toDay = dayNumber(range.to);
  if (toDay < fromDay) return emptyColumns(fromDay, toDay);
  const rows = await table.rows(connection, range);
  if (!rows) return emptyColumns(fromDay, toDay);
  await query(
    connection,
    `CREATE TEMP TABLE window_channels AS
      SELECT CAST(row_number() OVER (ORDER BY channel_id) - 1 AS INTEGER) AS idx, *
      FROM (${rows.validated ? windowChannelsSql(rows.sql) : windowChannelsSql(rows.sql, channelRowValid(rows.known), true)}) AS channels`,
  );
  if (rows.scansCsv) await throwOnCsvRejects(connection);
  const [{ invalid }] = (await queryRows(
    connection,
    'SELECT CAST(coalesce(sum(invalid_rows), 0) AS DOUBLE) AS invalid FROM window_channels',
  )) as [{ invalid: number }];
  if (invalid > 0) await check(connection, rows);
  const channelCount = Number(
    (await queryRows(connection, 'SELECT count(*) AS n FROM window_channels'))[0]!.n,
  );
  const channelIds = new Array<string>(channelCount);
  const channelTypes = new Array<string>(channelCount);
  let rowCount = 0;
  await forEachChunk(
    connection,
    'SELECT channel_id, channel_type, CAST(row_count AS DOUBLE) FROM window_channels ORDER BY idx',
    (vectors, count, offset) => {
      const [ids, types, counts] = vectors;
      for (let i = 0; i < count; i++) {
        channelIds[offset + i] = ids!.getItem(i) as string;
        channelTypes[offset + i] = types!.getItem(i) as string;
        rowCount += counts!.getItem(i) as number;
      }
    },
  );

  const seenBefore = new Uint8Array(channelCount);
  const [{ lateStarters }] = (await queryRows(
    connection,
    `SELECT CAST(count(*) AS DOUBLE) AS lateStarters FROM window_channels WHERE first_dt > ${dayLiteral(range.from)}`,
  )) as [{ lateStarters: number }];
  const earliest = (await table.days(connection)).earliest;
  // Only channels first seen after `from` can have begun earlier yet be missing from its first days.
  if (earliest !== undefined && earliest < range.from && lateStarters > 0) {
    const earlier = await table.rows(connection, { from: earliest, to: addDays(range.from, -1) }, false);
    if (earlier) {
      const seen = await queryRows(connection, seenBeforeSql(earlier.sql, 'window_channels', range.from));
      for (const row of seen) seenBefore[Number(row.idx)] = 1;
    }
  }

  const channel = new Int32Array(rowCount);
  const day = new Int32Array(rowCount);
  const sends = new Float64Array(rowCount);
  const clicks = new Float64Array(rowCount);
  const copy = (columns: (Int32Array | Float64Array)[], _count: number, offset: number) => {
    channel.set(columns[0]!, offset);
    day.set(columns[1]!, offset);
    sends.set(columns[2]!, offset);
    clicks.set(columns[3]!, offset);
  };
  // Slices of about SLICE_ROWS rows, each materialized: a streamed result costs a round trip to DuckDB
  // a 2,048-row chunk (1.3 s more for a 100,000-channel run's 98 days); a slice, only its rows' memory;
  // and each query its own fixed cost (a year of 400 channels is one slice, not fifteen).
  const sliceDays = Math.max(1, Math.floor(SLICE_ROWS / Math.max(1, channelCount)));
  let offset = 0;
  for (const slice of daySlices(range, sliceDays)) {
    const sliceRows = await table.rows(connection, slice);
    if (!sliceRows) continue;
    const sql = channelDayNumbersSql(sliceRows.sql, 'window_channels');
    try {
      offset = await forEachNumericChunk(connection, sql, copy, { offset, materialize: true });
    } catch (error) {
      throw engineError(error, sql);
    }
  }
  // The slices cover the range once: a count that differs would leave rows out without a word.
  if (offset !== rowCount)
    throw new MetricsQueryError(
      `read ${offset} channel-day rows of the ${rowCount} counted for ${range.from}..${range.to}`,
    );
  const repeated = firstRepeatedChannel(channel, day, channelCount, fromDay, toDay);
  if (repeated !== undefined)
    throw await duplicateError(connection, rows.sql, channelIds[repeated]!, columns);
  return { fromDay, toDay, channelIds, channelTypes, seenBefore, channel, day, sends, clicks };
}

/** Rows a materialized slice of the read holds at most: 25 days of 100,000 channels. */
const SLICE_ROWS = 2_500_000;

/** [from, to] in consecutive slices of at most `days` days. */
function daySlices(range: { from: IsoDay; to: IsoDay }, days: number): { from: IsoDay; to: IsoDay }[] {
  const slices: { from: IsoDay; to: IsoDay }[] = [];
  for (let from = range.from; from <= range.to; from = addDays(from, days)) {
    const to = addDays(from, days - 1);
    slices.push({ from, to: to < range.to ? to : range.to });
  }
  return slices;
}

/** The channel of the first (channel, day) pair that occurs twice, if any: one byte a channel-day. */
function firstRepeatedChannel(
  channel: Int32Array,
  day: Int32Array,
  channelCount: number,
  fromDay: number,
  toDay: number,
): number | undefined {
  const days = toDay - fromDay + 1;
  const seen = new Uint8Array(channelCount * days);
  for (let i = 0; i < channel.length; i++) {
    const cell = channel[i]! * days + (day[i]! - fromDay);
    if (seen[cell]) return channel[i];
    seen[cell] = 1;
  }
  return undefined;
}

async function duplicateError(
  connection: DuckDBConnection,
  rows: string,
  channelId: string,
  columns: ColumnNames,
): Promise<InputError> {
  const [first, second] = await queryRows(connection, duplicateRowsSql(rows, channelId));
  const firstRow = fileRow(String(first!.source), Number(first!.row));
  const where = first!.source === second!.source ? `row ${firstRow}` : `${first!.source} row ${firstRow}`;
  return new InputError(
    String(second!.source),
    `duplicate row for channel ${JSON.stringify(channelId)} on ${second!.dt} (first at ${where})`,
    { row: fileRow(String(second!.source), Number(second!.row)), field: columns.dt },
  );
}

async function* readEngagement(
  connect: () => Promise<DuckDBConnection>,
  table: LakeTable,
  range: EngagementRange,
  pageSize: number,
  check: (connection: DuckDBConnection, rows: RangeRows) => Promise<void>,
): AsyncGenerator<UserEngagement[]> {
  dayNumber(range.from);
  dayNumber(range.to);
  const connection = await connect();
  try {
    const rows = await table.rows(connection, range);
    if (!rows) return;
    try {
      if (!rows.validated) await check(connection, rows);
    } catch (error) {
      // A line DuckDB could not split comes first: the rows after it are numbered without it.
      if (rows.scansCsv) await throwOnCsvRejects(connection);
      throw error;
    }
    if (rows.scansCsv) await throwOnCsvRejects(connection);
    const sql = engagementPerUserSql(rows.sql, range);
    let result: Awaited<ReturnType<DuckDBConnection['stream']>>;
    try {
      result = await connection.stream(sql);
    } catch (error) {
      throw engineError(error, sql);
    }
    let page: UserEngagement[] = [];
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      const [users, uses, firstSeen, activeDays] = [0, 1, 2, 3].map((i) => chunk.getColumnVector(i));
      for (let i = 0; i < chunk.rowCount; i++) {
        page.push({
          userId: users!.getItem(i) as string,
          featureUses: uses!.getItem(i) as number,
          firstSeen: firstSeen!.getItem(i) as string,
          activeDays: activeDays!.getItem(i) as number,
        });
        if (page.length === pageSize) {
          yield page;
          page = [];
        }
      }
    }
    if (page.length > 0) yield page;
  } finally {
    connection.closeSync();
  }
}
