/**
 * Campaign channels: off on many days, so an off day looks like an outage and a campaign like a spike
 * to a daily baseline. Such a channel is judged against its own campaigns instead: on a day its
 * schedule (declared or learned) says it sends, far fewer sends than any recent campaign is an outage;
 * far more than any is a misfire; and its CTR is judged over its own sending days only.
 */

import { median } from '#shared/domain/order-statistics.ts';
import { compileSchedule } from '#shared/domain/schedule.ts';
import type { CampaignProfile } from '../campaign-profile.ts';
import type { LookContext } from '../context.ts';
import { poissonLowerTail } from '../poisson.ts';
import { severityOf } from '../severity.ts';
import { hold, page, type Verdict } from '../verdict.ts';
import { calendarEffect } from './calendar-effects.ts';

/** Undefined when the channel sends regularly (the other checks judge it). */
export function campaignChannel(ctx: LookContext): Verdict | undefined {
  const profile = ctx.channel.campaign(ctx.dayNo);
  if (!profile.campaign) return undefined;
  const sends = ctx.evidence.series.sends[ctx.look.index]!;
  if (Number.isNaN(sends)) return hold('late_data');
  if (ctx.look.metric === 'ctr') return campaignCtr(ctx, profile, sends);
  // Clicks follow the campaign: its sends and CTR say what happened.
  if (ctx.look.metric === 'clicks') return hold('campaign_usual');
  return campaignSends(ctx, profile, sends);
}

function campaignSends(ctx: LookContext, profile: CampaignProfile, sends: number): Verdict {
  const config = ctx.run.config;
  const on = profile.schedule !== undefined ? compileSchedule(profile.schedule) : undefined;
  const scheduled = on?.(ctx.dayNo) ?? false;
  const stopped = dailySendsStopped(ctx, profile, sends, on);
  // A scheduled day with campaigns to compare is judged against them (the missed campaign's size, not
  // the everyday sends'); any other day whose everyday sends stopped is that outage.
  // Recent campaigns that sent next to nothing (a schedule the channel stopped keeping) set no size.
  const comparable =
    profile.campaigns >= config.campaign.minCampaigns && profile.typical >= config.volumeFloor.minExpected;
  if (stopped && !(scheduled && comparable)) return stopped;
  if (!comparable) return hold('campaign_unknown');
  const typical = profile.typical;
  const impact = Math.abs(sends - typical);
  const judged = { metric: 'sends' as const, actual: sends, expected: Math.round(typical) };
  const z = (Math.log(sends + 1) - Math.log(typical + 1)) / profile.spread;
  const { lower, upper } = calendarRange(ctx);
  const misfire = config.campaign.misfireMultiple * typical * upper;
  // A duplicate campaign: the sends of about two at the clicks of one.
  const clicks = ctx.evidence.series.clicks[ctx.look.index]!;
  const ctrRatio = Number.isNaN(profile.ctrTypical) ? 1 : clicks / sends / Math.exp(profile.ctrTypical);
  if (
    sends >= config.duplicateSend.minSendsRatio * typical * upper &&
    sends >= config.volumeFloor.minSendsForCtr &&
    ctrRatio <= config.duplicateSend.maxCtrRatio
  )
    return page('duplicate_send', {
      severity: severityOf(impact, false, config.severity),
      impact,
      strength: z,
      down: false,
      figures: { ratio: sends / typical, change: 1 - ctrRatio },
      judged,
    });
  // Twice the usual and above every recent campaign is itself the evidence: half the z will do.
  if (sends >= misfire && sends > profile.largest * upper && z >= config.page.minZ / 2)
    return page('campaign_misfire', {
      severity: severityOf(impact, false, config.severity),
      impact,
      strength: z,
      down: false,
      figures: { ratio: sends / typical, z },
      judged,
    });
  if (!scheduled)
    return hold(sends <= profile.sendingThreshold ? 'campaign_off_day' : 'campaign_usual', impact);
  const missed =
    sends < config.campaign.missedShare * profile.smallest * lower &&
    sends < config.campaign.missedTypicalShare * typical * lower &&
    typical >= config.volumeFloor.minExpected;
  if (!missed) return hold('campaign_usual', impact);
  const silent = sends <= config.page.silentShare * typical;
  return page(silent ? 'silent' : 'campaign_missed', {
    severity: severityOf(impact, silent, config.severity),
    impact,
    strength: (silent ? 100 : 0) + Math.abs(z),
    silent,
    down: true,
    figures: { change: 1 - sends / typical },
    judged,
  });
}

