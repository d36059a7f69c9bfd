import type { AddressInfo } from 'node:net';
import { createServer, type Server, type Socket } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedDynamo, startEmbeddedDynamo } from '#shared/adapters/dynamo/embedded.ts';
import { createDynamoGateStore } from '#shared/adapters/dynamo/gate-store.ts';
import { StoreUnavailableError } from '#shared/errors.ts';
import { createGate } from '#shared/gate/gate.ts';
import type { GatePolicy } from '#shared/gate/policy.ts';
import type { GateStore, Reservation } from '#shared/ports/gate-store.ts';
import { adRequest, beforeEveryAt, policyWith, singleCapPolicy, testNow } from './helpers.ts';

let dynamo: EmbeddedDynamo;
let store: GateStore;
let userSeq = 0;
const freshUser = () => `user-${++userSeq}`;

beforeAll(async () => {
  dynamo = await startEmbeddedDynamo();
  store = createDynamoGateStore({ documentClient: dynamo.documentClient, tableName: dynamo.tableNames.gate });
});
afterAll(async () => {
  await dynamo.close();
});

const gateFor = (policy: GatePolicy) => createGate({ store, policy, timeoutMs: 5_000, now: beforeEveryAt });
/** One user's ads, with ad and night-time consent, each at the time asked. */
const adsOf = (gate: ReturnType<typeof gateFor>, userId: string) => (at: string) =>
  gate.decide(
    adRequest({
      userId,
      at,
      consent: { ad: true, adConsentedAt: '2026-01-01T00:00:00+09:00', nightAd: true },
    }),
  );

