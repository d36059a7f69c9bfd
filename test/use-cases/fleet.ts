import type { ChannelDayRow } from '#shared/domain/channel-metrics.ts';
import { addDays, type IsoDay, weekday } from '#shared/time/seoul.ts';

/**
 * The channels the use-case tests judge, built here rather than taken from a sample seed: steady
 * channels (`alimtalk_0000`, `alimtalk_0001`, ...), each with its own size, weekday shape and CTR,
 * and a few percent of day-to-day noise, so the only anomalies are the ones a test puts in.
 */
export interface FleetOptions {
  channels: number;
  days: number;
  endDay: IsoDay;
  /** Channel index -> day -> share of the usual sends that day (0.1: a partial outage). */
  incidents?: Record<number, Record<IsoDay, number>>;
}

export const channelName = (index: number) => `alimtalk_${String(index).padStart(4, '0')}`;

/** A repeatable number in [0, 1) for a channel and a day. */
function noise(channel: number, day: number): number {
  let x = (channel * 2_654_435_761 + day * 40_503 + 12_345) >>> 0;
  x ^= x >>> 15;
  x = Math.imul(x, 2_246_822_519) >>> 0;
  x ^= x >>> 13;
  return (x >>> 0) / 2 ** 32;
}

export function steadyFleet(options: FleetOptions): ChannelDayRow[] {
  const from = addDays(options.endDay, -(options.days - 1));
  const rows: ChannelDayRow[] = [];
  for (let c = 0; c < options.channels; c++) {
    const level = 3_000 + 700 * c;
    const weekend = 0.6 + 0.02 * (c % 10);
    const ctr = 0.03 + 0.002 * (c % 7);
    for (let d = 0; d < options.days; d++) {
      const dt = addDays(from, d);
      const shape = weekday(dt) === 0 || weekday(dt) === 6 ? weekend : 1;
      const share = options.incidents?.[c]?.[dt] ?? 1;
      const sends = Math.round(level * shape * (0.96 + 0.08 * noise(c, d)) * share);
      const clicks = Math.round(sends * ctr * (0.93 + 0.14 * noise(c + 1_000, d)));
      rows.push({ dt, channelId: channelName(c), channelType: 'alimtalk', sends, clicks });
    }
  }
  return rows;
}
