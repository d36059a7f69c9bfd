import { seoulIsoTimestamp } from '#shared/time/seoul.ts';
import type { Locale } from './labels.ts';
import type { WeeklyReport } from './model.ts';
import { renderHtml } from './render-html.ts';

/** One file of a rendered report. */
export interface ReportFile {
  name: string;
  contentType: string;
  body: string;
}

/** Where reports land: a local folder, or S3 with a time-limited link. */
export interface ReportWriter {
  /**
   * Writes the files of a report into `folder` (`<day>/<locale>`); `location` is the HTML's path or
   * object URI, `link` a URL to open it, working until `linkExpiresAt`.
   */
  write(folder: string, files: ReportFile[]): Promise<WrittenReport>;
}

/** Opens a written report for a reader (S3: a link presigned for minutes); undefined when it is gone. */
export interface ReportOpener {
  open(folder: string): Promise<string | undefined>;
}

export interface WrittenReport {
  location: string;
  link?: string;
  linkExpiresAt?: Date;
}

export const REPORT_HTML = 'report.html';

type Cell = string | number | boolean | null | undefined;

function csvCell(value: Cell): string {
  if (value === null || value === undefined || (typeof value === 'number' && !Number.isFinite(value)))
    return '';
  const raw = typeof value === 'number' ? String(Math.round(value * 1e8) / 1e8) : String(value);
  // A text cell a spreadsheet would run as a formula (a channel name or note that starts with =, +,
  // -, @, a tab or a return) gets a leading apostrophe: it opens as the text it is.
  const text = typeof value === 'string' && /^[=+\-@\t\r]/.test(raw) ? `'${raw}` : raw;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** RFC 4180 CSV with a UTF-8 BOM, so spreadsheet apps read Korean names right. */
export function toCsv(header: string[], rows: Cell[][]): string {
  return `\uFEFF${[header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n')}\r\n`;
}

/** The report's tables as CSV, one file each, with stable English column names (raw numbers, CTR as a proportion). */
export function renderCsv(report: WeeklyReport): ReportFile[] {
  const file = (name: string, header: string[], rows: Cell[][]): ReportFile => ({
    name,
    contentType: 'text/csv; charset=utf-8',
    body: toCsv(header, rows),
  });
  return [
    file(
      'health.csv',
      [
        'channel_id',
        'name',
        'channel_type',
        'category',
        'owner',
        'status',
        'sends',
        'clicks',
        'ctr',
        'previous_sends',
        'previous_ctr',
        'sends_change',
        'ctr_change',
      ],
      report.health.map((r) => [
        r.channelId,
        r.name,
        r.channelType,
        r.category,
        r.owner,
        r.status,
        r.sends,
        r.clicks,
        r.ctr,
        r.previousSends,
        r.previousCtr,
        r.sendsChange,
        r.ctrChange,
      ]),
    ),
    file(
      'incidents.csv',
      [
        'channel_id',
        'name',
        'owner',
        'metric',
        'rules',
        'direction',
        'severity',
        'first_day',
        'last_day',
        'days',
        'actual',
        'expected',
        'lower',
        'upper',
        'figures_day',
        'impact',
        'verdict',
        'verdict_by',
        'verdict_note',
      ],
      report.incidents.map((r) => [
        r.channelId,
        r.name,
        r.owner,
        r.metric,
        r.rules.join(' '),
        r.direction,
        r.severity,
        r.firstDay,
        r.lastDay,
        r.days,
        r.actual,
        r.expected,
        r.lower,
        r.upper,
        r.figuresDay,
        r.impact,
        r.verdict?.verdict ?? null,
        r.verdict?.by ?? null,
        r.verdict?.note ?? null,
      ]),
    ),
    file(
      'low-performers.csv',
      [
        'channel_id',
        'name',
        'category',
        'owner',
        'sends',
        'clicks',
        'ctr',
        'unclicked_sends',
        'decision',
        'note',
        'decided_by',
        'decided_at',
      ],
      report.lowPerformers.map((r) => [
        r.channelId,
        r.name,
        r.category,
        r.owner,
        r.sends,
        r.clicks,
        r.ctr,
        r.unclickedSends,
        r.decision,
        r.note,
        r.decidedBy,
        r.decidedAt === null ? null : seoulIsoTimestamp(r.decidedAt),
      ]),
    ),
    // The open decisions only: the to-do list of the review.
    file(
      'review-queue.csv',
      ['channel_id', 'name', 'category', 'owner', 'sends', 'clicks', 'ctr', 'unclicked_sends'],
      report.reviewQueue.map((r) => [
        r.channelId,
        r.name,
        r.category,
        r.owner,
        r.sends,
        r.clicks,
        r.ctr,
        r.unclickedSends,
      ]),
    ),
    file(
      'change-impact.csv',
      [
        'channel_id',
        'name',
        'owner',
        'change_day',
        'what',
        'window_days',
        'before_from',
        'before_to',
        'before_sends',
        'before_clicks',
        'before_ctr',
        'after_from',
        'after_to',
        'after_sends',
        'after_clicks',
        'after_ctr',
        'volume_change',
        'ctr_difference',
        'ctr_difference_ci_low',
        'ctr_difference_ci_high',
        'relative_lift',
        'relative_lift_ci_low',
        'relative_lift_ci_high',
        'z',
        'p_value',
        'significant',
      ],
      report.changeImpact.map((r) => {
        const c = r.comparison;
        return [
          r.channelId,
          r.name,
          r.owner,
          r.changeDay,
          r.what,
          r.windowDays,
          r.before?.from,
          r.before?.to,
          r.before?.sends,
          r.before?.clicks,
          r.before?.ctr,
          r.after?.from,
          r.after?.to,
          r.after?.sends,
          r.after?.clicks,
          r.after?.ctr,
          r.volumeChange,
          c?.difference,
          c?.differenceCi[0],
          c?.differenceCi[1],
          c?.relativeLift,
          c?.relativeLiftCi[0],
          c?.relativeLiftCi[1],
          c?.z,
          c?.pValue,
          r.significant,
        ];
      }),
    ),
  ];
}

/** An instant as the model keeps it (UTC, `Z`). */
const UTC_INSTANT = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

/** The whole report as JSON: non-finite numbers become null, instants read in Seoul (`+09:00`). */
export function renderJson(report: WeeklyReport): ReportFile {
  // Instants by their field (`generatedAt`, `decidedAt`, ...): free text that looks like one stays as written.
  const replacer = (key: string, value: unknown) =>
    typeof value === 'number' && !Number.isFinite(value)
      ? null
      : typeof value === 'string' && key.endsWith('At') && UTC_INSTANT.test(value)
        ? seoulIsoTimestamp(value)
        : value;
  return {
    name: 'report.json',
    contentType: 'application/json',
    body: `${JSON.stringify(report, replacer, 2)}\n`,
  };
}

/** Every file of a report: the HTML first, then the JSON and the CSV tables. */
export function renderReportFiles(report: WeeklyReport, locale: Locale): ReportFile[] {
  return [
    { name: REPORT_HTML, contentType: 'text/html; charset=utf-8', body: renderHtml(report, locale) },
    renderJson(report),
    ...renderCsv(report),
  ];
}
