import { Logger } from '@aws-lambda-powertools/logger';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSnsAlertSink } from '#shared/adapters/alerts/sns.ts';
import { createDynamoChannelRegistry } from '#shared/adapters/dynamo/channel-registry.ts';
import { type EmbeddedDynamo, startEmbeddedDynamo } from '#shared/adapters/dynamo/embedded.ts';
import { createDynamoFindingStore } from '#shared/adapters/dynamo/finding-store.ts';
import { createS3ReportWriter } from '#shared/adapters/report-files/s3.ts';
import { seoulInstant } from '#shared/time/seoul.ts';
import { memoryMetrics } from './fixtures.ts';
import { scenarioChannels, scenarioFindings, scenarioRuns } from './scenario.ts';

const s3 = mockClient(S3Client);
const sns = mockClient(SNSClient);
let dynamo: EmbeddedDynamo;
let createReportHandler: typeof import('../../functions/report/handler.ts').createReportHandler;

beforeAll(async () => {
  // The module reads its environment once at cold start, as in Lambda.
  Object.assign(process.env, {
    ATHENA_WORKGROUP: 'primary',
    ATHENA_DATABASE: 'crm',
    FINDINGS_TABLE: 'crm-guard-findings',
    CHANNELS_TABLE: 'crm-guard-channels',
    ALERTS_TOPIC_ARN: 'arn:aws:sns:ap-northeast-2:123456789012:crm-guard-alerts',
    REPORT_BUCKET: 'crm-guard-reports',
    AWS_REGION: 'ap-northeast-2',
  });
  ({ createReportHandler } = await import('../../functions/report/handler.ts'));
  dynamo = await startEmbeddedDynamo();
});
afterAll(async () => {
  await dynamo.close();
});
afterEach(() => {
  s3.reset();
  sns.reset();
});

async function wire() {
  const findings = createDynamoFindingStore({
    documentClient: dynamo.documentClient,
    tableName: dynamo.tableNames.findings,
  });
  const runs = scenarioRuns();
  for (const run of runs)
    await findings.replaceDay(
      run,
      scenarioFindings().filter((f) => f.date === run.day),
    );
  // A Lambda's session credentials: they expire hours after the run, and the link with them.
  const credentials = {
    accessKeyId: 'ASIAEXAMPLE',
    secretAccessKey: 'secret',
    sessionToken: 'token',
    expiration: seoulInstant('2026-11-02', 21, 30),
  };
  return createReportHandler(
    {
      metrics: memoryMetrics(scenarioChannels()),
      findings,
      registry: createDynamoChannelRegistry({
        documentClient: dynamo.documentClient,
        tableName: dynamo.tableNames.channels,
      }),
      writer: createS3ReportWriter({
        client: new S3Client({ region: 'ap-northeast-2', credentials }),
        bucket: 'crm-guard-reports',
        prefix: 'reports/',
        now: () => seoulInstant('2026-11-02', 9, 30),
      }),
      alerts: createSnsAlertSink({
        client: new SNSClient({ region: 'ap-northeast-2', credentials }),
        topicArn: 'arn:aws:sns:ap-northeast-2:123456789012:crm-guard-alerts',
      }),
    },
    // Monday 09:30 in Seoul: the week ending on Sunday 2026-11-01.
    {
      locale: 'ko',
      logger: new Logger({ logLevel: 'SILENT' }),
      now: () => seoulInstant('2026-11-02', 9, 30),
    },
  );
}

describe('report Lambda', () => {
  it('writes the week ending yesterday to S3 and sends the link on SNS', async () => {
    // Prepare
    s3.on(PutObjectCommand).resolves({});
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const handler = await wire();

    // Act
    const result = await handler({});

    // Assess
    expect(result).toMatchObject({
      week: { from: '2026-10-26', to: '2026-11-01' },
      location: 's3://crm-guard-reports/reports/2026-11-01/ko/report.html',
      incidents: 1,
      // No registry here: old-survey is not retired, so it is a third low performer.
      lowPerformers: 3,
    });
    expect(s3).toHaveReceivedCommandWith(PutObjectCommand, { Key: 'reports/2026-11-01/ko/report.json' });
    expect(s3).toHaveReceivedCommandTimes(PutObjectCommand, 7);
    const message = sns.commandCalls(PublishCommand)[0]!.args[0].input.Message!;
    expect(message).toContain('CRM 채널 주간 리포트 2026-10-26 ~ 2026-11-01');
    expect(message).toContain(result.link!);
    expect(message).toContain('링크 유효 기간: 2026-11-02 21:30 +09:00');
    expect(result.link).toMatch(/X-Amz-Signature=[0-9a-f]{64}/);
  });

  it('refuses a bad event naming the field, and fails when S3 refuses the files', async () => {
    // Prepare
    s3.on(PutObjectCommand).rejects(new Error('AccessDenied'));
    const handler = await wire();

    // Act / Assess
    await expect(handler({ day: '2026-11-31' })).rejects.toThrow(
      'config day (in the event): must be a calendar day YYYY-MM-DD',
    );
    // The handler's clock reads 2026-11-02 in Seoul: that day is not over.
    await expect(handler({ day: '2026-11-02' })).rejects.toThrow(
      '2026-11-02 is not over yet in Asia/Seoul (today is 2026-11-02)',
    );
    await expect(handler({ day: '2026-11-01', locale: 'en' })).rejects.toThrow(/AccessDenied/);
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 0);
  });
});
