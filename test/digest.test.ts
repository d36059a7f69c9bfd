import { describe, expect, it } from 'vitest';
import { buildDigest, describeChange, rankAlerts } from '#shared/domain/digest.ts';
import type { JudgedFinding } from '#shared/domain/finding.ts';
import type { RunRecord } from '#shared/domain/run-record.ts';
import { alertTable } from '../bin/commands/alert-table.ts';

const DAY = '2026-11-21';

function finding(overrides: Partial<JudgedFinding>): JudgedFinding {
  return {
    date: DAY,
    channelId: 'ch-000',
    channelType: 'alimtalk',
    rule: 'ma_ratio',
    metric: 'sends',
    status: 'confirmed',
    direction: 'down',
    actual: 0,
    expected: 12_400,
    lower: 6_200,
    upper: 18_600,
    alert: true,
    severity: 'high',
    code: 'deviation',
    impact: 12_400,
    ...overrides,
  };
}

function run(overrides: Partial<RunRecord> = {}): RunRecord {
  return {
    day: DAY,
    profile: 'default',
    startedAt: '2026-11-22T00:00:00.000Z',
    finishedAt: '2026-11-22T00:00:05.000Z',
    channelsJudged: 350,
    findings: 0,
    alerts: 0,
    insufficientHistory: [],
    missingDays: [],
    partialData: false,
    ...overrides,
  };
}

describe('rankAlerts', () => {
  it('keeps paging findings only, worst severity first, then the larger impact, then channel id', () => {
    // Prepare
    const findings = [
      finding({ channelId: 'b-medium-small', severity: 'medium', impact: 100 }),
      finding({ channelId: 'held', alert: false, severity: 'info', impact: 1_000_000 }),
      finding({ channelId: 'c-critical', severity: 'critical', impact: 50 }),
      finding({ channelId: 'a-medium-big', severity: 'medium', impact: 9_000 }),
      finding({ channelId: 'z-medium-tie', severity: 'medium', impact: 100 }),
      finding({ channelId: 'low', severity: 'low', impact: undefined }),
    ];

    // Act
    const ranked = rankAlerts(findings).map((f) => f.channelId);

    // Assess
    expect(ranked).toEqual(['c-critical', 'a-medium-big', 'b-medium-small', 'z-medium-tie', 'low']);
  });
});

describe('describeChange', () => {
  it('writes counts with separators and the relative change', () => {
    // Act / Assess
    expect(describeChange(finding({}))).toBe('sends 0 vs expected 12,400 (-100%)');
    expect(describeChange(finding({ metric: 'clicks', actual: 3_000, expected: 1_000 }))).toBe(
      'clicks 3,000 vs expected 1,000 (+200%)',
    );
    expect(describeChange(finding({ actual: 5, expected: 0 }))).toBe('sends 5 vs expected under 1');
    expect(describeChange(finding({ metric: 'clicks', actual: 2, expected: 0.36 }))).toBe(
      'clicks 2 vs expected under 1',
    );
  });

  it('names the day of figures judged on another day than the finding', () => {
    // Prepare: a decline on 11-14 that paged for a silent day of its window
    const judged = { metric: 'sends' as const, actual: 0, expected: 2_900, day: '2026-11-12' };

    // Act / Assess
    expect(describeChange(finding({ date: '2026-11-14', judged }))).toBe(
      'sends on 2026-11-12 0 vs expected 2,900 (-100%)',
    );
  });

  it('writes CTR as a percentage', () => {
    // Act / Assess
    expect(describeChange(finding({ metric: 'ctr', actual: 0.0125, expected: 0.05 }))).toBe(
      'ctr 1.25% vs expected 5% (-75%)',
    );
    expect(describeChange(finding({ metric: 'ctr', actual: 0.0189, expected: 0.0000412 }))).toBe(
      'ctr 1.89% vs expected 0.00412% (+45774%)',
    );
  });
});

