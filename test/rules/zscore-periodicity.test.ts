import { describe, expect, it } from 'vitest';
import { PeriodicityWindow } from '#shared/domain/rules/periodicity.ts';
import { runChannel } from './fixtures.ts';

/** Alternating 90/110 for 28 days: mean 100, sample sd sqrt(2800 / 27); lag-7 pairs are opposite (r7 = -0.75). */
const ALTERNATING = Array.from({ length: 28 }, (_, k) => (k % 2 === 0 ? 90 : 110));
const SD = Math.sqrt(2800 / 27);
const zFindings = (values: number[], config?: unknown) =>
  runChannel({ values, clickRate: 0, config }).findings.filter(
    (f) => f.rule === 'zscore' && f.metric === 'sends',
  );

function r7Of(values: number[], minDays = values.length): number {
  const window = new PeriodicityWindow();
  window.reset(values.length, 7);
  const series = Float64Array.from(values);
  for (let i = 0; i < values.length; i++) window.slide(series, i, 0);
  return window.r7(minDays);
}

describe('rule 0: lag-7 autocorrelation', () => {
  it('is 1/2 on two identical weeks, 2/3 on three (pairs / all days)', () => {
    // Prepare: deviations from m = 4 are -3..3, sum of squares 28 a week.
    const week = [1, 2, 3, 4, 5, 6, 7];

    // Act / Assess: num = 28 per pair-week, den = 28 per week.
    expect(r7Of([...week, ...week])).toBeCloseTo(0.5, 12);
    expect(r7Of([...week, ...week, ...week])).toBeCloseTo(2 / 3, 12);
  });

  it('is 0 on a constant window (zero denominator) and on a window shorter than minDays', () => {
    // Prepare / Act / Assess
    expect(r7Of(Array(28).fill(500))).toBe(0);
    expect(r7Of([1, 2, 3, 4, 5, 6, 7, 1, 2, 3, 4, 5, 6, 7], 28)).toBe(0);
  });

  it('skips a late day: its pairs and its deviation leave both sums', () => {
    // Prepare: three weeks with the last day late; the expected value straight from the formula.
    const values = [1, 2, 3, 4, 5, 6, 7, 1, 2, 3, 4, 5, 6, 7, 1, 2, 3, 4, 5, 6, Number.NaN];
    const present = values.filter((v) => !Number.isNaN(v));
    const m = present.reduce((a, b) => a + b, 0) / present.length;
    let num = 0;
    for (let i = 0; i + 7 < values.length; i++)
      if (!Number.isNaN(values[i + 7])) num += (values[i]! - m) * (values[i + 7]! - m);
    const den = present.reduce((a, v) => a + (v - m) ** 2, 0);

    // Act / Assess
    expect(r7Of(values, 20)).toBeCloseTo(num / den, 12);
  });
});

describe('rule 2: z-score on a non-periodic metric', () => {
  it('flags |z| > 2 with bounds mean +/- 2 sd', () => {
    // Prepare: z(121) = 21 / 10.18 = 2.06; z(120) = 1.96.
    const hit = zFindings([...ALTERNATING, 121]);
    const miss = zFindings([...ALTERNATING, 120]);

    // Assess
    expect(miss).toEqual([]);
    expect(hit).toHaveLength(1);
    expect(hit[0]).toMatchObject({ status: 'confirmed', direction: 'up', actual: 121, expected: 100 });
    expect(hit[0]!.lower).toBeCloseTo(100 - 2 * SD, 9);
    expect(hit[0]!.upper).toBeCloseTo(100 + 2 * SD, 9);
    expect(hit[0]!.detail!.z).toBeCloseTo(21 / SD, 9);
    expect(hit[0]!.detail!.r7).toBeCloseTo(-0.75, 12);
  });

  it('flags a drop below mean - 2 sd as down', () => {
    // Prepare / Act
    const [finding] = zFindings([...ALTERNATING, 79]);

    // Assess
    expect(finding).toMatchObject({ direction: 'down', actual: 79 });
    expect(finding!.detail!.z).toBeCloseTo(-21 / SD, 9);
  });

  it('with sd = 0, flags exactly when the value differs from the mean', () => {
    // Prepare: 28 days of exactly 100 (also r7 = 0: a constant is not periodic).
    const flat = Array(28).fill(100);

    // Act
    const same = zFindings([...flat, 100]);
    const [moved] = zFindings([...flat, 101]);

    // Assess: no z can be written; the band is the mean itself.
    expect(same).toEqual([]);
    expect(moved).toMatchObject({ direction: 'up', actual: 101, expected: 100, lower: 100, upper: 100 });
    expect(moved!.detail).not.toHaveProperty('z');
    expect(moved!.detail!.sd).toBe(0);
  });

  it('leaves a late day out of the window: mean and sd over the 27 days present', () => {
    // Prepare: day 27 (a 110) never arrived; 14 x 90 + 13 x 110 remain.
    const present = ALTERNATING.filter((_, k) => k !== 27);
    const mean = present.reduce((a, b) => a + b, 0) / 27;
    const sd = Math.sqrt(present.reduce((a, v) => a + (v - mean) ** 2, 0) / 26);

    // Act
    const [finding] = runChannel({ values: [...ALTERNATING, 125], clickRate: 0, late: [27] }).findings.filter(
      (f) => f.rule === 'zscore' && f.metric === 'sends',
    );

    // Assess
    expect(finding!.expected).toBeCloseTo(mean, 9);
    expect(finding!.detail!.sd).toBeCloseTo(sd, 9);
    expect(finding!.detail!.days).toBe(27);
  });

  it('uses the configured threshold, per channel', () => {
    // Prepare: the same day under a channel override that raises the threshold to 2.5.
    const config = { channels: { c1: { zscore: { threshold: 2.5 } } } };

    // Act / Assess
    expect(zFindings([...ALTERNATING, 121], config)).toEqual([]);
    expect(zFindings([...ALTERNATING, 130], config)).toHaveLength(1);
  });
});
