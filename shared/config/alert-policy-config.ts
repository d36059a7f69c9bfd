import { z } from 'zod';
import { parseConfig } from '#shared/config/load.ts';
import type { AlertPolicyConfig } from '#shared/domain/alert-policy/config.ts';

/**
 * The alert policy (profile `default`): what turns rule findings into pages. Every key has a default;
 * a file gives only what it changes. Validated through `parseConfig`, so a bad key is named.
 */
const days = z.int().positive();
const share = z.number().min(0).max(1);
/** A multiplicative effect on sends, with its default. */
const factor = (value: number) =>
  z.strictObject({ factor: z.number().positive().default(value) }).prefault({});

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
      /** Relative change a drop (or a CTR move) must reach (the agreed 0.7-1.3 band). */
      minChange: z.number().positive().default(0.3),
      /** Relative change a rise in sends or clicks must reach: a spike, not a good day. */
      minRise: z.number().positive().default(0.6),
      /** A day at or below this share of its expected sends is the channel gone silent (an outage). */
      silentShare: share.default(0.01),
      /** A lasting drop pages when the last week's level is this much below the level four weeks earlier. */
      lastingDrop: share.default(0.25),
      /**
       * With no rule finding behind it, the policy's own page must deviate further than all but this
       * many days of the shape window did the same way (a monthly peak recurs; one past incident does not).
       */
      usualSwings: z.int().nonnegative().default(2),
    })
    .prefault({}),
  /** Monthly peaks (billing, due dates): a peak is a day this many times its weekday baseline... */
  monthlyPeak: z
    .strictObject({
      minPeak: z.number().min(1).default(2),
      /** ...and a due day that sends this much less than the two peaks before it missed its run. */
      missedShare: share.default(0.5),
    })
    .prefault({}),
  /** A stuck duplicate send: sends up this much at the same time as CTR down this much pages... */
  duplicateSend: z
    .strictObject({
      minSendsRatio: z.number().min(1).default(1.6),
      maxCtrRatio: share.default(0.7),
      /** ...when the two moves together (Stouffer's z of each in the channel's own sds) are this unusual. */
      minJointZ: z.number().positive().default(3),
    })
    .prefault({}),
  /** A spike several times the usual, above every same weekday of the last `weeks`, pages whatever its z. */
  spike: z
    .strictObject({
      minMultiple: z.number().min(1).default(3),
      /** ...and this many times the highest same weekday of those weeks. */
      aboveHistory: z.number().min(1).default(2),
      weeks: days.default(8),
    })
    .prefault({}),
  /** Volume floor: below it a count or a ratio cannot page. */
  volumeFloor: z
    .strictObject({
      /** Expected sends (or clicks) a day before a count deviation can page. */
      minExpected: z.number().nonnegative().default(3),
      /**
       * A count pages only when chance alone (Poisson at the expected count) would move it this far
       * less often than this: a quiet channel's zero day is chance until it expects about ten.
       */
      maxChance: z.number().positive().max(1).default(1e-4),
      /**
       * Up to this many expected sends, chance decides and the robust z need only reach half of
       * `page.minZ`: a small count's spread on the log scale is mostly the counting itself.
       */
      smallCount: z.number().nonnegative().default(50),
      /** Sends a day before a CTR deviation can page. */
      minSendsForCtr: z.number().nonnegative().default(500),
      /** Expected clicks a day before a CTR deviation can page. */
      minExpectedClicks: z.number().nonnegative().default(30),
    })
    .prefault({}),
  /**
   * The Korean calendar's unusual days (holidays, Seollal/Chuseok, bridge and catch-up days, the run-up
   * to Seollal/Chuseok): kept out of baselines; each channel's own response to each kind is learned
   * from the past year (its peers' until it has its own), and excuses only the part of a move it explains.
   */
  holidays: z
    .strictObject({
      enabled: z.boolean().default(true),
      /** Days before Seollal/Chuseok counted as their run-up (gift promotions, delivery notices). */
      beforeMajor: z.int().nonnegative().default(5),
      /** How far back a channel's responses are remembered: a year and a week. */
      historyDays: days.default(371),
      /** How many of its own past days the peers' estimate counts as (shrinkage toward the peers). */
      priorWeight: z.number().nonnegative().default(1),
      /** Peer responses to one kind needed before they stand for a channel with none of its own. */
      minPooledDays: z.int().positive().default(3),
      /** Floor of a response's spread (log scale): a learned holiday is never taken as exact. */
      minSpread: z.number().positive().default(0.08),
      /** Spread (log scale) of the prior, before any channel of the kind has seen such a day. */
      priorSpread: z.number().positive().default(0.6),
      /**
       * Before any peer has seen the kind: the factor on a working day's sends assumed (cautious: the
       * first Seollal of a new fleet may halve marketing, or more).
       */
      prior: z
        .strictObject({
          holiday: factor(0.5),
          major: factor(0.3),
          bridge: factor(0.85),
          'catch-up': factor(1.15),
          'before-major': factor(1.2),
        })
        .prefault({}),
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
  /**
   * Campaign channels: off (nothing, or a trickle) on many days. Each is judged against its own
   * campaigns, on the schedule its owner declared or the one learned from its history.
   */
  campaign: z
    .strictObject({
      /** Days a campaign profile is learned from (once a week). */
      windowDays: days.default(77),
      /** Days of history before a channel can be told to be a campaign channel. */
      minWindowDays: days.default(28),
      /**
       * A campaign channel's days fall in two clusters, off days (nothing, or a trickle) and campaign
       * days, this many times apart at least...
       */
      minGap: z.number().min(1).default(8),
      /** ...with at least this share of the days off. */
      minOffShare: share.default(0.3),
      /** With a declared schedule but no such gap: a day at or below this share of the 90th percentile is off. */
      offShare: share.default(0.1),
      /** A learned schedule must tell sending from off days on at least this share of days. */
      minAgreement: share.default(0.9),
      /** Longest cycle ("every N days") a schedule is learned with. */
      maxEveryDays: days.default(42),
      /** The recent campaigns a campaign's usual size and CTR come from. */
      recentCampaigns: days.default(8),
      /** Campaigns needed before one is judged against them. */
      minCampaigns: days.default(3),
      /** Floor of the log spread of campaign sizes and CTRs. */
      minSpread: z.number().positive().default(0.1),
      /** A scheduled day pages as an outage below this share of the smallest recent campaign... */
      missedShare: share.default(0.7),
      /** ...and this share of the usual campaign. */
      missedTypicalShare: share.default(0.5),
      /** A campaign this many times the usual one, and above the largest recent one, is a misfire. */
      misfireMultiple: z.number().min(1).default(2),
      /** A campaign channel that sent on each of this many days and then sends nothing has stopped: an outage... */
      everyDayDays: days.default(14),
      /** ...when at least this many of those days were between campaigns (what it sends every day is known). */
      everyDayMinOffDays: days.default(4),
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

export const DEFAULT_ALERT_POLICY_CONFIG: AlertPolicyConfig = parseConfig(alertPolicyConfigSchema, {});

/** Validates an alert policy config (a subset; the rest defaults); a bad key comes back as a `ConfigError`. */
export function parseAlertPolicyConfig(input: unknown, source = 'config'): AlertPolicyConfig {
  return parseConfig(alertPolicyConfigSchema, input ?? {}, source);
}
