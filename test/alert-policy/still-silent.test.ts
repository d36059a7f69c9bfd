import { describe, expect, it } from 'vitest';
import { DEFAULT_ALERT_POLICY_CONFIG } from '#shared/config/alert-policy-config.ts';
import { DEFAULT_DETECTION_CONFIG } from '#shared/config/detection-config.ts';
import { judgeFindings } from '#shared/domain/alert-policy/index.ts';
import { stillOpen } from '#shared/domain/digest.ts';
import { runRules } from '#shared/domain/rules/index.ts';
import type { IsoDay } from '#shared/time/seoul.ts';
import { buildMetrics, judge, pagedDays, weekly } from './fixtures.ts';

const FROM = '2026-03-02';
const TO = '2026-07-31';
const COMPANION = { channelId: 'alimtalk_0900', sends: weekly(3_000, 900) };
// An e-contract channel that stops dead on May 4 and never sends again.
const stopped = (() => {
  const base = weekly(12_000, 40);
  return (day: IsoDay, dayNo: number) => (day >= '2026-05-04' ? 0 : base(day, dayNo));
})();
const metrics = buildMetrics([{ channelId: 'alimtalk_0040', sends: stopped }, COMPANION], FROM, TO);

describe('a channel that stopped sending', () => {
  it('pages once and stays an open incident for as long as it sends nothing', () => {
    // Act: every day from the first silent one to twelve weeks later
    const { judged } = judge(metrics, { from: '2026-05-04', to: TO });

    // Assess: one page; every later day grouped into it, the silence's first expectation quoted
    expect(pagedDays(judged, 'alimtalk_0040')).toEqual(['2026-05-04']);
    const lastDay = judged.filter((f) => f.date === TO);
    const open = stillOpen(lastDay);
    expect(open.map((f) => f.channelId)).toEqual(['alimtalk_0040']);
    expect(open[0]!.reason).toMatch(/^grouped: same open incident, last seen 2026-07-30/);
    expect(open[0]!.judged).toMatchObject({ metric: 'sends', actual: 0 });
    expect(open[0]!.judged!.expected).toBeGreaterThan(6_000);
  });

  it("pages on a first run weeks into the silence, as that day's", () => {
    // Prepare: nothing judged before July 20, so no page of the silence went out
    const ruleRun = runRules(metrics, { from: '2026-07-06', to: '2026-07-20' }, DEFAULT_DETECTION_CONFIG);

    // Act
    const judged = judgeFindings({
      profile: 'default',
      metrics,
      ruleRun,
      range: { from: '2026-07-20', to: '2026-07-20' },
      config: DEFAULT_ALERT_POLICY_CONFIG,
      detection: DEFAULT_DETECTION_CONFIG,
      notified: new Set(),
    });

    // Assess
    expect(pagedDays(judged, 'alimtalk_0040')).toEqual(['2026-07-20']);
    expect(judged.find((f) => f.alert)).toMatchObject({ code: 'silent', direction: 'down', actual: 0 });
  });
});
