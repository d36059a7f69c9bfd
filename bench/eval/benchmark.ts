/**
 * One labeled benchmark run, in memory: generate a sample (or take given columns), build the series, run
 * the seed rules over the judged range, judge with both profiles (the registry's facts passed along),
 * score against the labels.
 */

import { DEFAULT_ALERT_POLICY_CONFIG } from '#shared/config/alert-policy-config.ts';
import { DEFAULT_DETECTION_CONFIG } from '#shared/config/detection-config.ts';
import type { AlertPolicyConfig } from '#shared/domain/alert-policy/config.ts';
import { judgeFindings } from '#shared/domain/alert-policy/index.ts';
import type { ChannelFactsById } from '#shared/domain/channel-facts.ts';
import type { ChannelDayColumns } from '#shared/domain/channel-metrics.ts';
import type { JudgedFinding } from '#shared/domain/finding.ts';
import { nearHoliday } from '#shared/domain/holidays.ts';
import { runRules } from '#shared/domain/rules/index.ts';
import type { ProfileName } from '#shared/domain/run-record.ts';
import { buildChannelMetrics } from '#shared/domain/series.ts';
import { type GenerateSampleOptions, generateSample, type Sample } from '#shared/sample/generate.ts';
import { addDays, isoDay } from '#shared/time/seoul.ts';
import { type Labels, pagedDays, type Score, scorePages } from './score.ts';

export const PROFILES: readonly ProfileName[] = ['seed', 'default'];

export interface Judgement {
  range: { from: string; to: string };
  findings: number;
  judged: Record<ProfileName, JudgedFinding[]>;
  scores: Record<ProfileName, Score>;
  pages: Record<ProfileName, Map<string, Set<number>>>;
}

export interface BenchmarkResult extends Judgement {
  sample: Sample;
}

/** Days of history before the first judged day: the rules' longest window. */
export const WARM_UP_DAYS = 56;

/** Pages within two days of a Korean holiday are counted apart (and still count). */
const NEAR_HOLIDAY_DAYS = 2;

export function runBenchmark(options: GenerateSampleOptions, policy?: AlertPolicyConfig): BenchmarkResult {
  const sample = generateSample(options);
  const range = { from: addDays(sample.from, WARM_UP_DAYS), to: sample.to };
  return { sample, ...judgeAndScore(sample.columns, range, sample, sample.facts, policy) };
}

/** Runs the rules over `range` of the columns, judges with both profiles and scores against `labels`. */
export function judgeAndScore(
  columns: ChannelDayColumns,
  range: { from: string; to: string },
  labels: Labels,
  facts?: ChannelFactsById,
  policy?: AlertPolicyConfig,
): Judgement {
  const metrics = buildChannelMetrics(columns);
  const ruleRun = runRules(metrics, range, DEFAULT_DETECTION_CONFIG);
  const near = (dayNo: number) => nearHoliday(isoDay(dayNo), NEAR_HOLIDAY_DAYS);
  const judged = {} as Record<ProfileName, JudgedFinding[]>;
  const scores = {} as Record<ProfileName, Score>;
  const pages = {} as Record<ProfileName, Map<string, Set<number>>>;
  for (const profile of PROFILES) {
    judged[profile] = judgeFindings({
      profile,
      metrics,
      ruleRun,
      range,
      config: policy ?? DEFAULT_ALERT_POLICY_CONFIG,
      detection: DEFAULT_DETECTION_CONFIG,
      ...(facts ? { facts } : {}),
    });
    pages[profile] = pagedDays(judged[profile]);
    scores[profile] = scorePages(labels, pages[profile], range, near);
  }
  return { range, findings: ruleRun.findings.length, judged, scores, pages };
}
