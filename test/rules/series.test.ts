import { describe, expect, it } from 'vitest';
import { buildChannelMetrics } from '#shared/domain/series.ts';
import { toColumns } from './fixtures.ts';
import type { Row } from './reference.ts';

const D = 20_458; // 2026-01-05
const row = (channelId: string, day: number, sends: number, clicks = 0): Row => ({
  channelId,
  day,
  sends,
  clicks,
});

describe('buildChannelMetrics: dense series', () => {
  it('starts at the first row, fills arrived days without a row with 0 and late days with NaN', () => {
    // Prepare: days D..D+4; nobody has a row on D+3 (late); b starts on D+1 and skips D+2 (outage).
    const rows = [
      row('a', D, 10, 1),
      row('a', D + 1, 11),
      row('a', D + 2, 12),
      row('a', D + 4, 14, 4),
      row('b', D + 1, 5),
      row('b', D + 4, 7),
    ];

    // Act
    const metrics = buildChannelMetrics(toColumns(rows, { from: D, to: D + 4 }));

    // Assess
    expect(metrics.missingDays).toEqual(['2026-01-08']);
    const [a, b] = metrics.channels;
    expect(a!.firstDay).toBe(D);
    expect([...a!.sends]).toEqual([10, 11, 12, Number.NaN, 14]);
    expect([...a!.clicks]).toEqual([1, 0, 0, Number.NaN, 4]);
    expect(b!.firstDay).toBe(D + 1);
    expect([...b!.sends]).toEqual([5, 0, Number.NaN, 7]);
  });

  it('starts a channel seen before the range at the range start, even with no row in it (an outage)', () => {
    // Prepare: 'gone' sent before D and has no row since; 'new' never sent before and has no row.
    const columns = toColumns(
      [row('a', D, 1), row('a', D + 1, 1), row('a', D + 2, 1)],
      { from: D, to: D + 2 },
      new Set(['gone']),
    );
    columns.channelIds.push('new');
    columns.channelTypes.push('push');
    columns.seenBefore = Uint8Array.from([...columns.seenBefore, 0]);

    // Act
    const metrics = buildChannelMetrics(columns);

    // Assess
    expect(metrics.channels.map((c) => c.channelId)).toEqual(['a', 'gone']);
    expect(metrics.channels[1]!.firstDay).toBe(D);
    expect([...metrics.channels[1]!.sends]).toEqual([0, 0, 0]);
  });

  it('refuses a duplicate (channel, day) row and a row outside the range', () => {
    // Prepare
    const duplicate = toColumns([row('a', D, 1), row('a', D, 2)], { from: D, to: D });
    const outside = toColumns([row('a', D + 5, 1)], { from: D, to: D + 1 });

    // Act / Assess
    expect(() => buildChannelMetrics(duplicate)).toThrow('duplicate row for channel a on 2026-01-05');
    expect(() => buildChannelMetrics(outside)).toThrow(/outside the columns read/);
  });
});
