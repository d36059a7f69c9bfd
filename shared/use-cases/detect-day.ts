import type { CrmGuardConfig } from '#shared/config/crm-guard-config.ts';
import { lateDays } from '#shared/domain/alert-policy/calendar.ts';
import { judgeFindings, policyHistoryDays, policyLookbackDays } from '#shared/domain/alert-policy/index.ts';
import type { ChannelDayColumns, ChannelMetrics } from '#shared/domain/channel-metrics.ts';
import type { Digest } from '#shared/domain/digest.ts';
import {
  buildCorrectionDigest,
  buildDigest,
  type ChannelDirectory,
  plannedChanges,
  rankAlerts,
  reconcileWithSent,
} from '#shared/domain/digest.ts';
import { closesIncident, type Feedback, VERDICTS, type VerdictName } from '#shared/domain/feedback.ts';
import { FEEDBACK_LINK_DAYS, feedbackLinkMessage, feedbackLinkUrl } from '#shared/domain/feedback-link.ts';
import type { JudgedFinding } from '#shared/domain/finding.ts';
import { channelFacts, type RegistrySnapshot } from '#shared/domain/registry.ts';
import { configLookbackDays, runRules } from '#shared/domain/rules/index.ts';
import type { DigestKind, ProfileName, RunRecord } from '#shared/domain/run-record.ts';
import { buildChannelMetrics } from '#shared/domain/series.ts';
import { OutOfRangeError, UsageError } from '#shared/errors.ts';
import type { AlertSink } from '#shared/ports/alert-sink.ts';
import type { FeedbackStore } from '#shared/ports/feedback-store.ts';
import type { FindingStore } from '#shared/ports/finding-store.ts';
import type { LinkSigner } from '#shared/ports/link-signer.ts';
import type { MetricsSource } from '#shared/ports/metrics-source.ts';
import { addDays, dayNumber, daysInRange, type IsoDay, isoDay, seoulDay } from '#shared/time/seoul.ts';

export interface DetectDayPorts {
  metrics: MetricsSource;
  store: FindingStore;
  alerts: AlertSink;
  /**
   * The channel registry: names and owners for the digest; category, status, declared schedule and
   * recorded changes for the policy (a retired channel's silence never pages).
   */
  registry?: () => Promise<RegistrySnapshot>;
  /** The team's verdicts: an incident they closed (false alarm, expected) is not paged again. */
  feedback?: Pick<FeedbackStore, 'verdicts'>;
  /** One-click feedback links in the digest: where the feedback page is, and what signs the links. */
  links?: { base: string; signer: LinkSigner };
  now?: () => Date;
}

export interface DetectDayRequest {
  day: IsoDay;
  profile: ProfileName;
  config: CrmGuardConfig;
  findingsAt?: string;
  /**
   * Store the findings and send the digest (the job's default). Off, the run is a look: it judges
   * and returns, and neither replaces the stored findings nor sends anything.
   */
  send?: boolean;
}

export interface DetectDayResult {
  run: RunRecord;
  /** The registry as the run read it, for showing names and owners beside the ids. */
  channels: ChannelDirectory;
  findings: JudgedFinding[];
  /**
   * The digest sent this run; undefined when nothing pages or it went out already. When the day's data
   * is missing or partial the digest is provisional: it says so, and the day's full digest still goes out
   * when the day is re-run after the data lands.
   */
  digest?: Digest;
  /** True when an earlier run of the same day already sent its digest (of this run's kind). */
  digestAlreadySent: boolean;
  /** `digest` is a correction: the day's digest went out before, and this re-run pages channels it did not. */
  correction?: boolean;
  /** False for a look (`send: false`): nothing was stored or sent. */
  stored: boolean;
}

/**
 * The daily job: judge `day` for every channel, store its findings (replacing any earlier run of the
 * same day), and send one digest of what pages, once per day however often the day is re-run.
 */
