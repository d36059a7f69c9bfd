import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { type StoreFailure, StoreUnavailableError } from '#shared/errors.ts';
import { rememberedDigest } from '#shared/gate/outcome-codec.ts';
import type { Tier } from '#shared/gate/policy.ts';
import type { TierRecord } from '#shared/gate/tiers.ts';
import type {
  AdMark,
  CountersSnapshot,
  GateStore,
  Reservation,
  TierChange,
} from '#shared/ports/gate-store.ts';
import type { IsoDay } from '#shared/time/seoul.ts';

/**
 * The gate table on DynamoDB (or embedded dynalite): tier items `USER#<id>` / `TIER`, and one counters
 * item a user an ISO week `USER#<id>` / `COUNTERS#<monday>` holding every cap counter of that week and
 * its days, the advertising sends under a gap (`ads`, versioned by `adv`), and the outcome of each
 * counted message (`m:<digest of its id>`).
 */

const BATCH_GET_MAX = 100;
const BATCH_WRITE_MAX = 25;
const MAX_BATCH_ATTEMPTS = 8;
const BATCH_CONCURRENCY = 4;

export interface DynamoGateStoreOptions {
  documentClient: DynamoDBDocumentClient;
  tableName: string;
  /** Pause before retrying unprocessed batch items; doubles each attempt (tests pass 1). */
  retryBaseMs?: number;
}

const userKey = (userId: string) => `USER#${userId}`;
const TIER_SK = 'TIER';
/** The tier refresh's own item: the last day it completed up to. */
const REFRESH_KEY = { pk: 'REFRESH', sk: 'TIERS' };
const countersSk = (week: IsoDay) => `COUNTERS#${week}`;
const OUTCOME_PREFIX = 'm:';

function isConditionFailure(error: unknown): boolean {
  return (error as { name?: string })?.name === 'ConditionalCheckFailedException';
}

/** DynamoDB's names for "slow down": the table or the account is over its throughput. */
const THROTTLING = new Set([
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
]);

function unavailable(action: string, error: unknown): StoreUnavailableError {
  if (error instanceof StoreUnavailableError) return error;
  const name = (error as Error)?.name;
  const failure: StoreFailure =
    name === 'AbortError' || name === 'TimeoutError'
      ? 'timeout'
      : THROTTLING.has(name)
        ? 'throttled'
        : 'store_error';
  const reason =
    failure === 'timeout' ? 'timed out' : `${name ?? 'Error'}: ${(error as Error)?.message ?? String(error)}`;
  return new StoreUnavailableError(`gate store ${action}: ${reason}`, { cause: error, failure });
}

function toTierRecord(item: Record<string, unknown> | undefined): TierRecord | undefined {
  if (!item || typeof item.tier !== 'string') return undefined;
  return {
    tier: item.tier as Tier,
    ...(typeof item.idleSince === 'string' ? { idleSince: item.idleSince } : {}),
    ...(typeof item.firstSeen === 'string' ? { firstSeen: item.firstSeen } : {}),
  };
}

/**
 * A message id's attribute: a fixed-length digest, so a week's records take the same room whatever
 * length of id callers send (96 bits: no two ids of one user's week collide in practice).
 */
export function outcomeAttribute(messageId: string): string {
  return OUTCOME_PREFIX + messageDigest(messageId);
}
// An ad's decision reads and then writes its message: the digest is made once.
const messageDigest = rememberedDigest(16);

/** A mark of next week's ad in this week's item (`marks`, a string set): its instant and its message. */
const markOf = ({ at, messageId }: Pick<AdMark, 'at' | 'messageId'>) => `${at}:${messageDigest(messageId)}`;

