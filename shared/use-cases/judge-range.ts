import type { CrmGuardConfig } from '#shared/config/crm-guard-config.ts';
import { judgeFindings, policyLookbackDays } from '#shared/domain/alert-policy/index.ts';
import type { ChannelFactsById } from '#shared/domain/channel-facts.ts';
import type { JudgedFinding } from '#shared/domain/finding.ts';
import { runRules } from '#shared/domain/rules/index.ts';
import type { ProfileName } from '#shared/domain/run-record.ts';
import { buildChannelMetrics } from '#shared/domain/series.ts';
import { OutOfRangeError } from '#shared/errors.ts';
import type { MetricsSource } from '#shared/ports/metrics-source.ts';
import { addDays, type IsoDay } from '#shared/time/seoul.ts';

export interface BackfillResult {
  findings: JudgedFinding[];
  judgedChannelDays: number;
  lateDays: IsoDay[];
}

/**
 * Judges every day of [from, to] the way the daily job would (sends nothing, stores nothing).
 * It reads from the source's first day so every channel's series starts where its data does.
 */
export async function backfill(
  request: {
    from: IsoDay;
    to: IsoDay;
    profile: ProfileName;
    config: CrmGuardConfig;
    /** What the registry knows of each channel, when the run has one. */
    facts?: ChannelFactsById;
  },
  ports: { metrics: MetricsSource },
): Promise<BackfillResult> {
  const { from, to, profile, config } = request;
  const earliest = await ports.metrics.earliestDay();
  if (earliest === undefined) throw new OutOfRangeError('the lake has no data yet');
  if (to < earliest) throw new OutOfRangeError(`${from}..${to} is before the lake's first day, ${earliest}`);
  const memoryDays = profile === 'default' ? policyLookbackDays(config.alertPolicy) : 0;
  const judgeFrom = addDays(from, -memoryDays) < earliest ? earliest : addDays(from, -memoryDays);
  const readFrom = earliest < judgeFrom ? earliest : judgeFrom;
  const metrics = buildChannelMetrics(await ports.metrics.readChannelDays({ from: readFrom, to }));
  const ruleRun = runRules(metrics, { from: judgeFrom, to }, config.detection);
  const judged = judgeFindings({
    profile,
    metrics,
    ruleRun,
    range: { from: judgeFrom, to },
    config: config.alertPolicy,
    detection: config.detection,
    minSendsForRatio: config.detection.rules.minSendsForRatio,
    ...(request.facts ? { facts: request.facts } : {}),
  });
  // Day by day, then channel: the policy's own pages come after the rules' and must be merged in.
  const findings = judged
    .filter((finding) => finding.date >= from)
    .sort((a, b) =>
      a.date < b.date
        ? -1
        : a.date > b.date
          ? 1
          : a.channelId < b.channelId
            ? -1
            : a.channelId > b.channelId
              ? 1
              : 0,
    );
  return {
    findings,
    // The days asked for: the policy's memory days before `from` are judged too, but not reported.
    judgedChannelDays: [...ruleRun.judgedByDay].reduce(
      (sum, [day, count]) => (day >= from ? sum + count : sum),
      0,
    ),
    lateDays: ruleRun.lateDays.filter((day) => day >= from),
  };
}
