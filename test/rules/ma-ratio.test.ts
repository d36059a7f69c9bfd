import { describe, expect, it } from 'vitest';
import { runChannel, weeks } from './fixtures.ts';

/** A weekly channel: Monday 100 ... Sunday 700. Eight weeks of it give r7 = 7/8 (49 of 56 days pair up). */
const WEEK = [100, 200, 300, 400, 500, 600, 700];
const sendsFindings = (values: Array<number | null>, extra: { late?: number[]; config?: unknown } = {}) =>
  runChannel({ values, ...extra }).findings.filter((f) => f.rule === 'ma_ratio' && f.metric === 'sends');

describe('rule 1: moving-average ratio on a periodic metric (same-weekday baseline)', () => {
  it('confirms a drop that is out of range in all three windows, against the 21-day baseline', () => {
    // Prepare: 8 weeks, then a Monday of 50 where every same-weekday baseline is 100.
    const values = [...weeks(WEEK, 8), 50];

    // Act
    const [finding, ...rest] = sendsFindings(values);

    // Assess: ratio 0.5 in every window; bounds 0.7 * 100 .. 1.3 * 100.
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({
      date: '2026-03-02',
      status: 'confirmed',
      direction: 'down',
      actual: 50,
      expected: 100,
      lower: 70,
      upper: 130,
    });
    expect(finding!.detail).toMatchObject({ ratio7: 0.5, ratio14: 0.5, ratio21: 0.5, windowsOut: 3 });
    expect(finding!.detail!.r7).toBeCloseTo(7 / 8, 12);
  });

  it('treats the band edges 0.7 and 1.3 as in range', () => {
    // Prepare / Act
    const atEdges = [70, 130].map((x) => sendsFindings([...weeks(WEEK, 8), x]));
    const beyond = [69, 131].map((x) => sendsFindings([...weeks(WEEK, 8), x]));

    // Assess
    expect(atEdges).toEqual([[], []]);
    expect(beyond.map((f) => [f[0]!.status, f[0]!.direction])).toEqual([
      ['confirmed', 'down'],
      ['confirmed', 'up'],
    ]);
  });

  it('records a candidate when only some windows are out, with the bounds of the widest window that is', () => {
    // Prepare: last Monday was 40, so b7 = 40 (60/40 = 1.5, out), b14 = 70 (0.857), b21 = 80 (0.75).
    const values = [...weeks(WEEK, 7), 40, ...WEEK.slice(1), 60];

    // Act
    const [finding] = sendsFindings(values);

    // Assess
    expect(finding).toMatchObject({ status: 'candidate', direction: 'up', actual: 60, expected: 40 });
    expect(finding!.lower).toBeCloseTo(28, 12);
    expect(finding!.upper).toBeCloseTo(52, 12);
    expect(finding!.detail).toMatchObject({ ratio7: 1.5, baseline14: 70, baseline21: 80, windowsOut: 1 });
    expect(finding!.detail!.r7).toBeGreaterThan(0.5);
  });

  it('with a zero baseline, is out of range exactly when the value is above 0', () => {
    // Prepare: Mondays send nothing.
    const quietMondays = [0, ...WEEK.slice(1)];

    // Act
    const [sent] = sendsFindings([...weeks(quietMondays, 8), 5]);
    const none = sendsFindings([...weeks(quietMondays, 8), 0]);

    // Assess: no ratio can be written (x / 0), the baselines are in detail.
    expect(none).toEqual([]);
    expect(sent).toMatchObject({
      status: 'confirmed',
      direction: 'up',
      actual: 5,
      expected: 0,
      lower: 0,
      upper: 0,
    });
    expect(sent!.detail).toMatchObject({ baseline7: 0, baseline14: 0, baseline21: 0, windowsOut: 3 });
    expect(sent!.detail).not.toHaveProperty('ratio7');
  });

  it('judges an outage (no row on a day that arrived) as zero sends', () => {
    // Prepare: the channel has no row on the 57th day; the beacon channel has one.
    const values = [...weeks(WEEK, 8), null];

    // Act
    const { findings, run } = runChannel({ values });

    // Assess
    expect(run.lateDays).toEqual([]);
    expect(findings.find((f) => f.rule === 'ma_ratio' && f.metric === 'sends')).toMatchObject({
      status: 'confirmed',
      direction: 'down',
      actual: 0,
      expected: 100,
    });
  });

  it('leaves a late same-weekday day out: that window cannot vote, so the day is at most a candidate', () => {
    // Prepare: the data of t-7 never arrived; t is 50 against Mondays of 100.
    const values = [...weeks(WEEK, 8), 50];

    // Act
    const [finding] = sendsFindings(values, { late: [49] });

    // Assess
    expect(finding).toMatchObject({ status: 'candidate', direction: 'down', expected: 100 });
    expect(finding!.detail).toMatchObject({ windowsOut: 2, baseline14: 100, baseline21: 100 });
    expect(finding!.detail).not.toHaveProperty('baseline7');
  });

  it('with the all-days option, compares against the plain trailing mean (and pages an ordinary Monday)', () => {
    // Prepare: an ordinary Monday of 100; the plain 7/14/21-day means are all 400.
    const values = [...weeks(WEEK, 8), 100];

    // Act
    const sameWeekday = sendsFindings(values);
    const [allDays] = sendsFindings(values, { config: { rules: { ma: { baseline: 'all-days' } } } });

    // Assess
    expect(sameWeekday).toEqual([]);
    expect(allDays).toMatchObject({
      status: 'confirmed',
      direction: 'down',
      expected: 400,
      lower: 280,
      upper: 520,
    });
    expect(allDays!.detail).toMatchObject({ ratio7: 0.25, ratio14: 0.25, ratio21: 0.25 });
  });
});
