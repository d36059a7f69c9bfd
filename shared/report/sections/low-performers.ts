import type { Finding } from '#shared/domain/finding.ts';
import { latestReviews, type ReviewDecision } from '#shared/domain/registry.ts';
import type { RunRecord } from '#shared/domain/run-record.ts';
import { addDays, dayNumber, type IsoDay, isoDay } from '#shared/time/seoul.ts';
import type { LowPerformerRow } from '../model.ts';
import { channelLabel, type ReportContext, statusOn } from './context.ts';

export interface LowPerformers {
  /** The last day of the week detection ranked: the ranking is that run's (null: none this week). */
  asOf: IsoDay | null;
  /** The days with no data that kept later runs of the week from ranking. */
  blockedBy: IsoDay[];
  /** Set when the data began too lately for any channel to hold rule 5's whole window. */
  tooYoung: { dataFrom: IsoDay; firstRanking: IsoDay } | null;
  /** Costliest first: sends nobody clicked. */
  rows: LowPerformerRow[];
}

/**
 * The week's ranking, read from the `low_performer` findings detection stored on its last judged day
 * (one truth: the report never re-derives rule 5), without the channels not meant to be clicked and the
 * retired ones, each with its owners' latest decision.
 */
export function lowPerformersSection(
  ctx: ReportContext,
  findings: readonly Finding[],
  weekRuns: readonly RunRecord[],
  reviews: ReviewDecision[],
): LowPerformers {
  // Rule 5 sums whole days: a run that lacked any day of its window (its own or an earlier one,
  // late or lost) ranked nobody, and an empty ranking from it would read as "no low performer".
  const rankDays = ctx.options.lowPerformer.days;
  const missingInWindow = (run: RunRecord) =>
    run.missingDays.filter((day) => day > addDays(run.day, -rankDays) && day <= run.day);
  const asOf =
    weekRuns
      .filter((run) => missingInWindow(run).length === 0)
      .map((run) => run.day)
      .sort()
      .at(-1) ?? null;
  const blockedBy = [
    ...new Set(weekRuns.filter((run) => asOf === null || run.day > asOf).flatMap(missingInWindow)),
  ].sort();
  if (asOf === null) return { asOf, blockedBy, tooYoung: null, rows: [] };
  // A lake younger than the window ranks nobody: that is "no ranking yet", not "no low performer".
  let dataFrom = Number.POSITIVE_INFINITY;
  for (const series of ctx.series.values()) dataFrom = Math.min(dataFrom, series.firstDay);
  if (Number.isFinite(dataFrom) && dataFrom > dayNumber(asOf) - rankDays + 1)
    return {
      asOf: null,
      blockedBy,
      tooYoung: { dataFrom: isoDay(dataFrom), firstRanking: isoDay(dataFrom + rankDays - 1) },
      rows: [],
    };
  const latest = latestReviews(reviews);
  const rows: LowPerformerRow[] = [];
  for (const finding of findings) {
    if (finding.rule !== 'low_performer' || finding.date !== asOf) continue;
    const entry = ctx.entries.get(finding.channelId);
    // Retired after the ranking's day: it was still a low performer then.
    if (statusOn(ctx, finding.channelId, asOf) === 'retired') continue;
    if (entry && ctx.options.notClickedCategories.includes(entry.category)) continue;
    const sends = finding.detail?.sends ?? 0;
    const clicks = finding.detail?.clicks ?? 0;
    const review = latest.get(finding.channelId);
    rows.push({
      ...channelLabel(ctx, finding.channelId),
      sends,
      clicks,
      ctr: sends > 0 ? clicks / sends : 0,
      unclickedSends: sends - clicks,
      open: !review,
      decision: review?.decision ?? null,
      note: review?.note ?? null,
      decidedBy: review?.by ?? null,
      decidedAt: review?.at ?? null,
    });
  }
  rows.sort((a, b) => b.unclickedSends - a.unclickedSends || a.channelId.localeCompare(b.channelId));
  return { asOf, blockedBy, tooYoung: null, rows };
}
