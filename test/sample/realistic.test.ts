import { describe, expect, it } from 'vitest';
import { calendarDays, isCalendarEffectDay } from '#shared/sample/calendar-days.ts';
import {
  FAMILIES,
  type GenerateSampleOptions,
  generateSample,
  REALISTIC_MIX,
  type Sample,
} from '#shared/sample/generate.ts';
import { onSchedule } from '#shared/sample/schedule.ts';
import { dayNumber, daysInRange, isoDay } from '#shared/time/seoul.ts';

/** channelId -> day number -> sends (days without a row absent). */
function sendsByChannel(sample: Sample): Map<string, Map<number, number>> {
  const byChannel = new Map(sample.channels.map((c) => [c.channelId, new Map<number, number>()]));
  const { channel, day, sends, channelIds } = sample.columns;
  for (let i = 0; i < channel.length; i++) byChannel.get(channelIds[channel[i]!]!)!.set(day[i]!, sends[i]!);
  return byChannel;
}

function clicksOn(sample: Sample, channelId: string, dayNo: number): number {
  const index = sample.columns.channelIds.indexOf(channelId);
  for (let i = 0; i < sample.columns.channel.length; i++)
    if (sample.columns.channel[i] === index && sample.columns.day[i] === dayNo)
      return sample.columns.clicks[i]!;
  return 0;
}

const year: GenerateSampleOptions = { channels: 200, days: 365, seed: 4, endDay: '2026-10-31' };
const calendar = calendarDays(dayNumber('2025-11-01'), dayNumber('2026-10-31'));
const calendarOf = (dayNo: number) => calendar[dayNo - dayNumber('2025-11-01')];
/** Not a holiday, bridge, catch-up or run-up day: a weekday's ordinary level. */
const ordinary = (dayNo: number) => {
  const info = calendarOf(dayNo);
  return info !== undefined && !isCalendarEffectDay(info) && info.daysBeforeMajor === 0;
};

