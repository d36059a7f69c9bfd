/**
 * What every check of the alert policy reads, as two objects instead of long parameter lists: the
 * run (config, which days are late or around holidays) and the look (one metric of one channel on
 * one day, with the channel's evidence).
 */
import type { AlertPolicyConfig } from '#shared/config/alert-policy-config.ts';
import type { HolidayWindow } from './calendar.ts';
import type { ChannelEvidence, EvidenceMetric } from './evidence.ts';

export interface PolicyRun {
  config: AlertPolicyConfig;
  /** Day numbers that have not fully arrived: no drop pages on them. */
  late: ReadonlySet<number>;
  /** Where a day sits against Korean holidays (cached per day: asked for every channel-day). */
  windowOf(dayNo: number): HolidayWindow;
  /** The rules' CTR floor: below it a day has no CTR. */
  minSendsForRatio: number;
  /** The rules' decline streak: a decline finding looks back over these days. */
  declineDays: number;
}

/** One metric of one channel on one day (an index into the channel's series), and which way it moved. */
export interface Look {
  metric: EvidenceMetric;
  index: number;
  down: boolean;
}

/** A look with everything a check needs to judge it. */
export interface LookContext {
  run: PolicyRun;
  evidence: ChannelEvidence;
  look: Look;
  /** The look's day number. */
  dayNo: number;
}

export function lookContext(run: PolicyRun, evidence: ChannelEvidence, look: Look): LookContext {
  return { run, evidence, look, dayNo: evidence.series.firstDay + look.index };
}
