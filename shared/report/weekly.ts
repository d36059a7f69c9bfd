import type { ChannelDayColumns } from '#shared/domain/channel-metrics.ts';
import { type Feedback, teamVerdicts } from '#shared/domain/feedback.ts';
import { type JudgedFinding, SEVERITY_ORDER } from '#shared/domain/finding.ts';
import {
  type ChannelEntry,
  latestReviews,
  type RegistrySnapshot,
  UNASSIGNED,
} from '#shared/domain/registry.ts';
import { DEFAULT_RULE_CONFIG } from '#shared/domain/rules/config.ts';
import type { RunRecord } from '#shared/domain/run-record.ts';
import { addDays, dayNumber, type IsoDay, isoDay } from '#shared/time/seoul.ts';
import type {
  BandChart,
  ChangeImpactRow,
  ChannelLabel,
  HealthRow,
  HealthStatus,
  ImpactWindow,
  IncidentRow,
  LowPerformerRow,
  ReviewQueueRow,
  WeeklyReport,
} from './model.ts';
import { HEALTH_STATUSES } from './model.ts';
import { compareProportions } from './stats.ts';

/** Rule 5 of the detection spec (low performer), with its defaults. */
export interface LowPerformerThresholds {
  days: number;
  minSends: number;
  maxCtr: number;
}

export interface WeeklyReportOptions {
  lowPerformer: LowPerformerThresholds;
  /** Daily CTR is defined only from this many sends (detection spec). */
  minSendsForRatio: number;
  /** Rules 1-4 need this much history (detection spec). */
  minHistoryDays: number;
  /** Before and after windows of a change, each at most this long. */
  impactWindowDays: number;
  /** Changes older than this many days before the report day are not measured again. */
  changeLookbackDays: number;
  /** Days the health sparklines cover. */
  chartDays: number;
  /**
   * Registry categories whose messages are not meant to be clicked (a verification code, a receipt):
   * never ranked as low performers.
   */
  notClickedCategories: readonly string[];
}

export const DEFAULT_REPORT_OPTIONS: WeeklyReportOptions = {
  lowPerformer: { ...DEFAULT_RULE_CONFIG.lowPerformer },
  minSendsForRatio: DEFAULT_RULE_CONFIG.minSendsForRatio,
  minHistoryDays: DEFAULT_RULE_CONFIG.minHistoryDays,
  impactWindowDays: 14,
  changeLookbackDays: 90,
  chartDays: 56,
  notClickedCategories: ['transactional'],
};

const BAND_HISTORY_DAYS = 28;
const INCIDENT_LEAD_DAYS = 21;

/** The days of lake data a report for `day` reads: enough for every window it draws or measures. */
export function reportReadRange(day: IsoDay, options: WeeklyReportOptions = DEFAULT_REPORT_OPTIONS) {
  const span = Math.max(
    options.changeLookbackDays + options.impactWindowDays,
    options.chartDays,
    INCIDENT_LEAD_DAYS + BAND_HISTORY_DAYS + 7,
  );
  return { from: addDays(day, -span + 1), to: day };
}

export interface WeeklyReportInput {
  /** Last day of the report week. */
  day: IsoDay;
  /** Lake rows over `reportReadRange(day)`. */
  columns: ChannelDayColumns;
  /** Findings stored for the report week. */
  findings: JudgedFinding[];
  /** The detection run records of the week's days (absent: the run never happened). */
  runs: Map<IsoDay, RunRecord>;
  registry: RegistrySnapshot;
  /** The team's verdicts on the week's pages (none when the run has no feedback store). */
  feedback?: Feedback[];
  generatedAt: string;
  options?: Partial<WeeklyReportOptions>;
}

/** One channel's dense daily series over the read range. */
interface Series {
  channelId: string;
  channelType: string;
  /** Index of the channel's first day inside the range (0 when its series began earlier). */
  first: number;
  /** Day number of the channel's first day with a row (or earlier than the range). */
  firstDayNo: number;
  /** NaN: outside the series or data late. */
  sends: Float64Array;
  clicks: Float64Array;
}

