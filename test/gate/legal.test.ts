import { describe, expect, it } from 'vitest';
import { createGate } from '#shared/gate/gate.ts';
import { adConsentExpiry, consentInstant, legalCheck } from '#shared/gate/legal.ts';
import { createMemoryGateStore } from '#shared/gate/memory-store.ts';
import { DEFAULT_CHANNELS } from '#shared/gate/policy.ts';
import { adRequest, policyWith } from './helpers.ts';

const kst = (text: string) => new Date(`${text}+09:00`);

describe('legal checks (no store)', () => {
  it.each([
    // [case, send time KST, consent overrides, channel, expected]
    ['daytime ad with consent', '2026-11-24T10:00:00', {}, 'push', undefined],
    ['20:59 is still day', '2026-11-24T20:59:59', {}, 'push', undefined],
    [
      '21:00 is night',
      '2026-11-24T21:00:00',
      {},
      'push',
      'defer:night_ad_without_consent:2026-11-25T08:00:00',
    ],
    [
      '07:59 is night',
      '2026-11-25T07:59:00',
      {},
      'push',
      'defer:night_ad_without_consent:2026-11-25T08:00:00',
    ],
    ['08:00 is day', '2026-11-25T08:00:00', {}, 'push', undefined],
    [
      '00:30 defers to the same morning',
      '2026-11-25T00:30:00',
      {},
      'push',
      'defer:night_ad_without_consent:2026-11-25T08:00:00',
    ],
    ['night with night consent', '2026-11-24T23:00:00', { nightAd: true }, 'push', undefined],
    ['night email needs no night consent', '2026-11-24T23:00:00', {}, 'email', undefined],
    ['advertising on alimtalk', '2026-11-24T10:00:00', {}, 'alimtalk', 'deny:ad_on_alimtalk'],
    ['no ad consent', '2026-11-24T10:00:00', { ad: false }, 'push', 'deny:no_ad_consent'],
    [
      'consent exactly two years old',
      '2026-11-24T10:00:00',
      { adConsentedAt: '2024-11-24T10:00:00+09:00' },
      'push',
      undefined,
    ],
    [
      'consent lapsing before 08:00 is no consent for the morning',
      '2026-11-25T07:29:00',
      { adConsentedAt: '2024-11-25T07:50:00+09:00' },
      'push',
      'deny:ad_consent_expired',
    ],
    [
      'consent two years and a second old',
      '2026-11-24T10:00:01',
      { adConsentedAt: '2024-11-24T10:00:00+09:00' },
      'push',
      'deny:ad_consent_expired',
    ],
  ])('%s', (_case, at, consent, channel, expected) => {
    // Prepare
    const base = adRequest();
    const request = adRequest({ channel, consent: { ...base.consent!, ...consent } });

    // Act
    const verdict = legalCheck(request, kst(at), DEFAULT_CHANNELS);

    // Assess
    const [decision, reason, until] = expected?.split(/:(?=[a-z_]|\d{4}-)/) ?? [];
    if (!expected) expect(verdict).toBeUndefined();
    else {
      expect(verdict?.decision).toBe(decision);
      expect(verdict?.reason).toBe(reason);
      if (until) expect(verdict?.deferUntil?.toISOString()).toBe(kst(until).toISOString());
    }
  });

  it('reads a consent without nightAd as no night-time consent', () => {
    // Prepare
    const { nightAd: _nightAd, ...daytimeOnly } = adRequest().consent!;
    const request = adRequest({ consent: daytimeOnly });

    // Act
    const night = legalCheck(request, kst('2026-11-24T23:00:00'), DEFAULT_CHANNELS);
    const day = legalCheck(request, kst('2026-11-24T10:00:00'), DEFAULT_CHANNELS);

    // Assess
    expect(night).toMatchObject({ decision: 'defer', reason: 'night_ad_without_consent' });
    expect(day).toBeUndefined();
  });

  it('never holds transactional or informational messages, even at night on alimtalk', () => {
    // Prepare
    const night = kst('2026-11-24T23:30:00');

    // Act
    const verdicts = (['transactional', 'informational'] as const).map((messageClass) =>
      legalCheck(
        adRequest({ messageClass, channel: 'alimtalk', consent: { ad: false, nightAd: false } }),
        night,
        DEFAULT_CHANNELS,
      ),
    );

    // Assess
    expect(verdicts).toEqual([undefined, undefined]);
  });

  it('refuses what a channel does not carry, and any channel the policy does not list', () => {
    // Prepare
    const channels = { ...DEFAULT_CHANNELS, email: { carries: ['transactional' as const] } };
    const at = kst('2026-11-24T10:00:00');

    // Act
    const verdicts = [
      legalCheck(adRequest({ channel: 'kakao_alimtalk' }), at, channels),
      legalCheck(adRequest({ channel: 'email', messageClass: 'informational' }), at, channels),
      legalCheck(adRequest({ channel: 'email', messageClass: 'transactional' }), at, channels),
    ];

    // Assess
    expect(verdicts.map((verdict) => verdict?.reason)).toEqual([
      'not_carried_by_channel',
      'not_carried_by_channel',
      undefined,
    ]);
  });

  it('judges the law at the later of the send time and now: a past `at` revives no consent, dodges no night', async () => {
    // Prepare: 21:03 KST; the caller says the send was planned for 20:59, inside the allowed skew.
    const gate = createGate({
      store: createMemoryGateStore(),
      policy: policyWith(),
      timeoutMs: 1_000,
      now: () => kst('2026-11-24T21:03:00'),
    });
    const backdated = { at: '2026-11-24T20:59:00+09:00' };

    // Act
    const night = await gate.decide(adRequest(backdated));
    const expired = await gate.decide(
      adRequest({
        ...backdated,
        consent: { ad: true, adConsentedAt: '2024-11-24T21:01:00+09:00', nightAd: true },
      }),
    );

    // Assess
    expect(night).toMatchObject({
      decision: 'defer',
      reason: 'night_ad_without_consent',
      deferUntil: '2026-11-24T23:00:00.000Z',
    });
    expect(expired).toMatchObject({ decision: 'deny', reason: 'ad_consent_expired' });
  });

  it('reads a calendar-date consent as 00:00 Asia/Seoul that day', () => {
    // Act
    const instant = consentInstant('2026-06-01');

    // Assess
    expect(instant.toISOString()).toBe('2026-05-31T15:00:00.000Z');
  });

  it('counts two years on the Seoul calendar', () => {
    // Prepare
    const consentedAt = kst('2024-02-29T09:00:00');

    // Act
    const expiry = adConsentExpiry(consentedAt);

    // Assess
    expect(expiry.toISOString()).toBe(kst('2026-03-01T09:00:00').toISOString());
  });
});
