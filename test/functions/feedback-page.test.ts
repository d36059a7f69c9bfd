import type { APIGatewayProxyEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createFeedbackPageHandler } from '#functions/feedback/api.ts';
import { startEmbeddedDynamo } from '#shared/adapters/dynamo/embedded.ts';
import { createDynamoFeedbackStore } from '#shared/adapters/dynamo/finding-store.ts';
import { createHmacLinkSigner } from '#shared/adapters/links/hmac.ts';
import { feedbackLinkMessage, feedbackLinkUrl } from '#shared/domain/feedback-link.ts';
import { reportLinkMessage, reportLinkUrl } from '#shared/report/report-link.ts';

const signer = createHmacLinkSigner('a-key-of-thirty-two-characters-x');
const NOW = new Date('2026-12-01T00:00:00Z');
const claim = {
  channelId: 'push_1',
  day: '2026-11-30',
  verdict: 'false-alarm' as const,
  expires: NOW.getTime() / 1000 + 3600,
};

/** The event API Gateway hands the page when a browser opens `link` (on the `live` stage). */
function opened(link: string, method: string, body?: string): APIGatewayProxyEvent {
  const url = new URL(link);
  const path = url.pathname.replace(/^\/live/, '');
  return {
    httpMethod: method,
    resource: path,
    path,
    queryStringParameters: Object.fromEntries(url.searchParams),
    body: body ?? null,
    isBase64Encoded: false,
  } as unknown as APIGatewayProxyEvent;
}

async function linkEvent(method: 'GET' | 'POST', over: Partial<typeof claim> = {}, body?: string) {
  const signed = { ...claim, ...over };
  const signature = await signer.sign(feedbackLinkMessage(signed));
  return opened(feedbackLinkUrl('https://gate.example/live', signed, signature), method, body);
}

/** The page over the feedback store on the embedded DynamoDB, closed after `use`. */
async function withDynamoFeedback(
  use: (
    store: ReturnType<typeof createDynamoFeedbackStore>,
    handler: ReturnType<typeof createFeedbackPageHandler>,
  ) => Promise<void>,
): Promise<void> {
  const dynamo = await startEmbeddedDynamo();
  try {
    const store = createDynamoFeedbackStore({
      documentClient: dynamo.documentClient,
      tableName: dynamo.tableNames.findings,
    });
    await use(store, createFeedbackPageHandler({ signer, feedback: store, now: () => NOW }));
  } finally {
    await dynamo.close();
  }
}

describe('the one-click feedback page', () => {
  it("asks to confirm on GET and records only on the button's POST, with who and when", async () => {
    // Prepare: the feedback store on the embedded DynamoDB
    const recorded: unknown[] = [];
    const handler = createFeedbackPageHandler({
      signer,
      feedback: { record: async (feedback) => void recorded.push(feedback), verdicts: async () => [] },
      now: () => NOW,
    });

    // Act
    const opened = await handler(await linkEvent('GET'));
    const afterOpening = recorded.length;
    const confirmed = await handler(await linkEvent('POST', {}, 'by=Kim&note=test+send'));

    // Assess
    expect(opened.statusCode).toBe(200);
    expect(opened.body).toContain('<form method="post">');
    // It asks; nothing reads as recorded before the button is pressed
    expect(opened.body).toContain(
      'Record the alert on <b>push_1 on 2026-11-30</b> as <b>a false alarm: nothing was wrong</b>?',
    );
    expect(opened.body).not.toMatch(/ was <b>/);
    expect(opened.headers?.['content-security-policy']).toContain("form-action 'self'");
    expect(afterOpening).toBe(0);
    expect(confirmed.statusCode).toBe(200);
    expect(recorded).toEqual([
      {
        channelId: 'push_1',
        day: '2026-11-30',
        verdict: 'false-alarm',
        note: 'test send',
        by: 'Kim',
        at: NOW.toISOString(),
      },
    ]);
  });

  it('refuses an altered, an expired and an incomplete link without recording anything', async () => {
    // Prepare
    const recorded: unknown[] = [];
    const handler = createFeedbackPageHandler({
      signer,
      feedback: { record: async (feedback) => void recorded.push(feedback), verdicts: async () => [] },
      now: () => NOW,
    });
    const altered = await linkEvent('POST');
    altered.queryStringParameters!.v = 'confirmed';
    const incomplete = await linkEvent('GET');
    delete incomplete.queryStringParameters!.s;

    // Act
    const answers = await Promise.all([
      handler(altered),
      handler(await linkEvent('POST', { expires: NOW.getTime() / 1000 - 1 })),
      handler(incomplete),
    ]);

    // Assess
    expect(answers.map((answer) => answer.statusCode)).toEqual([403, 410, 400]);
    expect(recorded).toEqual([]);
  });

  it("records through the DynamoDB feedback store, beside the day's findings", async () => {
    await withDynamoFeedback(async (store, handler) => {
      // Act
      await handler(await linkEvent('POST', {}, ''));
      const stored = await store.verdicts({ from: '2026-11-30', to: '2026-11-30' });

      // Assess
      expect(stored).toEqual([
        {
          channelId: 'push_1',
          day: '2026-11-30',
          verdict: 'false-alarm',
          by: 'one-click link',
          at: NOW.toISOString(),
        },
      ]);
    });
  });

  it('keeps who recorded a verdict and their note when the same link is pressed again with nothing to add', async () => {
    await withDynamoFeedback(async (store, handler) => {
      // Prepare
      await handler(
        await linkEvent(
          'POST',
          {},
          `by=${encodeURIComponent('박서준')}&note=${encodeURIComponent('실제 중복 발송')}`,
        ),
      );

      // Act
      const reopened = await handler(await linkEvent('GET'));
      const again = await handler(await linkEvent('POST', {}, ''));
      const stored = await store.verdicts({ from: '2026-11-30', to: '2026-11-30' });

      // Assess
      expect(reopened.body).toContain(
        'Already recorded as <b>a false alarm: nothing was wrong</b> by 박서준',
      );
      expect(reopened.body).toContain('This replaces what was recorded.');
      expect(again.statusCode).toBe(200);
      expect(again.body).toContain('Nothing was changed.');
      expect(stored).toEqual([
        expect.objectContaining({ verdict: 'false-alarm', by: '박서준', note: '실제 중복 발송' }),
      ]);
    });
  });
});

