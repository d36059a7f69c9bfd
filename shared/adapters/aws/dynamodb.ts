import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { awsRegion } from './region.ts';

/**
 * The DynamoDB clients, reused across warm invocations (building one opens no connection). One
 * module a client, so a function's bundle holds only the SDK clients it calls.
 */
export const dynamoClient = new DynamoDBClient({ region: awsRegion() });

/** Optional fields left undefined are not written. */
function documentClientOf(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

/** The document client every DynamoDB adapter takes. */
export const documentClient = documentClientOf(dynamoClient);

/**
 * A document client whose every attempt fails after `requestTimeoutMs` (the gate's): a call the gate
 * stopped waiting for at its deadline frees its socket soon after, instead of whenever DynamoDB answers.
 */
export function deadlineDocumentClient(
  requestTimeoutMs: number,
  config: DynamoDBClientConfig = {},
): DynamoDBDocumentClient {
  return documentClientOf(
    new DynamoDBClient({
      region: awsRegion(),
      ...config,
      requestHandler: { requestTimeout: requestTimeoutMs, throwOnRequestTimeout: true },
    }),
  );
}
