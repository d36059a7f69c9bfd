/**
 * What each channel did on the calendar's unusual days of the past year, and what channels of its
 * kind did: the expectation a holiday, a bridge day or a catch-up day moves by. A channel's own
 * history weighs more the more of it there is; until then the channels of its type and category
 * speak for it; before any of them has seen such a day, a cautious prior does.
 *
 * A day's response is its log sends against the median of the same weekday in the weeks before
 * (ordinary, arrived days only): local, so learning it needs no fitted baseline and costs a few
 * lookups per channel per unusual day.
 */
import type { AlertPolicyConfig } from '#shared/domain/alert-policy/config.ts';
import type { ChannelSeries } from '#shared/domain/channel-metrics.ts';
import { median } from '#shared/domain/order-statistics.ts';
import { CALENDAR_KINDS, type CalendarKind, FALLBACK_KIND, KIND_INDEX } from './calendar.ts';

/** One channel's responses to past unusual days, in day order. */
export interface CalendarSamples {
  days: Int32Array;
  kinds: Uint8Array;
  responses: Float64Array;
}

/** How far a kind of day moves a channel's expectation (log scale), and how sure that is. */
export interface CalendarEffect {
  shift: number;
  /** Robust sd of the shift: added to the day's spread. */
  spread: number;
  /** Own past days of this kind the estimate rests on. */
  ownDays: number;
}

/** Same-weekday references a response is measured against, and how far back they may come from. */
const REFERENCE_WEEKS = 4;
const REFERENCE_LOOKBACK_WEEKS = 8;

const buffer = new Float64Array(REFERENCE_WEEKS);

/** Days of history that learning a day's calendar effect reads: the remembered year, and its references. */
export function calendarMemoryDays(config: AlertPolicyConfig['holidays']): number {
  return config.historyDays + 7 * REFERENCE_LOOKBACK_WEEKS;
}
let pooledBuffer = new Float64Array(256);

/** A channel whose series is this often silent is a campaign channel: its responses say nothing. */
const MAX_ZERO_SHARE = 0.25;

/**
 * The channel's responses on the unusual days of [from, to] (day numbers). `ordinary(dayNo)` is false
 * for late and unusual days, which never serve as references.
 */
export function calendarSamples(
  series: ChannelSeries,
  unusualDays: readonly { dayNo: number; kind: CalendarKind }[],
  ordinary: (dayNo: number) => boolean,
): CalendarSamples {
  const { sends, firstDay } = series;
  const end = firstDay + sends.length - 1;
  const days: number[] = [];
  const kinds: number[] = [];
  const responses: number[] = [];
  for (const { dayNo: d, kind } of unusualDays) {
    if (d < firstDay || d > end) continue;
    const value = sends[d - firstDay]!;
    if (Number.isNaN(value)) continue;
    let n = 0;
    let zeros = 0;
    for (let w = 1; w <= REFERENCE_LOOKBACK_WEEKS && n < REFERENCE_WEEKS; w++) {
      const j = d - 7 * w;
      if (j < firstDay) break;
      const ref = sends[j - firstDay]!;
      if (Number.isNaN(ref) || !ordinary(j)) continue;
      if (ref === 0) zeros++;
      buffer[n++] = Math.log(ref + 1);
    }
    if (n < 2 || zeros / n > MAX_ZERO_SHARE) continue;
    days.push(d);
    kinds.push(KIND_INDEX[kind]);
    responses.push(Math.log(value + 1) - median(buffer, n));
  }
  if (days.length === 0) return NO_SAMPLES;
  return {
    days: Int32Array.from(days),
    kinds: Uint8Array.from(kinds),
    responses: Float64Array.from(responses),
  };
}

/** A channel with no responses yet (most channels on most days): one shared, empty record. */
const NO_SAMPLES: CalendarSamples = {
  days: new Int32Array(0),
  kinds: new Uint8Array(0),
  responses: new Float64Array(0),
};

const MAD_TO_SD = 1.4826;

