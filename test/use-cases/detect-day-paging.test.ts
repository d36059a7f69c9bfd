import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeChannelLake } from '#shared/adapters/duckdb/lake-writer.ts';
import { openDuckDbMetrics } from '#shared/adapters/duckdb/metrics-source.ts';
import { parseCrmGuardConfig } from '#shared/config/crm-guard-config.ts';
import type { ChannelDayRow } from '#shared/domain/channel-metrics.ts';
import type { Digest } from '#shared/domain/digest.ts';
import type { JudgedFinding } from '#shared/domain/finding.ts';
import { OutOfRangeError, UsageError } from '#shared/errors.ts';
import type { AlertSink } from '#shared/ports/alert-sink.ts';
import type { MetricsSource } from '#shared/ports/metrics-source.ts';
import { addDays, dayNumber, daysInRange, seoulInstant, weekday } from '#shared/time/seoul.ts';
import { type DetectDayPorts, detectDay } from '#shared/use-cases/detect-day.ts';
import { capturingSink, freshFindingStore } from './helpers.ts';

const config = parseCrmGuardConfig({});
const FIRST = '2026-06-01';
const LAST = '2026-09-10';
/** Silent on the last two days: a two-day outage. */
const OUTAGE = 'alimtalk_outage';

/** A channel that sends as usual in the lake as first written, and nothing on LAST once it is rewritten. */
const REWRITTEN = 'push_c';

/**
 * Four steady weekly channels over 100 days; the outage channel sends nothing on LAST - 1 and LAST.
 * The rewritten lake (a corrected partition of LAST): the outage channel sent after all, `REWRITTEN` did not.
 */
function rows(rewritten = false): ChannelDayRow[] {
  const out: ChannelDayRow[] = [];
  const ids = [OUTAGE, 'alimtalk_b', REWRITTEN, 'push_d'];
  daysInRange(FIRST, LAST).forEach((dt, i) => {
    ids.forEach((channelId, c) => {
      const silent = rewritten ? channelId === REWRITTEN && dt === LAST : channelId === OUTAGE;
      if (silent && dt >= addDays(LAST, -1)) return;
      const weekend = weekday(dt) % 6 === 0 ? 0.6 : 1;
      const wobble = 1 + 0.03 * Math.sin(i * (c + 1.3));
      const sends = Math.round((c + 1) * 8_000 * weekend * wobble);
      out.push({
        dt,
        channelId,
        channelType: channelId.split('_')[0]!,
        sends,
        clicks: Math.round(sends * 0.04),
      });
    });
  });
  return out;
}

let dir: string;
let metrics: MetricsSource;
const fresh = freshFindingStore();
// The job runs the morning after its day.
const now = () => seoulInstant(addDays(LAST, 1), 9);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'crm-guard-paging-'));
  await writeChannelLake(dir, rows());
  metrics = await openDuckDbMetrics({ input: dir });
});

afterAll(async () => {
  await metrics?.close();
  rmSync(dir, { recursive: true, force: true });
});

const ports = (alerts: AlertSink): DetectDayPorts => ({ metrics, store: fresh.store, alerts, now });
const pagesOutage = (digest: Digest | undefined) =>
  (digest?.body as { alerts: JudgedFinding[] } | undefined)?.alerts.some((a) => a.channelId === OUTAGE) ??
  false;