describe('caps on the embedded store', () => {
  it('allows up to a daily channel cap, then denies naming the cap, and a new Seoul day starts afresh', async () => {
    // Prepare
    const gate = gateFor(
      singleCapPolicy({ name: 'push-daily', scope: 'channel', match: 'push', window: 'day', limit: 2 }),
    );
    const userId = freshUser();
    const info = (at: string) => adRequest({ userId, messageClass: 'informational', category: 'notice', at });

    // Act
    const first = await gate.decide(info('2026-11-24T09:00:00+09:00'));
    const second = await gate.decide(info('2026-11-24T12:00:00+09:00'));
    const third = await gate.decide(info('2026-11-24T23:59:59+09:00'));
    const nextDay = await gate.decide(info('2026-11-25T00:00:00+09:00'));
    const otherChannel = await gate.decide({ ...info('2026-11-24T13:00:00+09:00'), channel: 'sms' });

    // Assess
    expect([first.decision, second.decision, third.decision]).toEqual(['allow', 'allow', 'deny']);
    expect(third).toMatchObject({ reason: 'cap_reached', limitedBy: 'push-daily' });
    expect(third.caps).toEqual([{ name: 'push-daily', limit: 2, used: 2, window: 'day' }]);
    expect(nextDay).toMatchObject({ decision: 'allow', caps: [{ name: 'push-daily', used: 1 }] });
    expect(otherChannel.decision).toBe('allow');
  });

  it('counts a send planned just before midnight but asked about after it on the day it can go out', async () => {
    // Prepare: yesterday's cap is full; it is 00:02 KST and the caller says 23:59.
    const policy = singleCapPolicy({
      name: 'push-daily',
      scope: 'channel',
      match: 'push',
      window: 'day',
      limit: 1,
    });
    const userId = freshUser();
    const info = (at: string) => adRequest({ userId, messageClass: 'informational', category: 'notice', at });
    await gateFor(policy).decide(info('2026-11-24T12:00:00+09:00'));
    const gate = createGate({
      store,
      policy,
      timeoutMs: 5_000,
      now: () => new Date('2026-11-25T00:02:00+09:00'),
    });

    // Act
    const late = await gate.decide(info('2026-11-24T23:59:00+09:00'));

    // Assess
    expect(late).toMatchObject({ decision: 'allow', caps: [{ name: 'push-daily', used: 1 }] });
  });

  it('keeps a weekly cap across the days of one Seoul week and resets on Monday 00:00 KST', async () => {
    // Prepare
    const gate = gateFor(singleCapPolicy({ name: 'weekly', scope: 'total', window: 'week', limit: 2 }));
    const userId = freshUser();
    const send = (at: string) =>
      gate.decide(
        adRequest({ userId, messageClass: 'informational', category: 'notice', channel: 'sms', at }),
      );

    // Act: Monday 2026-11-23 .. Sunday 2026-11-29, then Monday 2026-11-30
    const answers = [
      await send('2026-11-23T00:00:00+09:00'),
      await send('2026-11-26T10:00:00+09:00'),
      await send('2026-11-29T23:59:00+09:00'),
      await send('2026-11-30T00:00:00+09:00'),
    ];

    // Assess
    expect(answers.map((answer) => answer.decision)).toEqual(['allow', 'allow', 'deny', 'allow']);
  });

  it('counts category caps per category', async () => {
    // Prepare
    const gate = gateFor(
      singleCapPolicy({ name: 'category-daily', scope: 'category', window: 'day', limit: 1 }),
    );
    const userId = freshUser();
    const send = (category: string, hour: string) =>
      gate.decide(
        adRequest({ userId, messageClass: 'informational', category, at: `2026-11-24T${hour}:00:00+09:00` }),
      );

    // Act
    const answers = [await send('notice', '09'), await send('notice', '10'), await send('community', '11')];

    // Assess
    expect(answers.map((answer) => answer.decision)).toEqual(['allow', 'deny', 'allow']);
  });

  it('names the most restrictive of several full caps', async () => {
    // Prepare
    const policy = policyWith((input) => {
      input.adaptive.enabled = false;
      input.tiers.mid = {
        categories: '*',
        caps: [
          { name: 'all-daily', scope: 'total', window: 'day', limit: 3 },
          { name: 'ads-daily', scope: 'total', window: 'day', limit: 1, classes: ['advertising'] },
          { name: 'push-daily', scope: 'channel', match: 'push', window: 'day', limit: 2 },
        ],
        minAdGapMinutes: 0,
      } as never;
    });
    const gate = gateFor(policy);
    const userId = freshUser();

    // Act
    const first = await gate.decide(adRequest({ userId, at: '2026-11-24T09:00:00+09:00' }));
    const info = await gate.decide(
      adRequest({ userId, messageClass: 'informational', at: '2026-11-24T10:00:00+09:00' }),
    );
    const denied = await gate.decide(adRequest({ userId, at: '2026-11-24T11:00:00+09:00' }));

    // Assess: push-daily (2/2) and ads-daily (1/1) are both full; ads-daily has the smaller limit
    expect([first.decision, info.decision]).toEqual(['allow', 'allow']);
    expect(denied).toMatchObject({ decision: 'deny', reason: 'cap_reached', limitedBy: 'ads-daily' });
    expect(denied.caps).toEqual([
      { name: 'all-daily', limit: 3, used: 2, window: 'day' },
      { name: 'ads-daily', limit: 1, used: 1, window: 'day' },
      { name: 'push-daily', limit: 2, used: 2, window: 'day' },
    ]);
  });

  it('holds a second ad inside the minimum gap and defers it to when the gap ends, also across weeks', async () => {
    // Prepare
    const gate = gateFor(
      singleCapPolicy({ name: 'ads', scope: 'total', window: 'week', limit: 10 }, { minAdGapMinutes: 240 }),
    );
    const userId = freshUser();
    const ad = adsOf(gate, userId);

    // Act
    const sunday = await ad('2026-11-29T22:00:00+09:00');
    const mondayEarly = await ad('2026-11-30T01:00:00+09:00');
    const mondayLater = await ad('2026-11-30T02:00:00+09:00');

    // Assess
    expect(sunday.decision).toBe('allow');
    expect(mondayEarly).toMatchObject({
      decision: 'defer',
      reason: 'min_ad_gap',
      deferUntil: '2026-11-29T17:00:00.000Z',
    });
    expect(mondayLater.decision).toBe('allow');
  });

  it('holds the gap between two ads on either side of Monday 00:00 asked at once, singly or in one batch', async () => {
    // Prepare: ads two hours apart, Sunday 23:00 and Monday 01:00, each week's item read before either is
    // written: the gap must hold across the two items, whichever write lands first.
    const gate = gateFor(
      singleCapPolicy({ name: 'ads', scope: 'total', window: 'week', limit: 10 }, { minAdGapMinutes: 240 }),
    );
    const consent = { ad: true, adConsentedAt: '2026-01-01T00:00:00+09:00', nightAd: true };
    const pair = (userId: string) => [
      adRequest({ userId, consent, at: '2026-11-29T23:00:00+09:00' }),
      adRequest({ userId, consent, at: '2026-11-30T01:00:00+09:00' }),
    ];
    const decisions = (answers: { decision: string }[]) =>
      answers
        .map((a) => a.decision)
        .sort()
        .join(' ');

    // Act
    const seen = new Set<string>();
    for (let round = 0; round < 6; round++) {
      seen.add(decisions(await Promise.all(pair(freshUser()).map((request) => gate.decide(request)))));
      seen.add(decisions(await gate.decideBatch(pair(freshUser()))));
      seen.add(decisions(await gate.decideBatch(pair(freshUser()).reverse())));
    }

    // Assess: one goes, the other waits (never both, and no write race answered as a store failure)
    expect([...seen]).toEqual(['allow defer']);
  });

  it('answers a retry from across Monday 00:00, later than an hour but inside the gap, with its first answer', async () => {
    // Prepare: counted on Sunday 23:00; the same message asked again for Monday 01:00 (no `at`, just after midnight)
    const gate = gateFor(
      singleCapPolicy({ name: 'ads', scope: 'total', window: 'week', limit: 10 }, { minAdGapMinutes: 240 }),
    );
    const consent = { ad: true, adConsentedAt: '2026-01-01T00:00:00+09:00', nightAd: true };
    const first = adRequest({ userId: freshUser(), consent, at: '2026-11-29T23:00:00+09:00' });

    // Act
    const counted = await gate.decide(first);
    const retried = await gate.decide({ ...first, at: '2026-11-30T01:00:00+09:00' });

    // Assess: the same answer, not held back by its own ad
    expect(counted.decision).toBe('allow');
    expect(retried).toMatchObject({ decision: 'allow', reason: 'under_caps' });
  });

  it('lets two ads on either side of Monday 00:00 through at once when they are far enough apart', async () => {
    // Prepare: a day's gap, ads 26 hours apart: each one's gap reaches the other's week, not the other ad
    const gate = gateFor(
      singleCapPolicy(
        { name: 'ads', scope: 'total', window: 'week', limit: 10 },
        { minAdGapMinutes: 24 * 60 },
      ),
    );
    const consent = { ad: true, adConsentedAt: '2026-01-01T00:00:00+09:00', nightAd: true };
    const pair = (userId: string) => [
      adRequest({ userId, consent, at: '2026-11-29T12:00:00+09:00' }),
      adRequest({ userId, consent, at: '2026-11-30T14:00:00+09:00' }),
    ];

    // Act
    const answers = [];
    for (let round = 0; round < 4; round++) {
      answers.push(...(await Promise.all(pair(freshUser()).map((request) => gate.decide(request)))));
      answers.push(...(await gate.decideBatch(pair(freshUser()))));
    }

    // Assess
    expect(answers.map((answer) => answer.decision)).toEqual(answers.map(() => 'allow'));
  });

  it('answers a message asked twice at once near Monday 00:00 the same both times: its own mark is no neighbour', async () => {
    // Prepare: Monday 01:00, so its gap reaches back into last week, where it marks itself
    const gate = gateFor(
      singleCapPolicy({ name: 'ads', scope: 'total', window: 'week', limit: 10 }, { minAdGapMinutes: 240 }),
    );
    const consent = { ad: true, adConsentedAt: '2026-01-01T00:00:00+09:00', nightAd: true };

    // Act
    const answers = [];
    for (let round = 0; round < 6; round++) {
      const request = adRequest({ userId: freshUser(), consent, at: '2026-11-30T01:00:00+09:00' });
      answers.push(...(await Promise.all([gate.decide(request), gate.decide(request)])));
    }

    // Assess: the first answer and its replay
    expect(answers.map((answer) => answer.decision)).toEqual(answers.map(() => 'allow'));
  });

  it('marks an ad in a neighbouring week only at the version it read, and takes the mark out again', async () => {
    // Prepare
    const userId = freshUser();
    const week = '2026-11-30';
    const mark = { userId, week, expiresAt: 2_000_000_000 };

    // Act
    const first = await store.markAd({ ...mark, at: 1_000, messageId: 'm-1', version: 0 });
    const stale = await store.markAd({ ...mark, at: 2_000, messageId: 'm-2', version: 0 });
    const marked = await store.readCounters(userId, week);
    const byItself = await store.readCounters(userId, week, 'm-1');
    await store.unmarkAd({ userId, week, at: 1_000, messageId: 'm-1' });
    await store.unmarkAd({ userId: freshUser(), week, at: 1_000, messageId: 'm-1' });
    const unmarked = await store.readCounters(userId, week);

    // Assess: a stale version writes nothing; a message does not see its own mark
    expect([first, stale]).toEqual([true, false]);
    expect(marked).toMatchObject({ ads: [1_000], adsVersion: 1 });
    expect(byItself.ads).toEqual([]);
    expect(unmarked).toMatchObject({ ads: [], adsVersion: 1 });
  });

  it('denies, rather than defers, an ad whose gap ends on a day whose ad cap is already full', async () => {
    // Prepare: one ad a day, four hours apart; tomorrow's ad is counted at 00:05
    const gate = gateFor(
      singleCapPolicy(
        { name: 'ads-daily', scope: 'total', window: 'day', limit: 1, classes: ['advertising'] },
        { minAdGapMinutes: 240 },
      ),
    );
    const userId = freshUser();
    const ad = adsOf(gate, userId);
    const tomorrow = await ad('2026-11-25T00:05:00+09:00');

    // Act: an ad at 23:55 today, whose gap would run to 04:05 tomorrow
    const tonight = await ad('2026-11-24T23:55:00+09:00');

    // Assess
    expect(tomorrow.decision).toBe('allow');
    expect(tonight).toMatchObject({
      decision: 'deny',
      reason: 'cap_reached',
      limitedBy: 'ads-daily',
      caps: [{ name: 'ads-daily', limit: 1, used: 1, window: 'day' }],
    });
  });

  it('keeps a deferral into next week when the read of that week fails: a check spared, not an answer lost', async () => {
    // Prepare: an ad on Sunday 18:00 counted; next week's item cannot be read
    const failing: GateStore = {
      ...store,
      readCounters: async (userId, week, messageId, signal) => {
        if (week === '2026-11-30')
          throw new StoreUnavailableError('gate store read counters: throttled', { failure: 'throttled' });
        return store.readCounters(userId, week, messageId, signal);
      },
    };
    const gate = createGate({
      now: beforeEveryAt,
      store: failing,
      policy: singleCapPolicy(
        { name: 'ads-daily', scope: 'total', window: 'day', limit: 2, classes: ['advertising'] },
        { minAdGapMinutes: 240 },
      ),
      timeoutMs: 5_000,
    });
    const userId = freshUser();
    const consent = (nightAd: boolean) => ({ ad: true, adConsentedAt: '2026-01-01T00:00:00+09:00', nightAd });
    await gate.decide(adRequest({ userId, at: '2026-11-29T18:00:00+09:00', consent: consent(true) }));

    // Act: at 18:30 without night consent, the gap ends at 22:00, so the send moves to Monday 08:00
    const answer = await gate.decide(
      adRequest({ userId, at: '2026-11-29T18:30:00+09:00', consent: consent(false) }),
    );

    // Assess
    expect(answer).toMatchObject({
      decision: 'defer',
      reason: 'min_ad_gap',
      deferUntil: '2026-11-29T23:00:00.000Z',
    });
  });

  it('defers an ad whose gap ends at night, for a user without night consent, to 08:00', async () => {
    // Prepare: an ad at 20:30 KST, sent with night consent (the 4-hour gap runs to 00:30)
    const gate = gateFor(
      singleCapPolicy({ name: 'ads', scope: 'total', window: 'week', limit: 10 }, { minAdGapMinutes: 240 }),
    );
    const userId = freshUser();
    const consent = (nightAd: boolean) => ({ ad: true, adConsentedAt: '2026-01-01T00:00:00+09:00', nightAd });
    await gate.decide(adRequest({ userId, at: '2026-11-24T20:30:00+09:00', consent: consent(true) }));

    // Act: a second ad at 20:45, with and without night consent
    const withNight = await gate.decide(
      adRequest({ userId, at: '2026-11-24T20:45:00+09:00', consent: consent(true) }),
    );
    const withoutNight = await gate.decide(
      adRequest({ userId, at: '2026-11-24T20:45:00+09:00', consent: consent(false) }),
    );

    // Assess
    expect(withNight).toMatchObject({ reason: 'min_ad_gap', deferUntil: '2026-11-24T15:30:00.000Z' });
    expect(withoutNight).toMatchObject({ reason: 'min_ad_gap', deferUntil: '2026-11-24T23:00:00.000Z' });
  });

  it('holds the gap against the nearest ad on either side, whatever order the requests come in', async () => {
    // Prepare
    const gate = gateFor(
      singleCapPolicy({ name: 'ads', scope: 'total', window: 'week', limit: 10 }, { minAdGapMinutes: 240 }),
    );
    const userId = freshUser();
    const ad = adsOf(gate, userId);

    // Act: the 14:00 ad is asked about first, then sends planned before it
    const afternoon = await ad('2026-11-25T14:00:00+09:00');
    const lateMorning = await ad('2026-11-25T11:00:00+09:00');
    const morning = await ad('2026-11-25T09:00:00+09:00');
    const justAfterMorning = await ad('2026-11-25T10:00:00+09:00');

    // Assess
    expect(afternoon.decision).toBe('allow');
    expect(lateMorning).toMatchObject({
      decision: 'defer',
      reason: 'min_ad_gap',
      deferUntil: '2026-11-25T09:00:00.000Z',
    });
    expect(morning.decision).toBe('allow');
    expect(justAfterMorning).toMatchObject({ decision: 'defer', reason: 'min_ad_gap' });
  });

  it('defers past every ad in the way: a gap that ends on the next counted ad moves on past its gap too', async () => {
    // Prepare: ads counted at 10:00, 18:00 and 14:00 KST (each four hours from the next)
    const gate = gateFor(
      singleCapPolicy({ name: 'ads', scope: 'total', window: 'week', limit: 10 }, { minAdGapMinutes: 240 }),
    );
    const userId = freshUser();
    const ad = adsOf(gate, userId);
    for (const at of ['10:00', '18:00', '14:00'])
      expect((await ad(`2026-11-25T${at}:00+09:00`)).decision).toBe('allow');

    // Act: at 12:00 the gaps of the 10:00 and 14:00 ads run to 18:00, where the next ad sits
    const noon = await ad('2026-11-25T12:00:00+09:00');

    // Assess: 22:00 KST, clear of all three
    expect(noon).toMatchObject({
      decision: 'defer',
      reason: 'min_ad_gap',
      deferUntil: '2026-11-25T13:00:00.000Z',
    });
  });

  it('denies a night-time ad rather than hold it to 08:00 of a day whose caps are already full', async () => {
    // Prepare: one ad a day; the ad of Wednesday 10:00 is counted
    const gate = gateFor(
      singleCapPolicy({
        name: 'ads-daily',
        scope: 'total',
        window: 'day',
        limit: 1,
        classes: ['advertising'],
      }),
    );
    const userId = freshUser();
    const consent = (nightAd: boolean) => ({ ad: true, adConsentedAt: '2026-01-01T00:00:00+09:00', nightAd });
    await gate.decide(adRequest({ userId, at: '2026-11-25T10:00:00+09:00', consent: consent(true) }));

    // Act: without night-time consent, at 07:30 that morning, at 22:00 the evening before, and at 22:00 that evening
    const ask = (at: string) => gate.decide(adRequest({ userId, at, consent: consent(false) }));
    const sameMorning = await ask('2026-11-25T07:30:00+09:00');
    const eveningBefore = await ask('2026-11-24T22:00:00+09:00');
    const eveningAfter = await ask('2026-11-25T22:00:00+09:00');

    // Assess: Wednesday is full; Thursday 08:00 is open
    for (const answer of [sameMorning, eveningBefore])
      expect(answer).toMatchObject({ decision: 'deny', reason: 'cap_reached', limitedBy: 'ads-daily' });
    expect(eveningAfter).toMatchObject({
      decision: 'defer',
      reason: 'night_ad_without_consent',
      deferUntil: '2026-11-25T23:00:00.000Z',
    });
  });

  it('holds a retry of a counted ad to 08:00 at night, not denied by its own count', async () => {
    // Prepare: one ad a week; an ad at 20:59 is counted
    const gate = gateFor(
      singleCapPolicy({
        name: 'ads-weekly',
        scope: 'total',
        window: 'week',
        limit: 1,
        classes: ['advertising'],
      }),
    );
    const userId = freshUser();
    const consent = { ad: true, adConsentedAt: '2026-01-01T00:00:00+09:00', nightAd: false };
    const first = adRequest({ userId, at: '2026-11-25T20:59:00+09:00', consent });
    expect((await gate.decide(first)).decision).toBe('allow');

    // Act: its retry comes at 21:01
    const retry = await gate.decide({ ...first, at: '2026-11-25T21:01:00+09:00' });

    // Assess
    expect(retry).toMatchObject({ decision: 'defer', reason: 'night_ad_without_consent' });
  });

  it("defers past the next week's ads when the deferral crosses Monday 00:00", async () => {
    // Prepare: a four-hour gap; ads counted on Sunday 19:00 and Monday 09:00
    const gate = gateFor(
      singleCapPolicy({ name: 'ads', scope: 'total', window: 'week', limit: 10 }, { minAdGapMinutes: 240 }),
    );
    const userId = freshUser();
    const ad = adsOf(gate, userId);
    for (const at of ['2026-11-29T19:00:00+09:00', '2026-11-30T09:00:00+09:00'])
      expect((await ad(at)).decision).toBe('allow');

    // Act: without night consent at Sunday 19:30, the gap ends at 23:00, night ends at 08:00 Monday
    const answer = await gate.decide(
      adRequest({
        userId,
        at: '2026-11-29T19:30:00+09:00',
        consent: { ad: true, adConsentedAt: '2026-01-01T00:00:00+09:00', nightAd: false },
      }),
    );

    // Assess: past the Monday 09:00 ad's gap, 13:00 KST
    expect(answer).toMatchObject({
      decision: 'defer',
      reason: 'min_ad_gap',
      deferUntil: '2026-11-30T04:00:00.000Z',
    });
  });

  it("reads a batch's night-time ads' mornings in its one batched read, not one read an ad", async () => {
    // Prepare
    let single = 0;
    let batched = 0;
    const counting: GateStore = {
      ...store,
      readCounters: (...args) => {
        single++;
        return store.readCounters(...args);
      },
      readCountersMany: (...args) => {
        batched++;
        return store.readCountersMany(...args);
      },
    };
    const gate = createGate({
      store: counting,
      policy: singleCapPolicy({
        name: 'ads-daily',
        scope: 'total',
        window: 'day',
        limit: 1,
        classes: ['advertising'],
      }),
      timeoutMs: 5_000,
      now: beforeEveryAt,
    });
    const consent = { ad: true, adConsentedAt: '2026-01-01T00:00:00+09:00', nightAd: false };
    const requests = [freshUser(), freshUser(), freshUser()].map((userId) =>
      adRequest({ userId, at: '2026-11-25T22:00:00+09:00', consent }),
    );

    // Act
    const answers = await gate.decideBatch(requests);

    // Assess
    expect(answers.map((answer) => answer.reason)).toEqual(Array(3).fill('night_ad_without_consent'));
    expect([single, batched]).toEqual([0, 1]);
  });

  it('denies an ad whose consent lapses before the gap would let it out', async () => {
    // Prepare: consent given two years ago at 11:00 KST; an ad counted at 10:00
    const gate = gateFor(
      singleCapPolicy({ name: 'ads', scope: 'total', window: 'week', limit: 10 }, { minAdGapMinutes: 240 }),
    );
    const userId = freshUser();
    const consent = { ad: true, adConsentedAt: '2024-11-25T11:00:00+09:00', nightAd: true };
    await gate.decide(adRequest({ userId, at: '2026-11-25T10:00:00+09:00', consent }));

    // Act: at 10:30 the gap runs to 14:00, past the consent's two years
    const answer = await gate.decide(adRequest({ userId, at: '2026-11-25T10:30:00+09:00', consent }));

    // Assess
    expect(answer).toMatchObject({ decision: 'deny', reason: 'ad_consent_expired' });
  });

  it('never caps transactional messages and does not count them by default', async () => {
    // Prepare
    const gate = gateFor(singleCapPolicy({ name: 'all-daily', scope: 'total', window: 'day', limit: 1 }));
    const userId = freshUser();
    const tx = (n: number) =>
      gate.decide(
        adRequest({
          userId,
          messageClass: 'transactional',
          category: 'billing',
          channel: 'alimtalk',
          messageId: `tx-${n}`,
        }),
      );

    // Act
    const answers = [await tx(1), await tx(2), await tx(3)];
    const info = await gate.decide(adRequest({ userId, messageClass: 'informational', category: 'notice' }));

    // Assess
    expect(answers.map((answer) => `${answer.decision}:${answer.reason}`)).toEqual([
      'allow:transactional_override',
      'allow:transactional_override',
      'allow:transactional_override',
    ]);
    expect(info.decision).toBe('allow');
  });

  it('counts transactional messages toward caps when the policy says so, still never holding them', async () => {
    // Prepare
    const base = singleCapPolicy({ name: 'all-daily', scope: 'total', window: 'day', limit: 1 });
    const gate = gateFor({ ...base, transactional: { countTowardCaps: true } });
    const userId = freshUser();

    // Act
    const tx1 = await gate.decide(adRequest({ userId, messageClass: 'transactional', category: 'billing' }));
    const tx2 = await gate.decide(adRequest({ userId, messageClass: 'transactional', category: 'billing' }));
    const info = await gate.decide(adRequest({ userId, messageClass: 'informational', category: 'notice' }));

    // Assess
    expect([tx1.decision, tx2.decision]).toEqual(['allow', 'allow']);
    expect(info).toMatchObject({ decision: 'deny', reason: 'cap_reached' });
  });

  it('denies a category the tier may not receive, without counting it', async () => {
    // Prepare: users without a tier record get the default tier (mid), which may not get `comeback`
    const gate = gateFor(policyWith());
    const userId = freshUser();

    // Act
    const answer = await gate.decide(adRequest({ userId, category: 'comeback' }));

    // Assess
    expect(answer).toMatchObject({ decision: 'deny', reason: 'category_not_allowed', tier: 'mid' });
  });

  it('backs off further for low-tier users who stopped engaging', async () => {
    // Prepare: low tier allows 2 pushes a day; idle for 20 days = 2 steps = caps x0.25 -> 0
    const policy = policyWith();
    const gate = gateFor(policy);
    const [engaged, idle] = [freshUser(), freshUser()];
    await store.writeTiers([
      { userId: engaged, record: { tier: 'low' } },
      { userId: idle, record: { tier: 'low', idleSince: '2026-11-04' } },
    ]);
    const notice = (userId: string) =>
      gate.decide(
        adRequest({
          userId,
          messageClass: 'informational',
          category: 'notice',
          at: '2026-11-24T10:00:00+09:00',
        }),
      );

    // Act
    const engagedAnswer = await notice(engaged);
    const idleAnswer = await notice(idle);
    const idleTier = await createGate({
      store,
      policy,
      timeoutMs: 5_000,
      now: () => new Date('2026-11-24T01:00:00Z'),
    }).userTier(idle);

    // Assess
    expect(engagedAnswer.decision).toBe('allow');
    expect(idleAnswer).toMatchObject({ decision: 'deny', reason: 'cap_reached', tier: 'low' });
    expect(idleAnswer.caps.find((cap) => cap.name === 'push-daily')?.limit).toBe(0);
    expect(idleTier).toMatchObject({ tier: 'low', stored: true, backoffSteps: 2 });
  });
});

