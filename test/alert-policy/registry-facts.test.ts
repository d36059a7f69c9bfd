import { describe, expect, it } from 'vitest';
import type { ChannelFacts } from '#shared/domain/channel-facts.ts';
import type { JudgedFinding } from '#shared/domain/finding.ts';
import type { IsoDay } from '#shared/time/seoul.ts';
import { buildMetrics, judge, pagedDays, weekly } from './fixtures.ts';

const FROM = '2026-03-02';
const TO = '2026-06-30';
const COMPANION = { channelId: 'alimtalk_0900', sends: weekly(3_000, 900) };
const facts = (entries: Record<string, ChannelFacts>) => new Map(Object.entries(entries));

describe('registry status: a paused or retired channel', () => {
  // Silent from June 1; sends again on June 20.
  const pausedSends = (level: number) => {
    const base = weekly(level, 7);
    return (day: IsoDay, dayNo: number) =>
      day >= '2026-06-01' && day !== '2026-06-20' ? 0 : base(day, dayNo);
  };
  const metrics = buildMetrics([{ channelId: 'push_0007', sends: pausedSends(9_000) }, COMPANION], FROM, TO);

  it('does not page for its silence, and pages the day it sends', () => {
    // Act
    const { judged } = judge(
      metrics,
      { from: '2026-05-25', to: TO },
      'default',
      facts({
        push_0007: { status: 'paused', statusSince: '2026-05-31' },
      }),
    );

    // Assess
    expect(pagedDays(judged, 'push_0007')).toEqual(['2026-06-20']);
    const page = judged.find((f) => f.alert)!;
    expect(page).toMatchObject({ code: 'inactive_send', rule: 'baseline', direction: 'up', expected: 0 });
    expect(judged.some((f) => f.code === 'channel_inactive' && f.date >= '2026-06-01')).toBe(true);
  });

  it('does not page its silence on the day its status took effect', () => {
    // Act: paused from June 1, its first silent day
    const { judged } = judge(
      metrics,
      { from: '2026-05-25', to: TO },
      'default',
      facts({ push_0007: { status: 'paused', statusSince: '2026-06-01' } }),
    );

    // Assess
    expect(pagedDays(judged, 'push_0007')).toEqual(['2026-06-20']);
  });

  it('pages its silence when the registry says it is active (the test above is not vacuous)', () => {
    // Act
    const { judged } = judge(metrics, { from: '2026-05-25', to: TO });

    // Assess
    expect(pagedDays(judged, 'push_0007')[0]).toBe('2026-06-01');
  });

  it('keeps the seed profile quiet about its silence too', () => {
    // Act
    const { judged } = judge(
      metrics,
      { from: '2026-06-01', to: '2026-06-10' },
      'seed',
      facts({
        push_0007: { status: 'retired', statusSince: '2026-05-31' },
      }),
    );

    // Assess
    const drops = judged.filter((f) => f.channelId === 'push_0007' && f.direction === 'down');
    expect(drops.length).toBeGreaterThan(0);
    expect(drops.every((f) => !f.alert && f.code === 'channel_inactive')).toBe(true);
  });
});

describe("the weekly report's low performers", () => {
  // Many sends, few clicks: a low performer every day of the range.
  const metrics = buildMetrics(
    [{ channelId: 'push_0031', sends: weekly(9_000, 31), ctr: () => 0.002 }, COMPANION],
    FROM,
    TO,
  );
  const range = { from: '2026-06-01', to: '2026-06-14' };
  const codes = (judged: JudgedFinding[]) =>
    new Set(
      judged
        .filter((f) => f.rule === 'low_performer')
        .map((f) => `${f.date < '2026-06-08' ? 'before' : 'after'} ${f.code}`),
    );

  it('are held for the report, or as the registry holds their day (a mute, an inactive channel)', () => {
    // Act
    const plain = judge(metrics, range).judged;
    const muted = judge(
      metrics,
      range,
      'default',
      facts({ push_0031: { mute: { from: '2026-06-08' } } }),
    ).judged;
    const retired = judge(
      metrics,
      range,
      'default',
      facts({ push_0031: { status: 'retired', statusSince: '2026-06-08' } }),
    ).judged;

    // Assess
    expect(codes(plain)).toEqual(new Set(['before low_performer', 'after low_performer']));
    expect(codes(muted)).toEqual(new Set(['before low_performer', 'after muted']));
    expect(codes(retired)).toEqual(new Set(['before low_performer', 'after channel_inactive']));
    for (const f of [...plain, ...muted, ...retired])
      if (f.rule === 'low_performer') expect(f.alert).toBe(false);
    // The sentence fits a low performer too, not only a silent day.
    const held = retired.find((f) => f.rule === 'low_performer' && f.code === 'channel_inactive')!;
    expect(held.reason).toMatch(/low figures are expected/);
  });
});

