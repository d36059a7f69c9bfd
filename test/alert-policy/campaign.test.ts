import { describe, expect, it } from 'vitest';
import { learnSchedule } from '#shared/domain/alert-policy/campaign-profile.ts';
import { statedDirection } from '#shared/domain/finding.ts';
import { parseSchedule, scheduledOn, scheduleText } from '#shared/domain/schedule.ts';
import { mixSeed, Random } from '#shared/sample/random.ts';
import { dayNumber, type IsoDay, weekdayOfDayNumber } from '#shared/time/seoul.ts';
import { buildMetrics, judge, pagedDays, weekly } from './fixtures.ts';

const FROM = '2026-01-05';
const TO = '2026-06-30';
const COMPANION = { channelId: 'alimtalk_0900', sends: weekly(3_000, 900) };
const LEARN = { minAgreement: 0.9, maxEveryDays: 42 };

/** Campaigns of 0.7-1.3 x `size` on the schedule's days, a trickle of 1% on the others. */
const campaigns = (schedule: string, size: number, seed: number) => {
  const on = parseSchedule(schedule);
  return (_day: IsoDay, dayNo: number) => {
    const random = new Random(mixSeed(seed, dayNo));
    return Math.round(size * (scheduledOn(on, dayNo) ? random.uniform(0.7, 1.3) : 0.01));
  };
};

describe('campaign schedules learned from a channel history', () => {
  it.each(['tue', 'mon,thu', 'monthly:5,20', 'every:14:2026-01-07:3'])('learns %s', (text) => {
    // Prepare
    const schedule = parseSchedule(text);
    const sent = (dayNo: number) => scheduledOn(schedule, dayNo);

    // Act
    const learned = learnSchedule(sent, dayNumber('2026-02-02'), dayNumber('2026-04-26'), LEARN);

    // Assess: the same days, whatever the anchor a cycle is written with.
    expect(learned).toBeDefined();
    for (let d = dayNumber('2026-05-01'); d <= dayNumber('2026-08-31'); d++)
      expect(scheduledOn(learned!, d), `${scheduleText(learned!)} on day ${d}`).toBe(sent(d));
  });

  it('finds no schedule in campaigns at no fixed rhythm', () => {
    // Prepare
    const random = new Random(42);
    const days = new Map<number, boolean>();
    const sent = (dayNo: number) => {
      if (!days.has(dayNo)) days.set(dayNo, random.chance(0.2));
      return days.get(dayNo)!;
    };

    // Act / Assess
    expect(learnSchedule(sent, dayNumber('2026-02-02'), dayNumber('2026-04-26'), LEARN)).toBeUndefined();
  });
});

