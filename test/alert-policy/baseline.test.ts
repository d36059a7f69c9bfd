import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ALERT_POLICY_CONFIG } from '#shared/config/alert-policy-config.ts';
import { DEFAULT_DETECTION_CONFIG } from '#shared/config/detection-config.ts';
import { CalendarMemory } from '#shared/domain/alert-policy/calendar-memory.ts';
import { NOT_A_CAMPAIGN } from '#shared/domain/alert-policy/campaign-profile.ts';
import type { PolicyChannel, PolicyRun } from '#shared/domain/alert-policy/context.ts';
import { channelEvidence } from '#shared/domain/alert-policy/evidence.ts';
import { judgeFindings } from '#shared/domain/alert-policy/index.ts';
import { evaluate } from '#shared/domain/alert-policy/look.ts';
import type { ChannelFactsById } from '#shared/domain/channel-facts.ts';
import { median } from '#shared/domain/order-statistics.ts';
import { runRules } from '#shared/domain/rules/index.ts';
import type { ProfileName } from '#shared/domain/run-record.ts';
import { mixSeed, Random } from '#shared/sample/random.ts';
import { addDays, type IsoDay } from '#shared/time/seoul.ts';
import { buildMetrics, judge, weekly } from './fixtures.ts';

const FROM = '2026-03-02';
const TO = '2026-06-20';
const COMPANION = { channelId: 'alimtalk_0900', sends: weekly(3_000, 900) };

/** A weekly channel of `level` sends (seeded) that sends nothing from `day` on, beside the companion. */
const silentFrom = (day: IsoDay, channelId: string, level: number, seed: number) =>
  buildMetrics(
    [
      { channelId, sends: (d: IsoDay, dayNo: number) => (d >= day ? 0 : weekly(level, seed)(d, dayNo)) },
      COMPANION,
    ],
    FROM,
    TO,
  );

/** The policy with the rules silent: the rule run keeps its late days and loses every finding. */
function judgeSilentRules(
  metrics: ReturnType<typeof buildMetrics>,
  range: { from: IsoDay; to: IsoDay },
  profile: ProfileName = 'default',
  facts?: ChannelFactsById,
) {
  const ruleRun = runRules(
    metrics,
    { from: addDays(range.from, -14), to: range.to },
    DEFAULT_DETECTION_CONFIG,
  );
  return judgeFindings({
    profile,
    metrics,
    ruleRun: { ...ruleRun, findings: [] },
    range,
    config: DEFAULT_ALERT_POLICY_CONFIG,
    detection: DEFAULT_DETECTION_CONFIG,
    ...(facts ? { facts } : {}),
  });
}

describe("the default profile's own baseline (rule 'baseline')", () => {
  it('pages a channel gone silent on a day its owners recorded a change: a change is not an outage', () => {
    // Prepare: nothing sent from June 9, the day a change was recorded for
    const metrics = silentFrom('2026-06-09', 'alimtalk_0009', 12_000, 9);
    const facts = new Map([['alimtalk_0009', { changes: ['2026-06-09'] }]]);

    // Act
    const judged = judgeSilentRules(metrics, { from: '2026-06-01', to: TO }, 'default', facts);

    // Assess
    const page = judged.find((f) => f.alert && f.channelId === 'alimtalk_0009');
    expect(page).toMatchObject({ date: '2026-06-09', code: 'silent' });
    expect(judged.some((f) => f.code === 'planned_change')).toBe(false);
  });

  it('pages an outage the rules did not report, once, with the baseline band', () => {
    // Prepare
    const metrics = buildMetrics(
      [{ channelId: 'alimtalk_0001', sends: weekly(10_000, 1) }, COMPANION],
      FROM,
      TO,
      (id, day) => id === 'alimtalk_0001' && day >= '2026-06-09' && day <= '2026-06-10',
    );
    // Act
    const judged = judgeSilentRules(metrics, { from: '2026-06-01', to: TO });
    // Assess
    const pages = judged.filter((f) => f.alert);
    expect(pages).toHaveLength(1);
    const page = pages[0]!;
    expect(page).toMatchObject({
      date: '2026-06-09',
      channelId: 'alimtalk_0001',
      rule: 'baseline',
      metric: 'sends',
      status: 'confirmed',
      direction: 'down',
      actual: 0,
    });
    expect(page.expected).toBeGreaterThan(8_000);
    expect(page.lower).toBeLessThan(page.expected);
    expect(page.upper).toBeGreaterThan(page.expected);
    expect(page.actual).toBeLessThan(page.lower);
    expect(page.reason).toMatch(/silent.*no seed rule fired/);
    expect(page.severity).toBe('critical');
    // The second day joins the incident: recorded, not paged.
    const second = judged.find((f) => f.date === '2026-06-10' && f.channelId === 'alimtalk_0001')!;
    expect(second.alert).toBe(false);
    expect(second.reason).toMatch(/grouped/);
  });

  it('pages a spike the rules did not report', () => {
    // Prepare
    const base = weekly(10_000, 2);
    const sends = (day: string, dayNo: number) => base(day, dayNo) * (day === '2026-06-11' ? 4 : 1);
    const metrics = buildMetrics([{ channelId: 'push_0002', sends }, COMPANION], FROM, TO);
    // Act
    const judged = judgeSilentRules(metrics, { from: '2026-06-01', to: TO });
    // Assess
    expect(judged.filter((f) => f.alert).map((f) => [f.date, f.rule, f.direction])).toEqual([
      ['2026-06-11', 'baseline', 'up'],
    ]);
  });

  it('quotes a spike on a small channel by the multiple of the figures it shows, not another', () => {
    // Prepare: about 8 sends a day, swinging widely; one day at four times its own count.
    const sends = (day: string, dayNo: number) => {
      const base = Math.max(1, Math.round(8 * new Random(mixSeed(5, dayNo)).lognormalFactor(0.6)));
      return day === '2026-06-11' ? base * 4 : base;
    };
    const metrics = buildMetrics([{ channelId: 'push_0009', sends }, COMPANION], FROM, TO);

    // Act
    const { judged } = judge(metrics, { from: '2026-06-01', to: TO });

    // Assess
    const spike = judged.find((f) => f.alert && f.code === 'spike')!;
    const { actual, expected } = spike.judged!;
    expect(spike.reason).toMatch(
      new RegExp(`^${(actual / expected).toFixed(1)}x the usual for this weekday`),
    );
  });

  it('is never emitted by the seed profile', () => {
    // Prepare
    const metrics = buildMetrics(
      [{ channelId: 'alimtalk_0001', sends: weekly(10_000, 1) }, COMPANION],
      FROM,
      TO,
      (id, day) => id === 'alimtalk_0001' && day === '2026-06-09',
    );
    // Act
    const judged = judgeSilentRules(metrics, { from: '2026-06-01', to: TO }, 'seed');
    // Assess
    expect(judged).toEqual([]);
  });
});