export async function detectDay(request: DetectDayRequest, ports: DetectDayPorts): Promise<DetectDayResult> {
  const now = ports.now ?? (() => new Date());
  const startedAt = now().toISOString();
  const { day, profile, config } = request;
  const send = request.send ?? true;
  const today = seoulDay(now());
  if (day >= today)
    throw new OutOfRangeError(
      `${day} is not over yet in Asia/Seoul (today is ${today}): judge ${addDays(today, -1)} or earlier`,
    );

  const previous = send ? await ports.store.run(day) : undefined;
  // What a digest paged stays what the day paged: another profile's findings would replace them unsent.
  if (previous?.digestSentAt !== undefined && previous.profile !== profile)
    throw new UsageError(
      `the digest for ${day} went out under profile ${previous.profile}, and --send with --profile ${profile} ` +
        `would replace what it paged: leave out --send to look, or re-run with --profile ${previous.profile}`,
    );
  // The policy groups incidents over the days before `day`: the rules run over those too; only `day` is judged.
  const memoryDays = profile === 'default' ? policyLookbackDays(config.alertPolicy) : 0;
  const judgeFrom = addDays(day, -memoryDays);
  // The rules' windows, and for `default` the policy's own baseline (weekday shape, monthly cycles):
  // with less history the policy judges `day` differently from `backfill` and pages monthly peaks.
  const historyDays = Math.max(
    configLookbackDays(config.detection),
    profile === 'default' ? policyHistoryDays(config.alertPolicy, { from: judgeFrom, to: day }) : 0,
  );
  const { metrics, missingSinceStart } = await readSeries(ports.metrics, {
    from: addDays(judgeFrom, -historyDays),
    to: day,
  });
  const missing = metrics.missingDays.includes(day);
  if (missing) {
    // Only a day with no data asks where the lake starts: a day before it is a mistake, not late data.
    const earliest = await ports.metrics.earliestDay();
    if (earliest === undefined || day < earliest)
      throw new OutOfRangeError(
        earliest === undefined
          ? 'the lake has no data yet'
          : `${day} is before the lake's first day, ${earliest}`,
      );
  }
  const ruleRun = runRules(metrics, { from: judgeFrom, to: day }, config.detection);
  const snapshot = await ports.registry?.();
  const channels: ChannelDirectory = new Map(
    (snapshot?.channels ?? []).map((c) => [c.channelId, { name: c.name, owner: c.owner, status: c.status }]),
  );
  const partialData =
    !missing && profile === 'default' && lateDays(metrics, config.alertPolicy.lateData).has(dayNumber(day));
  // A provisional digest while the day is missing or partial (silence would read as "all well" on the
  // one morning a fleet-wide outage looks like late data); the full one once it has landed.
  const kind: DigestKind = missing || partialData ? 'provisional' : 'full';
  // When this kind of digest already went out: a re-run then pages what it paged.
  const sentBefore =
    kind === 'full' ? previous?.digestSentAt : (previous?.digestSentAt ?? previous?.provisionalSentAt);
  const findings = judgeFindings({
    profile,
    metrics,
    ruleRun,
    range: { from: day, to: day },
    config: config.alertPolicy,
    detection: config.detection,
    minSendsForRatio: config.detection.rules.minSendsForRatio,
    ...(snapshot ? { facts: channelFacts(snapshot, sentBefore) } : {}),
    ...(profile === 'default' && send
      ? { notified: await notifiedDays(ports.store, judgeFrom, day, sentBefore) }
      : {}),
    ...(ports.feedback
      ? {
          closed: closedDays(await ports.feedback.verdicts({ from: judgeFrom, to: day }), sentBefore),
        }
      : {}),
  });

  const run: RunRecord = {
    day,
    profile,
    startedAt,
    finishedAt: now().toISOString(),
    channelsJudged: missing
      ? 0
      : metrics.channels.filter((series) => series.firstDay <= metrics.toDay).length,
    findings: findings.length,
    alerts: findings.filter((finding) => finding.alert).length,
    insufficientHistory: ruleRun.insufficientHistory.get(day) ?? [],
    missingDays: missingSinceStart,
    partialData,
    digestSentAt: previous?.digestSentAt,
    provisionalSentAt: previous?.provisionalSentAt,
  };
  if (!send) return { run, channels, findings, digestAlreadySent: false, stored: false };
  const toldInFull = previous?.digestSentAt;
  if (toldInFull !== undefined) {
    // A day told in full that now reads partial or missing is being rewritten: what its digest paged
    // stays stored until the day reads whole again.
    if (kind === 'provisional') return { run, channels, findings, digestAlreadySent: true, stored: false };
    // A re-run tells what the digest did not (another profile's was refused above).
    return correctAfterDigest(request, ports, { run, channels, findings, sentAt: toldInFull, now });
  }
  await ports.store.replaceDay(run, findings);

  const result = { run, channels, findings, digestAlreadySent: sentBefore !== undefined, stored: true };
  // A quiet day still sends its short digest (unless the config turns it off): with the silence
  // alarm, it tells a day with nothing to page from a job that did not run.
  const quiet = run.alerts === 0 && plannedChanges(findings).length === 0;
  if (sentBefore !== undefined || (kind === 'full' && quiet && !config.digest.quietDay)) return result;
  const links = ports.links ? await feedbackLinks(findings, day, now(), ports.links) : undefined;
  const digest = buildDigest(run, findings, {
    findingsAt: request.findingsAt,
    channels,
    ...(links ? { links } : {}),
  });
  // Claim, then publish: two overlapping runs never both send; a failed publish gives the claim back.
  const sentAt = now().toISOString();
  if (!(await ports.store.claimDigest(day, sentAt, kind))) return { ...result, digestAlreadySent: true };
  try {
    await ports.alerts.publish(digest);
  } catch (error) {
    await ports.store.releaseDigest(day, sentAt, kind);
    throw error;
  }
  const claimed = kind === 'full' ? { digestSentAt: sentAt } : { provisionalSentAt: sentAt };
  return { ...result, run: { ...run, ...claimed }, digest };
}

