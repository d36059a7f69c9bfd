import type { IsoDay } from '#shared/time/seoul.ts';

export type RuleName =
  | 'ma_ratio'
  | 'zscore'
  | 'robust_ratio'
  | 'decline'
  | 'low_performer'
  /** the default profile's own baseline; not a seed rule */
  | 'baseline';
export type MetricName = 'sends' | 'clicks' | 'ctr';
export type FindingStatus = 'confirmed' | 'candidate';
export type Direction = 'up' | 'down';
export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info';

/** Worst first: the one order the digest, the report and the alert policy rank severities by. */
export const SEVERITY_ORDER: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

/**
 * One rule hit (detection spec, "Findings"): enough for a person to see why it fired without the code.
 * `expected` is the baseline the value was judged against; `lower`/`upper` the bounds it fell outside.
 */
export interface Finding {
  date: IsoDay;
  channelId: string;
  channelType: string;
  rule: RuleName;
  metric: MetricName;
  status: FindingStatus;
  direction: Direction;
  actual: number;
  expected: number;
  lower: number;
  upper: number;
  /** Rule-specific figures: ratios per window, z, rz, r7, days below... */
  detail?: Record<string, number>;
}

/**
 * Why a profile paged a finding or held it back: one enum for every verdict, so code and tests read
 * codes while people read the sentence rendered from the same code.
 */
export const REASON_CODES = [
  // seed profile
  'seed_confirmed',
  'seed_candidate',
  // not judged by the policy's baseline
  'low_performer',
  'muted',
  'channel_inactive',
  'not_in_metrics',
  // held back
  'late_data',
  'ctr_floor',
  'volume_floor',
  'insufficient_history',
  'campaign_off_day',
  'campaign_unknown',
  'campaign_usual',
  'holiday_expected',
  'monthly_cycle',
  'planned_change',
  'direction_disagrees',
  'small_change',
  'normal_variation',
  'not_qualified',
  // pages
  'lasting_drop',
  'silent',
  'deviation',
  'campaign_misfire',
  'campaign_missed',
  'monthly_peak_missed',
  'duplicate_send',
  'spike',
  'inactive_send',
  // incident grouping
  'grouped',
  'same_page',
  'closed_by_feedback',
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

/** A finding as a profile judged it: does it page a human, and how bad is it. */
export interface JudgedFinding extends Finding {
  alert: boolean;
  severity: Severity;
  /** Why the profile paged or held it back, as a code... */
  code: ReasonCode;
  /** ...and as a sentence rendered from it (e.g. "holiday: a drop short of an outage is expected"). */
  reason?: string;
  /** Sends lost (drops) or extra (spikes) against the baseline, for ranking by impact. */
  impact?: number;
  /**
   * The numbers the profile judged when they are not the rule's own (the policy's baseline, or another
   * metric of the same day): what the digest shows, so the change shown and the reason agree.
   */
  judged?: JudgedFigures;
}

export interface JudgedFigures {
  metric: MetricName;
  actual: number;
  expected: number;
  /** The range the policy expected (its baseline, at the z a page needs), when it has one. */
  lower?: number;
  upper?: number;
  /** The day the figures are of, when not the finding's own (a decline paging a day of its window). */
  day?: IsoDay;
}

/**
 * The direction a finding's page states: that of the figures the profile judged when it judged another
 * metric's move (a CTR rise paging as a lasting drop in sends is a drop), else the rule's own.
 */
export function statedDirection(finding: Finding & { judged?: JudgedFigures }): Direction {
  const { judged } = finding;
  if (!judged || judged.actual === judged.expected) return finding.direction;
  return judged.actual < judged.expected ? 'down' : 'up';
}

/**
 * A finding as JSON output shows it: its figures (`actual`, `expected`) keep the rule's `direction`,
 * and the policy's figures in `judged` carry their own (a missed monthly peak is down, whatever the
 * rule that saw the day), so no direction sits beside numbers that say the other.
 */
export function findingForOutput<T extends Finding & { judged?: JudgedFigures }>(
  finding: T,
): T | (T & { judged: JudgedFigures & { direction: Direction } }) {
  const { judged } = finding;
  if (!judged) return finding;
  return { ...finding, judged: { ...judged, direction: statedDirection(finding) } };
}