describe('a lasting drop', () => {
  // About 600 sends a weekday until May 1, then nothing: three weeks on, the baseline has taken the
  // silence in, and only the lasting drop (against the level of three weeks before) still sees it.
  const silent = silentFrom('2026-05-01', 'alimtalk_0392', 600, 392);
  // The daily job on May 22, whose earlier pages never reached anyone: the drop pages today.
  const dailyRun = (day: IsoDay) => {
    const ruleRun = runRules(silent, { from: addDays(day, -14), to: day }, DEFAULT_DETECTION_CONFIG);
    return judgeFindings({
      profile: 'default',
      metrics: silent,
      ruleRun: { ...ruleRun, findings: [] },
      range: { from: day, to: day },
      config: DEFAULT_ALERT_POLICY_CONFIG,
      detection: DEFAULT_DETECTION_CONFIG,
      notified: new Set(),
    }).filter((f) => f.alert && f.channelId === 'alimtalk_0392');
  };

  it('is not what a day that does not show the drop is judged as, whatever the rules flagged', () => {
    // Prepare: 1,000 sends a day, 600 from day 60 (a lasting drop), and on day 84 a day of 950 (under 25% off)
    const n = 85;
    const sends = Float64Array.from({ length: n }, (_, i) =>
      i === n - 1 ? 950 : Math.round((i >= 60 ? 600 : 1_000) * (1 + 0.03 * Math.sin(i))),
    );
    const series = {
      channelId: 'push_0001',
      channelType: 'push',
      firstDay: 20_500,
      sends,
      clicks: sends.map((x) => x / 20),
    };
    const config = DEFAULT_ALERT_POLICY_CONFIG;
    const run: PolicyRun = {
      config,
      late: new Set(),
      kindOf: () => undefined,
      calendar: new CalendarMemory(config.holidays),
      minSendsForRatio: 100,
      declineDays: 5,
      minHistoryDays: 28,
    };
    const channel: PolicyChannel = {
      evidence: channelEvidence(series, () => false, 100, config),
      facts: undefined,
      group: 'push/',
      calendar: { days: new Int32Array(0), kinds: new Uint8Array(0), responses: new Float64Array(0) },
      campaign: () => NOT_A_CAMPAIGN,
      changeDays: new Set(),
      verdicts: new Map(),
    };

    // Act: the day judged as a drop (a rule's "down" finding), and a day of the drop itself
    const good = evaluate(run, channel, { metric: 'sends', index: n - 1, down: true });
    const low = evaluate(run, channel, { metric: 'sends', index: n - 2, down: true });

    // Assess
    expect(good.qualifies).toBe(false);
    expect(good.code).not.toBe('lasting_drop');
    expect(low).toMatchObject({ qualifies: true, code: 'lasting_drop' });
  });

  it("quotes the same weekday's expectation three weeks before, not a multiple of it", () => {
    // Act
    const [page] = dailyRun('2026-05-22');

    // Assess: a Friday of about 600 sends (it once read as about 600 squared)
    expect(page).toMatchObject({ code: 'lasting_drop', judged: { metric: 'sends', actual: 0 } });
    expect(page!.judged!.expected).toBeGreaterThan(450);
    expect(page!.judged!.expected).toBeLessThan(800);
    expect(page!.reason).toBe(
      'lasting drop: 100% below the level of three weeks before (no seed rule fired)',
    );
  });
});

describe('the policy median', () => {
  it('equals the middle of the sorted values, for any values', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ noNaN: true, min: -1e6, max: 1e6 }), { minLength: 1, maxLength: 60 }),
        (values) => {
          // Prepare
          const sorted = [...values].sort((a, b) => a - b);
          const mid = sorted.length >> 1;
          const expected = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
          // Act
          const actual = median(Float64Array.from(values), values.length);
          // Assess
          expect(actual).toBeCloseTo(expected, 9);
        },
      ),
    );
  });
});
