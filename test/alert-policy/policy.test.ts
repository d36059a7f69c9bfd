import { describe, expect, it } from 'vitest';
import { DEFAULT_ALERT_POLICY_CONFIG, parseAlertPolicyConfig } from '#shared/config/alert-policy-config.ts';
import { policyHistoryDays, policyLookbackDays } from '#shared/domain/alert-policy/index.ts';
import { reasonSentence } from '#shared/domain/alert-policy/verdict.ts';
import { ConfigError } from '#shared/errors.ts';
import { mixSeed, Random } from '#shared/sample/random.ts';
import type { IsoDay } from '#shared/time/seoul.ts';
import { buildMetrics, judge, pagedDays, weekly } from './fixtures.ts';

const FROM = '2026-03-02';
const TO = '2026-06-20';
/** A second channel that keeps sending, so a day without the first channel's row has still arrived. */
const COMPANION = { channelId: 'alimtalk_0900', sends: weekly(3_000, 900) };

describe('alert policy, profile default', () => {
  it('pages a 3-day outage once, and groups the other days into it', () => {
    // Prepare
    const steady = weekly(10_000, 1);
    const metrics = buildMetrics(
      [{ channelId: 'alimtalk_0001', sends: steady }, COMPANION],
      FROM,
      TO,
      (id, day) => id === 'alimtalk_0001' && day >= '2026-06-09' && day <= '2026-06-11',
    );
    // Act
    const { judged } = judge(metrics, { from: '2026-06-01', to: TO });
    // Assess
    expect(pagedDays(judged, 'alimtalk_0001')).toEqual(['2026-06-09']);
    const later = judged.filter((f) => f.date === '2026-06-10' && f.metric === 'sends');
    expect(later.length).toBeGreaterThan(0);
    expect(later.every((f) => !f.alert && /grouped|same page/.test(f.reason ?? ''))).toBe(true);
    const page = judged.find((f) => f.alert)!;
    expect(page.severity).toBe('critical');
    expect(page.impact).toBeGreaterThan(8_000);
  });

  it("states a silent day of a decline's window with that day's figures and date", () => {
    // Prepare: 15% fewer sends from June 3 (a decline, too small to page), and nothing on June 10
    const sends = (day: IsoDay, dayNo: number) =>
      day === '2026-06-10'
        ? 0
        : Math.round(
            10_000 * new Random(mixSeed(1, dayNo)).lognormalFactor(0.05) * (day >= '2026-06-03' ? 0.85 : 1),
          );
    const metrics = buildMetrics([{ channelId: 'alimtalk_0001', sends }, COMPANION], FROM, TO);

    // Act
    const { judged } = judge(metrics, { from: '2026-06-01', to: '2026-06-14' });

    // Assess: June 10 pages; the declines of the days after hold it open with its figures, dated
    expect(pagedDays(judged, 'alimtalk_0001')).toEqual(['2026-06-10']);
    const decline = judged.find((f) => f.rule === 'decline' && f.date === '2026-06-12')!;
    expect(decline).toMatchObject({ code: 'grouped', judged: { actual: 0, day: '2026-06-10' } });
  });

  it('in the daily job, the second day of an outage is grouped with the first (rules run over the look-back)', () => {
    // Prepare: the job judges one day, t = June 10, with the rules run for [t - policyLookbackDays, t]
    const metrics = buildMetrics(
      [{ channelId: 'alimtalk_0001', sends: weekly(10_000, 1) }, COMPANION],
      FROM,
      '2026-06-10',
      (id, day) => id === 'alimtalk_0001' && day >= '2026-06-09',
    );
    // Act
    const first = judge(metrics, { from: '2026-06-09', to: '2026-06-09' }).judged;
    const second = judge(metrics, { from: '2026-06-10', to: '2026-06-10' }).judged;
    // Assess
    expect(pagedDays(first, 'alimtalk_0001')).toEqual(['2026-06-09']);
    expect(
      second.filter((f) => f.channelId === 'alimtalk_0001' && f.rule !== 'low_performer').length,
    ).toBeGreaterThan(0);
    expect(pagedDays(second, 'alimtalk_0001')).toEqual([]);
    expect(policyHistoryDays(DEFAULT_ALERT_POLICY_CONFIG)).toBe(91);
  });

  it('re-notifies when an incident worsens (a drop that becomes an outage)', () => {
    // Prepare
    const base = weekly(10_000, 2);
    const sends = (day: string, dayNo: number) =>
      day >= '2026-06-11' && day <= '2026-06-12'
        ? 0
        : day >= '2026-06-09'
          ? base(day, dayNo) * 0.4
          : base(day, dayNo);
    const metrics = buildMetrics([{ channelId: 'push_0002', sends }, COMPANION], FROM, TO);
    // Act
    const { judged } = judge(metrics, { from: '2026-06-01', to: '2026-06-12' });
    // Assess
    expect(pagedDays(judged, 'push_0002')).toEqual(['2026-06-09', '2026-06-11']);
    expect(judged.find((f) => f.alert && f.date === '2026-06-11')!.reason).toMatch(/^worsened/);
  });

  it('does not page the Chuseok dip of a channel that rests over the holiday', () => {
    // Prepare: Chuseok 2025 is Oct 5-7 with the substitute day Oct 8; sends fall to a third.
    const base = weekly(20_000, 3);
    const sends = (day: string, dayNo: number) =>
      day >= '2025-10-05' && day <= '2025-10-09' ? base(day, dayNo) / 3 : base(day, dayNo);
    const metrics = buildMetrics([{ channelId: 'push_0003', sends }], '2025-07-01', '2025-10-20');
    // Act
    const { judged } = judge(metrics, { from: '2025-10-01', to: '2025-10-20' });
    // Assess: the rules fire, the policy holds them
    const holidayFindings = judged.filter((f) => f.date >= '2025-10-05' && f.date <= '2025-10-09');
    expect(holidayFindings.some((f) => f.rule !== 'low_performer')).toBe(true);
    expect(pagedDays(judged, 'push_0003')).toEqual([]);
    expect(holidayFindings.some((f) => /holiday/.test(f.reason ?? ''))).toBe(true);
  });

  it('does not page drops on a day that has only partly arrived', () => {
    // Prepare: 12 channels; on June 10 only 3 of them have a row yet.
    const channels = Array.from({ length: 12 }, (_, k) => ({
      channelId: `alimtalk_${String(k + 1).padStart(4, '0')}`,
      sends: weekly(5_000 + 1_000 * k, 10 + k),
    }));
    const metrics = buildMetrics(
      channels,
      FROM,
      TO,
      (id, day) => day === '2026-06-10' && Number(id.slice(-4)) > 3,
    );
    // Act
    const { judged } = judge(metrics, { from: '2026-06-01', to: '2026-06-12' });
    // Assess
    const onPartialDay = judged.filter(
      (f) => f.date === '2026-06-10' && f.direction === 'down' && f.metric === 'sends',
    );
    expect(onPartialDay.length).toBeGreaterThanOrEqual(9);
    expect(onPartialDay.every((f) => !f.alert && /late data/.test(f.reason ?? ''))).toBe(true);
    expect(judged.filter((f) => f.alert)).toEqual([]);
  });

  it('holds a CTR drop below the volume floor and pages the same drop above it', () => {
    // Prepare: CTR 6% falls to 1.5% for two days on a 300-send and a 20,000-send channel.
    const ctr = (day: string) => (day >= '2026-06-09' && day <= '2026-06-10' ? 0.015 : 0.06);
    const metrics = buildMetrics(
      [
        { channelId: 'alimtalk_0010', sends: weekly(300, 4), ctr },
        { channelId: 'alimtalk_0011', sends: weekly(20_000, 5), ctr },
      ],
      FROM,
      TO,
    );
    // Act
    const { judged } = judge(metrics, { from: '2026-06-01', to: '2026-06-12' });
    // Assess
    const small = judged.filter(
      (f) => f.channelId === 'alimtalk_0010' && f.metric === 'ctr' && f.rule === 'robust_ratio',
    );
    expect(small.length).toBeGreaterThan(0);
    expect(small.every((f) => !f.alert && /volume floor/.test(f.reason ?? ''))).toBe(true);
    expect(pagedDays(judged, 'alimtalk_0010')).toEqual([]);
    expect(pagedDays(judged, 'alimtalk_0011')).toEqual(['2026-06-09']);
  });

  it('holds a CTR drop that the counting of its few clicks explains, and pages it on a large channel', () => {
    // Prepare: CTR 3% falls to 2% for a day: 45 -> 30 clicks on 1,500 sends (chance ~1%), 1,800 -> 1,200 on 60,000.
    const ctr = (day: string) => (day === '2026-06-09' ? 0.02 : 0.03);
    const metrics = buildMetrics(
      [
        { channelId: 'alimtalk_0012', sends: weekly(1_500, 6), ctr },
        { channelId: 'alimtalk_0013', sends: weekly(60_000, 7), ctr },
      ],
      FROM,
      TO,
    );

    // Act
    const { judged } = judge(metrics, { from: '2026-06-01', to: '2026-06-12' });

    // Assess
    const small = judged.filter(
      (f) =>
        f.channelId === 'alimtalk_0012' &&
        f.rule !== 'low_performer' &&
        f.metric === 'ctr' &&
        f.date === '2026-06-09',
    );
    expect(small.length).toBeGreaterThan(0);
    expect(small.every((f) => !f.alert && f.code === 'volume_floor')).toBe(true);
    expect(pagedDays(judged, 'alimtalk_0012')).toEqual([]);
    expect(pagedDays(judged, 'alimtalk_0013')).toEqual(['2026-06-09']);
  });

  it('needs the rules run over the grouping look-back, from its config', () => {
    expect(policyLookbackDays(DEFAULT_ALERT_POLICY_CONFIG)).toBe(
      DEFAULT_ALERT_POLICY_CONFIG.incident.regroupDays,
    );
    expect(policyLookbackDays(parseAlertPolicyConfig({ incident: { regroupDays: 3 } }))).toBe(3);
  });

  it('refuses a bad config naming the key', () => {
    expect(() => parseAlertPolicyConfig({ page: { minZ: 'high' } })).toThrow(ConfigError);
    expect(() => parseAlertPolicyConfig({ page: { minZ: 'high' } })).toThrow(/page\.minZ/);
    expect(() => parseAlertPolicyConfig({ paging: {} })).toThrow(ConfigError);
  });
});

