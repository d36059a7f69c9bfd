import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createGateHandler } from '#functions/fatigue-gate/api.ts';
import { logUserIdOf, readGateConfig, UNHASHED_USER } from '#functions/fatigue-gate/config.ts';
import { readSecretString } from '#shared/adapters/aws/secrets.ts';
import { type EmbeddedDynamo, startEmbeddedDynamo } from '#shared/adapters/dynamo/embedded.ts';
import { ConfigError, StoreUnavailableError } from '#shared/errors.ts';
import { DEFAULT_POLICY, DEFAULT_POLICY_INPUT } from '#shared/gate/default-policy.ts';
import { createGate } from '#shared/gate/gate.ts';
import { createMemoryGateStore } from '#shared/gate/memory-store.ts';
import { parsePolicy } from '#shared/gate/policy.ts';
import { userIdPseudonym } from '#shared/gate/pseudonym.ts';
import { adRequest, TEST_NOW, testNow } from './helpers.ts';

const context = { functionName: 'fatigue-gate', awsRequestId: 'req-1' } as Context;
const post = (path: string, body: unknown) =>
  ({ httpMethod: 'POST', path, body: JSON.stringify(body), headers: {} }) as unknown as APIGatewayProxyEvent;

/** A logger at INFO whose lines are captured, not printed, and metrics that record what they count. */
function observed() {
  const logger = new Logger({ serviceName: 'fatigue-gate', logLevel: 'INFO' });
  const metrics = new Metrics({ namespace: 'crm-guard', serviceName: 'fatigue-gate' });
  const counted: { dimensions: Record<string, string>; name: string; value: number }[] = [];
  vi.spyOn(metrics, 'singleMetric').mockImplementation(() => {
    const dimensions: Record<string, string> = {};
    return {
      setDefaultDimensions: (more: Record<string, string>) => Object.assign(dimensions, more),
      addMetric: (name: string, _unit: unknown, value: number) => counted.push({ dimensions, name, value }),
    } as unknown as Metrics;
  });
  vi.spyOn(metrics, 'publishStoredMetrics').mockImplementation(() => metrics);
  const info = vi.spyOn(logger, 'info').mockImplementation(() => {});
  vi.spyOn(logger, 'warn').mockImplementation(() => {});
  const error = vi.spyOn(logger, 'error').mockImplementation(() => {});
  return { logger, metrics, counted, info, error };
}

describe('fatigue-gate handler (middy + Powertools)', () => {
  it('logs every decision with its reason and counts decisions by tier, decision and reason', async () => {
    // Prepare
    const { logger, metrics, counted, info } = observed();
    const gate = createGate({
      store: createMemoryGateStore(),
      policy: DEFAULT_POLICY,
      timeoutMs: 1_000,
      now: testNow,
    });
    const handler = createGateHandler({ gate, logger, metrics });
    const requests = [
      adRequest({ userId: 'h1' }),
      adRequest({ userId: 'h1' }),
      adRequest({ userId: 'h1', messageClass: 'transactional', category: 'billing' }),
    ];

    // Act
    const response = await handler(post('/v1/decisions/batch', { requests }), context);

    // Assess
    expect(response.statusCode).toBe(200);
    expect(info.mock.calls.map(([message]) => message)).toEqual([
      'gate decision',
      'gate decision',
      'gate override: transactional',
    ]);
    expect(info.mock.calls[1]?.[1]).toMatchObject({
      decision: 'deny',
      reason: 'cap_reached',
      limitedBy: 'ads-daily',
    });
    expect(counted).toEqual([
      {
        name: 'GateDecisions',
        value: 1,
        dimensions: { tier: 'mid', decision: 'allow', reason: 'under_caps' },
      },
      {
        name: 'GateDecisions',
        value: 1,
        dimensions: { tier: 'mid', decision: 'deny', reason: 'cap_reached' },
      },
      {
        name: 'GateDecisions',
        value: 1,
        dimensions: { tier: 'mid', decision: 'allow', reason: 'transactional_override' },
      },
    ]);
  });

  it('answers 500 problem+json instead of crashing when the gate throws', async () => {
    // Prepare
    const { logger, metrics, error } = observed();
    const gate = {
      parse: (body: unknown) => ({ ok: true, value: body }),
      decide: () => Promise.reject(new Error('boom')),
    } as never;
    const handler = createGateHandler({ gate, logger, metrics });

    // Act
    const response = await handler(post('/v1/decisions', adRequest()), context);

    // Assess
    expect(response.statusCode).toBe(500);
    expect(response.headers?.['content-type']).toBe('application/problem+json');
    expect(error).toHaveBeenCalledWith('gate request failed', expect.objectContaining({ message: 'boom' }));
  });
});

