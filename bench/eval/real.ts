/**
 * Real public daily series as channels (see `real/README.md`): each series untouched (false alerts on real
 * noise, holidays and trends; the documented events are labeled: lockdowns, playoff games) and seeded copies
 * with injected partial outages, spikes and temporary level drops (recall). Clicks are a seeded binomial
 * at a fixed CTR. Everything but reading the three small files is pure.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_ALERT_POLICY_CONFIG } from '#shared/config/alert-policy-config.ts';
import { policyHistoryDays } from '#shared/domain/alert-policy/index.ts';
import type { ChannelDayColumns } from '#shared/domain/channel-metrics.ts';
import { mixSeed, Random } from '#shared/sample/random.ts';
import { dayNumber, isoDay } from '#shared/time/seoul.ts';
import { WARM_UP_DAYS } from './benchmark.ts';
import type { LabeledIncident, Labels } from './score.ts';

export const REAL_SERIES = ['wp_peyton_manning', 'wp_r', 'pedestrians_covid'] as const;
export type RealSeriesName = (typeof REAL_SERIES)[number];

/** Families the scorer sees: the untouched series, and the copies with injected incidents. */
export const REAL_FAMILY = { untouched: 'real', injected: 'real_injected' } as const;

const CTR = 0.03;
/** Days scored from a series' first day on: the rules' and the policy's warm-up. */
export const REAL_WARM_UP_DAYS = Math.max(WARM_UP_DAYS, policyHistoryDays(DEFAULT_ALERT_POLICY_CONFIG));
/** Injected incidents start at least this long after the warm-up, and keep this far apart. */
const INJECT_AFTER_WARM_UP = 14;
const INJECT_GAP = { min: 42, extra: 35 };

/**
 * Peyton Manning's playoff games, each with the day after, as prophet's "Modeling Holidays" example
 * (`docs/_docs/seasonality,_holiday_effects,_and_regressors.md`) lists them for this very series: page
 * views jump on game days, so a page there is a real event found, not a false alert. The Super Bowls
 * that example lists apart are among these games.
 */
const PEYTON_PLAYOFFS = [
  '2008-01-13',
  '2009-01-03',
  '2010-01-16',
  '2010-01-24',
  '2010-02-07',
  '2011-01-08',
  '2013-01-12',
  '2014-01-12',
  '2014-01-19',
  '2014-02-02',
  '2015-01-11',
  '2016-01-17',
  '2016-01-24',
  '2016-02-07',
];

/**
 * Documented real anomalies: Melbourne's COVID-19 lockdowns (prophet's `docs/_docs/handling_shocks.md`)
 * and Peyton Manning's playoff games. Events outside a series' judged days are never scored.
 */
const REAL_EVENTS: Partial<
  Record<RealSeriesName, Omit<LabeledIncident, 'channelId' | 'family' | 'burst'>[]>
> = {
  wp_peyton_manning: PEYTON_PLAYOFFS.map((day) => ({
    type: 'spike',
    from: day,
    to: isoDay(dayNumber(day) + 1),
    lasting: false,
    note: 'playoff game',
  })),
  pedestrians_covid: [
    {
      type: 'level_drop',
      from: '2020-03-16',
      to: '2020-03-24',
      lasting: true,
      excusedUntil: '2020-07-06',
      note: 'first lockdown',
    },
    {
      type: 'level_drop',
      from: '2020-07-09',
      to: '2020-07-11',
      lasting: true,
      excusedUntil: '2020-11-24',
      note: 'second wave',
    },
    { type: 'level_drop', from: '2021-02-13', to: '2021-02-17', lasting: false, note: 'five-day lockdown' },
    {
      type: 'level_drop',
      from: '2021-05-28',
      to: '2021-06-10',
      lasting: false,
      note: 'fourteen-day lockdown',
    },
  ],
};

export interface RealSeries {
  name: RealSeriesName;
  /** Day number -> sends; days without a row are absent (late data, never zero). */
  sends: Map<number, number>;
  firstDay: number;
  lastDay: number;
}

export interface RealRun {
  series: RealSeriesName;
  columns: ChannelDayColumns;
  labels: Labels;
  range: { from: string; to: string };
  /** Injected copies' channel ids by the seed that placed their incidents. */
  copies: Map<string, number>;
}

export function loadRealSeries(dir = join(import.meta.dirname, 'real')): RealSeries[] {
  return REAL_SERIES.map((name) => {
    const sends = new Map<number, number>();
    for (const line of readFileSync(join(dir, `${name}.csv`), 'utf8')
      .trim()
      .split('\n')
      .slice(1)) {
      const [dt, value] = line.split(',');
      sends.set(dayNumber(dt!), Number(value));
    }
    const days = [...sends.keys()];
    return { name, sends, firstDay: Math.min(...days), lastDay: Math.max(...days) };
  });
}

