import { S3Client } from '@aws-sdk/client-s3';
import { awsRegion } from './region.ts';

/** The S3 client, reused across warm invocations. */
export const s3Client = new S3Client({ region: awsRegion() });
