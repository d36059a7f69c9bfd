import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedDynamo, startEmbeddedDynamo } from '#shared/adapters/dynamo/embedded.ts';
import { createDynamoGateStore } from '#shared/adapters/dynamo/gate-store.ts';
import type { UserEngagement } from '#shared/domain/engagement.ts';
import { DEFAULT_POLICY } from '#shared/gate/default-policy.ts';
import { createMemoryGateStore } from '#shared/gate/memory-store.ts';
import { backoffSteps, nextTierRecord, tierOf } from '#shared/gate/tiers.ts';
import type { MetricsSource } from '#shared/ports/metrics-source.ts';
import { describeRefresh, refreshTiers } from '#shared/use-cases/refresh-tiers.ts';

const AS_OF = '2026-11-23';
/** The clock of refreshes for days after this test was written (a day not over yet is refused). */
const LATER = () => new Date('2027-06-01T00:00:00+09:00');
const user = (userId: string, featureUses: number, firstSeen = '2026-01-01'): UserEngagement => ({
  userId,
  featureUses,
  firstSeen,
  activeDays: Math.min(featureUses, 30),
});

/** A metrics source that hands out the given users in pages, and remembers the window it was asked for. */
function fakeSource(users: UserEngagement[], pageSize = 100) {
  const asked: { from: string; to: string }[] = [];
  const source: Pick<MetricsSource, 'readEngagement'> = {
    async *readEngagement(range) {
      asked.push(range);
      for (let i = 0; i < users.length; i += pageSize) yield users.slice(i, i + pageSize);
    },
  };
  return { source, asked };
}

describe('tiers from engagement (default policy: mid from 2 uses, high from 10, default mid)', () => {
  it.each([
    ['no uses', user('a', 0), 'low'],
    ['1 use', user('a', 1), 'low'],
    ['2 uses', user('a', 2), 'mid'],
    ['10 uses', user('a', 10), 'high'],
    ['new user, 0 uses in 3 days: not punished below the default', user('a', 0, '2026-11-21'), 'mid'],
    ['new user, 2 uses in 3 days: pace 20 a month', user('a', 2, '2026-11-21'), 'high'],
    ['first seen 14 days ago is no longer new', user('a', 0, '2026-11-09'), 'low'],
  ])('%s', (_case, engagement, expected) => {
    // Act
    const tier = tierOf(engagement, AS_OF, DEFAULT_POLICY);

    // Assess
    expect(tier).toBe(expected);
  });

  it('marks idle low users once and keeps the day they went idle, so back-off grows without writes', () => {
    // Prepare
    const idle = user('a', 0);

    // Act
    const first = nextTierRecord(idle, AS_OF, DEFAULT_POLICY, undefined);
    const later = nextTierRecord(idle, '2026-12-20', DEFAULT_POLICY, first);
    const engagedAgain = nextTierRecord(user('a', 1), '2026-12-21', DEFAULT_POLICY, later);

    // Assess
    expect(first).toEqual({ tier: 'low', idleSince: AS_OF, firstSeen: '2026-01-01' });
    expect(later).toEqual(first);
    expect([
      backoffSteps(first, AS_OF, DEFAULT_POLICY),
      backoffSteps(first, '2026-12-08', DEFAULT_POLICY),
    ]).toEqual([1, 2]);
    expect(engagedAgain).toEqual({ tier: 'low', firstSeen: '2026-01-01' });
  });
});

