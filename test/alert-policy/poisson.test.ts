import { describe, expect, it } from 'vitest';
import { poissonLowerTail, poissonUpperTail } from '#shared/domain/alert-policy/poisson.ts';

describe('Poisson tails for small counts', () => {
  it('match hand-computed values', () => {
    // Assess: sums of e^-m m^j / j! (checked in exact arithmetic)
    expect(poissonLowerTail(0, 10)).toBeCloseTo(4.539993e-5, 10);
    expect(poissonLowerTail(3, 7)).toBeCloseTo(0.0817654, 6);
    expect(poissonLowerTail(70, 100)).toBeCloseTo(9.71444e-4, 8);
    expect(poissonUpperTail(30, 10) / 2.5099512e-7).toBeCloseTo(1, 6);
    expect(poissonUpperTail(53, 11) / 7.657163e-20).toBeCloseTo(1, 6);
  });

  it('answers at the edges without looping: far tails, zero means, no evidence', () => {
    // Assess
    expect(poissonUpperTail(10_000, 3)).toBe(0);
    expect(poissonUpperTail(0, 5)).toBe(1);
    expect(poissonLowerTail(5, 0)).toBe(1);
    expect(poissonLowerTail(Number.NaN, 5)).toBe(1);
    expect(poissonUpperTail(4, Number.NaN)).toBe(1);
  });
});