/**
 * A re-run after the day's digest went out: what the digest told stays stored; pages it did not tell
 * go out in a correction, then the day is stored. Sent before storing: a failed store re-sends the
 * correction on a retry rather than keep a page nobody heard.
 */
async function correctAfterDigest(
  request: DetectDayRequest,
  ports: DetectDayPorts,
  judged: {
    run: RunRecord;
    channels: ChannelDirectory;
    findings: JudgedFinding[];
    sentAt: string;
    now: () => Date;
  },
): Promise<DetectDayResult> {
  const { day } = request;
  const told = (await ports.store.findings({ from: day, to: day })).filter((finding) => finding.alert);
  const { findings, newAlerts } = reconcileWithSent(judged.findings, told);
  const run: RunRecord = {
    ...judged.run,
    findings: findings.length,
    alerts: findings.filter((finding) => finding.alert).length,
  };
  let digest: Digest | undefined;
  if (newAlerts.length > 0) {
    const links = ports.links ? await feedbackLinks(newAlerts, day, judged.now(), ports.links) : undefined;
    digest = buildCorrectionDigest(day, newAlerts, judged.sentAt, {
      findingsAt: request.findingsAt,
      channels: judged.channels,
      ...(links ? { links } : {}),
    });
    await ports.alerts.publish(digest);
  }
  await ports.store.replaceDay(run, findings);
  return {
    run,
    channels: judged.channels,
    findings,
    digestAlreadySent: true,
    stored: true,
    ...(digest ? { digest, correction: true } : {}),
  };
}

/**
 * The channels' series over `range`, and its missing days from the lake's first day on. The rows as
 * read are let go here: at 100,000 channels they are a few hundred MB the rest of the run never reads.
 */