describe('fatigue-gate handler when the store is down', () => {
  it('answers decisions by the fail policy and a tier lookup with 503 problem+json', async () => {
    // Prepare
    const { logger, metrics } = observed();
    const down = createMemoryGateStore();
    down.readTier = () =>
      Promise.reject(new StoreUnavailableError('gate store read tier: connect ECONNREFUSED 127.0.0.1:36807'));
    const handler = createGateHandler({
      gate: createGate({ store: down, policy: DEFAULT_POLICY, timeoutMs: 100, now: testNow }),
      logger,
      metrics,
    });

    // Act
    const decision = await handler(post('/v1/decisions', adRequest()), context);
    const tier = await handler(
      { httpMethod: 'GET', path: '/v1/users/u1/tier' } as APIGatewayProxyEvent,
      context,
    );

    // Assess
    expect(JSON.parse(decision.body)).toMatchObject({
      decision: 'deny',
      reason: 'gate_unavailable',
      cause: 'store_error',
    });
    expect(tier.statusCode).toBe(503);
    expect(tier.headers?.['content-type']).toBe('application/problem+json');
    // The cause, without the store's address
    expect(JSON.parse(tier.body).detail).toBe(
      'the gate store did not answer (store_error); try again shortly',
    );
  });
});

describe('fatigue-gate handler: a failing store is seen', () => {
  it('answers the fail-safe decision with its cause, logs it and counts it beside all decisions', async () => {
    // Prepare
    const { logger, metrics, counted } = observed();
    const totals = vi.spyOn(metrics, 'addMetric');
    const warn = vi.spyOn(logger, 'warn');
    const throttled = createMemoryGateStore();
    throttled.reserve = () =>
      Promise.reject(
        new StoreUnavailableError('gate store reserve: ThrottlingException: Rate exceeded', {
          failure: 'throttled',
        }),
      );
    const seen: string[] = [];
    const gate = createGate({
      store: throttled,
      policy: DEFAULT_POLICY,
      timeoutMs: 100,
      now: testNow,
      onStoreError: (error) => seen.push(`${error.failure}: ${error.message}`),
    });
    const handler = createGateHandler({ gate, logger, metrics });
    const requests = [
      adRequest({ userId: 'down-1' }),
      adRequest({ userId: 'down-1', messageClass: 'transactional', category: 'billing' }),
    ];

    // Act
    const response = await handler(post('/v1/decisions/batch', { requests }), context);

    // Assess
    const [ad, receipt] = JSON.parse(response.body).answers;
    expect(ad).toMatchObject({ decision: 'deny', reason: 'gate_unavailable', cause: 'throttled' });
    expect(receipt).toMatchObject({ decision: 'allow', reason: 'transactional_override' });
    expect(seen).toEqual(['throttled: gate store reserve: ThrottlingException: Rate exceeded']);
    expect(warn).toHaveBeenCalledWith(
      'gate decision: store unavailable',
      expect.objectContaining({ reason: 'gate_unavailable', cause: 'throttled' }),
    );
    expect(counted).toContainEqual({
      name: 'GateDecisions',
      value: 1,
      dimensions: { tier: 'mid', decision: 'deny', reason: 'gate_unavailable', cause: 'throttled' },
    });
    expect(totals).toHaveBeenCalledWith('GateDecisions', 'Count', 2);
    expect(totals).toHaveBeenCalledWith('GateUnavailable', 'Count', 1);
  });

  it('logs a keyed hash of the user id, the same for the same user, never the id', async () => {
    // Prepare
    const { logger, metrics, info } = observed();
    const gate = createGate({
      store: createMemoryGateStore(),
      policy: DEFAULT_POLICY,
      timeoutMs: 1_000,
      now: testNow,
    });
    const handler = createGateHandler({
      gate,
      logger,
      metrics,
      logUserId: userIdPseudonym('a-key-of-sixteen-chars'),
    });
    const requests = ['010-1234-5678', '010-1234-5678', 'someone-else'].map((userId) =>
      adRequest({ userId, messageClass: 'informational', category: 'notice' }),
    );

    // Act
    await handler(post('/v1/decisions/batch', { requests }), context);

    // Assess
    const logged = info.mock.calls.map(([, entry]) => (entry as { userId: string }).userId);
    expect(logged[0]).toMatch(/^u_[\w-]{22}$/);
    expect(logged[1]).toBe(logged[0]);
    expect(logged[2]).not.toBe(logged[0]);
    expect(JSON.stringify(info.mock.calls)).not.toContain('010-1234-5678');
  });

  it('builds no log line a silent logger would drop, and still counts every decision', async () => {
    // Prepare
    const { metrics, counted } = observed();
    const logger = new Logger({ serviceName: 'fatigue-gate', logLevel: 'SILENT' });
    const pseudonym = vi.fn(userIdPseudonym('a-key-of-sixteen-chars'));
    const gate = createGate({
      store: createMemoryGateStore(),
      policy: DEFAULT_POLICY,
      timeoutMs: 1_000,
      now: testNow,
    });
    const handler = createGateHandler({ gate, logger, metrics, logUserId: pseudonym });
    const requests = ['silent-1', 'silent-2'].map((userId) =>
      adRequest({ userId, messageClass: 'informational', category: 'notice' }),
    );

    // Act
    await handler(post('/v1/decisions/batch', { requests }), context);

    // Assess
    expect(pseudonym).not.toHaveBeenCalled();
    expect(counted.reduce((sum, metric) => sum + metric.value, 0)).toBe(2);
  });
});

