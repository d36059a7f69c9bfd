import type { Feedback, VerdictName } from '#shared/domain/feedback.ts';
import {
  type JudgedFinding,
  SEVERITY_ORDER,
  type Severity,
  statedDirection,
} from '#shared/domain/finding.ts';
import { daysBetween, type IsoDay } from '#shared/time/seoul.ts';

/**
 * A channel's incident as the team lived it: the days the policy found it (paged, or grouped into the
 * page already sent), its worst day, and how many pages it took.
 */
export interface Incident {
  channelId: string;
  channelType: string;
  direction: 'up' | 'down';
  first: IsoDay;
  last: IsoDay;
  /** The day with the largest impact, and what it showed. */
  peak: { day: IsoDay; metric: string; actual: number; expected: number; impact: number };
  severity: Severity;
  /** Days it paged (the first, and each time it worsened): one digest a day, however many rules paged. */
  pages: number;
  /** Days it was seen on. */
  days: number;
  /** The team's latest verdict on any of its days, if any. */
  verdict?: VerdictName;
}

/** A day of an incident: it paged, or it was grouped into the incident a page already told of. */
export const partOfIncident = (finding: JudgedFinding) => finding.alert || finding.code === 'grouped';

/**
 * Incidents from stored findings: a channel's paging and grouped findings, one direction at a time,
 * joined while no more than `regroupDays` pass between them (the policy's own grouping), newest first
 * and, on one day, worst first.
 */
export function incidentsOf(
  findings: JudgedFinding[],
  regroupDays: number,
  feedback: readonly Feedback[] = [],
): Incident[] {
  const byKey = new Map<string, JudgedFinding[]>();
  for (const finding of findings) {
    if (!partOfIncident(finding)) continue;
    const key = `${finding.channelId}\u0000${statedDirection(finding)}`;
    const list = byKey.get(key);
    if (list) list.push(finding);
    else byKey.set(key, [finding]);
  }
  const incidents: Incident[] = [];
  for (const list of byKey.values()) {
    list.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
    let current: Incident | undefined;
    let seen = new Set<IsoDay>();
    let paged = new Set<IsoDay>();
    for (const finding of list) {
      if (!current || daysBetween(current.last, finding.date) > regroupDays) {
        current = open(finding);
        seen = new Set();
        paged = new Set();
        incidents.push(current);
      }
      extend(current, finding, seen, paged);
    }
  }
  for (const incident of incidents) {
    let latest: Feedback | undefined;
    for (const given of feedback)
      if (
        given.channelId === incident.channelId &&
        given.day >= incident.first &&
        given.day <= incident.last &&
        (!latest || given.at > latest.at)
      )
        latest = given;
    if (latest) incident.verdict = latest.verdict;
  }
  // Newest first; on one day the worst first, as the digest ranks its alerts.
  return incidents.sort(
    (a, b) =>
      (a.last < b.last ? 1 : a.last > b.last ? -1 : 0) ||
      SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity) ||
      b.peak.impact - a.peak.impact ||
      (a.channelId < b.channelId ? -1 : a.channelId > b.channelId ? 1 : 0),
  );
}

function open(finding: JudgedFinding): Incident {
  return {
    channelId: finding.channelId,
    channelType: finding.channelType,
    direction: statedDirection(finding),
    first: finding.date,
    last: finding.date,
    peak: { day: finding.date, metric: finding.metric, actual: 0, expected: 0, impact: -1 },
    severity: 'info',
    pages: 0,
    days: 0,
  };
}

function extend(incident: Incident, finding: JudgedFinding, seen: Set<IsoDay>, paged: Set<IsoDay>): void {
  incident.last = finding.date;
  if (!seen.has(finding.date)) {
    seen.add(finding.date);
    incident.days++;
  }
  if (finding.alert && !paged.has(finding.date)) {
    paged.add(finding.date);
    incident.pages++;
  }
  if (SEVERITY_ORDER.indexOf(finding.severity) < SEVERITY_ORDER.indexOf(incident.severity))
    incident.severity = finding.severity;
  const impact = finding.impact ?? 0;
  if (impact > incident.peak.impact) {
    const shown = finding.judged ?? finding;
    incident.peak = {
      // The figures' own day: a decline's page may state a day of its window.
      day: finding.judged?.day ?? finding.date,
      metric: shown.metric,
      actual: shown.actual,
      expected: shown.expected,
      impact,
    };
  }
}
