/**
 * Micro-bench of the seed rules (pure compute, no I/O): `npx node bench/rules-bench.ts`.
 * Prints channel-days judged per second for a 400-channel x 365-day backfill and a 100,000-channel
 * daily run (one judged day over the 56-day lookback), on random but realistic series.
 */
import { DEFAULT_DETECTION_CONFIG } from '#shared/config/detection-config.ts';
import type { ChannelDayColumns } from '#shared/domain/channel-metrics.ts';
import { configLookbackDays } from '#shared/domain/rules/config.ts';
import { runRules } from '#shared/domain/rules/index.ts';
import { buildChannelMetrics } from '#shared/domain/series.ts';
import { dayNumber, isoDay } from '#shared/time/seoul.ts';

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Weekly, steady and bursty channels with outages (missing rows) and a few spikes and drops. */
function columns(channels: number, fromDay: number, toDay: number, seed: number): ChannelDayColumns {
  const random = prng(seed);
  const days = toDay - fromDay + 1;
  const capacity = channels * days;
  const channel = new Int32Array(capacity);
  const day = new Int32Array(capacity);
  const sends = new Float64Array(capacity);
  const clicks = new Float64Array(capacity);
  let rows = 0;
  for (let c = 0; c < channels; c++) {
    const kind = c % 3;
    const base = 200 + random() * 20_000;
    const rate = 0.01 + random() * 0.08;
    for (let d = fromDay; d <= toDay; d++) {
      if (random() < 0.01) continue;
      const weekday = (d + 4) % 7;
      let x = base;
      if (kind === 0) x *= weekday === 0 || weekday === 6 ? 0.3 : 1;
      else if (kind === 2) x *= random() < 0.3 ? 3 : 0.2;
      x *= 0.85 + random() * 0.3;
      if (random() < 0.005) x *= random() < 0.5 ? 0.2 : 4;
      const s = Math.round(x);
      channel[rows] = c;
      day[rows] = d;
      sends[rows] = s;
      clicks[rows] = Math.round(s * rate * (0.8 + random() * 0.4));
      rows++;
    }
  }
  return {
    fromDay,
    toDay,
    channelIds: Array.from({ length: channels }, (_, c) => `ch-${String(c).padStart(6, '0')}`),
    channelTypes: Array.from({ length: channels }, (_, c) => (c % 2 ? 'push' : 'alimtalk')),
    seenBefore: new Uint8Array(channels).fill(1),
    channel: channel.subarray(0, rows),
    day: day.subarray(0, rows),
    sends: sends.subarray(0, rows),
    clicks: clicks.subarray(0, rows),
  };
}

function bench(label: string, channels: number, judgedDays: number): void {
  const to = dayNumber('2026-11-21');
  const from = to - judgedDays + 1;
  const loadedFrom = from - configLookbackDays(DEFAULT_DETECTION_CONFIG);
  const input = columns(channels, loadedFrom, to, 1);
  const range = { from: isoDay(from), to: isoDay(to) };
  let best = Number.POSITIVE_INFINITY;
  let bestBuild = Number.POSITIVE_INFINITY;
  let findings = 0;
  for (let round = 0; round < 5; round++) {
    const t0 = performance.now();
    const metrics = buildChannelMetrics(input);
    const t1 = performance.now();
    const run = runRules(metrics, range, DEFAULT_DETECTION_CONFIG);
    const t2 = performance.now();
    bestBuild = Math.min(bestBuild, t1 - t0);
    best = Math.min(best, t2 - t1);
    findings = run.findings.length;
  }
  const judged = channels * judgedDays;
  const loaded = channels * (to - loadedFrom + 1);
  console.log(
    `${label}: ${channels} channels x ${judgedDays} judged days (${loaded.toLocaleString('en')} channel-days loaded): ` +
      `build ${bestBuild.toFixed(0)} ms, rules ${best.toFixed(0)} ms = ` +
      `${Math.round(judged / (best / 1000)).toLocaleString('en')} judged channel-days/s, ` +
      `${Math.round(loaded / (best / 1000)).toLocaleString('en')} loaded channel-days/s; ${findings} findings`,
  );
}

bench('backfill', 400, 365);
bench('daily', 100_000, 1);