describe('planned changes: a change the owners recorded', () => {
  // The copy changed on June 2: half the sends from then on.
  const halved = (day: IsoDay, dayNo: number) =>
    Math.round(weekly(12_000, 3)(day, dayNo) * (day >= '2026-06-02' ? 0.5 : 1));
  const metrics = buildMetrics([{ channelId: 'alimtalk_0003', sends: halved }, COMPANION], FROM, TO);

  it('is noted once as expected on its day, and the baseline starts again from it', () => {
    // Act
    const { judged } = judge(
      metrics,
      { from: '2026-05-20', to: TO },
      'default',
      facts({
        alimtalk_0003: { changes: ['2026-06-02'] },
      }),
    );

    // Assess
    expect(pagedDays(judged, 'alimtalk_0003')).toEqual([]);
    const noted = judged.filter((f) => f.code === 'planned_change');
    expect(noted.length).toBeGreaterThan(0);
    expect(noted.every((f) => f.date === '2026-06-02' && !f.alert)).toBe(true);
    expect(noted[0]!.judged).toMatchObject({ metric: 'sends' });
  });

  it('starts no new level from silence: a channel silent since its change day stays an open incident', () => {
    // Prepare: the change went live on June 9, and the channel has sent nothing since.
    const silent = buildMetrics(
      [
        {
          channelId: 'push_0005',
          sends: (day, dayNo) => (day >= '2026-06-09' ? 0 : weekly(8_000, 5)(day, dayNo)),
        },
        COMPANION,
      ],
      FROM,
      TO,
    );

    // Act
    const { judged } = judge(
      silent,
      { from: '2026-06-01', to: TO },
      'default',
      facts({ push_0005: { changes: ['2026-06-09'] } }),
    );

    // Assess: paged on its first silent day, and part of that incident on every day after.
    const incidentDays = new Set(
      judged
        .filter((f) => f.channelId === 'push_0005' && (f.alert || f.code === 'grouped'))
        .map((f) => f.date),
    );
    expect(pagedDays(judged, 'push_0005')[0]).toBe('2026-06-09');
    expect(incidentDays.has(TO)).toBe(true);
    expect(incidentDays.size).toBe(22);
  });

  it('is noted on its day even when the day shows no move that would have paged', () => {
    // Prepare: a change recorded for June 2 that moved the sends by 10% only
    const slight = buildMetrics(
      [
        {
          channelId: 'alimtalk_0004',
          sends: (day: IsoDay, dayNo: number) =>
            Math.round(weekly(12_000, 4)(day, dayNo) * (day >= '2026-06-02' ? 0.9 : 1)),
        },
        COMPANION,
      ],
      FROM,
      TO,
    );

    // Act
    const { judged } = judge(
      slight,
      { from: '2026-05-20', to: TO },
      'default',
      facts({ alimtalk_0004: { changes: ['2026-06-02'] } }),
    );

    // Assess
    const noted = judged.filter((f) => f.channelId === 'alimtalk_0004' && f.code === 'planned_change');
    expect(noted.map((f) => f.date)).toEqual(['2026-06-02']);
    expect(noted[0]).toMatchObject({
      alert: false,
      reason: 'expected: the owners recorded a change on this day',
      judged: { metric: 'sends' },
    });
    expect(pagedDays(judged, 'alimtalk_0004')).toEqual([]);
  });

  it('keeps no incident open through the days before it, when the drop began before the change', () => {
    // Prepare: the sends fell to a third on May 28 (paged); on June 1 the owners recorded a change from
    // then on (the new copy goes to fewer people)
    const fell = (day: IsoDay, dayNo: number) =>
      Math.round(weekly(12_000, 5)(day, dayNo) * (day >= '2026-05-28' ? 1 / 3 : 1));
    const dropped = buildMetrics([{ channelId: 'alimtalk_0005', sends: fell }, COMPANION], FROM, TO);

    // Act
    const { judged } = judge(
      dropped,
      { from: '2026-05-20', to: '2026-06-10' },
      'default',
      facts({ alimtalk_0005: { changes: ['2026-06-01'] } }),
    );

    // Assess: paged before the change; from it on, nothing pages or stays open
    expect(pagedDays(judged, 'alimtalk_0005')[0]).toBe('2026-05-28');
    const after = judged.filter((f) => f.channelId === 'alimtalk_0005' && f.date >= '2026-06-01');
    expect(after.length).toBeGreaterThan(0);
    expect(after.filter((f) => f.alert || f.code === 'grouped' || f.code === 'same_page')).toEqual([]);
  });

  it('pages the same shift when nothing was recorded (the test above is not vacuous)', () => {
    // Act
    const { judged } = judge(metrics, { from: '2026-05-20', to: TO });

    // Assess
    expect(pagedDays(judged, 'alimtalk_0003').length).toBeGreaterThan(0);
  });
});