describe('idempotency and concurrency', () => {
  it('answers a retried message id the same and counts it once', async () => {
    // Prepare
    const gate = gateFor(singleCapPolicy({ name: 'weekly', scope: 'total', window: 'week', limit: 5 }));
    const userId = freshUser();
    const request = adRequest({
      userId,
      messageClass: 'informational',
      category: 'notice',
      messageId: 'same',
    });

    // Act
    const first = await gate.decide(request);
    const retry = await gate.decide(request);
    const other = await gate.decide({ ...request, messageId: 'other' });

    // Assess
    expect(retry).toMatchObject({
      decision: first.decision,
      reason: first.reason,
      tier: first.tier,
      replayed: true,
    });
    expect(first.replayed).toBeUndefined();
    expect(first.caps[0]?.used).toBe(1);
    expect(other.caps[0]?.used).toBe(2);
  });

  it('denies a counted message id reused on another message, which would otherwise pass every cap', async () => {
    // Prepare: an informational notice counted under "m-1"; the daily cap is then full
    const gate = gateFor(singleCapPolicy({ name: 'daily', scope: 'total', window: 'day', limit: 1 }));
    const userId = freshUser();
    const notice = adRequest({ userId, messageClass: 'informational', category: 'notice', messageId: 'm-1' });
    await gate.decide(notice);

    // Act: the same id on an ad, on another channel, on another campaign; then a retry, sent later
    const reused = await Promise.all([
      gate.decide(adRequest({ userId, messageId: 'm-1' })),
      gate.decide({ ...notice, channel: 'sms' }),
      gate.decide({ ...notice, campaignId: 'c-other' }),
    ]);
    const retry = await gate.decide({ ...notice, at: '2026-11-24T15:00:00+09:00' });

    // Assess
    for (const answer of reused)
      expect(answer).toMatchObject({
        decision: 'deny',
        reason: 'message_id_reused',
        caps: [{ name: 'daily', used: 1 }],
      });
    expect(retry).toMatchObject({
      decision: 'allow',
      reason: 'under_caps',
      caps: [{ name: 'daily', used: 1 }],
    });
  });

  it('answers an outcome kept before messages were fingerprinted as the retry it most likely is', async () => {
    // Prepare: a counted outcome as an earlier version wrote it (no message digest)
    const policy = singleCapPolicy({ name: 'weekly', scope: 'total', window: 'week', limit: 5 });
    const userId = freshUser();
    const at = '2026-11-24T10:00:00+09:00';
    await store.reserve({
      userId,
      week: '2026-11-23',
      messageId: 'old',
      checks: [],
      increments: ['w:weekly:*'],
      outcome: 'allow|under_caps|mid|',
      expiresAt: Math.floor(Date.now() / 1000) + 86_400,
    });

    // Act
    const retry = await gateFor(policy).decide(
      adRequest({ userId, messageClass: 'informational', messageId: 'old', at }),
    );

    // Assess: answered from the record, not counted again
    expect(retry).toMatchObject({
      decision: 'allow',
      reason: 'under_caps',
      caps: [{ name: 'weekly', used: 1 }],
    });
  });

  it('answers a retry that crosses Monday 00:00 KST from last week and counts it once', async () => {
    // Prepare
    const gate = gateFor(singleCapPolicy({ name: 'weekly', scope: 'total', window: 'week', limit: 5 }));
    const userId = freshUser();
    const send = (messageId: string, at: string) =>
      gate.decide(adRequest({ userId, messageClass: 'informational', category: 'notice', messageId, at }));

    // Act
    const first = await send('edge', '2026-11-29T23:59:30+09:00');
    const retry = await send('edge', '2026-11-30T00:00:10+09:00');
    const next = await send('fresh', '2026-11-30T00:01:00+09:00');

    // Assess
    expect(first).toMatchObject({ decision: 'allow', reason: 'under_caps' });
    expect(retry).toMatchObject({ decision: 'allow', reason: 'under_caps' });
    expect(next.caps[0]?.used).toBe(1);
  });

  it('keeps no record of a denial: a retry once the window has room is decided afresh', async () => {
    // Prepare
    const gate = gateFor(singleCapPolicy({ name: 'daily', scope: 'total', window: 'day', limit: 1 }));
    const userId = freshUser();
    await gate.decide(adRequest({ userId, messageClass: 'informational', at: '2026-11-24T09:00:00+09:00' }));
    const late = { userId, messageClass: 'informational' as const, messageId: 'late' };
    const denied = await gate.decide(adRequest({ ...late, at: '2026-11-24T10:00:00+09:00' }));

    // Act: the same message retried the next day, same week
    const retry = await gate.decide(adRequest({ ...late, at: '2026-11-25T10:00:00+09:00' }));

    // Assess
    expect(denied).toMatchObject({ decision: 'deny', reason: 'cap_reached', limitedBy: 'daily' });
    expect(retry).toMatchObject({ decision: 'allow', caps: [{ name: 'daily', used: 1 }] });
  });

  it('keeps a user at every cap to a few KB however many requests and however long their ids', async () => {
    // Prepare: the shipped policy's largest caps (a high-tier user), the longest ids allowed
    await store.writeTiers([{ userId: 'busy', record: { tier: 'high' } }]);
    const gate = gateFor(policyWith());
    const longId = (i: number) => `${'x'.repeat(120)}-${String(i).padStart(6, '0')}`;
    const classes = ['informational', 'advertising'] as const;
    const categories = ['notice', 'content', 'community', 'benefit', 'event'];
    const channels = ['push', 'sms', 'friendtalk'];

    // Act: 3,000 requests over one Seoul week, each a new message; most are denied
    for (let i = 0; i < 3_000; i++) {
      const day = 23 + (i % 7);
      await gate.decide(
        adRequest({
          userId: 'busy',
          messageId: longId(i),
          campaignId: longId(i),
          messageClass: classes[i % 2]!,
          category: categories[i % categories.length]!,
          channel: channels[i % channels.length]!,
          consent: { ad: true, adConsentedAt: '2026-01-01', nightAd: true },
          at: `2026-11-${day}T${String(8 + (i % 12)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:00+09:00`,
        }),
      );
    }
    const { Item } = await dynamo.documentClient.send(
      new GetCommand({
        TableName: dynamo.tableNames.gate,
        Key: { pk: 'USER#busy', sk: 'COUNTERS#2026-11-23' },
      }),
    );

    // Assess: DynamoDB sizes an item as its attribute names plus their values
    const size = Object.entries(Item ?? {}).reduce(
      (sum, [name, value]) =>
        sum + name.length + (value instanceof Set ? value.size * 21 : String(value).length),
      0,
    );
    expect(Item).toBeDefined();
    expect(size).toBeLessThan(4_096);
  });

  it('never exceeds a cap of 5 under 50 parallel requests for one user', async () => {
    // Prepare
    const gate = gateFor(singleCapPolicy({ name: 'weekly', scope: 'total', window: 'week', limit: 5 }));
    const userId = freshUser();
    const requests = Array.from({ length: 50 }, (_, i) =>
      adRequest({ userId, messageClass: 'informational', category: 'notice', messageId: `p-${i}` }),
    );

    // Act
    const answers = await Promise.all(requests.map((request) => gate.decide(request)));
    const batch = await gate.decideBatch(
      requests.map((request) => ({ ...request, messageId: `b-${request.messageId}` })),
    );

    // Assess
    expect(answers.filter((answer) => answer.decision === 'allow')).toHaveLength(5);
    expect(answers.filter((answer) => answer.reason === 'cap_reached')).toHaveLength(45);
    expect(batch.filter((answer) => answer.decision === 'allow')).toHaveLength(0);
  });

  it('answers a batch in order, one answer per request', async () => {
    // Prepare
    const gate = gateFor(singleCapPolicy({ name: 'daily', scope: 'total', window: 'day', limit: 1 }));
    const [a, b] = [freshUser(), freshUser()];
    const requests = [
      adRequest({ userId: a, messageClass: 'informational' }),
      adRequest({ userId: a, channel: 'alimtalk' }),
      adRequest({ userId: b, messageClass: 'informational' }),
      adRequest({ userId: a, messageClass: 'informational' }),
    ];

    // Act
    const answers = await gate.decideBatch(requests);

    // Assess
    expect(answers.map((answer) => answer.reason)).toEqual([
      'under_caps',
      'ad_on_alimtalk',
      'under_caps',
      'cap_reached',
    ]);
  });
});