function buildSeries(columns: ChannelDayColumns): { series: Series[]; present: Uint8Array } {
  const length = columns.toDay - columns.fromDay + 1;
  const present = new Uint8Array(length);
  const firstRow = new Int32Array(columns.channelIds.length).fill(length);
  for (let row = 0; row < columns.channel.length; row++) {
    const index = columns.day[row]! - columns.fromDay;
    if (index < 0 || index >= length) continue;
    present[index] = 1;
    const channel = columns.channel[row]!;
    if (index < firstRow[channel]!) firstRow[channel] = index;
  }
  const series = columns.channelIds.map((channelId, c): Series => {
    const first = columns.seenBefore[c] ? 0 : firstRow[c]!;
    const sends = new Float64Array(length).fill(Number.NaN);
    const clicks = new Float64Array(length).fill(Number.NaN);
    // Dense series: an arrived day with no row for the channel is a day it sent nothing.
    for (let i = first; i < length; i++)
      if (present[i]) {
        sends[i] = 0;
        clicks[i] = 0;
      }
    return {
      channelId,
      channelType: columns.channelTypes[c] ?? 'unknown',
      first,
      firstDayNo: columns.seenBefore[c] ? columns.fromDay - 1 : columns.fromDay + first,
      sends,
      clicks,
    };
  });
  for (let row = 0; row < columns.channel.length; row++) {
    const index = columns.day[row]! - columns.fromDay;
    if (index < 0 || index >= length) continue;
    const s = series[columns.channel[row]!]!;
    s.sends[index] = (s.sends[index] || 0) + columns.sends[row]!;
    s.clicks[index] = (s.clicks[index] || 0) + columns.clicks[row]!;
  }
  return { series, present };
}

/** Sums a window [from, to] of indices; `complete` is false when a day is outside the series or late. */
function sumWindow(s: Series, from: number, to: number) {
  let sends = 0;
  let clicks = 0;
  let complete = true;
  for (let i = from; i <= to; i++) {
    const daySends = s.sends[i];
    if (i < 0 || daySends === undefined || Number.isNaN(daySends)) {
      complete = false;
      continue;
    }
    sends += daySends;
    clicks += s.clicks[i]!;
  }
  return { sends, clicks, complete };
}

/** Quantile with linear interpolation between order statistics (numpy's default). */
export function quantile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const h = (sorted.length - 1) * p;
  const low = Math.floor(h);
  const high = Math.min(low + 1, sorted.length - 1);
  return sorted[low]! + (h - low) * (sorted[high]! - sorted[low]!);
}

function labelOf(channelId: string, entry: ChannelEntry | undefined): ChannelLabel {
  return entry
    ? { channelId, name: entry.name, category: entry.category, owner: entry.owner }
    : { channelId, name: channelId, category: 'unknown', owner: UNASSIGNED };
}

const ratio = (clicks: number, sends: number) => (sends > 0 ? clicks / sends : null);

