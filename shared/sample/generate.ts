/**
 * The labeled sample: a Korean app's CRM channels (alimtalk, push, sms) over a year or more, with the
 * shapes real sends have, Korean holidays, channels that start, stop, pause and change mid-sample, and
 * injected incidents written out as labels, plus the registry's view of each channel. Pure and seeded:
 * every channel draws from its own random streams, one per purpose, so adding channels never changes the
 * others, and a channel's draws depend only on its family and seed.
 *
 * The default (`model: 'legacy'`, `LEGACY_MIX`) is the first benchmark byte for byte; pass `families`
 * (e.g. `REALISTIC_MIX`) for the realistic model (see `types.ts`).
 */
import type { ChannelFacts } from '#shared/domain/channel-facts.ts';
import type { ChannelDayColumns } from '#shared/domain/channel-metrics.ts';
import { dayNumber, isoDay } from '#shared/time/seoul.ts';
import { calendarDays } from './calendar-days.ts';
import { drawCalendarResponse } from './calendar-response.ts';
import { drawFamily, drawShape, LEGACY_MIX, type Shape } from './families.ts';
import { injectIncidents } from './incidents.ts';
import { injectLegacyIncidents } from './incidents-legacy.ts';
import { applyLifecycle } from './lifecycle.ts';
import { type DayPlan, planLegacyDays, planRealisticDays } from './plan.ts';
import { mixSeed, Random } from './random.ts';
import type {
  GenerateSampleOptions,
  PlannedChange,
  Sample,
  SampleChannel,
  SampleIncident,
  SampleModel,
} from './types.ts';

export { CAMPAIGN_FAMILIES, LEGACY_MIX, REALISTIC_MIX } from './families.ts';
export type {
  ChannelCategory,
  ChannelPattern,
  Family,
  GenerateSampleOptions,
  IncidentType,
  PlannedChange,
  Sample,
  SampleChannel,
  SampleIncident,
  SampleModel,
} from './types.ts';
export { FAMILIES, INCIDENT_TYPES } from './types.ts';

export const SAMPLE_DEFAULTS = { channels: 400, days: 365, seed: 1, endDay: '2026-10-31', incidentRate: 0.6 };

/** Each channel's random streams, one per purpose (the first five are the first benchmark's). */
const STREAM = { shape: 1, plan: 2, incidents: 3, draw: 4, arrival: 5, lifecycle: 6, calendar: 7 };
/** Share of a partly arrived day's rows that have landed. */
const PARTIAL_DAY_ARRIVED = 0.4;
/** Highest CTR a day may draw. */
const MAX_CTR = 0.9;

interface ChannelOutcome {
  shape: Shape;
  plan: DayPlan;
  incidents: SampleIncident[];
  changes: PlannedChange[];
  facts: ChannelFacts;
}

