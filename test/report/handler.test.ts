import { Logger } from '@aws-lambda-powertools/logger';
import { HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSnsAlertSink } from '#shared/adapters/alerts/sns.ts';
import { createDynamoChannelRegistry } from '#shared/adapters/dynamo/channel-registry.ts';
import { type EmbeddedDynamo, startEmbeddedDynamo } from '#shared/adapters/dynamo/embedded.ts';
import { createDynamoFindingStore } from '#shared/adapters/dynamo/finding-store.ts';
import { createHmacLinkSigner } from '#shared/adapters/links/hmac.ts';
import { createS3ReportOpener, createS3ReportWriter } from '#shared/adapters/report-files/s3.ts';
import type { LinkSigner } from '#shared/ports/link-signer.ts';
import { seoulInstant } from '#shared/time/seoul.ts';
import { createFeedbackPageHandler } from '../../functions/feedback/api.ts';
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

async function wire(links?: { base: string; signer: LinkSigner }) {
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
      ...(links ? { links } : {}),
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

  it("sends a link to the report page that works for four weeks, which opens the week's report", async () => {
    // Prepare: the feedback links' signer (KMS in AWS), and the page that checks the link and presigns
    s3.on(PutObjectCommand).resolves({});
    s3.on(HeadObjectCommand).resolves({});
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const signer = createHmacLinkSigner('a-key-of-thirty-two-characters-x');
    const handler = await wire({ base: 'https://gate.example/live/', signer });
    const page = createFeedbackPageHandler({
      signer,
      feedback: { record: async () => {}, verdicts: async () => [] },
      reports: createS3ReportOpener({
        client: new S3Client({
          region: 'ap-northeast-2',
          credentials: { accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'secret', sessionToken: 'token' },
        }),
        bucket: 'crm-guard-reports',
        prefix: 'reports/',
      }),
      // Three weeks later: the job's own presigned link died the evening it was sent.
      now: () => seoulInstant('2026-11-23', 14, 0),
    });

    // Act
    const result = await handler({});
    const link = new URL(result.link!);
    const opened = await page({
      httpMethod: 'GET',
      resource: '/v1/report',
      path: '/v1/report',
      queryStringParameters: Object.fromEntries(link.searchParams),
    } as unknown as APIGatewayProxyEvent);
    const altered = await page({
      httpMethod: 'GET',
      resource: '/v1/report',
      queryStringParameters: { ...Object.fromEntries(link.searchParams), l: 'en' },
    } as unknown as APIGatewayProxyEvent);

    // Assess
    expect(link.origin + link.pathname).toBe('https://gate.example/live/v1/report');
    const message = sns.commandCalls(PublishCommand)[0]!.args[0].input.Message!;
    expect(message).toContain(result.link!);
    expect(message).toContain('링크 유효 기간: 2026-11-30 09:30 +09:00');
    expect(opened.statusCode).toBe(302);
    const target = new URL(opened.headers!.location as string);
    expect(target.pathname).toBe('/reports/2026-11-01/ko/report.html');
    expect(target.searchParams.get('X-Amz-Expires')).toBe('300');
    expect(s3).toHaveReceivedCommandWith(HeadObjectCommand, {
      Bucket: 'crm-guard-reports',
      Key: 'reports/2026-11-01/ko/report.html',
    });
    expect(altered.statusCode).toBe(403);
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
