import type { ChannelDayColumns, ChannelMetrics, ChannelSeries } from '#shared/domain/channel-metrics.ts';
import type { MetricName } from '#shared/domain/finding.ts';
import { type ChannelEntry, type RegistrySnapshot, UNASSIGNED } from '#shared/domain/registry.ts';
import { buildChannelMetrics } from '#shared/domain/series.ts';
import { addDays, dayNumber, type IsoDay, isoDay } from '#shared/time/seoul.ts';
import type { ChannelLabel } from '../model.ts';
import type { WeeklyReportOptions } from '../options.ts';

/**
 * What every section of the weekly report reads: the channels' dense series, built by detection's own
 * series builder (one truth: a day the report calls an outage is a day detection judged as one), the
 * registry, and the report week as day numbers.
 */
export interface ReportContext {
  day: IsoDay;
  /** Day numbers of the report day and the week's first day. */
  dayNo: number;
  weekFromNo: number;
  weekDays: IsoDay[];
  metrics: ChannelMetrics;
  /** Days of the read range with any row (the rest: late data). */
  arrived: (dayNo: number) => boolean;
  series: Map<string, ChannelSeries>;
  entries: Map<string, ChannelEntry>;
  options: WeeklyReportOptions;
}

export function reportContext(
  day: IsoDay,
  columns: ChannelDayColumns,
  registry: RegistrySnapshot,
  options: WeeklyReportOptions,
): ReportContext {
  const dayNo = dayNumber(day);
  if (columns.toDay !== dayNo)
    throw new RangeError(`metrics end on ${isoDay(columns.toDay)}, not the report day ${day}`);
  const metrics = buildChannelMetrics(columns);
  const missing = new Set(metrics.missingDays.map(dayNumber));
  return {
    day,
    dayNo,
    weekFromNo: dayNo - 6,
    weekDays: Array.from({ length: 7 }, (_, k) => addDays(day, k - 6)),
    metrics,
    arrived: (d) => d >= metrics.fromDay && d <= metrics.toDay && !missing.has(d),
    series: new Map(metrics.channels.map((s) => [s.channelId, s])),
    entries: new Map(registry.channels.map((entry) => [entry.channelId, entry])),
    options,
  };
}

export function channelLabel(ctx: ReportContext, channelId: string): ChannelLabel {
  const entry = ctx.entries.get(channelId);
  return entry
    ? { channelId, name: entry.name, category: entry.category, owner: entry.owner }
    : { channelId, name: channelId, category: 'unknown', owner: UNASSIGNED };
}

/**
 * The registry status a channel had on `day`, as detection reads it (`inactiveFrom`): a status holds from
 * the day it took effect, and a status set later did not hold yet. Only the current status is known: a
 * channel reactivated since counts as active on every past day.
 */
export function statusOn(
  ctx: ReportContext,
  channelId: string,
  day: IsoDay,
): 'active' | 'paused' | 'retired' {
  const entry = ctx.entries.get(channelId);
  if (!entry || entry.status === 'active') return 'active';
  return entry.statusSince === undefined || entry.statusSince <= day ? entry.status : 'active';
}

/** A day's value: null before the channel began, on a late day, or a CTR on too few sends. */
export function valueOn(
  s: ChannelSeries | undefined,
  metric: MetricName,
  d: number,
  minSendsForRatio: number,
): number | null {
  if (!s || d < s.firstDay) return null;
  const sends = s.sends[d - s.firstDay];
  if (sends === undefined || Number.isNaN(sends)) return null;
  const clicks = s.clicks[d - s.firstDay]!;
  if (metric === 'sends') return sends;
  if (metric === 'clicks') return clicks;
  return sends >= minSendsForRatio ? clicks / sends : null;
}

export interface DaySum {
  sends: number;
  clicks: number;
  /** The days summed: the channel's days that have arrived (not before it began, not late). */
  days: number;
}

/** Sums the days [from, to] (day numbers). */
export function sumDays(s: ChannelSeries | undefined, from: number, to: number): DaySum {
  let sends = 0;
  let clicks = 0;
  let days = 0;
  for (let d = from; d <= to; d++) {
    const daySends = s && d >= s.firstDay ? s.sends[d - s.firstDay] : undefined;
    if (daySends === undefined || Number.isNaN(daySends)) continue;
    sends += daySends;
    clicks += s!.clicks[d - s!.firstDay]!;
    days++;
  }
  return { sends, clicks, days };
}

export const ratio = (clicks: number, sends: number) => (sends > 0 ? clicks / sends : null);
