import type { Feedback } from '#shared/domain/feedback.ts';
import {
  type JudgedFinding,
  type MetricName,
  SEVERITY_ORDER,
  statedDirection,
} from '#shared/domain/finding.ts';
import { partOfIncident } from '#shared/domain/incidents.ts';
import { dayNumber, daysBetween, isoDay } from '#shared/time/seoul.ts';
import type { BandChart, IncidentRow } from '../model.ts';
import { INCIDENT_LEAD_DAYS } from '../options.ts';
import { channelLabel, type ReportContext, valueOn } from './context.ts';

/** Rule 5 ranks channels; it never describes an incident's expected band. */
const describesBand = (finding: JudgedFinding) => finding.rule !== 'low_performer';

const bandRank = (finding: JudgedFinding) => (finding.alert ? 2 : 0) + (finding.judged ? 1 : 0);

/** The figures a finding states: the ones the profile judged (what the digest showed), else the rule's. */
interface Shown {
  metric: MetricName;
  actual: number;
  expected: number;
  /** Null when the profile judged a value without a range. */
  lower: number | null;
  upper: number | null;
}

function shown(finding: JudgedFinding): Shown {
  const { judged } = finding;
  if (!judged) return { ...finding, lower: Math.max(0, finding.lower), upper: Math.max(0, finding.upper) };
  return {
    metric: judged.metric,
    actual: judged.actual,
    expected: judged.expected,
    lower: judged.lower === undefined ? null : Math.max(0, judged.lower),
    upper: judged.upper === undefined ? null : Math.max(0, judged.upper),
  };
}

/**
 * The week's incidents, as `crm-guard incidents` counts them: the days a channel paged or was grouped
 * into a page already sent (an outage that began before the week and goes on is one of them), by
 * channel and the metric they state, from their first day while no more than `incidentGapDays` pass
 * between days. Each has the figures of its latest day (the digest's numbers) and a chart whose band is
 * the band detection stated, day by day, on the days it judged the channel: the text's band, never
 * below zero.
 */
export function incidentsSection(
  ctx: ReportContext,
  findings: readonly JudgedFinding[],
  feedback: readonly Feedback[] = [],
): IncidentRow[] {
  const weekFrom = isoDay(ctx.weekFromNo);
  const days = new Map<string, JudgedFinding[]>();
  const bands = new Map<string, Map<string, JudgedFinding>>();
  for (const finding of findings) {
    if (!describesBand(finding)) continue;
    const key = `${finding.channelId}\u0000${shown(finding).metric}\u0000${statedDirection(finding)}`;
    // The band of a day: its paging finding's, else one the profile judged, else the first stored;
    // never figures the profile judged on another day.
    const byDay = bands.get(key) ?? new Map<string, JudgedFinding>();
    const held = byDay.get(finding.date);
    if (!finding.judged?.day && (!held || bandRank(finding) > bandRank(held)))
      byDay.set(finding.date, finding);
    bands.set(key, byDay);
    if (partOfIncident(finding) && finding.date <= ctx.day) {
      const list = days.get(key);
      if (list) list.push(finding);
      else days.set(key, [finding]);
    }
  }
  const groups = new Map<string, JudgedFinding[]>();
  for (const [key, list] of days) {
    list.sort((a, b) => a.date.localeCompare(b.date));
    // The incident still open in the week: its days back from the last, while the gaps stay short.
    let start = list.length - 1;
    if (list[start]!.date < weekFrom) continue;
    while (start > 0 && daysBetween(list[start - 1]!.date, list[start]!.date) <= ctx.options.incidentGapDays)
      start--;
    groups.set(key, list.slice(start));
  }
  const incidents: IncidentRow[] = [];
  for (const [key, paging] of groups) {
    const first = paging[0]!;
    const latest = paging.at(-1)!;
    const stated = shown(latest);
    const metric = stated.metric;
    const s = ctx.series.get(first.channelId);
    const byDay = bands.get(key)!;
    const chart: BandChart = { days: [], values: [], expected: [], lower: [], upper: [], flagged: [] };
    for (let d = dayNumber(first.date) - INCIDENT_LEAD_DAYS; d <= ctx.dayNo; d++) {
      const day = isoDay(d);
      const judged = byDay.get(day);
      // One kind of band a chart: the profile's when the text states the profile's figures.
      const band =
        judged && (latest.judged === undefined || judged.judged !== undefined) ? shown(judged) : undefined;
      chart.days.push(day);
      chart.values.push(valueOn(s, metric, d, ctx.options.minSendsForRatio));
      chart.expected.push(band ? band.expected : null);
      chart.lower.push(band?.lower ?? null);
      chart.upper.push(band?.upper ?? null);
    }
    chart.flagged = [...new Set(paging.map((f) => f.date))];
    const impacts = paging.map((f) => f.impact).filter((v): v is number => typeof v === 'number');
    incidents.push({
      ...channelLabel(ctx, first.channelId),
      metric,
      rules: [...new Set(paging.map((f) => f.rule))],
      direction: statedDirection(latest),
      severity: SEVERITY_ORDER.find((level) => paging.some((f) => f.severity === level)) ?? 'info',
      firstDay: first.date,
      lastDay: latest.date,
      days: chart.flagged.length,
      actual: stated.actual,
      figuresDay: latest.judged?.day ?? latest.date,
      expected: stated.expected,
      lower: stated.lower,
      upper: stated.upper,
      impact: impacts.length ? impacts.reduce((a, b) => a + b, 0) : null,
      verdict: latestVerdict(feedback, first.channelId, first.date, latest.date),
      chart,
    });
  }
  return incidents.sort(
    (a, b) =>
      SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity) ||
      Math.abs(b.impact ?? 0) - Math.abs(a.impact ?? 0) ||
      a.channelId.localeCompare(b.channelId),
  );
}

/** The team's latest verdict on a day of the channel's incident, if any. */
function latestVerdict(
  feedback: readonly Feedback[],
  channelId: string,
  from: string,
  to: string,
): IncidentRow['verdict'] {
  let latest: Feedback | undefined;
  for (const given of feedback)
    if (
      given.channelId === channelId &&
      given.day >= from &&
      given.day <= to &&
      (!latest || given.at > latest.at)
    )
      latest = given;
  if (!latest) return null;
  return { verdict: latest.verdict, by: latest.by, ...(latest.note ? { note: latest.note } : {}) };
}