describe('tier refresh on the embedded store', () => {
  let dynamo: EmbeddedDynamo;
  beforeAll(async () => {
    dynamo = await startEmbeddedDynamo();
  });
  afterAll(async () => {
    await dynamo.close();
  });

  it('writes the tiers that changed and a first record for each new user, and reports the moves', async () => {
    // Prepare: 250 users (3 read batches); 100 engaged (high), 100 casual (mid = default), 50 idle (low)
    const store = createDynamoGateStore({
      documentClient: dynamo.documentClient,
      tableName: dynamo.tableNames.gate,
    });
    const day1 = [
      ...Array.from({ length: 100 }, (_, i) => user(`h${i}`, 12)),
      ...Array.from({ length: 100 }, (_, i) => user(`m${i}`, 3)),
      ...Array.from({ length: 50 }, (_, i) => user(`l${i}`, 0)),
    ];
    const { source, asked } = fakeSource(day1, 60);

    // Act
    const first = await refreshTiers({ source, store, policy: DEFAULT_POLICY, asOf: AS_OF });
    const again = await refreshTiers({
      source: fakeSource(day1).source,
      store,
      policy: DEFAULT_POLICY,
      asOf: AS_OF,
    });
    // Next day: 10 high users drop to mid, 5 idle users come back to mid.
    const day2 = day1.map((u) =>
      /^h[0-9]$/.test(u.userId) ? user(u.userId, 3) : /^l[0-4]$/.test(u.userId) ? user(u.userId, 2) : u,
    );
    const second = await refreshTiers({
      source: fakeSource(day2).source,
      store,
      policy: DEFAULT_POLICY,
      asOf: '2026-11-24',
    });
    const stored = await store.readTiers(['h0', 'h50', 'm0', 'l0', 'l10']);

    // Assess
    // The window, and the week before it where users who left it are found.
    expect(asked).toEqual([{ from: '2026-10-18', to: AS_OF, usesFrom: '2026-10-25' }]);
    expect(first).toMatchObject({
      usersRead: 250,
      written: 250,
      unchanged: 0,
      movements: { 'mid->high': 100, 'mid->low': 50 },
    });
    expect(again).toMatchObject({ usersRead: 250, written: 0, unchanged: 250, movements: {} });
    expect(second).toMatchObject({ written: 15, movements: { 'high->mid': 10, 'low->mid': 5 } });
    expect(describeRefresh(second)).toContain('15 moved (high->mid 10, low->mid 5)');
    expect(Object.fromEntries([...stored].map(([id, record]) => [id, record.tier]))).toEqual({
      h0: 'mid',
      h50: 'high',
      m0: 'mid',
      l0: 'mid',
      l10: 'low',
    });
    expect(stored.get('l10')?.idleSince).toBe(AS_OF);
  });

  it('moves a user who left the window to the tier of zero uses', async () => {
    // Prepare: a high user, then a refresh where all their uses fall before the window
    const store = createDynamoGateStore({
      documentClient: dynamo.documentClient,
      tableName: dynamo.tableNames.gate,
    });
    await refreshTiers({
      source: fakeSource([user('gone', 40)]).source,
      store,
      policy: DEFAULT_POLICY,
      asOf: AS_OF,
    });

    // Act: the lake lists them from the catch-up days only, with no uses in the window
    const later = await refreshTiers({
      source: fakeSource([user('gone', 0)]).source,
      store,
      policy: DEFAULT_POLICY,
      asOf: '2026-12-24',
      now: LATER,
    });
    const stored = await store.readTier('gone');

    // Assess
    expect(later.movements).toEqual({ 'high->low': 1 });
    expect(stored).toMatchObject({ tier: 'low', idleSince: '2026-12-24' });
  });

  it('keeps a user first seen long ago as not new when they come back after a gap', async () => {
    // Prepare: seen in January, then away
    const store = createDynamoGateStore({
      documentClient: dynamo.documentClient,
      tableName: dynamo.tableNames.gate,
    });
    await refreshTiers({
      source: fakeSource([user('back', 1, '2026-01-05')]).source,
      store,
      policy: DEFAULT_POLICY,
      asOf: '2026-02-01',
    });

    // Act: back three days before the refresh, one use; the window alone would call them new (mid)
    const result = await refreshTiers({
      source: fakeSource([user('back', 1, '2026-11-21')]).source,
      store,
      policy: DEFAULT_POLICY,
      asOf: AS_OF,
    });
    const stored = await store.readTier('back');

    // Assess
    expect(result.unchanged).toBe(1);
    expect(stored).toMatchObject({ tier: 'low', firstSeen: '2026-01-05' });
  });

  it('retries items the store left unprocessed', async () => {
    // Prepare: the real engine, with the first batch write answering that half its items were not processed
    let dropped = 0;
    const flaky = {
      send: async (command: unknown, options?: unknown) => {
        if (command instanceof BatchWriteCommand && dropped === 0) {
          const [table, requests] = Object.entries(command.input.RequestItems ?? {})[0]!;
          const kept = requests.slice(0, 10);
          dropped = requests.length - kept.length;
          await dynamo.documentClient.send(new BatchWriteCommand({ RequestItems: { [table]: kept } }));
          return { UnprocessedItems: { [table]: requests.slice(10) } };
        }
        return dynamo.documentClient.send(command as never, options as never);
      },
    } as unknown as DynamoDBDocumentClient;
    const store = createDynamoGateStore({
      documentClient: flaky,
      tableName: dynamo.tableNames.gate,
      retryBaseMs: 1,
    });
    const users = Array.from({ length: 25 }, (_, i) => user(`retry${i}`, 20));

    // Act
    const result = await refreshTiers({
      source: fakeSource(users).source,
      store,
      policy: DEFAULT_POLICY,
      asOf: AS_OF,
    });
    const stored = await store.readTiers(users.map((u) => u.userId));

    // Assess
    expect(dropped).toBe(15);
    expect(result.written).toBe(25);
    expect(stored.size).toBe(25);
  });
});

