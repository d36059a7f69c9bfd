/**
 * Weekly report build time over a realistic lake: 400 channels x 365 days of the labeled sample,
 * the registry of those channels, the week's incidents as paging findings, the report day's rule 5
 * findings as detection stores them (the ranking's one source) and 40 recorded changes.
 * Prints the figures; `npx node bench/report.ts` runs it alone.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { writeChannelCsv } from '#shared/adapters/duckdb/lake-writer.ts';
import { openDuckDbMetrics } from '#shared/adapters/duckdb/metrics-source.ts';
import { createFolderReportWriter } from '#shared/adapters/report-files/local.ts';
import { DEFAULT_DETECTION_CONFIG } from '#shared/config/detection-config.ts';
import type { JudgedFinding } from '#shared/domain/finding.ts';
import type { RegistrySnapshot } from '#shared/domain/registry.ts';
import { runRules } from '#shared/domain/rules/index.ts';
import type { RunRecord } from '#shared/domain/run-record.ts';
import { buildChannelMetrics } from '#shared/domain/series.ts';
import type { ChannelRegistry } from '#shared/ports/channel-registry.ts';
import type { FindingStore } from '#shared/ports/finding-store.ts';
import type { MetricsSource } from '#shared/ports/metrics-source.ts';
import { generateSample } from '#shared/sample/generate.ts';
import { addDays, dayNumber, daysInRange } from '#shared/time/seoul.ts';
import { buildReport } from '#shared/use-cases/build-report.ts';

export interface ReportBenchFigures {
  channels: number;
  days: number;
  rows: number;
  /** Read + assemble + render + write, metrics already in memory. */
  inMemoryMs: number;
  /** The same with DuckDB opening and reading the year's CSV lake, as `crm-guard report --input` does. */
  duckDbMs: number;
  htmlBytes: number;
  incidents: number;
  lowPerformers: number;
}

