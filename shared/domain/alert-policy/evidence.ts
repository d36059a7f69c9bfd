/**
 * The policy's own view of a channel, computed from its series (never from the rules' figures):
 * a robust baseline on the log scale with a same-weekday shape, fitted only on clean days (not late,
 * not around a Korean holiday, not a past anomaly), and how far each day sits from it in robust sds.
 */
import type { AlertPolicyConfig } from '#shared/config/alert-policy-config.ts';
import type { ChannelSeries } from '#shared/domain/channel-metrics.ts';
import { weekdayOfDayNumber } from '#shared/time/seoul.ts';

export type EvidenceMetric = 'sends' | 'clicks' | 'ctr';

/** Per day of the series (same index): the baseline and the day's deviation from it, log scale. */
export interface MetricEvidence {
  /** log value of the day (NaN when undefined: late, or CTR on too few sends). */
  value: Float64Array;
  /** Expected log value (NaN when the clean history is too short). */
  expected: Float64Array;
  /** Robust sd of the log value around its baseline. */
  scale: Float64Array;
  /** 1 when the day was kept out of later baselines as an anomaly. */
  anomaly: Uint8Array;
  /** The channel level (weekday shape removed) over the trailing `levelDays`: NaN when too short. */
  level: Float64Array;
}

export interface ChannelEvidence {
  series: ChannelSeries;
  sends: MetricEvidence;
  clicks: MetricEvidence;
  ctr: MetricEvidence;
  /** Share of silent days (0 sends) in the trailing shape window, per day. */
  zeroShare: Float64Array;
}

/** Log of a count: +1 keeps a zero day finite, so an outage is a large, not infinite, deviation. */
export const logCount = (x: number) => Math.log(x + 1);
/** Log CTR with a half click, so a day with 0 clicks on 5,000 sends is finite. */
export const logCtr = (clicks: number, sends: number) => Math.log((clicks + 0.5) / sends);

function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = values.slice().sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Fits the baseline day by day, forward: a day judged anomalous stays out of later baselines, unless
 * the anomaly has run `maxAnomalyRun` days (then it is the channel's new level, not an incident).
 */
function fitMetric(
  value: Float64Array,
  firstDay: number,
  excluded: Uint8Array,
  config: AlertPolicyConfig['baseline'],
): MetricEvidence {
  const n = value.length;
  const expected = new Float64Array(n).fill(Number.NaN);
  const scale = new Float64Array(n).fill(Number.NaN);
  const level = new Float64Array(n).fill(Number.NaN);
  const anomaly = new Uint8Array(n);
  const byWeekday: number[][] = [[], [], [], [], [], [], []];
  const all: number[] = [];
  const deseasoned: number[] = [];
  const errors: number[] = [];
  const forecastError = new Float64Array(n).fill(Number.NaN);
  let run = 0;
  for (let i = 0; i < n; i++) {
    for (const list of byWeekday) list.length = 0;
    all.length = 0;
    for (let j = Math.max(0, i - config.shapeDays); j < i; j++) {
      const v = value[j]!;
      // The weekday shape learns from every ordinary day: a median of eight same-weekday values
      // shrugs off a past anomaly, and masking here would hide a weekend from its own shape.
      if (excluded[j] || Number.isNaN(v)) continue;
      byWeekday[weekdayOfDayNumber(firstDay + j)]!.push(v);
      if (!anomaly[j]) all.push(v);
    }
    if (all.length >= config.minCleanDays) {
      const overall = median(byWeekday.flat());
      // Four same-weekday values at least: with fewer, one unmasked peak would set the weekday's shape.
      const shape = byWeekday.map((list) => (list.length >= 4 ? median(list) - overall : 0));
      deseasoned.length = 0;
      for (let j = Math.max(0, i - config.levelDays); j < i; j++) {
        const v = value[j]!;
        if (excluded[j] || anomaly[j] || Number.isNaN(v)) continue;
        deseasoned.push(v - shape[weekdayOfDayNumber(firstDay + j)]!);
      }
      if (deseasoned.length >= Math.min(7, config.minCleanDays)) {
        const lvl = median(deseasoned);
        // The scale is the channel's own forecast errors (out of sample): in-sample spread around
        // medians fitted on the same days understates how far tomorrow can land.
        errors.length = 0;
        for (let j = Math.max(0, i - config.levelDays); j < i; j++) {
          const e = forecastError[j]!;
          if (!excluded[j] && !anomaly[j] && !Number.isNaN(e)) errors.push(e);
        }
        const spread =
          errors.length >= 7
            ? 1.4826 * median(errors)
            : 1.25 * 1.4826 * median(deseasoned.map((d) => Math.abs(d - lvl)));
        level[i] = lvl;
        expected[i] = lvl + shape[weekdayOfDayNumber(firstDay + i)]!;
        scale[i] = Math.max(config.minScale, spread);
        forecastError[i] = Math.abs(value[i]! - expected[i]!);
      }
    }
    const v = value[i]!;
    const deviation = v - expected[i]!;
    // Past anomalies stay out of the baseline, for a bounded run (a lasting change becomes the level).
    if (
      !excluded[i] &&
      Math.abs(deviation) > config.anomalyZ * scale[i]! &&
      Math.abs(deviation) > Math.log(1.3)
    ) {
      if (run < config.maxAnomalyRun) {
        anomaly[i] = 1;
        run++;
      }
    } else if (!Number.isNaN(v)) run = 0;
  }
  return { value, expected, scale, anomaly, level };
}

/**
 * The evidence for one channel. `excludedDay(dayNo)` marks days no baseline may learn from: late or
 * partial days, and days around Korean holidays.
 */
export function channelEvidence(
  series: ChannelSeries,
  excludedDay: (dayNo: number) => boolean,
  minSendsForRatio: number,
  config: AlertPolicyConfig,
): ChannelEvidence {
  const n = series.sends.length;
  const excluded = new Uint8Array(n);
  for (let i = 0; i < n; i++) if (excludedDay(series.firstDay + i)) excluded[i] = 1;
  const sendsLog = new Float64Array(n);
  const clicksLog = new Float64Array(n);
  const ctrLog = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const sends = series.sends[i]!;
    const clicks = series.clicks[i]!;
    sendsLog[i] = logCount(sends);
    clicksLog[i] = logCount(clicks);
    ctrLog[i] = sends >= minSendsForRatio ? logCtr(clicks, sends) : Number.NaN;
  }
  const zeroShare = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let zeros = 0;
    let seen = 0;
    for (let j = Math.max(0, i - config.baseline.shapeDays); j < i; j++) {
      const sends = series.sends[j]!;
      if (Number.isNaN(sends) || excluded[j]) continue;
      seen++;
      if (sends === 0) zeros++;
    }
    zeroShare[i] = seen ? zeros / seen : 0;
  }
  return {
    series,
    sends: fitMetric(sendsLog, series.firstDay, excluded, config.baseline),
    clicks: fitMetric(clicksLog, series.firstDay, excluded, config.baseline),
    ctr: fitMetric(ctrLog, series.firstDay, excluded, config.baseline),
    zeroShare,
  };
}
