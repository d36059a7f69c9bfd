import { describe, expect, it } from 'vitest';
import { parseCrmGuardConfig } from '#shared/config/crm-guard-config.ts';
import { judgeFindings } from '#shared/domain/alert-policy/index.ts';
import { runRules } from '#shared/domain/rules/index.ts';
import { buildChannelMetrics } from '#shared/domain/series.ts';
import { type GenerateSampleOptions, generateSample, REALISTIC_MIX } from '#shared/sample/generate.ts';

/** Every finding of a generated fleet's whole range, judged by the `default` profile. */
function judgedFleet(options: Omit<GenerateSampleOptions, 'endDay'>) {
  const config = parseCrmGuardConfig({});
  const sample = generateSample({ ...options, endDay: '2026-10-31' });
  const metrics = buildChannelMetrics(sample.columns);
  const range = { from: sample.from, to: sample.to };
  return judgeFindings({
    profile: 'default',
    metrics,
    ruleRun: runRules(metrics, range, config.detection),
    range,
    config: config.alertPolicy,
    detection: config.detection,
    facts: sample.facts,
  });
}

describe('the figures a page states', () => {
  it('never show a range that holds the value that paged', () => {
    // Prepare / Act: a realistic fleet, where pages come from runs of days, small counts and spikes too
    const judged = judgedFleet({ channels: 60, days: 200, seed: 5, families: REALISTIC_MIX });

    // Assess: a range is stated only when the day alone left it (a reader takes a value inside it for normal)
    const pages = judged.filter((f) => f.alert && f.judged);
    expect(pages.length).toBeGreaterThan(20);
    const inside = pages.filter(
      ({ judged: figures }) =>
        figures!.lower !== undefined && figures!.lower < figures!.actual && figures!.actual < figures!.upper!,
    );
    expect(inside.map((f) => `${f.channelId} ${f.date} ${f.code}`)).toEqual([]);
  });

  it('never state a campaign channel as "Infinityx its usual campaign"', () => {
    // Prepare / Act: campaign-burst channels only, whose recent campaign days can have sent nothing at all
    const judged = judgedFleet({ channels: 80, days: 365, seed: 3, families: { bursty: 1 } });

    // Assess: campaigns of next to nothing set no usual size to be a multiple of
    expect(judged.filter((f) => f.alert).length).toBeGreaterThan(20);
    const unreadable = judged.filter((f) => /Infinity|NaN/.test(f.reason ?? ''));
    expect(unreadable.map((f) => `${f.channelId} ${f.date} ${f.reason}`)).toEqual([]);
  });
});
