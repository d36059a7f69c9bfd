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
import type { GatePolicy } from '#shared/gate/policy.ts';
import type { MetricsSource } from '#shared/ports/metrics-source.ts';
import { METRICS_NAMESPACE, SERVICE_NAMES, TIER_REFRESH_METRICS } from '#shared/telemetry.ts';
import { isIsoDay, seoulYesterday } from '#shared/time/seoul.ts';
import {
  describeRefresh,
  type RefreshTiersResult,
  refreshTiers,
  type TierRefreshStore,
} from '#shared/use-cases/refresh-tiers.ts';
import { policyFromJson } from './config.ts';

const eventSchema = z
  .object({ asOf: z.string().refine(isIsoDay, 'expected YYYY-MM-DD').optional() })
  .passthrough()
  .optional();

export interface TierRefreshPorts {
  /** A source per run: it holds Athena query state, closed when the run ends. */
  openSource(): Pick<MetricsSource, 'readEngagement' | 'close'>;
  store: TierRefreshStore;
}

/** Daily (EventBridge Scheduler): recompute tiers over the trailing window ending yesterday in Seoul. */
export function createTierRefreshHandler(
  ports: TierRefreshPorts,
  options: { policy: GatePolicy; logger: Logger; metrics: Metrics; now?: () => Date },
) {
  const { logger, metrics } = options;
  const refresh = async (event: unknown): Promise<RefreshTiersResult> => {
    const asOf =
      parseConfig(eventSchema, event, 'event')?.asOf ?? seoulYesterday(options.now?.() ?? new Date());
    const source = ports.openSource();
    try {
      const result = await refreshTiers({
        source,
        store: ports.store,
        policy: options.policy,
        asOf,
        ...(options.now ? { now: options.now } : {}),
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
  };
  return middy(refresh, { timeoutEarlyInMillis: 0 })
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics));
}

// Cold start: the lake, the table and the policy from the environment, validated once.
const env = loadFunctionEnv('tierRefresh');

export const handler = createTierRefreshHandler(
  {
    openSource: () => athenaMetricsSourceFromEnv(athenaClient, env),
    store: createDynamoGateStore({ documentClient, tableName: env.GATE_TABLE }),
  },
  {
    policy: policyFromJson(env.GATE_POLICY, 'GATE_POLICY'),
    logger: new Logger({ serviceName: SERVICE_NAMES.tierRefresh }),
    metrics: new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAMES.tierRefresh }),
  },
);
