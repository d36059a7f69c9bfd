import type { ChannelDayColumns } from '#shared/domain/channel-metrics.ts';
import { type Feedback, teamVerdicts } from '#shared/domain/feedback.ts';
import type { JudgedFinding } from '#shared/domain/finding.ts';
import type { RegistrySnapshot } from '#shared/domain/registry.ts';
import type { RunRecord } from '#shared/domain/run-record.ts';
import type { IsoDay } from '#shared/time/seoul.ts';
import type { WeeklyReport } from './model.ts';
import { DEFAULT_REPORT_OPTIONS, type WeeklyReportOptions } from './options.ts';
import { changeImpactSection } from './sections/change-impact.ts';
import { reportContext } from './sections/context.ts';
import { freshnessSection } from './sections/freshness.ts';
import { chartDays, healthSection } from './sections/health.ts';
import { incidentsSection } from './sections/incidents.ts';
import { lowPerformersSection } from './sections/low-performers.ts';
import { mutedSection } from './sections/muted.ts';
import { reviewQueueSection } from './sections/review-queue.ts';

export {
  DEFAULT_REPORT_OPTIONS,
  findingsReadRange,
  reportReadRange,
  type WeeklyReportOptions,
} from './options.ts';

export interface WeeklyReportInput {
  /** Last day of the report week. */
  day: IsoDay;
  /** Lake rows over `reportReadRange(day)`. */
  columns: ChannelDayColumns;
  /** Findings stored over `findingsReadRange(day)`: the week's, and the lead of its incident charts. */
  findings: JudgedFinding[];
  /** The detection run records of the week's days (absent: the run never happened). */
  runs: Map<IsoDay, RunRecord>;
  registry: RegistrySnapshot;
  /** The team's verdicts on the week's pages (none when the run has no feedback store). */
  feedback?: Feedback[];
  generatedAt: string;
  options?: Partial<WeeklyReportOptions>;
}

/** Builds the weekly report from data already read, section by section: pure, so every number can be tested. */
export function assembleWeeklyReport(input: WeeklyReportInput): WeeklyReport {
  const options = { ...DEFAULT_REPORT_OPTIONS, ...input.options };
  const ctx = reportContext(input.day, input.columns, input.registry, options);
  const weekFrom = ctx.weekDays[0]!;
  const weekFindings = input.findings.filter((f) => f.date >= weekFrom && f.date <= input.day);
  const weekRuns = [...input.runs.values()].filter(
    (run) => run.day >= weekFrom && run.day <= input.day && !run.partialData,
  );
  const lowPerformers = lowPerformersSection(ctx, weekFindings, weekRuns, input.registry.reviews);
  const incidents = incidentsSection(ctx, input.findings, input.feedback ?? []);
  // Who was too young to judge: as the run of the ranking's day said (one truth), else from the series.
  const asOfRun = lowPerformers.asOf ? input.runs.get(lowPerformers.asOf) : undefined;
  const health = healthSection(
    ctx,
    new Set(incidents.map((row) => row.channelId)),
    new Set(lowPerformers.rows.map((row) => row.channelId)),
    asOfRun ? new Set(asOfRun.insufficientHistory) : undefined,
  );
  return {
    week: { from: weekFrom, to: input.day },
    generatedAt: input.generatedAt,
    chartDays: chartDays(ctx),
    totals: health.totals,
    health: health.rows,
    incidents,
    lowPerformerRule: { ...options.lowPerformer },
    lowPerformersAsOf: lowPerformers.asOf,
    lowPerformersBlockedBy: lowPerformers.blockedBy,
    lowPerformersTooYoung: lowPerformers.tooYoung,
    lowPerformers: lowPerformers.rows,
    reviewQueue: reviewQueueSection(lowPerformers.rows),
    changeImpact: changeImpactSection(ctx, input.registry.changes),
    verdicts: teamVerdicts(weekFindings, input.feedback ?? []),
    muted: mutedSection(ctx, input.registry.mutes),
    freshness: freshnessSection(ctx, input.runs),
  };
}
