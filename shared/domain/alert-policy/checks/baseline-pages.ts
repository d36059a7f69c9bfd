/**
 * The policy's own pages, where the rules are silent (or none of their findings qualifies): on every
 * channel-day, the channel's sends against its baseline, down (an outage, a level drop) or up (a
 * spike), with the same vetoes a rule finding gets. What qualifies becomes a `baseline` finding, grouped
 * into incidents like any other.
 */
import type { AlertPolicyConfig } from '#shared/domain/alert-policy/config.ts';
import type { ChannelSeries } from '#shared/domain/channel-metrics.ts';
import type { Finding, MetricName } from '#shared/domain/finding.ts';
import { isoDay } from '#shared/time/seoul.ts';
import { lookContext, type PolicyChannel, type PolicyRun } from '../context.ts';
import type { ChannelEvidence } from '../evidence.ts';
import { expectationOf } from '../expectation.ts';
import { evaluate } from '../look.ts';
import { hold, type Verdict } from '../verdict.ts';
import { missedMonthlyPeak, swungAMonthAgo } from './monthly-cycle.ts';
import { lastingDrop } from './significance.ts';

/** One of a channel's findings in the run, with its day number and the verdict it has so far. */
export interface ChannelFinding {
  finding: Finding;
  day: number;
  /** Where the finding sits in the rule run's findings; -1 for the policy's own. */
  place: number;
  verdict: Verdict;
}

/** A channel's findings in the run: the rules' in day order, then the policy's own as they are added. */
export type ChannelFindings = ChannelFinding[];

const round2 = (x: number) => Math.round(x * 100) / 100;

/** The figures of the policy's own finding: what it judged, and the band it fell outside. */
export interface OwnFigures {
  metric: MetricName;
  actual: number;
  expected: number;
  lower: number;
  upper: number;
  detail?: Record<string, number>;
}

/** Adds the policy's own finding (rule `baseline`) for day `d`, with the verdict it was reached on. */
export function addOwnFinding(
  channel: ChannelFindings,
  series: ChannelSeries,
  d: number,
  verdict: Verdict,
  figures: OwnFigures,
): void {
  channel.push({
    finding: {
      date: isoDay(d),
      channelId: series.channelId,
      channelType: series.channelType,
      rule: 'baseline',
      status: 'confirmed',
      direction: verdict.down ? 'down' : 'up',
      ...figures,
    },
    day: d,
    place: -1,
    verdict: { ...verdict, ownBaseline: true },
  });
}

/** Adds the policy's own pages over days [from, to] to the channel's findings. */
export function addBaselinePages(
  run: PolicyRun,
  policyChannel: PolicyChannel,
  channel: ChannelFindings,
  from: number,
  to: number,
): void {
  const config = run.config;
  const evidence = policyChannel.evidence;
  const { series, sends } = evidence;
  const covered = new Set<number>();
  for (const { day, verdict } of channel) if (verdict.qualifies) covered.add(day);
  const minLog = Math.log(1 + config.page.minChange);
  const minDownLog = Math.log(1 - config.page.minChange);
  const start = Math.max(from, series.firstDay);
  const end = Math.min(to, series.firstDay + series.sends.length - 1);
  for (let d = start; d <= end; d++) {
    if (covered.has(d)) continue;
    const i = d - series.firstDay;
    if (policyChannel.changeDays.has(d) && notePlannedChange(run, policyChannel, channel, d)) continue;
    if (policyChannel.campaign(d).campaign) {
      addCampaignPage(run, policyChannel, channel, d);
      continue;
    }
    const residual = sends.value[i]! - sends.expected[i]!;
    if (Number.isNaN(residual)) continue;
    // A due day's missing peak can look like any ordinary day against the weekday baseline.
    if (missedMonthlyPeak(lookContext(run, policyChannel, { metric: 'sends', index: i, down: true }))) {
      const verdict = evaluate(run, policyChannel, { metric: 'sends', index: i, down: true }, false);
      if (verdict.qualifies && verdict.judged) {
        const { expected } = verdict.judged;
        addOwnFinding(channel, series, d, verdict, { ...verdict.judged, lower: expected, upper: expected });
        continue;
      }
    }
    const down = residual < 0;
    // A rise short of the minimum change cannot page; a drop that small only as part of a lasting one.
    if (!down && residual < minLog) continue;
    if (down && residual > minDownLog && (run.kindOf(d) !== undefined || !lastingDrop(sends, i, config)))
      continue;
    const verdict = evaluate(run, policyChannel, { metric: 'sends', index: i, down }, false);
    if (!verdict.qualifies) continue;
    // With no rule behind it, a partial drop or a rise must also beat the channel's own swings of the
    // last weeks (a monthly billing peak, its ebb): a silent day needs no such proof.
    const sign = down ? -1 : 1;
    if (!verdict.silent && !beyondUsualSwings(evidence, i, sign, config)) continue;
    if (!verdict.silent && swungAMonthAgo(evidence, i, sign, config)) continue;
    const band = Math.max(config.page.minZ * sends.scale[i]!, minLog);
    addOwnFinding(channel, series, d, verdict, {
      metric: 'sends',
      actual: series.sends[i]!,
      expected: Math.round(Math.exp(sends.expected[i]!) - 1),
      lower: Math.round(Math.exp(sends.expected[i]! - band) - 1),
      upper: Math.round(Math.exp(sends.expected[i]! + band) - 1),
      detail: { z: round2(Math.abs(residual) / sends.scale[i]!), scale: round2(sends.scale[i]!) },
    });
  }
}

