import type { JudgedFinding } from '#shared/domain/finding.ts';
import type { RunRecord } from '#shared/domain/run-record.ts';
import { OutOfRangeError } from '#shared/errors.ts';
import type { AlertSink } from '#shared/ports/alert-sink.ts';
import type { ChannelRegistry } from '#shared/ports/channel-registry.ts';
import type { FeedbackStore } from '#shared/ports/feedback-store.ts';
import type { FindingStore } from '#shared/ports/finding-store.ts';
import type { LinkSigner } from '#shared/ports/link-signer.ts';
import type { MetricsSource } from '#shared/ports/metrics-source.ts';
import { weeklyReportDigest } from '#shared/report/digest.ts';
import type { Locale } from '#shared/report/labels.ts';
import type { WeeklyReport } from '#shared/report/model.ts';
import { type ReportFile, type ReportWriter, renderReportFiles } from '#shared/report/render-data.ts';
import {
  REPORT_LINK_DAYS,
  type ReportLinkClaim,
  reportFolder,
  reportLinkMessage,
  reportLinkUrl,
} from '#shared/report/report-link.ts';
import {
  assembleWeeklyReport,
  DEFAULT_REPORT_OPTIONS,
  findingsReadRange,
  reportReadRange,
  type WeeklyReportOptions,
} from '#shared/report/weekly.ts';
import { addDays, dayNumber, type IsoDay, seoulDay } from '#shared/time/seoul.ts';

export interface BuildReportPorts {
  metrics: MetricsSource;
  findings: FindingStore;
  registry: ChannelRegistry;
  writer: ReportWriter;
  /** When given, the digest with the report's link goes out here (SNS in AWS). */
  alerts?: AlertSink;
  /** The team's verdicts, for the report's precision as they judged it. */
  feedback?: Pick<FeedbackStore, 'verdicts'>;
  /**
   * Signs the e-mail's link to the report page (AWS: the feedback links' KMS key), which outlives the
   * writer's own presigned link.
   */
  links?: { base: string; signer: LinkSigner };
}

export interface BuildReportRequest {
  /** Last day of the report week (the Monday run reports the week ending on Sunday). */
  day: IsoDay;
  locale: Locale;
  now?: Date;
  options?: Partial<WeeklyReportOptions>;
}

export interface BuildReportResult {
  report: WeeklyReport;
  files: ReportFile[];
  /** Path of the HTML (one machine) or its s3:// URI. */
  location: string;
  /** URL that opens the HTML: the signed report page's (AWS), else a presigned S3 link; none locally. */
  link?: string;
  linkExpiresAt?: Date;
}

/** Reads the week's metrics, findings, runs and registry, renders the report, writes it and announces it. */
export async function buildReport(
  ports: BuildReportPorts,
  request: BuildReportRequest,
): Promise<BuildReportResult> {
  const now = request.now ?? new Date();
  const today = seoulDay(now);
  // A week that has not ended yet would report days no run has judged and data still landing.
  if (request.day >= today)
    throw new OutOfRangeError(
      `${request.day} is not over yet in Asia/Seoul (today is ${today}): report a week ending ${addDays(today, -1)} or earlier`,
    );
  const range = reportReadRange(request.day, { ...DEFAULT_REPORT_OPTIONS, ...request.options });
  const weekFrom = addDays(request.day, -6);
  const weekDays = Array.from({ length: 7 }, (_, k) => addDays(weekFrom, k));
  const [columns, findings, registry, runs, feedback] = await Promise.all([
    ports.metrics.readChannelDays(range),
    ports.findings.findings(findingsReadRange(request.day)),
    ports.registry.snapshot(),
    Promise.all(weekDays.map((day) => ports.findings.run(day))),
    // As far back as the findings: an incident open in the week may have begun, and been judged, before it.
    ports.feedback?.verdicts(findingsReadRange(request.day)) ?? Promise.resolve([]),
  ]);
  // A week before the lake starts would report every channel as quiet: only an empty last day asks.
  if (!columns.day.includes(dayNumber(request.day))) {
    const earliest = await ports.metrics.earliestDay();
    if (earliest === undefined || request.day < earliest)
      throw new OutOfRangeError(
        earliest === undefined
          ? 'the lake has no data yet'
          : `${request.day} is before the lake's first day, ${earliest}: report a week ending ${earliest} or later`,
      );
  }
  const report = assembleWeeklyReport({
    day: request.day,
    columns,
    findings: findings as JudgedFinding[],
    runs: new Map(runs.filter((run): run is RunRecord => run !== undefined).map((run) => [run.day, run])),
    registry,
    feedback,
    generatedAt: now.toISOString(),
    options: request.options,
  });
  const files = renderReportFiles(report, request.locale);
  // A folder per week and locale: the Korean and the English report of a week do not overwrite each other.
  const folder = { day: request.day, locale: request.locale };
  let written = await ports.writer.write(reportFolder(folder), files);
  if (ports.links) written = { ...written, ...(await signedLink(ports.links, folder, now)) };
  if (ports.alerts) await ports.alerts.publish(weeklyReportDigest(report, written, request.locale));
  return { report, files, ...written };
}

async function signedLink(
  links: { base: string; signer: LinkSigner },
  folder: Pick<ReportLinkClaim, 'day' | 'locale'>,
  now: Date,
): Promise<{ link: string; linkExpiresAt: Date }> {
  const expires = Math.floor(now.getTime() / 1000) + REPORT_LINK_DAYS * 86_400;
  const claim = { ...folder, expires };
  return {
    link: reportLinkUrl(links.base, claim, await links.signer.sign(reportLinkMessage(claim))),
    linkExpiresAt: new Date(expires * 1000),
  };
}
