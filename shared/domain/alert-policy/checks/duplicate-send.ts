/**
 * A stuck duplicate send: the same message went out twice to the same audience, so sends about
 * double while clicks do not, and CTR about halves. Either half alone may look like the channel's
 * own swings (a billing peak, a noisy day); together they are an incident.
 */
import type { LookContext } from '../context.ts';
import type { Expectation } from '../expectation.ts';
import { severityOf } from '../severity.ts';
import { page, type Verdict } from '../verdict.ts';

export function duplicateSend(ctx: LookContext, e: Expectation): Verdict | undefined {
  const { run, evidence, look } = ctx;
  if (look.metric === 'clicks' || look.down === (look.metric === 'sends')) return undefined;
  const config = run.config;
  const i = look.index;
  const sends = evidence.series.sends[i]!;
  const expectedSends = Math.exp(evidence.sends.expected[i]!) - 1;
  const { minSendsRatio, maxCtrRatio, minJointZ } = config.duplicateSend;
  // Sends first: the CTR baseline is fitted only for a channel whose sends about doubled.
  if (!(expectedSends > 0) || sends < config.volumeFloor.minSendsForCtr) return undefined;
  const sendsRatio = sends / expectedSends;
  if (sendsRatio < minSendsRatio) return undefined;
  const ctrExpected = evidence.ctr.expected[i]!;
  if (Number.isNaN(ctrExpected)) return undefined;
  const ctrRatio = evidence.series.clicks[i]! / sends / Math.exp(ctrExpected);
  if (ctrRatio > maxCtrRatio) return undefined;
  // Both moves at once, each in the channel's own spread: on a channel whose sends and CTR swing
  // widely, 1.6x the sends on a day of low CTR is a day like others.
  const sendsZ = (evidence.sends.value[i]! - evidence.sends.expected[i]!) / evidence.sends.scale[i]!;
  const ctrZ = (ctrExpected - evidence.ctr.value[i]!) / evidence.ctr.scale[i]!;
  if (!((sendsZ + ctrZ) / Math.SQRT2 >= minJointZ)) return undefined;
  const impact = sends - expectedSends;
  return page('duplicate_send', {
    severity: severityOf(impact, false, config.severity),
    impact,
    strength: e.scale > 0 ? Math.abs(e.residual) / e.scale : 0,
    // The page states the sends, which rose, whichever look found it (the CTR's fall, or the sends).
    down: false,
    figures: { ratio: sendsRatio, change: 1 - ctrRatio },
    judged: { metric: 'sends', actual: sends, expected: Math.round(expectedSends) },
  });
}