describe("the weekly report's link", () => {
  const report = { day: '2026-11-29', locale: 'ko' as const, expires: NOW.getTime() / 1000 + 3600 };
  async function reportEvent(over: Partial<typeof report> = {}, method = 'GET') {
    const signed = { ...report, ...over };
    const signature = await signer.sign(reportLinkMessage(signed));
    return opened(reportLinkUrl('https://gate.example/live', signed, signature), method);
  }

  it('redirects to the report it names, and says so when the link expired, the report is gone or the call is not a GET', async () => {
    // Prepare: a bucket that still holds the week ending 2026-11-29 only
    const opened: string[] = [];
    const handler = createFeedbackPageHandler({
      signer,
      feedback: { record: async () => {}, verdicts: async () => [] },
      reports: {
        open: async (folder) => {
          opened.push(folder);
          return folder === '2026-11-29/ko' ? 'https://s3.example/report.html?X-Amz-Expires=300' : undefined;
        },
      },
      now: () => NOW,
    });

    // Act
    const found = await handler(await reportEvent());
    const expired = await handler(await reportEvent({ expires: NOW.getTime() / 1000 - 1 }));
    const gone = await handler(await reportEvent({ day: '2026-08-02' }));
    const posted = await handler(await reportEvent({}, 'POST'));
    const forged = await handler({
      ...(await reportEvent()),
      queryStringParameters: { ...(await reportEvent()).queryStringParameters, d: '2026-11-22' },
    });
    // KMS fails on an empty MAC instead of saying "invalid": such a link never reaches the signer.
    const emptyMac = await handler({
      ...(await reportEvent()),
      queryStringParameters: { ...(await reportEvent()).queryStringParameters, s: '!!' },
    });
    const incomplete = await handler({
      httpMethod: 'GET',
      resource: '/v1/report',
      queryStringParameters: { d: '2026-11-29' },
    } as unknown as APIGatewayProxyEvent);

    // Assess
    expect(found.statusCode).toBe(302);
    expect(found.headers?.location).toBe('https://s3.example/report.html?X-Amz-Expires=300');
    expect(found.headers?.['cache-control']).toBe('no-store');
    expect(expired.statusCode).toBe(410);
    expect(gone.statusCode).toBe(404);
    expect(gone.body).toContain('2026-08-02');
    expect(posted.statusCode).toBe(405);
    expect(posted.headers?.['content-security-policy']).toContain("default-src 'none'");
    expect(forged.statusCode).toBe(403);
    expect(emptyMac.statusCode).toBe(400);
    expect(incomplete.statusCode).toBe(400);
    // Only checked links reach the bucket.
    expect(opened).toEqual(['2026-11-29/ko', '2026-08-02/ko']);
  });
});