/** One series and one injected copy per seed, judged together over the series' whole length. */
export function buildRealRun(series: RealSeries, seeds: readonly number[]): RealRun {
  const seriesIndex = REAL_SERIES.indexOf(series.name);
  const untouchedId = `push_${series.name}`;
  const channels: Labels['channels'][number][] = [
    { channelId: untouchedId, family: REAL_FAMILY.untouched, startDay: isoDay(series.firstDay) },
  ];
  const events = REAL_EVENTS[series.name] ?? [];
  const eventLabel = (channelId: string, family: string) =>
    events.map((event) => ({ ...event, channelId, family, burst: false }));
  const incidents: LabeledIncident[] = eventLabel(untouchedId, REAL_FAMILY.untouched);
  const values: Map<number, number>[] = [series.sends];
  const copies = new Map<string, number>();
  for (const seed of seeds) {
    const channelId = `push_${series.name}_copy${seed}`;
    const random = new Random(mixSeed(seed, seriesIndex, 1));
    const { sends, labels } = injectInto(series, channelId, events, random);
    channels.push({ channelId, family: REAL_FAMILY.injected, startDay: isoDay(series.firstDay) });
    incidents.push(...labels, ...eventLabel(channelId, REAL_FAMILY.injected));
    values.push(sends);
    copies.set(channelId, seed);
  }
  return {
    series: series.name,
    columns: toColumns(series, channels, values, seriesIndex),
    labels: { channels, incidents },
    range: { from: isoDay(series.firstDay + REAL_WARM_UP_DAYS), to: isoDay(series.lastDay) },
    copies,
  };
}

/** A copy of the series with incidents at seeded places, apart from each other and from real events. */
function injectInto(
  series: RealSeries,
  channelId: string,
  events: readonly { from: string; to: string; excusedUntil?: string }[],
  random: Random,
): { sends: Map<number, number>; labels: LabeledIncident[] } {
  const sends = new Map(series.sends);
  const labels: LabeledIncident[] = [];
  const blocked = events.map((e) => [dayNumber(e.from) - 14, dayNumber(e.excusedUntil ?? e.to) + 28]);
  let cursor = series.firstDay + REAL_WARM_UP_DAYS + INJECT_AFTER_WARM_UP;
  for (;;) {
    const start = cursor + random.int(0, INJECT_GAP.extra);
    const type = random.weighted({ outage: 0.4, spike: 0.3, level_drop: 0.3 });
    const length = type === 'outage' ? random.int(1, 3) : type === 'spike' ? 1 : random.int(14, 28);
    const factor =
      type === 'outage'
        ? random.uniform(0.05, 0.4)
        : type === 'spike'
          ? random.uniform(3, 6)
          : random.uniform(0.4, 0.6);
    const to = start + length - 1;
    if (to > series.lastDay - 3) break;
    cursor = to + INJECT_GAP.min;
    if (!sends.has(start) || blocked.some(([a, b]) => to >= a! && start <= b!)) continue;
    for (let d = start; d <= to; d++) {
      const value = sends.get(d);
      if (value !== undefined) sends.set(d, Math.round(value * factor));
    }
    labels.push({
      channelId,
      family: REAL_FAMILY.injected,
      type,
      from: isoDay(start),
      to: isoDay(to),
      lasting: false,
      burst: false,
      ...(type === 'outage' ? { partial: true } : {}),
    });
  }
  return { sends, labels };
}

function toColumns(
  series: RealSeries,
  channels: readonly { channelId: string }[],
  values: Map<number, number>[],
  seriesIndex: number,
): ChannelDayColumns {
  const channel: number[] = [];
  const day: number[] = [];
  const sends: number[] = [];
  const clicks: number[] = [];
  const randoms = values.map((_, c) => new Random(mixSeed(seriesIndex, c, 2)));
  for (let d = series.firstDay; d <= series.lastDay; d++)
    values.forEach((byDay, c) => {
      const value = byDay.get(d);
      if (value === undefined || value <= 0) return;
      channel.push(c);
      day.push(d);
      sends.push(value);
      clicks.push(randoms[c]!.binomial(value, CTR));
    });
  return {
    fromDay: series.firstDay,
    toDay: series.lastDay,
    channelIds: channels.map((c) => c.channelId),
    channelTypes: channels.map(() => 'push'),
    seenBefore: new Uint8Array(channels.length),
    channel: Int32Array.from(channel),
    day: Int32Array.from(day),
    sends: Float64Array.from(sends),
    clicks: Float64Array.from(clicks),
  };
}
