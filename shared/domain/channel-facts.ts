import type { IsoDay } from '#shared/time/seoul.ts';
import { MESSAGE_CLASSES, type MessageClass } from './message-class.ts';

/**
 * What the channel registry knows of a channel that detection uses. Owners declare it; the lake
 * does not carry it. Every field is optional: a channel missing from the registry is judged on its
 * series alone.
 */

/** A channel's category is the class of the messages it sends. */
export const CHANNEL_CATEGORIES = MESSAGE_CLASSES;
export const CHANNEL_STATUSES = ['active', 'paused', 'retired'] as const;

export type ChannelCategory = MessageClass;
export type ChannelStatus = (typeof CHANNEL_STATUSES)[number];

/**
 * When a campaign channel sends. Weekdays count 0 = Sunday ... 6 = Saturday (as `weekdayOfDayNumber`).
 * - `weekdays`: the same weekdays every week (`mon,thu`).
 * - `days-of-month`: the same days of every month (`1,15`); a day a month lacks (31 in April) is skipped.
 * - `every`: a run of `spanDays` days every `everyDays` days, counted from `from` (three days every
 *   two weeks: `everyDays` 14, `spanDays` 3).
 */
export type CampaignSchedule =
  | { kind: 'weekdays'; weekdays: number[] }
  | { kind: 'days-of-month'; days: number[] }
  | { kind: 'every'; everyDays: number; spanDays: number; from: IsoDay };

export interface ChannelFacts {
  category?: ChannelCategory;
  status?: ChannelStatus;
  /** The day the current status was set: before it the channel is judged as active. */
  statusSince?: IsoDay;
  /** The owner's declared schedule: wins over the schedule learned from the series. */
  schedule?: CampaignSchedule;
  /** Days of changes the owners recorded (`review --change D`): a shift from such a day is expected. */
  changes?: IsoDay[];
  /** Muted by its owners from `from` to `until` (included; none: until unmuted): nothing pages then. */
  mute?: { from: IsoDay; until?: IsoDay };
}

/** Registry facts by channel id. */
export type ChannelFactsById = ReadonlyMap<string, ChannelFacts>;
