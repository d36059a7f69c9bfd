import type { IsoDay } from '#shared/time/seoul.ts';

/** One row of the lake's `crm_channel_daily`: a channel's sends and unique clicks on one Seoul day. */
export interface ChannelDayRow {
  dt: IsoDay;
  channelId: string;
  channelType: string;
  sends: number;
  clicks: number;
}

/**
 * A channel's dense daily series, as the rules read it (detection spec, "Dense series").
 * Index 0 is `firstDay`, the channel's first day with a row; the arrays run to the last day loaded.
 * A day whose partition arrived but has no row for the channel is 0; a day whose partition never
 * arrived (late data) is NaN, and no rule counts a NaN day as a value.
 */
export interface ChannelSeries {
  channelId: string;
  channelType: string;
  /** Day number (see `dayNumber`) of index 0: the channel's first day with a row. */
  firstDay: number;
  sends: Float64Array;
  clicks: Float64Array;
}

/** What a metrics read returns: the series of every channel, and which days have arrived. */
export interface ChannelMetrics {
  /** Day number of the first and last day read. */
  fromDay: number;
  toDay: number;
  channels: ChannelSeries[];
  /** Days in [fromDay, toDay] with no data at all (partition missing): late data, never zeros. */
  missingDays: IsoDay[];
}

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
