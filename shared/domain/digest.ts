import type { VerdictName } from '#shared/domain/feedback.ts';
import {
  type JudgedFinding,
  SEVERITY_ORDER,
  type Severity,
  statedDirection,
} from '#shared/domain/finding.ts';
import type { RunRecord } from '#shared/domain/run-record.ts';
import { seoulTimestamp } from '#shared/time/seoul.ts';

/** One digest per run: a plain-text message a person reads at 09:05, and its worst severity. */
export interface Digest {
  subject: string;
  text: string;
  severity: Severity;
  /** The same content as data, for the JSONL sink and chat integrations. */
  body: unknown;
}

/** What the channel registry says of a channel, as the digest shows it. */
export interface ChannelCard {
  name: string;
  owner: string;
  status: string;
}

/** The registry by channel id; a channel missing from it is shown by its id alone. */
export type ChannelDirectory = ReadonlyMap<string, ChannelCard>;

/** "집주인 답변 알림 (alimtalk_0179, 임대관리팀 정민재)", or the id alone when the registry has no entry. */
export function channelLabel(channelId: string, channels?: ChannelDirectory): string {
  const card = channels?.get(channelId);
  return card ? `${card.name} (${channelId}, ${card.owner})` : channelId;
}

const RULE_LABEL: Record<JudgedFinding['rule'], string> = {
  ma_ratio: 'moving-average ratio',
  zscore: 'z-score',
  robust_ratio: 'robust CTR band',
  decline: 'sustained decline',
  low_performer: 'low performer',
  baseline: 'holiday-aware baseline',
};

const count = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
// Three significant digits: a CTR of 0.004% is not 0%.
const ratio = new Intl.NumberFormat('en-US', { style: 'percent', maximumSignificantDigits: 3 });

/**
 * "sends 0 vs expected 12,400 (-100%)", in the metric's own units: the numbers the profile judged
 * (the policy's baseline under `default`), so the change shown is the change in the reason.
 */
/** A figure as alerts write it: a CTR as a percentage (three significant digits), a count whole. */
export function formatFigure(metric: string, value: number): string {
  return metric === 'ctr' ? ratio.format(value) : count.format(value);
}

export function describeChange(finding: JudgedFinding): string {
  const { metric, actual, expected } = finding.judged ?? finding;
  const day = finding.judged?.day;
  // Figures of another day than the finding's say which.
  const label = day ? `${metric} on ${day}` : metric;
  // An expected count under one is shown as such: a percentage of almost nothing says nothing.
  if (metric !== 'ctr' && expected < 0.5) return `${label} ${count.format(actual)} vs expected under 1`;
  const format = (value: number) => formatFigure(metric, value);
  const change =
    expected > 0
      ? ` (${actual >= expected ? '+' : ''}${Math.round(((actual - expected) / expected) * 100)}%)`
      : '';
  return `${label} ${format(actual)} vs expected ${format(expected)}${change}`;
}

/** The change as an alert states it: its direction (of the figures shown), then `describeChange`. */
export function directedChange(finding: JudgedFinding, separator = ' '): string {
  return `${statedDirection(finding) === 'down' ? 'DOWN' : 'UP'}${separator}${describeChange(finding)}`;
}

/** One finding per channel whose owners recorded a change for the day (noted once, never paged). */
export function plannedChanges(findings: JudgedFinding[]): JudgedFinding[] {
  const byChannel = new Map<string, JudgedFinding>();
  for (const finding of findings)
    if (finding.code === 'planned_change' && !byChannel.has(finding.channelId))
      byChannel.set(finding.channelId, finding);
  return [...byChannel.values()];
}

/** Worst first: severity, then impact (sends lost or extra), then channel. */
const worstFirst = (a: JudgedFinding, b: JudgedFinding) =>
  SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity) ||
  (b.impact ?? 0) - (a.impact ?? 0) ||
  a.channelId.localeCompare(b.channelId);

/** The paging findings, worst first. */
export function rankAlerts(findings: JudgedFinding[]): JudgedFinding[] {
  return findings.filter((finding) => finding.alert).sort(worstFirst);
}

/**
 * Incidents paged on an earlier day and still out of line today (grouped into that page, so not paged
 * again): one finding a channel, worst first, leaving out channels that page today.
 */
export function stillOpen(findings: JudgedFinding[]): JudgedFinding[] {
  const paging = new Set(findings.filter((finding) => finding.alert).map((finding) => finding.channelId));
  const byChannel = new Map<string, JudgedFinding>();
  for (const finding of findings) {
    if (finding.code !== 'grouped' || paging.has(finding.channelId)) continue;
    const held = byChannel.get(finding.channelId);
    if (!held || SEVERITY_ORDER.indexOf(finding.severity) < SEVERITY_ORDER.indexOf(held.severity))
      byChannel.set(finding.channelId, finding);
  }
  return [...byChannel.values()].sort(worstFirst);
}

