/**
 * The alert policy: which rule findings page a human. It sits on top of the seed rules and never
 * changes what they compute; it returns every finding of the range with `alert`, `severity`,
 * `reason` and `impact`.
 *
 * - `seed`: the operating team's rules as they were: confirmed findings of rules 1-4 page.
 * - `default`: a finding pages only when the policy's own evidence confirms it: a robust, holiday-aware,
 *   same-weekday baseline with past anomalies kept out; a volume floor; no drop on a day that has not
 *   fully arrived; known holiday effects held; one page per incident (re-paged only when it worsens);
 *   severity by the sends (or clicks) lost or extra. Where the rules are silent, the same baseline
 *   pages on its own (rule `baseline`): a channel gone silent, a drop or a spike beyond the channel's
 *   usual and monthly swings, a lasting level drop.
 */
import { type AlertPolicyConfig, DEFAULT_ALERT_POLICY_CONFIG } from '#shared/config/alert-policy-config.ts';
import type { DetectionConfig } from '#shared/config/detection-config.ts';
import type { ChannelFactsById } from '#shared/domain/channel-facts.ts';
import type { ChannelMetrics, ChannelSeries } from '#shared/domain/channel-metrics.ts';
import type { Finding, JudgedFinding, Severity } from '#shared/domain/finding.ts';
import type { RuleRun } from '#shared/domain/rules/index.ts';
import type { ProfileName } from '#shared/ports/finding-store.ts';
import { dayNumber, type IsoDay, isoDay } from '#shared/time/seoul.ts';
import { type HolidayWindow, holidayWindowOf, lateDays } from './calendar.ts';
import {
  type ChannelEvidence,
  channelEvidence,
  type EvidenceMetric,
  evidenceArena,
  type MetricEvidence,
} from './evidence.ts';
import { severityOf, severityRank } from './severity.ts';

export interface JudgeFindingsInput {
  profile: ProfileName;
  metrics: ChannelMetrics;
  /** The rules run over [range.from - policyLookbackDays(config), range.to] (earlier days group incidents). */
  ruleRun: RuleRun;
  range: { from: IsoDay; to: IsoDay };
  config?: AlertPolicyConfig;
  /** The detection config the rules ran with: the policy reads its CTR floor and decline streak. */
  detection?: DetectionConfig;
  /** The rules' CTR floor (detection config `minSendsForRatio`), default 100. */
  minSendsForRatio?: number;
  /** The rules' decline streak (detection config `decline.days`), default 5. */
  declineDays?: number;
  /** What the registry knows of each channel (category, status, declared schedule, recorded changes). */
  facts?: ChannelFactsById;
}

const PAGING_RULES = new Set(['ma_ratio', 'zscore', 'robust_ratio', 'decline']);

/**
 * Days before the judged day the policy needs rule findings for: a day joins the incident of the past
 * `regroupDays`, and re-pages only when worse than every day of them. The daily job runs the rules for [t-k, t].
 */
export function policyLookbackDays(config: AlertPolicyConfig = DEFAULT_ALERT_POLICY_CONFIG): number {
  return config.incident.regroupDays;
}

/**
 * Days of metrics before the first judged day the policy's own baseline wants: the weekday shape and
 * the level window, and two months back for monthly cycles, plus a week for the forward fit (which
 * keeps past anomalies out) to settle as it would over a longer history. With less, it still judges,
 * more cautiously (a cycle it cannot check is not excused). Read from judgeFrom - max(this, configLookbackDays).
 */
export function policyHistoryDays(config: AlertPolicyConfig = DEFAULT_ALERT_POLICY_CONFIG): number {
  const { shapeDays, levelDays, minCleanDays } = config.baseline;
  // Two months and five days back for a billing peak, plus the clean days a baseline on that day needs.
  return Math.max(shapeDays + levelDays, Math.round(2 * 30.44) + 5 + minCleanDays) + 7;
}

/** Every finding of `range`, judged by the profile. */
export function judgeFindings(input: JudgeFindingsInput): JudgedFinding[] {
  const from = dayNumber(input.range.from);
  const to = dayNumber(input.range.to);
  const inRange = (f: Finding) => {
    const d = dayNumber(f.date);
    return d >= from && d <= to;
  };
  if (input.profile === 'seed') {
    const seriesById = new Map(input.metrics.channels.map((s) => [s.channelId, s]));
    return input.ruleRun.findings.filter(inRange).map((f) => judgeSeed(f, seriesById.get(f.channelId)));
  }
  return judgeDefault(input, from, to);
}

