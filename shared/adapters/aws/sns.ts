import { SNSClient } from '@aws-sdk/client-sns';
import { awsRegion } from './region.ts';

/** The SNS client, reused across warm invocations. */
export const snsClient = new SNSClient({ region: awsRegion() });
