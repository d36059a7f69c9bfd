/**
 * What every check of the alert policy reads, as objects instead of long parameter lists: the run
 * (config, late days, the calendar and what channels did on its unusual days), the channel (its
 * evidence and what the registry says of it) and the look (one metric on one day).
 */
import type { AlertPolicyConfig } from '#shared/domain/alert-policy/config.ts';
import type { ChannelFacts } from '#shared/domain/channel-facts.ts';
import type { CalendarKind } from './calendar.ts';
import type { CalendarMemory, CalendarSamples } from './calendar-memory.ts';
import type { CampaignProfile } from './campaign-profile.ts';
import type { ChannelEvidence, EvidenceMetric } from './evidence.ts';
import type { Verdict } from './verdict.ts';

export interface PolicyRun {
  config: AlertPolicyConfig;
  /** Day numbers that have not fully arrived: no drop pages on them. */
  late: ReadonlySet<number>;
  /** Where a day sits in the Korean calendar (cached per day: asked for every channel-day). */
  kindOf(dayNo: number): CalendarKind | undefined;
  /** Every channel's responses to the calendar's unusual days, pooled by type and category. */
  calendar: CalendarMemory;
  /** The rules' CTR floor: below it a day has no CTR. */
  minSendsForRatio: number;
  /** The rules' decline streak: a decline finding looks back over these days. */
  declineDays: number;
  /** The rules' history a channel needs before it is judged (a channel launched mid-year waits). */
  minHistoryDays: number;
}

/** One channel as the checks see it. */
export interface PolicyChannel {
  evidence: ChannelEvidence;
  facts: ChannelFacts | undefined;
  /** Its peers for calendar responses: channel type and registry category. */
  group: string;
  /** Its own responses to the calendar's unusual days. */
  calendar: CalendarSamples;
  /** Whether it is a campaign channel on a day, its schedule and its usual campaigns (learned weekly). */
  campaign(dayNo: number): CampaignProfile;
  /** Day numbers of the changes its owners recorded. */
  changeDays: ReadonlySet<number>;
  /** The verdicts of the looks judged so far (a look's verdict depends on the look alone). */
  verdicts: Map<number, Verdict>;
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
  channel: PolicyChannel;
  evidence: ChannelEvidence;
  look: Look;
  /** The look's day number. */
  dayNo: number;
}

export function lookContext(run: PolicyRun, channel: PolicyChannel, look: Look): LookContext {
  const evidence = channel.evidence;
  return { run, channel, evidence, look, dayNo: evidence.series.firstDay + look.index };
}