/**
 * On a day its owners recorded a change: the move that would have paged (its sends, else its CTR), as
 * a note the digest shows once under EXPECTED, whether or not a rule noticed it; with no such move,
 * the day's sends against their expectation (the calendar's included). True when noted. A silent day
 * still pages (a change is not an outage), and a late day, a campaign channel's or one with no
 * baseline yet has no figures to quote: those are not noted here.
 */
function notePlannedChange(
  run: PolicyRun,
  policyChannel: PolicyChannel,
  channel: ChannelFindings,
  d: number,
): boolean {
  if (channel.some((entry) => entry.day === d && entry.verdict.code === 'planned_change')) return true;
  if (run.late.has(d) || policyChannel.campaign(d).campaign) return false;
  const { evidence } = policyChannel;
  const i = d - evidence.series.firstDay;
  for (const metric of ['sends', 'ctr'] as const) {
    const residual = evidence[metric].value[i]! - evidence[metric].expected[i]!;
    if (Number.isNaN(residual)) continue;
    const verdict = evaluate(run, policyChannel, { metric, index: i, down: residual < 0 }, false);
    // A move that still pages on a change day is a silent channel: the normal page takes it.
    if (verdict.qualifies) return false;
    if (verdict.code !== 'planned_change' || !verdict.judged) continue;
    const { expected } = verdict.judged;
    addOwnFinding(channel, evidence.series, d, verdict, {
      ...verdict.judged,
      lower: verdict.judged.lower ?? expected,
      upper: verdict.judged.upper ?? expected,
    });
    return true;
  }
  // A change the day does not show beyond the channel's swings is noted all the same: the owners said so.
  const residual = evidence.sends.value[i]! - evidence.sends.expected[i]!;
  if (Number.isNaN(residual)) return false;
  const e = expectationOf(lookContext(run, policyChannel, { metric: 'sends', index: i, down: residual < 0 }));
  if (!e) return false;
  const { actual, expected } = e.judged;
  const note: Verdict = {
    ...hold('planned_change'),
    down: actual < expected,
    judged: { metric: 'sends', actual, expected },
  };
  addOwnFinding(channel, evidence.series, d, note, {
    metric: 'sends',
    actual,
    expected,
    lower: expected,
    upper: expected,
  });
  return true;
}

/**
 * A campaign channel's own page on day `d`: its sends against its usual campaigns (a scheduled day
 * missed, a misfire), else its CTR against its recent campaigns' (a collapse on a campaign day).
 */
function addCampaignPage(
  run: PolicyRun,
  policyChannel: PolicyChannel,
  channel: ChannelFindings,
  d: number,
): void {
  const { series } = policyChannel.evidence;
  const profile = policyChannel.campaign(d);
  const i = d - series.firstDay;
  const sends = series.sends[i]!;
  if (Number.isNaN(sends) || Number.isNaN(profile.typical)) return;
  let verdict = evaluate(
    run,
    policyChannel,
    { metric: 'sends', index: i, down: sends < profile.typical },
    false,
  );
  let metric: 'sends' | 'ctr' = 'sends';
  if (!verdict.qualifies && sends > profile.sendingThreshold && !Number.isNaN(profile.ctrTypical)) {
    const down = Math.log((series.clicks[i]! + 0.5) / sends) < profile.ctrTypical;
    verdict = evaluate(run, policyChannel, { metric: 'ctr', index: i, down }, false);
    metric = 'ctr';
  }
  if (!verdict.qualifies || !verdict.judged) return;
  const { actual, expected } = verdict.judged;
  const spread = Math.exp(run.config.page.minZ * (metric === 'ctr' ? profile.ctrSpread : profile.spread));
  addOwnFinding(channel, series, d, verdict, {
    metric,
    actual,
    expected,
    lower: expected / spread,
    upper: expected * spread,
    ...(verdict.figures?.z !== undefined ? { detail: { z: round2(verdict.figures.z) } } : {}),
  });
}

/**
 * Whether day `i` deviates (in `sign`) further than all but the `usualSwings` largest deviations the
 * channel had the same way over the shape window, past anomalies included: a channel that swings
 * like this every month is not having an incident.
 */
function beyondUsualSwings(
  evidence: ChannelEvidence,
  i: number,
  sign: number,
  config: AlertPolicyConfig,
): boolean {
  const { value, expected } = evidence.sends;
  const residual = sign * (value[i]! - expected[i]!);
  let larger = 0;
  for (let j = Math.max(0, i - config.baseline.shapeDays); j < i; j++) {
    if (evidence.excluded[j]) continue;
    const r = sign * (value[j]! - expected[j]!);
    if (r >= residual && ++larger > config.page.usualSwings) return false;
  }
  return true;
}
