import { describe, expect, it } from 'vitest';
import { DEFAULT_DETECTION_CONFIG, detectionConfigSchema } from '#shared/config/detection-config.ts';
import { parseConfig } from '#shared/config/load.ts';
import { configLookbackDays, lookbackDays, resolveRuleConfig } from '#shared/domain/rules/config.ts';
import { ConfigError } from '#shared/errors.ts';

const refusal = (input: unknown): string => {
  try {
    parseConfig(detectionConfigSchema, input);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('accepted');
};

describe('detection config', () => {
  it("carries every default of the spec's table", () => {
    // Prepare / Act
    const config = parseConfig(detectionConfigSchema, {});

    // Assess
    expect(config).toEqual(DEFAULT_DETECTION_CONFIG);
    expect(config.rules).toEqual({
      minHistoryDays: 28,
      minSendsForRatio: 100,
      periodicity: { window: 56, lag: 7, threshold: 0.5, minDays: 28 },
      ma: { windows: [7, 14, 21], lower: 0.7, upper: 1.3, baseline: 'same-weekday' },
      zscore: { window: 28, threshold: 2 },
      robust: { window: 28, minDays: 14, rz: 3.5, lowerPercentile: 5, upperPercentile: 95 },
      decline: { days: 5, window: 30, fraction: 0.95, ctrMinDays: 20 },
      lowPerformer: { days: 7, minSends: 1000, maxCtr: 0.03 },
    });
  });

  it('keeps the defaults beside a partial section', () => {
    // Prepare / Act
    const config = parseConfig(detectionConfigSchema, { rules: { ma: { lower: 0.6 } } });

    // Assess
    expect(config.rules.ma).toEqual({
      windows: [7, 14, 21],
      lower: 0.6,
      upper: 1.3,
      baseline: 'same-weekday',
    });
  });

  it('refuses a wrong type, an unknown key and a bad relationship, naming the key', () => {
    // Prepare / Act / Assess
    expect(refusal({ rules: { ma: { lower: '0.7' } } })).toMatch(/^config rules\.ma\.lower: .*number/);
    expect(refusal({ rules: { ma: { lowr: 0.7 } } })).toMatch(/^config rules\.ma: .*"lowr"/);
    expect(refusal({ rule: {} })).toMatch(/"rule"/);
    expect(refusal({ rules: { ma: { lower: 1.4 } } })).toBe(
      'config rules.ma.lower: must be below ma.upper (1.3)',
    );
    expect(refusal({ rules: { zscore: { window: 2.5 } } })).toMatch(/^config rules\.zscore\.window: /);
    expect(refusal({ rules: { robust: { upperPercentile: 101 } } })).toMatch(
      /^config rules\.robust\.upperPercentile: /,
    );
    expect(refusal({ rules: { robust: { lowerPercentile: 95, upperPercentile: 5 } } })).toMatch(
      /^config rules\.robust\.lowerPercentile: /,
    );
    expect(refusal({ rules: { ma: { windows: [7, 10] } } })).toMatch(
      /^config rules\.ma\.windows: 10 is not whole weeks/,
    );
    expect(refusal({ rules: { decline: { fraction: 7 } } })).toBe(
      'config rules.decline.fraction: must be a share of 1 or less (0.95 is 95%)',
    );
    expect(refusal({ rules: { lowPerformer: { maxCtr: 3 } } })).toBe(
      'config rules.lowPerformer.maxCtr: must be a share of 1 or less (0.95 is 95%)',
    );
  });

  it("checks a channel's override as merged over the global rules, naming the channel", () => {
    // Prepare / Act / Assess: the override's upper is below the global lower.
    expect(refusal({ rules: { ma: { lower: 0.8 } }, channels: { 'ch-7': { ma: { upper: 0.75 } } } })).toBe(
      'config channels.ch-7.ma.lower: must be below ma.upper (0.75)',
    );
    expect(refusal({ channels: { 'ch-7': { zscore: { treshold: 3 } } } })).toMatch(
      /^config channels\.ch-7\.zscore: /,
    );
  });

  it('resolves a channel as the global rules merged with its override, once', () => {
    // Prepare
    const config = parseConfig(detectionConfigSchema, {
      rules: { zscore: { threshold: 2.5 } },
      channels: { quiet: { zscore: { window: 14 }, ma: { windows: [7, 14] } } },
    });

    // Act
    const quiet = resolveRuleConfig(config, 'quiet');
    const other = resolveRuleConfig(config, 'other');

    // Assess
    expect(quiet.zscore).toEqual({ window: 14, threshold: 2.5 });
    expect(quiet.ma.windows).toEqual([7, 14]);
    expect(quiet.periodicity).toEqual(config.rules.periodicity);
    expect(resolveRuleConfig(config, 'quiet')).toBe(quiet);
    expect(other).toBe(config.rules);
    expect(resolveRuleConfig(config, 'constructor')).toBe(config.rules);
  });

  it('says how many days before the first judged day a run must load', () => {
    // Prepare
    const config = parseConfig(detectionConfigSchema, {
      channels: { long: { periodicity: { window: 84 } } },
    });

    // Act / Assess: periodicity's 56 days lead the defaults (decline needs 30 + 5 - 1 = 34).
    expect(lookbackDays(config.rules)).toBe(56);
    expect(configLookbackDays(config)).toBe(84);
  });
});
