import { loadFunctionEnv } from '#shared/config/lambda-env.ts';
import { ConfigError } from '#shared/errors.ts';
import { DEFAULT_POLICY } from '#shared/gate/default-policy.ts';
import { type GatePolicy, parsePolicy } from '#shared/gate/policy.ts';
import { userIdPseudonym } from '#shared/gate/pseudonym.ts';

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
  const values = loadFunctionEnv('gate', env);
  return {
    tableName: values.GATE_TABLE,
    policy: policyFromJson(values.GATE_POLICY, 'GATE_POLICY'),
    storeTimeoutMs: values.GATE_STORE_TIMEOUT_MS,
    batchTimeoutMs: values.GATE_BATCH_TIMEOUT_MS,
    tierCacheMs: values.GATE_TIER_CACHE_MS,
    logUserId: values.GATE_LOG_USER_IDS === 'raw' ? undefined : userIdPseudonym(values.GATE_USER_ID_KEY!),
  };
}
