import type { APIGatewayProxyEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createFeedbackPageHandler } from '#functions/feedback/api.ts';
import { startEmbeddedDynamo } from '#shared/adapters/dynamo/embedded.ts';
import { createDynamoFeedbackStore } from '#shared/adapters/dynamo/finding-store.ts';
import { createHmacLinkSigner } from '#shared/adapters/links/hmac.ts';
import { feedbackLinkMessage, feedbackLinkUrl } from '#shared/domain/feedback-link.ts';

const signer = createHmacLinkSigner('a-key-of-thirty-two-characters-x');
const NOW = new Date('2026-12-01T00:00:00Z');
const claim = {
  channelId: 'push_1',
  day: '2026-11-30',
  verdict: 'false-alarm' as const,
  expires: NOW.getTime() / 1000 + 3600,
};

async function linkEvent(method: 'GET' | 'POST', over: Partial<typeof claim> = {}, body?: string) {
  const signed = { ...claim, ...over };
  const url = new URL(
    feedbackLinkUrl('https://gate.example/live', signed, await signer.sign(feedbackLinkMessage(signed))),
  );
  return {
    httpMethod: method,
    path: '/v1/feedback',
    queryStringParameters: Object.fromEntries(url.searchParams),
    body: body ?? null,
    isBase64Encoded: false,
  } as unknown as APIGatewayProxyEvent;
}

describe('the one-click feedback page', () => {
  it("asks to confirm on GET and records only on the button's POST, with who and when", async () => {
    // Prepare: the feedback store on the embedded DynamoDB
    const recorded: unknown[] = [];
    const handler = createFeedbackPageHandler({
      signer,
      feedback: { record: async (feedback) => void recorded.push(feedback) },
      now: () => NOW,
    });

    // Act
    const opened = await handler(await linkEvent('GET'));
    const afterOpening = recorded.length;
    const confirmed = await handler(await linkEvent('POST', {}, 'by=Kim&note=test+send'));

    // Assess
    expect(opened.statusCode).toBe(200);
    expect(opened.body).toContain('<form method="post">');
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
      feedback: { record: async (feedback) => void recorded.push(feedback) },
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
    // Prepare
    const dynamo = await startEmbeddedDynamo();
    const store = createDynamoFeedbackStore({
      documentClient: dynamo.documentClient,
      tableName: dynamo.tableNames.findings,
    });
    const handler = createFeedbackPageHandler({ signer, feedback: store, now: () => NOW });

    try {
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
    } finally {
      await dynamo.close();
    }
  });
});
