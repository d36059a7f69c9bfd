/**
 * The seed rule set (docs/detection-spec.md), exactly: rule 0 picks rule 1 (moving-average ratio) or
 * rule 2 (z-score) per count metric per day, rule 3 judges ctr, rule 4 sends and ctr, rule 5 the
 * 7-day ctr. One module per rule beside this one; this file runs them in one pass per channel.
 */

import type { ChannelMetrics, ChannelSeries } from '#shared/domain/channel-metrics.ts';
import type { Finding } from '#shared/domain/finding.ts';
import { SortedWindow } from '#shared/domain/order-statistics.ts';
import {
  type DetectionConfig,
  lookbackDays,
  type RuleConfig,
  resolveRuleConfig,
} from '#shared/domain/rules/config.ts';
import { DeclineTracker } from '#shared/domain/rules/decline.ts';
import { dayName, type RuleDay } from '#shared/domain/rules/emit.ts';
import { judgeLowPerformer } from '#shared/domain/rules/low-performer.ts';
import { judgeMaRatio } from '#shared/domain/rules/ma-ratio.ts';
import { PeriodicityWindow } from '#shared/domain/rules/periodicity.ts';
import { judgeRobustRatio } from '#shared/domain/rules/robust-ratio.ts';
import { RollingMoments } from '#shared/domain/rules/rolling.ts';
import { judgeZScore } from '#shared/domain/rules/zscore.ts';
import { dayNumber, type IsoDay } from '#shared/time/seoul.ts';

export interface RuleRun {
  /** Every hit incl. candidates and low_performer, ordered by date, channel id, rule (spec order), metric. */
  findings: Finding[];
  /** Channel-days on which rules 1-4 ran (history sufficient, data arrived). */
  judgedChannelDays: number;
  /** The same, day by day (every day of the range). */
  judgedByDay: Map<IsoDay, number>;
  /** Per judged day (every day of the range that is not late), the channels rules 1-4 skipped. */
  insufficientHistory: Map<IsoDay, string[]>;
  /** Judged days whose data has not arrived: nothing is judged on them, for any channel. */
  lateDays: IsoDay[];
}

export interface ChannelJudgement {
  /** Days on which rules 1-4 ran for this channel. */
  judgedDays: number;
  /** Day numbers on which the channel existed but had too little history for rules 1-4. */
  insufficientDays: number[];
}

/** Scratch state of the single pass, reused across channels (runs are synchronous: no sharing). */
const scratch = {
  ctr: new Float64Array(512),
  periodicSends: new PeriodicityWindow(),
  periodicClicks: new PeriodicityWindow(),
  zSends: new RollingMoments(28),
  zClicks: new RollingMoments(28),
  maSends: [] as RollingMoments[],
  maClicks: [] as RollingMoments[],
  robust: new SortedWindow(28),
  declineSends: new DeclineTracker(),
  declineCtr: new DeclineTracker(),
  weekSends: new RollingMoments(7),
  weekClicks: new RollingMoments(7),
};

function resetMaWindows(windows: RollingMoments[], lengths: number[]): void {
  while (windows.length < lengths.length) windows.push(new RollingMoments(1));
  for (let k = 0; k < lengths.length; k++) windows[k]!.reset(lengths[k]!);
}

/**
 * The per-channel hot loop: judges every day of [fromDay, toDay] (day numbers) for one channel in a
 * single pass over its series, from `lookbackDays` before `fromDay` so every trailing window is full.
 * Findings are pushed to `out` in day order, and within a day in rule then metric order.
 * A day beyond the series, or NaN (late data), is not judged by any rule.
 */
