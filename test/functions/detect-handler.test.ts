import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  type GetQueryResultsCommandInput,
  StartQueryExecutionCommand,
  type StartQueryExecutionCommandInput,
} from '@aws-sdk/client-athena';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type EmbeddedDynamo, startEmbeddedDynamo } from '#shared/adapters/dynamo/embedded.ts';
import { createDynamoFindingStore } from '#shared/adapters/dynamo/finding-store.ts';
import { loadDetectEnv } from '#shared/config/lambda-env.ts';
import { ConfigError } from '#shared/errors.ts';
import { addDays, daysInRange, seoulInstant } from '#shared/time/seoul.ts';

/** The last day in the lake: the outage day, and "yesterday" for a run at 09:00 KST the day after. */
const LAST = '2026-10-31';
const FIRST = addDays(LAST, -119);
const OUTAGE = 'alimtalk_bill';

/** Three steady channels with a little deterministic wobble; the bill notice sends nothing on LAST. */
function lakeRows(): string[][] {
  const rows: string[][] = [];
  daysInRange(FIRST, LAST).forEach((dt, d) => {
    for (const [k, channelId, channelType, base] of [
      [0, OUTAGE, 'alimtalk', 12_000],
      [1, 'push_coupon', 'push', 8_000],
      [2, 'sms_notice', 'sms', 3_000],
    ] as const) {
      if (channelId === OUTAGE && dt === LAST) continue;
      const sends = base + ((d * 37 + k * 11) % 13) * (base / 200);
      rows.push([dt, channelId, channelType, String(sends), String(Math.round(sends * 0.05))]);
    }
  });
  return rows;
}

const athena = mockClient(AthenaClient);
const sns = mockClient(SNSClient);
const ROWS = lakeRows();
const queries = new Map<string, StartQueryExecutionCommandInput>();

/** Answers the adapter's queries from ROWS, honouring the `dt BETWEEN ? AND ?` / `dt < ?` parameters. */
function resultRows(input: StartQueryExecutionCommandInput): string[][] {
  const sql = input.QueryString ?? '';
  const params = (input.ExecutionParameters ?? []).map((p) => p.replace(/^'|'$/g, ''));
  if (sql.includes('BETWEEN')) {
    const [from, to] = params as [string, string];
    return [
      ['dt', 'channel_id', 'channel_type', 'sends', 'clicks'],
      ...ROWS.filter(([dt]) => dt! >= from && dt! <= to),
    ];
  }
  if (sql.startsWith('SELECT DISTINCT')) {
    const [before, ...ids] = params as [string, ...string[]];
    const seen = new Set(ROWS.filter(([dt, id]) => dt! < before && ids.includes(id!)).map(([, id]) => id!));
    return [['channel_id'], ...[...seen].map((id) => [id])];
  }
  if (sql.includes('max(')) return [['_col0'], [LAST]];
  if (sql.includes('min(')) return [['_col0'], [FIRST]];
  throw new Error(`unexpected query: ${sql}`);
}

function mockAthena() {
  athena.reset();
  queries.clear();
  athena.on(StartQueryExecutionCommand).callsFake((input: StartQueryExecutionCommandInput) => {
    const id = `q-${queries.size + 1}`;
    queries.set(id, input);
    return { QueryExecutionId: id };
  });
  athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: 'SUCCEEDED' } } });
  athena.on(GetQueryResultsCommand).callsFake((input: GetQueryResultsCommandInput) => {
    const rows = resultRows(queries.get(input.QueryExecutionId!)!);
    return {
      ResultSet: { Rows: rows.map((row) => ({ Data: row.map((VarCharValue) => ({ VarCharValue })) })) },
    };
  });
}

const context = {
  functionName: 'crm-guard-detect',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:ap-northeast-2:123456789012:function:crm-guard-detect',
  memoryLimitInMB: '1024',
  awsRequestId: 'req-1',
  logGroupName: '/aws/lambda/crm-guard-detect',
  logStreamName: 'stream',
  callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => 60_000,
} as unknown as Context;

