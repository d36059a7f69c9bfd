import { statSync } from 'node:fs';
import { localPaths } from '#shared/adapters/local/data-dir.ts';
import { createFolderReportWriter } from '#shared/adapters/report-files/local.ts';
import { loadCrmGuardConfig, reportOptionsOf } from '#shared/config/crm-guard-config.ts';
import { InputError, UsageError } from '#shared/errors.ts';
import type { MetricsSource } from '#shared/ports/metrics-source.ts';
import { LOCALES, type Locale } from '#shared/report/labels.ts';
import { type WeeklyReport, weekJudged } from '#shared/report/model.ts';
import { type IsoDay, seoulYesterday } from '#shared/time/seoul.ts';
import { buildReport } from '#shared/use-cases/build-report.ts';
import { openLocalLake } from '../local-wiring.ts';
import { openStackStores, stackEnvironment } from '../stack-wiring.ts';
import type { Command } from './command.ts';
import {
  configFlag,
  dataDirFlag,
  dayFlag,
  FLAG_DEFAULTS,
  inputFlag,
  outFlag,
  stringFlag,
} from './options.ts';

const USAGE =
  'crm-guard report [--date YYYY-MM-DD] [--input PATH] [--config FILE] [--out DIR] [--locale ko|en] [--data DIR]';

const command: Command = {
  name: 'report',
  example: 'crm-guard report --date 2026-11-29 --locale en',
  summary: 'Build the weekly channel report for the week ending on a day: HTML, CSV and JSON in a folder.',
  usage: USAGE,
  defaults: {
    '--date':
      'the last day with data in the lake, yesterday at the latest (with --stack: yesterday in Asia/Seoul)',
    '--input': FLAG_DEFAULTS.input,
    '--config': FLAG_DEFAULTS.config,
    '--out': 'reports/ in the data folder (.crm-guard/reports)',
    '--locale': "ko (with --stack: the stack's REPORT_LOCALE)",
    '--data': FLAG_DEFAULTS.data,
  },
  options: {
    date: { type: 'string' },
    input: { type: 'string' },
    config: { type: 'string' },
    out: { type: 'string' },
    locale: { type: 'string' },
    data: { type: 'string' },
  },
  async run(values) {
    const stack = stackEnvironment();
    if (stack) {
      // In AWS the report function reads the lake and writes to S3: the CLI asks it to run the week.
      const date = dayFlag(values, 'date');
      const locale = stringFlag(values, 'locale');
      const result = (await (
        await openStackStores(stack)
      ).invoke('report', {
        ...(date ? { day: date } : {}),
        ...(locale ? { locale } : {}),
      })) as { week: { from: string; to: string }; location: string; link?: string };
      console.log(`Week ${result.week.from} ~ ${result.week.to} in ${stack}: ${result.location}`);
      if (result.link) console.log(result.link);
      return 0;
    }
    const date = dayFlag(values, 'date');
    const locale = stringFlag(values, 'locale') ?? 'ko';
    if (!(LOCALES as readonly string[]).includes(locale))
      throw new UsageError(`--locale: "${locale}" is not one of ${LOCALES.join(', ')}`);
    const config = loadCrmGuardConfig(configFlag(values));
    const dataDir = dataDirFlag(values);
    const out = outFlag(values) ?? localPaths(dataDir).reports;
    // The week goes into a dated folder under --out: a file there (or /dev/null) cannot hold one.
    const there = statSync(out, { throwIfNoEntry: false });
    if (there && !there.isDirectory())
      throw new UsageError(`--out ${out} is not a folder: give the folder the reports go in`);
    const input = inputFlag(values, dataDir);

    const local = await openLocalLake(dataDir, input);
    try {
      const day = date ?? (await lastDayOver(local.metrics, input));
      const result = await buildReport(
        {
          metrics: local.metrics,
          findings: local.findings,
          registry: local.registry,
          feedback: local.feedback,
          writer: createFolderReportWriter(out),
        },
        { day, locale: locale as Locale, options: reportOptionsOf(config) },
      );
      const { report } = result;
      console.error(
        `Week ${report.week.from} ~ ${report.week.to}: ${count(report.totals.channels, 'channel')}, ${weekJudged(report) ? count(report.incidents.length, 'incident') : 'incidents not judged (detection did not run this week)'}, ` +
          `${ranking(report)}, ${count(report.changeImpact.length, 'change')} measured.`,
      );
      console.log(result.location);
      return 0;
    } finally {
      await local.close();
    }
  },
};

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** The low performers, or why the week has no ranking: an empty one would read as "none". */
function ranking(report: WeeklyReport): string {
  if (report.lowPerformersAsOf)
    return `${count(report.lowPerformers.length, 'low performer')} (${report.reviewQueue.length} open)`;
  const young = report.lowPerformersTooYoung;
  if (young)
    return `no low-performer ranking yet (the data starts on ${young.dataFrom}: rule 5 needs ${report.lowPerformerRule.days} days; the run of ${young.firstRanking} ranks first)`;
  return report.lowPerformersBlockedBy.length
    ? `no low-performer ranking (no data for ${report.lowPerformersBlockedBy.join(', ')}: rule 5 needs all ${report.lowPerformerRule.days} days)`
    : 'no low-performer ranking (detection did not run this week)';
}

/** The last day with data, never one not over yet: a lake may already hold today's first rows. */
async function lastDayOver(metrics: Pick<MetricsSource, 'latestDay'>, input: string): Promise<IsoDay> {
  const latest = await metrics.latestDay();
  if (!latest) throw new InputError(input, 'holds no channel rows');
  const yesterday = seoulYesterday(new Date());
  return latest > yesterday ? yesterday : latest;
}

export default command;