/**
 * A finding as the digest's data carries it: without the rule's working figures (`detail`) and its
 * status (a rule's `candidate` means nothing once the policy has judged the day).
 */
const asSent = ({ detail: _detail, status: _status, ...finding }: JudgedFinding) => finding;

function worst(findings: JudgedFinding[]): Severity {
  return findings.reduce<Severity>(
    (acc, finding) =>
      SEVERITY_ORDER.indexOf(finding.severity) < SEVERITY_ORDER.indexOf(acc) ? finding.severity : acc,
    'info',
  );
}

/** The paging findings by severity, worst first. */
function bySeverityOf(alerts: JudgedFinding[]) {
  return SEVERITY_ORDER.map((level) => [level, alerts.filter((a) => a.severity === level)] as const).filter(
    ([, group]) => group.length > 0,
  );
}

/** One section a severity, one line an alert (and its feedback links), as every digest lists them. */
function alertLines(bySeverity: ReturnType<typeof bySeverityOf>, options: DigestOptions): string[] {
  const lines: string[] = [];
  for (const [level, group] of bySeverity) {
    lines.push(`${level.toUpperCase()} (${group.length})`);
    for (const alert of group) {
      const why = alert.reason ? `; ${alert.reason}` : '';
      lines.push(
        `- ${channelLabel(alert.channelId, options.channels)} [${alert.channelType}] ${directedChange(alert, ': ')} (${RULE_LABEL[alert.rule]}${why})`,
      );
      const links = options.links?.get(alert.channelId);
      if (links)
        lines.push(
          `  was it real? confirmed ${links.confirmed} | false alarm ${links['false-alarm']} | expected ${links.expected}`,
        );
    }
    lines.push('');
  }
  return lines;
}

interface DigestOptions {
  findingsAt?: string;
  channels?: ChannelDirectory;
  /** One-click feedback links per paging channel, one a verdict. */
  links?: ReadonlyMap<string, Readonly<Record<VerdictName, string>>>;
}

/**
 * What a re-run of a day whose digest already went out pages that the digest did not (the day's data
 * was rewritten since, a late file or a corrected partition; or a mute, a status or the config
 * changed). Sent apart, so no page goes unheard.
 */
export function buildCorrectionDigest(
  day: string,
  newAlerts: JudgedFinding[],
  sentAt: string,
  options: DigestOptions = {},
): Digest {
  const alerts = rankAlerts(newAlerts);
  const headline = `${alerts.length} new alert${alerts.length === 1 ? '' : 's'} on a re-run after the digest`;
  const lines = [
    `crm-guard daily check for ${day} (Asia/Seoul): correction`,
    '',
    headline,
    '',
    `The day's digest went out at ${seoulTimestamp(sentAt)}; a re-run of the day pages these too (the day's`,
    'data was rewritten since, or a mute, a status or the config changed).',
    '',
    ...alertLines(bySeverityOf(alerts), options),
  ];
  if (options.findingsAt) lines.push(`All findings: ${options.findingsAt}`);
  return {
    subject: `crm-guard ${day}: ${headline}`,
    text: `${lines.join('\n')}\n`,
    severity: worst(alerts),
    body: { day, correction: true, digestSentAt: sentAt, alerts: alerts.map(asSent) },
  };
}

/** What a page the digest sent says once a re-run no longer pages it (said once, however many re-runs). */
const KEPT_NOTE = ' (paged in the digest; a re-run of the day no longer pages it)';

/**
 * A re-run of a day whose digest went out, against what that digest (and any correction since) said:
 * the pages it told stay, so the incident and its feedback links keep their day, even where the data
 * as read again no longer shows them; the channels it did not tell about that page now are `newAlerts`.
 */
export function reconcileWithSent(
  findings: JudgedFinding[],
  told: JudgedFinding[],
): { findings: JudgedFinding[]; newAlerts: JudgedFinding[] } {
  const toldChannels = new Set(told.map((finding) => finding.channelId));
  const pagingNow = new Set(findings.filter((f) => f.alert).map((finding) => finding.channelId));
  const key = (f: JudgedFinding) => `${f.channelId}#${f.rule}#${f.metric}`;
  const kept = told
    .filter((finding) => !pagingNow.has(finding.channelId))
    .map((finding) => {
      const reason = finding.reason ?? 'paged';
      return reason.endsWith(KEPT_NOTE) ? finding : { ...finding, reason: `${reason}${KEPT_NOTE}` };
    });
  const keptKeys = new Set(kept.map(key));
  return {
    findings: findings.filter((finding) => !keptKeys.has(key(finding))).concat(kept),
    newAlerts: findings.filter((finding) => finding.alert && !toldChannels.has(finding.channelId)),
  };
}