async function readSeries(
  source: MetricsSource,
  range: { from: IsoDay; to: IsoDay },
): Promise<{ metrics: ChannelMetrics; missingSinceStart: IsoDay[] }> {
  const columns = await source.readChannelDays(range);
  const metrics = buildChannelMetrics(columns);
  return { metrics, missingSinceStart: missingSinceLakeStart(columns, metrics.missingDays) };
}

/**
 * The read's missing days from the lake's first day on: a long look-back (a year, for holidays) on a
 * young lake reaches days before it had any data, which are not late.
 */
function missingSinceLakeStart(columns: ChannelDayColumns, missingDays: IsoDay[]): IsoDay[] {
  if (columns.seenBefore.includes(1) || columns.day.length === 0) return missingDays;
  let first = columns.toDay;
  for (const d of columns.day) if (d < first) first = d;
  const lakeStart = isoDay(first);
  return missingDays.filter((day) => day >= lakeStart);
}

/**
 * The days before `day` whose pages reached people: judged in full, and either their digest went out
 * or nothing on them paged. An incident groups only with those; a day never run, or judged only
 * provisionally, leaves an ongoing outage to page again today. When `day`'s digest (of the kind this
 * run sends) already went out, at `sentAt`, only what people had heard by then counts: a re-run of
 * `day` after an earlier day was run late pages what its digest paged, not less.
 */
async function notifiedDays(
  store: FindingStore,
  from: IsoDay,
  day: IsoDay,
  sentAt?: string,
): Promise<Set<number>> {
  const days = daysInRange(from, addDays(day, -1));
  const runs = await Promise.all(days.map((d) => store.run(d)));
  const notified = new Set<number>();
  const heardBy = (at: string | undefined) => at !== undefined && before(at, sentAt);
  runs.forEach((run, k) => {
    const judgedInFull = run && !run.partialData && !run.missingDays.includes(run.day);
    if (judgedInFull && (heardBy(run.digestSentAt) || (run.alerts === 0 && heardBy(run.finishedAt))))
      notified.add(dayNumber(days[k]!));
  });
  return notified;
}

/** Whether instant `at` is no later than `cutoff` (every instant is, with no cutoff). */
const before = (at: string, cutoff: string | undefined) =>
  cutoff === undefined || Date.parse(at) <= Date.parse(cutoff);

/**
 * Per channel, the days whose alert the team closed (a false alarm, or expected): by `sentAt` when
 * the day's digest already went out, so a verdict given since does not unpage what it paged.
 */
function closedDays(verdicts: Feedback[], sentAt?: string): Map<string, Set<number>> {
  const closed = new Map<string, Set<number>>();
  for (const feedback of verdicts) {
    if (!closesIncident(feedback.verdict) || !before(feedback.at, sentAt)) continue;
    const days = closed.get(feedback.channelId) ?? new Set<number>();
    days.add(dayNumber(feedback.day));
    closed.set(feedback.channelId, days);
  }
  return closed;
}

/** Digest lines carry links for the worst pages only: a fleet-wide outage should not sign thousands. */
const LINKED_ALERTS = 50;

async function feedbackLinks(
  findings: JudgedFinding[],
  day: IsoDay,
  now: Date,
  links: { base: string; signer: LinkSigner },
): Promise<Map<string, Record<VerdictName, string>>> {
  const expires = Math.floor(now.getTime() / 1000) + FEEDBACK_LINK_DAYS * 86_400;
  const channels = [...new Set(rankAlerts(findings).map((alert) => alert.channelId))].slice(0, LINKED_ALERTS);
  const out = new Map<string, Record<VerdictName, string>>();
  await Promise.all(
    channels.map(async (channelId) => {
      const signed = await Promise.all(
        VERDICTS.map(async (verdict) => {
          const claim = { channelId, day, verdict, expires };
          return [
            verdict,
            feedbackLinkUrl(links.base, claim, await links.signer.sign(feedbackLinkMessage(claim))),
          ];
        }),
      );
      out.set(channelId, Object.fromEntries(signed) as Record<VerdictName, string>);
    }),
  );
  return out;
}