describe('detectDay: an incident groups only with pages that were sent', () => {
  it('pages an outage on t when t-1 was never run', async () => {
    // Prepare
    const alerts = capturingSink();

    // Act
    const result = await detectDay({ day: LAST, profile: 'default', config }, ports(alerts));

    // Assess
    expect(result.findings.some((f) => f.channelId === OUTAGE && f.alert)).toBe(true);
    expect(pagesOutage(alerts.sent[0])).toBe(true);
  });

  it('groups t with t-1 when t-1 ran and its digest went out', async () => {
    // Prepare
    const alerts = capturingSink();
    await detectDay({ day: addDays(LAST, -1), profile: 'default', config }, ports(alerts));

    // Act
    const result = await detectDay({ day: LAST, profile: 'default', config }, ports(alerts));

    // Assess
    expect(pagesOutage(alerts.sent[0])).toBe(true);
    const outage = result.findings.filter((f) => f.channelId === OUTAGE && f.metric === 'sends');
    expect(outage.length).toBeGreaterThan(0);
    expect(outage.some((f) => f.alert)).toBe(false);
    expect(outage.some((f) => f.code === 'grouped')).toBe(true);
  });

  it('pages again on t when t-1 got only a provisional digest', async () => {
    // Prepare: a run record for t-1 that judged a partial day (its provisional digest claims nothing).
    const alerts = capturingSink();
    const previous = addDays(LAST, -1);
    await detectDay({ day: previous, profile: 'default', config }, ports(alerts));
    const run = (await fresh.store.run(previous))!;
    await fresh.store.replaceDay(
      { ...run, partialData: true },
      await fresh.store.findings({ from: previous, to: previous }),
    );
    await fresh.store.releaseDigest(previous, run.digestSentAt!);

    // Act
    const result = await detectDay({ day: LAST, profile: 'default', config }, ports(alerts));

    // Assess
    expect(result.findings.some((f) => f.channelId === OUTAGE && f.alert)).toBe(true);
  });
});

describe('detectDay: a re-run pages what its digest paged', () => {
  it('keeps the outage t paged when t-1 is run after the digest of t went out', async () => {
    // Prepare: t is judged and its digest sent at 09:00; t-1 is run late, at 09:05
    const alerts = capturingSink();
    let clock = seoulInstant(addDays(LAST, 1), 9);
    const late: DetectDayPorts = { metrics, store: fresh.store, alerts, now: () => clock };
    const first = await detectDay({ day: LAST, profile: 'default', config }, late);
    clock = seoulInstant(addDays(LAST, 1), 9, 5);
    await detectDay({ day: addDays(LAST, -1), profile: 'default', config }, late);
    clock = seoulInstant(addDays(LAST, 1), 9, 10);

    // Act
    const again = await detectDay({ day: LAST, profile: 'default', config }, late);

    // Assess
    const paged = (findings: JudgedFinding[]) =>
      findings.filter((f) => f.alert).map((f) => `${f.channelId}/${f.rule}/${f.metric}`);
    expect(paged(first.findings).some((what) => what.startsWith(`${OUTAGE}/`))).toBe(true);
    expect(paged(again.findings)).toEqual(paged(first.findings));
    expect(paged(await fresh.store.findings({ from: LAST, to: LAST }))).toEqual(paged(first.findings));
    expect(again.digestAlreadySent).toBe(true);
  });

  it("keeps the page of t when the team's verdict on it came after its digest", async () => {
    // Prepare: t's digest at 09:00; at 09:30 the team calls the outage a false alarm
    const alerts = capturingSink();
    let clock = seoulInstant(addDays(LAST, 1), 9);
    const verdict = { channelId: OUTAGE, day: LAST, verdict: 'false-alarm' as const, by: 'kim' };
    const feedback = {
      verdicts: async () => [{ ...verdict, at: seoulInstant(addDays(LAST, 1), 9, 30).toISOString() }],
    };
    const withVerdict: DetectDayPorts = { metrics, store: fresh.store, alerts, now: () => clock, feedback };
    await detectDay(
      { day: LAST, profile: 'default', config },
      { ...withVerdict, feedback: { verdicts: async () => [] } },
    );
    clock = seoulInstant(addDays(LAST, 1), 9, 40);

    // Act
    const again = await detectDay({ day: LAST, profile: 'default', config }, withVerdict);

    // Assess
    expect(again.findings.some((f) => f.channelId === OUTAGE && f.alert)).toBe(true);
    expect(again.findings.some((f) => f.code === 'closed_by_feedback')).toBe(false);
  });
});

