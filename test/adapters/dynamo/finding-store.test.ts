import {
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedDynamo, startEmbeddedDynamo } from '#shared/adapters/dynamo/embedded.ts';
import { createDynamoFindingStore, expiresAtFor } from '#shared/adapters/dynamo/finding-store.ts';
import type { JudgedFinding, MetricName, RuleName } from '#shared/domain/finding.ts';
import type { RunRecord } from '#shared/domain/run-record.ts';
import { StoreUnavailableError } from '#shared/errors.ts';
import type { IsoDay } from '#shared/time/seoul.ts';

let dynamo: EmbeddedDynamo;

beforeAll(async () => {
  dynamo = await startEmbeddedDynamo();
});

afterAll(async () => {
  await dynamo?.close();
});

const RULES: RuleName[] = ['ma_ratio', 'zscore', 'robust_ratio', 'decline', 'low_performer'];
const METRICS: MetricName[] = ['sends', 'clicks', 'ctr'];

function finding(day: IsoDay, index: number, extra: Partial<JudgedFinding> = {}): JudgedFinding {
  return {
    date: day,
    channelId: `ch-${String(Math.floor(index / 15)).padStart(3, '0')}`,
    channelType: 'push',
    rule: RULES[index % 5]!,
    metric: METRICS[Math.floor(index / 5) % 3]!,
    status: 'confirmed',
    direction: 'down',
    actual: index,
    expected: 1000 + index,
    lower: 700,
    upper: 1300,
    detail: { ratio7: 0.5, z: -3.25 },
    alert: index % 2 === 0,
    severity: 'high',
    code: 'deviation',
    reason: '알림톡 발송 급감',
    impact: 1000,
    ...extra,
  };
}

function findingsFor(day: IsoDay, count: number, offset = 0): JudgedFinding[] {
  return Array.from({ length: count }, (_, i) => finding(day, i + offset));
}

function runRecord(day: IsoDay, extra: Partial<RunRecord> = {}): RunRecord {
  return {
    day,
    profile: 'default',
    startedAt: `${day}T00:00:00.000Z`,
    finishedAt: `${day}T00:00:05.000Z`,
    channelsJudged: 400,
    findings: 0,
    alerts: 0,
    insufficientHistory: ['ch-new'],
    missingDays: [],
    partialData: false,
    ...extra,
  };
}

const keyOf = (f: JudgedFinding) => `${f.channelId}#${f.rule}#${f.metric}`;

