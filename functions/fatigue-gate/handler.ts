import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { documentClient } from '#shared/adapters/aws/dynamodb.ts';
import { readSecretString, secretsClient } from '#shared/adapters/aws/secrets.ts';
import { createDynamoGateStore } from '#shared/adapters/dynamo/gate-store.ts';
import { createGate } from '#shared/gate/gate.ts';
import { METRICS_NAMESPACE, SERVICE_NAMES } from '#shared/telemetry.ts';
import { createGateHandler } from './api.ts';
import { logUserIdOf, readGateConfig } from './config.ts';

// Cold start: config is validated once; a bad policy stops the function here with the key named.
const config = readGateConfig();
const logger = new Logger({ serviceName: SERVICE_NAMES.gate });
const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAMES.gate });
const logUserId = await logUserIdOf(
  config,
  (secretId) => readSecretString(secretsClient, secretId),
  (error) => logger.error('the key of the user-id hash could not be read: logs say u_unavailable', { error }),
);

const gate = createGate({
  store: createDynamoGateStore({ documentClient, tableName: config.tableName }),
  policy: config.policy,
  timeoutMs: config.storeTimeoutMs,
  batchTimeoutMs: config.batchTimeoutMs,
  tierCacheMs: config.tierCacheMs,
  onStoreError: (error, request) =>
    logger.warn('gate store failed', {
      cause: error.failure,
      error: error.message,
      messageId: request.messageId,
    }),
});

/** API Gateway (REST, IAM auth) -> POST /v1/decisions, POST /v1/decisions/batch, GET /v1/users/{userId}/tier. */
export const handler = createGateHandler({ gate, logger, metrics, logUserId });
