/**
 * One labeled benchmark run, in memory: generate a sample, build the series, run the seed rules over
 * the judged range, judge with a profile, score against the labels.
 */

import type { AlertPolicyConfig } from '#shared/config/alert-policy-config.ts';
import { DEFAULT_DETECTION_CONFIG } from '#shared/config/detection-config.ts';
import { judgeFindings } from '#shared/domain/alert-policy/index.ts';
import type { JudgedFinding } from '#shared/domain/finding.ts';
import { nearHoliday } from '#shared/domain/holidays.ts';
import { runRules } from '#shared/domain/rules/index.ts';
import { type GenerateSampleOptions, generateSample, type Sample } from '#shared/domain/sample/generate.ts';
import { buildChannelMetrics } from '#shared/domain/series.ts';
import type { ProfileName } from '#shared/ports/finding-store.ts';
import { addDays, isoDay } from '#shared/time/seoul.ts';
import { pagedDays, type Score, scorePages } from './score.ts';

export interface BenchmarkResult {
  sample: Sample;
  range: { from: string; to: string };
  findings: number;
  judged: Record<ProfileName, JudgedFinding[]>;
  scores: Record<ProfileName, Score>;
  pages: Record<ProfileName, Map<string, Set<number>>>;
}

/** Days of history before the first judged day: the rules' longest window. */
export const WARM_UP_DAYS = 56;

export function runBenchmark(options: GenerateSampleOptions, policy?: AlertPolicyConfig): BenchmarkResult {
  const sample = generateSample(options);
  const metrics = buildChannelMetrics(sample.columns);
  const range = { from: addDays(sample.from, WARM_UP_DAYS), to: sample.to };
  const ruleRun = runRules(metrics, range, DEFAULT_DETECTION_CONFIG);
  const near = (dayNo: number) => nearHoliday(isoDay(dayNo), 2);
  const judged = {} as Record<ProfileName, JudgedFinding[]>;
  const scores = {} as Record<ProfileName, Score>;
  const pages = {} as Record<ProfileName, Map<string, Set<number>>>;
  for (const profile of ['seed', 'default'] as const) {
    judged[profile] = judgeFindings({
      profile,
      metrics,
      ruleRun,
      range,
      ...(policy ? { config: policy } : {}),
      detection: DEFAULT_DETECTION_CONFIG,
    });
    pages[profile] = pagedDays(judged[profile]);
    scores[profile] = scorePages(sample, pages[profile], range, near);
  }
  return { sample, range, findings: ruleRun.findings.length, judged, scores, pages };
}
