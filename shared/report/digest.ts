import type { Digest } from '#shared/domain/digest.ts';
import { seoulTimestamp } from '#shared/time/seoul.ts';
import { type Locale, labelsFor } from './labels.ts';
import { type WeeklyReport, weekJudged } from './model.ts';
import type { WrittenReport } from './render-data.ts';
import { formatters } from './render-html.ts';

/** The message that carries the weekly report's link: a few figures a reader sees before opening it. */
export function weeklyReportDigest(report: WeeklyReport, where: WrittenReport, locale: Locale): Digest {
  const t = labelsFor(locale);
  const f = formatters(locale);
  const judged = report.lowPerformersAsOf !== null;
  const lines = [
    `${t.title} ${report.week.from} ~ ${report.week.to}`,
    `${t.channels} ${f.int(report.totals.channels)} · ${t.sends} ${f.int(report.totals.sends)} · ${t.ctr} ${f.pct(report.totals.ctr)}`,
    // As the page's tiles: a week detection never judged has no ranking, '-' rather than 0.
    `${t.incidents}: ${weekJudged(report) ? report.incidents.length : '-'} · ${t.lowPerformers}: ${judged ? report.lowPerformers.length : '-'} · ${t.openDecisions}: ${judged ? report.reviewQueue.length : '-'} · ${t.changeImpact}: ${report.changeImpact.length}`,
    `${t.lastDataDay}: ${report.freshness.lastDataDay ?? '-'}${report.freshness.missingDays.length ? ` · ${t.missingDays}: ${report.freshness.missingDays.join(', ')}` : ''}`,
    '',
    // The signed link works until the time it was signed for; the object's address stays valid for console users.
    ...(where.link
      ? [
          where.link,
          ...(where.linkExpiresAt ? [`${t.linkWorksUntil} ${seoulTimestamp(where.linkExpiresAt)}`] : []),
          where.location,
        ]
      : [where.location]),
  ];
  return {
    subject: `crm-guard weekly report ${report.week.from} - ${report.week.to}`,
    text: lines.join('\n'),
    severity: 'info',
    body: {
      kind: 'weekly-report',
      week: report.week,
      location: where.location,
      link: where.link,
      ...(where.linkExpiresAt ? { linkExpiresAt: where.linkExpiresAt.toISOString() } : {}),
      totals: report.totals,
    },
  };
}
