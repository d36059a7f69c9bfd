import { describe, expect, it } from 'vitest';
import { renderCsv, renderJson, toCsv } from '#shared/report/render-data.ts';
import { renderHtml } from '#shared/report/render-html.ts';
import { assembleWeeklyReport, reportReadRange } from '#shared/report/weekly.ts';
import { lowPerformerFinding, makeColumns } from './fixtures.ts';
import {
  CHANGE_DAY,
  DAY,
  scenarioChannels,
  scenarioFindings,
  scenarioRegistry,
  scenarioReport,
  scenarioRuns,
} from './scenario.ts';

function build(missing: string[] = []) {
  const range = reportReadRange(DAY);
  return assembleWeeklyReport({
    day: DAY,
    columns: makeColumns(scenarioChannels(), range.from, range.to, missing),
    // Rule 5 needs every day of its window: detection stores no ranking on a day whose data is late.
    findings: scenarioFindings().filter((f) => !(f.rule === 'low_performer' && missing.includes(f.date))),
    runs: new Map(scenarioRuns().map((run) => [run.day, run])),
    registry: scenarioRegistry(),
    generatedAt: '2026-11-02T00:30:00.000Z',
  });
}

describe('assembleWeeklyReport', () => {
  it('gives every channel one health status, worst first', () => {
    // Act
    const report = build();

    // Assess
    expect(report.week).toEqual({ from: '2026-10-26', to: DAY });
    const status = Object.fromEntries(report.health.map((row) => [row.channelId, row.status]));
    expect(status).toEqual({
      'payment-done': 'anomalous',
      'promo-blast': 'low_performer',
      'bill-reminder': 'low_performer',
      'new-event': 'insufficient_history',
      'rent-refund': 'healthy',
      'old-survey': 'retired',
    });
    expect(report.health.map((row) => row.status)).toEqual([
      'anomalous',
      'low_performer',
      'low_performer',
      'insufficient_history',
      'healthy',
      'retired',
    ]);
    const promo = report.health.find((row) => row.channelId === 'promo-blast')!;
    expect(promo).toMatchObject({
      owner: 'unassigned',
      name: 'promo-blast',
      category: 'unknown',
      sends: 35_000,
      clicks: 350,
    });
    expect(promo.ctr).toBeCloseTo(0.01, 10);
    expect(promo.sendsChange).toBe(0);
    expect(promo.dailySends).toHaveLength(56);
    // The outage days are zeros in the dense series, not gaps.
    const payment = report.health.find((row) => row.channelId === 'payment-done')!;
    expect(payment.dailySends.slice(-3)).toEqual([0, 0, expect.any(Number)]);
    expect(report.totals.byStatus).toEqual({
      anomalous: 1,
      silent: 0,
      low_performer: 2,
      insufficient_history: 1,
      healthy: 1,
      paused: 0,
      retired: 1,
    });
  });

  it('ranks low performers by sends nobody clicked and queues open reviews first', () => {
    // Act
    const report = build();

    // Assess: promo-blast 7 x 4,950 unclicked, bill-reminder 7 x 1,980; the retired channel is left out.
    expect(report.lowPerformers.map((row) => [row.channelId, row.unclickedSends])).toEqual([
      ['promo-blast', 34_650],
      ['bill-reminder', 13_860],
    ]);
    // The ranking shows every decision; the queue only the decisions still open.
    expect(report.lowPerformers.map((row) => [row.channelId, row.open, row.decision, row.note])).toEqual([
      ['promo-blast', true, null, null],
      ['bill-reminder', false, 'keep', '법적 고지: 유지'],
    ]);
    expect(report.reviewQueue.map((row) => row.channelId)).toEqual(['promo-blast']);
    expect(report.lowPerformersAsOf).toBe(DAY);
  });

  it('leaves out of the ranking the channels not meant to be clicked, by registry category', () => {
    // Prepare: the bill reminder recorded as transactional (a receipt), then the category made clickable again.
    const range = reportReadRange(DAY);
    const registry = scenarioRegistry();
    registry.channels = registry.channels.map((entry) =>
      entry.channelId === 'bill-reminder' ? { ...entry, category: 'transactional' } : entry,
    );
    const input = {
      day: DAY,
      columns: makeColumns(scenarioChannels(), range.from, range.to),
      findings: scenarioFindings(),
      runs: new Map(scenarioRuns().map((run) => [run.day, run])),
      registry,
      generatedAt: '2026-11-02T00:30:00.000Z',
    };

    // Act
    const byDefault = assembleWeeklyReport(input);
    const configured = assembleWeeklyReport({ ...input, options: { notClickedCategories: [] } });

    // Assess
    expect(byDefault.lowPerformers.map((row) => row.channelId)).toEqual(['promo-blast']);
    expect(byDefault.health.find((row) => row.channelId === 'bill-reminder')?.status).toBe('healthy');
    expect(configured.lowPerformers.map((row) => row.channelId)).toEqual(['promo-blast', 'bill-reminder']);
  });

  it('reads the seed example back from a change: 3.79% -> 5.08%, +34%', () => {
    // Act
    const report = build();

    // Assess: 14 days before the change day vs 14 days from it; the future change is not listed.
    expect(report.changeImpact).toHaveLength(1);
    const [impact] = report.changeImpact;
    expect(impact).toMatchObject({
      channelId: 'rent-refund',
      changeDay: CHANGE_DAY,
      windowDays: 14,
      significant: true,
    });
    expect(impact!.before).toMatchObject({
      from: '2026-10-05',
      to: '2026-10-18',
      sendsPerDay: 31_246,
      clicksPerDay: 1_183,
    });
    expect(impact!.after).toMatchObject({ from: CHANGE_DAY, to: DAY, sends: 469_420, clicks: 23_828 });
    expect(impact!.before!.ctr).toBeCloseTo(0.037861, 6);
    expect(impact!.after!.ctr).toBeCloseTo(0.050761, 6);
    expect(impact!.comparison!.relativeLift).toBeCloseTo(0.340713, 5);
    expect(impact!.volumeChange).toBeCloseTo(33_530 / 31_246 - 1, 10);
    expect(impact!.comparison!.pValue).toBeLessThan(1e-6);
  });

  it('clips the windows to equal lengths when the change is recent', () => {
    // Prepare: a change 3 days before the report day.
    const range = reportReadRange(DAY);
    const registry = scenarioRegistry();
    registry.changes = [
      { channelId: 'bill-reminder', day: '2026-10-30', what: '발송 시간 변경', at: '', by: '김하늘' },
    ];

    // Act
    const report = assembleWeeklyReport({
      day: DAY,
      columns: makeColumns(scenarioChannels(), range.from, range.to),
      findings: [],
      runs: new Map(),
      registry,
      generatedAt: '',
    });

    // Assess: 3 days after (10-30 .. 11-01) against the 3 days before (10-27 .. 10-29); same CTR.
    const [impact] = report.changeImpact;
    expect(impact).toMatchObject({ windowDays: 3, significant: false });
    expect(impact!.before).toMatchObject({ from: '2026-10-27', to: '2026-10-29', sends: 6_000 });
    expect(impact!.comparison!.relativeLift).toBeCloseTo(0, 10);
  });

  it('lists paging findings as incidents with their chart around the expected band', () => {
    // Act
    const report = build();

    // Assess
    expect(report.incidents).toHaveLength(1);
    const [incident] = report.incidents;
    expect(incident).toMatchObject({
      channelId: 'payment-done',
      name: '결제 완료',
      owner: '이서준',
      metric: 'sends',
      severity: 'critical',
      firstDay: '2026-10-30',
      lastDay: '2026-10-31',
      days: 2,
      impact: -2_140,
    });
    const { chart } = incident!;
    expect(chart.days[0]).toBe('2026-10-09');
    expect(chart.days.at(-1)).toBe(DAY);
    expect(chart.flagged).toEqual(['2026-10-30', '2026-10-31']);
    const outage = chart.days.indexOf('2026-10-30');
    expect(chart.values[outage]).toBe(0);
    // The band drawn is the band detection stated on each day it judged, the text's for the last.
    expect([chart.expected[outage], chart.lower[outage], chart.upper[outage]]).toEqual([1_060, 742, 1_378]);
    expect([chart.lower[outage + 1], chart.upper[outage + 1]]).toEqual([incident!.lower, incident!.upper]);
    expect(chart.lower.at(-1)).toBeNull();
    expect(chart.lower[0]).toBeNull();
  });

  it('reports data freshness: the last day with data, missing days, and runs that did not happen', () => {
    // Act: the last day's data never arrived.
    const report = build([DAY]);

    // Assess
    expect(report.freshness.lastDataDay).toBe('2026-10-31');
    expect(report.freshness.missingDays).toEqual([DAY]);
    expect(report.freshness.runs.filter((run) => run.finishedAt === null).map((run) => run.day)).toEqual([
      '2026-10-28',
    ]);
    // A week with a late day is incomplete: rule 5 does not judge it.
    expect(report.lowPerformers).toEqual([]);
    // Coverage first: the incidents heading says detection skipped a day.
    expect(renderHtml(report, 'en')).toContain(
      'detection ran on 6 of 7 days; not judged: 2026-10-28 (`crm-guard detect --date DAY` judges one)',
    );
  });

  it('ranks as of the last day detection judged: a run whose day had not arrived judged nothing', () => {
    // Prepare: the report day's data landed late, so its run stored no ranking; the day before did.
    const range = reportReadRange(DAY);
    const runs = new Map(scenarioRuns().map((run) => [run.day, run]));
    runs.set(DAY, { ...runs.get(DAY)!, missingDays: [DAY], channelsJudged: 0, insufficientHistory: [] });
    const findings = [
      ...scenarioFindings().filter((f) => f.rule !== 'low_performer'),
      lowPerformerFinding('2026-10-31', 'promo-blast', 35_000, 350),
    ];

    // Act
    const report = assembleWeeklyReport({
      day: DAY,
      columns: makeColumns(scenarioChannels(), range.from, range.to, [DAY]),
      findings,
      runs,
      registry: scenarioRegistry(),
      generatedAt: '2026-11-02T00:30:00.000Z',
    });

    // Assess
    expect(report.lowPerformersAsOf).toBe('2026-10-31');
    expect(report.lowPerformers.map((row) => row.channelId)).toEqual(['promo-blast']);
  });

  it('shows a week detection never judged as unknown, not as a clean week', () => {
    // Prepare / Act: no detection run on any day of the week
    const report = scenarioReport({ findings: [], runs: new Map() });

    // Assess: the incidents tile and each day's counts say '-', not 0
    const html = renderHtml(report, 'en');
    expect(html).toContain('<div class="card"><b>-</b><span>Incidents this week</span></div>');
    expect(html).not.toContain('<b>0</b><span>Incidents this week</span>');
    expect(report.freshness.runs.every((run) => run.findings === null && run.alerts === null)).toBe(true);
  });

  it("shows a low performer's CTR cut, not rounded up to the limit it is under", () => {
    // Prepare: 5,108 clicks on 170,476 sends is 2.996%, under the 3% of rule 5
    const findings = [
      ...scenarioFindings().filter((f) => f.rule !== 'low_performer'),
      lowPerformerFinding(DAY, 'promo-blast', 170_476, 5_108),
    ];

    // Act
    const report = scenarioReport({ findings });

    // Assess
    const html = renderHtml(report, 'en');
    expect(report.lowPerformers.map((row) => row.channelId)).toEqual(['promo-blast']);
    expect(html).toContain('>2.99%</td>');
    expect(html).not.toContain('>3.00%</td>');
  });

  it("says why the week has no ranking when each run lacked a day of rule 5's window, in both languages", () => {
    // Prepare: Monday's data never arrived, and every run of the week recorded it missing
    const range = reportReadRange(DAY);
    const lost = '2026-10-26';
    const runs = new Map(scenarioRuns().map((run) => [run.day, { ...run, missingDays: [lost] }]));

    // Act
    const report = assembleWeeklyReport({
      day: DAY,
      columns: makeColumns(scenarioChannels(), range.from, range.to, [lost]),
      findings: scenarioFindings().filter((f) => f.rule !== 'low_performer'),
      runs,
      registry: scenarioRegistry(),
      generatedAt: '2026-11-02T00:30:00.000Z',
    });

    // Assess: not "No low performer this week", which would read as a clean week
    expect(report.lowPerformersAsOf).toBeNull();
    expect(report.lowPerformersBlockedBy).toEqual([lost]);
    const en = renderHtml(report, 'en');
    expect(en).toContain(
      `No ranking this week: rule 5 sums 7 whole days, and every run of the week lacked one (no data for ${lost}).`,
    );
    expect(en).not.toContain('No low performer this week.');
    expect(renderHtml(report, 'ko')).toContain(`데이터가 없는 날(${lost})`);
  });

  it('says "no ranking yet" when the data is younger than rule 5\'s window, not "no low performer"', () => {
    // Prepare: a lake whose first day is Thursday of the report week; every run found all its days
    const dataFrom = '2026-10-29';
    const channels = scenarioChannels().map((spec) => ({ ...spec, firstDay: dataFrom }));
    const runs = new Map(
      scenarioRuns()
        .filter((run) => run.day >= dataFrom)
        .map((run) => [run.day, { ...run, missingDays: [] }]),
    );

    // Act
    const report = scenarioReport({ findings: [], runs }, channels);

    // Assess
    expect(report.lowPerformersAsOf).toBeNull();
    expect(report.lowPerformersTooYoung).toEqual({ dataFrom, firstRanking: '2026-11-04' });
    const en = renderHtml(report, 'en');
    expect(en).toContain(
      `No ranking yet: rule 5 sums 7 whole days, and the data starts on ${dataFrom}. The run of 2026-11-04 ranks first.`,
    );
    expect(en).not.toContain('No low performer this week.');
    expect(renderHtml(report, 'ko')).toContain(`데이터가 ${dataFrom}부터 있습니다`);
  });

  it('lists the channels muted during the week with who, why and until when; an ended snooze is left out', () => {
    // Prepare
    const range = reportReadRange(DAY);
    const mute = (channelId: string, from: string, until: string | undefined, by: string) => ({
      channelId,
      from,
      ...(until ? { until } : {}),
      reason: 'sender migration',
      by,
      at: `${from}T00:00:00.000Z`,
    });
    const registry = {
      ...scenarioRegistry(),
      mutes: [
        mute('rent-refund', '2026-10-29', undefined, 'kim'),
        mute('old-survey', '2026-10-01', '2026-10-20', 'lee'),
      ],
    };

    // Act
    const report = assembleWeeklyReport({
      day: DAY,
      columns: makeColumns(scenarioChannels(), range.from, range.to),
      findings: scenarioFindings(),
      runs: new Map(scenarioRuns().map((run) => [run.day, run])),
      registry,
      generatedAt: '2026-11-02T00:30:00.000Z',
    });
    const html = renderHtml(report, 'en');

    // Assess
    expect(report.muted).toEqual([
      {
        channelId: 'rent-refund',
        name: '월세환급 안내',
        owner: expect.any(String),
        from: '2026-10-29',
        until: null,
        reason: 'sender migration',
        by: 'kim',
      },
    ]);
    expect(html).toContain('Muted channels (1)');
    expect(html).toContain('until unmuted');
  });

  it("counts the team's verdicts on the week's pages: precision by rule and by channel", () => {
    // Prepare: payment-done paged on 10-30 and 10-31 (ma_ratio); the team judged both, and a day with no page
    const range = reportReadRange(DAY);
    const given = (
      day: string,
      verdict: 'confirmed' | 'false-alarm' | 'expected',
      channelId = 'payment-done',
    ) => ({
      channelId,
      day,
      verdict,
      by: 'kim',
      at: `${day}T03:00:00.000Z`,
    });

    // Act
    const report = assembleWeeklyReport({
      day: DAY,
      columns: makeColumns(scenarioChannels(), range.from, range.to),
      findings: scenarioFindings(),
      runs: new Map(scenarioRuns().map((run) => [run.day, run])),
      registry: scenarioRegistry(),
      feedback: [
        given('2026-10-30', 'confirmed'),
        given('2026-10-31', 'false-alarm'),
        given('2026-10-29', 'false-alarm', 'rent-refund'),
      ],
      generatedAt: '2026-11-02T00:30:00.000Z',
    });
    const html = renderHtml(report, 'en');

    // Assess
    expect(report.verdicts.total).toEqual({ confirmed: 1, falseAlarm: 1, expected: 0, precision: 0.5 });
    expect(report.verdicts.byRule).toEqual([
      { rule: 'ma_ratio', confirmed: 1, falseAlarm: 1, expected: 0, precision: 0.5 },
    ]);
    expect(report.verdicts.byChannel.map((row) => row.channelId)).toEqual(['payment-done']);
    expect(html).toMatch(/The team(&#39;|')s verdicts \(2\)/);
    expect(html).toContain('<table id="verdicts-by-channel">');
    // In Korean, the verdict and the severity in Korean words, not the codes
    const ko = renderHtml(report, 'ko');
    expect(ko).toContain('판정: 오탐');
    expect(ko).not.toContain('판정: false-alarm');
    expect(ko).toMatch(/<span class="pill sev-(critical|high|medium|low)">(심각|높음|보통|낮음)<\/span>/);
  });

  it('renders the same tables as CSV and JSON', () => {
    // Prepare
    const report = build();

    // Act
    const csv = Object.fromEntries(renderCsv(report).map((file) => [file.name, file.body]));
    const json = JSON.parse(renderJson(report).body);

    // Assess
    const lowRows = csv['low-performers.csv']!.replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lowRows).toEqual([
      'channel_id,name,category,owner,sends,clicks,ctr,unclicked_sends,decision,note,decided_by,decided_at',
      'promo-blast,promo-blast,unknown,unassigned,35000,350,0.01,34650,,,,',
      'bill-reminder,미납고지서,informational,김하늘,14000,140,0.01,13860,keep,법적 고지: 유지,김하늘,2026-10-20T10:00:00.000+09:00',
    ]);
    expect(csv['review-queue.csv']!.trim().split('\r\n')).toHaveLength(2);
    expect(csv['health.csv']!.trim().split('\r\n')).toHaveLength(7);
    expect(csv['change-impact.csv']).toContain(
      'rent-refund,월세환급 안내,박지민,2026-10-19,"팝업 제거, 하단 모달 버튼",14',
    );
    expect(json.reviewQueue.map((row: { channelId: string }) => row.channelId)).toEqual(['promo-blast']);
    expect(json.changeImpact[0].comparison.relativeLift).toBeCloseTo(0.3407, 4);
    // Times read in Seoul, as everywhere else the report shows them.
    expect(json.generatedAt).toMatch(/\+09:00$/);
    expect(json.lowPerformers[1].decidedAt).toBe('2026-10-20T10:00:00.000+09:00');
  });
});

describe('CSV cells', () => {
  it('neutralises text a spreadsheet would run as a formula, and leaves numbers alone', () => {
    // Act
    const csv = toCsv(
      ['name', 'note', 'change'],
      [
        ['=HYPERLINK("http://x")', '+1 call', -0.25],
        ['@SUM(A1)', 'ok', 3],
      ],
    );

    // Assess
    expect(csv).toBe(
      '\uFEFFname,note,change\r\n"\'=HYPERLINK(""http://x"")",\'+1 call,-0.25\r\n\'@SUM(A1),ok,3\r\n',
    );
  });
});
