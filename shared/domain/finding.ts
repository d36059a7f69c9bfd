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

/** A finding as a profile judged it: does it page a human, and how bad is it. */
export interface JudgedFinding extends Finding {
  alert: boolean;
  severity: Severity;
  /** Why the profile paged or held it back, in a few words (e.g. "holiday", "below volume floor"). */
  reason?: string;
  /** Sends lost (drops) or extra (spikes) against the baseline, for ranking by impact. */
  impact?: number;
}
