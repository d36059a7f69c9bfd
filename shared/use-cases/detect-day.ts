import type { CrmGuardConfig } from '#shared/config/crm-guard-config.ts';
import { lateDays } from '#shared/domain/alert-policy/calendar.ts';
import { judgeFindings, policyHistoryDays, policyLookbackDays } from '#shared/domain/alert-policy/index.ts';
import { buildDigest, type ChannelDirectory } from '#shared/domain/digest.ts';
import type { JudgedFinding } from '#shared/domain/finding.ts';
import { configLookbackDays, runRules } from '#shared/domain/rules/index.ts';
import { buildChannelMetrics } from '#shared/domain/series.ts';
import type { AlertSink, Digest } from '#shared/ports/alert-sink.ts';
import type { FindingStore, ProfileName, RunRecord } from '#shared/ports/finding-store.ts';
import type { MetricsSource } from '#shared/ports/metrics-source.ts';
import { addDays, dayNumber, type IsoDay } from '#shared/time/seoul.ts';

export interface DetectDayPorts {
  metrics: MetricsSource;
  store: FindingStore;
  alerts: AlertSink;
  /** The channel registry: names and owners for the digest; a retired channel's findings never page. */
  channels?: () => Promise<ChannelDirectory>;
  now?: () => Date;
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
  /** True when an earlier run of the same day already sent its digest. */
  digestAlreadySent: boolean;
}

/**
 * The daily job: judge `day` for every channel, store its findings (replacing any earlier run of the
 * same day), and send one digest of what pages, once per day however often the day is re-run.
 */
export async function detectDay(
  request: { day: IsoDay; profile: ProfileName; config: CrmGuardConfig; findingsAt?: string },
  ports: DetectDayPorts,
): Promise<DetectDayResult> {
  const now = ports.now ?? (() => new Date());
  const startedAt = now().toISOString();
  const { day, profile, config } = request;

  // The policy groups incidents over the days before `day`: the rules run over those too; only `day` is judged.
  const memoryDays = profile === 'default' ? policyLookbackDays(config.alertPolicy) : 0;
  const judgeFrom = addDays(day, -memoryDays);
  // The rules' windows, and for `default` the policy's own baseline (weekday shape, monthly cycles):
  // with less history the policy judges `day` differently from `backfill` and pages monthly peaks.
  const historyDays = Math.max(
    configLookbackDays(config.detection),
    profile === 'default' ? policyHistoryDays(config.alertPolicy) : 0,
  );
  const columns = await ports.metrics.readChannelDays({ from: addDays(judgeFrom, -historyDays), to: day });
  const metrics = buildChannelMetrics(columns);
  const ruleRun = runRules(metrics, { from: judgeFrom, to: day }, config.detection);
  const channels: ChannelDirectory = (await ports.channels?.()) ?? new Map();
  const judged = judgeFindings({
    profile,
    metrics,
    ruleRun,
    range: { from: day, to: day },
    config: config.alertPolicy,
    detection: config.detection,
    minSendsForRatio: config.detection.rules.minSendsForRatio,
  });
  const findings = judged.map((finding) =>
    finding.alert && channels.get(finding.channelId)?.status === 'retired'
      ? { ...finding, alert: false, code: 'channel_retired' as const, reason: 'channel retired' }
      : finding,
  );

  const previous = await ports.store.run(day);
  const missing = ruleRun.lateDays.includes(day);
  const partialData =
    !missing && profile === 'default' && lateDays(metrics, config.alertPolicy.lateData).has(dayNumber(day));
  const run: RunRecord = {
    day,
    profile,
    startedAt,
    finishedAt: now().toISOString(),
    channelsJudged: missing
      ? 0
      : metrics.channels.filter((series) => series.firstDay <= columns.toDay).length,
    findings: findings.length,
    alerts: findings.filter((finding) => finding.alert).length,
    insufficientHistory: ruleRun.insufficientHistory.get(day) ?? [],
    missingDays: metrics.missingDays,
    partialData,
    digestSentAt: previous?.digestSentAt,
  };
  await ports.store.replaceDay(run, findings);

  const digestAlreadySent = previous?.digestSentAt !== undefined;
  const late = missing || partialData;
  if (digestAlreadySent || (!late && run.alerts === 0)) return { run, channels, findings, digestAlreadySent };
  const digest = buildDigest(run, findings, { findingsAt: request.findingsAt, channels });
  if (late) {
    // Silence would read as "all well" on the one morning a fleet-wide outage looks like late data.
    // Unclaimed: the re-run after the data lands still sends the day's full digest.
    await ports.alerts.publish(digest);
    return { run, channels, findings, digest, digestAlreadySent };
  }
  // Claim, then publish: two overlapping runs never both send; a failed publish gives the claim back.
  const sentAt = now().toISOString();
  if (!(await ports.store.claimDigest(day, sentAt)))
    return { run, channels, findings, digestAlreadySent: true };
  try {
    await ports.alerts.publish(digest);
  } catch (error) {
    await ports.store.releaseDigest(day, sentAt);
    throw error;
  }
  return { run: { ...run, digestSentAt: sentAt }, channels, findings, digest, digestAlreadySent };
}
