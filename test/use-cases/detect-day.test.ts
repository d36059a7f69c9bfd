import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeChannelLake } from '#shared/adapters/duckdb/lake-writer.ts';
import { openDuckDbMetrics } from '#shared/adapters/duckdb/metrics-source.ts';
import { createHmacLinkSigner } from '#shared/adapters/links/hmac.ts';
import { parseCrmGuardConfig } from '#shared/config/crm-guard-config.ts';
import type { ChannelDayRow } from '#shared/domain/channel-metrics.ts';
import type { Feedback } from '#shared/domain/feedback.ts';
import { feedbackLinkMessage, readFeedbackLink } from '#shared/domain/feedback-link.ts';
import type { JudgedFinding } from '#shared/domain/finding.ts';
import type { RegistrySnapshot } from '#shared/domain/registry.ts';
import type { ProfileName } from '#shared/domain/run-record.ts';
import type { AlertSink } from '#shared/ports/alert-sink.ts';
import type { FindingStore } from '#shared/ports/finding-store.ts';
import type { MetricsSource } from '#shared/ports/metrics-source.ts';
import { addDays, daysBetween, daysInRange, seoulInstant } from '#shared/time/seoul.ts';
import { type DetectDayPorts, detectDay } from '#shared/use-cases/detect-day.ts';
import { backfill } from '#shared/use-cases/judge-range.ts';
import { steadyFleet } from './fleet.ts';
import { capturingSink, freshFindingStore } from './helpers.ts';

const config = parseCrmGuardConfig({});
const LAST = '2026-10-31';
/** A big steady channel that sends nothing on the last day. */
const OUTAGE = 'alimtalk_0013';
/** Another one, retired in the registry. */
const RETIRED = 'alimtalk_0023';
/** Silent for 16 days mid-sample: daily windows starting inside the gap need `seenBefore`. */
const GAP = 'alimtalk_0009';

let dir: string;
let metrics: MetricsSource;
let sampleFrom: string;

/**
 * 30 steady channels x 100 days, plus the outage, the retired channel's drop, and the gap (after
 * which its clicks collapse, so the rules have findings on days whose windows start inside it).
 */
function sampleRows(): ChannelDayRow[] {
  sampleFrom = addDays(LAST, -99);
  return steadyFleet({ channels: 30, days: 100, endDay: LAST })
    .filter((row) => {
      if ((row.channelId === OUTAGE || row.channelId === RETIRED) && row.dt === LAST) return false;
      const index = daysBetween(sampleFrom, row.dt);
      return !(row.channelId === GAP && index >= 30 && index <= 45);
    })
    .map((row) =>
      row.channelId === GAP && daysBetween(sampleFrom, row.dt) >= 90
        ? { ...row, clicks: Math.round(row.clicks / 10) }
        : row,
    );
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'crm-guard-detect-day-'));
  await writeChannelLake(dir, sampleRows());
  metrics = await openDuckDbMetrics({ input: dir });
});

afterAll(async () => {
  await metrics?.close();
  rmSync(dir, { recursive: true, force: true });
});

const fresh = freshFindingStore();

function ports(alerts: AlertSink, extra: Partial<DetectDayPorts> = {}): DetectDayPorts {
  return { metrics, store: fresh.store, alerts, ...extra };
}

const key = (f: JudgedFinding) => `${f.channelId}/${f.rule}/${f.metric}`;
const sortFindings = (findings: JudgedFinding[]) =>
  [...findings].sort((a, b) => key(a).localeCompare(key(b)));