function seriesDay(series: ChannelSeries | undefined, dayNo: number): { sends: number; clicks: number } {
  const i = series ? dayNo - series.firstDay : -1;
  if (!series || i < 0 || i >= series.sends.length) return { sends: Number.NaN, clicks: Number.NaN };
  return { sends: series.sends[i]!, clicks: series.clicks[i]! };
}

function judgeSeed(finding: Finding, series: ChannelSeries | undefined): JudgedFinding {
  const pages = finding.status === 'confirmed' && PAGING_RULES.has(finding.rule);
  const sends = seriesDay(series, dayNumber(finding.date)).sends;
  const impact = Math.abs(finding.actual - finding.expected) * (finding.metric === 'ctr' ? sends : 1);
  const config = DEFAULT_ALERT_POLICY_CONFIG.severity;
  return {
    ...finding,
    alert: pages,
    severity: pages ? severityOf(Number.isFinite(impact) ? impact : 0, false, config) : 'info',
    reason: pages
      ? `seed: confirmed ${finding.rule}`
      : finding.rule === 'low_performer'
        ? 'weekly report (low performer)'
        : 'seed: candidate, recorded only',
    ...(Number.isFinite(impact) ? { impact: Math.round(impact) } : {}),
  };
}

/** A judged finding and its place in the rule run's findings (-1: the policy's own `baseline` finding). */
interface Judged {
  index: number;
  judged: JudgedFinding;
}

/** The policy's verdict on one finding before incident grouping. */
interface Assessment {
  qualifies: boolean;
  reason: string;
  severity: Severity;
  impact: number | undefined;
  /** Strength of the evidence, for choosing which finding of a channel-day carries the page. */
  strength: number;
  /** The channel sent (almost) nothing. */
  silent: boolean;
}

const hold = (reason: string, impact?: number): Assessment => ({
  qualifies: false,
  reason,
  severity: 'info',
  impact,
  strength: 0,
  silent: false,
});

/** Half of a run's findings are the weekly report's: one shared verdict (assessments are never mutated). */
const LOW_PERFORMER = hold('weekly report (low performer)');

const fromLogCtr = (logValue: number) => Math.exp(logValue);
const fromLogCount = (logValue: number) => Math.exp(logValue) - 1;
const UNEXPLAINED = hold('not qualified');
const LATE = hold('late data: the day has not fully arrived');
const CTR_FLOOR = hold('below volume floor for a CTR page');