describe("detectDay: a re-run after the day's data was rewritten", () => {
  let rewrittenDir: string;
  let rewritten: MetricsSource;
  beforeAll(async () => {
    rewrittenDir = mkdtempSync(join(tmpdir(), 'crm-guard-rewritten-'));
    await writeChannelLake(rewrittenDir, rows(true));
    rewritten = await openDuckDbMetrics({ input: rewrittenDir });
  });
  afterAll(async () => {
    await rewritten?.close();
    rmSync(rewrittenDir, { recursive: true, force: true });
  });

  it('sends what the digest did not page as a correction, once, and keeps what it paged', async () => {
    // Prepare: the digest of LAST pages the outage; then LAST's partition is rewritten
    const alerts = capturingSink();
    const first = await detectDay({ day: LAST, profile: 'default', config }, ports(alerts));
    const onRewritten: DetectDayPorts = { ...ports(alerts), metrics: rewritten };

    // Act
    const rerun = await detectDay({ day: LAST, profile: 'default', config }, onRewritten);
    const again = await detectDay({ day: LAST, profile: 'default', config }, onRewritten);

    // Assess: the team hears of the new silence, in a correction, once
    const paging = (digest: Digest) =>
      (digest.body as { alerts: JudgedFinding[] }).alerts.map((a) => a.channelId);
    expect(alerts.sent).toHaveLength(2);
    expect(paging(alerts.sent[0]!)).toContain(OUTAGE);
    expect(paging(alerts.sent[1]!)).toEqual([REWRITTEN]);
    expect(alerts.sent[1]!.subject).toBe(`crm-guard ${LAST}: 1 new alert on a re-run after the digest`);
    expect(rerun.correction).toBe(true);
    expect(again.digest).toBeUndefined();
    // What the digest paged stays paged, saying why the data no longer shows it; the new page is stored too
    const stored = await fresh.store.findings({ from: LAST, to: LAST });
    const storedPages = stored.filter((f) => f.alert);
    expect(new Set(storedPages.map((f) => f.channelId))).toEqual(new Set([OUTAGE, REWRITTEN]));
    // Said once, however often the day is re-run
    expect(storedPages.find((f) => f.channelId === OUTAGE)!.reason).toBe(
      `${first.findings.find((f) => f.channelId === OUTAGE && f.alert)!.reason} (paged in the digest; a re-run of the day no longer pages it)`,
    );
    expect((await fresh.store.run(LAST))!.alerts).toBe(storedPages.length);
  });

  it('keeps what the digest paged while the day reads partial or missing, and sends nothing for it after', async () => {
    // Prepare: the digest of LAST pages the outage; then LAST's partition is being rewritten (gone)
    const alerts = capturingSink();
    const first = await detectDay({ day: LAST, profile: 'default', config }, ports(alerts));
    const paged = (findings: JudgedFinding[]) => findings.filter((f) => f.alert).map((f) => f.channelId);
    const gone: MetricsSource = {
      ...metrics,
      readChannelDays: async (range) => {
        const columns = await metrics.readChannelDays(range);
        const keep = Array.from(columns.day, (day) => day !== dayNumber(LAST));
        const pick = <T extends Int32Array | Float64Array>(array: T) => array.filter((_, i) => keep[i]) as T;
        return {
          ...columns,
          channel: pick(columns.channel),
          day: pick(columns.day),
          sends: pick(columns.sends),
          clicks: pick(columns.clicks),
        };
      },
    };

    // Act
    const whileGone = await detectDay(
      { day: LAST, profile: 'default', config },
      { ...ports(alerts), metrics: gone },
    );
    const storedWhileGone = await fresh.store.findings({ from: LAST, to: LAST });
    const back = await detectDay({ day: LAST, profile: 'default', config }, ports(alerts));

    // Assess
    expect(whileGone.stored).toBe(false);
    expect(paged(storedWhileGone)).toEqual(paged(first.findings));
    expect(back.digest).toBeUndefined();
    expect(alerts.sent).toHaveLength(1);
  });

  it("refuses another profile's --send once the day's digest went out, and keeps what it paged stored", async () => {
    // Prepare
    const alerts = capturingSink();
    const first = await detectDay({ day: LAST, profile: 'default', config }, ports(alerts));

    // Act
    const seed = detectDay({ day: LAST, profile: 'seed', config }, ports(alerts));

    // Assess
    await expect(seed).rejects.toThrow(UsageError);
    await expect(seed).rejects.toThrow(
      `the digest for ${LAST} went out under profile default, and --send with --profile seed would replace what it paged`,
    );
    expect(alerts.sent).toHaveLength(1);
    const paged = (findings: JudgedFinding[]) => findings.filter((f) => f.alert).map((f) => f.channelId);
    expect(paged(await fresh.store.findings({ from: LAST, to: LAST }))).toEqual(paged(first.findings));
    expect((await fresh.store.run(LAST))?.profile).toBe('default');
  });
});

