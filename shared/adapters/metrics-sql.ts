import { CHANNEL_ID_RE2, CHANNEL_TYPE_RE2 } from '#shared/domain/channel-name.ts';
import type { EngagementRange } from '#shared/ports/metrics-source.ts';
import { dayNumber, type IsoDay, isIsoDay } from '#shared/time/seoul.ts';

/**
 * SQL text for the metrics lake, shared by the engines that read it. Every statement here is plain
 * SQL that DuckDB and Athena (Trino) both run: double-quoted identifiers, `TRY_CAST`, `date_diff`,
 * `max_by`, string `dt` compared as text (YYYY-MM-DD sorts as it reads). An engine supplies the
 * relation it reads from (a table name on Athena, a `read_parquet(...)` call on DuckDB) and the
 * expressions that say where a row came from (file and row), when it knows them.
 */

/** Column names of the lake tables; a user's own lake may name them differently. */
export interface ColumnNames {
  dt: string;
  channelId: string;
  channelType: string;
  sends: string;
  clicks: string;
  userId: string;
  featureUses: string;
}

/** The lake contract's names (README.md, "The lake contract"). */
export const LAKE_COLUMNS: ColumnNames = {
  dt: 'dt',
  channelId: 'channel_id',
  channelType: 'channel_type',
  sends: 'sends',
  clicks: 'clicks',
  userId: 'user_id',
  featureUses: 'feature_uses',
};

export const CHANNEL_TABLE = 'crm_channel_daily';
export const ENGAGEMENT_TABLE = 'user_engagement_daily';

export function columnNames(overrides: Partial<ColumnNames> = {}): ColumnNames {
  return { ...LAKE_COLUMNS, ...overrides };
}

