/**
 * Scores pages against labels, exactly as the detection spec's last paragraph says: an incident is found
 * when its channel pages on a day from its first day to two days after its last; a page on any other day
 * is a false alert, except the week after an incident and the four weeks after a lasting drop (level_drop,
 * decline, a stop), where the baseline is disturbed. A recorded change is no incident: pages in its first
 * week are false, and the four weeks after that week are excused like a lasting drop's. Pages near
 * holidays count. Works on a generated sample and on the real series alike.
 */
import type { JudgedFinding } from '#shared/domain/finding.ts';
import { INCIDENT_TYPES, type IncidentType } from '#shared/sample/generate.ts';
import { dayNumber, type IsoDay } from '#shared/time/seoul.ts';

/** Days after an incident's found window whose pages are excused: a week, four for a lasting drop. */
export const EXCUSED_AFTER = { incident: 7, lasting: 28 };
/** A recorded change: pages in its first `falseDays` days are false, the `excusedDays` after are excused. */
export const CHANGE_EXCUSE = { falseDays: 7, excusedDays: 28 };
/** Days after an incident's last day on which a page still finds it. */
export const FOUND_WITHIN = 2;

export interface RecallCell {
  found: number;
  total: number;
}

/** What the scorer reads of an incident label (a `SampleIncident` is one). */
export interface LabeledIncident {
  channelId: string;
  family: string;
  type: IncidentType;
  from: IsoDay;
  to: IsoDay;
  lasting: boolean;
  burst: boolean;
  partial?: boolean;
  onCalendarDay?: boolean;
  /** Real events whose disturbance outlasts the usual excuse (a lockdown and its recovery). */
  excusedUntil?: IsoDay;
  note?: string;
}

/** What the scorer reads of a labeled run (a `Sample` is one). */
export interface Labels {
  channels: readonly { channelId: string; family: string; startDay: IsoDay }[];
  incidents: readonly LabeledIncident[];
  changes?: readonly { channelId: string; day: IsoDay }[];
}

export interface IncidentOutcome {
  incident: LabeledIncident;
  found: boolean;
}

export interface FalsePage {
  channelId: string;
  family: string;
  day: number;
  nearHoliday: boolean;
}

export interface Score {
  /** Incidents found / labeled, by type, on regularly sending channels and on campaign ones. */
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
  /** Every incident whose first day is judged, found or not. */
  outcomes: IncidentOutcome[];
  falsePages: FalsePage[];
  /** Judged channel-days by family. */
  channelDaysByFamily: Map<string, number>;
}

const emptyCells = () =>
  Object.fromEntries(INCIDENT_TYPES.map((t) => [t, { found: 0, total: 0 }])) as Record<
    IncidentType,
    RecallCell
  >;

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

/** Days on which a page is not false: incidents' windows and the weeks after, changes' settling weeks. */
export function excusedDays(labels: Labels): Map<string, Set<number>> {
  const explained = new Map<string, Set<number>>();
  const mark = (channelId: string, a: number, b: number) => {
    let days = explained.get(channelId);
    if (!days) {
      days = new Set();
      explained.set(channelId, days);
    }
    for (let d = a; d <= b; d++) days.add(d);
  };
  for (const incident of labels.incidents) {
    const after = incident.lasting ? EXCUSED_AFTER.lasting : EXCUSED_AFTER.incident;
    const last = dayNumber(incident.to) + FOUND_WITHIN + after;
    mark(
      incident.channelId,
      dayNumber(incident.from),
      incident.excusedUntil ? Math.max(last, dayNumber(incident.excusedUntil)) : last,
    );
  }
  for (const change of labels.changes ?? []) {
    const from = dayNumber(change.day) + CHANGE_EXCUSE.falseDays;
    mark(change.channelId, from, from + CHANGE_EXCUSE.excusedDays - 1);
  }
  return explained;
}

/** True when the channel paged from the incident's first day to two days after its last. */
export function isFound(incident: LabeledIncident, pages: Map<string, Set<number>>): boolean {
  const paged = pages.get(incident.channelId);
  for (let d = dayNumber(incident.from); d <= dayNumber(incident.to) + FOUND_WITHIN; d++)
    if (paged?.has(d)) return true;
  return false;
}

export function scorePages(
  labels: Labels,
  pages: Map<string, Set<number>>,
  range: { from: string; to: string },
  nearHoliday: (dayNo: number) => boolean = () => false,
): Score {
  const from = dayNumber(range.from);
  const to = dayNumber(range.to);
  const regular = emptyCells();
  const burst = emptyCells();
  const outcomes: IncidentOutcome[] = [];
  for (const incident of labels.incidents) {
    const first = dayNumber(incident.from);
    if (first < from || first > to) continue;
    const found = isFound(incident, pages);
    outcomes.push({ incident, found });
    const cell = (incident.burst ? burst : regular)[incident.type];
    cell.total++;
    if (found) cell.found++;
  }
  const explained = excusedDays(labels);
  const familyOf = new Map(labels.channels.map((c) => [c.channelId, c.family]));
  let pageCount = 0;
  const falsePages: FalsePage[] = [];
  for (const [channelId, days] of pages)
    for (const d of days) {
      if (d < from || d > to) continue;
      pageCount++;
      if (explained.get(channelId)?.has(d)) continue;
      falsePages.push({
        channelId,
        family: familyOf.get(channelId) ?? '?',
        day: d,
        nearHoliday: nearHoliday(d),
      });
    }
  let channelDays = 0;
  const channelDaysByFamily = new Map<string, number>();
  for (const channel of labels.channels) {
    const start = Math.max(from, dayNumber(channel.startDay));
    if (start > to) continue;
    channelDays += to - start + 1;
    channelDaysByFamily.set(channel.family, (channelDaysByFamily.get(channel.family) ?? 0) + to - start + 1);
  }
  const recall = (cells: Record<IncidentType, RecallCell>) => {
    const total = INCIDENT_TYPES.reduce((s, t) => s + cells[t].total, 0);
    return total ? INCIDENT_TYPES.reduce((s, t) => s + cells[t].found, 0) / total : Number.NaN;
  };
  const days = to - from + 1;
  return {
    regular,
    burst,
    regularRecall: recall(regular),
    burstRecall: recall(burst),
    pages: pageCount,
    falseAlerts: falsePages.length,
    falseNearHoliday: falsePages.filter((page) => page.nearHoliday).length,
    channelDays,
    falsePerThousand: (1000 * falsePages.length) / channelDays,
    alertsPerDay: pageCount / days,
    days,
    outcomes,
    falsePages,
    channelDaysByFamily,
  };
}

/**
 * Regular-channel incidents the rules saw at all: some finding of rules 1-4 on the channel inside the
 * incident's window. The ceiling of the seed profile's recall (default also pages on its own baseline).
 */
export function ruleVisible(labels: Labels, findings: JudgedFinding[], range: { from: string; to: string }) {
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
  for (const incident of labels.incidents) {
    const first = dayNumber(incident.from);
    if (incident.burst || first < dayNumber(range.from) || first > dayNumber(range.to)) continue;
    total++;
    if (isFound(incident, seen)) visible++;
  }
  return { visible, total };
}

/** The incidents a profile missed, for looking into a score. */
export function misses<T extends LabeledIncident>(
  labels: { incidents: readonly T[] },
  pages: Map<string, Set<number>>,
  range: { from: string; to: string },
): T[] {
  const from = dayNumber(range.from);
  return labels.incidents.filter((incident) => {
    const first = dayNumber(incident.from);
    return first >= from && first <= dayNumber(range.to) && !isFound(incident, pages);
  });
}
