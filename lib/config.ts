import { z } from 'zod';
import { parseCrmGuardConfig } from '#shared/config/crm-guard-config.ts';
import { parseConfig } from '#shared/config/load.ts';
import { ConfigError } from '#shared/errors.ts';
import { parsePolicy } from '#shared/gate/policy.ts';

/**
 * Deployment configuration, one block per environment in CDK context (`crm-guard:dev`,
 * `crm-guard:prod` in cdk.json), selected with `-c env=<name>`. Everything goes through the one config
 * loader, so a wrong or missing value fails synth with `config <key> (in cdk context ...): <problem>`.
 */

/** Every schedule runs on the Seoul calendar: the lake's `dt` is an Asia/Seoul day. */
export const SCHEDULE_TIME_ZONE = 'Asia/Seoul';

const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a time of day HH:MM (24h, Asia/Seoul)');
const isoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a day YYYY-MM-DD');
// An S3 key prefix: no leading slash, ends with one, so `${prefix}table/` is always a folder.
const keyPrefix = z
  .string()
  .regex(/^([A-Za-z0-9!_.*'()-]+\/)+$/, "expected a key prefix like 'lake/' (ends with '/')");
const glueName = z
  .string()
  .regex(/^[a-z0-9_]{1,255}$/, 'expected lower-case letters, digits and _ (a Glue name)');
// Physical DynamoDB table name; absent means CloudFormation names it.
const tableName = z
  .string()
  .regex(/^[A-Za-z0-9_.-]{3,255}$/, 'expected 3-255 characters A-Z a-z 0-9 _ . -')
  .optional();
const roleArn = z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, 'expected an IAM role ARN');
const s3BucketName = z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'expected an S3 bucket name');
const kmsKeyArn = z
  .string()
  .regex(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/.+$/, 'expected a KMS key ARN');

/** CloudWatch Logs accepts only these retention periods. */
const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

export const environmentSchema = z
  .object({
    /** Who gets the daily digest and the weekly report link (SNS e-mail subscriptions). */
    alertEmails: z.array(z.email()).default([]),
    /** Who gets the system's own alarms. */
    opsEmails: z.array(z.email()).default([]),
    /** Keep data on stack deletion and turn on deletion protection (tables, buckets). */
    retainData: z.boolean().default(true),
    lake: z
      .object({
        /** The team's existing lake bucket; absent means the data stack creates one. */
        existingBucketName: s3BucketName.optional(),
        /** The key that bucket is encrypted with, when it is SSE-KMS (grants kms:Decrypt). */
        existingBucketKmsKeyArn: kmsKeyArn.optional(),
        prefix: keyPrefix.default('lake/'),
        channelTable: glueName.default('crm_channel_daily'),
        engagementTable: glueName.default('user_engagement_daily'),
        /** First `dt` partition projection enumerates. */
        projectionStart: isoDay.default('2024-01-01'),
      })
      .strict()
      .default({
        prefix: 'lake/',
        channelTable: 'crm_channel_daily',
        engagementTable: 'user_engagement_daily',
        projectionStart: '2024-01-01',
      }),
    glueDatabase: glueName.default('crm_guard'),
    athena: z
      .object({
        workgroup: z.string().regex(/^[A-Za-z0-9._-]{1,128}$/, 'expected a workgroup name'),
        /** Per-query cut-off; Athena's minimum is 10 MB. */
        bytesScannedCutoffMb: z.number().int().min(10, 'Athena needs at least 10 MB'),
        resultsRetentionDays: z.number().int().min(1),
      })
      .strict(),
    reports: z
      .object({
        prefix: keyPrefix.default('reports/'),
        // The report e-mail's link works 28 days (REPORT_LINK_DAYS): the report must outlive it.
        retentionDays: z.number().int().min(28, "at least 28: the report e-mail's link works 28 days"),
        /** Language of the report files (REPORT_LOCALE); the function defaults to Korean. */
        locale: z.enum(['ko', 'en']).optional(),
      })
      .strict(),
    tables: z.object({ findings: tableName, channels: tableName, gate: tableName }).strict().default({}),
    schedules: z
      .object({
        detect: clock,
        /**
         * Detect runs again for the same day at these times, for a day not yet judged with its data in
         * and its digest sent (late data at `detect`, a failed publish); a day done is left alone.
         */
        detectCatchUp: z.array(clock).max(4).default(['12:00', '15:00']),
        report: z
          .object({ weekday: z.enum(['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN']), time: clock })
          .strict(),
        tierRefresh: clock,
        /** Attempts after a failed start (Scheduler) and after a failed run (Lambda async). */
        retryAttempts: z.number().int().min(0).max(2),
      })
      .strict()
      .superRefine((schedules, ctx) => {
        // Same-time runs would race on the day's findings; an earlier one pages before the morning run.
        schedules.detectCatchUp.forEach((clock, index) => {
          if (clock <= schedules.detect || schedules.detectCatchUp.indexOf(clock) !== index)
            ctx.addIssue({
              code: 'custom',
              path: ['detectCatchUp', index],
              message: `expected a time after schedules.detect (${schedules.detect}), each once`,
            });
        });
      }),
    gate: z
      .object({
        /** The messaging stack's role(s) allowed to call the gate API (SigV4). */
        callerRoleArns: z.array(roleArn).default([]),
        throttleRatePerSecond: z.number().positive(),
        throttleBurst: z.number().int().positive(),
        memoryMb: z.number().int().min(128).max(10240),
        /**
         * The whole gate policy (what `crm-guard tiers policy` prints, edited), passed as GATE_POLICY;
         * absent: the shipped one. Checked here with the gate's own parser.
         */
        policy: z.record(z.string(), z.unknown()).optional(),
        /**
         * API Gateway's own logs (access logs, execution errors) need a CloudWatch role set once per
         * account and region: `off` (the gate function logs every decision anyway), `account-role-exists`
         * (it is set already: log), or `set-account-role` (this stack sets it: account-wide, and kept
         * after the stack is gone).
         */
        apiLogs: z.enum(['off', 'account-role-exists', 'set-account-role']).default('off'),
      })
      .strict(),
    /** The daily detect function: memory grows with the fleet (about 1.1 GB for 100,000 channels). */
    detect: z
      .object({ memoryMb: z.number().int().min(128).max(10240).default(1024) })
      .strict()
      .default({ memoryMb: 1024 }),
    alarms: z
      .object({
        /** No DetectRunSucceeded datapoint for this long raises the alarm, once detect has run. */
        detectSilenceHours: z.number().int().min(1).max(168),
        gate5xxPerFiveMinutes: z.number().int().min(1),
        gateP99LatencyMs: z.number().int().min(1),
        /** Share (%) of gate decisions in 5 minutes answered without the store, above which it alarms. */
        gateUnavailablePercent: z.number().min(0).max(100).default(5),
        /** Share (%) of gate API requests in 5 minutes refused with 4xx, above which it alarms. */
        gate4xxPercent: z.number().min(0).max(100).default(20),
      })
      .strict(),
    /**
     * The digest in chat through AWS Chatbot, opt-in: a Slack workspace and channel (the workspace
     * authorised once in the Chatbot console), or a Microsoft Teams team and channel.
     */
    chat: z
      .object({
        // The patterns CloudFormation checks these against: a wrong id fails here, not mid-deploy.
        slack: z
          .object({
            workspaceId: z
              .string()
              .regex(/^[0-9A-Z]{1,255}$/, 'expected a Slack workspace id, like T0123ABCD'),
            channelId: z.string().regex(/^[A-Za-z0-9]+$/, 'expected a Slack channel id, like C0456EFGH'),
          })
          .strict()
          .optional(),
        teams: z
          .object({
            tenantId: z.guid({ message: 'expected the Microsoft Entra tenant id, a GUID' }),
            teamId: z.guid({ message: "expected the team's group id, a GUID" }),
            channelId: z
              .string()
              .regex(
                /^[a-zA-Z0-9-_=+/.,]*%3[aA][a-zA-Z0-9-_=+/.,]*%40[a-zA-Z0-9-_=+/.,]*$/,
                'expected the channel id URL-encoded as in its link, like 19%3a...%40thread.tacv2',
              ),
          })
          .strict()
          .optional(),
      })
      .strict()
      .optional(),
    logRetentionDays: z
      .number()
      .int()
      .refine((days) => (LOG_RETENTION_DAYS as readonly number[]).includes(days), {
        message: `expected one of ${LOG_RETENTION_DAYS.join(', ')}`,
      }),
    logLevel: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR']).default('INFO'),
    detectionProfile: z.enum(['default', 'seed']).default('default'),
    /**
     * The crm-guard.config.json file's content (its `detection`, `alertPolicy`... sections), passed as
     * CRM_GUARD_CONFIG. Checked here with the functions' own parser.
     */
    detection: z.record(z.string(), z.unknown()).optional(),
  })
  .strict()
  .superRefine((config, ctx) => {
    if (config.lake.existingBucketKmsKeyArn && !config.lake.existingBucketName) {
      ctx.addIssue({
        code: 'custom',
        path: ['lake', 'existingBucketKmsKeyArn'],
        message: 'only meaningful with lake.existingBucketName',
      });
    }
  });

export type EnvironmentConfig = z.output<typeof environmentSchema>;

/**
 * An environment is any name with its own `crm-guard:<name>` block in the CDK context (dev, staging,
 * prod...). At most 17 characters: it is part of the derived bucket names, which S3 caps at 63.
 */
const ENVIRONMENT_NAME = /^[a-z][a-z0-9-]{0,16}$/;
export type EnvironmentName = string;

export interface DeployConfig extends EnvironmentConfig {
  envName: EnvironmentName;
}

/** What the gate's policy and the detection settings may take of a function's 4 KB of variables. */
const MAX_GATE_POLICY_BYTES = 3_400;
const MAX_DETECTION_BYTES = 2_800;

/** The CDK context key holding an environment's block. */
export const contextKey = (envName: string): string => `crm-guard:${envName}`;

/** Anything with CDK's `tryGetContext`, so tests need no App to check configuration. */
export interface ContextReader {
  tryGetContext(key: string): unknown;
}

/**
 * Reads `env` (default dev) and that environment's block. A block given on the command line
 * (`-c 'crm-guard:prod={...}'`) arrives as a JSON string and is parsed first.
 */
export function loadDeployConfig(context: ContextReader): DeployConfig {
  const envName = context.tryGetContext('env') ?? 'dev';
  if (typeof envName !== 'string' || !ENVIRONMENT_NAME.test(envName)) {
    throw new ConfigError(
      'env (cdk context)',
      `expected a lowercase name of at most 17 characters (a-z, 0-9, -; it names the stacks and buckets), got ${String(envName)}`,
    );
  }
  const key = contextKey(envName);
  let block = context.tryGetContext(key);
  if (block === undefined)
    throw new ConfigError(
      key,
      `missing from cdk context: add a "${key}" block to cdk.json (copy "crm-guard:prod" and edit it) or pass it with -c`,
    );
  if (typeof block === 'string') {
    try {
      block = JSON.parse(block);
    } catch (error) {
      throw new ConfigError(key, `not valid JSON (${(error as Error).message})`);
    }
  }
  const config = parseConfig(environmentSchema, block, `cdk context "${key}"`);
  // Production without a reader of its alerts would watch the channels for nobody.
  if (envName === 'prod' && config.alertEmails.length === 0) {
    throw new ConfigError(`alertEmails (in cdk context "${key}")`, 'prod needs at least one address');
  }
  // Outside dev a gate no caller may call is a deploy that silently breaks every send's check.
  if (envName !== 'dev' && config.gate.callerRoleArns.length === 0) {
    throw new ConfigError(
      `gate.callerRoleArns (in cdk context "${key}")`,
      `${envName} needs the messaging stack's role ARN(s): only they may call the gate API`,
    );
  }
  // Nobody subscribed to the alarms would let a failing job or a gate outage pass unseen.
  if (envName !== 'dev' && config.opsEmails.length === 0) {
    throw new ConfigError(
      `opsEmails (in cdk context "${key}")`,
      `${envName} needs at least one address for the alarms (failed runs, gate errors)`,
    );
  }
  // The functions parse these when they start: a bad key found here fails synth, not every cold start.
  if (config.gate.policy) parsePolicy(config.gate.policy, `gate.policy in cdk context "${key}"`);
  if (config.detection) parseCrmGuardConfig(config.detection, `detection in cdk context "${key}"`);
  // Both travel as environment variables, and Lambda refuses a function whose variables pass 4 KB in
  // all: found at deploy, after the data stack. The rest of each function's variables fit in the rest.
  for (const [field, value, limit] of [
    ['gate.policy', config.gate.policy, MAX_GATE_POLICY_BYTES],
    ['detection', config.detection, MAX_DETECTION_BYTES],
  ] as const) {
    const bytes = value === undefined ? 0 : Buffer.byteLength(JSON.stringify(value));
    if (bytes > limit)
      throw new ConfigError(
        `${field} (in cdk context "${key}")`,
        `${bytes} bytes as JSON, over the ${limit} it may take of the function's 4 KB of environment variables`,
      );
  }
  // The shipped blocks hold example.com placeholders: outside dev they would mail nobody real.
  if (envName !== 'dev')
    for (const field of ['alertEmails', 'opsEmails'] as const) {
      const placeholder = config[field].find((address) => /@example\.(com|org|net)$/i.test(address));
      if (placeholder)
        throw new ConfigError(
          `${field} (in cdk context "${key}")`,
          `${placeholder} is an example address: put the team's real ones`,
        );
    }
  return { ...config, envName: envName as EnvironmentName };
}
