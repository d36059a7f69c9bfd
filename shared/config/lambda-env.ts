import { z } from 'zod';
import { parseConfig } from './load.ts';

const name = z.string().trim().min(1);
const jsonObject = z.string().transform((text, context) => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    context.addIssue({ code: 'custom', message: 'not valid JSON' });
    return z.NEVER;
  }
});

/** Where the Lambdas find the lake (Athena over Glue tables). */
const lakeEnv = {
  ATHENA_WORKGROUP: name,
  ATHENA_DATABASE: name,
  CHANNEL_TABLE: name.default('crm_channel_daily'),
  ENGAGEMENT_TABLE: name.default('user_engagement_daily'),
};

const lakeEnvSchema = z.object(lakeEnv);
export type LakeEnv = z.output<typeof lakeEnvSchema>;

const detectEnvSchema = z.object({
  ...lakeEnv,
  FINDINGS_TABLE: name,
  CHANNELS_TABLE: name.optional(),
  ALERTS_TOPIC_ARN: name.startsWith('arn:', 'must be an SNS topic ARN'),
  DETECTION_PROFILE: z.enum(['default', 'seed']).default('default'),
  /** Thresholds and policy as JSON (the same shape as crm-guard.config.json); defaults when absent. */
  CRM_GUARD_CONFIG: jsonObject.optional(),
});

export type DetectEnv = z.output<typeof detectEnvSchema>;

/** Read once at cold start; a missing or bad variable fails the start with its name. */
export function loadDetectEnv(env: NodeJS.ProcessEnv = process.env): DetectEnv {
  return parseConfig(detectEnvSchema, env, 'the environment');
}