describe('alert policy, profile seed', () => {
  it('pages exactly the confirmed findings of rules 1-4', () => {
    // Prepare
    const base = weekly(10_000, 6);
    const sends = (day: string, dayNo: number) =>
      day === '2026-06-09' ? 0 : base(day, dayNo) * (day > '2026-06-12' ? 0.75 : 1);
    const metrics = buildMetrics([{ channelId: 'push_0020', sends, ctr: () => 0.02 }], FROM, TO);
    // Act
    const { judged } = judge(metrics, { from: '2026-06-01', to: TO }, 'seed');
    // Assess
    expect(judged.some((f) => f.status === 'candidate')).toBe(true);
    expect(judged.some((f) => f.rule === 'low_performer')).toBe(true);
    for (const f of judged) expect(f.alert).toBe(f.status === 'confirmed' && f.rule !== 'low_performer');
    expect(judged.some((f) => f.alert)).toBe(true);
  });
});

describe('reason sentences', () => {
  it('calls a channel silent only when it sent nothing; a trickle is almost silent, with its share', () => {
    // Act
    const nothing = reasonSentence({ code: 'silent', down: true, figures: { change: 1 } });
    const trickle = reasonSentence({ code: 'silent', down: true, figures: { change: 1 - 100 / 19_298 } });

    // Assess
    expect(nothing).toBe('channel went silent');
    expect(trickle).toBe('channel almost silent: 1% of its usual sends');
    expect(reasonSentence({ code: 'silent', down: true, figures: { change: 1 - 50 / 19_298 } })).toBe(
      'channel almost silent: under 1% of its usual sends',
    );
  });
});
