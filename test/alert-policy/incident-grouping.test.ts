import { describe, expect, it } from 'vitest';
import { DEFAULT_ALERT_POLICY_CONFIG } from '#shared/config/alert-policy-config.ts';
import { groupIncidents } from '#shared/domain/alert-policy/checks/incident-grouping.ts';
import { page } from '#shared/domain/alert-policy/verdict.ts';
import type { Finding } from '#shared/domain/finding.ts';
import { dayNumber } from '#shared/time/seoul.ts';

const finding = (
  date: string,
  rule: Finding['rule'],
  metric: Finding['metric'],
  direction: Finding['direction'],
) =>
  ({
    date,
    channelId: 'push_0001',
    channelType: 'push',
    rule,
    metric,
    status: 'confirmed',
    direction,
    actual: 0,
    expected: 0,
    lower: 0,
    upper: 0,
  }) satisfies Finding;

describe('incident grouping', () => {
  it('groups a CTR rise that pages as a lasting drop in sends with the drop it is part of', () => {
    // Prepare: a lasting drop paged on day 1; on day 3 a CTR rise pages through the same sends drop.
    const drop = page('lasting_drop', {
      severity: 'high',
      impact: 5_000,
      strength: 5,
      down: true,
      judged: { metric: 'sends', actual: 2_000, expected: 7_000 },
    });
    const findings = [
      finding('2026-02-20', 'decline', 'sends', 'down'),
      finding('2026-02-22', 'robust_ratio', 'ctr', 'up'),
    ];

    // Act
    const placed = groupIncidents(
      findings.map((finding, place) => ({
        finding,
        day: dayNumber(finding.date),
        place,
        verdict: place === 0 ? drop : { ...drop, impact: 6_000 },
      })),
      dayNumber('2026-02-20'),
      DEFAULT_ALERT_POLICY_CONFIG,
    );

    // Assess
    expect(placed.map((p) => [p.judged.date, p.judged.alert, p.judged.code])).toEqual([
      ['2026-02-20', true, 'lasting_drop'],
      ['2026-02-22', false, 'grouped'],
    ]);
  });
});
