import type { ChannelDayColumns } from '#shared/domain/channel-metrics.ts';
import type { UserEngagement } from '#shared/domain/engagement.ts';
import type { IsoDay } from '#shared/time/seoul.ts';

/** The days an engagement read covers; uses count from `usesFrom` (default `from`). */
export interface EngagementRange {
  from: IsoDay;
  to: IsoDay;
  usesFrom?: IsoDay;
}

/**
 * The metrics lake: Athena in AWS, DuckDB over Parquet or CSV on one machine. Implementations read
 * only the days asked for, validate every row against the lake contract, and throw `InputError`
 * (naming file, row, field) or `MetricsQueryError` rather than return a partial answer.
 */
export interface MetricsSource {
  readChannelDays(range: { from: IsoDay; to: IsoDay }): Promise<ChannelDayColumns>;
  /** The last day with any row, for "run the latest day" (sample data, `npm start`). */
  latestDay(): Promise<IsoDay | undefined>;
  /** The first day with any row. */
  earliestDay(): Promise<IsoDay | undefined>;
  /**
   * Engagement per user seen over [from, to], streamed in pages so a million users never sit in
   * memory at once. Uses and active days count from `usesFrom` (default `from`): a user seen only
   * before it is listed with none.
   */
  readEngagement(range: EngagementRange): AsyncIterable<UserEngagement[]>;
  close(): Promise<void>;
}