describe('campaign channels judged against their own campaigns', () => {
  it('pages a scheduled day without its sends, and a CTR collapse on a campaign day', () => {
    // Prepare: a fortnightly promotion; on May 27 (a campaign day) it sends 20%, on June 11 its CTR falls to a quarter.
    const base = campaigns('every:14:2026-01-07:3', 40_000, 5);
    const sends = (day: IsoDay, dayNo: number) =>
      Math.round(base(day, dayNo) * (day === '2026-05-27' ? 0.2 : 1));
    const metrics = buildMetrics(
      [{ channelId: 'push_0005', sends, ctr: (day) => (day === '2026-06-11' ? 0.0125 : 0.05) }, COMPANION],
      FROM,
      TO,
    );

    // Act
    const { judged } = judge(metrics, { from: '2026-04-01', to: TO });

    // Assess
    expect(pagedDays(judged, 'push_0005')).toEqual(['2026-05-27', '2026-06-11']);
    expect(judged.find((f) => f.alert && f.date === '2026-05-27')!.code).toBe('campaign_missed');
    expect(judged.find((f) => f.alert && f.date === '2026-06-11')!.metric).toBe('ctr');
  });

  it('pages the day its sends between campaigns stop dead, not a trickle too small for a zero to be beyond chance', () => {
    // Prepare: fortnightly promotions over a trickle of 1% a day; on May 20 (between campaigns) nothing
    // goes out. A second channel's trickle is about 3 a day, and it sends nothing on May 20 too.
    const zeroOn = (size: number, seed: number) => {
      const base = campaigns('every:14:2026-01-07:3', size, seed);
      return (day: IsoDay, dayNo: number) => (day === '2026-05-20' ? 0 : base(day, dayNo));
    };
    const metrics = buildMetrics(
      [
        { channelId: 'push_0010', sends: zeroOn(40_000, 10) },
        { channelId: 'push_0011', sends: zeroOn(300, 11) },
        COMPANION,
      ],
      FROM,
      TO,
    );

    // Act
    const { judged } = judge(metrics, { from: '2026-04-01', to: TO });

    // Assess
    expect(pagedDays(judged, 'push_0010')).toEqual(['2026-05-20']);
    expect(judged.find((f) => f.alert && f.channelId === 'push_0010')!.code).toBe('silent');
    expect(pagedDays(judged, 'push_0011')).toEqual([]);
  });

  it('judges a scheduled day without its sends against its campaigns, not the sends between them', () => {
    // Prepare: May 27 is a campaign day of the fortnightly schedule, and nothing at all goes out.
    const base = campaigns('every:14:2026-01-07:3', 40_000, 12);
    const sends = (day: IsoDay, dayNo: number) => (day === '2026-05-27' ? 0 : base(day, dayNo));
    const metrics = buildMetrics([{ channelId: 'push_0012', sends }, COMPANION], FROM, TO);

    // Act
    const { judged } = judge(metrics, { from: '2026-04-01', to: TO });

    // Assess: the campaign's own size is what went missing.
    const missed = judged.find((f) => f.alert && f.channelId === 'push_0012')!;
    expect(pagedDays(judged, 'push_0012')).toEqual(['2026-05-27']);
    expect(missed.judged?.expected).toBeGreaterThan(20_000);
  });

  it('takes no run of campaign days for everyday sends, and states the everyday sends when they stop', () => {
    // Prepare: two weeks of campaigns every four weeks and nothing between; and campaigns on Monday,
    // Wednesday, Friday and Saturday over 200 sends on the other days, with nothing on Tuesday May 19.
    const runs = parseSchedule('every:28:2026-01-05:14');
    const fourDays = parseSchedule('mon,wed,fri,sat');
    const metrics = buildMetrics(
      [
        { channelId: 'push_0013', sends: (_day, dayNo) => (scheduledOn(runs, dayNo) ? 30_000 : 0) },
        {
          channelId: 'push_0014',
          sends: (day, dayNo) => (scheduledOn(fourDays, dayNo) ? 30_000 : day === '2026-05-19' ? 0 : 200),
        },
        COMPANION,
      ],
      FROM,
      TO,
    );

    // Act
    const { judged } = judge(metrics, { from: '2026-03-01', to: TO });

    // Assess
    const silent = judged.filter((f) => f.alert && f.code === 'silent');
    expect(silent.map((f) => `${f.channelId} ${f.date}`)).toEqual(['push_0014 2026-05-19']);
    expect(silent[0]!.judged?.expected).toBe(200);
  });

  it('knows the everyday sends of a declared schedule by its days, and wants four of them', () => {
    // Prepare: Monday campaigns of 40,000 declared over 8,000 on every other day, none on Tuesday May 19;
    // and campaigns every day but Sunday declared over 300 on Sundays, none on Sunday May 17.
    const monday = (day: IsoDay, dayNo: number) =>
      weekdayOfDayNumber(dayNo) === 1 ? 40_000 : day === '2026-05-19' ? 0 : 8_000;
    const sundays = (day: IsoDay, dayNo: number) =>
      weekdayOfDayNumber(dayNo) !== 0 ? 40_000 : day === '2026-05-17' ? 0 : 300;
    const metrics = buildMetrics(
      [{ channelId: 'push_0015', sends: monday }, { channelId: 'push_0018', sends: sundays }, COMPANION],
      FROM,
      TO,
    );
    const declared = new Map([
      ['push_0015', { schedule: parseSchedule('mon') }],
      ['push_0018', { schedule: parseSchedule('mon,tue,wed,thu,fri,sat') }],
    ]);

    // Act
    const { judged } = judge(metrics, { from: '2026-04-01', to: TO }, 'default', declared);

    // Assess: two Sundays in a fortnight are too few to know what it sends between campaigns.
    expect(pagedDays(judged, 'push_0015')).toEqual(['2026-05-19']);
    expect(judged.find((f) => f.alert && f.channelId === 'push_0015')!.judged?.expected).toBe(8_000);
    expect(pagedDays(judged, 'push_0018')).toEqual([]);
  });

  it('keeps quiet on the off days and campaigns of a monthly schedule it declared', () => {
    // Prepare
    const metrics = buildMetrics(
      [{ channelId: 'push_0006', sends: campaigns('monthly:10', 30_000, 6) }, COMPANION],
      FROM,
      TO,
    );

    // Act
    const declared = new Map([['push_0006', { schedule: parseSchedule('monthly:10') }]]);
    const { judged } = judge(metrics, { from: '2026-03-01', to: TO }, 'default', declared);

    // Assess
    expect(pagedDays(judged, 'push_0006')).toEqual([]);
    expect(judged.some((f) => f.channelId === 'push_0006' && f.code === 'campaign_off_day')).toBe(true);
  });
});

