import type { ChannelCategory } from '#shared/domain/channel-facts.ts';
import type { TeamVerdicts, VerdictName } from '#shared/domain/feedback.ts';
import type { Direction, MetricName, RuleName, Severity } from '#shared/domain/finding.ts';
import type { ReviewDecisionName } from '#shared/domain/registry.ts';
import type { IsoDay } from '#shared/time/seoul.ts';
import type { LowPerformerThresholds } from './options.ts';
import type { ProportionComparison } from './stats.ts';

/** The weekly report as data: the HTML, CSV and JSON are renderings of this one object. */

/** Worst first: the order the health table lists channels in. */
export const HEALTH_STATUSES = [
  'anomalous',
  'silent',
  'low_performer',
  'insufficient_history',
  'healthy',
  'paused',
  'retired',
] as const;
export type HealthStatus = (typeof HEALTH_STATUSES)[number];

export interface ChannelLabel {
  channelId: string;
  name: string;
  category: ChannelCategory | 'unknown';
  owner: string;
}

export interface HealthRow extends ChannelLabel {
  channelType: string;
  status: HealthStatus;
  /** The report week (7 days ending on the report day). */
  sends: number;
  clicks: number;
  /** null when the week sent nothing. */
  ctr: number | null;
  /** The week before. */
  previousSends: number;
  previousCtr: number | null;
  /** A day of the week against a day of the week before, on the days that arrived; null when that sent nothing. */
  sendsChange: number | null;
  /** ctr - previousCtr, in proportion units; null when either is undefined. */
  ctrChange: number | null;
  /** Daily sends over the chart window (null: day not yet in the series or data late). */
  dailySends: (number | null)[];
}

export interface BandChart {
  days: IsoDay[];
  values: (number | null)[];
  /**
   * Detection's expected value and band on each day it judged the channel (a stored finding), null on
   * the others: the band drawn is the band the incident's text states. Never below zero.
   */
  expected: (number | null)[];
  lower: (number | null)[];
  upper: (number | null)[];
  /** Days a rule fired. */
  flagged: IsoDay[];
}

export interface IncidentRow extends ChannelLabel {
  metric: MetricName;
  rules: RuleName[];
  direction: Direction;
  severity: Severity;
  firstDay: IsoDay;
  lastDay: IsoDay;
  /** Days the incident was seen (it paged, or was grouped into a page already sent). */
  days: number;
  /** The figures of its latest day (as the digest showed them on a paged day; the bounds never below zero). */
  actual: number;
  /** The day those figures are of: `lastDay`, or an earlier day of a decline's window the page judged. */
  figuresDay: IsoDay;
  expected: number;
  /** Null when detection judged the day against a value without a range. */
  lower: number | null;
  upper: number | null;
  /** Sends lost or extra against the baseline, summed, when the profile computed it. */
  impact: number | null;
  /** The team's latest verdict on one of its days (`crm-guard feedback`), with who gave it and why. */
  verdict: { verdict: VerdictName; by: string; note?: string } | null;
  chart: BandChart;
}

export interface LowPerformerRow extends ChannelLabel {
  /** Rule 5's window (the detection run's own figures). */
  sends: number;
  clicks: number;
  ctr: number;
  /** Sends nobody clicked: what the channel costs in users' attention. */
  unclickedSends: number;
  /** No owner has decided yet (keep, redesign, retire). */
  open: boolean;
  /** The owners' latest decision, if any. */
  decision: ReviewDecisionName | null;
  note: string | null;
  decidedBy: string | null;
  decidedAt: string | null;
}

/** An open decision: a low performer no owner has decided on. */
export type ReviewQueueRow = LowPerformerRow;

export interface ImpactWindow {
  from: IsoDay;
  to: IsoDay;
  sends: number;
  clicks: number;
  sendsPerDay: number;
  clicksPerDay: number;
  ctr: number | null;
}

export interface ChangeImpactRow extends ChannelLabel {
  changeDay: IsoDay;
  what: string;
  /** Days in each window (equal, clipped to the data there is); 0 when nothing to compare yet. */
  windowDays: number;
  before: ImpactWindow | null;
  after: ImpactWindow | null;
  /** Daily sends after / before - 1. */
  volumeChange: number | null;
  comparison: ProportionComparison | null;
  /** p < 0.05. */
  significant: boolean;
}

export interface RunFreshness {
  day: IsoDay;
  finishedAt: string | null;
  /** Null for a day detection never ran: unknown, not none. */
  findings: number | null;
  alerts: number | null;
}

export interface Freshness {
  /** Last day with any data in the lake (at most the report day). */
  lastDataDay: IsoDay | null;
  /** Days of the report week whose data never arrived. */
  missingDays: IsoDay[];
  /** The daily detection runs of the report week; a missing run has `finishedAt` null. */
  runs: RunFreshness[];
}

export interface WeeklyReport {
  week: { from: IsoDay; to: IsoDay };
  generatedAt: string;
  /** Days the charts cover, oldest first. */
  chartDays: IsoDay[];
  totals: {
    /** Rows of the health table; sends and clicks add up its columns. */
    channels: number;
    sends: number;
    clicks: number;
    ctr: number | null;
    byStatus: Record<HealthStatus, number>;
  };
  health: HealthRow[];
  incidents: IncidentRow[];
  /** Rule 5's thresholds as detection applied them (the report states them beside the ranking). */
  lowPerformerRule: LowPerformerThresholds;
  /** The detection run the ranking is from: the week's last judged day (null: none this week). */
  lowPerformersAsOf: IsoDay | null;
  /**
   * Days with no data that kept the week's later runs from ranking: rule 5 sums seven whole days, and
   * a run that lacked one of them ranked nobody (empty when no run was held back).
   */
  lowPerformersBlockedBy: IsoDay[];
  /**
   * Set when the data began too lately for rule 5's window on any run of the week: the day it
   * starts and the first day a run can rank (null otherwise).
   */
  lowPerformersTooYoung: { dataFrom: IsoDay; firstRanking: IsoDay } | null;
  /** The week's ranking, every decision shown. */
  lowPerformers: LowPerformerRow[];
  /** The decisions still open (a subset of the ranking): the review's to-do list. */
  reviewQueue: ReviewQueueRow[];
  changeImpact: ChangeImpactRow[];
  /** Channels muted by their owners at some point of the week: who, why, until when. */
  muted: MutedRow[];
  /** The team's verdicts on the week's pages: precision as they judged it, by rule and by channel. */
  verdicts: TeamVerdicts;
  freshness: Freshness;
}

export interface MutedRow {
  channelId: string;
  name: string;
  owner: string;
  from: IsoDay;
  /** Null: until unmuted. */
  until: IsoDay | null;
  reason: string;
  by: string;
}

/** Whether detection ran on any day of the week: if not, "0 incidents" would read as a clean week. */
export const weekJudged = (report: WeeklyReport): boolean =>
  report.freshness.runs.some((run) => run.finishedAt !== null);
