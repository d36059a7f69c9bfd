import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { createFolderReportWriter } from '#shared/adapters/report-files/local.ts';
import { createS3ReportOpener, createS3ReportWriter } from '#shared/adapters/report-files/s3.ts';
import { StoreUnavailableError } from '#shared/errors.ts';
import type { ReportFile } from '#shared/report/render-data.ts';
import { tempDir } from '../temp-dir.ts';

const files: ReportFile[] = [
  {
    name: 'report.html',
    contentType: 'text/html; charset=utf-8',
    body: '<!doctype html><title>리포트</title>',
  },
  { name: 'health.csv', contentType: 'text/csv; charset=utf-8', body: 'channel_id\r\na\r\n' },
];

const s3 = mockClient(S3Client);
afterEach(() => s3.reset());

const client = () =>
  new S3Client({
    region: 'ap-northeast-2',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
  });

describe('report writers', () => {
  it('puts every file under <prefix><day>/ and signs a 7-day link to the HTML', async () => {
    // Prepare
    s3.on(PutObjectCommand).resolves({});
    const writer = createS3ReportWriter({ client: client(), bucket: 'reports-bucket', prefix: 'weekly' });

    // Act
    const written = await writer.write('2026-11-01', files);

    // Assess
    expect(s3).toHaveReceivedCommandTimes(PutObjectCommand, 2);
    expect(s3).toHaveReceivedCommandWith(PutObjectCommand, {
      Bucket: 'reports-bucket',
      Key: 'weekly/2026-11-01/report.html',
      ContentType: 'text/html; charset=utf-8',
    });
    expect(written.location).toBe('s3://reports-bucket/weekly/2026-11-01/report.html');
    const link = new URL(written.link!);
    expect(link.pathname).toContain('/weekly/2026-11-01/report.html');
    expect(link.searchParams.get('X-Amz-Expires')).toBe(String(7 * 24 * 3600));
    expect(link.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('signs the link only for what the signing credentials have left, and says until when', async () => {
    // Prepare: a Lambda's session credentials, two hours from expiring
    s3.on(PutObjectCommand).resolves({});
    const now = new Date('2026-11-30T00:30:00Z');
    const session = new S3Client({
      region: 'ap-northeast-2',
      credentials: {
        accessKeyId: 'ASIAEXAMPLE',
        secretAccessKey: 'secret',
        sessionToken: 'token',
        expiration: new Date('2026-11-30T02:30:00Z'),
      },
    });
    const writer = createS3ReportWriter({
      client: session,
      bucket: 'reports-bucket',
      prefix: 'weekly/',
      now: () => now,
    });

    // Act
    const written = await writer.write('2026-11-30', files);

    // Assess
    expect(new URL(written.link!).searchParams.get('X-Amz-Expires')).toBe(String(2 * 3600));
    expect(written.linkExpiresAt?.toISOString()).toBe('2026-11-30T02:30:00.000Z');
  });

  it('fails with the object it could not write', async () => {
    // Prepare
    s3.on(PutObjectCommand).rejects(new Error('AccessDenied'));
    const writer = createS3ReportWriter({ client: client(), bucket: 'reports-bucket', prefix: 'weekly/' });

    // Act / Assess
    const failure = writer.write('2026-11-01', files);
    await expect(failure).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(failure).rejects.toThrow(
      'put s3://reports-bucket/weekly/2026-11-01/report.html failed: AccessDenied',
    );
  });

  it('opens a kept report for minutes, says a removed one is gone, and passes on any other failure', async () => {
    // Prepare: S3 answers a HEAD of a missing key with NotFound (no body to name it otherwise)
    const notFound = Object.assign(new Error('NotFound'), { name: 'NotFound' });
    s3.on(HeadObjectCommand, { Key: 'weekly/2026-11-01/ko/report.html' })
      .resolves({})
      .on(HeadObjectCommand, { Key: 'weekly/2026-08-02/ko/report.html' })
      .rejects(notFound)
      .on(HeadObjectCommand, { Key: 'weekly/2026-11-08/ko/report.html' })
      .rejects(Object.assign(new Error('Slow down'), { name: 'SlowDown' }));
    const opener = createS3ReportOpener({ client: client(), bucket: 'reports-bucket', prefix: 'weekly' });

    // Act
    const kept = new URL((await opener.open('2026-11-01/ko'))!);
    const removed = await opener.open('2026-08-02/ko');
    const throttled = opener.open('2026-11-08/ko');

    // Assess
    expect(kept.pathname).toBe('/weekly/2026-11-01/ko/report.html');
    expect(kept.searchParams.get('X-Amz-Expires')).toBe('300');
    expect(removed).toBeUndefined();
    await expect(throttled).rejects.toThrow('Slow down');
  });

  it('writes a folder per day on one machine and returns the HTML path', async () => {
    // Prepare
    const dir = tempDir('crm-guard-reports-');

    // Act
    const written = await createFolderReportWriter(dir).write('2026-11-01', files);

    // Assess
    expect(written.location).toBe(join(dir, '2026-11-01', 'report.html'));
    expect(readFileSync(written.location, 'utf8')).toContain('리포트');
    expect(readFileSync(join(dir, '2026-11-01', 'health.csv'), 'utf8')).toBe('channel_id\r\na\r\n');
  });
});
