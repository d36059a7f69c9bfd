/**
 * The first benchmark's incidents, unchanged (legacy model): total outages, spikes, CTR drops, slow
 * declines, level drops, and a stop before the sample's end labeled as a lasting drop.
 */
import type { CalendarDay } from './calendar-days.ts';
import type { Shape } from './families.ts';
import { type IncidentLabel, labeler } from './labels.ts';
import type { DayPlan } from './plan.ts';
import type { Random } from './random.ts';
import type { IncidentType, SampleIncident } from './types.ts';

const INCIDENT_MIX: Partial<Record<IncidentType, number>> = {
  outage: 0.34,
  spike: 0.2,
  ctr_drop: 0.2,
  decline: 0.11,
  level_drop: 0.15,
};

/** Incidents need six weeks of history before them (the rules' baselines). */
export const HISTORY_BEFORE_INCIDENT = 42;

/** Places incidents on the plan (mutating it) and returns their labels. */
export function injectLegacyIncidents(
  shape: Shape,
  plan: DayPlan,
  calendar: CalendarDay[],
  first: number,
  rate: number,
  random: Random,
): SampleIncident[] {
  const { channel } = shape;
  const burst = channel.pattern === 'bursty';
  const label: IncidentLabel = labeler(shape, calendar, first);
  const labels: SampleIncident[] = [];

  // Retirement is a lasting stop: the owner should hear once that the channel went silent.
  const retired = plan.endIndex < plan.mean.length - 1;
  if (retired)
    labels.push(
      label({ type: 'level_drop', from: plan.endIndex + 1, factor: 0, lasting: true, note: 'retired' }),
    );

  const earliest = plan.startIndex + HISTORY_BEFORE_INCIDENT;
  const latest = plan.endIndex - 3;
  if (latest <= earliest) return labels;
  const active = plan.endIndex - plan.startIndex + 1;
  const wanted = random.poisson((rate * active) / 365);
  const taken: [number, number][] = [];
  const free = (from: number, to: number) => taken.every(([a, b]) => to < a || from > b);
  let lastingPlaced = false;
  const activeMeans = plan.mean.slice(plan.startIndex, plan.endIndex + 1).sort((a, b) => a - b);
  const typical = activeMeans[Math.floor(activeMeans.length / 2)] ?? 0;

  for (let attempt = 0, placed = 0; placed < wanted && attempt < wanted * 20; attempt++) {
    let type = random.weighted(INCIDENT_MIX as Record<IncidentType, number>);
    const clicksPerDay = typical * channel.baseCtr;
    if (type === 'ctr_drop' && clicksPerDay < 30) type = 'outage';
    if ((type === 'decline' || type === 'level_drop') && (lastingPlaced || burst)) type = 'spike';
    const start = random.int(earliest, latest);
    // On a campaign channel every incident hits a campaign day: on an off day there is nothing to break.
    if (burst && !plan.sending[start]) continue;
    if (!burst && plan.mean[start]! < typical * 0.3 && type !== 'decline' && type !== 'level_drop') continue;

    const from = start;
    let to = start;
    let factor = 0;
    let lasting = false;
    switch (type) {
      case 'outage':
        to = Math.min(latest, start + random.int(0, 2));
        factor = 0;
        break;
      case 'spike':
        to = Math.min(latest, start + (random.chance(0.3) ? 1 : 0));
        factor = random.uniform(2.5, 6);
        break;
      case 'ctr_drop':
        to = Math.min(latest, start + random.int(1, 6));
        factor = random.uniform(0.25, 0.55);
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
    // Keep incidents apart (and out of a lasting drop's settling weeks) so each label means one thing.
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
        plan.ctr[i]! *= 0.8;
      } else plan.mean[i]! *= factor;
    }
    labels.push(label({ type, from, to, factor, lasting, ...(type === 'outage' ? { partial: false } : {}) }));
  }
  return labels.sort((a, b) => (a.from < b.from ? -1 : 1));
}