describe('tier refresh after refreshes were skipped', () => {
  let dynamo: EmbeddedDynamo;
  beforeAll(async () => {
    dynamo = await startEmbeddedDynamo();
  });
  afterAll(async () => {
    await dynamo.close();
  });

  it("moves users last seen in the last refresh's window to the tier of zero uses, however long ago", async () => {
    // Prepare: a lake of users by their last day of use (uses counted only inside the window asked for)
    const lastUse: Record<string, { day: string; uses: number }> = {
      casual: { day: '2026-09-15', uses: 5 },
      fan: { day: '2026-09-20', uses: 12 },
      back: { day: '2026-11-30', uses: 3 },
    };
    const lake: Pick<MetricsSource, 'readEngagement'> = {
      async *readEngagement({ from, to, usesFrom }) {
        yield Object.entries(lastUse)
          .filter(([, seen]) => seen.day >= from && seen.day <= to)
          .map(([userId, seen]) => user(userId, seen.day >= (usesFrom ?? from) ? seen.uses : 0));
      },
    };
    const store = createDynamoGateStore({
      documentClient: dynamo.documentClient,
      tableName: dynamo.tableNames.gate,
    });
    await refreshTiers({ source: lake, store, policy: DEFAULT_POLICY, asOf: '2026-10-01' });
    const before = await store.readTiers(['casual', 'fan']);

    // Act: the next refresh comes two months later, long past the week of catch-up days
    const later = await refreshTiers({
      source: lake,
      store,
      policy: DEFAULT_POLICY,
      asOf: '2026-12-02',
      now: LATER,
    });
    const after = await store.readTiers(['casual', 'fan', 'back']);

    // Assess
    expect(Object.fromEntries([...before].map(([id, r]) => [id, r.tier]))).toEqual({
      casual: 'mid',
      fan: 'high',
    });
    expect(later.seenFrom).toBe('2026-09-02');
    expect(later.movements).toEqual({ 'high->low': 1, 'mid->low': 1 });
    expect(Object.fromEntries([...after].map(([id, r]) => [id, r.tier]))).toEqual({
      casual: 'low',
      fan: 'low',
      back: 'mid',
    });
    expect(await store.lastTierRefresh()).toBe('2026-12-02');
    expect(describeRefresh(later)).toContain('tiers 2026-11-03..2026-12-02 (users seen since 2026-09-02)');
  });

  it('looks back at most a year, however long ago the last refresh ran', async () => {
    // Prepare
    const store = createMemoryGateStore();
    await store.recordTierRefresh('2024-01-31');
    const { source, asked } = fakeSource([]);

    // Act
    const result = await refreshTiers({ source, store, policy: DEFAULT_POLICY, asOf: '2026-11-23' });

    // Assess
    expect(result.seenFrom).toBe('2025-10-25');
    expect(asked[0]).toMatchObject({ from: '2025-10-25', to: '2026-11-23' });
  });

  it('keeps the latest refresh recorded when an earlier day is refreshed again', async () => {
    // Prepare
    const store = createDynamoGateStore({
      documentClient: dynamo.documentClient,
      tableName: dynamo.tableNames.gate,
    });
    await store.recordTierRefresh('2026-12-10');

    // Act
    await refreshTiers({
      source: fakeSource([]).source,
      store,
      policy: DEFAULT_POLICY,
      asOf: '2026-12-05',
      now: LATER,
    });

    // Assess
    expect(await store.lastTierRefresh()).toBe('2026-12-10');
  });
});
