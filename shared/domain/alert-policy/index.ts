/**
 * The alert policy: which rule findings page a human. It sits on top of the seed rules and never
 * changes what they compute; it returns every finding of the range with `alert`, `severity`, a reason
 * `code` and its sentence, and `impact`.
 *
 * - `seed`: the operating team's rules as they were: confirmed findings of rules 1-4 page.
 * - `default`: a finding pages only when the policy's own evidence confirms it (see `look.ts` for the
 *   checks, one file each under `checks/`); where the rules are silent, the same baseline pages on
 *   its own (rule `baseline`); one page per incident.
 */
import type { AlertPolicyConfig } from '#shared/domain/alert-policy/config.ts';
import type { ChannelFactsById } from '#shared/domain/channel-facts.ts';
import type { ChannelMetrics, ChannelSeries } from '#shared/domain/channel-metrics.ts';
import type { Finding, JudgedFinding } from '#shared/domain/finding.ts';
import { mutedOn } from '#shared/domain/registry.ts';
import type { DetectionConfig } from '#shared/domain/rules/config.ts';
import type { RuleRun } from '#shared/domain/rules/index.ts';
import type { ProfileName } from '#shared/domain/run-record.ts';
import { dayNumber, type IsoDay } from '#shared/time/seoul.ts';
import { type CalendarKind, calendarKindOf, lateDays } from './calendar.ts';
import { CalendarMemory, calendarMemoryDays, calendarSamples } from './calendar-memory.ts';
import { campaignProfiles } from './campaign-profile.ts';
import { addBaselinePages, type ChannelFindings } from './checks/baseline-pages.ts';
import { groupIncidents, heldFinding, type Placed } from './checks/incident-grouping.ts';
import { DAYS_PER_MONTH, MONTH_SLACK_DAYS } from './checks/monthly-cycle.ts';
import {
  addInactiveSends,
  holdInactiveDrops,
  holdMutedDays,
  inactiveFrom,
} from './checks/registry-status.ts';
import { addStillSilentPages } from './checks/still-silent.ts';
import type { PolicyChannel, PolicyRun } from './context.ts';
import { channelEvidence, evidenceArena } from './evidence.ts';
import { assess } from './look.ts';
import { severityOf } from './severity.ts';
import { hold, reasonText } from './verdict.ts';

export interface JudgeFindingsInput {
  profile: ProfileName;
  metrics: ChannelMetrics;
  /** The rules run over [range.from - policyLookbackDays(config), range.to] (earlier days group incidents). */
  ruleRun: RuleRun;
  range: { from: IsoDay; to: IsoDay };
  config: AlertPolicyConfig;
  /** The detection config the rules ran with: the policy reads its CTR floor and decline streak. */
  detection?: DetectionConfig;
  /** The rules' CTR floor (detection config `minSendsForRatio`), default 100. */
  minSendsForRatio?: number;
  /** The rules' decline streak (detection config `decline.days`), default 5. */
  declineDays?: number;
  /** What the registry knows of each channel (category, status, declared schedule, recorded changes). */
  facts?: ChannelFactsById;
  /**
   * Day numbers before `range.from` whose pages reached people (the daily job reads them from the run
   * records). An incident groups only with those. Left out, every earlier day counts (as in a backfill).
   */
  notified?: ReadonlySet<number>;
  /** Per channel, the day numbers whose alert the team closed (a false alarm, or expected). */
  closed?: ReadonlyMap<string, ReadonlySet<number>>;
}

const PAGING_RULES = new Set(['ma_ratio', 'zscore', 'robust_ratio', 'decline']);

/**
 * Days before the judged day the policy needs rule findings for: a day joins the incident of the past
 * `regroupDays`, and re-pages only when worse than every day of them. The daily job runs the rules for [t-k, t].
 */
export function policyLookbackDays(config: AlertPolicyConfig): number {
  return config.incident.regroupDays;
}