/** Median and robust sd of the first `n` values of a scratch buffer (reordered). */
function centreAndSpread(values: Float64Array, n: number): { centre: number; spread: number } {
  const centre = median(values, n);
  for (let k = 0; k < n; k++) values[k] = Math.abs(values[k]! - centre);
  return { centre, spread: MAD_TO_SD * median(values, n) };
}

/**
 * Every channel's responses by group (channel type and category), to estimate a channel's effect
 * from its peers until it has a history of its own.
 */
export class CalendarMemory {
  readonly #config: AlertPolicyConfig['holidays'];
  readonly #groups = new Map<string, CalendarSamples[]>();
  readonly #pooled = new Map<string, { centre: number; spread: number; n: number }>();

  constructor(config: AlertPolicyConfig['holidays']) {
    this.#config = config;
  }

  add(group: string, samples: CalendarSamples): void {
    if (samples.days.length === 0) return;
    const list = this.#groups.get(group);
    if (list) list.push(samples);
    else this.#groups.set(group, [samples]);
  }

  /** The group's responses to `kind` in the year before `dayNo`: median and spread (cached). */
  #pooledEffect(group: string, kind: number, dayNo: number) {
    const key = `${group}|${kind}|${dayNo}`;
    let pooled = this.#pooled.get(key);
    if (pooled) return pooled;
    const from = dayNo - this.#config.historyDays;
    let n = 0;
    for (const samples of this.#groups.get(group) ?? [])
      for (let k = 0; k < samples.days.length; k++) {
        const d = samples.days[k]!;
        if (d >= dayNo) break;
        if (d < from || samples.kinds[k] !== kind) continue;
        if (n === pooledBuffer.length) {
          const grown = new Float64Array(2 * n);
          grown.set(pooledBuffer);
          pooledBuffer = grown;
        }
        pooledBuffer[n++] = samples.responses[k]!;
      }
    pooled =
      n >= this.#config.minPooledDays
        ? { ...centreAndSpread(pooledBuffer, n), n }
        : { centre: 0, spread: 0, n };
    this.#pooled.set(key, pooled);
    return pooled;
  }

  /** The expected shift of `kind` for a channel of `group` on `dayNo`, from its own `samples` and its peers'. */
  effect(group: string, own: CalendarSamples, kind: CalendarKind, dayNo: number): CalendarEffect {
    const config = this.#config;
    const k = KIND_INDEX[kind];
    const pooled = this.#pooledEffect(group, k, dayNo);
    const fallback = FALLBACK_KIND[kind];
    if (pooled.n < config.minPooledDays && fallback) return this.effect(group, own, fallback, dayNo);
    const prior = config.prior[kind as keyof typeof config.prior];
    // Peers when they have seen the kind often enough, else the prior (a cautious guess, wide).
    const peerShift = pooled.n >= config.minPooledDays ? pooled.centre : Math.log(prior.factor);
    const peerSpread = pooled.n >= config.minPooledDays ? pooled.spread : config.priorSpread;
    const from = dayNo - config.historyDays;
    let n = 0;
    for (let j = 0; j < own.days.length; j++) {
      const d = own.days[j]!;
      if (d >= dayNo) break;
      if (d >= from && own.kinds[j] === k) buffer4(n++, own.responses[j]!);
    }
    const weight = config.priorWeight;
    if (n === 0) return { shift: peerShift, spread: Math.max(config.minSpread, peerSpread), ownDays: 0 };
    const mine = centreAndSpread(ownBuffer, n);
    // Three days at least before a channel's own spread means anything.
    const ownSpread = n >= 3 ? mine.spread : peerSpread;
    return {
      shift: (n * mine.centre + weight * peerShift) / (n + weight),
      spread: Math.max(config.minSpread, (n * ownSpread + weight * peerSpread) / (n + weight)),
      ownDays: n,
    };
  }
}

let ownBuffer = new Float64Array(32);
function buffer4(at: number, value: number): void {
  if (at === ownBuffer.length) {
    const grown = new Float64Array(2 * at);
    grown.set(ownBuffer);
    ownBuffer = grown;
  }
  ownBuffer[at] = value;
}

export { CALENDAR_KINDS };