export function judgeChannel(
  series: ChannelSeries,
  fromDay: number,
  toDay: number,
  rules: RuleConfig,
  out: Finding[],
  /** Counts each judged day, indexed from `fromDay`. */
  judgedOn?: Int32Array,
): ChannelJudgement {
  const { sends, clicks, firstDay } = series;
  const judgement: ChannelJudgement = { judgedDays: 0, insufficientDays: [] };
  const fromIdx = Math.max(0, fromDay - firstDay);
  const toIdx = Math.min(toDay - firstDay, sends.length - 1);
  if (toIdx < fromIdx) return judgement;
  const lookback = lookbackDays(rules);
  const start = Math.max(0, fromIdx - lookback);

  const s = scratch;
  if (s.ctr.length < sends.length) s.ctr = new Float64Array(Math.max(sends.length, 2 * s.ctr.length));
  const ctr = s.ctr;
  const minSends = rules.minSendsForRatio;
  // NaN sends (late) fail the comparison too: CTR undefined.
  for (let i = start; i <= toIdx; i++) ctr[i] = sends[i]! >= minSends ? clicks[i]! / sends[i]! : Number.NaN;

  const { periodicity, ma, zscore, robust, decline, lowPerformer } = rules;
  s.periodicSends.reset(periodicity.window, periodicity.lag);
  s.periodicClicks.reset(periodicity.window, periodicity.lag);
  s.zSends.reset(zscore.window);
  s.zClicks.reset(zscore.window);
  const allDays = ma.baseline === 'all-days';
  if (allDays) {
    resetMaWindows(s.maSends, ma.windows);
    resetMaWindows(s.maClicks, ma.windows);
  }
  s.robust.reset(robust.window);
  s.declineSends.reset(decline, 1, lookback);
  s.declineCtr.reset(decline, Math.max(1, decline.ctrMinDays), lookback);
  s.weekSends.reset(lowPerformer.days);
  s.weekClicks.reset(lowPerformer.days);

  // Each window starts sliding only where its first judged day needs it: a daily run over 100,000
  // channels pays the 56-day lookback for periodicity (and decline's streaks), not for every window.
  const startWeek = Math.max(start, fromIdx - lowPerformer.days + 1);
  const startZ = Math.max(start, fromIdx - zscore.window);
  const startRobust = Math.max(start, fromIdx - robust.window);
  let maxMaWindow = 0;
  for (const w of ma.windows) maxMaWindow = Math.max(maxMaWindow, w);
  const startMa = Math.max(start, fromIdx - maxMaWindow);

  const day: RuleDay = { series, t: start, dayNo: firstDay + start, out };
  for (let i = start; i <= toIdx; i++) {
    // Windows that include day i: the 7-day sums of rule 5 and the below-streaks of rule 4.
    if (i >= startWeek) {
      s.weekSends.slide(sends, i, startWeek);
      s.weekClicks.slide(clicks, i, startWeek);
    }
    s.declineSends.step(sends, i, start);
    s.declineCtr.step(ctr, i, start);

    if (i >= fromIdx && !Number.isNaN(sends[i])) {
      day.t = i;
      day.dayNo = firstDay + i;
      if (i >= rules.minHistoryDays) {
        judgement.judgedDays++;
        if (judgedOn) judgedOn[day.dayNo - fromDay]!++;
        const r7Sends = s.periodicSends.r7(periodicity.minDays);
        const r7Clicks = s.periodicClicks.r7(periodicity.minDays);
        const periodicSends = r7Sends > periodicity.threshold;
        const periodicClicks = r7Clicks > periodicity.threshold;
        if (periodicSends) judgeMaRatio(day, 'sends', sends, s.maSends, r7Sends, ma);
        if (periodicClicks) judgeMaRatio(day, 'clicks', clicks, s.maClicks, r7Clicks, ma);
        if (!periodicSends) judgeZScore(day, 'sends', sends, s.zSends, r7Sends, zscore);
        if (!periodicClicks) judgeZScore(day, 'clicks', clicks, s.zClicks, r7Clicks, zscore);
        judgeRobustRatio(day, ctr, s.robust, robust);
        s.declineSends.judge(day, 'sends', sends, decline.days);
        s.declineCtr.judge(day, 'ctr', ctr, decline.days);
      } else judgement.insufficientDays.push(day.dayNo);
      judgeLowPerformer(day, s.weekSends, s.weekClicks, lowPerformer);
    }

    // Trailing windows that end at i-1 when judging i: slid after judging.
    s.periodicSends.slide(sends, i, start);
    s.periodicClicks.slide(clicks, i, start);
    if (i >= startZ) {
      s.zSends.slide(sends, i, startZ);
      s.zClicks.slide(clicks, i, startZ);
    }
    if (allDays && i >= startMa)
      for (let k = 0; k < ma.windows.length; k++) {
        s.maSends[k]!.slide(sends, i, startMa);
        s.maClicks[k]!.slide(clicks, i, startMa);
      }
    if (i >= startRobust) s.robust.slide(ctr, i, startRobust);
  }
  return judgement;
}

/**
 * The seed rules over every channel and every day of `range` (detection spec). Days of the range
 * with no data at all (missing partitions, or past the last day loaded) are late: not judged.
 * `metrics` must start at least `configLookbackDays(config)` before `range.from` for full windows.
 */
export function runRules(
  metrics: ChannelMetrics,
  range: { from: IsoDay; to: IsoDay },
  config: DetectionConfig,
): RuleRun {
  const fromDay = dayNumber(range.from);
  const toDay = dayNumber(range.to);
  if (toDay < fromDay) throw new RangeError(`range ends before it starts: ${range.from}..${range.to}`);
  if (fromDay < metrics.fromDay)
    throw new RangeError(`range starts ${range.from}, before the metrics read (${dayName(metrics.fromDay)})`);

  const missing = new Set(metrics.missingDays.map(dayNumber));
  const lateDays: IsoDay[] = [];
  const insufficientHistory = new Map<IsoDay, string[]>();
  const dayCount = toDay - fromDay + 1;
  const byDay: Finding[][] = [];
  const dayIndex = new Map<IsoDay, number>();
  for (let d = 0; d < dayCount; d++) {
    byDay.push([]);
    const dayNo = fromDay + d;
    dayIndex.set(dayName(dayNo), d);
    if (missing.has(dayNo) || dayNo > metrics.toDay) lateDays.push(dayName(dayNo));
    else insufficientHistory.set(dayName(dayNo), []);
  }

  const channels = [...metrics.channels].sort((a, b) =>
    a.channelId < b.channelId ? -1 : a.channelId > b.channelId ? 1 : 0,
  );
  const channelFindings: Finding[] = [];
  const judgedOn = new Int32Array(dayCount);
  for (const series of channels) {
    channelFindings.length = 0;
    const rules = resolveRuleConfig(config, series.channelId);
    const judgement = judgeChannel(series, fromDay, toDay, rules, channelFindings, judgedOn);
    for (const dayNo of judgement.insufficientDays)
      insufficientHistory.get(dayName(dayNo))?.push(series.channelId);
    for (const found of channelFindings) {
      const day = byDay[dayIndex.get(found.date)!];
      if (!day)
        throw new RangeError(`finding on ${found.date}, outside the range ${range.from}..${range.to}`);
      day.push(found);
    }
  }
  const judgedByDay = new Map(Array.from(judgedOn, (count, d) => [dayName(fromDay + d), count] as const));
  const judgedChannelDays = judgedOn.reduce((sum, count) => sum + count, 0);
  return { findings: byDay.flat(), judgedChannelDays, judgedByDay, insufficientHistory, lateDays };
}

export { configLookbackDays, lookbackDays } from '#shared/domain/rules/config.ts';