/** Builds the weekly report from data already read: pure, so every number in it can be tested. */
export function assembleWeeklyReport(input: WeeklyReportInput): WeeklyReport {
  const options = { ...DEFAULT_REPORT_OPTIONS, ...input.options };
  const { columns, day } = input;
  const dayNo = dayNumber(day);
  if (columns.toDay !== dayNo)
    throw new RangeError(`metrics end on ${isoDay(columns.toDay)}, not the report day ${day}`);
  const { series, present } = buildSeries(columns);
  const length = present.length;
  const last = length - 1;
  const weekFrom = last - 6;
  const entries = new Map(input.registry.channels.map((entry) => [entry.channelId, entry]));
  const byId = new Map(series.map((s) => [s.channelId, s]));

  const metricValue = (s: Series, metric: string, i: number): number | null => {
    if (i < s.first || i > last) return null;
    const sends = s.sends[i]!;
    if (Number.isNaN(sends)) return null;
    if (metric === 'sends') return sends;
    if (metric === 'clicks') return s.clicks[i]!;
    return sends >= options.minSendsForRatio ? s.clicks[i]! / sends : null;
  };

  // Findings of the week that paged, per channel and metric.
  const weekFirstDay = isoDay(columns.fromDay + weekFrom);
  const paging = input.findings.filter((f) => f.alert && f.date >= weekFirstDay && f.date <= day);
  const anomalous = new Set(paging.map((f) => f.channelId));

  const lowPerformers: LowPerformerRow[] = [];
  const health: HealthRow[] = [];
  const chartFrom = Math.max(0, length - options.chartDays);
  const allIds = new Set([...series.map((s) => s.channelId), ...entries.keys()]);
  for (const channelId of allIds) {
    const entry = entries.get(channelId);
    const s = byId.get(channelId);
    const label = labelOf(channelId, entry);
    const week = s ? sumWindow(s, weekFrom, last) : { sends: 0, clicks: 0, complete: false };
    const previous = s ? sumWindow(s, weekFrom - 7, weekFrom - 1) : { sends: 0, clicks: 0, complete: false };
    const lp = options.lowPerformer;
    const lpWindow = s ? sumWindow(s, length - lp.days, last) : week;
    const meantToBeClicked = !entry || !options.notClickedCategories.includes(entry.category);
    const isLowPerformer =
      meantToBeClicked &&
      lpWindow.complete &&
      lpWindow.sends >= lp.minSends &&
      lpWindow.clicks / lpWindow.sends < lp.maxCtr;
    const insufficient = !s || s.firstDayNo > dayNo - options.minHistoryDays;
    let status: HealthStatus = 'healthy';
    if (entry?.status === 'retired') status = 'retired';
    else if (anomalous.has(channelId)) status = 'anomalous';
    else if (isLowPerformer) status = 'low_performer';
    else if (insufficient) status = 'insufficient_history';
    if (isLowPerformer && status !== 'retired')
      lowPerformers.push({
        ...label,
        sends: lpWindow.sends,
        clicks: lpWindow.clicks,
        ctr: lpWindow.clicks / lpWindow.sends,
        unclickedSends: lpWindow.sends - lpWindow.clicks,
      });
    const ctr = ratio(week.clicks, week.sends);
    const previousCtr = ratio(previous.clicks, previous.sends);
    const dailySends: (number | null)[] = [];
    for (let i = chartFrom; i <= last; i++) dailySends.push(s ? metricValue(s, 'sends', i) : null);
    health.push({
      ...label,
      channelType: s?.channelType ?? 'unknown',
      status,
      sends: week.sends,
      clicks: week.clicks,
      ctr,
      previousSends: previous.sends,
      previousCtr,
      sendsChange: previous.sends > 0 ? week.sends / previous.sends - 1 : null,
      ctrChange: ctr !== null && previousCtr !== null ? ctr - previousCtr : null,
      dailySends,
    });
  }
  const statusRank = (status: HealthStatus) => HEALTH_STATUSES.indexOf(status);
  health.sort(
    (a, b) =>
      statusRank(a.status) - statusRank(b.status) ||
      b.sends - a.sends ||
      a.channelId.localeCompare(b.channelId),
  );
  lowPerformers.sort((a, b) => b.unclickedSends - a.unclickedSends || a.channelId.localeCompare(b.channelId));

  const incidents = buildIncidents(paging, byId, entries, columns.fromDay, last, metricValue);

  const latest = latestReviews(input.registry.reviews);
  const reviewQueue: ReviewQueueRow[] = lowPerformers.map((row) => {
    const review = latest.get(row.channelId);
    return {
      ...row,
      open: !review,
      decision: review?.decision ?? null,
      note: review?.note ?? null,
      decidedBy: review?.by ?? null,
      decidedAt: review?.at ?? null,
    };
  });
  reviewQueue.sort((a, b) => Number(b.open) - Number(a.open) || b.unclickedSends - a.unclickedSends);

  const changeImpact: ChangeImpactRow[] = input.registry.changes
    .filter((change) => change.day <= day && change.day > addDays(day, -options.changeLookbackDays))
    .sort((a, b) => b.day.localeCompare(a.day) || a.channelId.localeCompare(b.channelId))
    .map((change) => {
      const s = byId.get(change.channelId);
      const label = labelOf(change.channelId, entries.get(change.channelId));
      const changeIndex = dayNumber(change.day) - columns.fromDay;
      // The change day counts as "after": the new copy/timing is live from that day on.
      const afterDays = s ? Math.min(options.impactWindowDays, last - changeIndex + 1) : 0;
      const beforeDays = s ? Math.min(options.impactWindowDays, changeIndex - s.first) : 0;
      const windowDays = Math.max(0, Math.min(afterDays, beforeDays));
      const empty = { ...label, changeDay: change.day, what: change.what, windowDays: 0 };
      if (!s || windowDays === 0)
        return {
          ...empty,
          before: null,
          after: null,
          volumeChange: null,
          comparison: null,
          significant: false,
        };
      const window = (from: number): ImpactWindow => {
        const sum = sumWindow(s, from, from + windowDays - 1);
        return {
          from: isoDay(columns.fromDay + from),
          to: isoDay(columns.fromDay + from + windowDays - 1),
          sends: sum.sends,
          clicks: sum.clicks,
          sendsPerDay: sum.sends / windowDays,
          clicksPerDay: sum.clicks / windowDays,
          ctr: ratio(sum.clicks, sum.sends),
        };
      };
      const before = window(changeIndex - windowDays);
      const after = window(changeIndex);
      const comparison =
        before.sends > 0 && after.sends > 0
          ? compareProportions({ n: before.sends, k: before.clicks }, { n: after.sends, k: after.clicks })
          : null;
      return {
        ...empty,
        windowDays,
        before,
        after,
        volumeChange: before.sends > 0 ? after.sends / before.sends - 1 : null,
        comparison,
        significant: comparison !== null && comparison.pValue < 0.05,
      };
    });

  const weekDays = Array.from({ length: 7 }, (_, k) => addDays(day, k - 6));
  let lastPresent = last;
  while (lastPresent >= 0 && !present[lastPresent]) lastPresent--;
  const totals = health.reduce(
    (sum, row) => {
      sum.sends += row.status === 'retired' ? 0 : row.sends;
      sum.clicks += row.status === 'retired' ? 0 : row.clicks;
      sum.byStatus[row.status]++;
      return sum;
    },
    {
      sends: 0,
      clicks: 0,
      byStatus: Object.fromEntries(HEALTH_STATUSES.map((status) => [status, 0])) as Record<
        HealthStatus,
        number
      >,
    },
  );
  return {
    week: { from: weekDays[0]!, to: day },
    generatedAt: input.generatedAt,
    chartDays: Array.from({ length: last - chartFrom + 1 }, (_, k) =>
      isoDay(columns.fromDay + chartFrom + k),
    ),
    totals: { channels: health.length, ...totals, ctr: ratio(totals.clicks, totals.sends) },
    health,
    incidents,
    lowPerformers,
    reviewQueue,
    changeImpact,
    verdicts: teamVerdicts(input.findings, input.feedback ?? []),
    // A mute that covers any day of the week, newest first.
    muted: input.registry.mutes
      .filter((mute) => mute.from <= day && (mute.until === undefined || mute.until >= weekDays[0]!))
      .sort((a, b) => (a.from < b.from ? 1 : a.from > b.from ? -1 : 0))
      .map((mute) => ({
        channelId: mute.channelId,
        name: entries.get(mute.channelId)?.name ?? mute.channelId,
        owner: entries.get(mute.channelId)?.owner ?? UNASSIGNED,
        from: mute.from,
        until: mute.until ?? null,
        reason: mute.reason,
        by: mute.by,
      })),
    freshness: {
      lastDataDay: lastPresent >= 0 ? isoDay(columns.fromDay + lastPresent) : null,
      missingDays: weekDays.filter((d) => !present[dayNumber(d) - columns.fromDay]),
      runs: weekDays.map((d) => {
        const run = input.runs.get(d);
        return {
          day: d,
          finishedAt: run?.finishedAt ?? null,
          findings: run?.findings ?? 0,
          alerts: run?.alerts ?? 0,
        };
      }),
    },
  };
}

