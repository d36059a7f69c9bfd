/**
 * The policy's own view of a channel, computed from its series (never from the rules' figures):
 * a robust baseline on the log scale with a same-weekday shape, fitted only on clean days (not late,
 * not around a Korean holiday, not a past anomaly), and how far each day sits from it in robust sds.
 */
import type { AlertPolicyConfig } from '#shared/domain/alert-policy/config.ts';
import type { ChannelSeries } from '#shared/domain/channel-metrics.ts';
import {
  insertSorted,
  median,
  median7,
  removeSorted,
  smallMedian,
  sortedMedian,
} from '#shared/domain/order-statistics.ts';
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
  /** Indices where the level started again (recorded changes): no level compares across one. */
  breaks: readonly number[];
}

export interface ChannelEvidence {
  series: ChannelSeries;
  sends: MetricEvidence;
  clicks: MetricEvidence;
  ctr: MetricEvidence;
  /** 1 for a day no baseline learns from (late data, around a Korean holiday). */
  excluded: Uint8Array;
}

/** Log of a count: +1 keeps a zero day finite, so an outage is a large, not infinite, deviation. */
export const logCount = (x: number) => Math.log(x + 1);
/** Log CTR with a half click, so a day with 0 clicks on 5,000 sends is finite. */
export const logCtr = (clicks: number, sends: number) => Math.log((clicks + 0.5) / sends);

/** Scratch buffers of the fit, reused across channels (a run fits hundreds of thousands of days). */
const scratch = {
  byWeekday: Array.from({ length: 7 }, () => new Float64Array(64)),
  all: new Float64Array(512),
  deseasoned: new Float64Array(512),
  errors: new Float64Array(512),
  shape: new Float64Array(7),
  levelByWeekday: Array.from({ length: 7 }, () => new Float64Array(64)),
  weekdayLevels: new Float64Array(8),
  weekdayMedian: new Float64Array(7),
  levelMedian: new Float64Array(7),
};

/**
 * Where a channel's evidence arrays live. A run judges channels one at a time: `reset` before the next
 * channel hands the same memory out again, so a run of 100,000 channels allocates a few buffers, not a
 * million arrays. Evidence from before a `reset` must not be read after it.
 */
export interface EvidenceArena {
  f64(n: number): Float64Array;
  u8(n: number): Uint8Array;
  reset(): void;
}

export function evidenceArena(): EvidenceArena {
  let f64 = new Float64Array(1 << 12);
  let f64Used = 0;
  let u8 = new Uint8Array(1 << 10);
  let u8Used = 0;
  return {
    f64(n) {
      if (f64Used + n > f64.length) {
        // Views handed out keep the old buffer alive; the new one serves from here on.
        f64 = new Float64Array(Math.max(2 * f64.length, 16 * n));
        f64Used = 0;
      }
      f64Used += n;
      return f64.subarray(f64Used - n, f64Used);
    },
    u8(n) {
      if (u8Used + n > u8.length) {
        u8 = new Uint8Array(Math.max(2 * u8.length, 16 * n));
        u8Used = 0;
      }
      u8Used += n;
      return u8.subarray(u8Used - n, u8Used);
    },
    reset() {
      f64Used = 0;
      u8Used = 0;
    },
  };
}

function ensureScratch(shapeDays: number, levelDays: number): void {
  const size = Math.max(shapeDays, levelDays) + 1;
  if (scratch.all.length < size)
    for (const key of ['all', 'deseasoned', 'errors'] as const) scratch[key] = new Float64Array(size);
  const perWeekday = Math.ceil(shapeDays / 7) + 1;
  if (scratch.byWeekday[0]!.length < perWeekday)
    scratch.byWeekday = Array.from({ length: 7 }, () => new Float64Array(perWeekday));
  const levelPerWeekday = Math.ceil(levelDays / 7) + 1;
  if (scratch.levelByWeekday[0]!.length < levelPerWeekday)
    scratch.levelByWeekday = Array.from({ length: 7 }, () => new Float64Array(levelPerWeekday));
}

/** A week of clean days gives a level (a vote per weekday). */
const MIN_LEVEL_DAYS = 7;
/** A past day is kept out of later baselines only when it also moved this much (the agreed 30% band). */
const MIN_ANOMALY_CHANGE = 0.3;
/** Median absolute deviation to sd, for normal data. */
const MAD_TO_SD = 1.4826;
/** In-sample spread (before a week of forecast errors exists) understates tomorrow's: widened by a quarter. */
const IN_SAMPLE_INFLATION = 1.25;

/**
 * Fits the baseline day by day, forward: a day judged anomalous stays out of later baselines, unless
 * the anomaly has run `maxAnomalyRun` days (then it is the channel's new level, not an incident).
 * At a break (a change the owners recorded, from that day on) the level starts again from the days
 * after it; the weekday shape, being relative, carries over.
 */
