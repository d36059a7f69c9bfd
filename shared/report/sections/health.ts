import type { ChannelSeries } from '#shared/domain/channel-metrics.ts';
import { isoDay } from '#shared/time/seoul.ts';
import { HEALTH_STATUSES, type HealthRow, type HealthStatus, type WeeklyReport } from '../model.ts';
import {
  channelLabel,
  type DaySum,
  type ReportContext,
  ratio,
  statusOn,
  sumDays,
  valueOn,
} from './context.ts';

export interface Health {
  rows: HealthRow[];
  totals: WeeklyReport['totals'];
}

/**
 * One row per channel of the lake or the registry: the week against the week before, its daily sends
 * over the chart window, and one status, worst first: anomalous (an incident of it was open this week,
 * whatever its registry status), retired or paused (as of the report day), silent (active, it sent
 * on most days read before the week, up to its last send, and nothing all week: an outage the policy has
 * stopped paging for is not health), low performer (in the week's ranking), insufficient history (as the detection run said:
 * `notJudged`, else from the series), healthy.
 */
export function healthSection(
  ctx: ReportContext,
  paged: ReadonlySet<string>,
  lowPerformers: ReadonlySet<string>,
  notJudged?: ReadonlySet<string>,
): Health {
  const { dayNo, weekFromNo, options } = ctx;
  const chartFrom = dayNo - options.chartDays + 1;
  const ids = new Set([...ctx.series.keys(), ...ctx.entries.keys()]);
  const rows: HealthRow[] = [];
  for (const channelId of ids) {
    const s = ctx.series.get(channelId);
    const week = sumDays(s, weekFromNo, dayNo);
    const previous = sumDays(s, weekFromNo - 7, weekFromNo - 1);
    const registered = statusOn(ctx, channelId, ctx.day);
    const young = notJudged
      ? notJudged.has(channelId)
      : s !== undefined && s.firstDay > dayNo - options.minHistoryDays;
    let status: HealthStatus = 'healthy';
    if (paged.has(channelId)) status = 'anomalous';
    else if (registered !== 'active') status = registered;
    else if (lowPerformers.has(channelId)) status = 'low_performer';
    else if (!s || young) status = 'insufficient_history';
    const ctr = ratio(week.clicks, week.sends);
    const previousCtr = ratio(previous.clicks, previous.sends);
    const dailySends: (number | null)[] = [];
    for (let d = chartFrom; d <= dayNo; d++)
      dailySends.push(valueOn(s, 'sends', d, options.minSendsForRatio));
    // Nothing sent on any day that arrived, and most of the week arrived: a late day hides no outage.
    const quiet = week.sends === 0 && week.days >= MIN_DAYS_FOR_SILENT;
    if (status !== 'anomalous' && registered === 'active' && quiet && sentDaily(s, weekFromNo))
      status = 'silent';
    rows.push({
      ...channelLabel(ctx, channelId),
      channelType: s?.channelType ?? 'unknown',
      status,
      sends: week.sends,
      clicks: week.clicks,
      ctr,
      previousSends: previous.sends,
      previousCtr,
      sendsChange: sendsChange(week, previous),
      ctrChange: ctr !== null && previousCtr !== null ? ctr - previousCtr : null,
      dailySends,
    });
  }
  const rank = (status: HealthStatus) => HEALTH_STATUSES.indexOf(status);
  rows.sort(
    (a, b) => rank(a.status) - rank(b.status) || b.sends - a.sends || a.channelId.localeCompare(b.channelId),
  );
  // The tiles add up the table: every row's sends, retired channels' included (a retired channel that
  // still sends is a problem the total should not hide).
  const byStatus = Object.fromEntries(HEALTH_STATUSES.map((status) => [status, 0])) as Record<
    HealthStatus,
    number
  >;
  let sends = 0;
  let clicks = 0;
  for (const row of rows) {
    sends += row.sends;
    clicks += row.clicks;
    byStatus[row.status]++;
  }
  return { rows, totals: { channels: rows.length, sends, clicks, ctr: ratio(clicks, sends), byStatus } };
}

/** Days of the week that must have arrived to call a channel that sent nothing on them silent. */
const MIN_DAYS_FOR_SILENT = 5;

/**
 * The week's sends against the week before's, a day's average against a day's average: a week with a
 * late day (six days) or a channel begun mid-week is not down a seventh for it.
 */
function sendsChange(week: DaySum, previous: DaySum): number | null {
  if (previous.sends <= 0 || week.days === 0) return null;
  return week.sends / week.days / (previous.sends / previous.days) - 1;
}

/** The share of days a daily sender sends on (five days a week): a campaign channel's quiet week is no outage. */
const DAILY_SENDER_SHARE = 5 / 7;
/** Two weeks of sending at least: one campaign burst is not a daily habit. */
const MIN_SENDING_SPAN_DAYS = 14;

/**
 * Whether the channel sent on most days of what was read before `before`, up to its last send: a
 * channel that sent daily and stopped weeks ago is still a daily sender gone quiet.
 */
function sentDaily(s: ChannelSeries | undefined, before: number): boolean {
  if (!s) return false;
  let sendingDays = 0;
  let lastSend = -1;
  for (let d = s.firstDay; d < before; d++)
    if ((valueOn(s, 'sends', d, 0) ?? 0) > 0) {
      sendingDays++;
      lastSend = d;
    }
  const span = lastSend - s.firstDay + 1;
  return span >= MIN_SENDING_SPAN_DAYS && sendingDays >= DAILY_SENDER_SHARE * span;
}

/** The days the health sparklines cover, oldest first. */
export function chartDays(ctx: ReportContext): string[] {
  return Array.from({ length: ctx.options.chartDays }, (_, k) =>
    isoDay(ctx.dayNo - ctx.options.chartDays + 1 + k),
  );
}