function buildIncidents(
  paging: JudgedFinding[],
  byId: Map<string, Series>,
  entries: Map<string, ChannelEntry>,
  fromDay: number,
  last: number,
  metricValue: (s: Series, metric: string, i: number) => number | null,
): IncidentRow[] {
  const groups = new Map<string, JudgedFinding[]>();
  for (const finding of paging) {
    const key = `${finding.channelId}\u0000${finding.metric}`;
    groups.set(key, [...(groups.get(key) ?? []), finding]);
  }
  const incidents: IncidentRow[] = [];
  for (const findings of groups.values()) {
    findings.sort((a, b) => a.date.localeCompare(b.date));
    const first = findings[0]!;
    const latest = findings.at(-1)!;
    const s = byId.get(first.channelId);
    const firstIndex = dayNumber(first.date) - fromDay;
    const chartFrom = Math.max(0, firstIndex - INCIDENT_LEAD_DAYS);
    const chart: BandChart = { days: [], values: [], lower: [], upper: [], flagged: [] };
    let frozen: [number | null, number | null] = [null, null];
    for (let i = chartFrom; i <= last; i++) {
      chart.days.push(isoDay(fromDay + i));
      chart.values.push(s ? metricValue(s, first.metric, i) : null);
      if (i <= firstIndex && s) {
        const history: number[] = [];
        for (let j = i - BAND_HISTORY_DAYS; j < i; j++) {
          const value = j >= 0 ? metricValue(s, first.metric, j) : null;
          if (value !== null) history.push(value);
        }
        history.sort((a, b) => a - b);
        frozen = history.length >= 7 ? [quantile(history, 0.05), quantile(history, 0.95)] : [null, null];
      }
      chart.lower.push(frozen[0]);
      chart.upper.push(frozen[1]);
    }
    chart.flagged = [...new Set(findings.map((f) => f.date))];
    const impacts = findings.map((f) => f.impact).filter((v): v is number => typeof v === 'number');
    const severity = SEVERITY_ORDER.find((level) => findings.some((f) => f.severity === level)) ?? 'info';
    incidents.push({
      ...labelOf(first.channelId, entries.get(first.channelId)),
      metric: first.metric,
      rules: [...new Set(findings.map((f) => f.rule))],
      direction: latest.direction,
      severity,
      firstDay: first.date,
      lastDay: latest.date,
      days: chart.flagged.length,
      actual: latest.actual,
      expected: latest.expected,
      lower: latest.lower,
      upper: latest.upper,
      impact: impacts.length ? impacts.reduce((a, b) => a + b, 0) : null,
      chart,
    });
  }
  incidents.sort(
    (a, b) =>
      SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity) ||
      Math.abs(b.impact ?? 0) - Math.abs(a.impact ?? 0) ||
      a.channelId.localeCompare(b.channelId),
  );
  return incidents;
}
