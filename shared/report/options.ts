import { DEFAULT_RULE_CONFIG } from '#shared/domain/rules/config.ts';
import { addDays, type IsoDay } from '#shared/time/seoul.ts';

/** Rule 5 of the detection spec (low performer): the report states the thresholds detection used. */
export interface LowPerformerThresholds {
  days: number;
  minSends: number;
  maxCtr: number;
}

export interface WeeklyReportOptions {
  lowPerformer: LowPerformerThresholds;
  /** Daily CTR is defined only from this many sends (detection spec). */
  minSendsForRatio: number;
  /** Rules 1-4 need this much history (detection spec). */
  minHistoryDays: number;
  /** Before and after windows of a change, each at most this long. */
  impactWindowDays: number;
  /** Changes older than this many days before the report day are not measured again. */
  changeLookbackDays: number;
  /** Days the health sparklines cover. */
  chartDays: number;
  /**
   * Registry categories whose messages are not meant to be clicked (a verification code, a receipt):
   * never ranked as low performers.
   */
  notClickedCategories: readonly string[];
  /** Days an incident may pause and still be one (the policy's `incident.regroupDays`). */
  incidentGapDays: number;
}

export const DEFAULT_REPORT_OPTIONS: WeeklyReportOptions = {
  lowPerformer: { ...DEFAULT_RULE_CONFIG.lowPerformer },
  minSendsForRatio: DEFAULT_RULE_CONFIG.minSendsForRatio,
  minHistoryDays: DEFAULT_RULE_CONFIG.minHistoryDays,
  impactWindowDays: 14,
  changeLookbackDays: 90,
  chartDays: 56,
  notClickedCategories: ['transactional'],
  incidentGapDays: 7,
};

/** Days an incident chart shows before the incident's first day. */
export const INCIDENT_LEAD_DAYS = 21;

/** The days of lake data a report for `day` reads: enough for every window it draws or measures. */
export function reportReadRange(day: IsoDay, options: WeeklyReportOptions = DEFAULT_REPORT_OPTIONS) {
  const span = Math.max(
    options.changeLookbackDays + options.impactWindowDays,
    options.chartDays,
    INCIDENT_LEAD_DAYS + 7,
  );
  return { from: addDays(day, -span + 1), to: day };
}

/** The days of stored findings a report for `day` reads: the week, and the lead its incident charts show. */
export function findingsReadRange(day: IsoDay) {
  return { from: addDays(day, -6 - INCIDENT_LEAD_DAYS), to: day };
}
