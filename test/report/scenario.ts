import type { RegistrySnapshot } from '#shared/domain/registry.ts';
import type { WeeklyReport } from '#shared/report/model.ts';
import { assembleWeeklyReport, reportReadRange, type WeeklyReportInput } from '#shared/report/weekly.ts';
import { addDays, type IsoDay } from '#shared/time/seoul.ts';
import { type ChannelSpec, finding, lowPerformerFinding, makeColumns, runRecord } from './fixtures.ts';

/** The report day of the scenario: a Sunday, so the week is Mon 2026-10-26 .. Sun 2026-11-01. */
export const DAY: IsoDay = '2026-11-01';
export const CHANGE_DAY: IsoDay = addDays(DAY, -13);

/**
 * Six channels, one of each kind the report tells apart:
 * rent-refund: healthy, redesigned on CHANGE_DAY with the seed's daily averages before and after;
 * bill-reminder: low performer (1% CTR), registered, owners decided to keep it;
 * promo-blast: costliest low performer, no registry entry (unassigned, open);
 * payment-done: two-day send outage this week (paging findings);
 * new-event: started 12 days ago (insufficient history);
 * old-survey: retired by its owners.
 */
export function scenarioChannels(): ChannelSpec[] {
  return [
    {
      channelId: 'rent-refund',
      firstDay: '2026-01-01',
      day: (day) => (day < CHANGE_DAY ? { sends: 31_246, clicks: 1_183 } : { sends: 33_530, clicks: 1_702 }),
    },
    { channelId: 'bill-reminder', firstDay: '2026-01-01', day: () => ({ sends: 2_000, clicks: 20 }) },
    {
      channelId: 'promo-blast',
      channelType: 'push',
      firstDay: '2026-03-01',
      day: () => ({ sends: 5_000, clicks: 50 }),
    },
    {
      channelId: 'payment-done',
      firstDay: '2026-01-01',
      day: (day, i) =>
        day === '2026-10-30' || day === '2026-10-31'
          ? undefined
          : { sends: 1_000 + (i % 7) * 20, clicks: 50 },
    },
    {
      channelId: 'new-event',
      channelType: 'push',
      firstDay: addDays(DAY, -11),
      day: () => ({ sends: 500, clicks: 40 }),
    },
    { channelId: 'old-survey', firstDay: '2026-01-01', day: () => ({ sends: 300, clicks: 3 }) },
  ];
}

export function scenarioFindings() {
  return [
    finding({
      date: '2026-10-30',
      channelId: 'payment-done',
      actual: 0,
      expected: 1_060,
      lower: 742,
      upper: 1_378,
      impact: -1_060,
      severity: 'critical',
    }),
    finding({
      date: '2026-10-31',
      channelId: 'payment-done',
      actual: 0,
      expected: 1_080,
      lower: 756,
      upper: 1_404,
      impact: -1_080,
    }),
    // Rule 5 as the report day's run stored it: the retired channel too (the report leaves it out).
    lowPerformerFinding(DAY, 'promo-blast', 35_000, 350),
    lowPerformerFinding(DAY, 'bill-reminder', 14_000, 140),
    lowPerformerFinding(DAY, 'old-survey', 2_100, 21),
    // Recorded but never paged: not an incident.
    finding({
      date: '2026-10-29',
      channelId: 'rent-refund',
      status: 'candidate',
      alert: false,
      severity: 'info',
    }),
  ];
}

export function scenarioRuns() {
  // The run of 2026-10-28 never happened.
  return ['2026-10-26', '2026-10-27', '2026-10-29', '2026-10-30', '2026-10-31', '2026-11-01'].map((day) =>
    // The report day's run did not judge the 12-day-old channel yet.
    day === DAY ? { ...runRecord(day), insufficientHistory: ['new-event'] } : runRecord(day),
  );
}

export function scenarioRegistry(): RegistrySnapshot {
  const stamp = { updatedAt: '2026-09-01T00:00:00.000Z', updatedBy: 'import' };
  return {
    channels: [
      {
        channelId: 'rent-refund',
        name: '월세환급 안내',
        category: 'informational',
        owner: '박지민',
        status: 'active',
        ...stamp,
      },
      {
        channelId: 'bill-reminder',
        name: '미납고지서',
        category: 'informational',
        owner: '김하늘',
        status: 'active',
        ...stamp,
      },
      {
        channelId: 'payment-done',
        name: '결제 완료',
        category: 'transactional',
        owner: '이서준',
        status: 'active',
        ...stamp,
      },
      {
        channelId: 'old-survey',
        name: '만족도 조사',
        category: 'advertising',
        owner: '최유나',
        status: 'retired',
        ...stamp,
      },
    ],
    reviews: [
      {
        channelId: 'bill-reminder',
        at: '2026-10-01T01:00:00.000Z',
        decision: 'redesign',
        note: '문구 변경 검토',
        by: '김하늘',
      },
      {
        channelId: 'bill-reminder',
        at: '2026-10-20T01:00:00.000Z',
        decision: 'keep',
        note: '법적 고지: 유지',
        by: '김하늘',
      },
      {
        channelId: 'rent-refund',
        at: '2026-10-19T01:00:00.000Z',
        decision: 'redesign',
        note: '팝업 제거, 하단 모달 버튼',
        by: '박지민',
        changeDay: CHANGE_DAY,
      },
    ],
    changes: [
      {
        channelId: 'rent-refund',
        day: CHANGE_DAY,
        what: '팝업 제거, 하단 모달 버튼',
        at: '2026-10-19T01:00:00.000Z',
        by: '박지민',
      },
      // Too recent to measure: the change goes live on the report day itself... and one in the future.
      {
        channelId: 'payment-done',
        day: '2026-11-05',
        what: 'later',
        at: '2026-10-30T01:00:00.000Z',
        by: '이서준',
      },
    ],
    mutes: [],
  };
}

/** The scenario's weekly report over its own channels, with any of the inputs replaced. */
export function scenarioReport(
  input: Partial<WeeklyReportInput> = {},
  channels: ChannelSpec[] = scenarioChannels(),
): WeeklyReport {
  const range = reportReadRange(DAY);
  return assembleWeeklyReport({
    day: DAY,
    columns: makeColumns(channels, range.from, range.to),
    findings: scenarioFindings(),
    runs: new Map(scenarioRuns().map((run) => [run.day, run])),
    registry: scenarioRegistry(),
    generatedAt: '2026-11-02T00:30:00.000Z',
    ...input,
  });
}
