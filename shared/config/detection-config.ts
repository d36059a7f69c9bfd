import { z } from 'zod';

/**
 * Thresholds of the seed detection rules (detection spec, "Defaults, all configurable"), globally and
 * per channel. A file gives only what it changes; everything else takes the spec's default.
 */
export interface RuleConfig {
  /** Days of series a channel needs before day `t` for rules 1-4 (firstDay <= t - minHistoryDays). */
  minHistoryDays: number;
  /** CTR is defined only on days with at least this many sends. */
  minSendsForRatio: number;
  /** Rule 0: lag autocorrelation over the trailing `window` days, at least `minDays` present. */
  periodicity: { window: number; lag: number; threshold: number; minDays: number };
  /** Rule 1: ratio to the trailing means of `windows`, out of range outside [lower, upper]. */
  ma: { windows: number[]; lower: number; upper: number; baseline: 'same-weekday' | 'all-days' };
  /** Rule 2: |z| over the trailing `window` days above `threshold`. */
  zscore: { window: number; threshold: number };
  /** Rule 3: robust z and percentile band over the trailing `window` days, at least `minDays` with a CTR. */
  robust: { window: number; minDays: number; rz: number; lowerPercentile: number; upperPercentile: number };
  /** Rule 4: `days` days in a row below `fraction` of the trailing `window`-day mean. */
  decline: { days: number; window: number; fraction: number; ctrMinDays: number };
  /** Rule 5: over the `days` days ending at t, at least `minSends` sends and CTR below `maxCtr`. */
  lowPerformer: { days: number; minSends: number; maxCtr: number };
}

/** A channel's override (or a config file's `rules`): any subset of `RuleConfig`, section by section. */
export type RuleConfigOverride = {
  [K in keyof RuleConfig]?: RuleConfig[K] extends number ? number : Partial<RuleConfig[K]>;
};

export interface DetectionConfig {
  rules: RuleConfig;
  /** channelId -> what differs for that channel. */
  channels: Record<string, RuleConfigOverride>;
}

export const DEFAULT_RULE_CONFIG: Readonly<RuleConfig> = Object.freeze({
  minHistoryDays: 28,
  minSendsForRatio: 100,
  periodicity: { window: 56, lag: 7, threshold: 0.5, minDays: 28 },
  ma: { windows: [7, 14, 21], lower: 0.7, upper: 1.3, baseline: 'same-weekday' as const },
  zscore: { window: 28, threshold: 2.0 },
  robust: { window: 28, minDays: 14, rz: 3.5, lowerPercentile: 5, upperPercentile: 95 },
  decline: { days: 5, window: 30, fraction: 0.95, ctrMinDays: 20 },
  lowPerformer: { days: 7, minSends: 1000, maxCtr: 0.03 },
});

const days = z.int().positive();
const count = z.number().nonnegative();
const positive = z.number().positive();
const percentile = z.number().min(0).max(100);

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
    .strictObject({ days, window: days, fraction: positive, ctrMinDays: z.int().nonnegative() })
    .partial()
    .optional(),
  lowPerformer: z.strictObject({ days, minSends: count, maxCtr: count }).partial().optional(),
});

/** `base` with `override` laid over it, section by section (arrays are replaced, not merged). */
export function mergeRuleConfig(base: RuleConfig, override: RuleConfigOverride = {}): RuleConfig {
  // Always a fresh object: a parsed config never shares (mutable) sections with the defaults.
  return {
    minHistoryDays: override.minHistoryDays ?? base.minHistoryDays,
    minSendsForRatio: override.minSendsForRatio ?? base.minSendsForRatio,
    periodicity: { ...base.periodicity, ...override.periodicity },
    ma: { ...base.ma, ...override.ma, windows: [...(override.ma?.windows ?? base.ma.windows)] },
    zscore: { ...base.zscore, ...override.zscore },
    robust: { ...base.robust, ...override.robust },
    decline: { ...base.decline, ...override.decline },
    lowPerformer: { ...base.lowPerformer, ...override.lowPerformer },
  };
}

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

const resolved = new WeakMap<DetectionConfig, Map<string, RuleConfig>>();

/** Every overridden channel's merged rules, merged once per config (overrides are few; channels many). */
function overriddenChannels(config: DetectionConfig): Map<string, RuleConfig> {
  let merged = resolved.get(config);
  if (!merged) {
    merged = new Map();
    for (const [channelId, override] of Object.entries(config.channels))
      merged.set(channelId, mergeRuleConfig(config.rules, override));
    resolved.set(config, merged);
  }
  return merged;
}

/**
 * The rules for one channel: the global rules, or them merged with the channel's override. Merged once
 * per config and cached, so a 100,000-channel run does not re-merge per day or per run.
 */
export function resolveRuleConfig(config: DetectionConfig, channelId: string): RuleConfig {
  return overriddenChannels(config).get(channelId) ?? config.rules;
}

/**
 * Days before the first judged day that a run must load so every window is full: the caller reads
 * metrics from `from - lookbackDays(rules)` (channels seen before that day start their series there).
 */
export function lookbackDays(rules: RuleConfig): number {
  return Math.max(
    rules.minHistoryDays,
    rules.periodicity.window,
    rules.zscore.window,
    rules.robust.window,
    rules.decline.window + rules.decline.days - 1,
    rules.ma.windows.reduce((widest, w) => Math.max(widest, w), 0),
    rules.lowPerformer.days - 1,
  );
}

/** `lookbackDays` over the global rules and every channel override: what a whole run must load. */
export function configLookbackDays(config: DetectionConfig): number {
  let days = lookbackDays(config.rules);
  for (const channelId of Object.keys(config.channels))
    days = Math.max(days, lookbackDays(resolveRuleConfig(config, channelId)));
  return days;
}