function fitMetric(
  value: Float64Array,
  firstDay: number,
  excluded: Uint8Array,
  config: AlertPolicyConfig['baseline'],
  arena: EvidenceArena,
  breaks: readonly number[] = [],
): MetricEvidence {
  const n = value.length;
  // Config values as locals: the loop reads them for every day of every channel.
  const { shapeDays, levelDays, minCleanDays, anomalyZ, maxAnomalyRun, minScale } = config;
  const minLevelDays = Math.min(MIN_LEVEL_DAYS, minCleanDays);
  const minAnomaly = Math.log(1 + MIN_ANOMALY_CHANGE);
  const expected = arena.f64(n).fill(Number.NaN);
  const scale = arena.f64(n).fill(Number.NaN);
  const level = arena.f64(n).fill(Number.NaN);
  const anomaly = arena.u8(n).fill(0);
  const forecastError = arena.f64(n).fill(Number.NaN);
  ensureScratch(shapeDays, levelDays);
  const { byWeekday, deseasoned, errors } = scratch;
  const weekdayCount = new Int32Array(7);
  const levelCount = new Int32Array(7);
  const weekdayMedian = scratch.weekdayMedian.fill(Number.NaN);
  const levelMedian = scratch.levelMedian.fill(Number.NaN);
  const { levelByWeekday, weekdayLevels } = scratch;
  const shape = scratch.shape;
  const firstWeekday = weekdayOfDayNumber(firstDay);
  // The windows slide: a day enters sorted when it leaves the present and leaves when it ages out.
  // Days before `levelFrom` (the last break) have left the level and error windows for good.
  let levelFrom = 0;
  let nextBreak = 0;
  let run = 0;
  let clean = 0;
  let e = 0;
  const shapeEntry = (j: number, enter: boolean) => {
    const v = value[j]!;
    // The weekday shape learns from every ordinary day: a median of eight same-weekday values
    // shrugs off a past anomaly, and masking here would hide a weekend from its own shape.
    if (j < levelFrom || excluded[j] || Number.isNaN(v)) return;
    const wd = (firstWeekday + j) % 7;
    const delta = enter ? 1 : -1;
    if (enter) insertSorted(byWeekday[wd]!, weekdayCount[wd]!, v);
    else removeSorted(byWeekday[wd]!, weekdayCount[wd]!, v);
    weekdayCount[wd]! += delta;
    const count = weekdayCount[wd]!;
    // Four same-weekday values at least: with fewer, one unmasked peak would set the weekday's shape.
    weekdayMedian[wd] = count >= 4 ? sortedMedian(byWeekday[wd]!, count) : Number.NaN;
    if (!anomaly[j]) clean += delta;
  };
  let frozenShape = false;
  // The shape is each weekday's median against the median weekday (0 for a weekday too thin).
  const computeShape = () => {
    let known = 0;
    for (let wd = 0; wd < 7; wd++) {
      const med = weekdayMedian[wd]!;
      if (!Number.isNaN(med)) weekdayLevels[known++] = med;
    }
    const overall = known === 7 ? median7(weekdayLevels) : known ? smallMedian(weekdayLevels, known) : 0;
    for (let wd = 0; wd < 7; wd++) {
      const med = weekdayMedian[wd]!;
      shape[wd] = Number.isNaN(med) ? 0 : med - overall;
    }
  };
  let m = 0;
  const levelEntry = (j: number, enter: boolean) => {
    const v = value[j]!;
    if (j < levelFrom || excluded[j] || anomaly[j] || Number.isNaN(v)) return;
    const wd = (firstWeekday + j) % 7;
    if (enter) insertSorted(levelByWeekday[wd]!, levelCount[wd]!++, v);
    else removeSorted(levelByWeekday[wd]!, levelCount[wd]!--, v);
    const count = levelCount[wd]!;
    levelMedian[wd] = count > 0 ? sortedMedian(levelByWeekday[wd]!, count) : Number.NaN;
    m += enter ? 1 : -1;
  };
  const errorEntry = (j: number, enter: boolean) => {
    const error = forecastError[j]!;
    if (j < levelFrom || excluded[j] || anomaly[j] || Number.isNaN(error)) return;
    if (enter) insertSorted(errors, e++, error);
    else removeSorted(errors, e--, error);
  };
  for (let i = 0; i < n; i++) {
    // The day after a break: what came before it leaves every window; the weekday shape of then is
    // kept until the days after the break show each weekday four times.
    if (nextBreak < breaks.length && breaks[nextBreak]! === i - 1) {
      nextBreak++;
      levelFrom = i - 1;
      frozenShape = clean >= minCleanDays;
      if (frozenShape) computeShape();
      weekdayCount.fill(0);
      weekdayMedian.fill(Number.NaN);
      levelCount.fill(0);
      levelMedian.fill(Number.NaN);
      clean = 0;
      m = 0;
      e = 0;
      run = 0;
    }
    if (i >= 1) {
      shapeEntry(i - 1, true);
      levelEntry(i - 1, true);
      errorEntry(i - 1, true);
    }
    if (i - 1 - shapeDays >= 0) shapeEntry(i - 1 - shapeDays, false);
    if (i - 1 - levelDays >= 0) {
      levelEntry(i - 1 - levelDays, false);
      errorEntry(i - 1 - levelDays, false);
    }
    if (frozenShape && weekdayCount.every((count) => count >= 4)) frozenShape = false;
    if (frozenShape || clean >= minCleanDays) {
      if (!frozenShape) computeShape();
      if (m >= minLevelDays) {
        // The level: each weekday's median of its clean days, shape removed, then the median of those
        // (a vote per weekday), kept from sorted per-weekday windows so a day costs a few comparisons.
        let k = 0;
        for (let wd = 0; wd < 7; wd++) {
          const med = levelMedian[wd]!;
          if (!Number.isNaN(med)) weekdayLevels[k++] = med - shape[wd]!;
        }
        const lvl = k === 7 ? median7(weekdayLevels) : smallMedian(weekdayLevels, k);
        // The scale is the channel's own forecast errors (out of sample): in-sample spread around
        // medians fitted on the same days understates how far tomorrow can land.
        let spread: number;
        if (e >= MIN_LEVEL_DAYS) spread = MAD_TO_SD * sortedMedian(errors, e);
        else {
          let d = 0;
          for (let j = Math.max(levelFrom, i - levelDays); j < i; j++) {
            const v = value[j]!;
            if (excluded[j] || anomaly[j] || Number.isNaN(v)) continue;
            deseasoned[d++] = Math.abs(v - shape[(firstWeekday + j) % 7]! - lvl);
          }
          spread = IN_SAMPLE_INFLATION * MAD_TO_SD * median(deseasoned, d);
        }
        level[i] = lvl;
        expected[i] = lvl + shape[(firstWeekday + i) % 7]!;
        scale[i] = Math.max(minScale, spread);
        forecastError[i] = Math.abs(value[i]! - expected[i]!);
      }
    }
    const v = value[i]!;
    const deviation = v - expected[i]!;
    const isBreak = nextBreak < breaks.length && breaks[nextBreak]! === i;
    // Past anomalies stay out of the baseline, for a bounded run (a lasting change becomes the level).
    if (isBreak) run = 0;
    else if (!excluded[i] && Math.abs(deviation) > anomalyZ * scale[i]! && Math.abs(deviation) > minAnomaly) {
      if (run < maxAnomalyRun) {
        anomaly[i] = 1;
        run++;
      }
    } else if (!Number.isNaN(v)) run = 0;
  }
  return { value, expected, scale, anomaly, level, breaks };
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
  arena: EvidenceArena = evidenceArena(),
  breakDays: readonly number[] = [],
): ChannelEvidence {
  // Recorded changes, as indices into the series, in order.
  const breaks = breakDays
    .map((dayNo) => dayNo - series.firstDay)
    .filter((i) => i >= 0 && i < series.sends.length)
    .sort((a, b) => a - b);
  const n = series.sends.length;
  const excluded = arena.u8(n).fill(0);
  for (let i = 0; i < n; i++) if (excludedDay(series.firstDay + i)) excluded[i] = 1;
  const sendsLog = arena.f64(n);
  for (let i = 0; i < n; i++) sendsLog[i] = logCount(series.sends[i]!);
  // Clicks and CTR are fitted only when a finding asks for them: most channels need sends alone.
  let clicks: MetricEvidence | undefined;
  let ctr: MetricEvidence | undefined;
  return {
    series,
    sends: fitMetric(sendsLog, series.firstDay, excluded, config.baseline, arena, breaks),
    get clicks() {
      if (!clicks) {
        const clicksLog = arena.f64(n);
        for (let i = 0; i < n; i++) clicksLog[i] = logCount(series.clicks[i]!);
        clicks = fitMetric(clicksLog, series.firstDay, excluded, config.baseline, arena, breaks);
      }
      return clicks;
    },
    get ctr() {
      if (!ctr) {
        const ctrLog = arena.f64(n);
        for (let i = 0; i < n; i++) {
          const sends = series.sends[i]!;
          ctrLog[i] = sends >= minSendsForRatio ? logCtr(series.clicks[i]!, sends) : Number.NaN;
        }
        ctr = fitMetric(ctrLog, series.firstDay, excluded, config.baseline, arena, breaks);
      }
      return ctr;
    },
    excluded,
  };
}
