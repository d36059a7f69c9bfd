import { KMSClient } from '@aws-sdk/client-kms';
import { awsRegion } from './region.ts';

/** The KMS client, reused across warm invocations. */
export const kmsClient = new KMSClient({ region: awsRegion() });