const ENV = {
  FINDINGS_TABLE: 'crm-guard-findings',
  CHANNELS_TABLE: 'crm-guard-channels',
  ALERTS_TOPIC_ARN: 'arn:aws:sns:ap-northeast-2:123456789012:crm-guard-alerts',
  ATHENA_WORKGROUP: 'crm-guard',
  ATHENA_DATABASE: 'crm_lake',
  AWS_REGION: 'ap-northeast-2',
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  POWERTOOLS_METRICS_DISABLED: 'true',
};

let dynamo: EmbeddedDynamo;
let handler: (event: unknown, context: Context) => Promise<Record<string, unknown>>;

beforeAll(async () => {
  dynamo = await startEmbeddedDynamo();
  for (const [key, value] of Object.entries(ENV)) vi.stubEnv(key, value);
  vi.stubEnv('FINDINGS_TABLE', dynamo.tableNames.findings);
  vi.stubEnv('CHANNELS_TABLE', dynamo.tableNames.channels);
  // The real DynamoDB adapter and the module's own client, pointed at dynalite.
  vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', dynamo.endpoint);
  vi.resetModules();
  ({ handler } = (await import('#functions/detect/handler.ts')) as unknown as { handler: typeof handler });
});

afterAll(async () => {
  vi.useRealTimers();
  vi.unstubAllEnvs();
  await dynamo?.close();
});

beforeEach(() => {
  mockAthena();
  sns.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
});

