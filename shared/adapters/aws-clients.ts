import { AthenaClient } from '@aws-sdk/client-athena';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * SDK client singletons for the Lambdas and the CLI's AWS mode, reused across warm invocations.
 * Building a client opens no connection, so importing this module costs nothing until a call.
 * The region comes from the environment: `AWS_REGION` (set by Lambda), then `AWS_DEFAULT_REGION`,
 * else the SDK's own chain (profile, instance metadata).
 */

/** The region from the environment, or undefined to let the SDK resolve it. */
export function awsRegion(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined;
}

const region = awsRegion();

export const athenaClient = new AthenaClient({ region });

export const snsClient = new SNSClient({ region });

export const dynamoClient = new DynamoDBClient({ region });

/** The document client every DynamoDB adapter takes; optional fields left undefined are not written. */
export const documentClient = DynamoDBDocumentClient.from(dynamoClient, {
  marshallOptions: { removeUndefinedValues: true },
});