describe('detectDay on a DuckDB lake and the DynamoDB store (dynalite)', () => {
  it.each<ProfileName>(['seed', 'default'])(
    'pages the outage channel on the last day (profile %s)',
    async (profile) => {
      // Prepare
      const alerts = capturingSink();

      // Act
      const result = await detectDay({ day: LAST, profile, config }, ports(alerts));

      // Assess
      const paging = result.findings.filter((f) => f.alert);
      expect(
        paging.some((f) => f.channelId === OUTAGE && f.metric === 'sends' && f.direction === 'down'),
      ).toBe(true);
      expect(paging.every((f) => f.date === LAST)).toBe(true);
      expect(result.run).toMatchObject({ day: LAST, profile, channelsJudged: 30, missingDays: [] });
      expect(alerts.sent).toHaveLength(1);
      expect(alerts.sent[0]!.text).toContain(OUTAGE);
      expect(result.run.digestSentAt).toBeDefined();
      const stored = await fresh.store.findings({ from: LAST, to: LAST });
      expect(sortFindings(stored)).toEqual(sortFindings(result.findings));
    },
  );

  it('sends a quiet day its short digest, unless the config turns it off', async () => {
    // Prepare: two days well before LAST's outage and the gap channel's collapse: every channel as usual
    const day = addDays(LAST, -13);
    const quietOff = parseCrmGuardConfig({ digest: { quietDay: false } });
    const alerts = capturingSink();

    // Act
    const quiet = await detectDay({ day, profile: 'default', config }, ports(alerts));
    const off = await detectDay(
      { day: addDays(LAST, -12), profile: 'default', config: quietOff },
      ports(alerts),
    );

    // Assess
    expect([quiet.run.alerts, off.run.alerts]).toEqual([0, 0]);
    expect(alerts.sent.map((digest) => digest.subject)).toEqual([
      `crm-guard ${day}: 30 channels judged, nothing needs you today`,
    ]);
    expect(quiet.run.digestSentAt).toBeDefined();
    expect(off.run.digestSentAt).toBeUndefined();
  });

  it('gives each page of the digest signed one-click links, one a verdict, that verify', async () => {
    // Prepare
    const signer = createHmacLinkSigner('a-key-of-thirty-two-characters-x');
    const alerts = capturingSink();

    // Act
    await detectDay(
      { day: LAST, profile: 'default', config },
      ports(alerts, { links: { base: 'http://127.0.0.1:8787', signer } }),
    );

    // Assess
    const line = alerts.sent[0]!.text.split('\n').find((text) => text.includes('was it real?'))!;
    const urls = line.match(/http:\/\/\S+/g)!;
    expect(urls).toHaveLength(3);
    for (const url of urls) {
      const link = readFeedbackLink(Object.fromEntries(new URL(url).searchParams));
      expect(link.ok).toBe(true);
      if (link.ok) expect(await signer.verify(feedbackLinkMessage(link.claim), link.signature)).toBe(true);
    }
    expect(urls.map((url) => new URL(url).searchParams.get('v'))).toEqual([
      'confirmed',
      'false-alarm',
      'expected',
    ]);
  });

  it('replaces the day on a re-run and sends no second digest', async () => {
    // Prepare
    const alerts = capturingSink();
    const first = await detectDay({ day: LAST, profile: 'seed', config }, ports(alerts));

    // Act
    const second = await detectDay({ day: LAST, profile: 'seed', config }, ports(alerts));

    // Assess
    expect(alerts.sent).toHaveLength(1);
    expect(second.digest).toBeUndefined();
    expect(second.digestAlreadySent).toBe(true);
    const stored = await fresh.store.findings({ from: LAST, to: LAST });
    expect(stored).toHaveLength(first.findings.length);
    expect(sortFindings(stored)).toEqual(sortFindings(first.findings));
    const run = await fresh.store.run(LAST);
    expect(run?.digestSentAt).toBe(first.run.digestSentAt);
  });

  it('re-runs a day as its digest saw the registry: a mute or a change recorded after it changes no page', async () => {
    // Prepare: the digest goes out at 09:00; at 10:00 the team snoozes the outage channel over the day
    // and records a change on it; the day is re-run at 10:30.
    const alerts = capturingSink();
    let clock = seoulInstant(addDays(LAST, 1), 9);
    const recorded = seoulInstant(addDays(LAST, 1), 10).toISOString();
    const later: RegistrySnapshot = {
      channels: [],
      reviews: [],
      changes: [{ channelId: OUTAGE, day: LAST, what: 'new sender', at: recorded, by: 'kim' }],
      mutes: [{ channelId: OUTAGE, from: LAST, reason: 'known', by: 'kim', at: recorded }],
    };
    let snapshot: RegistrySnapshot = { channels: [], reviews: [], changes: [], mutes: [] };
    const run = () =>
      detectDay(
        { day: LAST, profile: 'default', config },
        ports(alerts, { now: () => clock, registry: async () => snapshot }),
      );
    const first = await run();
    snapshot = later;
    clock = seoulInstant(addDays(LAST, 1), 10, 30);

    // Act
    const again = await run();

    // Assess
    const paged = (result: typeof first) =>
      result.findings
        .filter((f) => f.alert)
        .map(key)
        .sort();
    expect(paged(first).some((page) => page.startsWith(`${OUTAGE}/`))).toBe(true);
    expect(paged(again)).toEqual(paged(first));
    expect(await fresh.store.findings({ from: LAST, to: LAST })).toHaveLength(first.findings.length);
    expect(alerts.sent).toHaveLength(1);
  });

  it('gives the digest back when publishing fails, so the next run sends it', async () => {
    // Prepare
    const alerts = capturingSink();
    alerts.failNext = true;

    // Act
    const failed = detectDay({ day: LAST, profile: 'seed', config }, ports(alerts));
    await expect(failed).rejects.toThrow('SNS is down');
    const afterFailure = await fresh.store.run(LAST);
    const retry = await detectDay({ day: LAST, profile: 'seed', config }, ports(alerts));

    // Assess
    expect(afterFailure).toBeDefined();
    expect(afterFailure?.digestSentAt).toBeUndefined();
    expect(retry.digest).toBeDefined();
    expect(alerts.sent).toHaveLength(1);
    expect((await fresh.store.run(LAST))?.digestSentAt).toBe(retry.run.digestSentAt);
  });

  it('stores a run with the missing day and sends a provisional digest that claims nothing', async () => {
    // Prepare
    const alerts = capturingSink();
    const late = addDays(LAST, 1);

    // Act
    const result = await detectDay({ day: late, profile: 'default', config }, ports(alerts));

    // Assess
    expect(result.findings).toEqual([]);
    expect(alerts.sent).toHaveLength(1);
    expect(alerts.sent[0]).toMatchObject({
      subject: `crm-guard ${late}: no data yet, nothing judged (provisional)`,
      severity: 'medium',
      body: { provisional: true, partialData: false },
    });
    const run = await fresh.store.run(late);
    expect(run).toMatchObject({ day: late, channelsJudged: 0, findings: 0, alerts: 0, partialData: false });
    expect(run?.missingDays).toContain(late);
    expect(run?.digestSentAt).toBeUndefined();
  });

  it('says a day with far fewer sending channels looks partial, holds its drops, and still sends the full digest once it lands', async () => {
    // Prepare: the day after LAST with 10 of the 30 channels arrived, then the whole day, in which one
    // steady channel (not among the 10) really sent nothing.
    const day = addDays(LAST, 1);
    const silent = 'alimtalk_0017';
    const lastRows = sampleRows().filter((row) => row.dt === LAST);
    const nextDay = lastRows.map((row) => ({ ...row, dt: day }));
    const arrived = new Set(nextDay.slice(0, 10).map((row) => row.channelId));
    const partialDir = mkdtempSync(join(tmpdir(), 'crm-guard-partial-'));
    const fullDir = mkdtempSync(join(tmpdir(), 'crm-guard-landed-'));
    await writeChannelLake(partialDir, [
      ...sampleRows(),
      ...nextDay.filter((row) => arrived.has(row.channelId)),
    ]);
    await writeChannelLake(fullDir, [...sampleRows(), ...nextDay.filter((row) => row.channelId !== silent)]);
    const partialLake = await openDuckDbMetrics({ input: partialDir });
    const fullLake = await openDuckDbMetrics({ input: fullDir });
    const alerts = capturingSink();

    try {
      // Act
      const partial = await detectDay(
        { day, profile: 'default', config },
        ports(alerts, { metrics: partialLake }),
      );
      const landed = await detectDay(
        { day, profile: 'default', config },
        ports(alerts, { metrics: fullLake }),
      );

      // Assess
      expect(arrived.has(silent)).toBe(false);
      expect(partial.run.partialData).toBe(true);
      const heldDrops = partial.findings.filter((f) => f.metric === 'sends' && f.direction === 'down');
      expect(heldDrops.length).toBeGreaterThanOrEqual(15);
      expect(heldDrops.every((f) => !f.alert && f.reason?.startsWith('late data'))).toBe(true);
      expect(alerts.sent[0]).toMatchObject({
        severity: 'high',
        body: { partialData: true, provisional: true },
      });
      expect(alerts.sent[0]?.subject).toContain('data looks partial, drops held');
      expect(alerts.sent[0]?.text).toContain('check the senders');

      expect(partial.run.digestSentAt).toBeUndefined();

      expect(landed.run.partialData).toBe(false);
      expect(landed.digestAlreadySent).toBe(false);
      expect(landed.findings.some((f) => f.alert && f.channelId === silent && f.metric === 'sends')).toBe(
        true,
      );
      expect(alerts.sent).toHaveLength(2);
      expect(alerts.sent[1]?.body).toMatchObject({ provisional: false, partialData: false });
      expect((await fresh.store.run(day))?.digestSentAt).toBe(landed.run.digestSentAt);
      expect(landed.run.digestSentAt).toBeDefined();
    } finally {
      await partialLake.close();
      await fullLake.close();
      rmSync(partialDir, { recursive: true, force: true });
      rmSync(fullDir, { recursive: true, force: true });
    }
  });

  it("keeps a partial day's page on a re-run while still partial, whatever verdict came after its provisional digest", async () => {
    // Prepare: the day after LAST with 10 of the 30 channels arrived, one of them at five times its sends
    const day = addDays(LAST, 1);
    const nextDay = sampleRows()
      .filter((row) => row.dt === LAST)
      .slice(0, 10)
      .map((row) => ({ ...row, dt: day }));
    const spiking = nextDay[0]!.channelId;
    nextDay[0] = { ...nextDay[0]!, sends: nextDay[0]!.sends * 5 };
    const partialDir = mkdtempSync(join(tmpdir(), 'crm-guard-partial-'));
    await writeChannelLake(partialDir, [...sampleRows(), ...nextDay]);
    const partialLake = await openDuckDbMetrics({ input: partialDir });
    const alerts = capturingSink();
    let clock = seoulInstant(addDays(day, 1), 9);
    const verdicts: Feedback[] = [];
    const partialPorts = ports(alerts, {
      metrics: partialLake,
      now: () => clock,
      feedback: { verdicts: async () => verdicts },
    });

    try {
      const first = await detectDay({ day, profile: 'default', config }, partialPorts);
      // The team calls the spike a false alarm from the provisional digest, at 09:30
      verdicts.push({
        channelId: spiking,
        day,
        verdict: 'false-alarm',
        by: 'kim',
        at: seoulInstant(addDays(day, 1), 9, 30).toISOString(),
      });
      clock = seoulInstant(addDays(day, 1), 9, 40);

      // Act
      const again = await detectDay({ day, profile: 'default', config }, partialPorts);

      // Assess
      const spikePaged = (result: typeof first) =>
        result.findings.some((f) => f.channelId === spiking && f.alert);
      expect(first.run.partialData).toBe(true);
      expect(spikePaged(first)).toBe(true);
      expect(spikePaged(again)).toBe(true);
    } finally {
      await partialLake.close();
      rmSync(partialDir, { recursive: true, force: true });
    }
  });

  it('stores a retired channel finding with alert false', async () => {
    // Prepare
    const alerts = capturingSink();
    const registry = async (): Promise<RegistrySnapshot> => ({
      channels: [
        {
          channelId: RETIRED,
          name: 'retired sample',
          category: 'informational',
          owner: 'crm',
          status: 'retired',
          statusSince: addDays(LAST, -3),
          updatedAt: '2026-10-28T00:00:00Z',
          updatedBy: 'crm',
        },
      ],
      reviews: [],
      changes: [],
      mutes: [],
    });

    // Act
    const withRetired = await detectDay({ day: LAST, profile: 'seed', config }, ports(alerts, { registry }));

    // Assess
    const retired = withRetired.findings.filter((f) => f.channelId === RETIRED);
    expect(retired.length).toBeGreaterThan(0);
    expect(retired.every((f) => !f.alert)).toBe(true);
    expect(retired.some((f) => f.code === 'channel_inactive')).toBe(true);
    const stored = (await fresh.store.findings({ from: LAST, to: LAST })).filter(
      (f) => f.channelId === RETIRED,
    );
    expect(stored.length).toBe(retired.length);
    expect(stored.every((f) => !f.alert)).toBe(true);
    expect(alerts.sent[0]!.text).not.toContain(RETIRED);
    expect(alerts.sent[0]!.text).toContain(OUTAGE);
  });

  it.each<ProfileName>(['seed', 'default'])(
    'holds every finding of a muted channel on the days its snooze covers (profile %s)',
    async (profile) => {
      // Prepare: the outage channel snoozed until LAST; another snoozed until the day before
      const alerts = capturingSink();
      const mute = (channelId: string, until: string) => ({
        channelId,
        from: addDays(LAST, -5),
        until,
        reason: 'migrating the sender',
        by: 'kim',
        at: '2026-10-26T00:00:00Z',
      });
      const registry = async (): Promise<RegistrySnapshot> => ({
        channels: [],
        reviews: [],
        changes: [],
        mutes: [mute(OUTAGE, LAST), mute(RETIRED, addDays(LAST, -1))],
      });

      // Act
      const result = await detectDay({ day: LAST, profile, config }, ports(alerts, { registry }));

      // Assess
      const outage = result.findings.filter((f) => f.channelId === OUTAGE);
      expect(outage.length).toBeGreaterThan(0);
      expect(outage.every((f) => !f.alert)).toBe(true);
      expect(outage.some((f) => f.code === 'muted')).toBe(true);
      // The other snooze has ended: its channel pages again.
      expect(result.findings.some((f) => f.channelId === RETIRED && f.alert)).toBe(true);
      expect(alerts.sent[0]!.text).not.toContain(OUTAGE);
    },
  );

  it('without the retirement, the same channel pages (the test above is not vacuous)', async () => {
    // Act
    const result = await detectDay({ day: LAST, profile: 'seed', config }, ports(capturingSink()));

    // Assess
    expect(result.findings.some((f) => f.channelId === RETIRED && f.alert)).toBe(true);
  });
});

