import { describe, expect, it } from 'vitest';
import { changeImpactSection } from '#shared/report/sections/change-impact.ts';
import { contextOf, DAY } from './helpers.ts';

const change = (channelId: string, day: string) => ({ channelId, day, what: '문구 변경', at: '', by: 'kim' });

describe('the change impact', () => {
  it('compares equal windows before and from the change day, clipped to the data there is', () => {
    // Prepare: CTR 1% before 10-30, 2% from it.
    const ctx = contextOf([
      {
        channelId: 'a',
        firstDay: '2026-01-01',
        day: (day) => ({ sends: 2_000, clicks: day >= '2026-10-30' ? 40 : 20 }),
      },
    ]);

    // Act
    const [impact] = changeImpactSection(ctx, [change('a', '2026-10-30')]);

    // Assess: 3 days after (10-30 .. 11-01) against the 3 days before (10-27 .. 10-29).
    expect(impact).toMatchObject({ windowDays: 3, significant: true });
    expect(impact!.before).toMatchObject({ from: '2026-10-27', to: '2026-10-29', sends: 6_000, clicks: 60 });
    expect(impact!.after).toMatchObject({ from: '2026-10-30', to: DAY, sends: 6_000, clicks: 120 });
    expect(impact!.comparison!.relativeLift).toBeCloseTo(1, 10);
  });

  it('lists changes newest first, not future or too old ones, and an unknown channel with nothing to compare', () => {
    // Prepare
    const ctx = contextOf([
      { channelId: 'a', firstDay: '2026-01-01', day: () => ({ sends: 100, clicks: 1 }) },
    ]);

    // Act
    const rows = changeImpactSection(ctx, [
      change('a', '2026-10-01'),
      change('a', '2026-11-05'),
      change('a', '2026-07-01'),
      change('ghost', '2026-10-20'),
    ]);

    // Assess
    expect(rows.map((row) => [row.channelId, row.changeDay, row.windowDays])).toEqual([
      ['ghost', '2026-10-20', 0],
      ['a', '2026-10-01', 14],
    ]);
    expect(rows[0]!.comparison).toBeNull();
  });
});
