import { describe, expect, it } from 'vitest';
import { freshnessSection } from '#shared/report/sections/freshness.ts';
import { mutedSection } from '#shared/report/sections/muted.ts';
import { runRecord } from '../fixtures.ts';
import { contextOf, DAY, entry } from './helpers.ts';

const steady = { channelId: 'a', firstDay: '2026-01-01', day: () => ({ sends: 10, clicks: 1 }) };

describe('the freshness', () => {
  it('names the last day with data, the late days and the runs that did not happen', () => {
    // Prepare: the report day's data is late; detection ran on two days.
    const ctx = contextOf([steady], { missing: [DAY] });
    const runs = new Map([
      ['2026-10-30', runRecord('2026-10-30', 4, 2)],
      ['2026-10-31', runRecord('2026-10-31')],
    ]);

    // Act
    const freshness = freshnessSection(ctx, runs);

    // Assess
    expect(freshness.lastDataDay).toBe('2026-10-31');
    expect(freshness.missingDays).toEqual([DAY]);
    expect(freshness.runs.filter((run) => run.finishedAt !== null).map((run) => run.day)).toEqual([
      '2026-10-30',
      '2026-10-31',
    ]);
    expect(freshness.runs.find((run) => run.day === '2026-10-30')).toMatchObject({ findings: 4, alerts: 2 });
  });
});

describe('the muted channels', () => {
  it('lists the mutes that covered a day of the week, newest first, with the registry name', () => {
    // Prepare
    const mute = (channelId: string, from: string, until?: string) => ({
      channelId,
      from,
      ...(until ? { until } : {}),
      reason: 'sender migration',
      by: 'kim',
      at: `${from}T00:00:00.000Z`,
    });
    const ctx = contextOf([steady], { registry: { channels: [entry('a', 'informational')] } });

    // Act
    const rows = mutedSection(ctx, [
      mute('a', '2026-10-20', '2026-10-27'),
      mute('b', '2026-10-29'),
      mute('c', '2026-10-01', '2026-10-20'),
      mute('d', '2026-11-02'),
    ]);

    // Assess
    expect(rows.map((row) => [row.channelId, row.name, row.until])).toEqual([
      ['b', 'b', null],
      ['a', 'a name', '2026-10-27'],
    ]);
  });
});
