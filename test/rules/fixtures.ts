/** Small generated inputs for the rule tests: rows -> columns -> dense metrics, as the adapters hand them over. */
import { detectionConfigSchema } from '#shared/config/detection-config.ts';
import { parseConfig } from '#shared/config/load.ts';
import type { ChannelDayColumns, ChannelMetrics } from '#shared/domain/channel-metrics.ts';
import { runRules } from '#shared/domain/rules/index.ts';
import { buildChannelMetrics } from '#shared/domain/series.ts';
import { isoDay } from '#shared/time/seoul.ts';
import type { Row } from './reference.ts';

export function toColumns(
  rows: Row[],
  loaded: { from: number; to: number },
  seenBefore: Set<string> = new Set(),
): ChannelDayColumns {
  const channelIds = [...new Set([...rows.map((r) => r.channelId), ...seenBefore])];
  const index = new Map(channelIds.map((id, i) => [id, i]));
  return {
    fromDay: loaded.from,
    toDay: loaded.to,
    channelIds,
    channelTypes: channelIds.map(() => 'push'),
    seenBefore: Uint8Array.from(channelIds.map((id) => (seenBefore.has(id) ? 1 : 0))),
    channel: Int32Array.from(rows.map((r) => index.get(r.channelId)!)),
    day: Int32Array.from(rows.map((r) => r.day)),
    sends: Float64Array.from(rows.map((r) => r.sends)),
    clicks: Float64Array.from(rows.map((r) => r.clicks)),
  };
}

export function toMetrics(
  rows: Row[],
  loaded: { from: number; to: number },
  seenBefore: Set<string> = new Set(),
): ChannelMetrics {
  return buildChannelMetrics(toColumns(rows, loaded, seenBefore));
}

/**
 * Rows of one channel from `firstDay`, one per value: a number is that day's sends (clicks from
 * `clickRate`), a pair is [sends, clicks], null leaves the day without a row (an outage: dense zero).
 */
export function channelRows(
  channelId: string,
  firstDay: number,
  values: Array<number | [number, number] | null>,
  clickRate = 0.05,
): Row[] {
  const rows: Row[] = [];
  values.forEach((value, k) => {
    if (value === null) return;
    const [sends, clicks] = Array.isArray(value) ? value : [value, Math.round(value * clickRate)];
    rows.push({ channelId, day: firstDay + k, sends, clicks });
  });
  return rows;
}

/** Deterministic PRNG (mulberry32) for generated series. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const DAY0 = 20_458; // 2026-01-05, a Monday

export interface ChannelCase {
  /** Per day from DAY0 (see `channelRows`). */
  values: Array<number | [number, number] | null>;
  clickRate?: number;
  /** Day indexes with no data at all (late): neither this channel nor any other has a row. */
  late?: number[];
  /** Config file content (`{ rules, channels }`); the channel under test is `c1`. */
  config?: unknown;
  /** Day indexes judged, inclusive (default: the last day). */
  judge?: [number, number];
}

/**
 * Runs the rules on one channel `c1`, next to a steady `beacon` channel that has a row every day that
 * is not late (so a day without a `c1` row is an outage, not late data). Returns the run and c1's findings.
 */
export function runChannel(c: ChannelCase) {
  const late = new Set((c.late ?? []).map((k) => DAY0 + k));
  const rows = channelRows('c1', DAY0, c.values, c.clickRate).filter((r) => !late.has(r.day));
  for (let k = 0; k < c.values.length; k++)
    if (!late.has(DAY0 + k)) rows.push({ channelId: 'beacon', day: DAY0 + k, sends: 1000, clicks: 100 });
  const loaded = { from: DAY0, to: DAY0 + c.values.length - 1 };
  const [from, to] = c.judge ?? [c.values.length - 1, c.values.length - 1];
  const config = parseConfig(detectionConfigSchema, c.config ?? {});
  const range = { from: isoDay(DAY0 + from), to: isoDay(DAY0 + to) };
  const result = runRules(toMetrics(rows, loaded), range, config);
  return { run: result, findings: result.findings.filter((f) => f.channelId === 'c1') };
}

/** `pattern` repeated for `weeks` weeks. */
export function weeks(pattern: number[], count: number): number[] {
  return Array.from({ length: count }, () => pattern).flat();
}
