import type { IsoDay } from '#shared/time/seoul.ts';

/**
 * Rows of `crm_channel_daily` for a day range, column by column (a 100,000-channel run reads
 * millions of rows: typed arrays, not objects). Row `i` is channel `channel[i]` on day `day[i]`.
 */
export interface ChannelDayColumns {
  /** Day numbers (see `dayNumber`) of the first and last day asked for. */
  fromDay: number;
  toDay: number;
  /** Per channel index: its id and type. */
  channelIds: string[];
  channelTypes: string[];
  /** Per channel index: 1 when the channel has a row before `fromDay` (its series began earlier). */
  seenBefore: Uint8Array;
  /** Per row. */
  channel: Int32Array;
  day: Int32Array;
  sends: Float64Array;
  clicks: Float64Array;
}

/** A user's engagement summed over a window: uses of the tiering feature, and the first day seen. */
export interface EngagementRange {
  from: IsoDay;
  to: IsoDay;
  usesFrom?: IsoDay;
}

export interface UserEngagement {
  userId: string;
  featureUses: number;
  /** First day with a row in the range read (the refresh keeps the earliest across runs). */
  firstSeen: IsoDay;
  activeDays: number;
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
