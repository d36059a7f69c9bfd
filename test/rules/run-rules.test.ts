import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DETECTION_CONFIG, detectionConfigSchema } from '#shared/config/detection-config.ts';
import { judgeChannel, runRules } from '#shared/domain/rules/index.ts';
import { isoDay } from '#shared/time/seoul.ts';
import { channelRows, DAY0, prng, runChannel, toMetrics, weeks } from './fixtures.ts';
import type { Row } from './reference.ts';

const RULE_ORDER = ['ma_ratio', 'zscore', 'robust_ratio', 'decline', 'low_performer'];
const METRIC_ORDER = ['sends', 'clicks', 'ctr'];

describe('runRules: history, late data, order', () => {
  it('judges a channel with exactly 28 days of history and reports one with 27 as insufficient', () => {
    // Prepare: 'old' starts 28 days before t, 'young' 27; both drop to 0 on t.
    const t = DAY0 + 28;
    const rows = [
      ...channelRows('old', DAY0, [...Array(28).fill(1000), 0]),
      ...channelRows('young', DAY0 + 1, [...Array(27).fill(1000), 0]),
    ];

    // Act
    const run = runRules(
      toMetrics(rows, { from: DAY0, to: t }),
      { from: isoDay(t), to: isoDay(t) },
      DEFAULT_DETECTION_CONFIG,
    );

    // Assess
    expect(run.judgedChannelDays).toBe(1);
    expect(run.insufficientHistory).toEqual(new Map([['2026-02-02', ['young']]]));
    expect(new Set(run.findings.map((f) => f.channelId))).toEqual(new Set(['old']));
    expect(run.findings.map((f) => `${f.rule}/${f.metric}`)).toContain('zscore/sends');
  });

  it('does not judge a late day for anyone, and reports it (also a day past the data loaded)', () => {
    // Prepare: 9 weeks; the day after 8 weeks is late, its next day arrives; the run asks one day too far.
    const values = [...weeks([100, 200, 300, 400, 500, 600, 700], 8), 5, 5];

    // Act
    const { run, findings } = runChannel({ values, late: [56], judge: [56, 58] });

    // Assess
    expect(run.lateDays).toEqual(['2026-03-02', '2026-03-04']);
    expect([...run.insufficientHistory.keys()]).toEqual(['2026-03-03']);
    expect(run.judgedChannelDays).toBe(2);
    expect(new Set(findings.map((f) => f.date))).toEqual(new Set(['2026-03-03']));
  });

  it('orders findings by date, channel, rule and metric', () => {
    // Prepare: three noisy channels over 60 days, listed out of order.
    const random = prng(7);
    const rows: Row[] = [];
    for (const channelId of ['zz', 'aa', 'mm'])
      for (let k = 0; k < 90; k++) {
        const sends = Math.round(50 + random() * 2000 * (k % 7 === 0 ? 3 : 1));
        rows.push({ channelId, day: DAY0 + k, sends, clicks: Math.round(sends * random() * 0.08) });
      }

    // Act
    const run = runRules(
      toMetrics(rows, { from: DAY0, to: DAY0 + 89 }),
      { from: isoDay(DAY0 + 56), to: isoDay(DAY0 + 89) },
      DEFAULT_DETECTION_CONFIG,
    );

    // Assess
    const keys = run.findings.map((f) => [
      f.date,
      f.channelId,
      RULE_ORDER.indexOf(f.rule),
      METRIC_ORDER.indexOf(f.metric),
    ]);
    const sorted = [...keys].sort((a, b) => {
      for (let k = 0; k < 4; k++) if (a[k] !== b[k]) return a[k]! < b[k]! ? -1 : 1;
      return 0;
    });
    expect(run.findings.length).toBeGreaterThan(10);
    expect(keys).toEqual(sorted);
  });

  it('refuses a range that starts before the metrics or ends before it starts', () => {
    // Prepare
    const metrics = toMetrics(channelRows('a', DAY0, [1, 2, 3]), { from: DAY0, to: DAY0 + 2 });

    // Act / Assess
    expect(() =>
      runRules(metrics, { from: isoDay(DAY0 - 1), to: isoDay(DAY0) }, DEFAULT_DETECTION_CONFIG),
    ).toThrow(RangeError);
    expect(() =>
      runRules(metrics, { from: isoDay(DAY0 + 2), to: isoDay(DAY0 + 1) }, DEFAULT_DETECTION_CONFIG),
    ).toThrow(RangeError);
  });

  it('judges one day the same whether it is the whole run or the last day of a backfill', () => {
    // Prepare: noisy channel with a level drop; judge the last day alone and as part of 60 days.
    const random = prng(11);
    const values = Array.from({ length: 150 }, (_, k) =>
      Math.round((k > 140 ? 300 : 1000) * (0.8 + random() * 0.4)),
    );
    const rows = channelRows('a', DAY0, values, 0.02);
    const metrics = toMetrics(rows, { from: DAY0, to: DAY0 + 149 });
    const last = isoDay(DAY0 + 149);

    // Act
    const alone = runRules(metrics, { from: last, to: last }, DEFAULT_DETECTION_CONFIG).findings;
    const backfill = runRules(
      metrics,
      { from: isoDay(DAY0 + 90), to: last },
      DEFAULT_DETECTION_CONFIG,
    ).findings;

    // Assess
    expect(alone.length).toBeGreaterThan(0);
    expect(backfill.filter((f) => f.date === last)).toEqual(alone);
  });
});

