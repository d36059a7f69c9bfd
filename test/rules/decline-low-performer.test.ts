import { describe, expect, it } from 'vitest';
import { runChannel } from './fixtures.ts';

const rule = (name: string, metric: string) => (f: { rule: string; metric: string }) =>
  f.rule === name && f.metric === metric;
const flat = (n: number, value: number | [number, number]) => Array.from({ length: n }, () => value);

describe('rule 4: sustained decline', () => {
  it('fires on the 5th day in a row below 0.95 of the trailing 30-day mean', () => {
    // Prepare: 30 days of 1,000, then 900s. On day 34 the window holds 26 x 1000 + 4 x 900: mean 986.67.
    const values = [...flat(30, 1000), ...flat(5, 900)];

    // Act
    const { findings } = runChannel({ values, judge: [33, 34] });

    // Assess: nothing on the 4th day, one finding on the 5th.
    const declines = findings.filter(rule('decline', 'sends'));
    expect(declines.map((f) => f.date)).toEqual(['2026-02-08']);
    const mean = (26 * 1000 + 4 * 900) / 30;
    expect(declines[0]).toMatchObject({ status: 'confirmed', direction: 'down', actual: 900, upper: mean });
    expect(declines[0]!.expected).toBeCloseTo(mean, 9);
    expect(declines[0]!.lower).toBeCloseTo(0.95 * mean, 9);
    expect(declines[0]!.detail).toMatchObject({ daysBelow: 5 });
  });

  it('does not count a day exactly at 0.95 of the mean as below', () => {
    // Prepare: 30 x 100, then 95 (= 0.95 x 100, not below) and four 94s.
    const tie = [...flat(30, 100), 95, 94, 94, 94, 94];
    const below = [...flat(30, 100), 94, 94, 94, 94, 94];

    // Act / Assess
    expect(runChannel({ values: tie }).findings.filter(rule('decline', 'sends'))).toEqual([]);
    expect(runChannel({ values: below }).findings.filter(rule('decline', 'sends'))).toHaveLength(1);
  });

  it('needs the 30-day window inside the series', () => {
    // Prepare: 29 days of 1000 then five 900s: day 29 has only 29 days before it.
    const values = [...flat(29, 1000), ...flat(5, 900)];

    // Act / Assess: the streak starts on day 30 and is 4 long on the last day.
    expect(runChannel({ values }).findings.filter(rule('decline', 'sends'))).toEqual([]);
  });

  it('on ctr, needs 20 defined days in the window', () => {
    // Prepare: days 0-10 under 100 sends (CTR undefined), 11-29 at 5%, then 4% from day 30.
    // Day 30's window (days 0-29) has 19 defined days: not below; the streak starts on day 31.
    const values = [...flat(11, [99, 5] as [number, number]), ...flat(19, [1000, 50] as [number, number])];
    const dropping = [...values, ...flat(6, [1000, 40] as [number, number])];

    // Act
    const { findings } = runChannel({ values: dropping, judge: [34, 35] });

    // Assess
    const declines = findings.filter(rule('decline', 'ctr'));
    expect(declines.map((f) => f.date)).toEqual(['2026-02-09']);
    expect(declines[0]).toMatchObject({ actual: 0.04, detail: expect.objectContaining({ daysBelow: 5 }) });
  });
});

describe('rule 5: low performer', () => {
  it('reports 7 days with >= 1,000 sends and ctr < 3%, even without 28 days of history', () => {
    // Prepare: 7 days of 200 sends and 5 clicks: S7 = 1400, K7 = 35, ctr 0.025.
    const values = flat(7, [200, 5] as [number, number]);

    // Act
    const { findings, run } = runChannel({ values });

    // Assess
    expect(run.insufficientHistory.get('2026-01-11')).toEqual(['beacon', 'c1']);
    expect(findings).toEqual([
      expect.objectContaining({
        rule: 'low_performer',
        metric: 'ctr',
        status: 'confirmed',
        direction: 'down',
        actual: 0.025,
        expected: 0.03,
        lower: 0,
        upper: 0.03,
        detail: { sends: 1400, clicks: 35, days: 7 },
      }),
    ]);
  });

  it('includes exactly 1,000 sends, excludes a ctr of exactly 3%, and needs all 7 days in the series', () => {
    // Prepare
    const thousand = [...flat(6, [143, 4] as [number, number]), [142, 5] as [number, number]];
    const nineNinetyNine = [...flat(6, [143, 4] as [number, number]), [141, 5] as [number, number]];
    const atThreePercent = flat(7, [1000, 30] as [number, number]);
    const sixDays = flat(6, [1000, 1] as [number, number]);

    // Act
    const hits = [thousand, nineNinetyNine, atThreePercent, sixDays].map(
      (values) => runChannel({ values }).findings.filter(rule('low_performer', 'ctr')).length,
    );

    // Assess
    expect(hits).toEqual([1, 0, 0, 0]);
  });

  it('does not judge over a week with a late day', () => {
    // Prepare: a clear low performer whose 3rd day never arrived.
    const values = flat(8, [1000, 1] as [number, number]);

    // Act
    const late = runChannel({ values, late: [3] });
    const onTime = runChannel({ values });

    // Assess
    expect(late.findings.filter(rule('low_performer', 'ctr'))).toEqual([]);
    expect(onTime.findings.filter(rule('low_performer', 'ctr'))).toHaveLength(1);
  });
});