describe('gate configuration', () => {
  it.each([
    [{ GATE_POLICY: '{"tiering":' }, 'GATE_POLICY'],
    [
      {
        GATE_POLICY: JSON.stringify({
          ...DEFAULT_POLICY_INPUT,
          tiers: {
            ...DEFAULT_POLICY_INPUT.tiers,
            low: { ...DEFAULT_POLICY_INPUT.tiers.low, minAdGapMinutes: -1 },
          },
        }),
      },
      'tiers.low.minAdGapMinutes',
    ],
    [{ GATE_STORE_TIMEOUT_MS: 'soon' }, 'GATE_STORE_TIMEOUT_MS'],
    [{ GATE_TABLE: '' }, 'GATE_TABLE'],
    [{ GATE_USER_ID_KEY: undefined }, 'GATE_USER_ID_KEY'],
    [{ GATE_USER_ID_KEY: 'short' }, 'GATE_USER_ID_KEY'],
    [{ GATE_LOG_USER_IDS: 'plain' }, 'GATE_LOG_USER_IDS'],
  ])('refuses a bad environment naming the key (%o)', (env, key) => {
    // Act
    const load = () =>
      readGateConfig({ GATE_TABLE: 'gate', GATE_USER_ID_KEY: 'a-key-of-sixteen-chars', ...env });

    // Assess
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(key);
  });

  it('hashes user ids with the key given, or with the one its secret holds, read once; raw ids need none', async () => {
    // Prepare: Secrets Manager in AWS, here a function that counts its reads
    const reads: string[] = [];
    const readSecret = async (secretId: string) => {
      reads.push(secretId);
      return 'a-key-of-sixteen-chars';
    };
    const fromSecret = readGateConfig({ GATE_TABLE: 'gate', GATE_USER_ID_KEY_SECRET: 'arn:secret:gate-key' });
    const given = readGateConfig({ GATE_TABLE: 'gate', GATE_USER_ID_KEY: 'a-key-of-sixteen-chars' });
    const raw = readGateConfig({ GATE_TABLE: 'gate', GATE_LOG_USER_IDS: 'raw' });

    // Act
    const bySecret = await logUserIdOf(fromSecret, readSecret);
    const byKey = await logUserIdOf(given, readSecret);
    const none = await logUserIdOf(raw, readSecret);

    // Assess
    expect(reads).toEqual(['arn:secret:gate-key']);
    expect(bySecret!('user-1')).toBe(userIdPseudonym('a-key-of-sixteen-chars')('user-1'));
    expect(byKey!('user-1')).toBe(bySecret!('user-1'));
    expect(none).toBeUndefined();
  });

  it('keeps deciding when the key cannot be read: logs say u_unavailable, never the id, until a retry a minute later reads it', async () => {
    // Prepare: Secrets Manager fails the cold start's read, then answers
    let clock = 0;
    let failing = true;
    const errors: unknown[] = [];
    const reads: number[] = [];
    const readSecret = async () => {
      reads.push(clock);
      if (failing) throw new Error('Secrets Manager is down');
      return 'a-key-of-sixteen-chars';
    };
    const config = readGateConfig({ GATE_TABLE: 'gate', GATE_USER_ID_KEY_SECRET: 'arn:secret:gate-key' });

    // Act
    const logUserId = (await logUserIdOf(
      config,
      readSecret,
      (error) => errors.push(error),
      () => clock,
    ))!;
    const whileDown = logUserId('user-1');
    clock = 30_000;
    const halfAMinuteOn = logUserId('user-1');
    failing = false;
    clock = 61_000;
    const retrying = logUserId('user-1');
    await Promise.resolve();
    await Promise.resolve();
    const afterRetry = logUserId('user-1');

    // Assess
    expect([whileDown, halfAMinuteOn, retrying]).toEqual([UNHASHED_USER, UNHASHED_USER, UNHASHED_USER]);
    expect(reads).toEqual([0, 61_000]);
    expect(errors).toHaveLength(1);
    expect(afterRetry).toBe(userIdPseudonym('a-key-of-sixteen-chars')('user-1'));
  });

  it('reads a secret string, and names a secret that holds none', async () => {
    // Prepare
    const secrets = mockClient(SecretsManagerClient);
    secrets
      .on(GetSecretValueCommand, { SecretId: 'gate-key' })
      .resolves({ SecretString: 'a-key-of-sixteen-chars' })
      .on(GetSecretValueCommand, { SecretId: 'binary-key' })
      .resolves({ SecretBinary: new Uint8Array([1, 2]) })
      .on(GetSecretValueCommand, { SecretId: 'forbidden' })
      .rejects(Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' }));
    const client = new SecretsManagerClient({ region: 'ap-northeast-2' });

    // Act / Assess
    try {
      await expect(readSecretString(client, 'gate-key')).resolves.toBe('a-key-of-sixteen-chars');
      await expect(readSecretString(client, 'binary-key')).rejects.toThrow(
        'config binary-key: the secret holds no string',
      );
      await expect(readSecretString(client, 'forbidden')).rejects.toThrow('not authorized');
    } finally {
      secrets.restore();
    }
  });

  it('refuses a policy with a duplicate cap or an unknown key, naming it', () => {
    // Prepare
    const duplicate = structuredClone(DEFAULT_POLICY_INPUT);
    duplicate.tiers.mid.caps.push({ ...duplicate.tiers.mid.caps[0]! });
    const unknown = { ...structuredClone(DEFAULT_POLICY_INPUT), quietHours: true };

    // Act / Assess
    expect(() => parsePolicy(duplicate)).toThrow('tiers.mid.caps.5.name');
    expect(() => parsePolicy(unknown)).toThrow('(root)');
  });

  it("refuses a tier's category, or a category cap, that the policy's categories do not list", () => {
    // Prepare
    const tierCategory = structuredClone(DEFAULT_POLICY_INPUT);
    (tierCategory.tiers.low.categories as string[]).push('promo-sale');
    const capMatch = structuredClone(DEFAULT_POLICY_INPUT);
    capMatch.tiers.high.caps.push({
      name: 'promo-daily',
      scope: 'category',
      match: 'promo-sale',
      window: 'day',
      limit: 1,
    });

    // Act / Assess
    expect(() => parsePolicy(tierCategory)).toThrow(/tiers\.low\.categories\.9 .*: no category "promo-sale"/);
    expect(() => parsePolicy(capMatch)).toThrow(/tiers\.high\.caps\.5\.match .*: no category "promo-sale"/);
  });
});

describe('the Lambda entry (functions/fatigue-gate/handler.ts) against the embedded store', () => {
  let dynamo: EmbeddedDynamo;
  beforeAll(async () => {
    dynamo = await startEmbeddedDynamo();
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    vi.useRealTimers();
    await dynamo.close();
  });

  it('reads its config at cold start and answers through DynamoDB', async () => {
    // Prepare
    vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', dynamo.endpoint);
    vi.stubEnv('AWS_REGION', 'local');
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'local');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
    vi.stubEnv('GATE_TABLE', dynamo.tableNames.gate);
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
    vi.stubEnv('GATE_USER_ID_KEY', 'a-key-of-sixteen-chars');
    // The deployed gate reads the real clock: the test's sends are planned for 10:00 KST that day.
    vi.useFakeTimers({ toFake: ['Date'], now: TEST_NOW });
    const { handler } = await import('#functions/fatigue-gate/handler.ts');

    // Act
    const first = await handler(
      post('/v1/decisions', adRequest({ userId: 'lambda-1', messageId: 'x' })),
      context,
    );
    const retry = await handler(
      post('/v1/decisions', adRequest({ userId: 'lambda-1', messageId: 'x' })),
      context,
    );
    const tier = await handler(
      { httpMethod: 'GET', path: '/v1/users/lambda-1/tier' } as APIGatewayProxyEvent,
      context,
    );

    // Assess
    expect(JSON.parse(first.body)).toMatchObject({
      decision: 'allow',
      caps: expect.arrayContaining([expect.objectContaining({ name: 'ads-daily', used: 1 })]),
    });
    expect(JSON.parse(retry.body)).toMatchObject({
      decision: 'allow',
      caps: expect.arrayContaining([expect.objectContaining({ name: 'ads-daily', used: 1 })]),
    });
    expect(JSON.parse(tier.body)).toMatchObject({ userId: 'lambda-1', tier: 'mid', stored: false });
  });
});