describe('runRules: properties', () => {
  const series = fc.record({
    seed: fc.integer(),
    length: fc.integer({ min: 35, max: 100 }),
    base: fc.integer({ min: 0, max: 100_000 }),
    weekly: fc.boolean(),
  });

  it('ratio rules are unchanged when sends and clicks are scaled by a power of two', () => {
    fc.assert(
      fc.property(series, fc.constantFrom(2, 4, 1024), ({ seed, length, base, weekly }, scale) => {
        // Prepare: CTR defined on every day with sends, so scaling cannot change which days have one.
        const random = prng(seed);
        const sends = Array.from({ length }, (_, k) =>
          Math.round(base * (weekly && k % 7 < 2 ? 0.3 : 1) * (0.5 + random())),
        );
        const pairs = sends.map((s): [number, number] => [s, Math.round(s * random() * 0.1)]);
        const config = detectionConfigSchema.parse({ rules: { minSendsForRatio: 1 } });
        const from = isoDay(DAY0 + 28);
        const to = isoDay(DAY0 + length - 1);
        const run = (k: number) =>
          runRules(
            toMetrics(
              channelRows(
                'a',
                DAY0,
                pairs.map(([s, c]) => [s * k, c * k]),
              ),
              { from: DAY0, to: DAY0 + length - 1 },
            ),
            { from, to },
            config,
          ).findings.filter((f) => f.rule !== 'low_performer');
        const key = (f: { date: string; rule: string; metric: string; status: string; direction: string }) =>
          `${f.date} ${f.rule} ${f.metric} ${f.status} ${f.direction}`;

        // Act
        const original = run(1);
        const scaled = run(scale);

        // Assess
        expect(scaled.map(key)).toEqual(original.map(key));
      }),
      { numRuns: 60, seed: 42 },
    );
  });

  it('a constant series gives rules 1-4 nothing to find once history is there', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 5_000_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 28, max: 120 }),
        (sends, rate, length) => {
          // Prepare
          const clicks = Math.floor(sends * rate);
          const values = Array.from({ length: length + 1 }, (): [number, number] => [sends, clicks]);
          const metrics = toMetrics(channelRows('a', DAY0, values), { from: DAY0, to: DAY0 + length });

          // Act
          const run = runRules(
            metrics,
            { from: isoDay(DAY0 + 28), to: isoDay(DAY0 + length) },
            DEFAULT_DETECTION_CONFIG,
          );

          // Assess
          expect(run.findings.filter((f) => f.rule !== 'low_performer')).toEqual([]);
          expect(run.judgedChannelDays).toBe(length - 27);
        },
      ),
      { numRuns: 60, seed: 42 },
    );
  });

  it('judgeChannel reports judged and insufficient days of one channel', () => {
    // Prepare: a 40-day series judged on days 20..39.
    const metrics = toMetrics(channelRows('a', DAY0, Array(40).fill(500)), { from: DAY0, to: DAY0 + 39 });

    // Act
    const out: never[] = [];
    const judgement = judgeChannel(
      metrics.channels[0]!,
      DAY0 + 20,
      DAY0 + 39,
      DEFAULT_DETECTION_CONFIG.rules,
      out,
    );

    // Assess: days 20..27 lack 28 days of history; 28..39 are judged.
    expect(judgement.insufficientDays).toEqual(Array.from({ length: 8 }, (_, k) => DAY0 + 20 + k));
    expect(judgement.judgedDays).toBe(12);
    expect(out).toEqual([]);
  });
});
