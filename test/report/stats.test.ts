import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareProportions, erfc, twoSidedP } from '#shared/report/stats.ts';

describe('compareProportions', () => {
  it("matches the seed's rent-refund example worked out by hand (3.79% -> 5.08%, +34%)", () => {
    // Prepare: seed project 4, daily averages before and after the popup change.
    const before = { n: 31_246, k: 1_183 };
    const after = { n: 33_530, k: 1_702 };

    // Act
    const result = compareProportions(before, after);

    // Assess: by hand, p1 = 1183/31246 = 0.0378608, p2 = 1702/33530 = 0.0507605,
    // pooled p = 2885/64776 = 0.0445381, SE = sqrt(p(1-p)(1/31246 + 1/33530)) = 0.00162206,
    // z = 0.0128997 / 0.00162206 = 7.9527, p = erfc(7.9527 / sqrt 2) = 1.83e-15;
    // Wald SE = sqrt(p1 q1/n1 + p2 q2/n2) = 0.00161356 -> 0.0129 +- 0.0031626;
    // log ratio ln(1.340713) = 0.293202, SE = sqrt(q1/k1 + q2/k2) = 0.0370273 -> exp(.. +- 0.072573) - 1.
    expect(result.before).toBeCloseTo(0.0378608, 6);
    expect(result.after).toBeCloseTo(0.0507605, 6);
    expect(result.relativeLift).toBeCloseTo(0.340713, 5);
    expect(result.difference).toBeCloseTo(0.0128997, 6);
    expect(result.z).toBeCloseTo(7.95267, 4);
    expect(result.pValue).toBeGreaterThan(1.82e-15);
    expect(result.pValue).toBeLessThan(1.83e-15);
    expect(result.differenceCi[0]).toBeCloseTo(0.0097376, 6);
    expect(result.differenceCi[1]).toBeCloseTo(0.0160618, 6);
    expect(result.relativeLiftCi[0]).toBeCloseTo(0.246861, 5);
    expect(result.relativeLiftCi[1]).toBeCloseTo(0.441629, 5);
  });

  it('gives a non-significant result for a small sample (30/1000 vs 45/1000)', () => {
    // Prepare / Act
    const result = compareProportions({ n: 1000, k: 30 }, { n: 1000, k: 45 });

    // Assess: pooled p = 0.0375, SE = sqrt(.0375 * .9625 * .002) = 0.0084963, z = 0.015 / SE = 1.76547,
    // p = 0.077485; lift +50% with CI (-4.70%, +136.09%) straddling zero.
    expect(result.z).toBeCloseTo(1.76547, 4);
    expect(result.pValue).toBeCloseTo(0.077485, 5);
    expect(result.relativeLift).toBeCloseTo(0.5, 10);
    expect(result.differenceCi[0]).toBeCloseTo(-0.0016395, 6);
    expect(result.differenceCi[1]).toBeCloseTo(0.0316395, 6);
    expect(result.relativeLiftCi[0]).toBeCloseTo(-0.046972, 5);
    expect(result.relativeLiftCi[1]).toBeCloseTo(1.360896, 5);
  });

  it('marks what cannot be computed instead of inventing it', () => {
    // Prepare / Act: no clicks at all in either window.
    const result = compareProportions({ n: 500, k: 0 }, { n: 500, k: 0 });

    // Assess
    expect(result.z).toBeNaN();
    expect(result.pValue).toBeNaN();
    expect(result.relativeLift).toBeNaN();
    expect(() => compareProportions({ n: 0, k: 0 }, { n: 10, k: 1 })).toThrow(/n > 0/);
  });
});

describe('normal tail', () => {
  it('agrees with tabulated values', () => {
    // Assess: erfc(0) = 1, erfc(1) = 0.157299207, two-sided p of 1.959964 = 0.05.
    expect(erfc(0)).toBeCloseTo(1, 7);
    expect(erfc(1)).toBeCloseTo(0.157299207, 7);
    expect(erfc(-1)).toBeCloseTo(1.842700793, 7);
    expect(twoSidedP(1.959963984540054)).toBeCloseTo(0.05, 7);
  });
});

describe('compareProportions, for any counts', () => {
  it('keeps the estimates inside their intervals and the p-value in [0, 1], symmetric in the windows', () => {
    const counts = fc
      .tuple(fc.integer({ min: 1, max: 1_000_000 }), fc.double({ min: 0.001, max: 0.999, noNaN: true }))
      .map(([n, rate]) => ({ n, k: Math.max(1, Math.min(n - 1, Math.round(n * rate))) }))
      .filter(({ n, k }) => k >= 1 && k < n);
    fc.assert(
      fc.property(counts, counts, (before, after) => {
        // Act
        const forward = compareProportions(before, after);
        const backward = compareProportions(after, before);

        // Assess
        expect(forward.pValue).toBeGreaterThanOrEqual(0);
        expect(forward.pValue).toBeLessThanOrEqual(1);
        expect(forward.pValue).toBeCloseTo(backward.pValue, 9);
        expect(forward.differenceCi[0]).toBeLessThanOrEqual(forward.difference + 1e-12);
        expect(forward.differenceCi[1]).toBeGreaterThanOrEqual(forward.difference - 1e-12);
        expect(forward.relativeLiftCi[0]).toBeLessThanOrEqual(forward.relativeLift + 1e-9);
        expect(forward.relativeLiftCi[1]).toBeGreaterThanOrEqual(forward.relativeLift - 1e-9);
      }),
      { numRuns: 300, seed: 5 },
    );
  });
});