describe('generateSample, realistic model', () => {
  it("is deterministic per seed and keeps a channel's draws when other families join the mix", () => {
    // Prepare / Act
    const a = generateSample({ ...year, families: REALISTIC_MIX });
    const b = generateSample({ ...year, families: REALISTIC_MIX });
    const c = generateSample({ ...year, seed: 5, families: REALISTIC_MIX });
    const other = generateSample({ ...year, families: { weekly: 1, scheduled: 1, billing: 2 } });
    // Assess
    expect(b.columns).toEqual(a.columns);
    expect(b.incidents).toEqual(a.incidents);
    expect(b.facts).toEqual(a.facts);
    expect(c.columns.sends).not.toEqual(a.columns.sends);
    const rowsA = sendsByChannel(a);
    const rowsOther = sendsByChannel(other);
    let same = 0;
    for (const [i, channel] of other.channels.entries()) {
      if (channel.family !== a.channels[i]!.family) continue;
      same++;
      expect(channel).toEqual(a.channels[i]);
      expect(rowsOther.get(channel.channelId)).toEqual(rowsA.get(channel.channelId));
      expect(other.incidents.filter((x) => x.channelId === channel.channelId)).toEqual(
        a.incidents.filter((x) => x.channelId === channel.channelId),
      );
    }
    expect(same).toBeGreaterThan(20);
  });

  it('draws every family, low-volume channels under 50 sends, and labels every incident with its family', () => {
    // Prepare / Act
    const sample = generateSample({ ...year, channels: 400, families: REALISTIC_MIX });
    // Assess
    expect(new Set(sample.channels.map((c) => c.family))).toEqual(new Set(FAMILIES));
    for (const channel of sample.channels.filter((c) => c.family === 'low_volume')) {
      expect(channel.baseSends).toBeGreaterThanOrEqual(5);
      expect(channel.baseSends).toBeLessThanOrEqual(50);
    }
    const familyOf = new Map(sample.channels.map((c) => [c.channelId, c.family]));
    for (const incident of sample.incidents) {
      expect(incident.family).toBe(familyOf.get(incident.channelId));
      expect(incident.onCalendarDay).toBe(isCalendarEffectDay(calendarOf(dayNumber(incident.from))!));
      if (incident.type === 'outage') expect(typeof incident.partial).toBe('boolean');
      if (incident.type === 'outage' && incident.partial) {
        expect(incident.factor).toBeGreaterThanOrEqual(0.05);
        expect(incident.factor).toBeLessThanOrEqual(0.4);
      }
      if (incident.type === 'spike' && incident.family === 'noisy') {
        expect(incident.factor).toBeGreaterThanOrEqual(3);
        expect(incident.factor).toBeLessThanOrEqual(8);
      }
    }
    const outages = sample.incidents.filter((i) => i.type === 'outage');
    expect(outages.filter((o) => o.partial).length / outages.length).toBeGreaterThan(0.3);
    expect(outages.filter((o) => o.onCalendarDay).length / outages.length).toBeGreaterThanOrEqual(0.15);
    expect(new Set(sample.incidents.map((i) => i.type))).toContain('duplicate_send');
  });

  it('leaves 5-40% of the plan on a partial outage, nothing on a total one, and doubles sends at half the CTR on a duplicate send', () => {
    // Prepare: the same plan with and without incidents, noise off so a day sends exactly its plan
    const options = { ...year, families: REALISTIC_MIX, noise: false, incidentRate: 3 };
    const withIncidents = generateSample(options);
    const planSample = generateSample({ ...options, incidentRate: 0 });
    const plan = sendsByChannel(planSample);
    const actual = sendsByChannel(withIncidents);
    let partials = 0;
    let duplicates = 0;
    // Act / Assess
    for (const incident of withIncidents.incidents) {
      for (const day of daysInRange(incident.from, incident.to).map(dayNumber)) {
        const planned = plan.get(incident.channelId)!.get(day) ?? 0;
        const sent = actual.get(incident.channelId)!.get(day) ?? 0;
        if (incident.type === 'outage' && !incident.partial) expect(sent).toBe(0);
        if (planned < 200) continue;
        if (incident.type === 'outage' && incident.partial) {
          partials++;
          expect(sent / planned).toBeGreaterThanOrEqual(0.05 - 0.01);
          expect(sent / planned).toBeLessThanOrEqual(0.4 + 0.01);
        }
        if (incident.type === 'duplicate_send') {
          duplicates++;
          expect(sent / planned).toBeGreaterThanOrEqual(1.79);
          expect(sent / planned).toBeLessThanOrEqual(2.31);
          const plannedClicks = clicksOn(planSample, incident.channelId, day);
          if (plannedClicks < 50) continue;
          const ctr = clicksOn(withIncidents, incident.channelId, day) / sent;
          const plannedCtr = plannedClicks / planned;
          expect(ctr).toBeLessThan(0.62 * plannedCtr);
          expect(ctr).toBeGreaterThan(0.38 * plannedCtr);
        }
      }
    }
    expect(partials).toBeGreaterThan(20);
    expect(duplicates).toBeGreaterThan(5);
  });

  it('keeps transactional alimtalk within 0.8-1.1 of an ordinary same weekday on holidays, and marketing pushes below 0.75', () => {
    // Prepare
    const sample = generateSample({
      ...year,
      channels: 300,
      families: { weekly: 1, steady: 1, noisy: 1 },
      noise: false,
      incidentRate: 0,
    });
    const rows = sendsByChannel(sample);
    const holidays = calendar.filter((d) => d.holiday && d.daysBeforeMajor === 0 && !d.bridge && !d.catchUp);
    const ratios = { transactional: [] as number[], marketing: [] as number[] };
    // Act
    for (const channel of sample.channels) {
      const facts = sample.facts.get(channel.channelId)!;
      if (facts.status !== 'active' || facts.changes || channel.endDay < sample.to) continue;
      const kind =
        channel.category === 'transactional' && channel.channelType === 'alimtalk'
          ? 'transactional'
          : channel.category === 'advertising' && channel.channelType === 'push'
            ? 'marketing'
            : undefined;
      if (!kind) continue;
      const series = rows.get(channel.channelId)!;
      for (const holiday of holidays) {
        const reference = [-7, 7, -14, 14].map((k) => holiday.dayNo + k).find(ordinary);
        if (reference === undefined || reference < dayNumber(channel.startDay)) continue;
        const usual = series.get(reference) ?? 0;
        if (usual < 200) continue;
        ratios[kind].push((series.get(holiday.dayNo) ?? 0) / usual);
      }
    }
    // Assess
    expect(ratios.transactional.length).toBeGreaterThan(50);
    expect(ratios.marketing.length).toBeGreaterThan(50);
    for (const ratio of ratios.transactional) {
      expect(ratio).toBeGreaterThanOrEqual(0.8);
      expect(ratio).toBeLessThanOrEqual(1.1);
    }
    for (const ratio of ratios.marketing) expect(ratio).toBeLessThan(0.75);
  });

  it('moves a billing peak that falls on a Sunday back to the Friday, and keeps reminders before it', () => {
    // Prepare: 2026-10-25 (Sunday) and 2026-01-25 (Sunday) are due days for 25th-of-month channels
    const sample = generateSample({
      ...year,
      channels: 120,
      families: { billing: 1 },
      noise: false,
      incidentRate: 0,
    });
    const rows = sendsByChannel(sample);
    let checked = 0;
    // Act / Assess
    for (const channel of sample.channels) {
      const series = rows.get(channel.channelId)!;
      for (const [sunday, friday, saturday] of [
        ['2026-10-25', '2026-10-23', '2026-10-24'],
        ['2026-01-25', '2026-01-23', '2026-01-24'],
      ].map((days) => days.map(dayNumber))) {
        const peak = series.get(friday!) ?? 0;
        if (peak < 0.95 * channel.baseSends || channel.endDay < isoDay(sunday!)) continue;
        checked++;
        expect(series.get(sunday!) ?? 0).toBeLessThan(0.3 * peak);
        expect(series.get(saturday!) ?? 0).toBeLessThan(0.3 * peak);
        // The working day before the peak carries the one-day reminder.
        expect(series.get(friday! - 1) ?? 0).toBeGreaterThanOrEqual(0.3 * channel.baseSends * 0.9);
      }
    }
    expect(checked).toBeGreaterThan(3);
    // And no billing channel peaks, or sends a reminder, on a weekend or a holiday.
    for (const channel of sample.channels)
      for (const [dayNo, sends] of rows.get(channel.channelId)!)
        if (calendarOf(dayNo)?.offDay) expect(sends).toBeLessThan(0.25 * channel.baseSends);
  });

  it('sends scheduled campaigns only on their schedule (bar incidents), and declares about half the schedules', () => {
    // Prepare
    const sample = generateSample({ ...year, channels: 120, families: { scheduled: 1 } });
    const rows = sendsByChannel(sample);
    let declared = 0;
    let campaignDays = 0;
    // Act / Assess
    for (const channel of sample.channels) {
      const facts = sample.facts.get(channel.channelId)!;
      if (facts.schedule) declared++;
      const incidentDays = new Set(
        sample.incidents
          .filter((i) => i.channelId === channel.channelId)
          .flatMap((i) => daysInRange(i.from, i.to).map(dayNumber)),
      );
      const onDays = [...rows.get(channel.channelId)!].filter(
        ([, sends]) => sends > 0.1 * channel.baseSends + 5,
      );
      for (const [dayNo] of onDays) {
        if (incidentDays.has(dayNo)) continue;
        campaignDays++;
        if (facts.schedule) expect(onSchedule(facts.schedule, dayNo)).toBe(true);
      }
      // Off the schedule: nothing, or a trickle of at most a few percent of a campaign.
      if (facts.schedule)
        for (const [dayNo, sends] of rows.get(channel.channelId)!)
          if (!onSchedule(facts.schedule, dayNo) && !incidentDays.has(dayNo))
            expect(sends).toBeLessThanOrEqual(0.05 * channel.baseSends + 5);
    }
    expect(declared).toBeGreaterThan(0.3 * sample.channels.length);
    expect(declared).toBeLessThan(0.7 * sample.channels.length);
    expect(campaignDays).toBeGreaterThan(500);
    expect(sample.incidents.filter((i) => i.family === 'scheduled').every((i) => i.burst)).toBe(true);
  });

  it("records the registry's view: categories, recorded changes, pauses and retirements with sends after them labeled", () => {
    // Prepare
    const sample = generateSample({ ...year, channels: 600, families: REALISTIC_MIX, noise: false });
    const rows = sendsByChannel(sample);
    // Act / Assess
    expect(sample.facts.size).toBe(sample.channels.length);
    for (const channel of sample.channels) {
      const facts = sample.facts.get(channel.channelId)!;
      expect(facts.category).toBe(channel.category);
      if (facts.schedule) expect(channel.family).toBe('scheduled');
    }
    const changed = sample.channels.filter((c) => sample.facts.get(c.channelId)!.changes);
    expect(changed.length).toBeGreaterThan(0.04 * sample.channels.length);
    expect(sample.changes.map((c) => [c.channelId, c.day])).toEqual(
      changed.map((c) => [c.channelId, sample.facts.get(c.channelId)!.changes![0]]),
    );
    const inactive = sample.channels.filter((c) => sample.facts.get(c.channelId)!.status !== 'active');
    expect(inactive.length).toBeGreaterThan(0);
    for (const channel of inactive) {
      const since = dayNumber(sample.facts.get(channel.channelId)!.statusSince!);
      const allowed = new Set(
        sample.incidents
          .filter((i) => i.channelId === channel.channelId && i.type === 'inactive_send')
          .flatMap((i) => daysInRange(i.from, i.to).map(dayNumber)),
      );
      const after = [...rows.get(channel.channelId)!.keys()].filter((d) => d >= since);
      expect(after.filter((d) => !allowed.has(d))).toEqual([]);
      for (const d of allowed) expect(rows.get(channel.channelId)!.get(d)).toBeGreaterThan(0);
    }
    // A stop the registry does not know of is an incident; the channel stays active there.
    const stops = sample.incidents.filter((i) => i.note === 'stopped');
    expect(stops.length).toBeGreaterThan(0);
    for (const stop of stops) {
      expect(stop).toMatchObject({ type: 'level_drop', lasting: true });
      expect(sample.facts.get(stop.channelId)!.status).toBe('active');
    }
  });

  it('shifts a channel for good from a recorded change day, by the recorded factor', () => {
    // Prepare
    const sample = generateSample({
      ...year,
      channels: 600,
      families: REALISTIC_MIX,
      noise: false,
      incidentRate: 0,
    });
    const rows = sendsByChannel(sample);
    let checked = 0;
    // Act / Assess
    for (const change of sample.changes.filter((c) => c.metric === 'sends')) {
      const day = dayNumber(change.day);
      const series = rows.get(change.channelId)!;
      for (const k of [7, 14, 21]) {
        const before = series.get(day - k) ?? 0;
        const after = series.get(day + k) ?? 0;
        if (!ordinary(day - k) || !ordinary(day + k) || before < 200) continue;
        const channel = sample.channels.find((c) => c.channelId === change.channelId)!;
        if (channel.family !== 'weekly' && channel.family !== 'steady' && channel.family !== 'noisy')
          continue;
        checked++;
        expect(after / before).toBeCloseTo(change.factor, 1);
      }
    }
    expect(checked).toBeGreaterThan(5);
  });

  it('refuses a new family in the legacy model', () => {
    // Prepare / Act / Assess
    expect(() => generateSample({ channels: 5, model: 'legacy', families: { billing: 1 } })).toThrow(
      /realistic/,
    );
  });
});
