import { z } from 'zod';
import { LOCALES } from '#shared/report/labels.ts';
import { parseConfig } from './load.ts';

/**
 * The one environment contract of the Lambdas: each function's variables, built from shared pieces.
 * A handler reads its own at cold start (a missing or bad variable stops it, named); the stack gives
 * each function exactly these names and no others.
 */

const name = z.string().trim().min(1);
const jsonObject = z.string().transform((text, context) => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    context.addIssue({ code: 'custom', message: 'not valid JSON' });
    return z.NEVER;
  }
});

/** Where a job finds the lake (Athena over Glue tables), on its own workgroup. */
const lake = {
  ATHENA_WORKGROUP: name,
  ATHENA_DATABASE: name,
  CHANNEL_TABLE: name.default('crm_channel_daily'),
  ENGAGEMENT_TABLE: name.default('user_engagement_daily'),
};
const findings = { FINDINGS_TABLE: name };
const registry = { CHANNELS_TABLE: name };
const gateTable = { GATE_TABLE: name };
const alerts = { ALERTS_TOPIC_ARN: name.startsWith('arn:', 'must be an SNS topic ARN') };
/** The gate policy as JSON (the `crm-guard tiers policy` shape); the shipped policy when absent. */
const gatePolicy = { GATE_POLICY: z.string().optional() };

/** Where the e-mails' signed links open (the API's URL), and the KMS key that signs them. */
const signedLinks = { FEEDBACK_LINK_BASE: name.optional(), FEEDBACK_KEY_ID: name.optional() };
/** The weekly reports' bucket and folder. */
const reportFiles = { REPORT_BUCKET: name, REPORT_PREFIX: z.string().default('reports/') };

const schemas = {
  detect: z.object({
    ...lake,
    ...findings,
    ...registry,
    ...alerts,
    DETECTION_PROFILE: z.enum(['default', 'seed']).default('default'),
    /** Thresholds and policy as JSON (the same shape as crm-guard.config.json); defaults when absent. */
    CRM_GUARD_CONFIG: jsonObject.optional(),
    ...signedLinks,
  }),
  feedback: z.object({ ...findings, FEEDBACK_KEY_ID: name, ...reportFiles }),
  report: z.object({
    ...lake,
    ...findings,
    ...registry,
    ...alerts,
    ...reportFiles,
    REPORT_LOCALE: z.enum(LOCALES).default('ko'),
    /** The same JSON as detect's: the report reads the rules' thresholds and its own `report` block. */
    CRM_GUARD_CONFIG: jsonObject.optional(),
    ...signedLinks,
  }),
  tierRefresh: z.object({ ...lake, ...gateTable, ...gatePolicy }),
  gate: z
    .object({
      ...gateTable,
      ...gatePolicy,
      GATE_STORE_TIMEOUT_MS: z.coerce.number().int().min(10).max(30_000).default(800),
      GATE_BATCH_TIMEOUT_MS: z.coerce.number().int().min(10).max(25_000).default(5_000),
      GATE_TIER_CACHE_MS: z.coerce.number().int().min(0).max(3_600_000).default(60_000),
      /** `hashed` (default): decision logs carry a keyed hash of the user id; `raw`: the id itself. */
      GATE_LOG_USER_IDS: z.enum(['hashed', 'raw']).default('hashed'),
      /** The key of that hash, as is (one machine, tests). */
      GATE_USER_ID_KEY: z.string().min(16, 'expected at least 16 characters').optional(),
      /** Or the secret that holds it (the stack's generated one), read at cold start. */
      GATE_USER_ID_KEY_SECRET: name.optional(),
    })
    .refine(
      (env) =>
        env.GATE_LOG_USER_IDS === 'raw' ||
        env.GATE_USER_ID_KEY !== undefined ||
        env.GATE_USER_ID_KEY_SECRET !== undefined,
      {
        message:
          'required while GATE_LOG_USER_IDS is hashed (the default): the key of the user-id hash in logs, or GATE_USER_ID_KEY_SECRET naming the secret that holds it',
        path: ['GATE_USER_ID_KEY'],
      },
    ),
};

export type FunctionName = keyof typeof schemas;
export type FunctionEnv<F extends FunctionName> = z.output<(typeof schemas)[F]>;
export type LakeEnv = Pick<FunctionEnv<'detect'>, keyof typeof lake>;

/** Each function's variable names: what the stack gives it, and all it gives it. */
export const FUNCTION_ENV_NAMES: { readonly [F in FunctionName]: readonly string[] } = {
  detect: Object.keys(schemas.detect.shape),
  report: Object.keys(schemas.report.shape),
  tierRefresh: Object.keys(schemas.tierRefresh.shape),
  gate: Object.keys(schemas.gate.shape),
  feedback: Object.keys(schemas.feedback.shape),
};

/** Read once at cold start; a missing or bad variable fails the start with its name. */
export function loadFunctionEnv<F extends FunctionName>(
  fn: F,
  env: NodeJS.ProcessEnv = process.env,
): FunctionEnv<F> {
  return parseConfig(schemas[fn], env, 'the environment') as FunctionEnv<F>;
}

export const loadDetectEnv = (env: NodeJS.ProcessEnv = process.env) => loadFunctionEnv('detect', env);
