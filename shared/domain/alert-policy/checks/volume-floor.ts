/** Volume floor: below it a deviation is noise, whatever its ratio. */
import type { LookContext } from '../context.ts';
import type { Expectation } from '../expectation.ts';
import { hold, type Verdict } from '../verdict.ts';

const CTR_FLOOR = hold('ctr_floor');

/** Checked before the CTR baseline is fitted: most channels never send enough for a CTR page. */
export function ctrSendsFloor({ run, evidence, look }: LookContext): Verdict | undefined {
  if (look.metric !== 'ctr') return undefined;
  return evidence.series.sends[look.index]! >= run.config.volumeFloor.minSendsForCtr ? undefined : CTR_FLOOR;
}

/** A count needs enough expected sends (or clicks); a CTR enough sends and expected clicks. */
export function volumeFloor({ run, evidence, look }: LookContext, e: Expectation): Verdict | undefined {
  const floor = run.config.volumeFloor;
  if (look.metric === 'ctr') {
    const sends = evidence.series.sends[look.index]!;
    const expectedClicks = sends * Math.exp(e.expected);
    return sends < floor.minSendsForCtr || expectedClicks < floor.minExpectedClicks
      ? hold('ctr_floor', e.impact)
      : undefined;
  }
  return e.toUnits(e.expected) < floor.minExpected ? hold('volume_floor', e.impact) : undefined;
}
