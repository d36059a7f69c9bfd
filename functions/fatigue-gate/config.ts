import { z } from 'zod';
import { parseConfig } from '#shared/config/load.ts';
import { ConfigError } from '#shared/errors.ts';
import { DEFAULT_POLICY } from '#shared/gate/default-policy.ts';
import { type GatePolicy, parsePolicy } from '#shared/gate/policy.ts';
import { userIdPseudonym } from '#shared/gate/pseudonym.ts';

/** The gate Lambdas' environment, read once at cold start; a bad value stops the start naming the key. */
const envSchema = z
  .object({
    GATE_TABLE: z.string().min(1, 'the gate table name is required'),
    GATE_POLICY: z.string().optional(),
    GATE_STORE_TIMEOUT_MS: z.coerce.number().int().min(10).max(30_000).default(800),
    GATE_BATCH_TIMEOUT_MS: z.coerce.number().int().min(10).max(25_000).default(5_000),
    GATE_TIER_CACHE_MS: z.coerce.number().int().min(0).max(3_600_000).default(60_000),
    /** `hashed` (default): decision logs carry a keyed hash of the user id; `raw`: the id itself. */
    GATE_LOG_USER_IDS: z.enum(['hashed', 'raw']).default('hashed'),
    /** The key of that hash (the stack passes a generated secret). */
    GATE_USER_ID_KEY: z.string().min(16, 'expected at least 16 characters').optional(),
  })
  .refine((env) => env.GATE_LOG_USER_IDS === 'raw' || env.GATE_USER_ID_KEY !== undefined, {
    message: 'required while GATE_LOG_USER_IDS is hashed (the default): the key of the user-id hash in logs',
    path: ['GATE_USER_ID_KEY'],
  });

export interface GateConfig {
  tableName: string;
  policy: GatePolicy;
  storeTimeoutMs: number;
  batchTimeoutMs: number;
  tierCacheMs: number;
  /** How decision logs show a user id. */
  logUserId: ((userId: string) => string) | undefined;
}

/** A policy given as JSON text (GATE_POLICY, a file): bad JSON or a bad key is refused by name. */
export function policyFromJson(text: string | undefined, source: string): GatePolicy {
  if (!text) return DEFAULT_POLICY;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(source, `not valid JSON (${(error as Error).message})`);
  }
  return parsePolicy(json, source);
}

export function readGateConfig(env: NodeJS.ProcessEnv = process.env): GateConfig {
  const values = parseConfig(envSchema, env, 'environment');
  return {
    tableName: values.GATE_TABLE,
    policy: policyFromJson(values.GATE_POLICY, 'GATE_POLICY'),
    storeTimeoutMs: values.GATE_STORE_TIMEOUT_MS,
    batchTimeoutMs: values.GATE_BATCH_TIMEOUT_MS,
    tierCacheMs: values.GATE_TIER_CACHE_MS,
    logUserId: values.GATE_LOG_USER_IDS === 'raw' ? undefined : userIdPseudonym(values.GATE_USER_ID_KEY!),
  };
}