describe('duplicate sends and unprecedented spikes', () => {
  it('pages twice the sends at half the CTR, and a day five times its usual', () => {
    // Prepare
    const steady = weekly(20_000, 8);
    const sends = (day: IsoDay, dayNo: number) =>
      steady(day, dayNo) * (day === '2026-05-13' ? 2 : day === '2026-06-10' ? 5 : 1);
    const metrics = buildMetrics(
      [{ channelId: 'alimtalk_0008', sends, ctr: (day) => (day === '2026-05-13' ? 0.025 : 0.05) }, COMPANION],
      FROM,
      TO,
    );

    // Act
    const { judged } = judge(metrics, { from: '2026-05-01', to: TO });

    // Assess
    expect(pagedDays(judged, 'alimtalk_0008')).toEqual(['2026-05-13', '2026-06-10']);
    expect(judged.some((f) => f.alert && f.date === '2026-05-13' && f.code === 'duplicate_send')).toBe(true);
  });

  it('does not call a high day at a low CTR a duplicate send on a channel whose sends and CTR swing that much', () => {
    // Prepare: sends and CTR swing widely day to day; on 05-13, 2.5x the median day (about twice the
    // mean of its lognormal swings) at 0.55x the CTR
    const swing = (dayNo: number, salt: number, sd: number) =>
      new Random(mixSeed(40 + salt, dayNo)).lognormalFactor(sd);
    const sends = (day: IsoDay, dayNo: number) =>
      Math.round(day === '2026-05-13' ? 2.5 * 20_000 : 20_000 * swing(dayNo, 0, 0.45));
    const ctr = (day: IsoDay) => (day === '2026-05-13' ? 0.55 * 0.05 : 0.05 * swing(dayNumber(day), 1, 0.35));
    const metrics = buildMetrics([{ channelId: 'push_0040', sends, ctr }, COMPANION], FROM, TO);

    // Act
    const { judged } = judge(metrics, { from: '2026-05-01', to: '2026-05-20' });

    // Assess
    expect(judged.some((f) => f.channelId === 'push_0040' && f.code === 'duplicate_send')).toBe(false);
  });

  it('states a duplicate send as the sends rising, whichever rule noticed it, and groups it with a rise the next day', () => {
    // Prepare: a duplicate send on 05-13, then sends still high on 05-14 at the usual CTR
    const steady = weekly(20_000, 8);
    const sends = (day: IsoDay, dayNo: number) =>
      steady(day, dayNo) * (day === '2026-05-13' ? 2 : day === '2026-05-14' ? 1.9 : 1);
    const metrics = buildMetrics(
      [{ channelId: 'alimtalk_0008', sends, ctr: (day) => (day === '2026-05-13' ? 0.025 : 0.05) }, COMPANION],
      FROM,
      TO,
    );

    // Act
    const { judged } = judge(metrics, { from: '2026-05-01', to: '2026-05-20' });

    // Assess: one page, UP, the next day part of the same incident
    const duplicate = judged.find((f) => f.alert && f.code === 'duplicate_send')!;
    expect(statedDirection(duplicate)).toBe('up');
    expect(pagedDays(judged, 'alimtalk_0008')).toEqual(['2026-05-13']);
  });
});
