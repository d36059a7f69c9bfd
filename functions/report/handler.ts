import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { z } from 'zod';
import { createSnsAlertSink } from '#shared/adapters/alerts/sns.ts';
import { athenaMetricsSourceFromEnv } from '#shared/adapters/athena/metrics-source.ts';
import { athenaClient } from '#shared/adapters/aws/athena.ts';
import { documentClient } from '#shared/adapters/aws/dynamodb.ts';
import { kmsClient } from '#shared/adapters/aws/kms.ts';
import { s3Client } from '#shared/adapters/aws/s3.ts';
import { snsClient } from '#shared/adapters/aws/sns.ts';
import { createDynamoChannelRegistry } from '#shared/adapters/dynamo/channel-registry.ts';
import {
  createDynamoFeedbackStore,
  createDynamoFindingStore,
} from '#shared/adapters/dynamo/finding-store.ts';
import { createKmsLinkSigner } from '#shared/adapters/links/kms.ts';
import { createS3ReportWriter } from '#shared/adapters/report-files/s3.ts';
import { parseCrmGuardConfig, reportOptionsOf } from '#shared/config/crm-guard-config.ts';
import { loadFunctionEnv } from '#shared/config/lambda-env.ts';
import { parseConfig } from '#shared/config/load.ts';
import { LOCALES } from '#shared/report/labels.ts';
import type { WeeklyReportOptions } from '#shared/report/weekly.ts';
import { SERVICE_NAMES } from '#shared/telemetry.ts';
import { isIsoDay, seoulYesterday } from '#shared/time/seoul.ts';
import { type BuildReportPorts, buildReport } from '#shared/use-cases/build-report.ts';

/** The scheduler sends `{}` (Monday: the week ending yesterday, Asia/Seoul); on demand, a day and a locale. */
const eventSchema = z.object({
  day: z.string().refine(isIsoDay, 'must be a calendar day YYYY-MM-DD').optional(),
  locale: z.enum(LOCALES).optional(),
});

/** The handler body over its ports, so a test wires dynalite and mocked S3/SNS into the same code. */
export function createReportHandler(
  ports: BuildReportPorts,
  options: {
    locale: 'ko' | 'en';
    logger: Logger;
    now?: () => Date;
    reportOptions?: Partial<WeeklyReportOptions>;
  },
) {
  return async (event: unknown) => {
    const request = parseConfig(eventSchema, event ?? {}, 'the event');
    const day = request.day ?? seoulYesterday(options.now?.() ?? new Date());
    const result = await buildReport(ports, {
      day,
      locale: request.locale ?? options.locale,
      now: options.now?.(),
      ...(options.reportOptions ? { options: options.reportOptions } : {}),
    });
    const summary = {
      week: result.report.week,
      location: result.location,
      channels: result.report.totals.channels,
      incidents: result.report.incidents.length,
      lowPerformers: result.report.lowPerformers.length,
      openReviews: result.report.reviewQueue.length,
      changes: result.report.changeImpact.length,
    };
    options.logger.info('weekly report written', summary);
    return { ...summary, link: result.link };
  };
}

const env = loadFunctionEnv('report');
// The stack gives both: the e-mail then links to the report page, not to a link presigned here.
const signsLinks = env.FEEDBACK_LINK_BASE !== undefined && env.FEEDBACK_KEY_ID !== undefined;
const logger = new Logger({ serviceName: SERVICE_NAMES.report });

export const report = createReportHandler(
  {
    metrics: athenaMetricsSourceFromEnv(athenaClient, env),
    findings: createDynamoFindingStore({ documentClient, tableName: env.FINDINGS_TABLE }),
    registry: createDynamoChannelRegistry({ documentClient, tableName: env.CHANNELS_TABLE }),
    feedback: createDynamoFeedbackStore({ documentClient, tableName: env.FINDINGS_TABLE }),
    writer: createS3ReportWriter({
      client: s3Client,
      bucket: env.REPORT_BUCKET,
      prefix: env.REPORT_PREFIX,
      presignLink: !signsLinks,
    }),
    alerts: createSnsAlertSink({ client: snsClient, topicArn: env.ALERTS_TOPIC_ARN }),
    // The e-mail's link opens the report page, which presigns when clicked: it works for weeks.
    ...(signsLinks
      ? {
          links: {
            base: env.FEEDBACK_LINK_BASE!,
            signer: createKmsLinkSigner({ client: kmsClient, keyId: env.FEEDBACK_KEY_ID! }),
          },
        }
      : {}),
  },
  {
    locale: env.REPORT_LOCALE,
    logger,
    reportOptions: reportOptionsOf(parseCrmGuardConfig(env.CRM_GUARD_CONFIG ?? {}, 'CRM_GUARD_CONFIG')),
  },
);

export const handler = middy(report).use(injectLambdaContext(logger));
