/**
 * Planned changes: a change the owners recorded (`review --change D`) that moves a channel's level or
 * CTR from day D is not an incident. On D the move is noted once as expected; from then on the
 * baseline starts again from the days after D (see `fitMetric`), so nothing compares the new level
 * with the old one. A channel gone silent on D still pages: a change is not an outage.
 */
import type { LookContext } from '../context.ts';
import { hold, type Verdict } from '../verdict.ts';

/** The verdict with a move on a change day held as expected (and noted). */
export function plannedChange(ctx: LookContext, verdict: Verdict): Verdict {
  if (!verdict.qualifies || verdict.silent || !ctx.channel.changeDays.has(ctx.dayNo)) return verdict;
  return {
    ...hold('planned_change', verdict.impact, verdict.figures),
    down: verdict.down,
    judged: verdict.judged,
  };
}
