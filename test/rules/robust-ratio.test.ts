import { describe, expect, it } from 'vitest';
import { runChannel } from './fixtures.ts';

/** [sends, clicks] days. 8 days under 100 sends (CTR undefined) pad the series to 28 days of history. */
const PAD: Array<[number, number]> = Array.from({ length: 8 }, () => [50, 40]);
/** 20 days of 1,000 sends and 40..59 clicks: CTR 0.040 .. 0.059. */
const SPREAD: Array<[number, number]> = Array.from({ length: 20 }, (_, k) => [1000, 40 + k]);
const robust = (values: Array<[number, number]>) =>
  runChannel({ values }).findings.filter((f) => f.rule === 'robust_ratio');

describe('rule 3: robust z + percentile band on ctr', () => {
  // Worked by hand over the 20 defined days: median 0.0495; |v - median| = 0.0005, 0.0005, 0.0015, ...
  // so MAD = (0.0045 + 0.0055) / 2 = 0.005; P5: h = 19 * 0.05 = 0.95 -> 0.040 + 0.95 * 0.001 = 0.04095;
  // P95: h = 18.05 -> 0.058 + 0.05 * 0.001 = 0.05805.
  it('is an anomaly when both votes flag', () => {
    // Prepare: ctr 0.080: rz = 0.6745 * 0.0305 / 0.005 = 4.114 and above P95.
    const [finding, ...rest] = robust([...PAD, ...SPREAD, [1000, 80]]);

    // Assess
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ metric: 'ctr', status: 'confirmed', direction: 'up', actual: 0.08 });
    expect(finding!.expected).toBeCloseTo(0.0495, 12);
    expect(finding!.lower).toBeCloseTo(0.04095, 12);
    expect(finding!.upper).toBeCloseTo(0.05805, 12);
    expect(finding!.detail!.rz).toBeCloseTo((0.6745 * 0.0305) / 0.005, 9);
    expect(finding!.detail!.mad).toBeCloseTo(0.005, 12);
    expect(finding!.detail).toMatchObject({ days: 20 });
    expect(finding!.detail!.p5).toBeCloseTo(0.04095, 12);
    expect(finding!.detail!.p95).toBeCloseTo(0.05805, 12);
  });

  it('is nothing when only the percentile band flags (rz = 2.77)', () => {
    // Prepare / Act / Assess: ctr 0.070 is above P95 but rz = 0.6745 * 0.0205 / 0.005.
    expect(robust([...PAD, ...SPREAD, [1000, 70]])).toEqual([]);
  });

  it('does not judge with fewer than 14 defined days, nor a day under 100 sends', () => {
    // Prepare: 15 padding days and 13 defined days; or a last day of 99 sends with 99 clicks.
    const thin = [...PAD, ...PAD.slice(0, 7), ...SPREAD.slice(0, 13), [1000, 500] as [number, number]];
    const lowVolume = [...PAD, ...SPREAD, [99, 99] as [number, number]];

    // Act / Assess
    expect(robust(thin)).toEqual([]);
    expect(robust(lowVolume)).toEqual([]);
  });

  it('with MAD = 0, uses the mean absolute deviation (meanAD = 0.001 here)', () => {
    // Prepare: 18 days at 0.05 and 2 at 0.06: median 0.05, MAD 0, meanAD = 0.02 / 20; P5 = 0.05.
    const history: Array<[number, number]> = [
      ...Array.from({ length: 18 }, (): [number, number] => [1000, 50]),
      [1000, 60],
      [1000, 60],
    ];

    // Act: 0.045 -> (0.045 - 0.05) / (1.253314 * 0.001) = -3.99, and below P5.
    const [finding] = robust([...PAD, ...history, [1000, 45]]);

    // Assess
    expect(finding).toMatchObject({ direction: 'down', actual: 0.045, expected: 0.05, lower: 0.05 });
    expect(finding!.detail!.mad).toBe(0);
    expect(finding!.detail!.meanAD).toBeCloseTo(0.001, 12);
    expect(finding!.detail!.rz).toBeCloseTo(-0.005 / (1.253314 * 0.001), 6);
  });

  it('with MAD = 0 and meanAD = 0, flags exactly when ctr differs from the median', () => {
    // Prepare: 20 days all at 0.05: the band is [0.05, 0.05].
    const flat = Array.from({ length: 20 }, (): [number, number] => [1000, 50]);

    // Act
    const same = robust([...PAD, ...flat, [1000, 50]]);
    const [moved] = robust([...PAD, ...flat, [1000, 51]]);

    // Assess
    expect(same).toEqual([]);
    expect(moved).toMatchObject({ direction: 'up', actual: 0.051, expected: 0.05, lower: 0.05, upper: 0.05 });
    expect(moved!.detail).not.toHaveProperty('rz');
  });
});
