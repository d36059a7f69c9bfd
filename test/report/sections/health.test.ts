import { describe, expect, it } from 'vitest';
import { healthSection } from '#shared/report/sections/health.ts';
import { contextOf, entry } from './helpers.ts';

const channel = (channelId: string, firstDay: string, sends: number) => ({
  channelId,
  firstDay,
  day: () => ({ sends, clicks: sends / 10 }),
});

describe('the channel health', () => {
  it('gives each channel one status, worst first, and totals that add up the table', () => {
    // Prepare
    const ctx = contextOf(
      [
        channel('paged', '2026-01-01', 100),
        channel('low', '2026-01-01', 200),
        channel('young', '2026-10-25', 300),
        channel('fine', '2026-01-01', 400),
        channel('gone', '2026-01-01', 50),
        channel('resting', '2026-01-01', 0),
        channel('later', '2026-01-01', 10),
        channel('today', '2026-01-01', 5),
        // Sent until the week before, nothing in the report week (2026-10-26..11-01).
        {
          channelId: 'stopped',
          firstDay: '2026-01-01',
          day: (day: string) => ({ sends: day < '2026-10-26' ? 80 : 0, clicks: 0 }),
        },
      ],
      {
        registry: {
          channels: [
            entry('gone', 'advertising', 'retired'),
            entry('resting', 'advertising', 'paused'),
            // Retired after the report day: active that week.
            { ...entry('later', 'advertising', 'retired'), statusSince: '2026-11-20' },
            // Retired from the report day: detection held its silence that day.
            { ...entry('today', 'advertising', 'retired'), statusSince: '2026-11-01' },
            entry('registered-only', 'informational'),
          ],
        },
      },
    );

    // Act
    // A paged channel is anomalous whatever its status: here one that pages and ranks low.
    const health = healthSection(ctx, new Set(['paged']), new Set(['low', 'paged']));

    // Assess
    expect(health.rows.map((row) => [row.channelId, row.status])).toEqual([
      ['paged', 'anomalous'],
      ['stopped', 'silent'],
      ['low', 'low_performer'],
      ['young', 'insufficient_history'],
      ['registered-only', 'insufficient_history'],
      ['fine', 'healthy'],
      ['later', 'healthy'],
      ['resting', 'paused'],
      ['gone', 'retired'],
      ['today', 'retired'],
    ]);
    const sum = (key: 'sends' | 'clicks') => health.rows.reduce((total, row) => total + row[key], 0);
    expect(health.totals).toMatchObject({
      channels: 10,
      sends: sum('sends'),
      clicks: sum('clicks'),
      ctr: 0.1,
    });
    expect(health.totals.sends).toBe(7 * (100 + 200 + 300 + 400 + 50 + 10 + 5));
    expect(health.totals.byStatus).toEqual({
      anomalous: 1,
      silent: 1,
      low_performer: 1,
      insufficient_history: 2,
      healthy: 2,
      paused: 1,
      retired: 2,
    });
  });

  it('calls a daily sender gone quiet silent, and a campaign channel between campaigns not', () => {
    // Prepare: the report week is 2026-10-26..11-01; both send nothing in it
    const ctx = contextOf([
      // Daily until 2026-09-30, then nothing: an outage the policy stopped paging for long ago.
      {
        channelId: 'stopped',
        firstDay: '2026-01-01',
        day: (day) => ({ sends: day <= '2026-09-30' ? 50 : 0, clicks: 1 }),
      },
      // Three days every three weeks, the last from 2026-10-12.
      {
        channelId: 'campaign',
        firstDay: '2026-01-01',
        day: (day) => ({
          sends: [
            '2026-09-21',
            '2026-09-22',
            '2026-09-23',
            '2026-10-12',
            '2026-10-13',
            '2026-10-14',
          ].includes(day)
            ? 9000
            : 0,
          clicks: 90,
        }),
      },
    ]);

    // Act
    const health = healthSection(ctx, new Set(), new Set());

    // Assess
    expect(Object.fromEntries(health.rows.map((row) => [row.channelId, row.status]))).toEqual({
      stopped: 'silent',
      campaign: 'healthy',
    });
  });

  it('with a day of the week not arrived, still calls a quiet daily sender silent and compares a day with a day', () => {
    // Prepare: the report week 2026-10-26..11-01 lacks 10-28 (a late partition)
    const ctx = contextOf(
      [
        {
          channelId: 'stopped',
          firstDay: '2026-01-01',
          day: (day) => ({ sends: day <= '2026-09-30' ? 50 : 0, clicks: 1 }),
        },
        { channelId: 'steady', firstDay: '2026-01-01', day: () => ({ sends: 100, clicks: 10 }) },
      ],
      { missing: ['2026-10-28'] },
    );

    // Act
    const rows = new Map(healthSection(ctx, new Set(), new Set()).rows.map((row) => [row.channelId, row]));

    // Assess: six days of 100 against seven days of 100 is no change
    expect(rows.get('stopped')!.status).toBe('silent');
    expect(rows.get('steady')).toMatchObject({ status: 'healthy', sends: 600, previousSends: 700 });
    expect(rows.get('steady')!.sendsChange).toBeCloseTo(0, 10);
  });

  it('compares the week with the week before and draws the sparkline from the dense series', () => {
    // Prepare: 100 a day until the report week, 150 a day in it.
    const ctx = contextOf([
      {
        channelId: 'a',
        firstDay: '2026-01-01',
        day: (day) => ({ sends: day >= '2026-10-26' ? 150 : 100, clicks: 10 }),
      },
    ]);

    // Act
    const [row] = healthSection(ctx, new Set(), new Set()).rows;

    // Assess
    expect(row).toMatchObject({ sends: 1_050, previousSends: 700 });
    expect(row!.sendsChange).toBeCloseTo(0.5, 10);
    expect(row!.dailySends).toHaveLength(56);
    expect(row!.dailySends.at(-1)).toBe(150);
  });
});
