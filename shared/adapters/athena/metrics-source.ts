import type { AthenaClient } from '@aws-sdk/client-athena';
import { type ColumnNames, columnNames } from '#shared/adapters/metrics-sql.ts';
import type { LakeEnv } from '#shared/config/lambda-env.ts';
import type { ChannelDayColumns } from '#shared/domain/channel-metrics.ts';
import { channelNameProblem } from '#shared/domain/channel-name.ts';
import type { UserEngagement } from '#shared/domain/engagement.ts';
import { USER_ID_PATTERN, USER_ID_RULE } from '#shared/domain/engagement.ts';
import { InputError } from '#shared/errors.ts';
import type { EngagementRange, MetricsSource } from '#shared/ports/metrics-source.ts';
import { dayNumber, type IsoDay, isIsoDay, isoDay } from '#shared/time/seoul.ts';
import { type AthenaQuery, createQueryRunner, quoteIdentifier, sqlString } from './query-runner.ts';

export interface AthenaMetricsSourceOptions {
  client: AthenaClient;
  workgroup: string;
  database: string;
  /** Glue table names, e.g. `crm_channel_daily` and `user_engagement_daily`. */
  channelTable: string;
  engagementTable: string;
  columns?: Partial<ColumnNames>;
  /** First poll delay (doubles up to `maxPollIntervalMs`) and the per-query deadline. */
  pollIntervalMs?: number;
  maxPollIntervalMs?: number;
  maxPollMs?: number;
  startRetries?: number;
  /** Rows per GetQueryResults page, at most 1,000; one engagement page per result page. */
  pageSize?: number;
  /** Channels per seen-before query (the ids travel as `?` parameters). */
  seenBeforeBatch?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

/** The lake as a Lambda's environment names it (`ATHENA_WORKGROUP`, `ATHENA_DATABASE`, the table names). */
export function athenaMetricsSourceFromEnv(client: AthenaClient, env: LakeEnv): MetricsSource {
  return createAthenaMetricsSource({
    client,
    workgroup: env.ATHENA_WORKGROUP,
    database: env.ATHENA_DATABASE,
    channelTable: env.CHANNEL_TABLE,
    engagementTable: env.ENGAGEMENT_TABLE,
  });
}

/**
 * The metrics lake through Athena. Every value travels as an execution parameter (days are `?`),
 * every channel query filters the `dt` partition column so Athena scans only the days asked for,
 * and every row is checked against the lake contract before anything is returned.
 */
export function createAthenaMetricsSource(options: AthenaMetricsSourceOptions): MetricsSource {
  const names = columnNames(options.columns);
  const col = Object.fromEntries(
    Object.entries(names).map(([key, name]) => [key, quoteIdentifier(name, `columns.${key}`)]),
  ) as Record<keyof ColumnNames, string>;
  const channelTable = `${quoteIdentifier(options.database, 'database')}.${quoteIdentifier(options.channelTable, 'channelTable')}`;
  const engagementTable = `${quoteIdentifier(options.database, 'database')}.${quoteIdentifier(options.engagementTable, 'engagementTable')}`;
  const channelSource = `athena:${options.channelTable}`;
  const engagementSource = `athena:${options.engagementTable}`;
  const seenBeforeBatch = Math.max(1, options.seenBeforeBatch ?? 100);
  const runner = createQueryRunner(options);

  async function* rowsOf(query: AthenaQuery): AsyncGenerator<(string | undefined)[][]> {
    const id = await runner.execute(query);
    yield* runner.pages(id, query.label);
  }

  async function readChannelDays(range: { from: IsoDay; to: IsoDay }): Promise<ChannelDayColumns> {
    const fromDay = dayNumber(range.from);
    const toDay = dayNumber(range.to);
    const builder = new ColumnsBuilder();
    const channelIndex = new Map<string, number>();
    const channelIds: string[] = [];
    const channelTypes: string[] = [];
    const firstDay: number[] = [];
    const lastDay: number[] = [];
    let rowNumber = 0;
    const query: AthenaQuery = {
      label: 'channel days',
      sql: `SELECT ${col.dt}, ${col.channelId}, ${col.channelType}, ${col.sends}, ${col.clicks} FROM ${channelTable} WHERE ${col.dt} BETWEEN ? AND ?`,
      parameters: [sqlString(range.from), sqlString(range.to)],
    };
    // A name checked once is good for every later row of its kind.
    const checked = { id: new Set<string>(), type: new Set<string>() };
    const checkedName = (value: string | undefined, kind: 'id' | 'type', field: string): string => {
      if (value !== undefined && checked[kind].has(value)) return value;
      const problem = channelNameProblem(value, kind);
      if (problem) throw new InputError(channelSource, problem, { row: rowNumber, field });
      checked[kind].add(value!);
      return value!;
    };
    for await (const page of rowsOf(query)) {
      for (const [dt, id, type, sendsText, clicksText] of page) {
        rowNumber++;
        const at = (field: string) => ({ row: rowNumber, field });
        if (dt === undefined || !isIsoDay(dt)) {
          throw new InputError(
            channelSource,
            `not a calendar day (YYYY-MM-DD): ${JSON.stringify(dt ?? null)}`,
            at(names.dt),
          );
        }
        const day = dayNumber(dt);
        if (day < fromDay || day > toDay) {
          throw new InputError(
            channelSource,
            `day ${dt} is outside ${range.from}..${range.to}`,
            at(names.dt),
          );
        }
        // A read holds millions of rows and a few hundred names: each is checked when first seen.
        const channelId = checkedName(id, 'id', names.channelId);
        const channelType = checkedName(type, 'type', names.channelType);
        const sends = count(sendsText, channelSource, at(names.sends));
        const clicks = count(clicksText, channelSource, at(names.clicks));
        if (clicks > sends) {
          throw new InputError(channelSource, `${clicks} clicks above ${sends} sends`, at(names.clicks));
        }
        let channel = channelIndex.get(channelId);
        if (channel === undefined) {
          channel = channelIds.length;
          channelIndex.set(channelId, channel);
          channelIds.push(channelId);
          channelTypes.push(channelType);
          firstDay.push(day);
          lastDay.push(day);
        } else {
          if (day < firstDay[channel]!) firstDay[channel] = day;
          // A channel that changed type is judged under its latest one, as the DuckDB adapter does.
          if (day > lastDay[channel]!) {
            lastDay[channel] = day;
            channelTypes[channel] = channelType;
          }
        }
        builder.push(channel, day, sends, clicks);
      }
    }
    const columns = builder.finish();
    rejectDuplicates(columns.channel, columns.day, channelIds.length, fromDay, toDay, (row, channel, day) => {
      throw new InputError(
        channelSource,
        `a second row for channel ${channelIds[channel]} on ${isoDay(day)}`,
        {
          row: row + 1,
          field: names.channelId,
        },
      );
    });

    // Athena returns rows in no set order: index channels by id so every run numbers them the same.
    const byId = channelIds
      .map((_, channel) => channel)
      .sort((a, b) => compareIds(channelIds[a]!, channelIds[b]!));
    const newIndex = new Int32Array(byId.length);
    byId.forEach((old, index) => {
      newIndex[old] = index;
    });
    for (let row = 0; row < columns.channel.length; row++)
      columns.channel[row] = newIndex[columns.channel[row]!]!;
    const sortedIds = byId.map((old) => channelIds[old]!);
    const sortedTypes = byId.map((old) => channelTypes[old]!);
    const sortedFirstDay = byId.map((old) => firstDay[old]!);
    sortedIds.forEach((channelId, index) => {
      channelIndex.set(channelId, index);
    });

    const seenBefore = new Uint8Array(sortedIds.length);
    const lateStarters = sortedIds.filter((_, channel) => sortedFirstDay[channel]! > fromDay);
    for (let start = 0; start < lateStarters.length; start += seenBeforeBatch) {
      const batch = lateStarters.slice(start, start + seenBeforeBatch);
      const seen: AthenaQuery = {
        label: 'seen before',
        sql: `SELECT DISTINCT ${col.channelId} FROM ${channelTable} WHERE ${col.dt} < ? AND ${col.channelId} IN (${batch.map(() => '?').join(', ')})`,
        parameters: [sqlString(range.from), ...batch.map(sqlString)],
      };
      for await (const page of rowsOf(seen)) {
        for (const [channelId] of page) {
          const channel = channelId === undefined ? undefined : channelIndex.get(channelId);
          if (channel !== undefined) seenBefore[channel] = 1;
        }
      }
    }

    return { fromDay, toDay, channelIds: sortedIds, channelTypes: sortedTypes, seenBefore, ...columns };
  }

  async function boundaryDay(fn: 'min' | 'max'): Promise<IsoDay | undefined> {
    const query: AthenaQuery = {
      label: fn === 'max' ? 'latest day' : 'earliest day',
      sql: `SELECT ${fn}(${col.dt}) FROM ${channelTable}`,
      parameters: [],
    };
    for await (const page of rowsOf(query)) {
      const value = page[0]?.[0];
      if (value === undefined || value === '') return undefined;
      if (!isIsoDay(value)) {
        throw new InputError(
          channelSource,
          `partition day is not a calendar day (YYYY-MM-DD): ${JSON.stringify(value)}`,
          {
            field: names.dt,
          },
        );
      }
      return value;
    }
    return undefined;
  }

  async function* readEngagement(range: EngagementRange): AsyncIterable<UserEngagement[]> {
    const usesFrom = range.usesFrom ?? range.from;
    dayNumber(range.from);
    dayNumber(range.to);
    dayNumber(usesFrom);
    // Uses and active days count from `usesFrom`; a user seen only before it is listed with none.
    const counted = `${col.dt} >= ?`;
    const query: AthenaQuery = {
      label: 'engagement',
      sql:
        `SELECT ${col.userId}, sum(CASE WHEN ${counted} THEN ${col.featureUses} ELSE 0 END), min(${col.dt}), ` +
        `count(DISTINCT CASE WHEN ${counted} THEN ${col.dt} END), min(${col.featureUses}) ` +
        `FROM ${engagementTable} WHERE ${col.dt} BETWEEN ? AND ? GROUP BY ${col.userId}`,
      parameters: [sqlString(usesFrom), sqlString(usesFrom), sqlString(range.from), sqlString(range.to)],
    };
    let rowNumber = 0;
    for await (const page of rowsOf(query)) {
      const users: UserEngagement[] = new Array(page.length);
      for (let i = 0; i < page.length; i++) {
        const [userId, usesText, firstSeen, activeDaysText, minUsesText] = page[i]!;
        rowNumber++;
        const at = (field: string) => ({ row: rowNumber, field });
        if (!userId) throw new InputError(engagementSource, 'empty user id', at(names.userId));
        if (!USER_ID_PATTERN.test(userId))
          throw new InputError(
            engagementSource,
            `${JSON.stringify(userId)}: ${USER_ID_RULE}, as the gate takes user ids`,
            at(names.userId),
          );
        const minUses = Number(minUsesText);
        if (minUsesText !== undefined && minUses < 0) {
          throw new InputError(
            engagementSource,
            `negative feature uses (${minUses}) for user ${userId}`,
            at(names.featureUses),
          );
        }
        if (firstSeen === undefined || !isIsoDay(firstSeen)) {
          throw new InputError(
            engagementSource,
            `not a calendar day (YYYY-MM-DD): ${JSON.stringify(firstSeen ?? null)}`,
            at(names.dt),
          );
        }
        users[i] = {
          userId,
          featureUses: count(usesText, engagementSource, at(names.featureUses)),
          firstSeen,
          activeDays: count(activeDaysText, engagementSource, at(names.dt)),
        };
      }
      yield users;
    }
  }

  return {
    readChannelDays,
    latestDay: () => boundaryDay('max'),
    earliestDay: () => boundaryDay('min'),
    readEngagement,
    // The client is a shared singleton owned by the caller; nothing to release here.
    close: async () => {},
  };
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function count(text: string | undefined, source: string, at: { row: number; field: string }): number {
  if (text === undefined || text === '') throw new InputError(source, 'missing value', at);
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) {
    throw new InputError(source, `not a non-negative integer: ${JSON.stringify(text)}`, at);
  }
  return value;
}

/** Calls `onDuplicate` for the first (channel, day) pair seen twice: one bit per channel-day. */
function rejectDuplicates(
  channel: Int32Array,
  day: Int32Array,
  channels: number,
  fromDay: number,
  toDay: number,
  onDuplicate: (row: number, channel: number, day: number) => never,
): void {
  const span = toDay - fromDay + 1;
  const seen = new Uint8Array(Math.ceil((channels * span) / 8));
  for (let row = 0; row < channel.length; row++) {
    const bit = channel[row]! * span + (day[row]! - fromDay);
    const mask = 1 << (bit & 7);
    if (seen[bit >> 3]! & mask) onDuplicate(row, channel[row]!, day[row]!);
    seen[bit >> 3]! |= mask;
  }
}

/** Row columns that grow by doubling, so millions of rows never pass through objects. */
class ColumnsBuilder {
  length = 0;
  channel = new Int32Array(1024);
  day = new Int32Array(1024);
  sends = new Float64Array(1024);
  clicks = new Float64Array(1024);

  push(channel: number, day: number, sends: number, clicks: number): void {
    if (this.length === this.channel.length) this.grow();
    const i = this.length++;
    this.channel[i] = channel;
    this.day[i] = day;
    this.sends[i] = sends;
    this.clicks[i] = clicks;
  }

  finish(): Pick<ChannelDayColumns, 'channel' | 'day' | 'sends' | 'clicks'> {
    return {
      channel: this.channel.slice(0, this.length),
      day: this.day.slice(0, this.length),
      sends: this.sends.slice(0, this.length),
      clicks: this.clicks.slice(0, this.length),
    };
  }

  private grow(): void {
    const size = this.channel.length * 2;
    this.channel = grown(this.channel, new Int32Array(size));
    this.day = grown(this.day, new Int32Array(size));
    this.sends = grown(this.sends, new Float64Array(size));
    this.clicks = grown(this.clicks, new Float64Array(size));
  }
}

function grown<T extends Int32Array | Float64Array>(old: T, next: T): T {
  next.set(old);
  return next;
}