export async function runReportBench(
  options: { channels?: number; days?: number } = {},
): Promise<ReportBenchFigures> {
  const channels = options.channels ?? 400;
  const days = options.days ?? 365;
  const sample = generateSample({ channels, days });
  const day = sample.to;
  const weekFrom = addDays(day, -6);
  const findings: JudgedFinding[] = sample.incidents
    .filter((incident) => incident.to >= weekFrom && incident.from <= day)
    .flatMap((incident) =>
      daysInRange(
        incident.from < weekFrom ? weekFrom : incident.from,
        incident.to > day ? day : incident.to,
      ).map(
        (date): JudgedFinding => ({
          date,
          channelId: incident.channelId,
          channelType: 'alimtalk',
          rule: incident.type === 'ctr_drop' ? 'robust_ratio' : 'ma_ratio',
          metric: incident.type === 'ctr_drop' ? 'ctr' : 'sends',
          status: 'confirmed',
          direction: incident.factor < 1 ? 'down' : 'up',
          actual: 0,
          expected: 1,
          lower: 0.7,
          upper: 1.3,
          alert: true,
          severity: 'high',
          code: 'deviation',
        }),
      ),
    );
  // Rule 5 on the report day, as the daily run stores it (never paging).
  const ranking = runRules(
    buildChannelMetrics(sample.columns),
    { from: day, to: day },
    DEFAULT_DETECTION_CONFIG,
  );
  for (const finding of ranking.findings)
    if (finding.rule === 'low_performer')
      findings.push({ ...finding, alert: false, severity: 'info', code: 'low_performer' });
  const run: RunRecord = {
    day,
    profile: 'default',
    startedAt: `${day}T00:00:00.000Z`,
    finishedAt: `${day}T00:00:05.000Z`,
    channelsJudged: channels,
    findings: findings.length,
    alerts: 0,
    insufficientHistory: [],
    missingDays: [],
    partialData: false,
  };
  const stamp = { updatedAt: '2026-01-01T00:00:00.000Z', updatedBy: 'bench' };
  const snapshot: RegistrySnapshot = {
    channels: sample.channels.map((c) => ({
      channelId: c.channelId,
      name: c.name,
      category: c.category,
      owner: c.owner,
      status: c.endDay < day ? 'retired' : 'active',
      ...stamp,
    })),
    reviews: sample.channels
      .filter((_, i) => i % 7 === 0)
      .map((c) => ({
        channelId: c.channelId,
        at: `${addDays(day, -20)}T01:00:00.000Z`,
        decision: 'keep',
        note: 'bench',
        by: c.owner,
      })),
    changes: sample.channels
      .filter((_, i) => i % 10 === 0)
      .map((c, i) => ({
        channelId: c.channelId,
        day: addDays(day, -(i % 60)),
        what: 'copy',
        at: '',
        by: c.owner,
      })),
    mutes: [],
  };
  const registry: ChannelRegistry = {
    snapshot: async () => snapshot,
    get: async () => undefined,
    upsert: async () => {},
    recordReview: async () => {
      throw new Error('read only');
    },
    recordChange: async () => {
      throw new Error('read only');
    },
    history: async () => [],
    mute: async () => {},
    unmute: async () => false,
  };
  const store: FindingStore = {
    replaceDay: async () => {},
    findings: async (range) => findings.filter((f) => f.date >= range.from && f.date <= range.to),
    run: async (d) => (d === day ? run : undefined),
    claimDigest: async () => true,
    releaseDigest: async () => {},
  };
  const columns = sample.columns;
  const inMemory: MetricsSource = {
    async readChannelDays(range) {
      // Slice the year to the days asked for, as the engines do.
      const from = dayNumber(range.from);
      const to = dayNumber(range.to);
      const keep: number[] = [];
      const seenBefore = new Uint8Array(columns.channelIds.length);
      for (let row = 0; row < columns.day.length; row++) {
        const d = columns.day[row]!;
        if (d >= from && d <= to) keep.push(row);
        else if (d < from) seenBefore[columns.channel[row]!] = 1;
      }
      const pick = <T extends Int32Array | Float64Array>(source: T, make: (n: number) => T) => {
        const out = make(keep.length);
        keep.forEach((row, i) => {
          out[i] = source[row]!;
        });
        return out;
      };
      return {
        fromDay: from,
        toDay: to,
        channelIds: columns.channelIds,
        channelTypes: columns.channelTypes,
        seenBefore,
        channel: pick(columns.channel, (n) => new Int32Array(n)),
        day: pick(columns.day, (n) => new Int32Array(n)),
        sends: pick(columns.sends, (n) => new Float64Array(n)),
        clicks: pick(columns.clicks, (n) => new Float64Array(n)),
      };
    },
    latestDay: async () => day,
    earliestDay: async () => sample.from,
    async *readEngagement() {},
    close: async () => {},
  };

  const dir = mkdtempSync(join(tmpdir(), 'crm-guard-report-bench-'));
  try {
    const lake = join(dir, 'lake.csv');
    await writeChannelCsv(lake, columns);
    const writer = createFolderReportWriter(join(dir, 'reports'));

    let started = performance.now();
    const result = await buildReport(
      { metrics: inMemory, findings: store, registry, writer },
      { day, locale: 'ko' },
    );
    const inMemoryMs = performance.now() - started;

    started = performance.now();
    const duck = await openDuckDbMetrics({ input: lake });
    try {
      await buildReport({ metrics: duck, findings: store, registry, writer }, { day, locale: 'ko' });
    } finally {
      await duck.close();
    }
    const duckDbMs = performance.now() - started;

    return {
      channels,
      days,
      rows: columns.day.length,
      inMemoryMs,
      duckDbMs,
      htmlBytes: statSync(result.location).size,
      incidents: result.report.incidents.length,
      lowPerformers: result.report.lowPerformers.length,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const figures = await runReportBench();
  console.log(
    [
      `report bench: ${figures.channels} channels x ${figures.days} days (${figures.rows.toLocaleString('en-US')} rows)`,
      `  build from memory:        ${figures.inMemoryMs.toFixed(0)} ms`,
      `  build from DuckDB (CSV):  ${figures.duckDbMs.toFixed(0)} ms   (goal: under 5,000 ms)`,
      `  HTML ${(figures.htmlBytes / 1024).toFixed(0)} KiB, ${figures.incidents} incidents, ${figures.lowPerformers} low performers`,
    ].join('\n'),
  );
}