/** On the calendar's unusual days a campaign channel sends less or more: as far as its peers' do. */
function calendarRange(ctx: LookContext): { lower: number; upper: number } {
  const effect = calendarEffect(ctx);
  if (!effect) return { lower: 1, upper: 1 };
  return { lower: Math.exp(Math.min(0, effect.shift)), upper: Math.exp(Math.max(0, effect.shift)) };
}

let offDays = new Float64Array(0);

/**
 * Between its campaigns a channel may also send every day (triggered or follow-up sends): when those
 * stop dead, its send path broke, whatever its campaigns do and however few it has run.
 */
function dailySendsStopped(
  ctx: LookContext,
  profile: CampaignProfile,
  sends: number,
  on: ((dayNo: number) => boolean) | undefined,
): Verdict | undefined {
  const config = ctx.run.config;
  const { everyDayDays: days, everyDayMinOffDays } = config.campaign;
  const { index } = ctx.look;
  if (sends > 0 || index < days) return undefined;
  const series = ctx.evidence.series.sends;
  if (offDays.length < days) offDays = new Float64Array(days);
  let off = 0;
  for (let j = index - days; j < index; j++) {
    const past = series[j]!;
    // A day without sends (or not yet arrived) in the window: the channel does not send every day.
    if (!(past > 0)) return undefined;
    // Between campaigns: off the declared schedule, or else below the campaigns' sending threshold.
    const between = on ? !on(ctx.dayNo - index + j) : past <= profile.sendingThreshold;
    if (between) offDays[off++] = past;
  }
  // Too few days between campaigns (a run of them) to know the everyday sends.
  if (off < everyDayMinOffDays) return undefined;
  const typical = median(offDays, off) * calendarRange(ctx).lower;
  if (typical < config.volumeFloor.minExpected || poissonLowerTail(0, typical) > config.volumeFloor.maxChance)
    return undefined;
  return page('silent', {
    severity: severityOf(typical, true, config.severity),
    impact: typical,
    strength: 100,
    silent: true,
    down: true,
    figures: { change: 1 },
    judged: { metric: 'sends', actual: 0, expected: Math.round(typical) },
  });
}

/** CTR on a campaign day against the channel's recent campaigns (off days have no CTR to judge). */
function campaignCtr(ctx: LookContext, profile: CampaignProfile, sends: number): Verdict {
  const config = ctx.run.config;
  if (sends <= profile.sendingThreshold) return hold('campaign_off_day');
  if (Number.isNaN(profile.ctrTypical)) return hold('campaign_unknown');
  const clicks = ctx.evidence.series.clicks[ctx.look.index]!;
  const expectedCtr = Math.exp(profile.ctrTypical);
  if (sends < config.volumeFloor.minSendsForCtr || sends * expectedCtr < config.volumeFloor.minExpectedClicks)
    return hold('ctr_floor');
  const ctr = clicks / sends;
  const residual = Math.log((clicks + 0.5) / sends) - profile.ctrTypical;
  const z = Math.abs(residual) / profile.ctrSpread;
  const change = Math.abs(ctr - expectedCtr) / expectedCtr;
  const impact = Math.abs(ctr - expectedCtr) * sends;
  const agrees = ctx.look.down ? residual < 0 : residual > 0;
  if (!agrees) return hold('direction_disagrees', impact);
  if (change < config.page.minChange) return hold('small_change', impact, { change: config.page.minChange });
  if (z < config.page.minZ) return hold('normal_variation', impact, { z });
  return page('deviation', {
    severity: severityOf(impact, false, config.severity),
    impact,
    strength: z,
    down: ctx.look.down,
    figures: { change, z },
    judged: { metric: 'ctr', actual: ctr, expected: expectedCtr },
  });
}