/**
 * Days of metrics before the first judged day the policy's own baseline wants: the weekday shape and
 * the level window, and two months back for monthly cycles, plus a week for the forward fit (which
 * keeps past anomalies out) to settle as it would over a longer history. With less, it still judges,
 * more cautiously (a cycle it cannot check is not excused). Read from judgeFrom - max(this, configLookbackDays).
 *
 * When `judged` (the days judged, look-back included) holds one of the calendar's unusual days, a
 * year more: what every channel did on such days is learned from the year before.
 */
export function policyHistoryDays(config: AlertPolicyConfig, judged?: { from: IsoDay; to: IsoDay }): number {
  const { shapeDays, levelDays, minCleanDays } = config.baseline;
  // Two months and the slack of a moved billing day back, plus the clean days a baseline there needs.
  const monthlyCycle = Math.round(2 * DAYS_PER_MONTH) + MONTH_SLACK_DAYS + minCleanDays;
  const baseline = Math.max(shapeDays + levelDays, monthlyCycle, config.campaign.windowDays + 6) + 7;
  if (!judged) return baseline;
  for (let d = dayNumber(judged.from); d <= dayNumber(judged.to); d++)
    if (calendarKindOf(d, config.holidays) !== undefined)
      return Math.max(baseline, calendarMemoryDays(config.holidays));
  return baseline;
}

/** Every finding of `range`, judged by the profile. */
export function judgeFindings(input: JudgeFindingsInput): JudgedFinding[] {
  const from = dayNumber(input.range.from);
  const to = dayNumber(input.range.to);
  if (input.profile === 'seed') {
    const seriesById = new Map(input.metrics.channels.map((s) => [s.channelId, s]));
    const out: JudgedFinding[] = [];
    for (const finding of input.ruleRun.findings) {
      const d = dayNumber(finding.date);
      if (d < from || d > to) continue;
      const judged = judgeSeed(finding, seriesById.get(finding.channelId), input.config.severity);
      // The registry holds for the team's rules too: a paused or retired channel's silence never pages.
      const facts = input.facts?.get(finding.channelId);
      const since = inactiveFrom(facts);
      const inactiveDrop = since !== undefined && d >= since && finding.direction === 'down';
      if (judged.alert && mutedOn(facts?.mute, finding.date)) {
        out.push({
          ...judged,
          alert: false,
          severity: 'info',
          code: 'muted',
          reason: reasonText(hold('muted')),
        });
        continue;
      }
      out.push(
        inactiveDrop
          ? {
              ...judged,
              alert: false,
              severity: 'info',
              code: 'channel_inactive',
              reason: reasonText(hold('channel_inactive')),
            }
          : judged,
      );
    }
    return out;
  }
  return judgeDefault(input, from, to);
}

function sendsOn(series: ChannelSeries | undefined, dayNo: number): number {
  const i = series ? dayNo - series.firstDay : -1;
  return series && i >= 0 && i < series.sends.length ? series.sends[i]! : Number.NaN;
}

function judgeSeed(
  finding: Finding,
  series: ChannelSeries | undefined,
  severity: AlertPolicyConfig['severity'],
): JudgedFinding {
  const pages = finding.status === 'confirmed' && PAGING_RULES.has(finding.rule);
  const sends = sendsOn(series, dayNumber(finding.date));
  const impact = Math.abs(finding.actual - finding.expected) * (finding.metric === 'ctr' ? sends : 1);
  const code = pages
    ? 'seed_confirmed'
    : finding.rule === 'low_performer'
      ? 'low_performer'
      : 'seed_candidate';
  return {
    ...finding,
    alert: pages,
    severity: pages ? severityOf(Number.isFinite(impact) ? impact : 0, false, severity) : 'info',
    code,
    reason: pages ? `seed: confirmed ${finding.rule}` : reasonText(hold(code)),
    ...(Number.isFinite(impact) ? { impact: Math.round(impact) } : {}),
  };
}

