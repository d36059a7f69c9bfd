/**
 * The policy's verdict on one look (one metric of one channel on one day): its checks in order, each
 * small and in a file of its own; the first that holds the look back decides, and significance has
 * the last word.
 */
import type { Finding } from '#shared/domain/finding.ts';
import { isoDay } from '#shared/time/seoul.ts';
import { campaignChannel } from './checks/campaign.ts';
import { duplicateSend } from './checks/duplicate-send.ts';
import { lateDrop } from './checks/late-data.ts';
import { missedMonthlyPeak, monthlyCycle } from './checks/monthly-cycle.ts';
import { plannedChange } from './checks/planned-change.ts';
import { significance } from './checks/significance.ts';
import { unprecedentedSpike } from './checks/spike.ts';
import { ctrSendsFloor, volumeFloor } from './checks/volume-floor.ts';
import { type Look, type LookContext, lookContext, type PolicyChannel, type PolicyRun } from './context.ts';
import { expectationOf } from './expectation.ts';
import { hold, type Verdict } from './verdict.ts';

const LOW_PERFORMER = hold('low_performer');
const NO_BASELINE = hold('insufficient_history');
const LATE = hold('late_data');

/** One day of one metric against the policy's baseline (moved on the calendar's unusual days), volume floor and late data. */
export function evaluate(run: PolicyRun, channel: PolicyChannel, look: Look, explain = true): Verdict {
  // Rules overlap (a decline, a z-score and a moving-average finding on one day): each look is judged once.
  const key = ((look.index * 3 + METRIC_SLOT[look.metric]) * 2 + (look.down ? 1 : 0)) * 2 + (explain ? 1 : 0);
  const known = channel.verdicts.get(key);
  if (known) return known;
  const ctx = lookContext(run, channel, look);
  const verdict = plannedChange(ctx, judge(ctx, explain));
  channel.verdicts.set(key, verdict);
  return verdict;
}

const METRIC_SLOT = { sends: 0, clicks: 1, ctr: 2 } as const;

function judge(ctx: LookContext, explain: boolean): Verdict {
  // A channel launched lately is judged once it has the history the rules ask for.
  if (ctx.look.index < ctx.run.minHistoryDays) return NO_BASELINE;
  const early = lateDrop(ctx) ?? campaignChannel(ctx) ?? ctrSendsFloor(ctx);
  if (early) return early;
  const expectation = expectationOf(ctx);
  if (!expectation) return NO_BASELINE;
  return (
    missedMonthlyPeak(ctx) ??
    volumeFloor(ctx, expectation) ??
    duplicateSend(ctx, expectation) ??
    monthlyCycle(ctx, expectation) ??
    unprecedentedSpike(ctx, expectation) ??
    significance(ctx, expectation, explain)
  );
}

/**
 * The policy's verdict on a rule finding. First the finding's own metric and day (for clicks, which
 * are sends times CTR, the day's CTR: a move in clicks alone is one of the two moving); then, since a
 * rule finding says "this channel is unusual now", the channel's sends that day (an outage or a
 * duplicate send shows there whichever rule noticed it), and for a decline finding the days its window
 * covers (a silent day the other rules missed). The finding pages when any of these qualifies.
 */
export function assess(run: PolicyRun, channel: PolicyChannel, finding: Finding, dayNo: number): Verdict {
  if (finding.rule === 'low_performer') return LOW_PERFORMER;
  // A drop on a day that has not fully arrived never pages, whatever other day a look would find.
  if (finding.direction === 'down' && run.late.has(dayNo)) return LATE;
  const evidence = channel.evidence;
  const i = dayNo - evidence.series.firstDay;
  const metric = finding.metric === 'clicks' ? 'ctr' : finding.metric;
  const own = evaluate(run, channel, { metric, index: i, down: finding.direction === 'down' });
  if (own.qualifies) return own;
  const looks: Look[] = [];
  if (metric !== 'sends') {
    const r = evidence.sends.value[i]! - evidence.sends.expected[i]!;
    if (!Number.isNaN(r)) looks.push({ metric: 'sends', index: i, down: r < 0 });
  }
  if (finding.rule === 'decline') {
    // A change the owners recorded starts the channel again: the days before it are the old channel's.
    let start = 0;
    for (const b of evidence.sends.breaks) if (b <= i) start = b;
    for (let k = 1; k < run.declineDays && i - k >= start; k++)
      looks.push({ metric, index: i - k, down: true });
  }
  for (const look of looks) {
    if (look.index < 0) continue;
    const other = evaluate(run, channel, look, false);
    if (!other.qualifies) continue;
    const day = look.index === i ? undefined : isoDay(evidence.series.firstDay + look.index);
    const judged = day && other.judged ? { ...other.judged, day } : other.judged;
    return { ...other, via: { metric: look.metric, ...(day ? { day } : {}) }, ...(judged ? { judged } : {}) };
  }
  return own;
}
