import type { ChannelChange } from '#shared/domain/registry.ts';
import { addDays, dayNumber, isoDay } from '#shared/time/seoul.ts';
import type { ChangeImpactRow, ImpactWindow } from '../model.ts';
import { compareProportions } from '../stats.ts';
import { channelLabel, type ReportContext, ratio, sumDays } from './context.ts';

/**
 * What each recorded change did: CTR over equal windows before and from the change day (the change
 * day counts as after: the new copy is live from it), with a two-proportion test. Newest first; changes
 * older than `changeLookbackDays` are not measured again.
 */
export function changeImpactSection(
  ctx: ReportContext,
  changes: readonly ChannelChange[],
): ChangeImpactRow[] {
  const { day, dayNo, options } = ctx;
  const oldest = addDays(day, -options.changeLookbackDays);
  return changes
    .filter((change) => change.day <= day && change.day > oldest)
    .sort((a, b) => b.day.localeCompare(a.day) || a.channelId.localeCompare(b.channelId))
    .map((change): ChangeImpactRow => {
      const s = ctx.series.get(change.channelId);
      const changeNo = dayNumber(change.day);
      const afterDays = s ? Math.min(options.impactWindowDays, dayNo - changeNo + 1) : 0;
      const beforeDays = s
        ? Math.min(options.impactWindowDays, changeNo - Math.max(s.firstDay, ctx.metrics.fromDay))
        : 0;
      const windowDays = Math.max(0, Math.min(afterDays, beforeDays));
      const row = { ...channelLabel(ctx, change.channelId), changeDay: change.day, what: change.what };
      if (!s || windowDays === 0)
        return {
          ...row,
          windowDays: 0,
          before: null,
          after: null,
          volumeChange: null,
          comparison: null,
          significant: false,
        };
      const window = (from: number): ImpactWindow => {
        const sum = sumDays(s, from, from + windowDays - 1);
        return {
          from: isoDay(from),
          to: isoDay(from + windowDays - 1),
          sends: sum.sends,
          clicks: sum.clicks,
          sendsPerDay: sum.sends / windowDays,
          clicksPerDay: sum.clicks / windowDays,
          ctr: ratio(sum.clicks, sum.sends),
        };
      };
      const before = window(changeNo - windowDays);
      const after = window(changeNo);
      const comparison =
        before.sends > 0 && after.sends > 0
          ? compareProportions({ n: before.sends, k: before.clicks }, { n: after.sends, k: after.clicks })
          : null;
      return {
        ...row,
        windowDays,
        before,
        after,
        volumeChange: before.sends > 0 ? after.sends / before.sends - 1 : null,
        comparison,
        significant: comparison !== null && comparison.pValue < 0.05,
      };
    });
}
