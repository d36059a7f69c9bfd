import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { StoreUnavailableError } from '#shared/errors.ts';
import type { ReportOpener, ReportWriter } from '#shared/report/render-data.ts';
import { REPORT_HTML } from '#shared/report/render-data.ts';

export interface S3ReportWriterOptions {
  client: S3Client;
  bucket: string;
  /** Key prefix, e.g. `reports/`; the files land under `<prefix><day>/`. */
  prefix: string;
  /** Lifetime of the link in the digest; SigV4 allows at most 7 days (a week: until the next report). */
  linkExpiresInSeconds?: number;
  /** False when the e-mail links to the report page instead (AWS): no presigned link is made. */
  presignLink?: boolean;
  now?: () => Date;
}

export const MAX_LINK_SECONDS = 7 * 24 * 3600;
/** A report page's redirect: long enough to load, useless when forwarded. */
const OPEN_LINK_SECONDS = 300;

const folderOf = (prefix: string) => (prefix && !prefix.endsWith('/') ? `${prefix}/` : prefix);

/** Puts a report's files in S3 and signs a time-limited GET link to its HTML. */
export function createS3ReportWriter(options: S3ReportWriterOptions): ReportWriter {
  const expiresIn = Math.min(options.linkExpiresInSeconds ?? MAX_LINK_SECONDS, MAX_LINK_SECONDS);
  const base = folderOf(options.prefix);
  return {
    async write(day, files) {
      for (const file of files) {
        const Key = `${base}${day}/${file.name}`;
        try {
          await options.client.send(
            new PutObjectCommand({
              Bucket: options.bucket,
              Key,
              Body: file.body,
              ContentType: file.contentType,
            }),
          );
        } catch (error) {
          throw new StoreUnavailableError(
            `report files: put s3://${options.bucket}/${Key} failed: ${(error as Error).message}`,
          );
        }
      }
      const Key = `${base}${day}/${REPORT_HTML}`;
      if (options.presignLink === false) return { location: `s3://${options.bucket}/${Key}` };
      // A presigned link dies with the credentials that signed it: a Lambda's last hours, not a week.
      // The link is signed for what they have left, and the digest says until when it works.
      const { expiration } = await options.client.config.credentials();
      const now = (options.now ?? (() => new Date()))().getTime();
      const until = Math.min(now + expiresIn * 1000, expiration?.getTime() ?? Number.POSITIVE_INFINITY);
      const seconds = Math.max(1, Math.floor((until - now) / 1000));
      const link = await getSignedUrl(options.client, new GetObjectCommand({ Bucket: options.bucket, Key }), {
        expiresIn: seconds,
      });
      return {
        location: `s3://${options.bucket}/${Key}`,
        link,
        linkExpiresAt: new Date(now + seconds * 1000),
      };
    },
  };
}

/** Presigns a written report's HTML for a few minutes, when a signed report link is opened. */
export function createS3ReportOpener(
  options: Pick<S3ReportWriterOptions, 'client' | 'bucket' | 'prefix'>,
): ReportOpener {
  const base = folderOf(options.prefix);
  return {
    async open(folder) {
      const object = { Bucket: options.bucket, Key: `${base}${folder}/${REPORT_HTML}` };
      try {
        await options.client.send(new HeadObjectCommand(object));
      } catch (error) {
        // Past the bucket's retention the report is gone: the page says so instead of S3's XML error.
        if ((error as Error).name === 'NotFound' || (error as Error).name === 'NoSuchKey') return undefined;
        throw error;
      }
      return getSignedUrl(options.client, new GetObjectCommand(object), { expiresIn: OPEN_LINK_SECONDS });
    },
  };
}
