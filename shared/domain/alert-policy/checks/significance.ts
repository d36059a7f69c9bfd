/**
 * Significance: a deviation pages when it is both large (the agreed 30% band) and unusual for the
 * channel (a robust z on the log scale), on the day alone or over a run of days moving the same way
 * (a slow onset); or when the last week sits well below the level of a month ago (a lasting drop).
 */
import type { AlertPolicyConfig } from '#shared/domain/alert-policy/config.ts';
import { insertSorted } from '#shared/domain/order-statistics.ts';
import type { LookContext } from '../context.ts';
import type { MetricEvidence } from '../evidence.ts';
import { type Expectation, statedFigures } from '../expectation.ts';
import { poissonLowerTail, poissonUpperTail } from '../poisson.ts';
import { severityOf } from '../severity.ts';
import { hold, page, type Verdict } from '../verdict.ts';

const NOT_QUALIFIED = hold('not_qualified');

/**
 * The final check: pages or holds. With `explain` false only a yes or no is needed (a look other than
 * the finding's own), so a hold carries no figures.
 */
export function significance(ctx: LookContext, e: Expectation, explain: boolean): Verdict {
  const { run, evidence, look, dayNo } = ctx;
  const config = run.config;
  const metric = evidence[look.metric];
  const { residual, scale } = e;
  const i = look.index;
  // The day alone, or a run of days deviating the same way (a slow onset), combined as Stouffer's z;
  // for counts, the run's totals against chance too (small counts are not log-normal).
  const minLog = Math.log(1 + config.page.minChange);
  const counts = look.metric !== 'ctr';
  let sum = residual;
  let count = 1;
  let runZ = Math.abs(residual) / scale;
  // The run's totals by its length, for the chance test (done only when all else says page).
  if (runActual.length < config.page.runDays) {
    runActual = new Float64Array(config.page.runDays);
    runExpected = new Float64Array(config.page.runDays);
  }
  // A CTR is judged by its clicks against the clicks its expected rate gives on the day's sends: a
  // collapse that the counting of a few dozen clicks explains is not one.
  const { clicks, sends } = evidence.series;
  let actualTotal = counts ? e.judged.actual : clicks[i]!;
  // The log CTR carries half a click (`logCtr`): the clicks expected are sends x rate less that half.
  const expectedClicks = (j: number, logRate: number) => Math.max(0, sends[j]! * Math.exp(logRate) - 0.5);
  let expectedTotal = counts ? e.judged.expected : expectedClicks(i, e.expected);
  runActual[0] = actualTotal;
  runExpected[0] = expectedTotal;
  for (let k = 1; k < config.page.runDays; k++) {
    const j = i - k;
    if (j < 0) break;
    const r = metric.value[j]! - metric.expected[j]!;
    if (
      Number.isNaN(r) ||
      Math.sign(r) !== Math.sign(residual) ||
      Math.abs(r) < minLog / 2 ||
      run.late.has(dayNo - k)
    )
      break;
    sum += r;
    count++;
    runZ = Math.max(runZ, Math.abs(sum) / (scale * Math.sqrt(count)));
    actualTotal += counts ? Math.exp(metric.value[j]!) - 1 : clicks[j]!;
    expectedTotal += counts ? Math.exp(metric.expected[j]!) - 1 : expectedClicks(j, metric.expected[j]!);
    runActual[count - 1] = actualTotal;
    runExpected[count - 1] = expectedTotal;
  }
  const ratio = Math.exp(residual);
  const agrees = look.down ? residual < 0 : residual > 0;
  const change = look.down ? 1 - ratio : ratio - 1;
  // A small count is judged by its chance (its log spread is mostly counting noise); a large one by z.
  const smallCount = counts && expectedTotal <= config.volumeFloor.smallCount;
  const minZ = smallCount ? config.page.minZ / 2 : config.page.minZ;
  // A rise must be larger than a drop to matter: a third more sends is a good day, not an incident.
  const minChange = look.down || look.metric === 'ctr' ? config.page.minChange : config.page.minRise;
  const large = agrees && runZ >= minZ && change >= minChange;
  let chance = 0;
  if (large)
    for (let k = 0; k < count; k++) {
      const c = countChance(runActual[k]!, runExpected[k]!, look.down);
      chance = k === 0 ? c : Math.min(chance, c);
    }
  const dayQualifies = large && chance <= config.volumeFloor.maxChance;

  const before =
    !dayQualifies && look.down && look.metric !== 'ctr' && run.kindOf(dayNo) === undefined
      ? expectedBeforeDrop(metric, i, config)
      : Number.NaN;
  // A lasting drop is judged against the same weekday's expectation three weeks before: the day's
  // band, fitted on the drop's own days (its weekday shape too), no longer frames it. The day pages
  // only if it shows the drop itself, so the change it quotes is the drop's.
  const expectedBefore = Math.round(e.toUnits(before));
  const lasting = !Number.isNaN(before) && e.judged.actual <= (1 - config.page.lastingDrop) * expectedBefore;
  const judged = lasting
    ? { metric: e.judged.metric, actual: e.judged.actual, expected: expectedBefore }
    : statedFigures(e, config.page.minZ);
  if (!dayQualifies && !lasting) {
    if (!explain) return NOT_QUALIFIED;
    // An unusual day's move that the channel's (or its peers') past such days explain.
    if (e.calendar && e.residual + e.calendar.shift < 0 === look.down && e.calendar.shift < 0 === look.down)
      return hold('holiday_expected', e.impact, { z: runZ });
    if (!agrees) return hold('direction_disagrees', e.impact);
    if (change < minChange) return hold('small_change', e.impact, { change: minChange });
    if (chance > config.volumeFloor.maxChance) return hold('volume_floor', e.impact);
    return hold('normal_variation', e.impact, { z: runZ });
  }
  // Severity by the sends the change costs a day, as shown.
  const impact = lasting ? Math.abs(judged.actual - judged.expected) : e.impact;
  return page(lasting ? 'lasting_drop' : e.silent ? 'silent' : 'deviation', {
    severity: severityOf(impact, e.silent, config.severity),
    impact,
    strength: (e.silent ? 100 : 0) + runZ,
    silent: e.silent,
    down: look.down,
    // The change quoted is the change shown: the day against its expectation, in units (for a lasting
    // drop, against the expectation had the level of three weeks ago held).
    figures: { change: Math.abs(relativeChange(judged)), z: runZ },
    judged,
  });
}

