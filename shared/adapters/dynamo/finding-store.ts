import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  type BatchWriteCommandInput,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Feedback } from '#shared/domain/feedback.ts';
import type { JudgedFinding } from '#shared/domain/finding.ts';
import type { DigestKind, RunRecord } from '#shared/domain/run-record.ts';
import { StoreUnavailableError } from '#shared/errors.ts';
import type { FeedbackStore } from '#shared/ports/feedback-store.ts';
import type { FindingStore } from '#shared/ports/finding-store.ts';
import { addDays, daysInRange, type IsoDay, seoulInstant } from '#shared/time/seoul.ts';
import { KEY, TTL_ATTRIBUTE } from './tables.ts';

export interface DynamoFindingStoreOptions {
  documentClient: DynamoDBDocumentClient;
  /** Physical name of the `findings` table (FINDINGS_TABLE). */
  tableName: string;
  /** Items per Query page (DynamoDB stops at 1 MB anyway); small values exercise pagination in tests. */
  queryLimit?: number;
  /** Attempts per BatchWrite chunk while DynamoDB hands back UnprocessedItems. */
  maxBatchAttempts?: number;
  /** First back-off delay before re-sending unprocessed items; doubles each attempt. */
  retryDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/** Findings and run records are kept 400 days, then DynamoDB's TTL removes them. */
export const RETENTION_DAYS = 400;
const BATCH_SIZE = 25;
const DAYS_IN_FLIGHT = 8;

const dayKey = (day: IsoDay) => `DAY#${day}`;
const findingKey = (f: Pick<JudgedFinding, 'channelId' | 'rule' | 'metric'>) =>
  `F#${f.channelId}#${f.rule}#${f.metric}`;
const RUN_KEY = 'RUN';
const KEY_ATTRIBUTES = new Set<string>([KEY.pk, KEY.sk, 'gsi1pk', 'gsi1sk', TTL_ATTRIBUTE]);
// DynamoDB numbers cannot hold NaN or +-Infinity (an undefined ratio, an empty baseline): kept as strings.
const NUMBER_FIELDS = new Set(['actual', 'expected', 'lower', 'upper', 'impact']);

/** TTL for a day's items: Seoul midnight `RETENTION_DAYS` after the day, in epoch seconds. */
export function expiresAtFor(day: IsoDay): number {
  return Math.floor(seoulInstant(addDays(day, RETENTION_DAYS)).getTime() / 1000);
}

/**
 * The finding store on DynamoDB (the `findings` table of tables.ts). A day is replaced without
 * transactions (dynalite has none): the new findings are written first, then the day's stale ones
 * deleted, then the run record, so a reader never sees a day with fewer findings than either run.
 */
export function createDynamoFindingStore(options: DynamoFindingStoreOptions): FindingStore {
  const { documentClient, tableName } = options;
  const maxBatchAttempts = options.maxBatchAttempts ?? 8;
  const retryDelayMs = options.retryDelayMs ?? 50;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));

  async function call<T>(what: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      if (error instanceof StoreUnavailableError) throw error;
      throw new StoreUnavailableError(`DynamoDB table ${tableName}: ${what} failed: ${describe(error)}`, {
        cause: error,
      });
    }
  }

  async function* queryDay(day: IsoDay, projection?: string): AsyncGenerator<Record<string, unknown>[]> {
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await call(`reading findings of ${day}`, () =>
        documentClient.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :findings)',
            ExpressionAttributeNames: { '#pk': KEY.pk, '#sk': KEY.sk },
            ExpressionAttributeValues: { ':pk': dayKey(day), ':findings': 'F#' },
            ProjectionExpression: projection,
            ExclusiveStartKey: startKey,
            Limit: options.queryLimit,
            ConsistentRead: true,
          }),
        ),
      );
      startKey = page.LastEvaluatedKey;
      yield page.Items ?? [];
    } while (startKey);
  }

  /** BatchWrite in chunks of 25, re-sending UnprocessedItems with back-off a bounded number of times. */
  async function batchWrite(
    requests: NonNullable<BatchWriteCommandInput['RequestItems']>[string],
    what: string,
  ) {
    for (let start = 0; start < requests.length; start += BATCH_SIZE) {
      let pending = requests.slice(start, start + BATCH_SIZE);
      for (let attempt = 1; pending.length; attempt++) {
        if (attempt > maxBatchAttempts) {
          throw new StoreUnavailableError(
            `DynamoDB table ${tableName}: ${what}: ${pending.length} items still unprocessed after ${maxBatchAttempts} attempts`,
          );
        }
        if (attempt > 1) await sleep(retryDelayMs * 2 ** (attempt - 2));
        const answer = await call(what, () =>
          documentClient.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } })),
        );
        pending = answer.UnprocessedItems?.[tableName] ?? [];
      }
    }
  }

  async function replaceDay(run: RunRecord, findings: JudgedFinding[]): Promise<void> {
    const expiresAt = expiresAtFor(run.day);
    const items = new Map<string, Record<string, unknown>>();
    for (const finding of findings) {
      if (finding.date !== run.day) {
        throw new RangeError(
          `finding for ${finding.channelId} is dated ${finding.date}, not the run's day ${run.day}`,
        );
      }
      const sk = findingKey(finding);
      if (items.has(sk)) throw new RangeError(`two findings with the same key ${sk} on ${run.day}`);
      items.set(sk, toItem(finding, sk, expiresAt));
    }

    const stale: string[] = [];
    for await (const page of queryDay(run.day, '#sk')) {
      for (const item of page) if (!items.has(item[KEY.sk] as string)) stale.push(item[KEY.sk] as string);
    }

    await batchWrite(
      [...items.values()].map((Item) => ({ PutRequest: { Item } })),
      `writing findings of ${run.day}`,
    );
    await batchWrite(
      stale.map((sk) => ({ DeleteRequest: { Key: { [KEY.pk]: dayKey(run.day), [KEY.sk]: sk } } })),
      `deleting stale findings of ${run.day}`,
    );

    // UpdateItem, not Put: a claim already stored survives the re-run, with no read-then-write race.
    const { digestSentAt, provisionalSentAt: _claimedApart, ...fields } = run;
    const written = Object.entries({ ...fields, [TTL_ATTRIBUTE]: expiresAt }).filter(
      ([, value]) => value !== undefined,
    );
    const names: Record<string, string> = Object.fromEntries(written.map(([name], i) => [`#a${i}`, name]));
    const expressionValues: Record<string, unknown> = Object.fromEntries(
      written.map(([, value], i) => [`:a${i}`, value]),
    );
    const sets = written.map((_, i) => `#a${i} = :a${i}`);
    if (digestSentAt !== undefined) {
      names['#sent'] = 'digestSentAt';
      expressionValues[':sent'] = digestSentAt;
      sets.push('#sent = if_not_exists(#sent, :sent)');
    }
    await call(`writing the run record of ${run.day}`, () =>
      documentClient.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { [KEY.pk]: dayKey(run.day), [KEY.sk]: RUN_KEY },
          UpdateExpression: `SET ${sets.join(', ')}`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: expressionValues,
        }),
      ),
    );
  }

  async function readDay(day: IsoDay): Promise<JudgedFinding[]> {
    const found: JudgedFinding[] = [];
    for await (const page of queryDay(day)) for (const item of page) found.push(fromItem(item));
    return found;
  }

  /** One Query per day (a year for the report), a few days at a time, returned in day order. */
  async function readFindings(range: { from: IsoDay; to: IsoDay }): Promise<JudgedFinding[]> {
    const days = daysInRange(range.from, range.to);
    const found: JudgedFinding[] = [];
    for (let start = 0; start < days.length; start += DAYS_IN_FLIGHT) {
      const perDay = await Promise.all(days.slice(start, start + DAYS_IN_FLIGHT).map(readDay));
      for (const findings of perDay) for (const finding of findings) found.push(finding);
    }
    return found;
  }

  async function run(day: IsoDay): Promise<RunRecord | undefined> {
    const { Item } = await call(`reading the run record of ${day}`, () =>
      documentClient.send(
        new GetCommand({
          TableName: tableName,
          Key: { [KEY.pk]: dayKey(day), [KEY.sk]: RUN_KEY },
          ConsistentRead: true,
        }),
      ),
    );
    if (!Item) return undefined;
    const record: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(Item)) if (!KEY_ATTRIBUTES.has(name)) record[name] = value;
    return record as unknown as RunRecord;
  }

  async function claimDigest(day: IsoDay, sentAt: string, kind: DigestKind = 'full'): Promise<boolean> {
    try {
      await documentClient.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { [KEY.pk]: dayKey(day), [KEY.sk]: RUN_KEY },
          UpdateExpression: 'SET #sent = :sent, #ttl = if_not_exists(#ttl, :ttl)',
          ConditionExpression: 'attribute_not_exists(#sent)',
          ExpressionAttributeNames: { '#sent': CLAIM_ATTRIBUTE[kind], '#ttl': TTL_ATTRIBUTE },
          ExpressionAttributeValues: { ':sent': sentAt, ':ttl': expiresAtFor(day) },
        }),
      );
      return true;
    } catch (error) {
      if (
        error instanceof ConditionalCheckFailedException ||
        (error as Error).name === 'ConditionalCheckFailedException'
      ) {
        return false;
      }
      throw new StoreUnavailableError(
        `DynamoDB table ${tableName}: claiming the digest of ${day} failed: ${describe(error)}`,
        {
          cause: error,
        },
      );
    }
  }

  async function releaseDigest(day: IsoDay, sentAt: string, kind: DigestKind = 'full'): Promise<void> {
    try {
      await documentClient.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { [KEY.pk]: dayKey(day), [KEY.sk]: RUN_KEY },
          UpdateExpression: 'REMOVE #sent',
          ConditionExpression: '#sent = :sent',
          ExpressionAttributeNames: { '#sent': CLAIM_ATTRIBUTE[kind] },
          ExpressionAttributeValues: { ':sent': sentAt },
        }),
      );
    } catch (error) {
      // Someone else's claim stands: nothing of ours to release.
      if ((error as Error).name === 'ConditionalCheckFailedException') return;
      throw new StoreUnavailableError(
        `DynamoDB table ${tableName}: releasing the digest of ${day} failed: ${describe(error)}`,
        {
          cause: error,
        },
      );
    }
  }

  return { replaceDay, findings: readFindings, run, claimDigest, releaseDigest };
}