/** The run-wide part of every look: config, late days, and calendar kinds cached per day. */
function policyRun(input: JudgeFindingsInput, config: AlertPolicyConfig): PolicyRun {
  const late = lateDays(input.metrics, config.lateData);
  for (const day of input.ruleRun.lateDays) late.add(dayNumber(day));
  const kinds = new Map<number, CalendarKind | undefined>();
  return {
    config,
    late,
    kindOf(dayNo) {
      if (!kinds.has(dayNo)) kinds.set(dayNo, calendarKindOf(dayNo, config.holidays));
      return kinds.get(dayNo);
    },
    calendar: new CalendarMemory(config.holidays),
    minSendsForRatio: input.minSendsForRatio ?? input.detection?.rules.minSendsForRatio ?? 100,
    declineDays: input.declineDays ?? input.detection?.rules.decline.days ?? 5,
    minHistoryDays: input.detection?.rules.minHistoryDays ?? 28,
  };
}

/**
 * The rule findings of [contextFrom, to] by channel, with their day numbers (parsed once a day), each
 * judged as a finding with no evidence until its channel's evidence judges it; the low performers of
 * [from, to] apart (see `heldFinding`).
 */
function findingsByChannel(
  findings: Finding[],
  contextFrom: number,
  from: number,
  to: number,
): { byChannel: Map<string, ChannelFindings>; lowPerformers: Map<string, ChannelFindings> } {
  const byChannel = new Map<string, ChannelFindings>();
  const lowPerformers = new Map<string, ChannelFindings>();
  let lastDay = '';
  let lastDayNo = 0;
  findings.forEach((finding, place) => {
    if (finding.date !== lastDay) {
      lastDay = finding.date;
      lastDayNo = dayNumber(finding.date);
    }
    if (lastDayNo < contextFrom || lastDayNo > to) return;
    const low = finding.rule === 'low_performer';
    // A low performer never pages: an earlier day's opens no incident.
    if (low && lastDayNo < from) return;
    const lists = low ? lowPerformers : byChannel;
    let channel = lists.get(finding.channelId);
    if (!channel) {
      channel = [];
      lists.set(finding.channelId, channel);
    }
    channel.push({ finding, day: lastDayNo, place, verdict: low ? LOW_PERFORMER : NOT_IN_METRICS });
  });
  return { byChannel, lowPerformers };
}

const MUTED = hold('muted');
const NO_DAYS: number[] = [];
const NO_FINDINGS: ChannelFindings = [];
const NO_CHANGES: ReadonlySet<number> = new Set();
const LOW_PERFORMER = hold('low_performer');
const NOT_IN_METRICS = hold('not_in_metrics');

/**
 * The recorded changes that start a new level: not one after which the channel has sent nothing
 * (silence is an outage whatever was changed; as a level it would stop paging once learnt).
 */
function levelChanges(series: ChannelSeries, changes: readonly IsoDay[]): number[] {
  const last = series.firstDay + series.sends.length - 1;
  let lastSend = -1;
  for (let i = series.sends.length - 1; i >= 0; i--)
    if (series.sends[i]! > 0) {
      lastSend = series.firstDay + i;
      break;
    }
  return changes.map(dayNumber).filter((day) => day > last || day <= lastSend);
}

