import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { documentClient } from '#shared/adapters/aws/dynamodb.ts';
import { kmsClient } from '#shared/adapters/aws/kms.ts';
import { s3Client } from '#shared/adapters/aws/s3.ts';
import { createDynamoFeedbackStore } from '#shared/adapters/dynamo/finding-store.ts';
import { createKmsLinkSigner } from '#shared/adapters/links/kms.ts';
import { createS3ReportOpener } from '#shared/adapters/report-files/s3.ts';
import { loadFunctionEnv } from '#shared/config/lambda-env.ts';
import { SERVICE_NAMES } from '#shared/telemetry.ts';
import { createFeedbackPageHandler } from './api.ts';

// Cold start: the table, the key and the reports' bucket from the environment, validated once.
const env = loadFunctionEnv('feedback');
const logger = new Logger({ serviceName: SERVICE_NAMES.feedback });
const page = createFeedbackPageHandler({
  signer: createKmsLinkSigner({ client: kmsClient, keyId: env.FEEDBACK_KEY_ID }),
  feedback: createDynamoFeedbackStore({ documentClient, tableName: env.FINDINGS_TABLE }),
  reports: createS3ReportOpener({ client: s3Client, bucket: env.REPORT_BUCKET, prefix: env.REPORT_PREFIX }),
});

/** API Gateway (no IAM: the link's KMS signature is the credential) -> GET / POST /v1/feedback, GET /v1/report. */
export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>(page).use(
  injectLambdaContext(logger),
);
