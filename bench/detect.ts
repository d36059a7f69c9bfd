/**
 * Detection figures: the seed rules over a 400-channel year (backfill), and the daily job over
 * 10,000 and 100,000 channels from a Parquet lake through DuckDB. Each scenario runs in its own
 * process so its peak memory is its own. Run with `npm run bench` (or `node bench/detect.ts`).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeChannelCsv, writeChannelLake } from '#shared/adapters/duckdb/lake-writer.ts';
import { openDuckDbMetrics } from '#shared/adapters/duckdb/metrics-source.ts';
import { parseCrmGuardConfig } from '#shared/config/crm-guard-config.ts';
import { judgeFindings, policyHistoryDays, policyLookbackDays } from '#shared/domain/alert-policy/index.ts';
import { configLookbackDays, runRules } from '#shared/domain/rules/index.ts';
import type { ProfileName } from '#shared/domain/run-record.ts';
import { buildChannelMetrics } from '#shared/domain/series.ts';
import type { FindingStore } from '#shared/ports/finding-store.ts';
import { generateSample } from '#shared/sample/generate.ts';
import { addDays } from '#shared/time/seoul.ts';
import { detectDay } from '#shared/use-cases/detect-day.ts';

export interface DetectFigure {
  scenario: string;
  channelDays: number;
  seconds: number;
  computeSeconds: number;
  channelDaysPerSecond: number;
  peakRssMb: number;
  findings: number;
  alerts: number;
}

const END_DAY = '2026-10-31';
const config = parseCrmGuardConfig({});
const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;
const peakRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);

/** The findings store is not what is measured here: an in-memory one keeps dynalite's speed out of it. */
function memoryStore(): FindingStore {
  return {
    replaceDay: async () => {},
    findings: async () => [],
    run: async () => undefined,
    claimDigest: async () => false,
    releaseDigest: async () => {},
  };
}

async function backfillYear(profile: ProfileName): Promise<DetectFigure> {
  const sample = generateSample({ channels: 400, days: 365, seed: 7, endDay: END_DAY });
  const range = { from: sample.from, to: sample.to };
  const start = process.hrtime.bigint();
  const metrics = buildChannelMetrics(sample.columns);
  const ruleRun = runRules(metrics, range, config.detection);
  const judged = judgeFindings({ profile, metrics, ruleRun, range, config: config.alertPolicy });
  const elapsed = seconds(start);
  return {
    scenario: `backfill 400 channels x 365 days (${profile})`,
    channelDays: 400 * 365,
    seconds: elapsed,
    computeSeconds: elapsed,
    channelDaysPerSecond: (400 * 365) / elapsed,
    peakRssMb: peakRssMb(),
    findings: judged.length,
    alerts: judged.filter((finding) => finding.alert).length,
  };
}

/** Days in the daily-run lakes: more than the 98 days the `default` profile reads. */
const LAKE_DAYS = 110;

/** A lake of `channels` x LAKE_DAYS days, written once and kept in the temp folder between bench runs. */
async function lakeFor(channels: number): Promise<string> {
  const dir = join(tmpdir(), `crm-guard-bench-lake-${channels}x${LAKE_DAYS}`);
  if (!existsSync(join(dir, 'crm_channel_daily'))) {
    const sample = generateSample({
      channels,
      days: LAKE_DAYS,
      seed: 11,
      endDay: END_DAY,
      incidentRate: 0.6,
    });
    await writeChannelLake(dir, sample.columns);
  }
  return dir;
}

async function dailyRun(channels: number, profile: ProfileName): Promise<DetectFigure> {
  const lake = await lakeFor(channels);
  const metrics = await openDuckDbMetrics({ input: lake });
  const start = process.hrtime.bigint();
  const result = await detectDay(
    { day: END_DAY, profile, config },
    { metrics, store: memoryStore(), alerts: { publish: async () => {} } },
  );
  const elapsed = seconds(start);
  await metrics.close();
  // The run's own peak: the compute-alone pass below reads the days again in this process.
  const runPeakRssMb = peakRssMb();
  // Compute alone: the same rules and policy over the same days, already in memory.
  const memoryDays = profile === 'default' ? policyLookbackDays(config.alertPolicy) : 0;
  const judgeFrom = addDays(END_DAY, -memoryDays);
  const historyDays = Math.max(
    configLookbackDays(config.detection),
    profile === 'default' ? policyHistoryDays(config.alertPolicy, { from: judgeFrom, to: END_DAY }) : 0,
  );
  const columns = await (async () => {
    const again = await openDuckDbMetrics({ input: lake });
    try {
      return await again.readChannelDays({ from: addDays(judgeFrom, -historyDays), to: END_DAY });
    } finally {
      await again.close();
    }
  })();
  const computeStart = process.hrtime.bigint();
  const series = buildChannelMetrics(columns);
  const ruleRun = runRules(series, { from: judgeFrom, to: END_DAY }, config.detection);
  judgeFindings({
    profile,
    metrics: series,
    ruleRun,
    range: { from: END_DAY, to: END_DAY },
    config: config.alertPolicy,
  });
  const computeSeconds = seconds(computeStart);
  return {
    scenario: `daily run ${channels.toLocaleString('en-US')} channels (${profile}), DuckDB lake`,
    channelDays: channels,
    seconds: elapsed,
    computeSeconds,
    channelDaysPerSecond: columns.channel.length / elapsed,
    peakRssMb: runPeakRssMb,
    findings: result.findings.length,
    alerts: result.run.alerts,
  };
}

