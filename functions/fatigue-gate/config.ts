import { z } from 'zod';
import { parseConfig } from '#shared/config/load.ts';
import { ConfigError } from '#shared/errors.ts';
import { DEFAULT_POLICY } from '#shared/gate/default-policy.ts';
import { type GatePolicy, parsePolicy } from '#shared/gate/policy.ts';

/** The gate Lambdas' environment, read once at cold start; a bad value stops the start naming the key. */
const envSchema = z.object({
  GATE_TABLE: z.string().min(1, 'the gate table name is required'),
  GATE_POLICY: z.string().optional(),
  GATE_STORE_TIMEOUT_MS: z.coerce.number().int().min(10).max(30_000).default(800),
  GATE_BATCH_TIMEOUT_MS: z.coerce.number().int().min(10).max(25_000).default(5_000),
  GATE_TIER_CACHE_MS: z.coerce.number().int().min(0).max(3_600_000).default(60_000),
});

export interface GateConfig {
  tableName: string;
  policy: GatePolicy;
  storeTimeoutMs: number;
  batchTimeoutMs: number;
  tierCacheMs: number;
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
  };
}