describe('buildDigest', () => {
  it('puts the count by severity in the subject and one line per alert, worst first, in the text', () => {
    // Prepare
    const findings = [
      finding({
        channelId: 'push-promo',
        channelType: 'push',
        severity: 'medium',
        direction: 'up',
        actual: 30_000,
        expected: 10_000,
        impact: 20_000,
        rule: 'zscore',
        reason: 'spike',
      }),
      finding({ channelId: 'alim-bill', severity: 'critical', impact: 12_400 }),
      finding({ channelId: 'sms-quiet', alert: false, severity: 'info', rule: 'low_performer' }),
    ];

    // Act
    const digest = buildDigest(run({ findings: 3, alerts: 2 }), findings, { findingsAt: '/tmp/dynamo' });

    // Assess
    expect(digest.subject).toBe('crm-guard 2026-11-21: 2 channel alerts (1 critical, 1 medium)');
    expect(digest.severity).toBe('critical');
    const lines = digest.text.split('\n');
    expect(lines[0]).toBe('crm-guard daily check for 2026-11-21 (Asia/Seoul), profile default');
    const critical = lines.indexOf('CRITICAL (1)');
    const medium = lines.indexOf('MEDIUM (1)');
    expect(critical).toBeGreaterThan(0);
    expect(medium).toBeGreaterThan(critical);
    expect(lines[critical + 1]).toBe(
      '- alim-bill [alimtalk] DOWN: sends 0 vs expected 12,400 (-100%) (moving-average ratio)',
    );
    expect(lines[medium + 1]).toBe(
      '- push-promo [push] UP: sends 30,000 vs expected 10,000 (+200%) (z-score; spike)',
    );
    expect(digest.text).not.toContain('sms-quiet');
    expect(digest.text).toContain(
      'Channels judged: 350. Findings recorded: 3 (1 held back by the alert policy).',
    );
    expect(digest.text).toContain('All findings: /tmp/dynamo');
    expect(digest.body).toMatchObject({ day: DAY, profile: 'default', findings: 3, channelsJudged: 350 });
    expect((digest.body as { alerts: unknown[] }).alerts).toHaveLength(2);
  });

  it('names the channel and its owner from the registry, and the id alone when it is not registered', () => {
    // Prepare
    const channels = new Map([
      ['ch-001', { name: '월세 납부 알림', owner: '결제팀 박서준', status: 'active' }],
    ]);
    const findings = [finding({ channelId: 'ch-001' }), finding({ channelId: 'ch-002', severity: 'low' })];

    // Act
    const digest = buildDigest(run({ alerts: 2 }), findings, { channels });

    // Assess
    expect(digest.text).toContain(
      '- 월세 납부 알림 (ch-001, 결제팀 박서준) [alimtalk] DOWN: sends 0 vs expected 12,400',
    );
    expect(digest.text).toContain('- ch-002 [alimtalk] DOWN:');
  });

  it('says how many channels were judged and that nothing needs anyone when nothing pages', () => {
    // Prepare
    const held = [finding({ alert: false, severity: 'info' })];

    // Act
    const digest = buildDigest(run({ findings: 1 }), held);

    // Assess
    expect(digest.subject).toBe('crm-guard 2026-11-21: 350 channels judged, nothing needs you today');
    expect(digest.severity).toBe('info');
    expect(digest.text).toContain('\n350 channels judged, nothing needs you today\n');
    expect(digest.text).toContain('(1 held back by the alert policy)');
  });

  it("says nothing was judged yet on the lake's first days, when every channel is too new: no all-clear", () => {
    // Prepare
    const tooNew = Array.from({ length: 350 }, (_, i) => `ch-${i}`);

    // Act
    const digest = buildDigest(run({ insufficientHistory: tooNew }), []);

    // Assess
    expect(digest.subject).toBe(
      'crm-guard 2026-11-21: nothing judged yet: all 350 channels have less than 28 days of history',
    );
    expect(digest.text).not.toContain('nothing needs you');
    // A partial first day is still provisional.
    expect(buildDigest(run({ insufficientHistory: tooNew, partialData: true }), []).subject).toMatch(
      /nothing judged yet: .* \(provisional\)$/,
    );
  });

  it('writes a single alert in the singular', () => {
    // Act
    const digest = buildDigest(run({ profile: 'seed' }), [finding({ severity: 'low' })]);

    // Assess
    expect(digest.subject).toBe('crm-guard 2026-11-21: 1 channel alert (1 low)');
    expect(digest.text).toContain('profile seed');
  });

  it('lists the late days and the channels not yet judged', () => {
    // Prepare
    const record = run({
      missingDays: ['2026-11-19', '2026-11-20'],
      insufficientHistory: ['new-1', 'new-2', 'new-3'],
    });

    // Act
    const digest = buildDigest(record, [finding({})]);

    // Assess
    expect(digest.text).toContain('Data not yet arrived for: 2026-11-19, 2026-11-20.');
    expect(digest.text).toContain('Not yet judged (less than 28 days of history): 3 channels.');
    expect(digest.body).toMatchObject({ missingDays: ['2026-11-19', '2026-11-20'], insufficientHistory: 3 });
  });
});

