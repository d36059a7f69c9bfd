import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createGateHandler } from '#functions/fatigue-gate/api.ts';
import { readGateConfig } from '#functions/fatigue-gate/config.ts';
import { type EmbeddedDynamo, startEmbeddedDynamo } from '#shared/adapters/dynamo/embedded.ts';
import { ConfigError, StoreUnavailableError } from '#shared/errors.ts';
import { DEFAULT_POLICY, DEFAULT_POLICY_INPUT } from '#shared/gate/default-policy.ts';
import { createGate } from '#shared/gate/gate.ts';
import { createMemoryGateStore } from '#shared/gate/memory-store.ts';
import { parsePolicy } from '#shared/gate/policy.ts';
import { adRequest } from './helpers.ts';

const context = { functionName: 'fatigue-gate', awsRequestId: 'req-1' } as Context;
const post = (path: string, body: unknown) =>
  ({ httpMethod: 'POST', path, body: JSON.stringify(body), headers: {} }) as unknown as APIGatewayProxyEvent;

function observed() {
  const logger = new Logger({ serviceName: 'fatigue-gate', logLevel: 'SILENT' });
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
  const info = vi.spyOn(logger, 'info');
  return { logger, metrics, counted, info };
}

describe('fatigue-gate handler (middy + Powertools)', () => {
  it('logs every decision with its reason and counts decisions by tier, decision and reason', async () => {
    // Prepare
    const { logger, metrics, counted, info } = observed();
    const gate = createGate({ store: createMemoryGateStore(), policy: DEFAULT_POLICY, timeoutMs: 1_000 });
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
    const { logger, metrics } = observed();
    const gate = { decide: () => Promise.reject(new Error('boom')) } as never;
    const handler = createGateHandler({ gate, logger, metrics });

    // Act
    const response = await handler(post('/v1/decisions', adRequest()), context);

    // Assess
    expect(response.statusCode).toBe(500);
    expect(response.headers?.['content-type']).toBe('application/problem+json');
  });
});

describe('fatigue-gate handler when the store is down', () => {
  it('answers decisions by the fail policy and a tier lookup with 503 problem+json', async () => {
    // Prepare
    const { logger, metrics } = observed();
    const down = createMemoryGateStore();
    down.readTier = () =>
      Promise.reject(new StoreUnavailableError('gate store read tier: connection refused'));
    const handler = createGateHandler({
      gate: createGate({ store: down, policy: DEFAULT_POLICY, timeoutMs: 100 }),
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
    expect(JSON.parse(decision.body)).toMatchObject({ decision: 'deny', reason: 'gate_unavailable' });
    expect(tier.statusCode).toBe(503);
    expect(tier.headers?.['content-type']).toBe('application/problem+json');
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
  ])('refuses a bad environment naming the key (%o)', (env, key) => {
    // Act
    const load = () => readGateConfig({ GATE_TABLE: 'gate', ...env });

    // Assess
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(key);
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
});

describe('the Lambda entry (functions/fatigue-gate/handler.ts) against the embedded store', () => {
  let dynamo: EmbeddedDynamo;
  beforeAll(async () => {
    dynamo = await startEmbeddedDynamo();
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
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