/** A double-quoted identifier (both engines). */
export function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** A single-quoted string literal (both engines). */
export function literal(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** A day literal; refuses anything but a real YYYY-MM-DD, so no caller text reaches the SQL unchecked. */
export function dayLiteral(day: IsoDay): string {
  if (!isIsoDay(day)) throw new RangeError(`not a calendar day (YYYY-MM-DD): ${JSON.stringify(day)}`);
  return `'${day}'`;
}

/** Where a row came from: expressions for its file and its row (null when the engine cannot say). */
export interface RowOrigin {
  source: string;
  row: string;
}

/** `WHERE dt BETWEEN ...` on the partition column (text, so the engine prunes `dt=` folders), or nothing. */
function dayRangeWhere(columns: ColumnNames, range?: { from: IsoDay; to: IsoDay }): string {
  return range
    ? `WHERE ${ident(columns.dt)} BETWEEN ${dayLiteral(range.from)} AND ${dayLiteral(range.to)}`
    : '';
}

/**
 * The channel table in the shape every other statement reads: `source, row, dt, channel_id,
 * channel_type, sends, clicks`, values as stored (validation casts them), days in [from, to].
 * `dt` is compared as text so the engine prunes the `dt=` partitions it does not need.
 */
export function channelRowsSql(
  relation: string,
  columns: ColumnNames,
  origin: RowOrigin,
  range?: { from: IsoDay; to: IsoDay },
): string {
  const where = dayRangeWhere(columns, range);
  return `SELECT ${origin.source} AS source, ${origin.row} AS "row",
    CAST(${ident(columns.dt)} AS VARCHAR) AS dt,
    CAST(${ident(columns.channelId)} AS VARCHAR) AS channel_id,
    CAST(${ident(columns.channelType)} AS VARCHAR) AS channel_type,
    ${ident(columns.sends)} AS sends,
    ${ident(columns.clicks)} AS clicks
  FROM ${relation} ${where}`;
}

/** The engagement table as `source, row, dt, user_id, feature_uses`, days in [from, to]. */
export function engagementRowsSql(
  relation: string,
  columns: ColumnNames,
  origin: RowOrigin,
  range?: { from: IsoDay; to: IsoDay },
): string {
  const where = dayRangeWhere(columns, range);
  return `SELECT ${origin.source} AS source, ${origin.row} AS "row",
    CAST(${ident(columns.dt)} AS VARCHAR) AS dt,
    CAST(${ident(columns.userId)} AS VARCHAR) AS user_id,
    ${ident(columns.featureUses)} AS feature_uses
  FROM ${relation} ${where}`;
}

/**
 * What the engine already knows about a table's values, so the row checks skip what cannot fail:
 * `dt` taken from partition folders the adapter checked, counts stored as integers.
 */
export interface KnownValues {
  dayChecked?: boolean;
  integerCounts?: boolean;
}

/** True for a real calendar day written YYYY-MM-DD (a cast alone accepts `2026-1-5`). */
const validDay = (expr: string, known: KnownValues) =>
  known.dayChecked
    ? `${expr} IS NOT NULL`
    : `COALESCE(CAST(TRY_CAST(${expr} AS DATE) AS VARCHAR) = ${expr}, false)`;
/** An id or type: not empty, no spaces around it ("push_a " would be another channel); cheap, so once a row. */
const exactName = (expr: string) => `COALESCE(${expr} <> '' AND ${expr} = trim(${expr}), false)`;
/** A channel id or type as `channelNameProblem` takes it: a pattern, so once a channel, not once a row. */
const channelName = (expr: string, pattern: string) =>
  `COALESCE(regexp_full_match(${expr}, '${pattern}'), false)`;
/** The largest count a double holds exactly (2^53 - 1): a larger one would be judged rounded. */
export const MAX_COUNT = 9_007_199_254_740_991;
/** A whole number from 0 to MAX_COUNT, whether the column is stored as text, integer or double. */
const count = (expr: string, known: KnownValues) =>
  known.integerCounts
    ? `COALESCE(${expr} BETWEEN 0 AND ${MAX_COUNT}, false)`
    : `COALESCE(TRY_CAST(${expr} AS DOUBLE) BETWEEN 0 AND ${MAX_COUNT} AND TRY_CAST(${expr} AS DOUBLE) = floor(TRY_CAST(${expr} AS DOUBLE)), false)`;
const numeric = (expr: string, known: KnownValues) =>
  known.integerCounts ? expr : `TRY_CAST(${expr} AS DOUBLE)`;

/** The lake contract for one channel row, as a boolean SQL expression over `channelRowsSql` columns. */
export function channelRowValid(known: KnownValues = {}): string {
  return `(${validDay('dt', known)} AND ${exactName('channel_id')} AND ${exactName('channel_type')}
  AND ${count('sends', known)} AND ${count('clicks', known)}
  AND ${numeric('clicks', known)} <= ${numeric('sends', known)})`;
}

/** The distinct (channel id, type) pairs of `rows`: names are checked once each, not once a row. */
export function channelNamesSql(rows: string): string {
  return `SELECT DISTINCT channel_id, channel_type FROM (${rows}) AS named`;
}

/**
 * `channelRowValid`, and neither the channel id nor the type one of the `bad` ones (a file of
 * thousands of bad names is named by a row of its first thousand).
 */
export function channelRowValidWithNames(
  bad: { ids: ReadonlySet<string>; types: ReadonlySet<string> },
  known: KnownValues = {},
): string {
  const notIn = (column: string, names: ReadonlySet<string>) =>
    names.size ? ` AND ${column} NOT IN (${[...names].slice(0, 1000).map(literal).join(', ')})` : '';
  const names = notIn('channel_id', bad.ids) + notIn('channel_type', bad.types);
  return names ? `(${channelRowValid(known)}${names})` : channelRowValid(known);
}

export function engagementRowValid(known: KnownValues = {}): string {
  return `(${validDay('dt', known)} AND ${exactName('user_id')} AND ${count('feature_uses', known)})`;
}

/**
 * The first row (by file, then row) that breaks the contract, values as text so the message can
 * quote them. `rows` is a `channelRowsSql` or `engagementRowsSql` relation.
 */
export function firstInvalidRowSql(rows: string, valid: string, valueColumns: string[]): string {
  const values = valueColumns.map((name) => `CAST(${name} AS VARCHAR) AS ${name}`).join(', ');
  return `SELECT source, "row", ${values} FROM (${rows}) AS checked WHERE NOT ${valid} ORDER BY source, "row" LIMIT 1`;
}

/**
 * One row per channel of the window: its id, its latest type, first day, row count, and how many of
 * its rows break `valid` (counted in the same scan, so a clean read pays for one pass, not two).
 * A repeated day is left to the reader, which finds it from the numbers for less than
 * `count(DISTINCT dt)` costs here.
 */
export function windowChannelsSql(rows: string, valid = 'true', checkNames = false): string {
  // Names are tested once a channel, on its id and the type it is judged under.
  const badName = checkNames
    ? ` + CASE WHEN ${channelName('channel_id', CHANNEL_ID_RE2)} AND ${channelName('max_by(channel_type, dt)', CHANNEL_TYPE_RE2)} THEN 0 ELSE 1 END`
    : '';
  return `SELECT channel_id, max_by(channel_type, dt) AS channel_type, min(dt) AS first_dt, count(*) AS row_count,
    count_if(NOT ${valid})${badName} AS invalid_rows
  FROM (${rows}) AS window_rows GROUP BY channel_id`;
}

/**
 * The rows of the window as numbers only: dense channel index (from `channels`, a table holding
 * `channel_id, idx`), day number since 1970-01-01, sends, clicks.
 */
export function channelDayNumbersSql(rows: string, channels: string): string {
  return `SELECT c.idx AS channel,
    CAST(date_diff('day', DATE '1970-01-01', CAST(r.dt AS DATE)) AS INTEGER) AS day,
    CAST(r.sends AS DOUBLE) AS sends, CAST(r.clicks AS DOUBLE) AS clicks
  FROM (${rows}) AS r JOIN ${channels} AS c ON c.channel_id = r.channel_id`;
}

/** The channel of the first row (by file, then row) that repeats an earlier row's day and channel. */
export function firstRepeatSql(rows: string): string {
  return `SELECT channel_id FROM (
    SELECT channel_id, source, "row",
      row_number() OVER (PARTITION BY dt, channel_id ORDER BY source, "row") AS copy
    FROM (${rows}) AS r
  ) AS d WHERE copy = 2 ORDER BY source, "row" LIMIT 1`;
}

/** The rows of one channel whose day repeats, in file order: the first is the original. */
export function duplicateRowsSql(rows: string, channelId: string): string {
  return `SELECT source, "row", dt FROM (
    SELECT source, "row", dt, count(*) OVER (PARTITION BY dt) AS copies
    FROM (${rows}) AS r WHERE channel_id = ${literal(channelId)}
  ) AS d WHERE copies > 1 ORDER BY dt, source, "row" LIMIT 2`;
}

/**
 * The dense indexes (`idx` of `channels`) of the window's channels that first appear after `from`
 * yet have a row in `earlierRows`: their series began before the window.
 */
export function seenBeforeSql(earlierRows: string, channels: string, from: IsoDay): string {
  return `SELECT c.idx FROM ${channels} AS c
  WHERE c.first_dt > ${dayLiteral(from)}
    AND c.channel_id IN (SELECT e.channel_id FROM (${earlierRows}) AS e)`;
}

/**
 * Engagement per user seen over [from, to]: uses summed and active days counted from `usesFrom`, first
 * day seen over the whole range; ordered by user.
 * Active days are counted as bits of a day mask when the window fits 63 days: `count(DISTINCT dt)`
 * over a million users costs several times the rest of the query. (`bit_or`/`bit_count` are
 * DuckDB's names; Trino spells them `bitwise_or_agg`/`bit_count(x, 64)`.)
 */
export function engagementPerUserSql(rows: string, range: EngagementRange): string {
  const usesFrom = range.usesFrom ?? range.from;
  const counted = `dt >= ${dayLiteral(usesFrom)}`;
  const days = dayNumber(range.to) - dayNumber(usesFrom) + 1;
  const offset = `date_diff('day', DATE ${dayLiteral(usesFrom)}, CAST(dt AS DATE))`;
  const activeDays =
    days <= 63
      ? `bit_count(bit_or(CASE WHEN ${counted} THEN CAST(1 AS BIGINT) << ${offset} ELSE CAST(0 AS BIGINT) END))`
      : `count(DISTINCT CASE WHEN ${counted} THEN dt END)`;
  return `SELECT user_id, sum(CASE WHEN ${counted} THEN CAST(feature_uses AS DOUBLE) ELSE 0 END) AS feature_uses,
    min(dt) AS first_seen, CAST(${activeDays} AS INTEGER) AS active_days
  FROM (${rows}) AS r GROUP BY user_id ORDER BY user_id`;
}
