import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startEmbeddedDynamo } from '#shared/adapters/dynamo/embedded.ts';
import { startLoopbackServer } from '#shared/adapters/http/loopback-server.ts';
import { createHmacLinkSigner } from '#shared/adapters/links/hmac.ts';
import { feedbackLinkMessage, feedbackLinkUrl } from '#shared/domain/feedback-link.ts';
import { DEFAULT_POLICY } from '#shared/gate/default-policy.ts';
import { type GateServer, startGateServer } from '../../bin/commands/serve.ts';
import { adRequest, testNow } from './helpers.ts';

const TOKEN = 'test-token-0123456789';
let server: GateServer;

beforeAll(async () => {
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  server = await startGateServer({
    token: TOKEN,
    policy: DEFAULT_POLICY,
    // Generous: this machine's cores are shared, and this file checks answers, not speed.
    storeTimeoutMs: 10_000,
    batchTimeoutMs: 30_000,
    logger: new Logger({ logLevel: 'SILENT' }),
    metrics: new Metrics({ namespace: 'crm-guard', serviceName: 'test' }),
    now: testNow,
  });
});
afterAll(async () => {
  await server.close();
});

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(server.url + path, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    json: text ? JSON.parse(text) : undefined,
  };
}

describe('gate API over HTTP on loopback', () => {
  it('answers a decision with tier and caps', async () => {
    // Prepare
    const request = adRequest({ userId: 'http-1' });

    // Act
    const { status, json } = await call('POST', '/v1/decisions', request);

    // Assess
    expect(status).toBe(200);
    expect(json).toMatchObject({ decision: 'allow', reason: 'under_caps', tier: 'mid' });
    expect(json.caps).toContainEqual({ name: 'ads-daily', limit: 1, used: 1, window: 'day' });
  });

  it('answers a batch in order and the tier of a user', async () => {
    // Prepare
    const requests = [adRequest({ userId: 'http-2' }), adRequest({ userId: 'http-2', channel: 'alimtalk' })];

    // Act
    const batch = await call('POST', '/v1/decisions/batch', { requests });
    const tier = await call('GET', '/v1/users/http-2/tier');

    // Assess
    expect(batch.status).toBe(200);
    expect(batch.json.answers.map((answer: { reason: string }) => answer.reason)).toEqual([
      'under_caps',
      'ad_on_alimtalk',
    ]);
    expect(tier).toMatchObject({ status: 200, json: { userId: 'http-2', tier: 'mid', stored: false } });
  });

  it('answers 400 problem+json naming each bad field', async () => {
    // Prepare
    const bad = {
      ...adRequest(),
      userId: '',
      channel: 'Push!',
      messageClass: 'promo',
      consent: { ad: true, nightAd: 'yes' },
      at: 'tomorrow',
      extra: 1,
    };

    // Act
    const { status, type, json } = await call('POST', '/v1/decisions', bad);

    // Assess
    expect(status).toBe(400);
    expect(type).toBe('application/problem+json');
    expect(json).toMatchObject({ status: 400, title: 'Invalid request' });
    expect(json.errors.map((error: { field: string }) => error.field).sort()).toEqual(
      ['at', 'channel', 'consent.adConsentedAt', 'consent.nightAd', 'extra', 'messageClass', 'userId'].sort(),
    );
    const said = Object.fromEntries(
      json.errors.map((error: { field: string; message: string }) => [error.field, error.message]),
    );
    expect(said).toMatchObject({
      messageClass: 'expected one of transactional, informational, advertising',
      'consent.nightAd': 'expected boolean, received string',
      extra: 'unknown field',
      // The one form read, named in full ("ISO 8601" also covers forms it refuses, as 15:43Z).
      at: 'expected a date-time YYYY-MM-DDTHH:MM:SS with Z or an offset ±HH:MM, e.g. 2026-11-24T10:00:00+09:00',
    });
  });

  it('says "required" of a missing field', async () => {
    // Prepare
    const { messageId: _id, channel: _channel, messageClass: _class, ...without } = adRequest();

    // Act
    const { status, json } = await call('POST', '/v1/decisions', without);

    // Assess
    expect(status).toBe(400);
    expect(json.errors).toEqual([
      { field: 'channel', message: 'required' },
      { field: 'messageClass', message: 'required' },
      { field: 'messageId', message: 'required' },
    ]);
  });

  it('refuses a category under a class the policy does not give it, and one the policy does not list', async () => {
    // Prepare: benefit is advertising in the shipped policy; "receipt-v2" is not listed
    const send = (category: string) =>
      call('POST', '/v1/decisions', {
        ...adRequest({ userId: 'label-1', category }),
        messageClass: 'transactional',
      });

    // Act
    const relabelled = await send('benefit');
    const unlisted = await send('receipt-v2');

    // Assess
    expect(relabelled).toMatchObject({
      status: 400,
      json: {
        errors: [
          {
            field: 'messageClass',
            message: 'category "benefit" is sent as advertising (the policy\'s categories)',
          },
        ],
      },
    });
    expect(unlisted.status).toBe(400);
    expect(unlisted.json.errors).toEqual([
      {
        field: 'category',
        message:
          "expected one of the policy's categories: payment, billing, security, account, contract, community, rent-refund, notice, content, benefit, event, comeback",
      },
    ]);
  });

  it('asks for consent only with advertising: a transactional send may leave it out, an ad may not', async () => {
    // Prepare
    const { consent: _consent, ...withoutConsent } = adRequest({ userId: 'no-consent' });

    // Act
    const transactional = await call('POST', '/v1/decisions', {
      ...withoutConsent,
      channel: 'alimtalk',
      messageClass: 'transactional',
      category: 'billing',
    });
    const ad = await call('POST', '/v1/decisions', withoutConsent);
    const notice = await call('POST', '/v1/decisions', {
      ...withoutConsent,
      messageClass: 'informational',
      category: 'notice',
      consent: { ad: false },
    });

    // Assess
    expect(notice.status).toBe(200);
    expect(transactional.status).toBe(200);
    expect(transactional.json).toMatchObject({ decision: 'allow', reason: 'transactional_override' });
    expect(ad.status).toBe(400);
    expect(ad.json.errors).toEqual([
      { field: 'consent', message: 'required for advertising: {ad, adConsentedAt, nightAd?}' },
    ]);
  });

  it.each([
    ['no body', undefined, '(body)'],
    ['bad JSON', '{"userId":', '(body)'],
    ['an empty batch', { requests: [] }, 'requests'],
    ['a batch that is not a list', { requests: { 0: adRequest() } }, 'requests'],
  ])('answers 400 for %s', async (_case, body, field) => {
    // Act
    const path = _case.includes('batch') ? '/v1/decisions/batch' : '/v1/decisions';
    const { status, json } = await call('POST', path, body);

    // Assess
    expect(status).toBe(400);
    expect(json.errors.map((error: { field: string }) => error.field)).toContain(field);
  });

  it('decides the good items of a batch and answers a problem in the slot of each bad one', async () => {
    // Prepare
    const requests = [
      adRequest({ userId: 'http-3', messageClass: 'informational', category: 'notice' }),
      { ...adRequest(), messageId: 7 },
      adRequest({ userId: 'http-3', at: '9999-12-31T23:59:59+09:00' }),
      adRequest({ userId: 'http-3', messageClass: 'transactional', category: 'billing' }),
      'not a request',
    ];

    // Act
    const { status, json } = await call('POST', '/v1/decisions/batch', { requests });

    // Assess
    expect(status).toBe(200);
    expect(
      json.answers.map((answer: { decision?: string; status?: number }) => answer.decision ?? answer.status),
    ).toEqual(['allow', 400, 400, 'allow', 400]);
    expect(json.answers[1].errors.map((error: { field: string }) => error.field)).toEqual(['messageId']);
    expect(json.answers[2].errors.map((error: { field: string }) => error.field)).toEqual(['at']);
    expect(json.answers[4].errors.map((error: { field: string }) => error.field)).toEqual(['requests[4]']);
  });

  it('names a misspelt batch key and the list it left missing in one answer', async () => {
    // Act
    const { status, json } = await call('POST', '/v1/decisions/batch', { reqs: [adRequest()] });

    // Assess
    expect(status).toBe(400);
    expect(json.errors).toEqual([
      { field: 'reqs', message: 'unknown field' },
      { field: 'requests', message: 'required: expected a list of 1 to 500 requests' },
    ]);
  });

  it.each([
    ['a week ago', '2026-11-17T10:00:00+09:00'],
    ['ten minutes ago', '2026-11-24T09:50:00+09:00'],
    ['two days ahead', '2026-11-26T10:00:00+09:00'],
    ['in year 0000', '0000-01-01T00:00:00+09:00'],
    ['in year 9999', '9999-12-31T23:59:59+09:00'],
  ])('refuses a send planned %s with 400 naming at', async (_case, at) => {
    // Act
    const { status, json } = await call('POST', '/v1/decisions', adRequest({ userId: 'http-4', at }));

    // Assess
    expect(status).toBe(400);
    expect(json.errors.map((error: { field: string }) => error.field)).toEqual(['at']);
  });

  it('accepts a send planned a little behind or a day ahead', async () => {
    // Act
    const behind = await call(
      'POST',
      '/v1/decisions',
      adRequest({ userId: 'http-5', at: '2026-11-24T09:56:00+09:00' }),
    );
    const ahead = await call(
      'POST',
      '/v1/decisions',
      adRequest({ userId: 'http-6', at: '2026-11-25T09:59:00+09:00' }),
    );

    // Assess
    expect([behind.status, ahead.status]).toEqual([200, 200]);
    expect([behind.json.decision, ahead.json.decision]).toEqual(['allow', 'allow']);
  });

  it('reads null in an optional field as left out, as many JSON serializers write it', async () => {
    // Act: an informational send with every optional field null, an ad whose nightAd is null
    const informational = await call('POST', '/v1/decisions', {
      ...adRequest({ userId: 'http-null-1', messageClass: 'informational', category: 'notice' }),
      at: null,
      campaignId: null,
      consent: null,
    });
    const ad = await call('POST', '/v1/decisions', {
      ...adRequest({ userId: 'http-null-2' }),
      consent: { ad: true, adConsentedAt: '2026-06-01', nightAd: null },
    });
    const atNight = await call('POST', '/v1/decisions', {
      ...adRequest({ userId: 'http-null-4', at: '2026-11-24T22:00:00+09:00' }),
      consent: { ad: true, adConsentedAt: '2026-06-01', nightAd: null },
    });
    const required = await call('POST', '/v1/decisions', {
      ...adRequest({ userId: 'http-null-3' }),
      userId: null,
    });

    // Assess: `at` null is now; a required field null is still missing
    expect([informational.status, informational.json.decision]).toEqual([200, 'allow']);
    expect([ad.status, ad.json.decision]).toEqual([200, 'allow']);
    // nightAd null is no night-time consent
    expect(atNight.json).toMatchObject({ decision: 'defer', reason: 'night_ad_without_consent' });
    expect(required.status).toBe(400);
    expect(required.json.errors).toEqual([{ field: 'userId', message: expect.any(String) }]);
  });

  it('refuses a channel the policy does not list, naming the ones it does', async () => {
    // Act
    const { status, json } = await call('POST', '/v1/decisions', adRequest({ channel: 'kakao_alimtalk' }));

    // Assess
    expect(status).toBe(400);
    expect(json.errors).toEqual([
      {
        field: 'channel',
        message: expect.stringContaining('alimtalk, friendtalk, push, sms, lms, mms, email'),
      },
    ]);
  });

  it.each([
    ['a calendar date', '2026-06-01', 200],
    ['a date-time with offset', '2026-06-01T09:00:00+09:00', 200],
    ['a date in the future', '2026-12-25', 400],
    ['a date-time in the future', '2026-11-24T12:00:00+09:00', 400],
    ['year 0000', '0000-01-01', 400],
    ['not a date', '2026-13-01', 400],
  ])('reads consent given as %s', async (_case, adConsentedAt, expected) => {
    // Prepare
    const request = adRequest({ userId: 'http-7', consent: { ad: true, adConsentedAt, nightAd: false } });

    // Act
    const { status, json } = await call('POST', '/v1/decisions', request);

    // Assess
    expect(status).toBe(expected);
    if (expected === 400)
      expect(json.errors.map((error: { field: string }) => error.field)).toEqual(['consent.adConsentedAt']);
  });

  it('answers 400 for a malformed user id in the path', async () => {
    // Act
    const { status, json } = await call('GET', '/v1/users/a%20b/tier');

    // Assess
    expect(status).toBe(400);
    expect(json.errors[0].field).toBe('userId');
  });

  it('answers 413 for a batch of 501 and accepts 500', async () => {
    // Prepare
    // Transactional sends need no counter write: this checks the limit, not the store's speed.
    const requests = (n: number) =>
      Array.from({ length: n }, (_, i) =>
        adRequest({ userId: `bulk-${n}-${i}`, messageClass: 'transactional', category: 'billing' }),
      );

    // Act
    const over = await call('POST', '/v1/decisions/batch', { requests: requests(501) });
    const limit = await call('POST', '/v1/decisions/batch', { requests: requests(500) });

    // Assess
    expect(over.status).toBe(413);
    expect(over.type).toBe('application/problem+json');
    expect(limit.status).toBe(200);
    expect(limit.json.answers).toHaveLength(500);
    expect(limit.json.answers.every((answer: { decision: string }) => answer.decision === 'allow')).toBe(
      true,
    );
  });

  it('refuses a body over the size limit with 413', async () => {
    // Act
    const { status } = await call('POST', '/v1/decisions', 'x'.repeat(2 * 1024 * 1024));

    // Assess
    expect(status).toBe(413);
  });

  it('answers a body announced over the limit with 413 before it is sent (Expect: 100-continue), and asks for one that fits', async () => {
    // Act: headers only; what comes back first, a 100 Continue or the answer.
    const first = (length: number, authorization = `Bearer ${TOKEN}`) =>
      new Promise<string>((resolve, reject) => {
        const request = httpRequest(`${server.url}/v1/decisions`, {
          method: 'POST',
          headers: {
            authorization,
            'content-type': 'application/json',
            'content-length': String(length),
            expect: '100-continue',
          },
        });
        request.on('continue', () => {
          resolve('100');
          request.destroy();
        });
        request.on('response', (response) => {
          response.resume();
          resolve(`${response.statusCode} ${response.headers.connection}`);
          request.destroy();
        });
        request.on('error', (error) => reject(error));
        request.flushHeaders();
      });
    const huge = await first(100 * 1024 * 1024);
    const small = await first(200);
    const withoutToken = await first(200, 'Bearer wrong');

    // Assess
    expect([huge, small, withoutToken]).toEqual(['413 close', '100', '401 close']);
  });

  it('refuses a body that is not JSON by its Content-Type or Content-Encoding with 415 naming it', async () => {
    // Act
    const plain = await call('POST', '/v1/decisions', adRequest(), { 'content-type': 'text/plain' });
    const form = await call('POST', '/v1/decisions', adRequest(), {
      'content-type': 'application/x-www-form-urlencoded',
    });
    const gzip = await call('POST', '/v1/decisions', adRequest(), { 'content-encoding': 'gzip' });
    const charset = await call('POST', '/v1/decisions', adRequest(), {
      'content-type': 'application/json; charset=utf-8',
    });

    // Assess
    expect([plain.status, form.status, gzip.status, charset.status]).toEqual([415, 415, 415, 200]);
    expect(plain.type).toBe('application/problem+json');
    expect(plain.json.errors).toEqual([
      { field: '(content-type)', message: 'Content-Type text/plain: send application/json' },
    ]);
    expect(gzip.json.errors).toEqual([
      { field: '(content-encoding)', message: 'Content-Encoding gzip: send the JSON uncompressed' },
    ]);
  });

  it('answers 404 for unknown routes and 405 for a wrong method', async () => {
    // Act
    const unknown = await call('GET', '/v2/decisions');
    const wrongMethod = await call('GET', '/v1/decisions');

    // Assess
    expect(unknown).toMatchObject({ status: 404, type: 'application/problem+json' });
    expect(wrongMethod.status).toBe(405);
  });

  it('answers HEAD on the tier route as GET without the body', async () => {
    // Act
    const head = await fetch(`${server.url}/v1/users/x/tier`, {
      method: 'HEAD',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    const put = await call('PUT', '/v1/users/x/tier');

    // Assess
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    expect(put).toMatchObject({ status: 405 });
  });

  it('answers 401 without the bearer token or with a wrong one', async () => {
    // Act
    const none = await fetch(`${server.url}/v1/users/x/tier`);
    const wrong = await call('GET', '/v1/users/x/tier', undefined, { authorization: 'Bearer nope' });

    // Assess
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect(wrong.status).toBe(401);
  });
});

/** `crm-guard serve` on a free port over `data`, once it says where it listens. */
async function spawnServe(data: string, env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, ['bin/crm-guard.ts', 'serve', '--port', '0', '--data', data], {
    env: { ...env, CRM_GUARD_TOKEN: TOKEN },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let said = '';
    child.stderr.on('data', (chunk: Buffer) => {
      said += chunk.toString();
      const match = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(said);
      if (match) resolve(match[1]!);
    });
    child.once('exit', () => reject(new Error(`serve exited: ${said}`)));
  });
  return { child, url };
}

describe('crm-guard serve', () => {
  it('refuses a token no header can carry, and a user-id key file too short to be a key, in one line, exit 2', () => {
    // Prepare
    const data = mkdtempSync(join(tmpdir(), 'crm-guard-serve-'));
    const serve = (token: string) =>
      spawnSync(process.execPath, ['bin/crm-guard.ts', 'serve', '--port', '0', '--data', data], {
        env: { ...process.env, CRM_GUARD_TOKEN: token },
        encoding: 'utf8',
        // A serve that starts after all would never exit: the test fails instead of hanging.
        timeout: 20_000,
      });

    try {
      // Act
      const lineBreak = serve('secret\n');
      const korean = serve('비밀토큰');
      writeFileSync(join(data, 'gate-log-key'), '\n');
      const emptyKey = serve(TOKEN);

      // Assess
      expect(lineBreak.status).toBe(2);
      expect(lineBreak.stderr.trim().split('\n')).toEqual([
        expect.stringContaining('CRM_GUARD_TOKEN holds a space, a control character'),
      ]);
      expect(korean.status).toBe(2);
      expect(emptyKey.status).toBe(2);
      expect(emptyKey.stderr.trim().split('\n')).toEqual([
        expect.stringContaining(`${join(data, 'gate-log-key')}: the key is 0 characters, under 32`),
      ]);
    } finally {
      rmSync(data, { recursive: true, force: true });
    }
  });

  it('refuses to start without CRM_GUARD_TOKEN, in one line, exit 2', () => {
    // Prepare
    const env = { ...process.env };
    delete env.CRM_GUARD_TOKEN;

    // Act
    const run = spawnSync(process.execPath, ['bin/crm-guard.ts', 'serve', '--port', '0'], {
      env,
      encoding: 'utf8',
    });

    // Assess
    expect(run.status).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('CRM_GUARD_TOKEN');
  });

  it("says in one line what to do when the serve that shares a folder's store no longer answers", () => {
    // Prepare: a live process holds the lock and names an endpoint nobody listens on
    const data = mkdtempSync(join(tmpdir(), 'crm-guard-serve-'));
    const holder = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    writeFileSync(join(data, 'dynamo.lock'), String(holder.pid));
    writeFileSync(join(data, 'dynamo.served'), `${holder.pid}\nhttp://127.0.0.1:9`);

    // Act
    const run = spawnSync(process.execPath, ['bin/crm-guard.ts', 'channels', 'list', '--data', data], {
      encoding: 'utf8',
    });
    holder.kill();
    rmSync(data, { recursive: true, force: true });

    // Assess
    expect(run.status).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain(
      `is served by process ${holder.pid} at http://127.0.0.1:9, which does not answer`,
    );
    expect(run.stderr).toContain('dynamo.lock');
  });

  it('refuses a port TCP does not have, in one line naming --port, exit 2', () => {
    // Act
    const run = spawnSync(process.execPath, ['bin/crm-guard.ts', 'serve', '--port', '99999'], {
      env: { ...process.env, CRM_GUARD_TOKEN: 'secret' },
      encoding: 'utf8',
    });

    // Assess
    expect(run.status).toBe(2);
    expect(run.stderr.trim().split('\n')).toEqual([
      'crm-guard: --port: "99999" must be a whole number from 0 to 65535',
    ]);
  });

  it('refuses a store deadline past what a timer holds, naming --timeout-ms, exit 2', () => {
    // Act: Node would clamp 99999999999 ms to 1 ms, and every decision would time out
    const run = spawnSync(process.execPath, ['bin/crm-guard.ts', 'serve', '--timeout-ms', '99999999999'], {
      env: { ...process.env, CRM_GUARD_TOKEN: 'secret' },
      encoding: 'utf8',
    });

    // Assess
    expect(run.status).toBe(2);
    expect(run.stderr.trim()).toBe(
      'crm-guard: --timeout-ms: "99999999999" must be a whole number from 1 to 60000',
    );
  });

  it('refuses a GATE_LOG_USER_IDS it does not know rather than guess how to log user ids', () => {
    // Act
    const run = spawnSync(process.execPath, ['bin/crm-guard.ts', 'serve', '--port', '0'], {
      env: { ...process.env, CRM_GUARD_TOKEN: 'secret', GATE_LOG_USER_IDS: 'plain' },
      encoding: 'utf8',
    });

    // Assess
    expect(run.status).toBe(2);
    expect(run.stderr.trim()).toBe(
      'crm-guard serve: GATE_LOG_USER_IDS is "plain": expected hashed (the default) or raw',
    );
  });
});

describe("the local server answers the digest's feedback links without the token", () => {
  it('opens the confirm page and records on its button; the gate routes still need the token', async () => {
    // Prepare
    const key = 'a-key-of-thirty-two-characters-x';
    const local = await startGateServer({
      token: TOKEN,
      policy: DEFAULT_POLICY,
      linkKey: key,
      logger: new Logger({ logLevel: 'SILENT' }),
      metrics: new Metrics({ namespace: 'crm-guard', serviceName: 'test' }),
    });
    const claim = {
      channelId: 'push_1',
      day: '2026-11-30',
      verdict: 'expected' as const,
      expires: Math.floor(Date.now() / 1000) + 3600,
    };
    const link = feedbackLinkUrl(
      local.url,
      claim,
      await createHmacLinkSigner(key).sign(feedbackLinkMessage(claim)),
    );

    try {
      // Act
      const opened = await fetch(link);
      const recorded = await fetch(link, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'by=Lee',
      });
      const gateWithoutToken = await fetch(`${local.url}/v1/decisions`, { method: 'POST', body: '{}' });

      // Assess
      expect(opened.status).toBe(200);
      expect(await opened.text()).toContain('Record it');
      expect(recorded.status).toBe(200);
      expect(await recorded.text()).toContain('Recorded, thank you');
      expect(gateWithoutToken.status).toBe(401);
    } finally {
      await local.close();
    }
  });
});