describe('DynamoDB finding store (embedded dynalite)', () => {
  it('replacing a day twice leaves exactly the second set, over several batches', async () => {
    // Prepare
    const store = createDynamoFindingStore({
      documentClient: dynamo.documentClient,
      tableName: dynamo.tableNames.findings,
    });
    const first = findingsFor('2026-11-01', 70);
    const second = findingsFor('2026-11-01', 64, 40); // keeps 30 of the first set, adds 34 new ones

    // Act
    await store.replaceDay(runRecord('2026-11-01', { findings: 70 }), first);
    const afterFirst = await store.findings({ from: '2026-11-01', to: '2026-11-01' });
    await store.replaceDay(runRecord('2026-11-01', { findings: 64 }), second);
    const afterSecond = await store.findings({ from: '2026-11-01', to: '2026-11-01' });

    // Assess
    expect(afterFirst).toHaveLength(70);
    expect(afterSecond.map(keyOf).sort()).toEqual(second.map(keyOf).sort());
    const byKey = new Map(afterSecond.map((f) => [keyOf(f), f]));
    expect(byKey.get(keyOf(second[0]!))).toEqual(second[0]);
    expect((await store.run('2026-11-01'))?.findings).toBe(64);
  });

  it('writes the documented keys and a TTL 400 days after the day', async () => {
    // Prepare
    const store = createDynamoFindingStore({
      documentClient: dynamo.documentClient,
      tableName: dynamo.tableNames.findings,
    });
    const one = finding('2026-11-02', 0, { channelId: 'kakao-welcome' });

    // Act
    await store.replaceDay(runRecord('2026-11-02'), [one]);
    const { Item } = await dynamo.documentClient.send(
      new GetCommand({
        TableName: dynamo.tableNames.findings,
        Key: { pk: 'DAY#2026-11-02', sk: 'F#kakao-welcome#ma_ratio#sends' },
      }),
    );

    // Assess
    expect(Item).toMatchObject({
      gsi1pk: 'CHANNEL#kakao-welcome',
      gsi1sk: '2026-11-02#ma_ratio#sends',
      expiresAt: expiresAtFor('2026-11-02'),
    });
    expect(expiresAtFor('2026-11-02')).toBe(Date.UTC(2027, 11, 7, -9) / 1000);
  });

  it('reads findings over a range of days (more than one round of queries), in day order', async () => {
    // Prepare
    const store = createDynamoFindingStore({
      documentClient: dynamo.documentClient,
      tableName: dynamo.tableNames.findings,
    });
    await store.replaceDay(runRecord('2026-10-10'), findingsFor('2026-10-10', 3));
    await store.replaceDay(runRecord('2026-10-12'), findingsFor('2026-10-12', 2));
    await store.replaceDay(runRecord('2026-10-13'), findingsFor('2026-10-13', 4));

    // Act
    const found = await store.findings({ from: '2026-10-03', to: '2026-10-12' });

    // Assess
    expect(found.map((f) => f.date)).toEqual([
      '2026-10-10',
      '2026-10-10',
      '2026-10-10',
      '2026-10-12',
      '2026-10-12',
    ]);
  });

  it('pages through a day with LastEvaluatedKey', async () => {
    // Prepare
    const sent: string[] = [];
    const counting = {
      send: (command: { constructor: { name: string } }) => {
        sent.push(command.constructor.name);
        return dynamo.documentClient.send(command as never);
      },
    } as unknown as DynamoDBDocumentClient;
    const store = createDynamoFindingStore({
      documentClient: counting,
      tableName: dynamo.tableNames.findings,
      queryLimit: 7,
    });
    await store.replaceDay(runRecord('2026-09-01'), findingsFor('2026-09-01', 61));
    sent.length = 0;

    // Act
    const found = await store.findings({ from: '2026-09-01', to: '2026-09-01' });

    // Assess
    expect(found).toHaveLength(61);
    expect(new Set(found.map(keyOf)).size).toBe(61);
    expect(sent.filter((name) => name === QueryCommand.name)).toHaveLength(9);
  });

  it('claims a digest once: true, then false', async () => {
    // Prepare
    const store = createDynamoFindingStore({
      documentClient: dynamo.documentClient,
      tableName: dynamo.tableNames.findings,
    });
    await store.replaceDay(runRecord('2026-11-03'), findingsFor('2026-11-03', 2));

    // Act
    const first = await store.claimDigest('2026-11-03', '2026-11-04T00:05:00.000Z');
    const second = await store.claimDigest('2026-11-03', '2026-11-04T01:00:00.000Z');

    // Assess
    expect([first, second]).toEqual([true, false]);
    expect((await store.run('2026-11-03'))?.digestSentAt).toBe('2026-11-04T00:05:00.000Z');
  });

  it('keeps digestSentAt when the day is re-run', async () => {
    // Prepare
    const store = createDynamoFindingStore({
      documentClient: dynamo.documentClient,
      tableName: dynamo.tableNames.findings,
    });
    await store.replaceDay(runRecord('2026-11-04', { alerts: 1 }), findingsFor('2026-11-04', 3));
    await store.claimDigest('2026-11-04', '2026-11-05T00:05:00.000Z');

    // Act
    await store.replaceDay(
      runRecord('2026-11-04', { alerts: 2, finishedAt: 'later' }),
      findingsFor('2026-11-04', 1),
    );
    const rerun = await store.run('2026-11-04');

    // Assess
    expect(rerun).toEqual(
      runRecord('2026-11-04', { alerts: 2, finishedAt: 'later', digestSentAt: '2026-11-05T00:05:00.000Z' }),
    );
    expect(await store.claimDigest('2026-11-04', 'again')).toBe(false);
  });

  it('returns undefined for a day never run', async () => {
    // Prepare
    const store = createDynamoFindingStore({
      documentClient: dynamo.documentClient,
      tableName: dynamo.tableNames.findings,
    });

    // Act
    const missing = await store.run('2020-01-01');

    // Assess
    expect(missing).toBeUndefined();
  });

  it('round-trips numbers DynamoDB cannot hold (NaN, Infinity)', async () => {
    // Prepare
    const store = createDynamoFindingStore({
      documentClient: dynamo.documentClient,
      tableName: dynamo.tableNames.findings,
    });
    const odd = finding('2026-11-05', 0, {
      expected: 0,
      upper: Number.POSITIVE_INFINITY,
      lower: Number.NaN,
      detail: { ratio7: Number.POSITIVE_INFINITY },
    });

    // Act
    await store.replaceDay(runRecord('2026-11-05'), [odd]);
    const [back] = await store.findings({ from: '2026-11-05', to: '2026-11-05' });

    // Assess
    expect(back!.upper).toBe(Number.POSITIVE_INFINITY);
    expect(back!.lower).toBeNaN();
    expect(back!.detail?.ratio7).toBe(Number.POSITIVE_INFINITY);
  });

  it('re-sends unprocessed batch items with back-off until they land', async () => {
    // Prepare: the first BatchWrite writes only 10 items and hands 15 back, as a throttled table does.
    const slept: number[] = [];
    let throttled = true;
    const flaky = {
      send: async (command: unknown) => {
        if (command instanceof BatchWriteCommand && throttled) {
          throttled = false;
          const table = dynamo.tableNames.findings;
          const requests = command.input.RequestItems?.[table] ?? [];
          await dynamo.documentClient.send(
            new BatchWriteCommand({ RequestItems: { [table]: requests.slice(0, 10) } }),
          );
          return { UnprocessedItems: { [table]: requests.slice(10) } };
        }
        return dynamo.documentClient.send(command as never);
      },
    } as unknown as DynamoDBDocumentClient;
    const store = createDynamoFindingStore({
      documentClient: flaky,
      tableName: dynamo.tableNames.findings,
      retryDelayMs: 5,
      sleep: async (ms) => {
        slept.push(ms);
      },
    });

    // Act
    await store.replaceDay(runRecord('2026-11-06'), findingsFor('2026-11-06', 30));

    // Assess
    expect(await store.findings({ from: '2026-11-06', to: '2026-11-06' })).toHaveLength(30);
    expect(slept).toEqual([5]);
  });

  it('gives up with StoreUnavailableError when items stay unprocessed', async () => {
    // Prepare
    const stuck = {
      send: async (command: unknown) => {
        if (command instanceof BatchWriteCommand) return { UnprocessedItems: command.input.RequestItems };
        return dynamo.documentClient.send(command as never);
      },
    } as unknown as DynamoDBDocumentClient;
    const slept: number[] = [];
    const store = createDynamoFindingStore({
      documentClient: stuck,
      tableName: dynamo.tableNames.findings,
      maxBatchAttempts: 4,
      retryDelayMs: 5,
      sleep: async (ms) => {
        slept.push(ms);
      },
    });

    // Act
    const replace = store.replaceDay(runRecord('2026-11-07'), findingsFor('2026-11-07', 3));

    // Assess
    await expect(replace).rejects.toThrow(StoreUnavailableError);
    await expect(store.replaceDay(runRecord('2026-11-07'), findingsFor('2026-11-07', 3))).rejects.toThrow(
      '3 items still unprocessed after 4 attempts',
    );
    expect(slept.slice(0, 3)).toEqual([5, 10, 20]);
  });

  it('maps an unreachable table to StoreUnavailableError naming the table', async () => {
    // Prepare
    const store = createDynamoFindingStore({
      documentClient: dynamo.documentClient,
      tableName: 'no-such-table',
    });

    // Act
    const read = store.run('2026-11-01');

    // Assess
    await expect(read).rejects.toThrow(StoreUnavailableError);
    await expect(read).rejects.toThrow(
      'DynamoDB table no-such-table: reading the run record of 2026-11-01 failed',
    );
  });
});
