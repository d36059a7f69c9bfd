import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detectionConfigSchema } from '#shared/config/detection-config.ts';
import type { Finding } from '#shared/domain/finding.ts';
import {
  type DetectionConfig,
  type RuleConfigOverride,
  resolveRuleConfig,
} from '#shared/domain/rules/config.ts';
import { runRules } from '#shared/domain/rules/index.ts';
import { dayNumber, isoDay } from '#shared/time/seoul.ts';
import { prng, toMetrics } from './fixtures.ts';
import { findingKey, type Row, referenceRun } from './reference.ts';

/** Short windows so a ~100-day series exercises every rule; the default set needs longer series. */
const SHORT: RuleConfigOverride = {
  minHistoryDays: 14,
  minSendsForRatio: 50,
  periodicity: { window: 28, minDays: 14 },
  zscore: { window: 14 },
  robust: { window: 14, minDays: 7 },
  decline: { window: 10, days: 3, ctrMinDays: 5 },
  lowPerformer: { days: 3, minSends: 200 },
};
const PRESETS: Record<string, RuleConfigOverride> = {
  default: {},
  short: SHORT,
  shortAllDays: { ...SHORT, ma: { baseline: 'all-days', windows: [3, 7, 10] } },
  shortTight: {
    ...SHORT,
    ma: { lower: 0.9, upper: 1.1 },
    zscore: { window: 14, threshold: 1 },
    robust: { ...SHORT.robust, rz: 1 },
  },
};

type Kind = 'weekly' | 'flat' | 'noise' | 'tiny' | 'decline';

interface Scenario {
  seed: number;
  length: number;
  channels: Array<{
    kind: Kind;
    startOffset: number;
    seenBefore: boolean;
    outageRate: number;
    flatCtr: boolean;
  }>;
  missingRate: number;
  judgeFrom: number;
  judgeSpan: number;
  preset: string;
  overridePreset: string;
}

const scenario = fc.record<Scenario>({
  seed: fc.integer(),
  length: fc.integer({ min: 20, max: 110 }),
  channels: fc.array(
    fc.record({
      kind: fc.constantFrom<Kind>('weekly', 'flat', 'noise', 'tiny', 'decline'),
      startOffset: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 60 })),
      seenBefore: fc.boolean(),
      outageRate: fc.constantFrom(0, 0, 0.05, 0.3),
      flatCtr: fc.boolean(),
    }),
    { minLength: 1, maxLength: 3 },
  ),
  missingRate: fc.constantFrom(0, 0, 0.03, 0.15),
  judgeFrom: fc.integer({ min: 0, max: 100 }),
  judgeSpan: fc.integer({ min: 0, max: 60 }),
  preset: fc.constantFrom(...Object.keys(PRESETS)),
  overridePreset: fc.constantFrom(...Object.keys(PRESETS)),
});

const DAY0 = dayNumber('2026-01-05');

function generate(s: Scenario) {
  const random = prng(s.seed);
  const loaded = { from: DAY0, to: DAY0 + s.length - 1 };
  const missing = new Set<number>();
  for (let d = loaded.from; d <= loaded.to; d++) if (random() < s.missingRate) missing.add(d);
  const rows: Row[] = [];
  const seenBefore = new Set<string>();
  s.channels.forEach((channel, c) => {
    const channelId = `ch${c}`;
    const start = loaded.from + Math.min(channel.startOffset, s.length - 1);
    if (channel.seenBefore && start === loaded.from) seenBefore.add(channelId);
    const base = channel.kind === 'tiny' ? 120 : 200 + Math.floor(random() * 3000);
    const rate = 0.005 + random() * 0.1;
    for (let d = start; d <= loaded.to; d++) {
      if (missing.has(d) || random() < channel.outageRate) continue;
      const k = d - start;
      let sends: number;
      if (channel.kind === 'weekly')
        sends = base * (1 + 0.6 * Math.sin((2 * Math.PI * d) / 7)) + random() * base * 0.2;
      else if (channel.kind === 'flat') sends = base;
      else if (channel.kind === 'tiny') sends = random() * base;
      else if (channel.kind === 'decline')
        sends = base * (k > s.length / 2 ? 0.9 ** (k - s.length / 2) : 1) * (0.98 + random() * 0.04);
      else sends = random() * base;
      if (random() < 0.04) sends *= 3;
      sends = Math.round(sends);
      const dayRate = channel.flatCtr ? rate : rate * (0.7 + random() * 0.6);
      rows.push({ channelId, day: d, sends, clicks: Math.min(sends, Math.round(sends * dayRate)) });
    }
  });
  const judged = { from: loaded.from + Math.min(s.judgeFrom, s.length - 1), to: 0 };
  judged.to = Math.min(judged.from + s.judgeSpan, loaded.to + 2);
  const config: DetectionConfig = detectionConfigSchema.parse({
    rules: PRESETS[s.preset],
    channels: { ch1: PRESETS[s.overridePreset] },
  });
  return { rows, seenBefore, loaded, judged, config };
}

