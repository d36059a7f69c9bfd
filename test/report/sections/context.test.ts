import { describe, expect, it } from 'vitest';
import { DEFAULT_REPORT_OPTIONS } from '#shared/report/options.ts';
import { reportContext, sumDays, valueOn } from '#shared/report/sections/context.ts';
import { dayNumber } from '#shared/time/seoul.ts';
import { makeColumns } from '../fixtures.ts';
import { contextOf, DAY, emptyRegistry } from './helpers.ts';

describe('the report context', () => {
  it("reads detection's dense series: a day without a row is an outage (0), a day nobody has is late (null)", () => {
    // Prepare: the channel sent nothing on 10-30 while another did; no channel has a row on 10-31 (late data).
    const ctx = contextOf(
      [
        { channelId: 'other', firstDay: '2026-01-01', day: () => ({ sends: 1, clicks: 0 }) },
        {
          channelId: 'a',
          firstDay: '2026-01-01',
          day: (day) => (day === '2026-10-30' ? undefined : { sends: 100, clicks: 5 }),
        },
      ],
      { missing: ['2026-10-31'] },
    );
    const s = ctx.series.get('a');

    // Act
    const outage = valueOn(s, 'sends', dayNumber('2026-10-30'), 100);
    const late = valueOn(s, 'sends', dayNumber('2026-10-31'), 100);
    const ctr = valueOn(s, 'ctr', dayNumber(DAY), 100);
    const week = sumDays(s, ctx.weekFromNo, ctx.dayNo);

    // Assess
    expect(outage).toBe(0);
    expect(late).toBeNull();
    expect(ctr).toBe(0.05);
    expect(week).toEqual({ sends: 500, clicks: 25, days: 6 });
    expect(ctx.arrived(dayNumber('2026-10-31'))).toBe(false);
  });

  it('refuses metrics that do not end on the report day', () => {
    // Prepare
    const columns = makeColumns(
      [{ channelId: 'a', firstDay: '2026-01-01', day: () => ({ sends: 1, clicks: 0 }) }],
      '2026-10-01',
      '2026-10-31',
    );

    // Act / Assess
    expect(() => reportContext(DAY, columns, emptyRegistry(), DEFAULT_REPORT_OPTIONS)).toThrow(
      'metrics end on 2026-10-31, not the report day 2026-11-01',
    );
  });
});
