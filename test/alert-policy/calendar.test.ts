import { describe, expect, it } from 'vitest';
import { DEFAULT_ALERT_POLICY_CONFIG } from '#shared/config/alert-policy-config.ts';
import { calendarKindOf } from '#shared/domain/alert-policy/calendar.ts';
import { dayNumber, type IsoDay } from '#shared/time/seoul.ts';
import { buildMetrics, judge, pagedDays, weekly } from './fixtures.ts';

const kindOf = (day: IsoDay) => calendarKindOf(dayNumber(day), DEFAULT_ALERT_POLICY_CONFIG.holidays);

describe('the calendar kinds of Korean days', () => {
  it('names holidays, Seollal/Chuseok breaks, bridge, catch-up and run-up days, checked on a calendar', () => {
    // Assess: Chuseok 2025 ran Fri Oct 3 (개천절) .. Thu Oct 9 (한글날), the weekend inside it.
    expect(kindOf('2025-10-02')).toBe('before-major');
    expect(kindOf('2025-10-03')).toBe('major');
    expect(kindOf('2025-10-04')).toBe('before-major');
    expect(kindOf('2025-10-05')).toBe('major-weekend');
    expect(kindOf('2025-10-06')).toBe('major');
    expect(kindOf('2025-10-09')).toBe('major');
    // Friday between Hangul Day and the weekend.
    expect(kindOf('2025-10-10')).toBe('bridge');
    // After Sat 23, Sun 24 (Buddha's birthday) and Mon 25 (its substitute) off.
    expect(kindOf('2026-05-26')).toBe('catch-up');
    // The local election and a substitute holiday are holidays.
    expect(kindOf('2026-06-03')).toBe('holiday');
    expect(kindOf('2026-03-02')).toBe('holiday');
    // Memorial Day 2026 falls on a Saturday.
    expect(kindOf('2026-06-06')).toBe('holiday-weekend');
    expect(kindOf('2026-06-10')).toBeUndefined();
  });
});

// A year with Seollal 2026 (Feb 16-18) and the June holidays: what channels do on them is learned.
const FROM = '2025-11-03';
const TO = '2026-06-30';
const SEOLLAL = ['2026-02-16', '2026-02-17', '2026-02-18'];
const isSeollal = (day: IsoDay) => SEOLLAL.includes(day);
/** Marketing pushes: a third of their sends on Seollal, half on other holidays. */
const marketing = (level: number, seed: number) => {
  const base = weekly(level, seed);
  return (day: IsoDay, dayNo: number) => {
    const kind = kindOf(day);
    const factor = isSeollal(day) ? 1 / 3 : kind === 'holiday' || kind === 'holiday-weekend' ? 0.5 : 1;
    return Math.round(base(day, dayNo) * factor);
  };
};
const peers = [1, 2, 3, 4].map((k) => ({ channelId: `push_000${k}`, sends: marketing(8_000 * k, k) }));

describe('calendar effects: each channel judged by what it and its peers do on such days', () => {
  it('holds the Seollal and holiday dips the channels always show', () => {
    // Prepare
    const metrics = buildMetrics(peers, FROM, TO);

    // Act
    const { judged } = judge(metrics, { from: '2026-02-01', to: TO });

    // Assess
    expect(judged.filter((f) => f.alert)).toEqual([]);
    const seollalSends = judged.filter((f) => isSeollal(f.date) && f.metric === 'sends');
    expect(seollalSends.length).toBeGreaterThan(0);
    expect(seollalSends.every((f) => f.code === 'holiday_expected')).toBe(true);
  });

  it('pages a partial outage on a holiday: the dip is only the part the history explains', () => {
    // Prepare: push_0001 keeps 10% of its holiday sends on the local election day (June 3).
    const outage = (day: IsoDay, dayNo: number) =>
      day === '2026-06-03' ? Math.round(peers[0]!.sends(day, dayNo) * 0.1) : peers[0]!.sends(day, dayNo);
    const metrics = buildMetrics([{ channelId: 'push_0001', sends: outage }, ...peers.slice(1)], FROM, TO);

    // Act
    const { judged } = judge(metrics, { from: '2026-05-01', to: TO });

    // Assess
    expect(pagedDays(judged, 'push_0001')).toEqual(['2026-06-03']);
    expect(judged.filter((f) => f.alert && f.channelId !== 'push_0001')).toEqual([]);
  });

  it('pages a channel that drops on Seollal when neither it nor its peers ever did', () => {
    // Prepare: steady transactional alimtalk that barely moves on holidays; one of them halves on Seollal.
    const steady = [1, 2, 3, 4].map((k) => ({
      channelId: `alimtalk_000${k}`,
      sends: weekly(5_000 * k, 10 + k),
    }));
    const halving = (day: IsoDay, dayNo: number) =>
      isSeollal(day) ? Math.round(steady[0]!.sends(day, dayNo) / 2) : steady[0]!.sends(day, dayNo);
    const metrics = buildMetrics(
      [{ channelId: 'alimtalk_0001', sends: halving }, ...steady.slice(1)],
      FROM,
      TO,
    );

    // Act
    const { judged } = judge(metrics, { from: '2026-02-01', to: '2026-03-31' });

    // Assess: the first day has only the cautious prior; by the second, the peers say "no dip".
    const paged = pagedDays(judged, 'alimtalk_0001');
    expect(paged.length).toBeGreaterThan(0);
    expect(paged.every((day) => isSeollal(day))).toBe(true);
    expect(judged.filter((f) => f.alert && f.channelId !== 'alimtalk_0001')).toEqual([]);
  });
});
