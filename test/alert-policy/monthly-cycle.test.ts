import { describe, expect, it } from 'vitest';
import { mixSeed, Random } from '#shared/sample/random.ts';
import { type IsoDay, weekdayOfDayNumber } from '#shared/time/seoul.ts';
import { buildMetrics, judge, pagedDays, weekly } from './fixtures.ts';

const FROM = '2026-01-05';
const TO = '2026-06-30';
const COMPANION = { channelId: 'alimtalk_0900', sends: weekly(3_000, 900) };

/** Weekdays `level`, weekends a quarter of it, a little noise; `times` multiplies the days it names. */
const quietWeekends =
  (level: number, seed: number, times: Record<IsoDay, number>) => (day: IsoDay, dayNo: number) => {
    const random = new Random(mixSeed(seed, dayNo));
    const weekend = weekdayOfDayNumber(dayNo) % 6 === 0 ? 0.25 : 1;
    return Math.round(level * weekend * (times[day] ?? 1) * random.lognormalFactor(0.05));
  };

describe('monthly cycles', () => {
  it("holds a peak like the month before's and the one before that", () => {
    // Prepare: a billing notice run on the first working day from the 10th, five times an ordinary weekday.
    const runDay = (day: IsoDay, dayNo: number) => {
      const date = Number(day.slice(8));
      const weekday = weekdayOfDayNumber(dayNo);
      return (date === 10 && weekday % 6 !== 0) || (weekday === 1 && (date === 11 || date === 12));
    };
    const ordinary = quietWeekends(2_000, 1, {});
    const sends = (day: IsoDay, dayNo: number) => ordinary(day, dayNo) * (runDay(day, dayNo) ? 5 : 1);
    const metrics = buildMetrics([{ channelId: 'alimtalk_0001', sends }, COMPANION], FROM, TO);

    // Act
    const { judged } = judge(metrics, { from: '2026-05-01', to: TO });

    // Assess
    expect(pagedDays(judged, 'alimtalk_0001')).toEqual([]);
    expect(
      judged.some(
        (f) => f.channelId === 'alimtalk_0001' && f.date === '2026-06-10' && f.code === 'monthly_cycle',
      ),
    ).toBe(true);
  });

  it("pages a Sunday at four times its usual, though it only reaches a weekday's sends and weekdays rose a little a month and two before", () => {
    // Prepare
    const sends = quietWeekends(2_000, 2, { '2026-04-22': 1.45, '2026-05-20': 1.45, '2026-06-21': 4 });
    const metrics = buildMetrics([{ channelId: 'push_0002', sends }, COMPANION], FROM, TO);

    // Act
    const { judged } = judge(metrics, { from: '2026-06-01', to: TO });

    // Assess
    expect(pagedDays(judged, 'push_0002')).toEqual(['2026-06-21']);
  });
});
