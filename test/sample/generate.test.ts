import { describe, expect, it } from 'vitest';
import { generateSample, type Sample } from '#shared/sample/generate.ts';
import { toChannelRows, toLabelsJsonl } from '#shared/sample/rows.ts';
import { dayNumber, daysInRange } from '#shared/time/seoul.ts';

/** sends per channel index per day number, absent rows as 0. */
function sendsOf(sample: Sample, channelId: string): Map<number, { sends: number; clicks: number }> {
  const index = sample.columns.channelIds.indexOf(channelId);
  const byDay = new Map<number, { sends: number; clicks: number }>();
  for (let i = 0; i < sample.columns.channel.length; i++)
    if (sample.columns.channel[i] === index)
      byDay.set(sample.columns.day[i]!, {
        sends: sample.columns.sends[i]!,
        clicks: sample.columns.clicks[i]!,
      });
  return byDay;
}

const small = { channels: 60, days: 200, seed: 11, endDay: '2026-10-31' };

describe('generateSample', () => {
  it('is deterministic: the same seed gives the same rows, another seed other rows', () => {
    // Prepare / Act
    const a = generateSample(small);
    const b = generateSample(small);
    const c = generateSample({ ...small, seed: 12 });
    // Assess
    expect(b.columns.sends).toEqual(a.columns.sends);
    expect(b.columns.clicks).toEqual(a.columns.clicks);
    expect(b.incidents).toEqual(a.incidents);
    expect(c.columns.sends).not.toEqual(a.columns.sends);
  });

  it('keeps the first benchmark byte for byte by default (legacy model and mix)', () => {
    // Prepare / Act
    const sample = generateSample(small);
    let hash = 0x811c9dc5;
    for (const key of ['channel', 'day', 'sends', 'clicks'] as const)
      for (const value of sample.columns[key]) {
        hash = Math.imul(hash ^ (value >>> 0), 0x01000193) >>> 0;
        hash = Math.imul(hash ^ Math.floor(value / 4294967296), 0x01000193) >>> 0;
      }
    // Assess: pinned from the generator before the realistic model existed
    expect(sample.model).toBe('legacy');
    expect(hash.toString(16)).toBe('91a1a4f1');
    expect(sample.columns.channel.length).toBe(10318);
    expect(sample.columns.sends.reduce((a, b) => a + b, 0)).toBe(227575574);
    expect(sample.incidents).toHaveLength(20);
    expect(new Set(sample.channels.map((c) => c.family))).toEqual(
      new Set(['weekly', 'steady', 'bursty', 'monthly']),
    );
    expect(sample.channels.every((c) => c.family === c.pattern)).toBe(true);
    expect(sample.changes).toEqual([]);
    expect([...sample.facts.values()].every((f) => f.status === 'active' && f.category !== undefined)).toBe(
      true,
    );
  });

  it('gives each channel its own random streams: adding channels leaves the others unchanged', () => {
    // Prepare / Act
    const fewer = generateSample({ ...small, channels: 20 });
    const more = generateSample({ ...small, channels: 25 });
    // Assess
    expect(more.channels.slice(0, 20)).toEqual(fewer.channels);
    const rowsOfFirst20 = toChannelRows(more.columns).filter((row) =>
      fewer.columns.channelIds.includes(row.channelId),
    );
    expect(rowsOfFirst20).toEqual(toChannelRows(fewer.columns));
  });

  it('writes labels that match the injected data', () => {
    // Prepare
    const sample = generateSample({ channels: 150, days: 240, seed: 5 });
    const types = new Set(sample.incidents.map((incident) => incident.type));
    // Act / Assess
    expect([...types].sort()).toEqual(['ctr_drop', 'decline', 'level_drop', 'outage', 'spike']);
    for (const incident of sample.incidents) {
      const series = sendsOf(sample, incident.channelId);
      const during = daysInRange(incident.from, incident.to).map((day) => series.get(dayNumber(day)));
      if (incident.type === 'outage' || incident.note === 'retired') {
        expect(during.every((row) => row === undefined)).toBe(true);
      }
      if (incident.type === 'ctr_drop') {
        const baseline = [...series.entries()].filter(
          ([day]) => day < dayNumber(incident.from) && day >= dayNumber(incident.from) - 28,
        );
        const ctr = (rows: { sends: number; clicks: number }[]) =>
          rows.reduce((s, r) => s + r.clicks, 0) / rows.reduce((s, r) => s + r.sends, 0);
        expect(ctr(during.filter((row) => row !== undefined))).toBeLessThan(
          0.75 * ctr(baseline.map(([, r]) => r)),
        );
      }
      if (incident.type === 'spike' && !incident.burst) {
        const weekBefore = series.get(dayNumber(incident.from) - 7)?.sends ?? 0;
        expect(during[0]!.sends).toBeGreaterThan(1.5 * weekBefore);
      }
    }
    const retired = sample.channels.filter((c) => c.endDay < sample.to);
    for (const channel of retired) {
      const after = [...sendsOf(sample, channel.channelId).keys()].filter(
        (day) => day > dayNumber(channel.endDay),
      );
      expect(after).toEqual([]);
    }
  });

  it('drops most rows of a partial day and keeps other days whole', () => {
    // Prepare
    const partialDay = '2026-09-01';
    // Act
    const sample = generateSample({ ...small, partialDays: [partialDay] });
    const whole = generateSample(small);
    // Assess
    const rowsOn = (s: Sample, day: string) => s.columns.day.filter((d) => d === dayNumber(day)).length;
    expect(rowsOn(sample, partialDay)).toBeLessThan(0.6 * rowsOn(whole, partialDay));
    expect(rowsOn(sample, '2026-09-02')).toBe(rowsOn(whole, '2026-09-02'));
    expect(sample.partialDays).toEqual([partialDay]);
  });

  it('lowers advertising sends over Chuseok', () => {
    // Prepare
    const sample = generateSample({ channels: 120, days: 120, seed: 3, endDay: '2026-10-31' });
    const ads = sample.channels.filter((c) => c.category === 'advertising' && c.pattern === 'weekly');
    // Act
    const total = (days: string[]) =>
      ads.reduce((sum, c) => {
        const series = sendsOf(sample, c.channelId);
        return sum + days.reduce((s, day) => s + (series.get(dayNumber(day))?.sends ?? 0), 0);
      }, 0);
    // Assess: Chuseok Thu-Sat against the Thu-Sat two weeks later
    expect(total(['2026-09-24', '2026-09-25', '2026-09-26'])).toBeLessThan(
      0.6 * total(['2026-10-08', '2026-10-09', '2026-10-10']) + 1,
    );
  });

  it('writes labels.jsonl: a header, every channel and every incident', () => {
    // Prepare
    const sample = generateSample({ channels: 10, days: 100, seed: 2 });
    // Act
    const lines = toLabelsJsonl(sample)
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    // Assess
    expect(lines[0]).toMatchObject({ kind: 'sample', seed: 2, to: '2026-10-31' });
    expect(lines.filter((l) => l.kind === 'channel')).toHaveLength(10);
    expect(lines.filter((l) => l.kind === 'incident')).toHaveLength(sample.incidents.length);
  });
});
