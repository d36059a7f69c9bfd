/** Small generated inputs for the rule tests: rows -> columns -> dense metrics, as the adapters hand them over. */
import type { ChannelMetrics } from '#shared/domain/channel-metrics.ts';
import { buildChannelMetrics } from '#shared/domain/series.ts';
import type { ChannelDayColumns } from '#shared/ports/metrics-source.ts';
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
