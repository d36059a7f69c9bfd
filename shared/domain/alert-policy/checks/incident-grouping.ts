/**
 * One page per incident: on each channel-day the strongest qualifying finding carries the page; a
 * qualifying day within `regroupDays` of the channel's previous one (same direction) joins that
 * incident and re-pages only when it is worse than every page the incident sent.
 */
import type { AlertPolicyConfig } from '#shared/domain/alert-policy/config.ts';
import type { Finding, JudgedFinding, ReasonCode } from '#shared/domain/finding.ts';
import { isoDay } from '#shared/time/seoul.ts';
import { severityRank } from '../severity.ts';
import { hold, reasonText, type Verdict } from '../verdict.ts';
import type { ChannelFinding, ChannelFindings } from './baseline-pages.ts';

/** A judged finding and its place in the rule run's findings (-1: the policy's own `baseline` finding). */
export interface Placed {
  place: number;
  judged: JudgedFinding;
}

interface PastDay {
  day: number;
  rank: number;
  impact: number;
  silent: boolean;
  /** The team closed the incident (a false alarm, or expected) on this day or before it. */
  closed: boolean;
}

/**
 * Judges the channel's findings of days >= `from`; earlier days only tell which incident is open, and
 * only when their pages reached people (`notified`; all of them when not given).
 */
export function groupIncidents(
  channel: ChannelFindings,
  from: number,
  config: AlertPolicyConfig,
  notified?: ReadonlySet<number>,
  closedDays?: ReadonlySet<number>,
): Placed[] {
  const out: Placed[] = [];
  const byDay = new Map<number, ChannelFinding[]>();
  for (const entry of channel) {
    const list = byDay.get(entry.day);
    if (list) list.push(entry);
    else byDay.set(entry.day, [entry]);
  }
  // The days of the past `regroupDays` that qualified, by direction: the incident a day belongs to.
  // Only that week decides (not the incident's whole history), so the daily job, which reads a
  // week of findings before its day, judges the day exactly as a backfill over the year does.
  const recent: Record<'up' | 'down', PastDay[]> = { up: [], down: [] };
  let seenOn = 0;
  for (const d of [...byDay.keys()].sort((a, b) => a - b)) {
    const entries = byDay.get(d)!;
    let carrier: ChannelFinding | undefined;
    for (const entry of entries)
      if (entry.verdict.qualifies && (!carrier || entry.verdict.strength > carrier.verdict.strength))
        carrier = entry;
    let pageReason: string | undefined;
    let closed = false;
    // A past day nobody heard of opens no incident: an outage still going on pages today.
    if (carrier && d < from && notified && !notified.has(d)) carrier = undefined;
    if (carrier) {
      const verdict = carrier.verdict;
      const today: PastDay = {
        day: d,
        rank: severityRank(verdict.severity),
        impact: verdict.impact ?? 0,
        silent: verdict.silent,
        closed: false,
      };
      // The incident is the one the page states: a CTR rise that pages as a lasting drop in sends is a drop.
      const direction = verdict.judged ? (verdict.down ? 'down' : 'up') : carrier.finding.direction;
      const week = recent[direction];
      while (week.length > 0 && week[0]!.day < d - config.incident.regroupDays) week.shift();
      // An incident the team closed is not paged again while it lasts.
      closed = closedDays?.has(d) === true || week.some((past) => past.closed);
      today.closed = closed;
      if (closed) seenOn = week.length ? week[week.length - 1]!.day : d;
      else if (week.length > 0) {
        seenOn = week[week.length - 1]!.day;
        if (worse(today, week))
          pageReason = `worsened: ${reasonText(verdict)} (an open incident, last seen ${isoDay(seenOn)})`;
      } else pageReason = reasonText(verdict);
      week.push(today);
    }
    if (d < from) continue;
    for (const entry of entries) {
      const { verdict } = entry;
      const pages = entry === carrier && pageReason !== undefined;
      if (!verdict.qualifies) {
        out.push({ place: entry.place, judged: heldFinding(entry.finding, verdict) });
        continue;
      }
      let code: ReasonCode = verdict.code;
      let reason: string;
      if (pages) reason = pageReason!;
      else if (entry === carrier && closed) {
        code = 'closed_by_feedback';
        reason = reasonText(hold('closed_by_feedback'));
      } else if (entry === carrier) {
        code = 'grouped';
        reason = `grouped: same open incident, last seen ${isoDay(seenOn)}`;
      } else {
        code = 'same_page';
        reason = `same page as ${carrier!.finding.rule}/${carrier!.finding.metric}`;
      }
      const judged: JudgedFinding = {
        ...entry.finding,
        alert: pages,
        severity: verdict.severity,
        code,
        reason,
      };
      // Set after the fact, not spread in: a run builds a judged finding for every rule finding.
      if (verdict.impact !== undefined && Number.isFinite(verdict.impact))
        judged.impact = Math.round(verdict.impact);
      if (verdict.judged) judged.judged = verdict.judged;
      out.push({ place: entry.place, judged });
    }
  }
  return out;
}

/**
 * Worse than every day of the open incident: a higher severity, a channel gone silent after a
 * partial drop, or twice the impact (a real spike a few days after a rise).
 */
function worse(today: PastDay, week: PastDay[]): boolean {
  let worst = 0;
  let mostImpact = 0;
  let wasSilent = false;
  for (const past of week) {
    worst = Math.max(worst, past.rank);
    mostImpact = Math.max(mostImpact, past.impact);
    wasSilent ||= past.silent;
  }
  return today.rank > worst || (today.silent && !wasSilent) || today.impact >= 2 * mostImpact;
}

/** A finding the policy holds back: its verdict's reason, no page. */
export function heldFinding(finding: Finding, verdict: Verdict): JudgedFinding {
  const judged: JudgedFinding = {
    ...finding,
    alert: false,
    severity: 'info',
    code: verdict.code,
    reason: reasonText(verdict),
  };
  // Set after the fact, not spread in: a run builds a judged finding for every rule finding.
  if (verdict.impact !== undefined && Number.isFinite(verdict.impact))
    judged.impact = Math.round(verdict.impact);
  // A recorded change quotes the move it explains.
  if (verdict.code === 'planned_change' && verdict.judged) judged.judged = verdict.judged;
  return judged;
}