function worseOf(a: Severity, b: Severity): Severity {
  return SEVERITY_ORDER.indexOf(a) <= SEVERITY_ORDER.indexOf(b) ? a : b;
}

/**
 * One digest per run, written for the CRM team lead at 09:05: what pages, worst first, one line each
 * with the number that moved and the rule that saw it; then what the run could not judge.
 */
export function buildDigest(run: RunRecord, findings: JudgedFinding[], options: DigestOptions = {}): Digest {
  const alerts = rankAlerts(findings);
  const severity = worst(alerts);
  const bySeverity = bySeverityOf(alerts);
  const missing = run.missingDays.includes(run.day);
  const expected = plannedChanges(findings).length;
  const open = stillOpen(findings);
  const openNote = open.length ? `; ${open.length} incident${open.length === 1 ? '' : 's'} still open` : '';
  // A quiet day says so in as many words, so a quiet day and a broken job never look alike.
  const counted = alerts.length
    ? `${alerts.length} channel alert${alerts.length === 1 ? '' : 's'}${bySeverity.length ? ` (${bySeverity.map(([level, group]) => `${group.length} ${level}`).join(', ')})` : ''}${openNote}`
    : open.length
      ? `${run.channelsJudged} channels judged, no new alert${openNote}${expected ? `; ${expected} held as expected` : ''}`
      : `${run.channelsJudged} channels judged, nothing needs you today${expected ? `; ${expected} held as expected` : ''}`;
  // The lake's first days: every channel read is too new to judge, which is no all-clear.
  const tooNew =
    !alerts.length && run.channelsJudged > 0 && run.insufficientHistory.length >= run.channelsJudged;
  const summary = tooNew
    ? `nothing judged yet: all ${run.channelsJudged} channels have less than 28 days of history`
    : counted;
  const headline = missing
    ? 'no data yet, nothing judged (provisional)'
    : run.partialData
      ? `data looks partial, drops held; ${summary} (provisional)`
      : summary;
  const subject = `crm-guard ${run.day}: ${headline}`;

  const lines: string[] = [
    `crm-guard daily check for ${run.day} (Asia/Seoul), profile ${run.profile}`,
    '',
    headline,
    '',
  ];
  if (missing)
    lines.push(
      `The data for ${run.day} has not arrived. Re-run the day once it lands; its full digest goes out then.`,
      '',
    );
  else if (run.partialData)
    lines.push(
      `Far fewer channels sent on ${run.day} than on the same weekday in recent weeks: the data is still`,
      'landing, or sends stopped across many channels. Drops are held until the day is re-run. If the data',
      'has landed, check the senders: this is a fleet-wide outage.',
      '',
    );
  lines.push(...alertLines(bySeverity, options));
  if (open.length) {
    lines.push(
      `STILL OPEN (${open.length}): paged on an earlier day, still out of line today, not paged again`,
    );
    for (const finding of open)
      lines.push(
        `- ${channelLabel(finding.channelId, options.channels)} [${finding.channelType}] ${finding.severity} ${directedChange(finding, ': ')} (${finding.reason ?? 'same incident'})`,
      );
    lines.push('');
  }
  const expectedChanges = plannedChanges(findings);
  if (expectedChanges.length) {
    lines.push(`EXPECTED (${expectedChanges.length}): changes the owners recorded for the day`);
    for (const finding of expectedChanges)
      lines.push(
        `- ${channelLabel(finding.channelId, options.channels)} [${finding.channelType}] ${directedChange(finding, ': ')} (change recorded on ${finding.date}; the baseline starts again from it)`,
      );
    lines.push('');
  }
  const held = findings.length - alerts.length;
  lines.push(
    `Channels judged: ${run.channelsJudged}. Findings recorded: ${findings.length} (${held} held back by the alert policy).`,
  );
  if (run.insufficientHistory.length) {
    lines.push(`Not yet judged (less than 28 days of history): ${run.insufficientHistory.length} channels.`);
  }
  if (run.missingDays.length) lines.push(`Data not yet arrived for: ${run.missingDays.join(', ')}.`);
  if (options.findingsAt) lines.push(`All findings: ${options.findingsAt}`);

  return {
    subject,
    text: `${lines.join('\n')}\n`,
    // A partial day may be the worst outage of the year; a missing one is a pipeline to chase.
    severity: run.partialData ? worseOf(severity, 'high') : missing ? worseOf(severity, 'medium') : severity,
    body: {
      day: run.day,
      profile: run.profile,
      alerts: alerts.map(asSent),
      stillOpen: open.map(asSent),
      expectedChanges: expectedChanges.map(asSent),
      channelsJudged: run.channelsJudged,
      findings: findings.length,
      insufficientHistory: run.insufficientHistory.length,
      missingDays: run.missingDays,
      partialData: run.partialData,
      provisional: missing || run.partialData,
    },
  };
}