function judgeDefault(input: JudgeFindingsInput, from: number, to: number): JudgedFinding[] {
  const config = input.config;
  const run = policyRun(input, config);
  const contextFrom = from - policyLookbackDays(config);
  const { fromDay, toDay } = input.metrics;
  // Late days and the calendar's unusual days teach no baseline.
  const excludedFlags = new Uint8Array(Math.max(0, toDay - fromDay + 1));
  const unusualDays: { dayNo: number; kind: CalendarKind }[] = [];
  for (let d = fromDay; d <= toDay; d++) {
    const kind = run.kindOf(d);
    if (kind !== undefined) unusualDays.push({ dayNo: d, kind });
    if (run.late.has(d) || kind !== undefined) excludedFlags[d - fromDay] = 1;
  }
  const excludedDay = (dayNo: number) => excludedFlags[dayNo - fromDay] === 1;
  const ordinaryDay = (dayNo: number) =>
    dayNo >= fromDay && dayNo <= toDay && excludedFlags[dayNo - fromDay] === 0;
  // First pass: every channel's responses to the calendar's unusual days, pooled by peers.
  const channels = input.metrics.channels;
  const groups = channels.map(
    (series) => `${series.channelType}/${input.facts?.get(series.channelId)?.category ?? ''}`,
  );
  const samples = channels.map((series, c) => {
    const own = calendarSamples(series, unusualDays, ordinaryDay);
    run.calendar.add(groups[c]!, own);
    return own;
  });
  const muted = new Set(config.mutedChannels);
  const { byChannel, lowPerformers } = findingsByChannel(input.ruleRun.findings, contextFrom, from, to);

  const judged: JudgedFinding[] = new Array(input.ruleRun.findings.length);
  const extra: JudgedFinding[] = [];
  const place = (out: Placed[]) => {
    for (const p of out) {
      if (p.place >= 0) judged[p.place] = p.judged;
      else extra.push(p.judged);
    }
  };
  // More than half of a year's findings: held as found (or as the registry has the channel that day),
  // without a look or an incident to join.
  const placeLowPerformers = (channelId: string) => {
    for (const entry of lowPerformers.get(channelId) ?? NO_FINDINGS)
      judged[entry.place] = heldFinding(entry.finding, entry.verdict);
    lowPerformers.delete(channelId);
  };
  const arena = evidenceArena();
  for (let c = 0; c < channels.length; c++) {
    const series = channels[c]!;
    const channel = byChannel.get(series.channelId) ?? [];
    byChannel.delete(series.channelId);
    const low = lowPerformers.get(series.channelId) ?? NO_FINDINGS;
    const last = series.firstDay + series.sends.length - 1;
    if (muted.has(series.channelId)) for (const entry of [...channel, ...low]) entry.verdict = MUTED;
    else if (last >= contextFrom) {
      arena.reset();
      const facts = input.facts?.get(series.channelId);
      const changeDays = facts?.changes ? levelChanges(series, facts.changes) : NO_DAYS;
      const view: PolicyChannel = {
        evidence: channelEvidence(series, excludedDay, run.minSendsForRatio, config, arena, changeDays),
        changeDays: changeDays.length ? new Set(changeDays) : NO_CHANGES,
        facts,
        group: groups[c]!,
        calendar: samples[c]!,
        campaign: campaignProfiles(series, facts, config.campaign, run.minSendsForRatio, ordinaryDay),
        verdicts: new Map(),
      };
      for (const entry of channel) entry.verdict = assess(run, view, entry.finding, entry.day);
      const since = inactiveFrom(facts);
      // A paused or retired channel is judged as active until the day before its status took effect.
      const activeTo = since === undefined ? to : Math.min(to, since - 1);
      if (since !== undefined) {
        holdInactiveDrops(channel, since);
        holdInactiveDrops(low, since);
      }
      addBaselinePages(run, view, channel, contextFrom, activeTo);
      addStillSilentPages(run, view, channel, contextFrom, activeTo);
      if (since !== undefined) addInactiveSends(run, series, channel, since, contextFrom, to);
      holdMutedDays(channel, facts);
      holdMutedDays(low, facts);
    }
    place(groupIncidents(channel, from, config, input.notified, input.closed?.get(series.channelId)));
    placeLowPerformers(series.channelId);
  }
  // Findings of channels the metrics no longer hold: judged as found, without evidence.
  for (const channelId of [...lowPerformers.keys()]) placeLowPerformers(channelId);
  for (const channel of byChannel.values())
    place(
      groupIncidents(
        channel,
        from,
        config,
        input.notified,
        input.closed?.get(channel[0]?.finding.channelId ?? ''),
      ),
    );
  const out: JudgedFinding[] = [];
  for (const j of judged) if (j) out.push(j);
  extra.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.channelId < b.channelId ? -1 : 1));
  return out.concat(extra);
}