describe('the local gate server under a failing store and a stalled client', () => {
  it('answers the fail-safe decision when its store stops, and keeps serving', async () => {
    // Prepare
    const dynamo = await startEmbeddedDynamo();
    const local = await startGateServer({
      token: TOKEN,
      policy: DEFAULT_POLICY,
      dynamo,
      storeTimeoutMs: 2_000,
      logger: new Logger({ logLevel: 'SILENT' }),
      metrics: new Metrics({ namespace: 'crm-guard', serviceName: 'test' }),
      now: testNow,
    });
    const decide = async (messageClass: 'advertising' | 'transactional') => {
      const response = await fetch(`${local.url}/v1/decisions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify(
          adRequest({
            userId: 'io-1',
            messageClass,
            category: messageClass === 'advertising' ? 'benefit' : 'billing',
          }),
        ),
      });
      return { status: response.status, json: (await response.json()) as { cause?: string } };
    };

    // Act
    await dynamo.close();
    const ad = await decide('advertising');
    const receipt = await decide('transactional');
    await local.close();

    // Assess
    expect(ad).toMatchObject({ status: 200, json: { decision: 'deny', reason: 'gate_unavailable' } });
    expect(ad.json.cause).toMatch(/^(store_error|timeout)$/);
    expect(receipt).toMatchObject({ status: 200, json: { decision: 'allow', reason: 'gate_unavailable' } });
  });

  it('drops a client that never finishes its headers', async () => {
    // Prepare
    const local = await startGateServer({
      token: TOKEN,
      policy: DEFAULT_POLICY,
      headersTimeoutMs: 200,
      requestTimeoutMs: 400,
      logger: new Logger({ logLevel: 'SILENT' }),
      metrics: new Metrics({ namespace: 'crm-guard', serviceName: 'test' }),
    });
    const socket = connect(local.port, '127.0.0.1');
    let said = '';
    socket.on('data', (chunk) => {
      said += chunk.toString();
    });

    // Act: a request line and one header, then nothing
    socket.write('POST /v1/decisions HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    await new Promise((resolve) => socket.once('close', resolve));
    await local.close();

    // Assess
    expect(said).toMatch(/^HTTP\/1\.1 408/);
    expect(JSON.parse(said.slice(said.indexOf('\r\n\r\n') + 4))).toMatchObject({
      status: 408,
      type: 'https://crm-guard.dev/problems/request-timeout',
    });
  });

  it('frees the slot of a timed-out client that never closes its side, so stalled clients cannot lock callers out', async () => {
    // Prepare: room for two connections, both taken by clients that stall and keep their side open
    const local = await startLoopbackServer({
      handler: async () => ({ statusCode: 200, body: '{}' }),
      token: TOKEN,
      headersTimeoutMs: 200,
      requestTimeoutMs: 400,
      maxConnections: 2,
    });
    const stalled = [0, 1].map(() => {
      const socket = connect({ port: local.port, host: '127.0.0.1', allowHalfOpen: true });
      socket.on('error', () => {});
      socket.write('POST /v1/decisions HTTP/1.1\r\nHost: 127.0.0.1\r\n');
      return new Promise((resolve) => socket.once('data', resolve)).then(() => socket);
    });
    const sockets = await Promise.all(stalled);

    // Act: once both were answered 408, an honest caller
    await new Promise((resolve) => setTimeout(resolve, 100));
    const answer = await fetch(`${local.url}/v1/users/x/tier`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    for (const socket of sockets) socket.destroy();
    await local.close();

    // Assess
    expect(answer.status).toBe(200);
  });

  it('drops clients that pipeline requests and never read the answers, so they cannot lock callers out', async () => {
    // Prepare: room for two connections; answers large enough that a few hundred fill the buffers
    const local = await startLoopbackServer({
      handler: async () => ({ statusCode: 200, body: 'x'.repeat(1 << 16) }),
      token: TOKEN,
      maxConnections: 2,
      stalledReaderMs: 300,
    });
    const request = `GET /v1/users/x/tier HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${TOKEN}\r\n\r\n`;
    const flooders = [0, 1].map(() => {
      const socket = connect(local.port, '127.0.0.1');
      socket.on('error', () => {});
      // Never reads: its answers pile up until the buffers are full and the server stops reading it.
      socket.pause();
      socket.write(request.repeat(500));
      return socket;
    });
    await new Promise((resolve) => setTimeout(resolve, 200));

    // Act: an honest caller, asking again while it is refused
    let status: number | undefined;
    for (let attempt = 0; attempt < 100 && status === undefined; attempt++) {
      status = await fetch(`${local.url}/v1/users/x/tier`, { headers: { authorization: `Bearer ${TOKEN}` } })
        .then(async (response) => {
          await response.arrayBuffer();
          return response.status;
        })
        .catch(() => new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 100)));
    }
    for (const socket of flooders) socket.destroy();
    await local.close();

    // Assess
    expect(status).toBe(200);
  });

  it("answers requests past a connection's allowance with 503 without reaching the handler, and asks it to reconnect", async () => {
    // Prepare
    let handled = 0;
    const local = await startLoopbackServer({
      handler: async () => {
        handled++;
        return { statusCode: 200, body: '{}' };
      },
      token: TOKEN,
      maxRequestsPerConnection: 3,
    });
    const socket = connect(local.port, '127.0.0.1');
    let said = '';
    socket.on('data', (chunk) => {
      said += chunk.toString();
    });

    // Act: eight requests at once on one connection
    socket.write(
      `GET /v1/users/x/tier HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${TOKEN}\r\n\r\n`.repeat(8),
    );
    await vi.waitFor(() => expect(said.match(/^HTTP\/1\.1 /gm)).toHaveLength(8), { timeout: 5_000 });
    socket.destroy();
    await local.close();

    // Assess
    expect(handled).toBe(3);
    expect(said.match(/^HTTP\/1\.1 \d+/gm)).toEqual([
      ...Array(3).fill('HTTP/1.1 200'),
      ...Array(5).fill('HTTP/1.1 503'),
    ]);
    expect(said.match(/^connection: close/gim)?.length).toBeGreaterThanOrEqual(1);
  });

  it('answers a request for * (no path at all) like any other, even one waiting for 100 Continue', async () => {
    // Prepare
    const socket = connect(server.port, '127.0.0.1');
    let said = '';
    socket.on('data', (chunk) => {
      said += chunk.toString();
    });

    // Act: no token, so the answer comes before the body
    socket.write(
      'OPTIONS * HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n',
    );
    await new Promise((resolve) => socket.once('close', resolve));
    const after = await call('GET', '/v1/users/x/tier');

    // Assess: refused, and the server still answers
    expect(said).toMatch(/^HTTP\/1\.1 401/);
    expect(after.status).toBe(200);
  });

  it('reads a path that starts with // as a path, not as a host to route past', async () => {
    // Act
    const hosted = await call('GET', '//evil.example/v1/users/x/tier');
    const doubled = await call('POST', '//v1/decisions', adRequest());

    // Assess
    expect(hosted).toMatchObject({
      status: 404,
      json: { detail: 'no route for GET //evil.example/v1/users/x/tier' },
    });
    expect(doubled).toMatchObject({ status: 404, json: { detail: 'no route for POST //v1/decisions' } });
  });

  it('answers 500 problem+json, and logs the stack, when a handler throws', async () => {
    // Prepare
    const local = await startLoopbackServer({
      token: TOKEN,
      handler: async () => {
        throw new Error('handler broke');
      },
    });
    const logged: string[] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((line: unknown) => {
      logged.push(String(line));
    });

    // Act
    const response = await fetch(`${local.url}/v1/decisions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(adRequest()),
      signal: AbortSignal.timeout(3_000),
    });
    const json = await response.json();
    spy.mockRestore();
    await local.close();

    // Assess
    expect(response.status).toBe(500);
    expect(json).toMatchObject({ type: 'https://crm-guard.dev/problems/internal', status: 500 });
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatch(/^crm-guard serve: Error: handler broke\n\s+at /);
  });

  it('logs a client that hangs up in the middle of its body in one line, with no stack trace', async () => {
    // Prepare
    const local = await startGateServer({
      token: TOKEN,
      policy: DEFAULT_POLICY,
      logger: new Logger({ logLevel: 'SILENT' }),
      metrics: new Metrics({ namespace: 'crm-guard', serviceName: 'test' }),
    });
    const logged: string[] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((line: unknown) => {
      logged.push(String(line));
    });

    // Act: headers for 100 bytes of body, 10 of them, then the connection closed
    const socket = connect(local.port, '127.0.0.1');
    socket.write(
      `POST /v1/decisions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${TOKEN}\r\n` +
        'Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"userId":',
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 100));
    spy.mockRestore();
    await local.close();

    // Assess
    expect(logged).toEqual([
      'crm-guard serve: a client closed its connection before its request arrived whole',
    ]);
  });

  it('answers headers too large to read with 431 and a problem body, and a garbled request with 400', async () => {
    // Prepare
    const exchange = async (raw: string) => {
      const socket = connect(server.port, '127.0.0.1');
      let said = '';
      socket.on('data', (chunk) => {
        said += chunk.toString();
      });
      socket.write(raw);
      await new Promise((resolve) => socket.once('close', resolve));
      return said;
    };

    // Act
    const large = await exchange(`GET /v1/decisions HTTP/1.1\r\nx-big: ${'a'.repeat(20_000)}\r\n\r\n`);
    const garbled = await exchange('HELLO\r\n\r\n');

    // Assess
    expect(large).toMatch(/^HTTP\/1\.1 431 /);
    expect(large).toContain('content-type: application/problem+json');
    expect(garbled).toMatch(/^HTTP\/1\.1 400 /);
    expect(JSON.parse(garbled.slice(garbled.indexOf('\r\n\r\n') + 4))).toMatchObject({ status: 400 });
  });
});

