/**
 * Scores pages against the sample's labels, exactly as the detection spec's last paragraph says:
 * an incident is found when its channel pages on a day from its first day to two days after its last;
 * a page on any other day is a false alert, except the week after an incident and the weeks after a
 * lasting drop (level_drop, decline), where the baseline is disturbed. Pages near holidays count.
 */
import type { JudgedFinding } from '#shared/domain/finding.ts';
import type { IncidentType, Sample } from '#shared/domain/sample/generate.ts';
import { dayNumber } from '#shared/time/seoul.ts';

/** Days after an incident's last day whose pages are excused: a week, four for a lasting drop. */
export const EXCUSED_AFTER = { incident: 7, lasting: 28 };

export interface RecallCell {
  found: number;
  total: number;
}

export interface Score {
  /** Incidents found / labeled, by type, on regularly sending channels and on campaign-burst ones. */
  regular: Record<IncidentType, RecallCell>;
  burst: Record<IncidentType, RecallCell>;
  regularRecall: number;
  burstRecall: number;
  pages: number;
  falseAlerts: number;
  /** False alerts on days within two days of a Korean holiday (included in `falseAlerts`). */
  falseNearHoliday: number;
  channelDays: number;
  falsePerThousand: number;
  alertsPerDay: number;
  days: number;
}

const TYPES: IncidentType[] = ['outage', 'spike', 'ctr_drop', 'decline', 'level_drop'];
const emptyCells = () =>
  Object.fromEntries(TYPES.map((t) => [t, { found: 0, total: 0 }])) as Record<IncidentType, RecallCell>;

/** Channel-days paged: `channelId` -> day numbers with at least one alerting finding. */
export function pagedDays(judged: JudgedFinding[]): Map<string, Set<number>> {
  const pages = new Map<string, Set<number>>();
  for (const finding of judged) {
    if (!finding.alert) continue;
    let days = pages.get(finding.channelId);
    if (!days) {
      days = new Set();
      pages.set(finding.channelId, days);
    }
    days.add(dayNumber(finding.date));
  }
  return pages;
}

export function scorePages(
  sample: Sample,
  pages: Map<string, Set<number>>,
  range: { from: string; to: string },
  nearHoliday: (dayNo: number) => boolean = () => false,
): Score {
  const from = dayNumber(range.from);
  const to = dayNumber(range.to);
  const regular = emptyCells();
  const burst = emptyCells();
  const explained = new Map<string, Set<number>>();
  const mark = (channelId: string, a: number, b: number) => {
    let days = explained.get(channelId);
    if (!days) {
      days = new Set();
      explained.set(channelId, days);
    }
    for (let d = a; d <= b; d++) days.add(d);
  };
  for (const incident of sample.incidents) {
    const first = dayNumber(incident.from);
    const last = dayNumber(incident.to);
    const windowEnd = last + 2;
    mark(
      incident.channelId,
      first,
      last + 2 + (incident.lasting ? EXCUSED_AFTER.lasting : EXCUSED_AFTER.incident),
    );
    if (first < from || first > to) continue;
    const cell = (incident.burst ? burst : regular)[incident.type];
    cell.total++;
    const paged = pages.get(incident.channelId);
    let found = false;
    for (let d = first; d <= windowEnd && !found; d++) if (paged?.has(d)) found = true;
    if (found) cell.found++;
  }
  let pageCount = 0;
  let falseAlerts = 0;
  let falseNearHoliday = 0;
  for (const [channelId, days] of pages)
    for (const d of days) {
      if (d < from || d > to) continue;
      pageCount++;
      if (explained.get(channelId)?.has(d)) continue;
      falseAlerts++;
      if (nearHoliday(d)) falseNearHoliday++;
    }
  let channelDays = 0;
  for (const channel of sample.channels) {
    const start = Math.max(from, dayNumber(channel.startDay));
    if (start <= to) channelDays += to - start + 1;
  }
  const recall = (cells: Record<IncidentType, RecallCell>) => {
    const total = TYPES.reduce((s, t) => s + cells[t].total, 0);
    return total ? TYPES.reduce((s, t) => s + cells[t].found, 0) / total : Number.NaN;
  };
  const days = to - from + 1;
  return {
    regular,
    burst,
    regularRecall: recall(regular),
    burstRecall: recall(burst),
    pages: pageCount,
    falseAlerts,
    falseNearHoliday,
    channelDays,
    falsePerThousand: (1000 * falseAlerts) / channelDays,
    alertsPerDay: pageCount / days,
    days,
  };
}

/**
 * Regular-channel incidents the rules saw at all: some finding of rules 1-4 on the channel inside the
 * incident's window. The ceiling of the seed profile's recall (default also pages on its own baseline).
 */
export function ruleVisible(sample: Sample, findings: JudgedFinding[], range: { from: string; to: string }) {
  const seen = new Map<string, Set<number>>();
  for (const finding of findings) {
    if (finding.rule === 'low_performer') continue;
    let days = seen.get(finding.channelId);
    if (!days) {
      days = new Set();
      seen.set(finding.channelId, days);
    }
    days.add(dayNumber(finding.date));
  }
  let total = 0;
  let visible = 0;
  for (const incident of sample.incidents) {
    const first = dayNumber(incident.from);
    if (incident.burst || first < dayNumber(range.from) || first > dayNumber(range.to)) continue;
    total++;
    const days = seen.get(incident.channelId);
    for (let d = first; d <= dayNumber(incident.to) + 2; d++)
      if (days?.has(d)) {
        visible++;
        break;
      }
  }
  return { visible, total };
}

/** The incidents a profile missed or the false pages it sent, for looking into a score. */
export function misses(sample: Sample, pages: Map<string, Set<number>>, range: { from: string; to: string }) {
  const from = dayNumber(range.from);
  return sample.incidents.filter((incident) => {
    const first = dayNumber(incident.from);
    if (first < from || first > dayNumber(range.to)) return false;
    const paged = pages.get(incident.channelId);
    for (let d = first; d <= dayNumber(incident.to) + 2; d++) if (paged?.has(d)) return false;
    return true;
  });
}