describe('functions/detect handler (middy + Powertools, Athena and SNS mocked, DynamoDB on dynalite)', () => {
  it('judges yesterday in Seoul for `{}`, stores the findings and publishes one digest', async () => {
    // Prepare: 08:00 KST on Nov 1 is 23:00 UTC on Oct 31: yesterday is Oct 31 in Seoul, Oct 30 in UTC.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(seoulInstant(addDays(LAST, 1), 8));

    // Act
    const result = await handler({}, context);
    vi.useRealTimers();

    // Assess
    expect(result).toMatchObject({ day: LAST, profile: 'default', channelsJudged: 3, digestSent: true });
    expect(result.alerts).toBeGreaterThanOrEqual(1);
    const channelQuery = [...queries.values()].find((q) => q.QueryString?.includes('BETWEEN'))!;
    expect(channelQuery.ExecutionParameters?.[1]).toBe(`'${LAST}'`);
    expect(channelQuery.WorkGroup).toBe('crm-guard');
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    const publish = sns.commandCalls(PublishCommand)[0]!.args[0].input;
    expect(publish.TopicArn).toBe(ENV.ALERTS_TOPIC_ARN);
    expect(publish.Subject).toMatch(/^crm-guard 2026-10-31: 1 channel alert \(1 critical\)/);
    expect(publish.Message).toContain(OUTAGE);
    expect(publish.MessageAttributes?.severity).toEqual({ DataType: 'String', StringValue: 'critical' });
    const store = createDynamoFindingStore({
      documentClient: dynamo.documentClient,
      tableName: dynamo.tableNames.findings,
    });
    const stored = await store.findings({ from: LAST, to: LAST });
    expect(stored.some((f) => f.channelId === OUTAGE && f.alert)).toBe(true);
    expect((await store.run(LAST))?.digestSentAt).toBeDefined();
  });

  it('re-running the day (named in the event) stores it again and sends no second digest', async () => {
    // Act
    const result = await handler({ day: LAST }, context);

    // Assess
    expect(result).toMatchObject({ day: LAST, digestSent: false });
    expect(result.alerts).toBeGreaterThanOrEqual(1);
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 0);
  });

  it('a catch-up run leaves a day judged and sent alone, and judges a day no run has, or whose digest failed', async () => {
    // Prepare: a run whose publish failed after it stored the day (through all its retries)
    const failedDay = addDays(LAST, -3);
    sns.on(PublishCommand).rejects(new Error('SNS is down'));
    await expect(handler({ day: failedDay }, context)).rejects.toThrow('SNS is down');
    sns.on(PublishCommand).resolves({ MessageId: 'm-2' });
    mockAthena();

    // Act: LAST was judged in full and sent by the first run; two days before it by none
    const judgedBefore = await handler({ day: LAST, catchUp: true }, context);
    const queriesForJudged = queries.size;
    const neverRun = await handler({ day: addDays(LAST, -2), catchUp: true }, context);
    const afterFailure = await handler({ day: failedDay, catchUp: true }, context);

    // Assess
    expect(judgedBefore).toMatchObject({ day: LAST, skipped: 'judged in full' });
    expect(queriesForJudged).toBe(0);
    expect(neverRun).toMatchObject({ day: addDays(LAST, -2), channelsJudged: 3 });
    expect(queries.size).toBeGreaterThan(0);
    expect(afterFailure).toMatchObject({ day: failedDay, digestSent: true });
  });

  it('judges the day an operator names, with the profile the event asks for', async () => {
    // Prepare
    const day = addDays(LAST, -1);

    // Act
    const result = await handler({ day, profile: 'seed' }, context);

    // Assess
    // Nothing paged: the quiet day's short digest still goes out.
    expect(result).toMatchObject({ day, profile: 'seed', channelsJudged: 3, alerts: 0, digestSent: true });
    const channelQuery = [...queries.values()].find((q) => q.QueryString?.includes('BETWEEN'))!;
    expect(channelQuery.ExecutionParameters?.[1]).toBe(`'${day}'`);
    expect(sns).toHaveReceivedCommandWith(PublishCommand, {
      Subject: `crm-guard ${day}: 3 channels judged, nothing needs you today`,
    });
  });

  it('refuses an event whose day is not a calendar day, naming `day`', async () => {
    // Act
    const run = handler({ day: '2026-02-30' }, context);

    // Assess
    // The handler's module graph is fresh (resetModules): match the error by name, not by class.
    await expect(run).rejects.toMatchObject({ name: 'ConfigError', key: 'day (in the event)' });
    await expect(handler({ day: '2026-02-30' }, context)).rejects.toThrow(/^config day \(in the event\): /);
    expect(athena).toHaveReceivedCommandTimes(StartQueryExecutionCommand, 0);
  });

  it('reports a failed publish so the scheduler retries, leaving the digest unsent', async () => {
    // Prepare
    const day = LAST;
    const store = createDynamoFindingStore({
      documentClient: dynamo.documentClient,
      tableName: dynamo.tableNames.findings,
    });
    await store.releaseDigest(day, (await store.run(day))!.digestSentAt!);
    sns.on(PublishCommand).rejects(new Error('SNS throttled'));

    // Act
    const run = handler({ day }, context);

    // Assess
    await expect(run).rejects.toThrow(/SNS publish to arn:aws:sns:.*failed: Error: SNS throttled/);
    expect((await store.run(day))?.digestSentAt).toBeUndefined();
  });
});

describe('loadDetectEnv', () => {
  it('names a missing variable', () => {
    // Prepare
    const { ALERTS_TOPIC_ARN: _missing, ...env } = ENV;

    // Act / Assess
    expect(() => loadDetectEnv(env)).toThrow(ConfigError);
    expect(() => loadDetectEnv(env)).toThrow(/^config ALERTS_TOPIC_ARN \(in the environment\): /);
    expect(() => loadDetectEnv({ ...ENV, ATHENA_DATABASE: '' })).toThrow(/ATHENA_DATABASE/);
    expect(() => loadDetectEnv({ ...ENV, ALERTS_TOPIC_ARN: 'crm-guard-alerts' })).toThrow(
      /ALERTS_TOPIC_ARN.*must be an SNS topic ARN/,
    );
  });

  it('fills the defaults when the optional variables are absent', () => {
    // Act
    const env = loadDetectEnv(ENV);

    // Assess
    expect(env).toMatchObject({
      CHANNEL_TABLE: 'crm_channel_daily',
      ENGAGEMENT_TABLE: 'user_engagement_daily',
      DETECTION_PROFILE: 'default',
    });
  });
});