/** The run record's attribute that claims each kind of digest. */
const CLAIM_ATTRIBUTE: Record<DigestKind, keyof RunRecord> = {
  full: 'digestSentAt',
  provisional: 'provisionalSentAt',
};

function toItem(finding: JudgedFinding, sk: string, expiresAt: number): Record<string, unknown> {
  const item: Record<string, unknown> = {
    [KEY.pk]: dayKey(finding.date),
    [KEY.sk]: sk,
    gsi1pk: `CHANNEL#${finding.channelId}`,
    gsi1sk: `${finding.date}#${finding.rule}#${finding.metric}`,
    [TTL_ATTRIBUTE]: expiresAt,
  };
  for (const [name, value] of Object.entries(finding)) {
    if (value === undefined) continue;
    if (name === 'detail') {
      item.detail = Object.fromEntries(
        Object.entries(value as Record<string, number>).map(([k, v]) => [k, storable(v)]),
      );
    } else {
      item[name] = NUMBER_FIELDS.has(name) ? storable(value as number) : value;
    }
  }
  return item;
}

function fromItem(item: Record<string, unknown>): JudgedFinding {
  const finding: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(item)) {
    if (KEY_ATTRIBUTES.has(name)) continue;
    if (name === 'detail') {
      finding.detail = Object.fromEntries(
        Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, Number(v)]),
      );
    } else {
      finding[name] = NUMBER_FIELDS.has(name) ? Number(value) : value;
    }
  }
  return finding as unknown as JudgedFinding;
}

