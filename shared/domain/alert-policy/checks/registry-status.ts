/**
 * Registry status: a channel its owners paused or retired is expected to be silent, so its silence
 * never pages; if it sends, something is sending that should not, and that pages.
 */
import type { ChannelFacts } from '#shared/domain/channel-facts.ts';
import type { ChannelSeries } from '#shared/domain/channel-metrics.ts';
import { dayNumber } from '#shared/time/seoul.ts';
import type { PolicyRun } from '../context.ts';
import { severityOf } from '../severity.ts';
import { hold, page, type Verdict } from '../verdict.ts';
import { addOwnFinding, type ChannelFindings } from './baseline-pages.ts';

const INACTIVE = hold('channel_inactive');

/**
 * The day the channel's paused or retired status took effect, or undefined for an active one (with no
 * day recorded, every day). From that day its silence is expected; its sends page only from the day
 * after (the day it took effect may still hold that morning's sends).
 */
export function inactiveFrom(facts: ChannelFacts | undefined): number | undefined {
  if (facts?.status !== 'paused' && facts?.status !== 'retired') return undefined;
  return facts.statusSince ? dayNumber(facts.statusSince) : Number.NEGATIVE_INFINITY;
}

/** Holds the drops of inactive days (their verdicts replaced in place). */
export function holdInactiveDrops(channel: ChannelFindings, since: number): void {
  for (const entry of channel)
    if (entry.finding.direction === 'down' && entry.day >= since) entry.verdict = INACTIVE;
}

/**
 * Pages every day after `since` in [from, to] on which the channel sent (one incident: grouping keeps it
 * to one page while it goes on). Only days with a known start: an inactive status with no day set
 * cannot tell old sends from new ones.
 */
export function addInactiveSends(
  run: PolicyRun,
  series: ChannelSeries,
  channel: ChannelFindings,
  since: number,
  from: number,
  to: number,
): void {
  if (!Number.isFinite(since)) return;
  const start = Math.max(from, since + 1, series.firstDay);
  const end = Math.min(to, series.firstDay + series.sends.length - 1);
  for (let d = start; d <= end; d++) {
    const sends = series.sends[d - series.firstDay]!;
    if (!(sends > 0)) continue;
    const verdict: Verdict = page('inactive_send', {
      severity: severityOf(sends, false, run.config.severity),
      impact: sends,
      // Whatever else the rules saw that day, this is the page.
      strength: 1000,
      down: false,
      judged: { metric: 'sends', actual: sends, expected: 0 },
    });
    addOwnFinding(channel, series, d, verdict, {
      metric: 'sends',
      actual: sends,
      expected: 0,
      lower: 0,
      upper: 0,
    });
  }
}

const MUTED = hold('muted');

/** The owners' mute or snooze: nothing on a muted day pages (verdicts replaced in place). */
export function holdMutedDays(channel: ChannelFindings, facts: ChannelFacts | undefined): void {
  const mute = facts?.mute;
  if (!mute) return;
  const from = dayNumber(mute.from);
  const until = mute.until ? dayNumber(mute.until) : Number.POSITIVE_INFINITY;
  for (const entry of channel) if (entry.day >= from && entry.day <= until) entry.verdict = MUTED;
}
