/**
 * A spike on a channel whose days swing widely: a day several times its usual for the weekday, and
 * above every same weekday of the last weeks, is an incident even when its robust z is modest (the
 * spread that makes the z modest is the everyday wobble, not days like this one).
 */
import type { LookContext } from '../context.ts';
import { type Expectation, statedFigures } from '../expectation.ts';
import { severityOf } from '../severity.ts';
import { page, type Verdict } from '../verdict.ts';

export function unprecedentedSpike(ctx: LookContext, e: Expectation): Verdict | undefined {
  const { run, evidence, look } = ctx;
  if (look.metric === 'ctr' || look.down) return undefined;
  const config = run.config;
  const { minMultiple, aboveHistory, weeks } = config.spike;
  const ratio = Math.exp(e.residual);
  if (ratio < minMultiple || e.judged.expected < config.volumeFloor.minExpected) return undefined;
  const metric = evidence[look.metric];
  const i = look.index;
  let highest = Number.NEGATIVE_INFINITY;
  for (let w = 1; w <= weeks; w++) {
    const j = i - 7 * w;
    if (j < 0) break;
    if (!evidence.excluded[j] && !Number.isNaN(metric.value[j]!))
      highest = Math.max(highest, metric.value[j]!);
  }
  if (!(e.value > highest + Math.log(aboveHistory))) return undefined;
  const { actual, expected } = e.judged;
  return page('spike', {
    severity: severityOf(e.impact, false, config.severity),
    impact: e.impact,
    strength: Math.abs(e.residual) / e.scale,
    down: false,
    // The multiple quoted is the one of the figures shown beside it (the test above smooths small counts).
    figures: { ratio: expected > 0 ? actual / expected : ratio },
    judged: statedFigures(e, config.page.minZ),
  });
}
