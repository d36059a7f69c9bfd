import type { RuleConfig } from '#shared/domain/rules/config.ts';
import { emit, type RuleDay } from '#shared/domain/rules/emit.ts';
import type { RollingMoments } from '#shared/domain/rules/rolling.ts';

/**
 * Rule 5 (detection spec): over the `days` days ending at t inclusive (all inside the series and, as
 * a late day would understate S7, all present), S7 = sum sends, K7 = sum clicks; a low performer when
 * S7 >= minSends and K7/S7 < maxCtr. Reported once per channel-day as metric ctr, direction down,
 * expected = upper = maxCtr, lower = 0. `sends` and `clicks` are windows of `days` already holding t.
 */
export function judgeLowPerformer(
  day: RuleDay,
  sends: RollingMoments,
  clicks: RollingMoments,
  lowPerformer: RuleConfig['lowPerformer'],
): void {
  const { days, maxCtr } = lowPerformer;
  if (day.t - days + 1 < 0 || sends.n < days || clicks.n < days) return;
  const s7 = sends.sum;
  const k7 = clicks.sum;
  if (!(s7 >= lowPerformer.minSends && k7 / s7 < maxCtr)) return;
  emit(day, {
    rule: 'low_performer',
    metric: 'ctr',
    status: 'confirmed',
    direction: 'down',
    actual: k7 / s7,
    expected: maxCtr,
    lower: 0,
    upper: maxCtr,
    detail: { sends: s7, clicks: k7, days },
  });
}
