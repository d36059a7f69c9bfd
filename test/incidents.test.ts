import { describe, expect, it } from 'vitest';
import type { JudgedFinding } from '#shared/domain/finding.ts';
import { incidentsOf } from '#shared/domain/incidents.ts';

const finding = (over: Partial<JudgedFinding>): JudgedFinding => ({
  date: '2026-11-20',
  channelId: 'push_1',
  channelType: 'push',
  rule: 'ma_ratio',
  metric: 'sends',
  status: 'confirmed',
  direction: 'down',
  actual: 100,
  expected: 1000,
  lower: 700,
  upper: 1300,
  alert: false,
  severity: 'info',
  code: 'grouped',
  ...over,
});

describe('incidentsOf', () => {
  it('counts a day that several rules paged as one page: one digest a day', () => {
    // Prepare: the seed profile pages each confirmed rule; two fired on one day.
    const day = { alert: true, severity: 'high' as const, code: 'seed_confirmed' as const };
    const findings = [finding({ ...day, rule: 'ma_ratio' }), finding({ ...day, rule: 'zscore' })];

    // Act
    const [incident] = incidentsOf(findings, 7);

    // Assess
    expect(incident).toMatchObject({ days: 1, pages: 1 });
  });

  it("dates a peak by its figures' own day when a page stated another day of its window", () => {
    // Prepare: a decline on 11-14 that paged for 11-12, when the channel sent nothing
    const decline = finding({
      date: '2026-11-14',
      rule: 'decline',
      alert: true,
      severity: 'high',
      code: 'silent',
      impact: 2_900,
      judged: { metric: 'sends', actual: 0, expected: 2_900, day: '2026-11-12' },
    });

    // Act
    const [incident] = incidentsOf([decline], 7);

    // Assess
    expect(incident!.peak).toMatchObject({ day: '2026-11-12', actual: 0, expected: 2_900 });
    expect(incident!.first).toBe('2026-11-14');
  });

  it("joins a channel's paged and grouped days into one incident per direction, newest first", () => {
    // Prepare: push_1 down 11-20 (page) .. 11-22 (grouped) .. 11-24 (worsened: a second page);
    // then down again 12-05 (more than a week later: a new incident); push_2 up on 11-21; a held finding
    const findings = [
      finding({ alert: true, severity: 'high', code: 'deviation', impact: 900 }),
      finding({ date: '2026-11-22', impact: 950, actual: 50 }),
      finding({ date: '2026-11-22', rule: 'zscore', code: 'same_page', impact: 10 }),
      finding({
        date: '2026-11-24',
        alert: true,
        severity: 'critical',
        code: 'silent',
        impact: 1000,
        actual: 0,
      }),
      finding({ date: '2026-12-05', alert: true, severity: 'medium', code: 'deviation', impact: 300 }),
      finding({
        channelId: 'push_2',
        date: '2026-11-21',
        direction: 'up',
        alert: true,
        severity: 'low',
        code: 'spike',
        impact: 5,
      }),
      finding({ channelId: 'push_3', code: 'normal_variation', impact: 1 }),
    ];

    // Act
    const incidents = incidentsOf(findings, 7);

    // Assess
    expect(incidents.map((i) => `${i.channelId} ${i.direction} ${i.first}..${i.last}`)).toEqual([
      'push_1 down 2026-12-05..2026-12-05',
      'push_1 down 2026-11-20..2026-11-24',
      'push_2 up 2026-11-21..2026-11-21',
    ]);
    expect(incidents[1]).toMatchObject({
      days: 3,
      pages: 2,
      severity: 'critical',
      peak: { day: '2026-11-24', actual: 0, expected: 1000, impact: 1000 },
    });
  });

  it('lists the incidents of one day worst first, as the digest ranks them', () => {
    // Prepare: three channels paged on the same day, the alphabetically first the least severe
    const findings = [
      finding({ channelId: 'alimtalk_1', alert: true, severity: 'low', code: 'deviation', impact: 50 }),
      finding({ channelId: 'push_2', alert: true, severity: 'critical', code: 'silent', impact: 900 }),
      finding({ channelId: 'sms_3', alert: true, severity: 'high', code: 'deviation', impact: 400 }),
    ];

    // Act
    const incidents = incidentsOf(findings, 7);

    // Assess
    expect(incidents.map((i) => i.channelId)).toEqual(['push_2', 'sms_3', 'alimtalk_1']);
  });
});
