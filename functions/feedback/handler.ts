import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { documentClient } from '#shared/adapters/aws/dynamodb.ts';
import { kmsClient } from '#shared/adapters/aws/kms.ts';
import { createDynamoFeedbackStore } from '#shared/adapters/dynamo/finding-store.ts';
import { createKmsLinkSigner } from '#shared/adapters/links/kms.ts';
import { loadFunctionEnv } from '#shared/config/lambda-env.ts';
import { SERVICE_NAMES } from '#shared/telemetry.ts';
import { createFeedbackPageHandler } from './api.ts';

// Cold start: the table and the key from the environment, validated once.
const env = loadFunctionEnv('feedback');
const logger = new Logger({ serviceName: SERVICE_NAMES.feedback });
const page = createFeedbackPageHandler({
  signer: createKmsLinkSigner({ client: kmsClient, keyId: env.FEEDBACK_KEY_ID }),
  feedback: createDynamoFeedbackStore({ documentClient, tableName: env.FINDINGS_TABLE }),
});

/** API Gateway (no IAM: the link's KMS signature is the credential) -> GET / POST /v1/feedback. */
export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>(page).use(
  injectLambdaContext(logger),
);
