import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { z } from 'zod';
import { athenaMetricsSourceFromEnv } from '#shared/adapters/athena/metrics-source.ts';
import { athenaClient } from '#shared/adapters/aws/athena.ts';
import { documentClient } from '#shared/adapters/aws/dynamodb.ts';
import { createDynamoGateStore } from '#shared/adapters/dynamo/gate-store.ts';
import { loadFunctionEnv } from '#shared/config/lambda-env.ts';
import { parseConfig } from '#shared/config/load.ts';
import { METRICS_NAMESPACE, SERVICE_NAMES, TIER_REFRESH_METRICS } from '#shared/telemetry.ts';
import { isIsoDay, seoulYesterday } from '#shared/time/seoul.ts';
import { describeRefresh, type RefreshTiersResult, refreshTiers } from '#shared/use-cases/refresh-tiers.ts';
import { policyFromJson } from './config.ts';

// Cold start: the lake and the table from the environment, validated once.
const env = loadFunctionEnv('tierRefresh');
const policy = policyFromJson(env.GATE_POLICY, 'GATE_POLICY');
const logger = new Logger({ serviceName: SERVICE_NAMES.tierRefresh });
const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAMES.tierRefresh });

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
    metrics.addMetric(TIER_REFRESH_METRICS.usersRead, MetricUnit.Count, result.usersRead);
    metrics.addMetric(TIER_REFRESH_METRICS.recordsWritten, MetricUnit.Count, result.written);
    metrics.addMetric(
      TIER_REFRESH_METRICS.moves,
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
