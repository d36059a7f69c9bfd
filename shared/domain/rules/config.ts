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