describe('crm-guard serve, the command', () => {
  it('says in one line that the port is in use, exit 2', () => {
    // Act
    const run = spawnSync(process.execPath, ['bin/crm-guard.ts', 'serve', '--port', String(server.port)], {
      env: { ...process.env, CRM_GUARD_TOKEN: TOKEN },
      encoding: 'utf8',
    });

    // Assess
    expect(run.status).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain(`port ${server.port} on 127.0.0.1 is in use`);
  });

  it('serves the API with the data on disk, shares its store with other commands, and stops on SIGTERM', async () => {
    // Prepare
    const data = mkdtempSync(join(tmpdir(), 'crm-guard-serve-'));
    const { child, url } = await spawnServe(data, {
      ...process.env,
      POWERTOOLS_METRICS_DISABLED: 'true',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    });

    // Act
    const response = await fetch(`${url}/v1/decisions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      // Sent now (no `at`): informational, so the night rule cannot hold it whatever the hour.
      body: JSON.stringify(
        adRequest({ userId: 'serve-1', messageClass: 'informational', category: 'notice', at: undefined }),
      ),
    });
    const answer = await response.json();
    // Other commands on the same data folder while serve holds it: they use its store.
    const set = spawnSync(
      process.execPath,
      [
        'bin/crm-guard.ts',
        'channels',
        'set',
        'push_1',
        '--name',
        '알림',
        '--category',
        'informational',
        '--owner',
        'CRM',
        '--data',
        data,
      ],
      { encoding: 'utf8' },
    );
    const second = spawnSync(
      process.execPath,
      ['bin/crm-guard.ts', 'channels', 'show', 'push_1', '--data', data],
      {
        encoding: 'utf8',
      },
    );
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const code = await exited;
    // And once serve has stopped, the folder's own store holds what was written through it.
    const after = spawnSync(
      process.execPath,
      ['bin/crm-guard.ts', 'channels', 'show', 'push_1', '--data', data],
      {
        encoding: 'utf8',
      },
    );

    // Assess
    expect(answer).toMatchObject({ decision: 'allow', tier: 'mid' });
    expect(after.stdout).toContain('알림');
    expect([set.status, set.stderr]).toEqual([0, '']);
    expect([second.status, second.stderr]).toEqual([0, '']);
    expect(second.stdout).toContain('알림');
    expect(code).toBe(0);
    expect(existsSync(join(data, 'dynamo'))).toBe(true);
    expect(existsSync(join(data, 'dynamo.lock'))).toBe(false);
    rmSync(data, { recursive: true, force: true });
  });

  it('prints no metrics (EMF) on stdout unless POWERTOOLS_METRICS_DISABLED=false asks for them', async () => {
    // Prepare: serve as a user starts it (no POWERTOOLS_* set), and with the metrics asked for.
    const { POWERTOOLS_METRICS_DISABLED: _, ...env } = process.env;
    const serveOnce = async (extra: Record<string, string>) => {
      const data = mkdtempSync(join(tmpdir(), 'crm-guard-serve-'));
      const { child, url } = await spawnServe(data, { ...env, ...extra, POWERTOOLS_LOG_LEVEL: 'SILENT' });
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
      });
      const response = await fetch(`${url}/v1/decisions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify(
          adRequest({ userId: 'emf-1', messageClass: 'informational', category: 'notice', at: undefined }),
        ),
      });
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      rmSync(data, { recursive: true, force: true });
      return { status: response.status, stdout };
    };

    // Act
    const quiet = await serveOnce({});
    const asked = await serveOnce({ POWERTOOLS_METRICS_DISABLED: 'false' });

    // Assess
    expect(quiet).toEqual({ status: 200, stdout: '' });
    expect(asked.status).toBe(200);
    expect(asked.stdout).toContain('"_aws"');
  });

  it('stops when the process that launched it dies, as `npx` leaves it under a shell that ignores SIGTERM', async () => {
    // Prepare: `; :` keeps the shell alive as serve's parent, as npx's `sh -c` does.
    const data = mkdtempSync(join(tmpdir(), 'crm-guard-serve-'));
    const launcher = spawn(
      'sh',
      ['-c', `"${process.execPath}" bin/crm-guard.ts serve --port 0 --data "${data}"; :`],
      {
        env: { ...process.env, CRM_GUARD_TOKEN: TOKEN, POWERTOOLS_LOG_LEVEL: 'SILENT' },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let said = '';
    await new Promise<void>((resolve, reject) => {
      launcher.stderr.on('data', (chunk: Buffer) => {
        said += chunk.toString();
        if (said.includes('fatigue gate on')) resolve();
      });
      launcher.once('exit', () => reject(new Error(`serve exited: ${said}`)));
    });
    const lock = join(data, 'dynamo.lock');
    // The lock names serve's pid; the served file, that pid and the endpoint it shares the store on.
    const servePid = readFileSync(lock, 'utf8');
    const [servedBy, endpoint] = readFileSync(join(data, 'dynamo.served'), 'utf8').split('\n');

    // Act
    launcher.kill('SIGKILL');
    // Waiting is not timing: serve checks its launcher every half second and stops on its own.
    await vi.waitFor(() => expect(existsSync(lock), `serve said: ${said}`).toBe(false), {
      timeout: 20_000,
      interval: 100,
    });

    // Assess
    expect(Number(servePid)).toBeGreaterThan(0);
    expect(Number(servePid)).not.toBe(launcher.pid);
    expect(servedBy).toBe(servePid);
    expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(existsSync(join(data, 'dynamo.served'))).toBe(false);
    rmSync(data, { recursive: true, force: true });
  });
});
