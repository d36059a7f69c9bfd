import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { awsRegion } from './region.ts';

/**
 * The DynamoDB clients, reused across warm invocations (building one opens no connection). One
 * module a client, so a function's bundle holds only the SDK clients it calls.
 */
export const dynamoClient = new DynamoDBClient({ region: awsRegion() });

/** The document client every DynamoDB adapter takes; optional fields left undefined are not written. */
export const documentClient = DynamoDBDocumentClient.from(dynamoClient, {
  marshallOptions: { removeUndefinedValues: true },
});