describe('buildDigest: the numbers judged, and changes the owners recorded', () => {
  it('shows the numbers the policy judged, not the rule figures, so the change and the reason agree', () => {
    // Prepare: the rule saw clicks; the policy paged on the day's sends against its own baseline.
    const paged = finding({
      metric: 'clicks',
      actual: 61,
      expected: 105,
      judged: { metric: 'sends', actual: 20_651, expected: 42_059 },
      reason: '51% below baseline (z 7.0)',
    });

    // Act
    const digest = buildDigest(run({ findings: 1, alerts: 1 }), [paged]);

    // Assess
    expect(digest.text).toContain('DOWN: sends 20,651 vs expected 42,059 (-51%)');
    expect(digest.text).not.toContain('clicks 61');
    expect(digest.text).not.toContain('candidate');
  });

  it("carries no rule status in its data: a rule's candidate that the policy paged is an alert", () => {
    // Act
    const digest = buildDigest(run({ findings: 1, alerts: 1 }), [finding({ status: 'candidate' })]);

    // Assess
    const { alerts } = digest.body as { alerts: Record<string, unknown>[] };
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).not.toHaveProperty('status');
    expect(JSON.stringify(digest.body)).not.toContain('candidate');
  });

  it('points the arrow the way the judged figures moved: a CTR rise that pages as a sends drop reads DOWN', () => {
    // Prepare
    const paged = finding({
      metric: 'ctr',
      direction: 'up',
      actual: 0.035,
      expected: 0.029,
      judged: { metric: 'sends', actual: 2_310, expected: 6_200 },
    });

    // Act
    const digest = buildDigest(run({ findings: 1, alerts: 1 }), [paged]);

    // Assess
    expect(digest.text).toContain('DOWN: sends 2,310 vs expected 6,200 (-63%)');
    expect(digest.text).not.toContain('UP:');
  });

  it('points the printed table the same way: a CTR drop that pages as a duplicate send reads UP there too', () => {
    // Prepare: the rule saw CTR fall; the policy paged the doubled sends
    const paged = finding({
      metric: 'ctr',
      direction: 'down',
      actual: 0.0087,
      expected: 0.02,
      code: 'duplicate_send',
      judged: { metric: 'sends', actual: 7_039, expected: 330 },
    });

    // Act
    const table = alertTable([paged]);
    const digest = buildDigest(run({ findings: 1, alerts: 1 }), [paged]);

    // Assess
    expect(table).toContain('UP sends 7,039 vs expected 330 (+2033%)');
    expect(table).not.toContain('DOWN');
    expect(digest.text).toContain('UP: sends 7,039 vs expected 330 (+2033%)');
  });

  it('lists the incidents still open, paged before and grouped today, and says so in the headline', () => {
    // Prepare: nothing pages today; ch-001 is still silent since its page on 11-20
    const grouped = finding({
      channelId: 'ch-001',
      alert: false,
      code: 'grouped',
      severity: 'critical',
      reason: 'grouped: same open incident, last seen 2026-11-20',
      judged: { metric: 'sends', actual: 0, expected: 12_400 },
    });
    const held = finding({ channelId: 'ch-002', alert: false, code: 'small_change', severity: 'info' });

    // Act
    const digest = buildDigest(run({ findings: 2, alerts: 0 }), [grouped, held]);

    // Assess
    expect(digest.subject).toBe(`crm-guard ${DAY}: 350 channels judged, no new alert; 1 incident still open`);
    expect(digest.text).toContain(
      'STILL OPEN (1): paged on an earlier day, still out of line today, not paged again\n' +
        '- ch-001 [alimtalk] critical DOWN: sends 0 vs expected 12,400 (-100%) (grouped: same open incident, last seen 2026-11-20)',
    );
    expect((digest.body as { stillOpen: unknown[] }).stillOpen).toHaveLength(1);
    // The printed table does not say nothing needs attention while the incident goes on.
    expect(alertTable([grouped, held])).toBe(
      'No new alerts: nothing paged today; incidents paged earlier are still open.',
    );
    expect(alertTable([held])).toBe('No alerts: no channel needs attention.');
  });

  it('notes once, apart from the alerts, a change the owners recorded for the day', () => {
    // Prepare
    const noted = finding({
      alert: false,
      severity: 'info',
      code: 'planned_change',
      direction: 'up',
      judged: { metric: 'sends', actual: 24_000, expected: 12_000 },
    });

    // Act
    const digest = buildDigest(run({ findings: 2 }), [noted, { ...noted, rule: 'zscore' }]);

    // Assess
    expect(digest.subject).toBe(
      `crm-guard ${DAY}: 350 channels judged, nothing needs you today; 1 held as expected`,
    );
    expect(digest.text).toContain('EXPECTED (1): changes the owners recorded for the day');
    expect(digest.text).toContain(`UP: sends 24,000 vs expected 12,000 (+100%) (change recorded on ${DAY}`);
    expect(digest.body).toMatchObject({ alerts: [], expectedChanges: [{ channelId: 'ch-000' }] });
  });
});