function toSnapshot(item: Record<string, unknown> | undefined, messageId?: string): CountersSnapshot {
  const snapshot: CountersSnapshot = { counts: {}, ads: [], adsVersion: 0 };
  if (!item) return snapshot;
  for (const [name, value] of Object.entries(item))
    if (name.startsWith('d:') || name.startsWith('w:')) snapshot.counts[name] = Number(value);
  if (item.ads instanceof Set) for (const at of item.ads) snapshot.ads.push(Number(at));
  // Items written before ads were kept as a set hold the last one only.
  if (typeof item.lastAdAt === 'number') snapshot.ads.push(item.lastAdAt);
  if (item.marks instanceof Set) {
    // `<at>:<digest of the message id>`: a message's own mark is no neighbour of its retry.
    const own = messageId === undefined ? undefined : messageDigest(messageId);
    for (const mark of item.marks as Set<string>) {
      const [at, digest] = String(mark).split(':');
      if (digest !== own) snapshot.ads.push(Number(at));
    }
  }
  if (typeof item.adv === 'number') snapshot.adsVersion = item.adv;
  const outcome = messageId === undefined ? undefined : item[outcomeAttribute(messageId)];
  if (typeof outcome === 'string') snapshot.outcome = outcome;
  return snapshot;
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

async function eachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function createDynamoGateStore(options: DynamoGateStoreOptions): GateStore {
  const { documentClient: db, tableName: TableName } = options;
  const retryBaseMs = options.retryBaseMs ?? 50;

  async function readCounters(
    userId: string,
    week: IsoDay,
    messageId?: string,
    signal?: AbortSignal,
  ): Promise<CountersSnapshot> {
    try {
      const { Item } = await db.send(
        new GetCommand({
          TableName,
          Key: { pk: userKey(userId), sk: countersSk(week) },
          ConsistentRead: true,
        }),
        { abortSignal: signal },
      );
      return toSnapshot(Item, messageId);
    } catch (error) {
      throw unavailable('read counters', error);
    }
  }

  /**
   * BatchGetItem over any number of keys: 100 a call, 4 calls at once. Unprocessed keys are retried
   * with back-off, or with `leaveUnprocessed` handed back as they are.
   */
  async function batchGet(
    keys: Record<string, unknown>[],
    read: { action: string; projection?: string; consistent?: boolean; leaveUnprocessed?: boolean },
    signal?: AbortSignal,
  ): Promise<{ items: Record<string, unknown>[]; unprocessed: Record<string, unknown>[] }> {
    const items: Record<string, unknown>[] = [];
    const unprocessed: Record<string, unknown>[] = [];
    await eachLimited(chunks(keys, BATCH_GET_MAX), BATCH_CONCURRENCY, async (chunk) => {
      let pending = chunk;
      for (let attempt = 0; pending.length; attempt++) {
        if (attempt > 0 && read.leaveUnprocessed) {
          unprocessed.push(...pending);
          return;
        }
        if (attempt >= MAX_BATCH_ATTEMPTS)
          throw new StoreUnavailableError(`gate store ${read.action}: keys left unprocessed`, {
            failure: 'throttled',
          });
        if (attempt > 0) await pause(retryBaseMs * 2 ** (attempt - 1));
        let answer: BatchGetCommandOutput;
        try {
          answer = await db.send(
            new BatchGetCommand({
              RequestItems: {
                [TableName]: {
                  Keys: pending,
                  ...(read.projection ? { ProjectionExpression: read.projection } : {}),
                  ...(read.consistent ? { ConsistentRead: true } : {}),
                },
              },
            }),
            { abortSignal: signal },
          );
        } catch (error) {
          throw unavailable(read.action, error);
        }
        items.push(...(answer.Responses?.[TableName] ?? []));
        pending = answer.UnprocessedKeys?.[TableName]?.Keys ?? [];
      }
    });
    return { items, unprocessed };
  }

  return {
    async readTier(userId, signal) {
      try {
        const { Item } = await db.send(
          new GetCommand({ TableName, Key: { pk: userKey(userId), sk: TIER_SK } }),
          {
            abortSignal: signal,
          },
        );
        return toTierRecord(Item);
      } catch (error) {
        throw unavailable('read tier', error);
      }
    },

    async readTiers(userIds, signal) {
      const tiers = new Map<string, TierRecord>();
      const keys = [...new Set(userIds)].map((id) => ({ pk: userKey(id), sk: TIER_SK }));
      const read = { action: 'read tiers', projection: 'pk, tier, idleSince, firstSeen' };
      for (const item of (await batchGet(keys, read, signal)).items) {
        const record = toTierRecord(item);
        if (record) tiers.set(String(item.pk).slice('USER#'.length), record);
      }
      return tiers;
    },

    async readCountersMany(reads, signal) {
      const keyOf = (userId: string, week: IsoDay) => `${userKey(userId)}\u0000${countersSk(week)}`;
      const keys = new Map<string, { pk: string; sk: string }>();
      for (const { userId, week } of reads)
        keys.set(keyOf(userId, week), { pk: userKey(userId), sk: countersSk(week) });
      // Keys left unprocessed are left to their decisions: retrying them could outlast the deadline.
      const read = { action: 'read counters', consistent: true, leaveUnprocessed: true };
      const answer = await batchGet([...keys.values()], read, signal);
      const items = new Map<string, Record<string, unknown>>();
      for (const item of answer.items) items.set(`${item.pk}\u0000${item.sk}`, item);
      const unread = new Set(answer.unprocessed.map((key) => `${key.pk}\u0000${key.sk}`));
      return reads.map(({ userId, week, messageId }) => {
        const key = keyOf(userId, week);
        return unread.has(key) ? undefined : toSnapshot(items.get(key), messageId);
      });
    },

    async reserve(reservation: Reservation, signal) {
      const names: Record<string, string> = {
        '#m': outcomeAttribute(reservation.messageId),
        '#exp': 'expiresAt',
      };
      const values: Record<string, unknown> = {
        ':outcome': reservation.outcome,
        ':exp': reservation.expiresAt,
      };
      // A counter checked is also the counter added to: one alias each.
      const aliases: string[] = [];
      const nameOf = (attribute: string) => {
        let index = aliases.indexOf(attribute);
        if (index < 0) index = aliases.push(attribute) - 1;
        const alias = `#c${index}`;
        names[alias] = attribute;
        return alias;
      };
      const conditions = ['attribute_not_exists(#m)'];
      reservation.checks.forEach((check, index) => {
        const alias = nameOf(check.attribute);
        values[`:l${index}`] = check.limit;
        conditions.push(`(attribute_not_exists(${alias}) OR ${alias} < :l${index})`);
      });
      const sets = ['#m = :outcome', '#exp = :exp'];
      const adds = reservation.increments.map((attribute) => `${nameOf(attribute)} :one`);
      if (adds.length) values[':one'] = 1;
      const { ad } = reservation;
      if (ad) {
        // The gap was judged on this version of the week's ads: an ad added since fails the write.
        names['#adv'] = 'adv';
        names['#ads'] = 'ads';
        conditions.push(ad.version === 0 ? 'attribute_not_exists(#adv)' : '#adv = :adv');
        if (ad.version !== 0) values[':adv'] = ad.version;
        values[':advNext'] = ad.version + 1;
        values[':ad'] = new Set([ad.at]);
        sets.push('#adv = :advNext');
        adds.push('#ads :ad');
      }
      try {
        const { Attributes } = await db.send(
          new UpdateCommand({
            TableName,
            Key: { pk: userKey(reservation.userId), sk: countersSk(reservation.week) },
            ConditionExpression: conditions.join(' AND '),
            UpdateExpression: `SET ${sets.join(', ')}${adds.length ? ` ADD ${adds.join(', ')}` : ''}`,
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
            // Only what this write touched: the counters it added to.
            ReturnValues: 'UPDATED_NEW',
          }),
          { abortSignal: signal },
        );
        return { reserved: true, counters: toSnapshot(Attributes) };
      } catch (error) {
        if (isConditionFailure(error)) return { reserved: false };
        throw unavailable('reserve', error);
      }
    },

    async markAd(mark, signal) {
      const { userId, week, version, expiresAt } = mark;
      try {
        await db.send(
          new UpdateCommand({
            TableName,
            Key: { pk: userKey(userId), sk: countersSk(week) },
            ConditionExpression: version === 0 ? 'attribute_not_exists(#adv)' : '#adv = :adv',
            UpdateExpression: 'SET #adv = :advNext, #exp = if_not_exists(#exp, :exp) ADD #marks :mark',
            ExpressionAttributeNames: { '#adv': 'adv', '#marks': 'marks', '#exp': 'expiresAt' },
            ExpressionAttributeValues: {
              ...(version === 0 ? {} : { ':adv': version }),
              ':advNext': version + 1,
              ':exp': expiresAt,
              ':mark': new Set([markOf(mark)]),
            },
          }),
          { abortSignal: signal },
        );
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw unavailable('mark ad', error);
      }
    },

    async unmarkAd(mark, signal) {
      const { userId, week } = mark;
      try {
        await db.send(
          new UpdateCommand({
            TableName,
            Key: { pk: userKey(userId), sk: countersSk(week) },
            // Taking an ad out makes no gap tighter: no version to check or bump.
            ConditionExpression: 'attribute_exists(pk)',
            UpdateExpression: 'DELETE #marks :mark',
            ExpressionAttributeNames: { '#marks': 'marks' },
            ExpressionAttributeValues: { ':mark': new Set([markOf(mark)]) },
          }),
          { abortSignal: signal },
        );
      } catch (error) {
        if (!isConditionFailure(error)) throw unavailable('unmark ad', error);
      }
    },

    readCounters,

    async lastTierRefresh() {
      try {
        const { Item } = await db.send(new GetCommand({ TableName, Key: REFRESH_KEY, ConsistentRead: true }));
        return typeof Item?.asOf === 'string' ? (Item.asOf as IsoDay) : undefined;
      } catch (error) {
        throw unavailable('read last tier refresh', error);
      }
    },

    async recordTierRefresh(asOf) {
      try {
        await db.send(
          new PutCommand({
            TableName,
            Item: { ...REFRESH_KEY, asOf, updatedAt: new Date().toISOString() },
            // ISO days compare as strings: a re-run of an earlier day leaves the later one.
            ConditionExpression: 'attribute_not_exists(asOf) OR asOf < :asOf',
            ExpressionAttributeValues: { ':asOf': asOf },
          }),
        );
      } catch (error) {
        if (!isConditionFailure(error)) throw unavailable('record tier refresh', error);
      }
    },

    async writeTiers(changes: TierChange[]) {
      const updatedAt = new Date().toISOString();
      await eachLimited(chunks(changes, BATCH_WRITE_MAX), BATCH_CONCURRENCY, async (batch) => {
        let requests: Record<string, unknown>[] = batch.map(({ userId, record }) => ({
          PutRequest: {
            Item: {
              pk: userKey(userId),
              sk: TIER_SK,
              tier: record.tier,
              ...(record.idleSince ? { idleSince: record.idleSince } : {}),
              ...(record.firstSeen ? { firstSeen: record.firstSeen } : {}),
              updatedAt,
            },
          },
        }));
        for (let attempt = 0; requests.length; attempt++) {
          if (attempt >= MAX_BATCH_ATTEMPTS)
            throw new StoreUnavailableError(
              `gate store write tiers: ${requests.length} items left unprocessed`,
            );
          if (attempt > 0) await pause(retryBaseMs * 2 ** (attempt - 1));
          try {
            const { UnprocessedItems } = await db.send(
              new BatchWriteCommand({ RequestItems: { [TableName]: requests as never } }),
            );
            requests = (UnprocessedItems?.[TableName] as Record<string, unknown>[] | undefined) ?? [];
          } catch (error) {
            throw unavailable('write tiers', error);
          }
        }
      });
    },
  };
}