/** The whole `crm-guard backfill` process over the 400-channel year as one CSV file: start to exit. */
async function backfillProcess(): Promise<DetectFigure> {
  const csv = join(tmpdir(), 'crm-guard-bench-400x365.csv');
  const sample = generateSample({ channels: 400, days: 365, seed: 7, endDay: END_DAY });
  if (!existsSync(csv)) await writeChannelCsv(csv, sample.columns);
  const out = join(tmpdir(), 'crm-guard-bench-backfill.jsonl');
  const cli = fileURLToPath(new URL('../bin/crm-guard.js', import.meta.url));
  const start = process.hrtime.bigint();
  execFileSync(process.execPath, [
    cli,
    'backfill',
    '--input',
    csv,
    '--from',
    sample.from,
    '--to',
    sample.to,
    '--out',
    out,
  ]);
  const elapsed = seconds(start);
  const lines = readFileSync(out, 'utf8').split('\n').filter(Boolean);
  return {
    scenario: 'backfill process, 400 channels x 365 days from CSV (default), start to exit',
    channelDays: 400 * 365,
    seconds: elapsed,
    computeSeconds: Number.NaN,
    channelDaysPerSecond: (400 * 365) / elapsed,
    peakRssMb: Number.NaN,
    findings: lines.length,
    alerts: lines.filter((line) => line.includes('"alert":true')).length,
  };
}

const SCENARIOS: Record<string, () => Promise<DetectFigure>> = {
  'backfill-seed': () => backfillYear('seed'),
  'backfill-default': () => backfillYear('default'),
  'backfill-process': () => backfillProcess(),
  'daily-10k': () => dailyRun(10_000, 'seed'),
  'daily-100k': () => dailyRun(100_000, 'seed'),
  'daily-100k-default': () => dailyRun(100_000, 'default'),
};

/** Runs every scenario in a child process and returns their figures. */
export function runDetectBench(names = Object.keys(SCENARIOS)): DetectFigure[] {
  const self = fileURLToPath(import.meta.url);
  // The lakes are written first, in processes of their own, so no scenario's peak memory includes them.
  for (const channels of [10_000, 100_000])
    execFileSync(process.execPath, [self, '--prepare', String(channels)]);
  return names.map((name) => {
    const out = execFileSync(process.execPath, [self, '--scenario', name], {
      encoding: 'utf8',
      maxBuffer: 1 << 24,
    });
    return JSON.parse(out.trim().split('\n').at(-1)!) as DetectFigure;
  });
}

export function printDetectFigures(figures: DetectFigure[]): void {
  console.log(
    `\nDetection (daily runs read the days each profile needs from a ${LAKE_DAYS}-day Parquet lake through DuckDB; findings store in memory)`,
  );
  console.table(
    figures.map((f) => ({
      scenario: f.scenario,
      'wall s': f.seconds.toFixed(2),
      // A whole process has no compute apart from its wall time, and its peak memory is not ours.
      'compute s': Number.isFinite(f.computeSeconds) ? f.computeSeconds.toFixed(2) : '-',
      'channel-days/s': Math.round(f.channelDaysPerSecond).toLocaleString('en-US'),
      'peak RSS MB': Number.isFinite(f.peakRssMb) ? f.peakRssMb : '-',
      findings: f.findings,
      alerts: f.alerts,
    })),
  );
}

const scenarioIndex = process.argv.indexOf('--scenario');
const prepareIndex = process.argv.indexOf('--prepare');
if (prepareIndex > 0) {
  await lakeFor(Number(process.argv[prepareIndex + 1]));
} else if (scenarioIndex > 0) {
  const name = process.argv[scenarioIndex + 1]!;
  const figure = await SCENARIOS[name]!();
  console.log(JSON.stringify(figure));
} else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  printDetectFigures(runDetectBench());
}