function judgeDefault(input: JudgeFindingsInput, from: number, to: number): JudgedFinding[] {
  const config = input.config ?? DEFAULT_ALERT_POLICY_CONFIG;
  const minSendsForRatio = input.minSendsForRatio ?? input.detection?.rules.minSendsForRatio ?? 100;
  const contextFrom = from - policyLookbackDays(config);
  const late = lateDays(input.metrics, config.lateData);
  for (const day of input.ruleRun.lateDays) late.add(dayNumber(day));
  // Holiday windows and day numbers are asked for hundreds of thousands of times: once per day.
  const windows = new Map<number, HolidayWindow>();
  const windowOf = (dayNo: number) => {
    if (!windows.has(dayNo)) windows.set(dayNo, holidayWindowOf(dayNo, config.holidays));
    return windows.get(dayNo);
  };
  const dayNos = new Map<string, number>();
  let lastDay = '';
  let lastDayNo = 0;
  const dayNoOf = (day: IsoDay) => {
    if (day === lastDay) return lastDayNo;
    let d = dayNos.get(day);
    if (d === undefined) {
      d = dayNumber(day);
      dayNos.set(day, d);
    }
    lastDay = day;
    lastDayNo = d;
    return d;
  };
  const { fromDay, toDay } = input.metrics;
  const excludedFlags = new Uint8Array(Math.max(0, toDay - fromDay + 1));
  for (let d = fromDay; d <= toDay; d++)
    if (late.has(d) || windowOf(d) !== undefined) excludedFlags[d - fromDay] = 1;
  const excludedDay = (dayNo: number) => excludedFlags[dayNo - fromDay] === 1;
  const muted = new Set(config.mutedChannels);
  const declineDays = input.declineDays ?? input.detection?.rules.decline.days ?? 5;

  const byChannel = new Map<string, number[]>();
  const findingDays = new Int32Array(input.ruleRun.findings.length);
  input.ruleRun.findings.forEach((finding, k) => {
    const d = dayNoOf(finding.date);
    findingDays[k] = d;
    if (d < contextFrom || d > to) return;
    let list = byChannel.get(finding.channelId);
    if (!list) {
      list = [];
      byChannel.set(finding.channelId, list);
    }
    list.push(k);
  });

  const judged: JudgedFinding[] = new Array(input.ruleRun.findings.length);
  const extra: JudgedFinding[] = [];
  const place = (out: Judged[]) => {
    for (const j of out) {
      if (j.index >= 0) judged[j.index] = j.judged;
      else extra.push(j.judged);
    }
  };
  const seen = new Set<string>();
  const arena = evidenceArena();
  for (const series of input.metrics.channels) {
    const channelId = series.channelId;
    seen.add(channelId);
    const indices = byChannel.get(channelId) ?? [];
    const findings = indices.map((k) => input.ruleRun.findings[k]!);
    const days = indices.map((k) => findingDays[k]!);
    if (muted.has(channelId)) {
      place(
        groupIncidents(
          findings,
          days,
          indices,
          findings.map(() => hold('muted channel')),
          from,
          config,
        ),
      );
      continue;
    }
    const last = series.firstDay + series.sends.length - 1;
    if (last < contextFrom) {
      place(groupIncidents(findings, days, indices, findings.map(assessWithoutEvidence), from, config));
      continue;
    }
    arena.reset();
    const evidence = channelEvidence(series, excludedDay, minSendsForRatio, config, arena);
    const assessments = findings.map((finding, k) =>
      assess(finding, days[k]!, evidence, late, windowOf, config, declineDays),
    );
    addBaselinePages(evidence, findings, days, indices, assessments, contextFrom, to, late, windowOf, config);
    place(groupIncidents(findings, days, indices, assessments, from, config));
  }
  for (const [channelId, indices] of byChannel) {
    if (seen.has(channelId)) continue;
    const findings = indices.map((k) => input.ruleRun.findings[k]!);
    const days = indices.map((k) => findingDays[k]!);
    place(groupIncidents(findings, days, indices, findings.map(assessWithoutEvidence), from, config));
  }
  const out: JudgedFinding[] = [];
  for (const j of judged) if (j) out.push(j);
  extra.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.channelId < b.channelId ? -1 : 1));
  return out.concat(extra);
}

/**
 * The policy's own look when the rules are silent (or none of their findings qualifies): on every
 * channel-day of the range, the channel's sends against its baseline, down (an outage, a level drop)
 * or up (a spike), with the same vetoes a rule finding gets. What qualifies joins the channel's
 * findings as a `baseline` finding, so it is grouped into incidents like any other.
 */
function addBaselinePages(
  evidence: ChannelEvidence,
  findings: Finding[],
  days: number[],
  indices: number[],
  assessments: Assessment[],
  contextFrom: number,
  to: number,
  late: Set<number>,
  windowOf: (dayNo: number) => HolidayWindow,
  config: AlertPolicyConfig,
): void {
  const { series, sends } = evidence;
  const covered = new Set<number>();
  for (let k = 0; k < findings.length; k++) if (assessments[k]!.qualifies) covered.add(days[k]!);
  const minLog = Math.log(1 + config.page.minChange);
  const minDownLog = Math.log(1 - config.page.minChange);
  const start = Math.max(contextFrom, series.firstDay);
  const end = Math.min(to, series.firstDay + series.sends.length - 1);
  for (let d = start; d <= end; d++) {
    if (covered.has(d)) continue;
    const i = d - series.firstDay;
    const residual = sends.value[i]! - sends.expected[i]!;
    if (Number.isNaN(residual)) continue;
    const down = residual < 0;
    // A rise short of the minimum change cannot page; a drop that small only as part of a lasting one.
    if (!down && residual < minLog) continue;
    if (down && residual > minDownLog && (windowOf(d) !== undefined || !lastingDrop(sends, i, config)))
      continue;
    const look = evaluate({ metric: 'sends', index: i, down }, evidence, late, windowOf, config, false);
    if (!look.qualifies) continue;
    // With no rule behind it, a partial drop or a rise must also beat the channel's own swings of the
    // last weeks (a monthly billing peak, its ebb): a silent day needs no such proof.
    if (!look.silent && !beyondUsualSwings(evidence, i, down ? -1 : 1, config)) continue;
    if (!look.silent && swungAMonthAgo(evidence, i, down ? -1 : 1, config)) continue;
    const expected = Math.exp(sends.expected[i]!) - 1;
    const band = Math.max(config.page.minZ * sends.scale[i]!, minLog);
    findings.push({
      date: isoDay(d),
      channelId: series.channelId,
      channelType: series.channelType,
      rule: 'baseline',
      metric: 'sends',
      status: 'confirmed',
      direction: down ? 'down' : 'up',
      actual: series.sends[i]!,
      expected: Math.round(expected),
      lower: Math.round(Math.exp(sends.expected[i]! - band) - 1),
      upper: Math.round(Math.exp(sends.expected[i]! + band) - 1),
      detail: { z: round2(Math.abs(residual) / sends.scale[i]!), scale: round2(sends.scale[i]!) },
    });
    days.push(d);
    indices.push(-1);
    assessments.push({
      ...look,
      reason: `sends ${look.reason}, on the channel's own baseline (no seed rule fired)`,
    });
  }
}

