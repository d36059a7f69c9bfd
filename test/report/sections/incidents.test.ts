import { describe, expect, it } from 'vitest';
import { incidentsSection } from '#shared/report/sections/incidents.ts';
import { finding, lowPerformerFinding } from '../fixtures.ts';
import { contextOf, DAY } from './helpers.ts';

const other = { channelId: 'other', firstDay: '2026-01-01', day: () => ({ sends: 1, clicks: 0 }) };
const quiet = {
  channelId: 'sms-code',
  firstDay: '2026-01-01',
  // A small channel: on 10-31 it sent nothing.
  day: (day: string) => (day === '2026-10-31' ? undefined : { sends: 3, clicks: 0 }),
};

describe('the incidents', () => {
  it('draws the band detection stated, day by day, never below zero, and states the last one', () => {
    // Prepare: detection judged 10-30 (held) and 10-31 (paged); its lower bound was below zero.
    const ctx = contextOf([quiet, other]);
    const findings = [
      finding({
        date: '2026-10-30',
        channelId: 'sms-code',
        alert: false,
        expected: 0.4,
        lower: -1,
        upper: 2,
      }),
      finding({ date: '2026-10-31', channelId: 'sms-code', actual: 0, expected: 3, lower: -2, upper: 8 }),
    ];

    // Act
    const [incident] = incidentsSection(ctx, findings);

    // Assess
    const { chart } = incident!;
    const at = (day: string) => chart.days.indexOf(day);
    expect(incident).toMatchObject({ firstDay: '2026-10-31', days: 1, expected: 3, lower: 0, upper: 8 });
    expect([
      chart.expected[at('2026-10-30')],
      chart.lower[at('2026-10-30')],
      chart.upper[at('2026-10-30')],
    ]).toEqual([0.4, 0, 2]);
    expect([chart.lower[at('2026-10-31')], chart.upper[at('2026-10-31')]]).toEqual([
      incident!.lower,
      incident!.upper,
    ]);
    // No band on the days detection did not judge.
    expect(chart.lower[at('2026-10-29')]).toBeNull();
    expect(chart.lower[at(DAY)]).toBeNull();
    expect(chart.values[at('2026-10-31')]).toBe(0);
    expect(chart.days[0]).toBe('2026-10-10');
  });

  it("dates figures judged on another day of a decline's window, and draws no band from them", () => {
    // Prepare: 10-29 paged its silence; the decline of 10-31 stated 10-29's figures
    const ctx = contextOf([quiet, other]);
    const findings = [
      finding({ date: '2026-10-29', channelId: 'sms-code', actual: 0, expected: 3, lower: 1, upper: 6 }),
      finding({
        date: '2026-10-31',
        channelId: 'sms-code',
        rule: 'decline',
        alert: false,
        code: 'grouped',
        judged: { metric: 'sends', actual: 0, expected: 3, lower: 1, upper: 6, day: '2026-10-29' },
      }),
    ];

    // Act
    const [incident] = incidentsSection(ctx, findings);

    // Assess
    expect(incident).toMatchObject({ lastDay: '2026-10-31', figuresDay: '2026-10-29', actual: 0 });
    expect(incident!.chart.lower[incident!.chart.days.indexOf('2026-10-31')]).toBeNull();
  });

  it('groups a channel-metric into one incident; findings that never paged and rule 5 are not incidents', () => {
    // Prepare
    const ctx = contextOf([quiet, other]);
    const findings = [
      finding({ date: '2026-10-27', channelId: 'sms-code', severity: 'medium', impact: -3 }),
      finding({
        date: '2026-10-28',
        channelId: 'sms-code',
        severity: 'critical',
        impact: -3,
        rule: 'zscore',
      }),
      finding({ date: '2026-10-28', channelId: 'sms-code', alert: false, metric: 'clicks' }),
      lowPerformerFinding(DAY, 'sms-code', 21, 0),
      // An incident that ended more than a week before this one: only the chart's lead.
      finding({ date: '2026-10-19', channelId: 'sms-code' }),
    ];

    // Act
    const incidents = incidentsSection(ctx, findings);

    // Assess
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatchObject({
      metric: 'sends',
      rules: ['ma_ratio', 'zscore'],
      severity: 'critical',
      firstDay: '2026-10-27',
      lastDay: '2026-10-28',
      days: 2,
      impact: -6,
    });
  });

  it('shows an incident that began before the week and is still open in it, from its first day', () => {
    // Prepare: paged on 10-20, grouped into that page on 10-24 and 10-29 (no new page in the week)
    const ctx = contextOf([quiet, other]);
    const findings = [
      finding({ date: '2026-10-20', channelId: 'sms-code', severity: 'critical' }),
      finding({ date: '2026-10-24', channelId: 'sms-code', alert: false, code: 'grouped' }),
      finding({ date: '2026-10-29', channelId: 'sms-code', alert: false, code: 'grouped', actual: 1 }),
      // Held back, not part of an incident.
      finding({ date: '2026-10-30', channelId: 'sms-code', alert: false, code: 'small_change', actual: 2 }),
    ];

    // Act
    const incidents = incidentsSection(ctx, findings);

    // Assess
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatchObject({
      firstDay: '2026-10-20',
      lastDay: '2026-10-29',
      days: 3,
      severity: 'critical',
      actual: 1,
    });
  });

  it("carries the team's latest verdict on one of its days, with who gave it and why", () => {
    // Prepare
    const ctx = contextOf([quiet, other]);
    const findings = [
      finding({ date: '2026-10-28', channelId: 'sms-code' }),
      finding({ date: '2026-10-29', channelId: 'sms-code', alert: false, code: 'grouped' }),
    ];
    const verdict = (day: string, at: string, v: 'confirmed' | 'false-alarm') => ({
      channelId: 'sms-code',
      day,
      verdict: v,
      by: 'kim',
      note: `note ${at}`,
      at,
    });

    // Act
    const [incident] = incidentsSection(ctx, findings, [
      verdict('2026-10-28', '2026-10-29T01:00:00Z', 'confirmed'),
      verdict('2026-10-29', '2026-10-30T01:00:00Z', 'false-alarm'),
      // Another incident's day: not this one's.
      verdict('2026-10-20', '2026-10-31T01:00:00Z', 'confirmed'),
    ]);

    // Assess
    expect(incident!.verdict).toEqual({
      verdict: 'false-alarm',
      by: 'kim',
      note: 'note 2026-10-30T01:00:00Z',
    });
  });

  it("states the figures the profile judged, the digest's, with their band, over the rule's own", () => {
    // Prepare: the rule compared with its moving average; the policy judged against its own baseline.
    const ctx = contextOf([quiet, other]);
    const paged = finding({
      date: '2026-10-31',
      channelId: 'sms-code',
      actual: 1,
      expected: 2.2,
      lower: 1.5,
      upper: 2.9,
      judged: { metric: 'sends', actual: 0, expected: 3, lower: 2, upper: 4 },
    });

    // Act
    const [incident] = incidentsSection(ctx, [paged]);

    // Assess
    expect(incident).toMatchObject({ actual: 0, expected: 3, lower: 2, upper: 4 });
    const day = incident!.chart.days.indexOf('2026-10-31');
    expect([incident!.chart.expected[day], incident!.chart.lower[day], incident!.chart.upper[day]]).toEqual([
      3, 2, 4,
    ]);
  });
});
