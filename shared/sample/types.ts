/**
 * The labeled sample's vocabulary: channel families, incident types, the channels, the labels and the
 * registry's view. `generate.ts` builds it; the benchmark scores against it.
 */
import type { ChannelCategory, ChannelFacts } from '#shared/domain/channel-facts.ts';
import type { ChannelDayColumns } from '#shared/domain/channel-metrics.ts';
import type { IsoDay } from '#shared/time/seoul.ts';

export type { ChannelCategory } from '#shared/domain/channel-facts.ts';

/**
 * How a channel sends. The first four are the first benchmark's; the rest model what made outside
 * benchmarks miss: due-date peaks that move off weekends, campaign schedules, wide day-to-day noise and
 * channels of a few dozen sends a day.
 */
export const FAMILIES = [
  'weekly',
  'steady',
  'monthly',
  'bursty',
  'billing',
  'scheduled',
  'noisy',
  'low_volume',
] as const;
export type Family = (typeof FAMILIES)[number];

/** The sending shape underneath a family (the first benchmark called it the pattern). */
export type ChannelPattern = 'weekly' | 'steady' | 'bursty' | 'monthly';

export const INCIDENT_TYPES = [
  'outage',
  'spike',
  'ctr_drop',
  'decline',
  'level_drop',
  'duplicate_send',
  'inactive_send',
] as const;
export type IncidentType = (typeof INCIDENT_TYPES)[number];

/**
 * Which behaviours the generator models. `legacy`: the first benchmark exactly (four families, one holiday
 * factor per category, total outages only, no registry events), kept so its figures stay comparable.
 * `realistic`: every family and behaviour (partial outages, per-channel calendar effects, bridge and
 * catch-up days, schedules, due dates, planned changes, paused and retired channels).
 */
export type SampleModel = 'legacy' | 'realistic';

export interface SampleChannel {
  channelId: string;
  channelType: string;
  family: Family;
  pattern: ChannelPattern;
  category: ChannelCategory;
  owner: string;
  name: string;
  /** First day the channel may send, and its last regular day (stopped, paused or retired channels). */
  startDay: IsoDay;
  endDay: IsoDay;
  /** Typical sends on a full day (a campaign or billing day for those families), and typical CTR. */
  baseSends: number;
  baseCtr: number;
}

/** One injected incident: what happened to the channel from `from` to `to` (both included). */
export interface SampleIncident {
  channelId: string;
  family: Family;
  type: IncidentType;
  from: IsoDay;
  to: IsoDay;
  /**
   * Factor applied to sends (outage 0 or 0.05-0.4, spike and duplicate > 1, drops < 1), for `ctr_drop`
   * to the CTR, for `inactive_send` the share of the old volume sent while paused or retired.
   */
  factor: number;
  /** The channel stays at the lower level after `to` (declines, level drops, a stop). */
  lasting: boolean;
  /** Campaign channel (bursty or scheduled): an outage there can look like an off day (scored apart). */
  burst: boolean;
  /** Outages: part of the audience still got its messages (5-40% of the usual sends). */
  partial?: boolean;
  /** The first day is a public holiday, a bridge day or a catch-up day. */
  onCalendarDay?: boolean;
  note?: string;
}

/** A change the owners recorded: from `day` on the channel's sends or CTR move by `factor`, for good. Not an incident. */
export interface PlannedChange {
  channelId: string;
  day: IsoDay;
  metric: 'sends' | 'ctr';
  factor: number;
}

export interface GenerateSampleOptions {
  /** Number of channels (default 400). */
  channels?: number;
  /** Days in the sample, ending at `endDay` (default 365). */
  days?: number;
  seed?: number;
  /** Last day of the sample (default 2026-10-31: a year with two Chuseoks and a Seollal). */
  endDay?: IsoDay;
  /** Incidents per channel-year (default 0.6). */
  incidentRate?: number;
  /** Days whose data arrives only partly (about 40% of the rows): late data inside the sample. */
  partialDays?: IsoDay[];
  /** The family mix, as weights (default `LEGACY_MIX`); families left out or at 0 are not drawn. */
  families?: Partial<Record<Family, number>>;
  /** Default: `legacy` when `families` is left out (the first benchmark byte for byte), else `realistic`. */
  model?: SampleModel;
  /** False: every day sends exactly its plan (rounded), without day-to-day noise (for checking the model). */
  noise?: boolean;
}

export interface Sample {
  from: IsoDay;
  to: IsoDay;
  seed: number;
  model: SampleModel;
  columns: ChannelDayColumns;
  channels: SampleChannel[];
  incidents: SampleIncident[];
  /** Recorded changes (also in `facts`): expected shifts, not incidents. */
  changes: PlannedChange[];
  /** The registry's view of each channel: category, status, declared schedule, recorded changes. */
  facts: Map<string, ChannelFacts>;
  partialDays: IsoDay[];
}
