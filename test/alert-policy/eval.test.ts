import { describe, expect, it } from 'vitest';
import { REALISTIC_MIX } from '#shared/sample/generate.ts';
import { runBenchmark } from '../../bench/eval/benchmark.ts';

// A labeled benchmark (4 seeds x 120 channels x 200 days, a partly arrived day in each), scored as the
// spec says, held to the goal: recall >= 0.95 on regular channels, at most 5 false alerts per 1,000.
describe('alert policy on a small labeled benchmark', () => {
  it('finds the incidents of regular channels and stays quiet otherwise', () => {
    // Prepare / Act
    const runs = [5, 6, 8, 9].map((seed) =>
      runBenchmark({ channels: 120, days: 200, seed, endDay: '2026-10-31', partialDays: ['2026-09-01'] }),
    );
    // Assess
    const sum = (pick: (r: (typeof runs)[number]) => number) => runs.reduce((s, r) => s + pick(r), 0);
    const incidents = sum((r) => Object.values(r.scores.default.regular).reduce((s, c) => s + c.total, 0));
    const found = sum((r) => Object.values(r.scores.default.regular).reduce((s, c) => s + c.found, 0));
    const channelDays = sum((r) => r.scores.default.channelDays);
    const falsePerThousand = (1000 * sum((r) => r.scores.default.falseAlerts)) / channelDays;
    const seedFalsePerThousand = (1000 * sum((r) => r.scores.seed.falseAlerts)) / channelDays;
    expect(incidents).toBeGreaterThanOrEqual(90);
    expect(found / incidents).toBeGreaterThanOrEqual(0.95);
    expect(falsePerThousand).toBeLessThanOrEqual(5);
    // The policy's own baseline pages where the rules were silent (an outage the rules missed).
    expect(runs.some((r) => r.judged.default.some((f) => f.alert && f.rule === 'baseline'))).toBe(true);
    expect(runs.every((r) => r.judged.seed.every((f) => f.rule !== 'baseline'))).toBe(true);
    // The seed rules page on a large share of channel-days; the policy pages on a handful.
    expect(seedFalsePerThousand).toBeGreaterThan(25 * falsePerThousand);
    // Nothing pages on the partly arrived day as a drop.
    for (const run of runs)
      expect(
        run.judged.default.filter((f) => f.alert && f.date === '2026-09-01' && f.direction === 'down'),
      ).toEqual([]);
  });
});

// The realistic fleet (partial outages, holidays that move each channel differently, scheduled campaigns,
// billing peaks, noisy and low-volume channels, planned changes, paused channels) on seeds no tuning used:
// held to what the policy reaches there, so a change that loses ground fails here before the eval.
describe('alert policy on a small realistic fleet', () => {
  it('finds most incidents of regular and scheduled channels and stays quiet otherwise', () => {
    // Prepare / Act
    const runs = [5, 6, 8, 9].map((seed) =>
      runBenchmark({
        channels: 160,
        days: 240,
        seed,
        endDay: '2026-10-31',
        partialDays: ['2026-09-01'],
        families: REALISTIC_MIX,
      }),
    );
    // Assess
    const tally = { regular: { found: 0, total: 0 }, scheduled: { found: 0, total: 0 } };
    let falseAlerts = 0;
    let channelDays = 0;
    for (const run of runs) {
      for (const { incident, found } of run.scores.default.outcomes) {
        if (incident.family === 'bursty') continue;
        const cell = incident.family === 'scheduled' ? tally.scheduled : tally.regular;
        cell.total++;
        if (found) cell.found++;
      }
      falseAlerts += run.scores.default.falseAlerts;
      channelDays += run.scores.default.channelDays;
    }
    expect(tally.regular.total).toBeGreaterThanOrEqual(150);
    expect(tally.regular.found / tally.regular.total).toBeGreaterThanOrEqual(0.9);
    expect(tally.scheduled.found / tally.scheduled.total).toBeGreaterThanOrEqual(0.75);
    expect((1000 * falseAlerts) / channelDays).toBeLessThanOrEqual(5);
  });
});
