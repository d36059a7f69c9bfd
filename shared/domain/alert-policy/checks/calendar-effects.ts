/**
 * Korean holidays: what a channel usually does around them is not an incident. On a public holiday a
 * drop short of an outage is expected; in the run-up to Seollal and Chuseok, and just after, promotions
 * and notices run high.
 */
import type { LookContext } from '../context.ts';
import type { Expectation } from '../expectation.ts';
import { hold, type Verdict } from '../verdict.ts';

export function calendarEffect({ run, look, dayNo }: LookContext, e: Expectation): Verdict | undefined {
  if (look.metric === 'ctr') return undefined;
  const window = run.windowOf(dayNo);
  if (window === 'holiday' && look.down && !e.silent) return hold('holiday_expected', e.impact);
  const seasonal = window === 'before-major' || window === 'after-major';
  if (seasonal && !look.down && Math.exp(e.residual) < run.config.holidays.maxPromotionRise)
    return hold('season_expected', e.impact);
  return undefined;
}