/** Generates the sample: columns (every row), channels, incident labels and registry facts. */
export function generateSample(options: GenerateSampleOptions = {}): Sample {
  const count = options.channels ?? SAMPLE_DEFAULTS.channels;
  const days = options.days ?? SAMPLE_DEFAULTS.days;
  const seed = options.seed ?? SAMPLE_DEFAULTS.seed;
  const last = dayNumber(options.endDay ?? SAMPLE_DEFAULTS.endDay);
  const first = last - days + 1;
  const rate = options.incidentRate ?? SAMPLE_DEFAULTS.incidentRate;
  const partial = new Set((options.partialDays ?? []).map(dayNumber));
  const model: SampleModel = options.model ?? (options.families ? 'realistic' : 'legacy');
  const mix = options.families ?? LEGACY_MIX;
  const noise = options.noise ?? true;

  const calendar = calendarDays(first, last);
  const rowChannel: number[] = [];
  const rowDay: number[] = [];
  const rowSends: number[] = [];
  const rowClicks: number[] = [];
  const channels: SampleChannel[] = [];
  const incidents: SampleIncident[] = [];
  const changes: PlannedChange[] = [];
  const facts = new Map<string, ChannelFacts>();

  for (let index = 0; index < count; index++) {
    const stream = (purpose: number) => new Random(mixSeed(seed, index, purpose));
    const shapeRandom = stream(STREAM.shape);
    const family = drawFamily(shapeRandom, mix);
    if (model === 'legacy' && !(family in LEGACY_MIX))
      throw new RangeError(`families: ${family} exists only in the realistic model`);
    const shape = drawShape(shapeRandom, family, index, first, last);
    const outcome =
      model === 'legacy'
        ? legacyChannel(shape, calendar, first, rate, stream)
        : realisticChannel(shape, calendar, first, rate, stream);
    channels.push(shape.channel);
    incidents.push(...outcome.incidents);
    changes.push(...outcome.changes);
    facts.set(shape.channel.channelId, outcome.facts);

    const { plan } = outcome;
    const draw = stream(STREAM.draw);
    const arrival = stream(STREAM.arrival);
    for (let i = 0; i < plan.mean.length; i++) {
      let sends: number;
      let clicks: number;
      if (noise) {
        sends = draw.poisson(plan.mean[i]! * draw.lognormalFactor(shape.noiseSigma));
        clicks = draw.binomial(sends, Math.min(MAX_CTR, plan.ctr[i]! * draw.lognormalFactor(shape.ctrSigma)));
      } else {
        sends = Math.round(plan.mean[i]!);
        clicks = Math.round(sends * Math.min(MAX_CTR, plan.ctr[i]!));
      }
      const dayNo = first + i;
      const arrived = !partial.has(dayNo) || arrival.chance(PARTIAL_DAY_ARRIVED);
      if (sends > 0 && arrived) {
        rowChannel.push(index);
        rowDay.push(dayNo);
        rowSends.push(sends);
        rowClicks.push(clicks);
      }
    }
  }

  const order = rowDay
    .map((_, i) => i)
    .sort((a, b) => rowDay[a]! - rowDay[b]! || rowChannel[a]! - rowChannel[b]!);
  const columns: ChannelDayColumns = {
    fromDay: first,
    toDay: last,
    channelIds: channels.map((c) => c.channelId),
    channelTypes: channels.map((c) => c.channelType),
    seenBefore: new Uint8Array(count),
    channel: Int32Array.from(order, (i) => rowChannel[i]!),
    day: Int32Array.from(order, (i) => rowDay[i]!),
    sends: Float64Array.from(order, (i) => rowSends[i]!),
    clicks: Float64Array.from(order, (i) => rowClicks[i]!),
  };
  return {
    from: isoDay(first),
    to: isoDay(last),
    seed,
    model,
    columns,
    channels,
    incidents,
    changes,
    facts,
    partialDays: [...partial].sort((a, b) => a - b).map(isoDay),
  };
}

type Streams = (purpose: number) => Random;

function legacyChannel(
  shape: Shape,
  calendar: ReturnType<typeof calendarDays>,
  first: number,
  rate: number,
  stream: Streams,
): ChannelOutcome {
  const plan = planLegacyDays(shape, calendar, first, stream(STREAM.plan));
  const incidents = injectLegacyIncidents(shape, plan, calendar, first, rate, stream(STREAM.incidents));
  const facts: ChannelFacts = { category: shape.channel.category, status: 'active' };
  return { shape, plan, incidents, changes: [], facts };
}

function realisticChannel(
  shape: Shape,
  calendar: ReturnType<typeof calendarDays>,
  first: number,
  rate: number,
  stream: Streams,
): ChannelOutcome {
  const response = drawCalendarResponse(stream(STREAM.calendar), shape.channel.category);
  const plan = planRealisticDays(shape, response, calendar, first, stream(STREAM.plan));
  const lifecycle = applyLifecycle(shape, plan, calendar, first, stream(STREAM.lifecycle));
  const injected = injectIncidents(
    { shape, plan, calendar, first, rate, taken: lifecycle.taken },
    stream(STREAM.incidents),
  );
  const incidents = [...lifecycle.labels, ...injected].sort((a, b) => (a.from < b.from ? -1 : 1));
  return { shape, plan, incidents, changes: lifecycle.changes, facts: lifecycle.facts };
}