/**
 * Whether day `i` deviates (in `sign`) further than all but the `usualSwings` largest deviations the
 * channel had the same way over the shape window, past anomalies included: a channel that swings
 * like this every month is not having an incident.
 */
function beyondUsualSwings(
  evidence: ChannelEvidence,
  i: number,
  sign: number,
  config: AlertPolicyConfig,
): boolean {
  const { value, expected } = evidence.sends;
  const residual = sign * (value[i]! - expected[i]!);
  let larger = 0;
  for (let j = Math.max(0, i - config.baseline.shapeDays); j < i; j++) {
    if (evidence.excluded[j]) continue;
    const r = sign * (value[j]! - expected[j]!);
    if (r >= residual && ++larger > config.page.usualSwings) return false;
  }
  return true;
}

/**
 * A swing the same way, at least half as large, around the same day one or two months earlier: the
 * channel's monthly cycle (billing runs, the quiet days after them), which a weekday baseline does not see.
 */
function swungAMonthAgo(
  evidence: ChannelEvidence,
  i: number,
  sign: number,
  config: AlertPolicyConfig,
): boolean {
  const { value, expected } = evidence.sends;
  const floor = Math.max(Math.log(1 + config.page.minChange), (sign * (value[i]! - expected[i]!)) / 2);
  for (const months of [1, 2]) {
    const centre = i - Math.round(30.44 * months);
    // A holiday or a late day then says nothing about the channel's own cycle.
    for (let j = Math.max(0, centre - 5); j <= centre + 5 && j < i; j++)
      if (!evidence.excluded[j] && sign * (value[j]! - expected[j]!) >= floor) return true;
  }
  return false;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

function assessWithoutEvidence(finding: Finding): Assessment {
  if (finding.rule === 'low_performer') return LOW_PERFORMER;
  return hold('channel not in the metrics read');
}

/** What the policy looks at for one day of one metric. */
interface Look {
  metric: EvidenceMetric;
  index: number;
  down: boolean;
}

/**
 * The policy's evidence on one finding. First the finding's own metric and day; then, since a rule
 * finding says "this channel is unusual now", the channel's sends that day (an outage or a duplicate
 * send shows there whichever rule noticed it), and for a decline finding the days its window covers
 * (a silent day the other rules missed). The finding pages when any of these qualifies.
 */
function assess(
  finding: Finding,
  dayNo: number,
  evidence: ChannelEvidence,
  late: Set<number>,
  windowOf: (dayNo: number) => HolidayWindow,
  config: AlertPolicyConfig,
  declineDays: number,
): Assessment {
  if (finding.rule === 'low_performer') return LOW_PERFORMER;
  const i = dayNo - evidence.series.firstDay;
  const down = finding.direction === 'down';
  const metric: EvidenceMetric = finding.metric;
  const first = evaluate({ metric, index: i, down }, evidence, late, windowOf, config);
  if (first.qualifies) return first;
  const looks: Look[] = [];
  if (metric !== 'sends') {
    const r = evidence.sends.value[i]! - evidence.sends.expected[i]!;
    if (!Number.isNaN(r)) looks.push({ metric: 'sends', index: i, down: r < 0 });
  }
  if (finding.rule === 'decline')
    for (let k = 1; k < declineDays; k++) looks.push({ metric, index: i - k, down: true });
  for (const look of looks) {
    if (look.index < 0) continue;
    const other = evaluate(look, evidence, late, windowOf, config, false);
    if (!other.qualifies) continue;
    const when = look.index === i ? '' : ` on ${isoDay(evidence.series.firstDay + look.index)}`;
    return { ...other, reason: `${look.metric}${when}: ${other.reason}` };
  }
  return first;
}

/** One day of one metric against the policy's baseline, volume floor, holidays and late data. */
function evaluate(
  look: Look,
  evidence: ChannelEvidence,
  late: Set<number>,
  windowOf: (dayNo: number) => HolidayWindow,
  config: AlertPolicyConfig,
  explain = true,
): Assessment {
  const { series } = evidence;
  const { metric: name, index: i, down } = look;
  const dayNo = series.firstDay + i;
  if (late.has(dayNo) && down) return LATE;
  // Checked before the CTR baseline is fitted: most channels never send enough for a CTR page.
  if (name === 'ctr' && !(series.sends[i]! >= config.volumeFloor.minSendsForCtr)) return CTR_FLOOR;
  const metric: MetricEvidence = evidence[name];
  const window = windowOf(dayNo);
  // A public holiday sends like a Sunday: a rise on one is measured against the channel's Sundays.
  const holidayRise = window === 'holiday' && !down && name !== 'ctr';
  const expected = holidayRise ? metric.sundayExpected[i]! : metric.expected[i]!;
  const value = metric.value[i]!;
  if (Number.isNaN(expected) || Number.isNaN(value))
    return hold('not enough clean history for the policy baseline');

  const sends = series.sends[i]!;
  const unit = name === 'ctr' ? sends : 1;
  const toUnits = name === 'ctr' ? fromLogCtr : fromLogCount;
  const impact = Math.abs(toUnits(value) - toUnits(expected)) * unit;

  // Volume floor: below it a deviation is noise, whatever its ratio.
  if (name === 'ctr') {
    const expectedClicks = sends * Math.exp(expected);
    if (sends < config.volumeFloor.minSendsForCtr || expectedClicks < config.volumeFloor.minExpectedClicks)
      return hold('below volume floor for a CTR page', impact);
  } else if (toUnits(expected) < config.volumeFloor.minExpected) return hold('below volume floor', impact);

  if (name !== 'ctr' && evidence.zeroShare[i]! >= config.intermittent.maxZeroShare)
    return down
      ? hold('campaign-burst channel: a silent day is its normal', impact)
      : campaignRise(metric, i, evidence, config, toUnits, unit);

  const residual = value - expected;
  const scale = metric.scale[i]!;
  const ratio = Math.exp(residual);
  const silent = name === 'sends' && down && sends <= config.holidays.outageShare * toUnits(expected);

  if (name !== 'ctr') {
    if (window === 'holiday' && down && !silent)
      return hold('holiday: a drop short of an outage is expected', impact);
    if (
      (window === 'before-major' || window === 'after-major') &&
      !down &&
      ratio < config.holidays.maxPromotionRise
    )
      return hold('Seollal/Chuseok season: promotions and notices run high', impact);
    if (!down && recurringMonthly(metric, i, config))
      return hold('monthly cycle: the same peak came a month ago', impact);
  }

  // The day alone, or a run of days deviating the same way (a slow onset), combined as Stouffer's z.
  const minLog = Math.log(1 + config.page.minChange);
  let sum = residual;
  let count = 1;
  let runZ = Math.abs(residual) / scale;
  for (let k = 1; k < config.page.runDays; k++) {
    const j = i - k;
    if (j < 0) break;
    const r = metric.value[j]! - metric.expected[j]!;
    if (
      Number.isNaN(r) ||
      Math.sign(r) !== Math.sign(residual) ||
      Math.abs(r) < minLog / 2 ||
      late.has(dayNo - k)
    )
      break;
    sum += r;
    count++;
    runZ = Math.max(runZ, Math.abs(sum) / (scale * Math.sqrt(count)));
  }
  const agrees = down ? residual < 0 : residual > 0;
  const change = down ? 1 - ratio : ratio - 1;
  const dayQualifies = agrees && runZ >= config.page.minZ && change >= config.page.minChange;

  let lasting = false;
  if (!dayQualifies && down && name !== 'ctr' && window === undefined)
    lasting = lastingDrop(metric, i, config);
  if (!dayQualifies && !lasting) {
    // Only the finding's own look explains itself: the other looks need a yes or no.
    if (!explain) return UNEXPLAINED;
    if (!agrees) return hold('policy baseline disagrees with the direction', impact);
    if (change < config.page.minChange)
      return hold(`within ${Math.round(config.page.minChange * 100)}% of baseline`, impact);
    return hold(`within normal variation (z ${runZ.toFixed(1)})`, impact);
  }
  return {
    qualifies: true,
    reason: lasting
      ? 'lasting drop: last week well below the level a month ago'
      : silent
        ? 'channel went silent'
        : `${Math.round(change * 100)}% ${down ? 'below' : 'above'} baseline (z ${runZ.toFixed(1)})`,
    severity: severityOf(impact, silent, config.severity),
    impact,
    strength: (silent ? 100 : 0) + runZ,
    silent,
  };
}

/**
 * A campaign-burst channel judged against its own campaign days (the busier half of its sending days
 * in the shape window): a send far above any usual campaign is a duplicate or a misfire.
 */
function campaignRise(
  metric: MetricEvidence,
  i: number,
  evidence: ChannelEvidence,
  config: AlertPolicyConfig,
  toUnits: (logValue: number) => number,
  unit: number,
): Assessment {
  const sending: number[] = [];
  for (let j = Math.max(0, i - config.baseline.shapeDays); j < i; j++) {
    const v = metric.value[j]!;
    if (!Number.isNaN(v) && evidence.series.sends[j]! > 0) sending.push(v);
  }
  sending.sort((a, b) => a - b);
  const campaigns = sending.slice(sending.length >> 1);
  if (campaigns.length < 4) return hold('campaign-burst channel: too few campaigns to compare');
  const typical = campaigns[campaigns.length >> 1]!;
  const deviations = campaigns.map((v) => Math.abs(v - typical)).sort((a, b) => a - b);
  const scale = Math.max(config.baseline.minScale, 1.4826 * deviations[deviations.length >> 1]!);
  const value = metric.value[i]!;
  const impact = Math.abs(toUnits(value) - toUnits(typical)) * unit;
  const z = (value - typical) / scale;
  const ratio = Math.exp(value - typical);
  // Campaign sizes vary by audience: only twice the usual campaign or more is out of the ordinary.
  if (z < config.page.minZ || ratio < 2)
    return hold('campaign-burst channel: within its usual campaigns', impact);
  return {
    qualifies: true,
    reason: `campaign-burst channel: ${ratio.toFixed(1)}x its usual campaign (z ${z.toFixed(1)})`,
    severity: severityOf(impact, false, config.severity),
    impact,
    strength: z,
    silent: false,
  };
}

/**
 * A rise like those one and two months earlier (billing notices, monthly newsletters): a cycle, not
 * an incident. Both months must show a rise of about the same size (the first when the second is
 * before the policy's history), so one past spike excuses little.
 */
function recurringMonthly(metric: MetricEvidence, i: number, config: AlertPolicyConfig): boolean {
  const minLog = Math.log(1 + config.page.minChange);
  const value = metric.value[i]!;
  // Peaks of one channel vary with the weekday they land on: within a factor 1.5.
  const tolerance = Math.max(2 * metric.scale[i]!, Math.log(1.5));
  // 'seen', 'not seen', or 'unknown' when some day then had no baseline (the series' first weeks, late data).
  const seenAround = (monthsBack: number) => {
    let known = true;
    // Same day of the month, give or take: a billing day moves to the next workday (Seollal: 5 days).
    const centre = Math.round(30.44 * monthsBack);
    for (let j = i - centre - 5; j <= i - centre + 5; j++) {
      const pastResidual = j < 0 ? Number.NaN : metric.value[j]! - metric.expected[j]!;
      if (Number.isNaN(pastResidual)) {
        known = false;
        continue;
      }
      if (pastResidual >= minLog && Math.abs(metric.value[j]! - value) <= tolerance) return 'seen';
    }
    return known ? 'not seen' : 'unknown';
  };
  const twoMonthsAgo = seenAround(2);
  return seenAround(1) === 'seen' && twoMonthsAgo !== 'not seen';
}

/** The last week's level (weekday shape removed) against the level fitted three weeks earlier. */
function lastingDrop(metric: MetricEvidence, i: number, config: AlertPolicyConfig): boolean {
  const before = i - 21;
  if (before < 0) return false;
  const priorLevel = metric.level[before]!;
  const priorScale = metric.scale[before]!;
  if (Number.isNaN(priorLevel)) return false;
  const recent = lastWeek;
  let n = 0;
  for (let j = i - 6; j <= i; j++) {
    const v = metric.value[j]!;
    const e = metric.expected[j]!;
    const l = metric.level[j]!;
    if (!Number.isNaN(v) && !Number.isNaN(e) && !Number.isNaN(l)) {
      // Insertion into the sorted week: seven values at most.
      const x = v - (e - l);
      let b = n - 1;
      while (b >= 0 && recent[b]! > x) {
        recent[b + 1] = recent[b]!;
        b--;
      }
      recent[b + 1] = x;
      n++;
    }
  }
  if (n < 4) return false;
  const recentLevel = recent[n >> 1]!;
  const drop = recentLevel - priorLevel;
  return drop <= Math.log(1 - config.page.lastingDrop) && drop <= -2 * priorScale;
}
const lastWeek = new Float64Array(7);

/**
 * One page per incident: on each channel-day the strongest qualifying finding carries the page; a
 * qualifying day within `regroupDays` of the channel's previous one (same direction) joins that
 * incident and re-pages only when its severity is higher than any page the incident sent.
 */
function groupIncidents(
  findings: Finding[],
  days: number[],
  places: number[],
  assessments: Assessment[],
  from: number,
  config: AlertPolicyConfig,
): Judged[] {
  const out: Judged[] = [];
  const byDay = new Map<number, number[]>();
  days.forEach((d, k) => {
    const list = byDay.get(d);
    if (list) list.push(k);
    else byDay.set(d, [k]);
  });
  // The days of the past `regroupDays` that qualified, by direction: the incident a day belongs to.
  // Only that week decides (not the incident's whole history), so the daily job, which reads a
  // week of findings before its day, judges the day exactly as a backfill over the year does.
  const recent: Record<'up' | 'down', { day: number; rank: number; impact: number; silent: boolean }[]> = {
    up: [],
    down: [],
  };
  let seenOn = 0;
  for (const d of [...byDay.keys()].sort((a, b) => a - b)) {
    const indices = byDay.get(d)!;
    let carrier = -1;
    for (const k of indices)
      if (
        assessments[k]!.qualifies &&
        (carrier < 0 || assessments[k]!.strength > assessments[carrier]!.strength)
      )
        carrier = k;
    let pageReason: string | undefined;
    if (carrier >= 0) {
      const direction = findings[carrier]!.direction;
      const rank = severityRank(assessments[carrier]!.severity);
      const silent = assessments[carrier]!.silent;
      const impact = assessments[carrier]!.impact ?? 0;
      const week = recent[direction];
      while (week.length > 0 && week[0]!.day < d - config.incident.regroupDays) week.shift();
      if (week.length > 0) {
        let worst = 0;
        let mostImpact = 0;
        let wasSilent = false;
        for (const past of week) {
          worst = Math.max(worst, past.rank);
          mostImpact = Math.max(mostImpact, past.impact);
          wasSilent ||= past.silent;
        }
        seenOn = week[week.length - 1]!.day;
        // Worse: a higher severity, a channel gone silent after a partial drop, or twice the impact
        // of any day of the past week (a real spike a few days after a rise).
        if (rank > worst || (silent && !wasSilent) || impact >= 2 * mostImpact)
          pageReason = `worsened: ${assessments[carrier]!.reason} (incident seen ${isoDay(seenOn)})`;
      } else pageReason = assessments[carrier]!.reason;
      week.push({ day: d, rank, impact, silent });
    }
    if (d < from) continue;
    for (const k of indices) {
      const finding = findings[k]!;
      const a = assessments[k]!;
      const pages = k === carrier && pageReason !== undefined;
      const reason = pages
        ? pageReason!
        : a.qualifies
          ? k === carrier
            ? `grouped: same incident as ${isoDay(seenOn)}`
            : `same page as ${findings[carrier]!.rule}/${findings[carrier]!.metric}`
          : a.reason;
      out.push({
        index: places[k]!,
        judged: {
          ...finding,
          alert: pages,
          severity: a.qualifies ? a.severity : 'info',
          reason,
          ...(a.impact !== undefined && Number.isFinite(a.impact) ? { impact: Math.round(a.impact) } : {}),
        },
      });
    }
  }
  return out;
}
