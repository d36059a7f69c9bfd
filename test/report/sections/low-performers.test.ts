import { describe, expect, it } from 'vitest';
import { lowPerformersSection } from '#shared/report/sections/low-performers.ts';
import { reviewQueueSection } from '#shared/report/sections/review-queue.ts';
import { lowPerformerFinding, runRecord } from '../fixtures.ts';
import { contextOf, DAY, entry } from './helpers.ts';

const steady = (channelId: string) => ({
  channelId,
  firstDay: '2026-01-01',
  day: () => ({ sends: 2_000, clicks: 20 }),
});

describe('the low performers and the review queue', () => {
  it("ranks the channels detection stored as rule 5 on the week's last judged day, costliest first", () => {
    // Prepare: the report day was not judged, so the ranking is the run of 10-31; older findings do not count.
    const ctx = contextOf([steady('a'), steady('b'), steady('c')]);
    const findings = [
      lowPerformerFinding('2026-10-31', 'a', 14_000, 140),
      lowPerformerFinding('2026-10-31', 'b', 30_000, 60),
      lowPerformerFinding('2026-10-30', 'c', 14_000, 10),
    ];

    // Act
    const section = lowPerformersSection(
      ctx,
      findings,
      [runRecord('2026-10-30'), runRecord('2026-10-31')],
      [],
    );

    // Assess
    expect(section.asOf).toBe('2026-10-31');
    expect(section.rows.map((row) => [row.channelId, row.unclickedSends, row.ctr])).toEqual([
      ['b', 29_940, 0.002],
      ['a', 13_860, 0.01],
    ]);
  });

  it('leaves out retired channels and the categories not meant to be clicked, as configured', () => {
    // Prepare
    const registry = {
      channels: [
        entry('otp', 'transactional'),
        entry('old', 'advertising', 'retired'),
        entry('promo', 'advertising'),
      ],
    };
    const findings = ['otp', 'old', 'promo'].map((id) => lowPerformerFinding(DAY, id, 14_000, 140));

    // Act
    const byDefault = lowPerformersSection(contextOf([], { registry }), findings, [runRecord(DAY)], []);
    const noneExcluded = lowPerformersSection(
      contextOf([], { registry, options: { notClickedCategories: [] } }),
      findings,
      [runRecord(DAY)],
      [],
    );

    // Assess
    expect(byDefault.rows.map((row) => row.channelId)).toEqual(['promo']);
    expect(noneExcluded.rows.map((row) => row.channelId).sort()).toEqual(['otp', 'promo']);
  });

  it('shows each decision in the ranking and queues only the open ones', () => {
    // Prepare
    const findings = [lowPerformerFinding(DAY, 'a', 14_000, 140), lowPerformerFinding(DAY, 'b', 20_000, 100)];
    const reviews = [
      { channelId: 'a', at: '2026-10-01T00:00:00.000Z', decision: 'retire' as const, note: 'old', by: 'kim' },
      {
        channelId: 'a',
        at: '2026-10-20T00:00:00.000Z',
        decision: 'keep' as const,
        note: 'legal notice',
        by: 'lee',
      },
    ];

    // Act
    const section = lowPerformersSection(contextOf([]), findings, [runRecord(DAY)], reviews);
    const queue = reviewQueueSection(section.rows);

    // Assess
    expect(section.rows.map((row) => [row.channelId, row.open, row.decision, row.decidedBy])).toEqual([
      ['b', true, null, null],
      ['a', false, 'keep', 'lee'],
    ]);
    expect(queue.map((row) => row.channelId)).toEqual(['b']);
  });

  it('has no ranking when detection did not run in the week', () => {
    // Act
    const section = lowPerformersSection(contextOf([]), [lowPerformerFinding(DAY, 'a', 14_000, 140)], [], []);

    // Assess
    expect(section).toEqual({ asOf: null, blockedBy: [], tooYoung: null, rows: [] });
  });

  it('ranks as of the last run whose seven days all arrived: a run that lacked one ranked nobody', () => {
    // Prepare: 10-29 never arrived, so the runs of 10-29 .. 11-01 stored no rule 5 finding; 10-28's did.
    const lacking = (day: string) => ({ ...runRecord(day), missingDays: ['2026-10-29'] });
    const runs = [runRecord('2026-10-28'), ...['2026-10-29', '2026-10-30', '2026-10-31', DAY].map(lacking)];
    const findings = [lowPerformerFinding('2026-10-28', 'a', 14_000, 140)];

    // Act
    const section = lowPerformersSection(contextOf([]), findings, runs, []);

    // Assess
    expect(section.asOf).toBe('2026-10-28');
    expect(section.blockedBy).toEqual(['2026-10-29']);
    expect(section.rows.map((row) => row.channelId)).toEqual(['a']);
  });

  it('has no ranking, and names the day that kept it, when every run of the week lacked one', () => {
    // Prepare: a day lost on Monday is inside the window of every run of the week; one before it is not.
    const runs = ['2026-10-26', '2026-10-31', DAY].map((day) => ({
      ...runRecord(day),
      missingDays: ['2026-10-19', '2026-10-26'],
    }));

    // Act
    const section = lowPerformersSection(contextOf([]), [], runs, []);

    // Assess
    expect(section).toEqual({ asOf: null, blockedBy: ['2026-10-26'], tooYoung: null, rows: [] });
  });
});
