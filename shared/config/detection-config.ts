import { z } from 'zod';
import {
  DEFAULT_RULE_CONFIG,
  type DetectionConfig,
  mergeRuleConfig,
  type RuleConfig,
  type RuleConfigOverride,
} from '#shared/domain/rules/config.ts';

/**
 * The detection config file, checked: each rule's thresholds, and the relationships between them that
 * per-key checks cannot see. What it produces is the domain's `DetectionConfig`.
 */

const days = z.int().positive();
const count = z.number().nonnegative();
const positive = z.number().positive();
const percentile = z.number().min(0).max(100);
/** A share of a whole: over 1, a decline fraction would flag days above the average, a CTR limit every channel. */
const share = z.number().min(0).max(1, 'must be a share of 1 or less (0.95 is 95%)');

/** Every key optional, no defaults: the same shape reads `rules` and each channel's override. */
const ruleOverrideSchema = z.strictObject({
  minHistoryDays: days.optional(),
  minSendsForRatio: count.optional(),
  periodicity: z
    .strictObject({ window: days, lag: days, threshold: z.number(), minDays: days })
    .partial()
    .optional(),
  ma: z
    .strictObject({
      windows: z.array(days).min(1),
      lower: count,
      upper: positive,
      baseline: z.enum(['same-weekday', 'all-days']),
    })
    .partial()
    .optional(),
  zscore: z.strictObject({ window: days, threshold: count }).partial().optional(),
  robust: z
    .strictObject({
      window: days,
      minDays: days,
      rz: count,
      lowerPercentile: percentile,
      upperPercentile: percentile,
    })
    .partial()
    .optional(),
  decline: z
    .strictObject({ days, window: days, fraction: share, ctrMinDays: z.int().nonnegative() })
    .partial()
    .optional(),
  lowPerformer: z.strictObject({ days, minSends: count, maxCtr: share }).partial().optional(),
});

type Issue = { path: string[]; message: string };

/** Relationships between keys that zod's per-key checks cannot see; each problem names one key. */
function relationshipIssues(rules: RuleConfig): Issue[] {
  const issues: Issue[] = [];
  const { ma, periodicity, robust } = rules;
  if (!(ma.lower < ma.upper))
    issues.push({ path: ['ma', 'lower'], message: `must be below ma.upper (${ma.upper})` });
  if (ma.baseline === 'same-weekday') {
    const partWeek = ma.windows.find((w) => w % 7 !== 0);
    // The same-weekday baseline averages x[t-7], x[t-14], ...: a window must hold whole weeks.
    if (partWeek !== undefined)
      issues.push({
        path: ['ma', 'windows'],
        message: `${partWeek} is not whole weeks (same-weekday baseline)`,
      });
  }
  if (!(periodicity.lag < periodicity.window))
    issues.push({
      path: ['periodicity', 'lag'],
      message: `must be below periodicity.window (${periodicity.window})`,
    });
  if (!(periodicity.minDays <= periodicity.window))
    issues.push({
      path: ['periodicity', 'minDays'],
      message: `must not exceed periodicity.window (${periodicity.window})`,
    });
  if (!(robust.lowerPercentile < robust.upperPercentile))
    issues.push({
      path: ['robust', 'lowerPercentile'],
      message: `must be below robust.upperPercentile (${robust.upperPercentile})`,
    });
  if (!(robust.minDays <= robust.window))
    issues.push({ path: ['robust', 'minDays'], message: `must not exceed robust.window (${robust.window})` });
  if (!(rules.decline.ctrMinDays <= rules.decline.window))
    issues.push({
      path: ['decline', 'ctrMinDays'],
      message: `must not exceed decline.window (${rules.decline.window})`,
    });
  return issues;
}

/** One rule config (a subset; the rest defaults), validated, to a full `RuleConfig`. */
export const ruleConfigSchema = ruleOverrideSchema
  .superRefine((value, ctx) => {
    for (const issue of relationshipIssues(mergeRuleConfig(DEFAULT_RULE_CONFIG, value)))
      ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
  })
  .transform((value): RuleConfig => mergeRuleConfig(DEFAULT_RULE_CONFIG, value));

/**
 * The detection config file: `{ rules?: {...}, channels?: { [channelId]: {...} } }`. Unknown keys are
 * refused; each channel is checked as merged over the global rules, so a bad pair names that channel.
 */
export const detectionConfigSchema = z
  .strictObject({
    rules: ruleOverrideSchema.optional(),
    channels: z.record(z.string(), ruleOverrideSchema).optional(),
  })
  .superRefine((value, ctx) => {
    const global = mergeRuleConfig(DEFAULT_RULE_CONFIG, value.rules);
    for (const issue of relationshipIssues(global))
      ctx.addIssue({ code: 'custom', path: ['rules', ...issue.path], message: issue.message });
    for (const [channelId, override] of Object.entries(value.channels ?? {}))
      for (const issue of relationshipIssues(mergeRuleConfig(global, override)))
        ctx.addIssue({
          code: 'custom',
          path: ['channels', channelId, ...issue.path],
          message: issue.message,
        });
  })
  .transform(
    (value): DetectionConfig => ({
      rules: mergeRuleConfig(DEFAULT_RULE_CONFIG, value.rules),
      channels: (value.channels ?? {}) as Record<string, RuleConfigOverride>,
    }),
  );

export const DEFAULT_DETECTION_CONFIG: DetectionConfig = detectionConfigSchema.parse({});
