/**
 * Injected incidents of the realistic model. Each family gets the incidents that break it in real fleets:
 * outages that are total or partial (5-40% of the audience still served), some of them deliberately
 * starting on a holiday, bridge or catch-up day; spikes; CTR drops; a stuck job sending everything twice
 * (`duplicate_send`); slow declines and level drops. Incidents are kept apart, and out of the windows the
 * channel's lifecycle reserved, so each label means one thing.
 */
import { type CalendarDay, isCalendarEffectDay } from './calendar-days.ts';
import { CAMPAIGN_FAMILIES, type Shape } from './families.ts';
import { HISTORY_BEFORE_INCIDENT } from './incidents-legacy.ts';
import { labeler } from './labels.ts';
import { type DayPlan, typicalSends } from './plan.ts';
import type { Random } from './random.ts';
import type { Family, IncidentType, SampleIncident } from './types.ts';

type Mix = Partial<Record<IncidentType, number>>;

const REGULAR_MIX: Mix = {
  outage: 0.3,
  spike: 0.18,
  ctr_drop: 0.18,
  decline: 0.1,
  level_drop: 0.14,
  duplicate_send: 0.1,
};
const INCIDENT_MIX: Record<Family, Mix> = {
  weekly: REGULAR_MIX,
  steady: REGULAR_MIX,
  monthly: REGULAR_MIX,
  billing: { outage: 0.3, duplicate_send: 0.3, spike: 0.1, ctr_drop: 0.15, level_drop: 0.1, decline: 0.05 },
  bursty: { outage: 0.34, spike: 0.4, ctr_drop: 0.2, duplicate_send: 0.06 },
  scheduled: { outage: 0.45, ctr_drop: 0.3, spike: 0.15, duplicate_send: 0.1 },
  noisy: { outage: 0.5, spike: 0.5 },
  low_volume: { outage: 0.55, spike: 0.45 },
};

/** Share of outages that leave part of the audience served. */
const PARTIAL_OUTAGE_SHARE = 0.45;
/** Share of outages placed on a holiday, bridge or catch-up day on purpose (holiday recall is measured). */
const CALENDAR_OUTAGE_SHARE = 0.15;
/** Spike factors against the day's plan (noisy: 3-8x the same-weekday history). */
const SPIKE: Record<'noisy' | 'low_volume' | 'other', [number, number]> = {
  noisy: [3, 8],
  low_volume: [3, 6],
  other: [2.5, 6],
};
/** Clicks a day below which a CTR drop cannot be seen: the incident becomes an outage. */
const MIN_CLICKS_FOR_CTR_DROP = 30;

export interface InjectContext {
  shape: Shape;
  plan: DayPlan;
  calendar: CalendarDay[];
  first: number;
  rate: number;
  /** Windows reserved by the channel's lifecycle (a pause, a recorded change). */
  taken: [number, number][];
}

/** Places incidents on the plan (mutating it) and returns their labels. */
export function injectIncidents(context: InjectContext, random: Random): SampleIncident[] {
  const { shape, plan, calendar, rate } = context;
  const { channel } = shape;
  const family = channel.family;
  const campaign = CAMPAIGN_FAMILIES.has(family);
  const label = labeler(shape, calendar, context.first);
  const labels: SampleIncident[] = [];
  const earliest = plan.startIndex + HISTORY_BEFORE_INCIDENT;
  const latest = plan.endIndex - 3;
  if (latest <= earliest) return labels;
  const active = plan.endIndex - plan.startIndex + 1;
  const wanted = random.poisson((rate * active) / 365);
  const taken = [...context.taken];
  const free = (from: number, to: number) => taken.every(([a, b]) => to < a || from > b);
  const typical = typicalSends(plan);
  // An incident hits a day the channel planned to send on at about its usual volume.
  const eligible = (i: number) => (campaign ? plan.sending[i]! : plan.mean[i]! >= typical * 0.3);
  const calendarStarts: number[] = [];
  for (let i = earliest; i <= latest; i++)
    if (isCalendarEffectDay(calendar[i]!) && eligible(i)) calendarStarts.push(i);
  // The run of planned campaign days from `start`, at most `days` long.
  const runFrom = (start: number, days: number) => {
    let to = start;
    while (to - start + 1 < days && to + 1 <= latest && (!campaign || plan.sending[to + 1])) to++;
    return to;
  };
  let lastingPlaced = false;

  for (let attempt = 0, placed = 0; placed < wanted && attempt < wanted * 20; attempt++) {
    let type = random.weighted(INCIDENT_MIX[family] as Record<IncidentType, number>);
    if (type === 'ctr_drop' && typical * channel.baseCtr < MIN_CLICKS_FOR_CTR_DROP) type = 'outage';
    if ((type === 'decline' || type === 'level_drop') && (lastingPlaced || campaign)) type = 'spike';
    const onCalendar = type === 'outage' && calendarStarts.length > 0 && random.chance(CALENDAR_OUTAGE_SHARE);
    const start = onCalendar ? random.pick(calendarStarts) : random.int(earliest, latest);
    const lastingType = type === 'decline' || type === 'level_drop';
    if (!lastingType && !eligible(start)) continue;

    const from = start;
    let to = start;
    let factor = 0;
    let ctrFactor = 1;
    let partial: boolean | undefined;
    let lasting = false;
    switch (type) {
      case 'outage':
        partial = random.chance(PARTIAL_OUTAGE_SHARE);
        factor = partial ? random.uniform(0.05, 0.4) : 0;
        to = runFrom(start, random.int(1, 3));
        break;
      case 'spike': {
        const [low, high] = SPIKE[family === 'noisy' || family === 'low_volume' ? family : 'other'];
        factor = random.uniform(low, high);
        ctrFactor = 0.8;
        to = runFrom(start, random.chance(0.3) ? 2 : 1);
        break;
      }
      case 'ctr_drop':
        factor = family === 'scheduled' ? random.uniform(0.15, 0.45) : random.uniform(0.25, 0.55);
        to = runFrom(start, random.int(2, 7));
        break;
      case 'duplicate_send':
        // A stuck job sends the day's batch twice: about twice the sends, about half the CTR.
        factor = random.uniform(1.8, 2.3);
        ctrFactor = random.uniform(0.4, 0.6);
        to = runFrom(start, random.int(1, 2));
        break;
      case 'decline':
        to = Math.min(plan.endIndex, start + random.int(21, 42));
        factor = random.uniform(0.35, 0.6);
        lasting = true;
        break;
      case 'level_drop':
        factor = random.uniform(0.3, 0.6);
        lasting = true;
        break;
      default:
    }
    const guardFrom = from - 14;
    const guardTo = lasting ? plan.endIndex : to + 28;
    if (!free(guardFrom, guardTo)) continue;
    taken.push([guardFrom, guardTo]);
    if (lasting) lastingPlaced = true;
    placed++;

    for (let i = from; i <= (lasting ? plan.endIndex : to); i++) {
      if (type === 'ctr_drop') plan.ctr[i]! *= factor;
      else if (type === 'decline')
        plan.mean[i]! *= i <= to ? 1 - ((1 - factor) * (i - from + 1)) / (to - from + 1) : factor;
      else if (type === 'spike') {
        plan.mean[i] = Math.max(plan.mean[i]!, typical * 0.5) * factor;
        plan.ctr[i]! *= ctrFactor;
      } else {
        plan.mean[i]! *= factor;
        plan.ctr[i]! *= ctrFactor;
      }
    }
    labels.push(label({ type, from, to, factor, lasting, ...(partial !== undefined ? { partial } : {}) }));
  }
  return labels;
}
