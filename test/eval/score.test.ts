import { describe, expect, it } from 'vitest';
import { addDays, dayNumber } from '#shared/time/seoul.ts';
import { type LabeledIncident, type Labels, scorePages } from '../../bench/eval/score.ts';

const range = { from: '2026-03-01', to: '2026-06-30' };
const incident = (fields: Partial<LabeledIncident>): LabeledIncident => ({
  channelId: 'push_0001',
  family: 'weekly',
  type: 'outage',
  from: '2026-04-01',
  to: '2026-04-02',
  lasting: false,
  burst: false,
  ...fields,
});
const pagesOn = (channelId: string, days: string[]) => new Map([[channelId, new Set(days.map(dayNumber))]]);
const channels = [
  { channelId: 'push_0001', family: 'weekly', startDay: '2026-01-01' },
  { channelId: 'push_0002', family: 'scheduled', startDay: '2026-05-01' },
];

describe('scorePages', () => {
  it('finds an incident paged from its first day to two days after its last, and excuses the week after', () => {
    // Prepare
    const labels: Labels = { channels, incidents: [incident({})] };
    // Act
    const late = scorePages(labels, pagesOn('push_0001', ['2026-04-04', '2026-04-11']), range);
    const tooLate = scorePages(labels, pagesOn('push_0001', ['2026-04-05', '2026-04-12']), range);
    // Assess
    expect(late.outcomes.map((o) => o.found)).toEqual([true]);
    expect(late.falseAlerts).toBe(0);
    expect(tooLate.outcomes.map((o) => o.found)).toEqual([false]);
    expect(tooLate.falsePages.map((p) => p.day)).toEqual([dayNumber('2026-04-12')]);
  });

  it("counts pages in a recorded change's first week as false and excuses the four weeks after it", () => {
    // Prepare
    const change = '2026-04-10';
    const labels: Labels = { channels, incidents: [], changes: [{ channelId: 'push_0001', day: change }] };
    const days = [0, 6, 7, 34, 35].map((k) => addDays(change, k));
    // Act
    const score = scorePages(labels, pagesOn('push_0001', days), range);
    // Assess
    expect(score.falsePages.map((p) => p.day)).toEqual([0, 6, 35].map((k) => dayNumber(addDays(change, k))));
  });

  it('excuses a real event until its recovery, and counts channel-days by family from each start', () => {
    // Prepare
    const labels: Labels = {
      channels,
      incidents: [
        incident({ type: 'level_drop', to: '2026-04-05', lasting: true, excusedUntil: '2026-06-20' }),
      ],
    };
    // Act
    const score = scorePages(labels, pagesOn('push_0001', ['2026-06-20', '2026-06-21']), range);
    // Assess
    expect(score.falsePages.map((p) => p.day)).toEqual([dayNumber('2026-06-21')]);
    expect(score.channelDaysByFamily).toEqual(
      new Map([
        ['weekly', 122],
        ['scheduled', 61],
      ]),
    );
    expect(score.channelDays).toBe(183);
  });
});