function close(a: number, b: number): boolean {
  return a === b || Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

/** Same findings in the same order; a finding only one side has must sit on a threshold (borderline). */
function compare(fast: Finding[], reference: Finding[], borderline: Set<string>): string[] {
  const problems: string[] = [];
  const fastKeys = fast.map(findingKey);
  const referenceKeys = reference.map(findingKey);
  const inFast = new Set(fastKeys);
  const inReference = new Set(referenceKeys);
  const shared = fastKeys.filter((k) => inReference.has(k));
  if (shared.join('\n') !== referenceKeys.filter((k) => inFast.has(k)).join('\n'))
    problems.push('order differs');
  for (const k of fastKeys) if (!inReference.has(k) && !borderline.has(k)) problems.push(`only fast: ${k}`);
  for (const k of referenceKeys)
    if (!inFast.has(k) && !borderline.has(k)) problems.push(`only reference: ${k}`);
  const byKey = new Map(reference.map((f) => [findingKey(f), f]));
  for (const f of fast) {
    const r = byKey.get(findingKey(f));
    if (!r) continue;
    if (f.status !== r.status || f.direction !== r.direction)
      problems.push(`${findingKey(f)} status/direction`);
    for (const field of ['actual', 'expected', 'lower', 'upper'] as const)
      if (!close(f[field], r[field])) problems.push(`${findingKey(f)} ${field} ${f[field]} vs ${r[field]}`);
    const keys = new Set([...Object.keys(f.detail ?? {}), ...Object.keys(r.detail ?? {})]);
    for (const key of keys)
      if (!close(f.detail?.[key] ?? Number.NaN, r.detail?.[key] ?? Number.NaN))
        problems.push(`${findingKey(f)} detail.${key} ${f.detail?.[key]} vs ${r.detail?.[key]}`);
  }
  return problems;
}

describe('runRules single pass', () => {
  it('equals a naive per-day recomputation of the spec on random series with zeros, outages and late days', () => {
    let findingsSeen = 0;
    fc.assert(
      fc.property(scenario, (s) => {
        // Prepare
        const { rows, seenBefore, loaded, judged, config } = generate(s);
        if (rows.length === 0) return;
        const metrics = toMetrics(rows, loaded, seenBefore);
        const range = { from: isoDay(judged.from), to: isoDay(judged.to) };

        // Act
        const fast = runRules(metrics, range, config);
        const slow = referenceRun(rows, seenBefore, loaded, judged, (id) => resolveRuleConfig(config, id));

        // Assess
        findingsSeen += fast.findings.length;
        expect(compare(fast.findings, slow.findings, slow.borderline)).toEqual([]);
        expect(fast.judgedChannelDays).toBe(slow.judgedChannelDays);
        expect(fast.lateDays).toEqual(slow.lateDays);
        expect([...fast.insufficientHistory]).toEqual([...slow.insufficient]);
      }),
      { numRuns: 150, seed: 20261122 },
    );
    // The generator must actually reach the rules, or the comparison proves nothing.
    expect(findingsSeen).toBeGreaterThan(100);
  });

  it('finds each rule at least once across the generated scenarios (the comparison covers every rule)', () => {
    // Prepare
    const rulesSeen = new Set<string>();
    const samples = fc.sample(scenario, { numRuns: 150, seed: 20261122 });

    // Act
    for (const s of samples) {
      const { rows, seenBefore, loaded, judged, config } = generate(s);
      if (rows.length === 0) continue;
      const run = runRules(
        toMetrics(rows, loaded, seenBefore),
        { from: isoDay(judged.from), to: isoDay(judged.to) },
        config,
      );
      for (const f of run.findings) rulesSeen.add(`${f.rule}/${f.metric}/${f.status}`);
    }

    // Assess
    expect([...rulesSeen].sort()).toEqual(
      expect.arrayContaining([
        'decline/ctr/confirmed',
        'decline/sends/confirmed',
        'low_performer/ctr/confirmed',
        'ma_ratio/clicks/candidate',
        'ma_ratio/sends/candidate',
        'ma_ratio/sends/confirmed',
        'robust_ratio/ctr/confirmed',
        'zscore/clicks/confirmed',
        'zscore/sends/confirmed',
      ]),
    );
  });
});