const noStore: FindingStore = {
  replaceDay: async () => {},
  findings: async () => [],
  run: async () => undefined,
  claimDigest: async () => true,
  releaseDigest: async () => {},
};

/** Every day with a full rule lookback (56 days) inside the sample, incl. the gap channel's return. */
const judgedDays = () => daysInRange(addDays(sampleFrom, 56), LAST);

async function dailyAndBackfill(profile: ProfileName, days: string[]) {
  const whole = await backfill({ from: days[0]!, to: LAST, profile, config }, { metrics });
  const daily = new Map<string, JudgedFinding[]>();
  for (const day of days) {
    const result = await detectDay(
      { day, profile, config, send: false },
      { metrics, store: noStore, alerts: capturingSink() },
    );
    daily.set(day, result.findings);
  }
  return { whole: whole.findings, daily };
}

/** What the rules computed, without the profile's verdict. */
const ruleOutput = ({
  alert: _a,
  severity: _s,
  code: _c,
  reason: _r,
  impact: _i,
  ...finding
}: JudgedFinding) => finding;

describe('the daily read window is exact', () => {
  it('profile seed: day t alone gives exactly the findings backfill gives for t over the whole range', async () => {
    // Prepare
    const days = judgedDays();

    // Act
    const { whole, daily } = await dailyAndBackfill('seed', days);

    // Assess
    // Windows of these days start inside the gap: only `seenBefore` keeps the channel's history.
    const gapDays = days.filter((day) => day >= addDays(sampleFrom, 86));
    expect(whole.some((f) => f.channelId === GAP && gapDays.includes(f.date))).toBe(true);
    expect(whole.some((f) => f.alert)).toBe(true);
    for (const day of days) {
      const expected = sortFindings(whole.filter((f) => f.date === day));
      expect(sortFindings(daily.get(day)!), `findings of ${day}`).toEqual(expected);
    }
  });

  it('counts the channel-days of the days asked for, not the days before them that the policy remembers', async () => {
    // Act
    const [seed, remembering] = await Promise.all(
      (['seed', 'default'] as const).map((profile) =>
        backfill({ from: LAST, to: LAST, profile, config }, { metrics }),
      ),
    );

    // Assess: one day of about 30 channels (one silent on it), whichever profile judged it.
    expect(seed!.judgedChannelDays).toBeGreaterThan(25);
    expect(seed!.judgedChannelDays).toBeLessThanOrEqual(31);
    expect(remembering!.judgedChannelDays).toBe(seed!.judgedChannelDays);
  });

  // A look (send: false) groups incidents as a backfill does; a sending run only with days that were sent.
  it('profile default: day t alone gives the rule findings and the verdicts backfill gives for t', async () => {
    // Prepare: 200 days with injected incidents, so the policy's two-month look-back is inside the lake.
    const longDir = mkdtempSync(join(tmpdir(), 'crm-guard-detect-day-long-'));
    // Partial outages on three of the days the daily runs judge, and one that runs two days.
    const incidents = {
      3: { [addDays(LAST, -48)]: 0.1 },
      8: { [addDays(LAST, -28)]: 0.2, [addDays(LAST, -27)]: 0.2 },
      21: { [addDays(LAST, -12)]: 0.05 },
    };
    await writeChannelLake(longDir, steadyFleet({ channels: 30, days: 200, endDay: LAST, incidents }));
    const long = await openDuckDbMetrics({ input: longDir });
    // Every fourth day of the last 60 keeps this quick; the seed case above covers every day.
    const days = daysInRange(addDays(LAST, -59), LAST).filter((_, i) => i % 4 === 3);
    // A rule's rolling CTR sum starts where its run starts: figures agree to 12 digits, not to the last bit.
    const figures = <T>(x: T): T =>
      JSON.parse(JSON.stringify(x, (_k, v) => (typeof v === 'number' ? Number(v.toPrecision(12)) : v)));
    const verdict = (f: JudgedFinding) => figures({ ...ruleOutput(f), alert: f.alert, severity: f.severity });

    try {
      // Act
      const { findings: whole } = await backfill(
        { from: addDays(LAST, -59), to: LAST, profile: 'default', config },
        { metrics: long },
      );
      const daily = new Map<string, JudgedFinding[]>();
      for (const day of days) {
        const result = await detectDay(
          { day, profile: 'default', config, send: false },
          { metrics: long, store: noStore, alerts: capturingSink() },
        );
        daily.set(day, result.findings);
      }

      // Assess
      expect(whole.some((f) => f.alert && days.includes(f.date))).toBe(true);
      for (const day of days) {
        const expected = sortFindings(whole.filter((f) => f.date === day)).map(verdict);
        expect(sortFindings(daily.get(day)!).map(verdict), `findings of ${day}`).toEqual(expected);
      }
    } finally {
      await long.close();
      rmSync(longDir, { recursive: true, force: true });
    }
  });
});
