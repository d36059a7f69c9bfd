import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { z } from 'zod';
import { createSnsAlertSink } from '#shared/adapters/alerts/sns.ts';
import { athenaMetricsSourceFromEnv } from '#shared/adapters/athena/metrics-source.ts';
import { athenaClient } from '#shared/adapters/aws/athena.ts';
import { documentClient } from '#shared/adapters/aws/dynamodb.ts';
import { kmsClient } from '#shared/adapters/aws/kms.ts';
import { snsClient } from '#shared/adapters/aws/sns.ts';
import { createDynamoChannelRegistry } from '#shared/adapters/dynamo/channel-registry.ts';
import {
  createDynamoFeedbackStore,
  createDynamoFindingStore,
} from '#shared/adapters/dynamo/finding-store.ts';
import { createKmsLinkSigner } from '#shared/adapters/links/kms.ts';
import { type CrmGuardConfig, parseCrmGuardConfig } from '#shared/config/crm-guard-config.ts';
import { loadFunctionEnv } from '#shared/config/lambda-env.ts';
import { parseConfig } from '#shared/config/load.ts';
import type { ProfileName } from '#shared/domain/run-record.ts';
import { DETECT_METRICS, METRICS_NAMESPACE, SERVICE_NAMES } from '#shared/telemetry.ts';
import { isIsoDay, seoulYesterday } from '#shared/time/seoul.ts';
import { type DetectDayPorts, detectDay } from '#shared/use-cases/detect-day.ts';

/** The scheduler sends `{}` (judge yesterday, Asia/Seoul); an operator may name a day to re-run. */
const eventSchema = z.object({
  day: z.string().refine(isIsoDay, 'must be a calendar day YYYY-MM-DD').optional(),
  profile: z.enum(['default', 'seed']).optional(),
  /**
   * The later schedules' runs: they judge the day only if no run has judged it with its data in and
   * sent its digest (late data at 09:00, a failed publish), so a day done is neither read nor rewritten.
   */
  catchUp: z.boolean().optional(),
});

export interface DetectHandlerOptions {
  config: CrmGuardConfig;
  profile: ProfileName;
  logger: Logger;
  metrics: Metrics;
  now?: () => Date;
}

/** The daily job over its ports: a test wires dynalite and mocked Athena/SNS into the same code. */
export function createDetectHandler(ports: DetectDayPorts, options: DetectHandlerOptions) {
  const { logger, metrics } = options;
  const detect = async (event: unknown) => {
    const request = parseConfig(eventSchema, event ?? {}, 'the event');
    const day = request.day ?? seoulYesterday(options.now?.() ?? new Date());
    const profile = request.profile ?? options.profile;
    if (request.catchUp) {
      const earlier = await ports.store.run(day);
      // Judged with its data in and its digest out: a run that failed after storing the day (its
      // digest never sent) is judged again, and this time sends it.
      if (
        earlier &&
        !earlier.partialData &&
        !earlier.missingDays.includes(day) &&
        earlier.digestSentAt !== undefined
      ) {
        logger.info('catch-up run skipped: the day was judged with its data in', {
          day,
          finishedAt: earlier.finishedAt,
        });
        // Not a run: neither a success for the silence alarm nor a late day.
        metrics.addMetric(DETECT_METRICS.catchUpSkipped, MetricUnit.Count, 1);
        return { day, skipped: 'judged in full', finishedAt: earlier.finishedAt };
      }
    }
    const result = await detectDay({ day, profile, config: options.config }, ports);
    logger.info('detect run finished', {
      day,
      profile,
      channelsJudged: result.run.channelsJudged,
      findings: result.run.findings,
      alerts: result.run.alerts,
      missingDays: result.run.missingDays,
      partialData: result.run.partialData,
      digestSent: result.digest !== undefined,
      correction: result.correction === true,
      stored: result.stored,
    });
    metrics.addMetric(DETECT_METRICS.alerts, MetricUnit.Count, result.run.alerts);
    metrics.addMetric(DETECT_METRICS.findings, MetricUnit.Count, result.run.findings);
    // The "no successful run in 26 hours" alarm watches this metric; a late or partial day is not a success.
    if (result.run.missingDays.includes(day) || result.run.partialData)
      metrics.addMetric(DETECT_METRICS.dataLate, MetricUnit.Count, 1);
    else metrics.addMetric(DETECT_METRICS.succeeded, MetricUnit.Count, 1);
    return { ...result.run, digestSent: result.digest !== undefined };
  };
  return middy(detect).use(injectLambdaContext(logger)).use(logMetrics(metrics));
}

// Cold start: the environment and the config are read once; a bad one stops the start, named.
const env = loadFunctionEnv('detect');
const registry = createDynamoChannelRegistry({ documentClient, tableName: env.CHANNELS_TABLE });

export const handler = createDetectHandler(
  {
    metrics: athenaMetricsSourceFromEnv(athenaClient, env),
    store: createDynamoFindingStore({ documentClient, tableName: env.FINDINGS_TABLE }),
    alerts: createSnsAlertSink({ client: snsClient, topicArn: env.ALERTS_TOPIC_ARN }),
    registry: () => registry.snapshot(),
    feedback: createDynamoFeedbackStore({ documentClient, tableName: env.FINDINGS_TABLE }),
    ...(env.FEEDBACK_LINK_BASE && env.FEEDBACK_KEY_ID
      ? {
          links: {
            base: env.FEEDBACK_LINK_BASE,
            signer: createKmsLinkSigner({ client: kmsClient, keyId: env.FEEDBACK_KEY_ID }),
          },
        }
      : {}),
  },
  {
    config: parseCrmGuardConfig(env.CRM_GUARD_CONFIG ?? {}, 'CRM_GUARD_CONFIG'),
    profile: env.DETECTION_PROFILE,
    logger: new Logger({ serviceName: SERVICE_NAMES.detect }),
    metrics: new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAMES.detect }),
  },
);
