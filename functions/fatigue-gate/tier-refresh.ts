import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { z } from 'zod';
import { athenaMetricsSourceFromEnv } from '#shared/adapters/athena/metrics-source.ts';
import { athenaClient, documentClient } from '#shared/adapters/aws-clients.ts';
import { createDynamoGateStore } from '#shared/adapters/dynamo/gate-store.ts';
import { parseConfig } from '#shared/config/load.ts';
import { isIsoDay, seoulYesterday } from '#shared/time/seoul.ts';
import { describeRefresh, type RefreshTiersResult, refreshTiers } from '#shared/use-cases/refresh-tiers.ts';
import { policyFromJson } from './config.ts';

// Cold start: the lake and the table from the environment, validated once.
const env = parseConfig(
  z.object({
    GATE_TABLE: z.string().min(1),
    GATE_POLICY: z.string().optional(),
    ATHENA_WORKGROUP: z.string().min(1),
    ATHENA_DATABASE: z.string().min(1),
    CHANNEL_TABLE: z.string().min(1).default('crm_channel_daily'),
    ENGAGEMENT_TABLE: z.string().min(1).default('user_engagement_daily'),
  }),
  process.env,
  'environment',
);
const policy = policyFromJson(env.GATE_POLICY, 'GATE_POLICY');
const logger = new Logger({ serviceName: 'tier-refresh' });
const metrics = new Metrics({ namespace: 'crm-guard', serviceName: 'tier-refresh' });

const eventSchema = z
  .object({ asOf: z.string().refine(isIsoDay, 'expected YYYY-MM-DD').optional() })
  .passthrough()
  .optional();

/** Daily (EventBridge Scheduler): recompute tiers over the trailing window ending yesterday in Seoul. */
async function refresh(event: unknown): Promise<RefreshTiersResult> {
  const asOf = parseConfig(eventSchema, event, 'event')?.asOf ?? seoulYesterday(new Date());
  const source = athenaMetricsSourceFromEnv(athenaClient, env);
  try {
    const result = await refreshTiers({
      source,
      store: createDynamoGateStore({ documentClient, tableName: env.GATE_TABLE }),
      policy,
      asOf,
    });
    logger.info(describeRefresh(result), { ...result });
    metrics.addMetric('TierUsersRead', MetricUnit.Count, result.usersRead);
    metrics.addMetric('TierRecordsWritten', MetricUnit.Count, result.written);
    metrics.addMetric(
      'TierMoves',
      MetricUnit.Count,
      Object.values(result.movements).reduce((sum, n) => sum + n, 0),
    );
    return result;
  } finally {
    await source.close();
  }
}

export const handler = middy(refresh, { timeoutEarlyInMillis: 0 })
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics));
