/**
 * A channel that stopped sending stays an open incident while it sends nothing. The baseline learns a
 * lasting change as the new level after `maxAnomalyRun` days, and silence would be learnt the same way:
 * some weeks on, the rules and the baseline see nothing unusual in a row of zeros, and the incident
 * would drop out of the digest while the channel is still dead. So every later day of a silence whose
 * first day paged as one pages too, on that first day's expectation: grouping keeps it one incident.
 */

import type { PolicyChannel, PolicyRun } from '../context.ts';
import { evaluate } from '../look.ts';
import { page, type Verdict } from '../verdict.ts';
import { addOwnFinding, type ChannelFindings } from './baseline-pages.ts';

/** The silence `index` is part of: its first day's index, or undefined when the day sent something. */
function silenceStart(sends: Float64Array, index: number): number | undefined {
  if (sends[index] !== 0) return undefined;
  let start = index;
  while (start > 0 && sends[start - 1] === 0) start--;
  // A series that is silent from its first day never showed a level to hold the silence against.
  return start > 0 && sends[start - 1]! > 0 ? start : undefined;
}

/**
 * The page for a later day of a silence whose first day paged as one, or undefined: the first day
 * is judged as any other (its page, its scale, its vetoes), and a silence it did not page as one (a
 * bursty channel's usual empty day) is not carried on.
 */
export function stillSilent(
  run: PolicyRun,
  policyChannel: PolicyChannel,
  dayNo: number,
): Verdict | undefined {
  const { series } = policyChannel.evidence;
  const index = dayNo - series.firstDay;
  if (run.late.has(dayNo)) return undefined;
  const start = silenceStart(series.sends, index);
  if (start === undefined || start === index) return undefined;
  const first = evaluate(run, policyChannel, { metric: 'sends', index: start, down: true }, false);
  if (!first.qualifies || !first.silent || !first.judged) return undefined;
  // The expectation the first silent day paged on, before the silence could be learnt.
  const { expected } = first.judged;
  if (!(expected >= 1)) return undefined;
  return page('silent', {
    severity: first.severity,
    impact: expected,
    strength: 100,
    silent: true,
    down: true,
    figures: { change: 1 },
    judged: { metric: 'sends', actual: 0, expected },
  });
}

/**
 * Adds a page for every day of [from, to] in a lasting silence that nothing else paged: grouping keeps
 * them to the incident's first page, and a first run weeks into the silence pages it as that day's.
 */
export function addStillSilentPages(
  run: PolicyRun,
  policyChannel: PolicyChannel,
  channel: ChannelFindings,
  from: number,
  to: number,
): void {
  const { series } = policyChannel.evidence;
  // A day something already pages or notes (a recorded change) is left as it is.
  const judged = new Set<number>();
  for (const { day, verdict } of channel)
    if (verdict.qualifies || verdict.code === 'planned_change') judged.add(day);
  const start = Math.max(from, series.firstDay);
  const end = Math.min(to, series.firstDay + series.sends.length - 1);
  for (let d = start; d <= end; d++) {
    if (judged.has(d) || series.sends[d - series.firstDay] !== 0) continue;
    const verdict = stillSilent(run, policyChannel, d);
    if (!verdict) continue;
    addOwnFinding(channel, series, d, verdict, {
      metric: 'sends',
      actual: 0,
      expected: verdict.judged!.expected,
      lower: verdict.judged!.expected,
      upper: verdict.judged!.expected,
    });
  }
}