describe('detectDay: looks, and days it cannot judge', () => {
  it('a seed-profile look judges and returns, and neither stores nor sends', async () => {
    // Prepare
    const alerts = capturingSink();

    // Act
    const look = await detectDay({ day: LAST, profile: 'seed', config, send: false }, ports(alerts));

    // Assess
    expect(look.stored).toBe(false);
    expect(look.findings.some((f) => f.channelId === OUTAGE && f.alert)).toBe(true);
    expect(alerts.sent).toEqual([]);
    expect(await fresh.store.run(LAST)).toBeUndefined();
    expect(await fresh.store.findings({ from: LAST, to: LAST })).toEqual([]);
  });

  it('refuses a day before the lake starts, today and the future, sending nothing', async () => {
    // Prepare
    const alerts = capturingSink();
    const job = (day: string) => detectDay({ day, profile: 'default', config }, ports(alerts));

    // Act / Assess
    await expect(job(addDays(FIRST, -1))).rejects.toThrow(OutOfRangeError);
    await expect(job(addDays(FIRST, -1))).rejects.toThrow(
      `${addDays(FIRST, -1)} is before the lake's first day, ${FIRST}`,
    );
    await expect(job(addDays(LAST, 1))).rejects.toThrow(/is not over yet in Asia\/Seoul/);
    await expect(job('2027-01-01')).rejects.toThrow(OutOfRangeError);
    expect(alerts.sent).toEqual([]);
  });

  it('sends one provisional digest for a missing day however often it is re-run', async () => {
    // Prepare: LAST + 1 has no partition yet; the job runs the morning after it.
    const alerts = capturingSink();
    const day = addDays(LAST, 1);
    const later = { metrics, store: fresh.store, alerts, now: () => seoulInstant(addDays(day, 1), 9) };

    // Act
    const first = await detectDay({ day, profile: 'default', config }, later);
    const second = await detectDay({ day, profile: 'default', config }, later);

    // Assess
    expect(first.digest?.body).toMatchObject({ provisional: true });
    expect(second.digest).toBeUndefined();
    expect(second.digestAlreadySent).toBe(true);
    expect(alerts.sent).toHaveLength(1);
    expect((await fresh.store.run(day))?.provisionalSentAt).toBe(first.run.provisionalSentAt);
    expect((await fresh.store.run(day))?.digestSentAt).toBeUndefined();
  });
});

describe('detectDay: an incident the team closed is not paged again', () => {
  it('holds the outage on t when its page on t-1 was judged a false alarm, and pages it when it was confirmed', async () => {
    // Prepare: t-1 paged; the team's verdict on it
    const verdictsOn = (verdict: 'false-alarm' | 'confirmed') => ({
      verdicts: async () => [
        { channelId: OUTAGE, day: addDays(LAST, -1), verdict, by: 'kim', at: '2026-09-10T01:00:00.000Z' },
      ],
    });
    // t on its own (t-1 never notified), so only the verdict decides whether t pages
    const run = (verdict: 'false-alarm' | 'confirmed') =>
      detectDay(
        { day: LAST, profile: 'default', config, send: false },
        { ...ports(capturingSink()), feedback: verdictsOn(verdict) },
      );

    // Act
    const closed = await run('false-alarm');
    const confirmed = await run('confirmed');

    // Assess
    const outage = (result: Awaited<ReturnType<typeof run>>) =>
      result.findings.filter((f) => f.channelId === OUTAGE && f.date === LAST);
    expect(outage(closed).some((f) => f.alert)).toBe(false);
    expect(outage(closed).some((f) => f.code === 'closed_by_feedback')).toBe(true);
    expect(outage(confirmed).some((f) => f.code === 'closed_by_feedback')).toBe(false);
  });
});
