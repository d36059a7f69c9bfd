import { AthenaClient } from '@aws-sdk/client-athena';
import { awsRegion } from './region.ts';

/** The Athena client, reused across warm invocations. */
export const athenaClient = new AthenaClient({ region: awsRegion() });