/** Scratch for a run's totals: runs are a few days long. */
let runActual = new Float64Array(8);
let runExpected = new Float64Array(8);

/** How often chance alone would move a count this far, drops and rises apart. */
const countChance = (actual: number, expected: number, down: boolean) =>
  down ? poissonLowerTail(Math.round(actual), expected) : poissonUpperTail(Math.round(actual), expected);

/** (actual - expected) / expected, as the digest shows it. */
export const relativeChange = ({ actual, expected }: { actual: number; expected: number }) =>
  expected > 0 ? (actual - expected) / expected : 0;

/** A lasting drop compares the last week's level with the level fitted this many days before it. */
const LASTING_DROP_LAG = 21;
const LAST_WEEK = 7;

/** Scratch for the last week's levels: seven values at most. */
const lastWeek = new Float64Array(7);

/** The last week's level (weekday shape removed) against the level fitted three weeks earlier. */
export function lastingDrop(metric: MetricEvidence, i: number, config: AlertPolicyConfig): boolean {
  return !Number.isNaN(expectedBeforeDrop(metric, i, config));
}

/**
 * When the last week's level sits a lasting drop below the level three weeks before: the expected
 * (log) value of day `i`'s weekday then; NaN when it does not.
 */
function expectedBeforeDrop(metric: MetricEvidence, i: number, config: AlertPolicyConfig): number {
  const before = i - LASTING_DROP_LAG;
  if (before < 0 || metric.breaks.some((b) => b >= before && b <= i)) return Number.NaN;
  const priorLevel = metric.level[before]!;
  const priorScale = metric.scale[before]!;
  if (Number.isNaN(priorLevel)) return Number.NaN;
  const recent = lastWeek;
  let n = 0;
  for (let j = i - LAST_WEEK + 1; j <= i; j++) {
    const v = metric.value[j]!;
    const e = metric.expected[j]!;
    const l = metric.level[j]!;
    if (!Number.isNaN(v) && !Number.isNaN(e) && !Number.isNaN(l)) {
      insertSorted(recent, n, v - (e - l));
      n++;
    }
  }
  if (n < 4) return Number.NaN;
  const drop = recent[n >> 1]! - priorLevel;
  return drop <= Math.log(1 - config.page.lastingDrop) && drop <= -2 * priorScale
    ? metric.expected[before]!
    : Number.NaN;
}