describe("a batch reads its ads' weeks at once", () => {
  const gapPolicy = () =>
    singleCapPolicy({ name: 'ads', scope: 'total', window: 'week', limit: 10 }, { minAdGapMinutes: 240 });
  /** The embedded store, counting the calls that read counters. */
  const counted = (inner: GateStore = store) => {
    const calls = { readCounters: 0, readCountersMany: 0, reads: 0 };
    const wrapped: GateStore = {
      ...inner,
      readCounters: (...args) => {
        calls.readCounters++;
        return inner.readCounters(...args);
      },
      readCountersMany: (reads, signal) => {
        calls.readCountersMany++;
        calls.reads += reads.length;
        return inner.readCountersMany(reads, signal);
      },
    };
    return { wrapped, calls };
  };

  it('makes one batched read for every ad, and answers as one decision at a time would', async () => {
    // Prepare: one user with an ad an hour ago, one retrying a counted ad, 150 with nothing this week
    const { wrapped, calls } = counted();
    const gate = createGate({ store: wrapped, policy: gapPolicy(), timeoutMs: 5_000, now: beforeEveryAt });
    const [recent, retrying] = [freshUser(), freshUser()];
    const earlier = await gate.decide(adRequest({ userId: recent, at: '2026-11-24T09:00:00+09:00' }));
    const retried = adRequest({ userId: retrying, at: '2026-11-24T08:00:00+09:00' });
    const first = await gate.decide(retried);
    const fresh = Array.from({ length: 150 }, () => adRequest({ userId: freshUser() }));
    // Refused before any store: nothing to read for it.
    const unconsented = adRequest({ userId: freshUser(), consent: { ad: false, nightAd: false } });
    calls.readCounters = 0;

    // Act
    const answers = await gate.decideBatch([adRequest({ userId: recent }), retried, ...fresh, unconsented]);

    // Assess
    expect([earlier.decision, first.decision]).toEqual(['allow', 'allow']);
    expect(answers[0]).toMatchObject({ decision: 'defer', reason: 'min_ad_gap' });
    expect(answers[1]).toMatchObject({ decision: 'allow', reason: 'under_caps' });
    expect(answers.slice(2, -1).every((answer) => answer.decision === 'allow')).toBe(true);
    expect(answers.at(-1)).toMatchObject({ decision: 'deny', reason: 'no_ad_consent' });
    expect(calls).toEqual({ readCounters: 0, readCountersMany: 1, reads: 152 });
  });

  it('reads nothing ahead when no tier keeps a gap: those ads go straight to their write', async () => {
    // Prepare
    const { wrapped, calls } = counted();
    const noGap = singleCapPolicy({ name: 'ads', scope: 'total', window: 'week', limit: 10 });
    const gate = createGate({ store: wrapped, policy: noGap, timeoutMs: 5_000, now: beforeEveryAt });

    // Act
    const answers = await gate.decideBatch([
      adRequest({ userId: freshUser() }),
      adRequest({ userId: freshUser() }),
    ]);

    // Assess
    expect(answers.map((answer) => answer.reason)).toEqual(['under_caps', 'under_caps']);
    expect(calls).toEqual({ readCounters: 0, readCountersMany: 0, reads: 0 });
  });

  it("judges an ad on its own week's item when the clock passes Monday 00:00 during the batch", async () => {
    // Prepare: counted ads on Sunday 23:00 and Monday 10:00; the batch starts at Sunday 23:59:59.9
    // and the clock passes midnight while the tiers are read, so the batched read is of Monday's week
    let clock = new Date('2026-11-29T23:59:59.900+09:00');
    const moving: GateStore = {
      ...store,
      readTiers: async (...args) => {
        const tiers = await store.readTiers(...args);
        clock = new Date('2026-11-30T00:00:00.100+09:00');
        return tiers;
      },
    };
    const gate = createGate({ store: moving, policy: gapPolicy(), timeoutMs: 5_000, now: () => clock });
    const userId = freshUser();
    const consent = { ad: true, adConsentedAt: '2026-01-01T00:00:00+09:00', nightAd: true };
    const sunday = await gate.decide(adRequest({ userId, consent, at: '2026-11-29T23:00:00+09:00' }));
    const monday = await gate.decide(adRequest({ userId, consent, at: '2026-11-30T10:00:00+09:00' }));
    clock = new Date('2026-11-29T23:59:59.900+09:00');

    // Act: planned for now, Sunday 23:59:59.9 by the decision's clock, an hour after Sunday's ad
    const [answer] = await gate.decideBatch([adRequest({ userId, consent, at: undefined })]);

    // Assess
    expect([sunday.decision, monday.decision]).toEqual(['allow', 'allow']);
    expect(answer).toMatchObject({ decision: 'defer', reason: 'min_ad_gap' });
  });

  it('answers every ad by the deadline when the batched read never comes back', async () => {
    // Prepare
    const hung: GateStore = { ...store, readCountersMany: () => new Promise(() => {}) };
    const gate = createGate({
      store: hung,
      policy: gapPolicy(),
      timeoutMs: 5_000,
      batchTimeoutMs: 300,
      now: beforeEveryAt,
    });
    const started = Date.now();

    // Act
    const answers = await gate.decideBatch([
      adRequest({ userId: freshUser() }),
      adRequest({ userId: freshUser() }),
    ]);

    // Assess
    expect(answers.map((answer) => `${answer.decision}:${answer.reason}:${answer.cause}`)).toEqual([
      'deny:gate_unavailable:timeout',
      'deny:gate_unavailable:timeout',
    ]);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('lets one of two ads of one user through, though both were judged on the same read', async () => {
    // Prepare
    const { wrapped, calls } = counted();
    const gate = createGate({ store: wrapped, policy: gapPolicy(), timeoutMs: 5_000, now: beforeEveryAt });
    const userId = freshUser();

    // Act
    const answers = await gate.decideBatch([
      adRequest({ userId, at: '2026-11-24T10:00:00+09:00' }),
      adRequest({ userId, at: '2026-11-24T10:30:00+09:00' }),
    ]);

    // Assess: the loser's write failed on the ads' version, and it read the week again
    expect(answers.map((answer) => answer.decision).sort()).toEqual(['allow', 'defer']);
    expect(answers.find((answer) => answer.decision === 'defer')?.reason).toBe('min_ad_gap');
    expect(calls).toEqual({ readCounters: 1, readCountersMany: 1, reads: 2 });
  });

  it('falls back to a read per ad when the batched read fails: a lost head start, not a lost answer', async () => {
    // Prepare
    const failing: GateStore = {
      ...store,
      readCountersMany: async () => {
        throw new StoreUnavailableError('gate store read counters: throttled', { failure: 'throttled' });
      },
    };
    const { wrapped, calls } = counted(failing);
    const gate = createGate({ store: wrapped, policy: gapPolicy(), timeoutMs: 5_000, now: beforeEveryAt });

    // Act
    const answers = await gate.decideBatch([
      adRequest({ userId: freshUser() }),
      adRequest({ userId: freshUser() }),
    ]);

    // Assess
    expect(answers.map((answer) => answer.reason)).toEqual(['under_caps', 'under_caps']);
    expect(calls.readCounters).toBe(2);
  });
});

describe('store unavailable', () => {
  let silent: Server;
  let silentEndpoint: string;
  const sockets = new Set<Socket>();
  beforeAll(async () => {
    // Accepts connections and never answers: the worst kind of store outage.
    silent = createServer((socket) => {
      sockets.add(socket);
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    silentEndpoint = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });

  it('answers within the timeout: transactional allowed, advertising denied, informational deferred', async () => {
    // Prepare
    const client = new DynamoDBClient({
      endpoint: silentEndpoint,
      region: 'local',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });
    const hungStore = createDynamoGateStore({
      documentClient: DynamoDBDocumentClient.from(client),
      tableName: 'gate',
    });
    const gate = createGate({ store: hungStore, policy: policyWith(), timeoutMs: 150, now: beforeEveryAt });
    const started = Date.now();

    // Act
    const answers = await Promise.all(
      (['transactional', 'advertising', 'informational'] as const).map((messageClass) =>
        gate.decide(adRequest({ messageClass, category: 'notice' })),
      ),
    );
    const waited = Date.now() - started;
    client.destroy();

    // Assess
    expect(
      answers.map((answer) => `${answer.decision}:${answer.reason}:${answer.cause}:${answer.tier}`),
    ).toEqual([
      'allow:gate_unavailable:timeout:unknown',
      'deny:gate_unavailable:timeout:unknown',
      'defer:gate_unavailable:timeout:unknown',
    ]);
    expect(waited).toBeLessThan(2_000);
  });

  it('still applies the legal checks when the store is down', async () => {
    // Prepare
    const down = await startEmbeddedDynamo();
    const downStore = createDynamoGateStore({
      documentClient: down.documentClient,
      tableName: down.tableNames.gate,
    });
    await down.close();
    const gate = createGate({ store: downStore, policy: policyWith(), timeoutMs: 500, now: testNow });

    // Act
    const night = await gate.decide(adRequest({ at: '2026-11-24T22:00:00+09:00' }));
    const day = await gate.decide(adRequest());

    // Assess
    expect(night).toMatchObject({ decision: 'defer', reason: 'night_ad_without_consent' });
    expect(day).toMatchObject({ decision: 'deny', reason: 'gate_unavailable' });
  });
});

/** One counted send's write, for the tests that look at the call rather than its condition. */
const A_RESERVATION: Reservation = {
  userId: 'u',
  week: '2026-11-23',
  messageId: 'm',
  checks: [],
  increments: ['w:all:*'],
  outcome: 'allow|under_caps|mid|',
  expiresAt: 0,
};

describe('store failures, by cause (DynamoDB mocked: throttling has no local engine)', () => {
  it.each([
    ['ThrottlingException', 'throttled'],
    ['ProvisionedThroughputExceededException', 'throttled'],
    ['AbortError', 'timeout'],
    ['InternalServerError', 'store_error'],
  ])('reports %s as %s, with the error as its cause', async (name, failure) => {
    // Prepare
    const mocked = mockClient(DynamoDBDocumentClient);
    const error = Object.assign(new Error(`${name} happened`), { name });
    mocked.on(UpdateCommand).rejects(error);
    const failing = createDynamoGateStore({
      documentClient: DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'local' })),
      tableName: 'gate',
    });

    // Act
    const thrown = await failing.reserve(A_RESERVATION).catch((caught: unknown) => caught);
    const markThrown = await failing
      .markAd({ userId: 'u', week: '2026-11-30', at: 1, messageId: 'm', version: 0, expiresAt: 0 })
      .catch((caught: unknown) => caught);
    mocked.restore();

    // Assess
    expect(thrown).toBeInstanceOf(StoreUnavailableError);
    expect(thrown).toMatchObject({ failure, cause: error });
    expect(markThrown).toMatchObject({ failure, cause: error, message: expect.stringContaining('mark ad') });
  });

  it('reads tier keys a batched read left unprocessed again, and gives up naming throttling', async () => {
    // Prepare: the first answer leaves all but one key unprocessed, the next answers the rest
    const mocked = mockClient(DynamoDBDocumentClient);
    let calls = 0;
    mocked.on(BatchGetCommand).callsFake((input: { RequestItems: Record<string, { Keys: object[] }> }) => {
      const keys = input.RequestItems.gate!.Keys as { pk: string; sk: string }[];
      calls++;
      const item = (key: { pk: string }) => ({ pk: key.pk, tier: key.pk === 'USER#a' ? 'high' : 'low' });
      return calls === 1
        ? { Responses: { gate: [item(keys[0]!)] }, UnprocessedKeys: { gate: { Keys: keys.slice(1) } } }
        : { Responses: { gate: keys.map(item) } };
    });
    const documentClient = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'local' }));
    const retrying = createDynamoGateStore({ documentClient, tableName: 'gate', retryBaseMs: 1 });

    // Act
    const tiers = await retrying.readTiers(['a', 'b', 'c']);
    mocked.reset();
    mocked
      .on(BatchGetCommand)
      .callsFake((input: { RequestItems: object }) => ({ UnprocessedKeys: input.RequestItems }));
    const thrown = await retrying.readTiers(['a']).catch((caught: unknown) => caught);
    mocked.restore();

    // Assess
    expect(calls).toBe(2);
    expect(Object.fromEntries([...tiers].map(([id, record]) => [id, record.tier]))).toEqual({
      a: 'high',
      b: 'low',
      c: 'low',
    });
    expect(thrown).toBeInstanceOf(StoreUnavailableError);
    expect(thrown).toMatchObject({
      failure: 'throttled',
      message: 'gate store read tiers: keys left unprocessed',
    });
  });

  it('reads counters consistently in one call and leaves the keys it could not read to their decisions', async () => {
    // Prepare: the answer holds user a's week (with message m's outcome) and leaves c unprocessed
    const mocked = mockClient(DynamoDBDocumentClient);
    mocked.on(BatchGetCommand).resolves({
      Responses: { gate: [{ pk: 'USER#a', sk: 'COUNTERS#2026-11-23', 'w:ads:*': 2, adv: 2 }] },
      UnprocessedKeys: { gate: { Keys: [{ pk: 'USER#c', sk: 'COUNTERS#2026-11-23' }] } },
    });
    const documentClient = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'local' }));
    const batched = createDynamoGateStore({ documentClient, tableName: 'gate', retryBaseMs: 1 });

    // Act
    const snapshots = await batched.readCountersMany(
      ['a', 'b', 'c'].map((userId) => ({ userId, week: '2026-11-23' as const, messageId: 'm' })),
    );
    const sent = mocked.commandCalls(BatchGetCommand).map((call) => call.args[0].input.RequestItems?.gate);
    mocked.restore();

    // Assess
    expect(snapshots).toEqual([
      { counts: { 'w:ads:*': 2 }, ads: [], adsVersion: 2 },
      { counts: {}, ads: [], adsVersion: 0 },
      undefined,
    ]);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ ConsistentRead: true });
  });

  it("hands the deadline's signal to every call: it is what stops the SDK's retries at the deadline", async () => {
    // Prepare
    const mocked = mockClient(DynamoDBDocumentClient);
    mocked.on(GetCommand).resolves({});
    mocked.on(UpdateCommand).resolves({ Attributes: {} });
    mocked.on(BatchGetCommand).resolves({ Responses: {} });
    const store = createDynamoGateStore({
      documentClient: DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'local' })),
      tableName: 'gate',
    });
    const { signal } = new AbortController();

    // Act
    await store.readTier('u', signal);
    await store.readTiers(['u', 'v'], signal);
    await store.readCounters('u', '2026-11-23', 'm', signal);
    await store.readCountersMany([{ userId: 'u', week: '2026-11-23', messageId: 'm' }], signal);
    await store.reserve(A_RESERVATION, signal);
    const signals = mocked
      .calls()
      // The stub's type lists the command only; the SDK's send also takes its options second.
      .map((call) => (call.args as unknown[])[1] as { abortSignal?: AbortSignal } | undefined)
      .map((options) => options?.abortSignal);
    mocked.restore();

    // Assess
    expect(signals).toHaveLength(5);
    for (const handed of signals) expect(handed).toBe(signal);
  });
});
