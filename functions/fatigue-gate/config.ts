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
  /**
   * The key of the user-id hash in decision logs: given as is (one machine, tests), or the name of the
   * secret that holds it (AWS, read at cold start); none when logs carry raw ids.
   */
  userIdKey: { value: string } | { secretId: string } | undefined;
}

/** What a decision log says for a user while the key of the hash could not be read. */
export const UNHASHED_USER = 'u_unavailable';
/** How often a gate whose key read failed tries again (each try is one Secrets Manager call). */
const KEY_RETRY_MS = 60_000;

/**
 * How decision logs show a user id: a keyed hash, its key given or read from its secret. The key is
 * for logs only, so a failed read never stops the gate: until a retry succeeds, logs say
 * `u_unavailable` (never the raw id) and `onError` reports each failure.
 */
export async function logUserIdOf(
  config: Pick<GateConfig, 'userIdKey'>,
  readSecret: (secretId: string) => Promise<string>,
  onError: (error: unknown) => void = () => {},
  now: () => number = Date.now,
): Promise<((userId: string) => string) | undefined> {
  const source = config.userIdKey;
  if (!source) return undefined;
  if ('value' in source) return userIdPseudonym(source.value);
  let hash: ((userId: string) => string) | undefined;
  let lastTry = 0;
  const read = async () => {
    lastTry = now();
    try {
      hash = userIdPseudonym(await readSecret(source.secretId));
    } catch (error) {
      onError(error);
    }
  };
  await read();
  return (userId) => {
    if (hash) return hash(userId);
    if (now() - lastTry >= KEY_RETRY_MS) void read();
    return UNHASHED_USER;
  };
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
    userIdKey:
      values.GATE_LOG_USER_IDS === 'raw'
        ? undefined
        : values.GATE_USER_ID_KEY !== undefined
          ? { value: values.GATE_USER_ID_KEY }
          : { secretId: values.GATE_USER_ID_KEY_SECRET! },
  };
}
