import { z } from 'zod';
import { parseConfig } from '#shared/config/load.ts';

/**
 * The alert policy (profile `default`): what turns rule findings into pages. Every key has a default;
 * a file gives only what it changes. Validated through `parseConfig`, so a bad key is named.
 */
const days = z.int().positive();
const share = z.number().min(0).max(1);

export const alertPolicyConfigSchema = z.strictObject({
  /** The policy's own baseline: same-weekday shape over `shapeDays`, level over `levelDays`. */
  baseline: z
    .strictObject({
      shapeDays: days.default(56),
      levelDays: days.default(28),
      /** Clean days (not late, not holiday, not a past anomaly) needed before the policy judges. */
      minCleanDays: days.default(14),
      /** A day this many robust sds off its baseline is kept out of later baselines... */
      anomalyZ: z.number().positive().default(3),
      /** ...for at most this many days in a row: then the new level is the channel's level. */
      maxAnomalyRun: days.default(7),
      /** Floor of the robust log-scale sd: a very steady channel still varies by a few percent. */
      minScale: z.number().positive().default(0.05),
    })
    .prefault({}),
  /** What is big enough to page. */
  page: z
    .strictObject({
      /** Robust z (log scale) a deviation must reach, alone or as a run of days in one direction. */
      minZ: z.number().positive().default(4),
      /** Days a run of same-direction deviations is combined over (Stouffer) for slow onsets. */
      runDays: days.default(3),
      /** Relative change a deviation must reach (the agreed 0.7-1.3 band). */
      minChange: z.number().positive().default(0.3),
      /** A lasting drop pages when the last week's level is this much below the level four weeks earlier. */
      lastingDrop: share.default(0.25),
      /**
       * With no rule finding behind it, the policy's own page must deviate further than all but this
       * many days of the shape window did the same way (a monthly peak recurs; one past incident does not).
       */
      usualSwings: z.int().nonnegative().default(2),
    })
    .prefault({}),
  /** Volume floor: below it a count or a ratio cannot page. */
  volumeFloor: z
    .strictObject({
      /** Expected sends (or clicks) a day before a count deviation can page. */
      minExpected: z.number().nonnegative().default(20),
      /** Sends a day before a CTR deviation can page. */
      minSendsForCtr: z.number().nonnegative().default(500),
      /** Expected clicks a day before a CTR deviation can page. */
      minExpectedClicks: z.number().nonnegative().default(30),
    })
    .prefault({}),
  /** Korean holidays: kept out of baselines; known holiday effects do not page. */
  holidays: z
    .strictObject({
      enabled: z.boolean().default(true),
      /** Days before Seollal/Chuseok (gift promotions, delivery notices) and after (catch-up). */
      beforeMajor: z.int().nonnegative().default(5),
      afterMajor: z.int().nonnegative().default(2),
      /** On a holiday a drop pages only as an outage: sends at most this share of expected. */
      outageShare: share.default(0.01),
      /** Before Seollal/Chuseok a rise pages only above this multiple of expected. */
      maxPromotionRise: z.number().positive().default(3),
    })
    .prefault({}),
  /** Late data: a day with far fewer channels than usual has not fully arrived; nothing on it pages a drop. */
  lateData: z
    .strictObject({
      minRowShare: share.default(0.85),
      /** ...and at least this many rows missing: in a small fleet one channel's outage is not late data. */
      minMissingRows: z.int().nonnegative().default(3),
      referenceWeeks: days.default(4),
    })
    .prefault({}),
  /** Campaign-burst channels: many silent days; an off day looks like an outage, a campaign like a spike. */
  intermittent: z
    .strictObject({
      maxZeroShare: share.default(0.25),
    })
    .prefault({}),
  /** Incident grouping: one page per incident; a later day re-pages only when severity rises. */
  incident: z
    .strictObject({
      regroupDays: days.default(7),
    })
    .prefault({}),
  /** Severity by impact (sends or clicks lost or extra in a day). */
  severity: z
    .strictObject({
      critical: z.number().nonnegative().default(50_000),
      high: z.number().nonnegative().default(5_000),
      medium: z.number().nonnegative().default(500),
    })
    .prefault({}),
  /** Channels that never page (e.g. retired in the registry). */
  mutedChannels: z.array(z.string()).default([]),
});

export type AlertPolicyConfig = z.output<typeof alertPolicyConfigSchema>;

export const DEFAULT_ALERT_POLICY_CONFIG: AlertPolicyConfig = parseConfig(alertPolicyConfigSchema, {});

/** Validates an alert policy config (a subset; the rest defaults); a bad key comes back as a `ConfigError`. */
export function parseAlertPolicyConfig(input: unknown, source = 'config'): AlertPolicyConfig {
  return parseConfig(alertPolicyConfigSchema, input ?? {}, source);
}