function storable(value: number): number | string {
  return Number.isFinite(value) ? value : String(value);
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

const FEEDBACK_PREFIX = 'FEEDBACK#';

/**
 * The team's verdicts in the findings table, beside the findings of their day (`DAY#<day>`,
 * `FEEDBACK#<channel>`), kept as long as the day's findings.
 */
export function createDynamoFeedbackStore(options: {
  documentClient: DynamoDBDocumentClient;
  tableName: string;
}): FeedbackStore {
  const { documentClient, tableName } = options;
  const guarded = async <T>(what: string, send: () => Promise<T>): Promise<T> => {
    try {
      return await send();
    } catch (error) {
      throw new StoreUnavailableError(
        `DynamoDB table ${tableName}: ${what} failed: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
  };
  return {
    async record(feedback) {
      await guarded(`recording feedback on ${feedback.channelId} ${feedback.day}`, () =>
        documentClient.send(
          new PutCommand({
            TableName: tableName,
            Item: {
              [KEY.pk]: dayKey(feedback.day),
              [KEY.sk]: `${FEEDBACK_PREFIX}${feedback.channelId}`,
              [TTL_ATTRIBUTE]: expiresAtFor(feedback.day),
              ...feedback,
            },
          }),
        ),
      );
    },
    async verdicts(range) {
      const out: Feedback[] = [];
      for (const day of daysInRange(range.from, range.to)) {
        let ExclusiveStartKey: Record<string, unknown> | undefined;
        do {
          const page = await guarded(`reading feedback of ${day}`, () =>
            documentClient.send(
              new QueryCommand({
                TableName: tableName,
                KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :feedback)',
                ExpressionAttributeNames: { '#pk': KEY.pk, '#sk': KEY.sk },
                ExpressionAttributeValues: { ':pk': dayKey(day), ':feedback': FEEDBACK_PREFIX },
                ExclusiveStartKey,
              }),
            ),
          );
          for (const item of page.Items ?? [])
            out.push({
              channelId: String(item.channelId),
              day: String(item.day),
              verdict: item.verdict as Feedback['verdict'],
              ...(typeof item.note === 'string' ? { note: item.note } : {}),
              by: String(item.by),
              at: String(item.at),
            });
          ExclusiveStartKey = page.LastEvaluatedKey;
        } while (ExclusiveStartKey);
      }
      return out;
    },
  };
}
