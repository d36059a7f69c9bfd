/**
 * The number a look is judged against: the channel's expected value that day on the log scale, its
 * spread, and what the deviation costs in sends (or clicks). Every check and the page's sentence read
 * the same expectation, so the change shown and the change judged are one number.
 */
import type { JudgedFigures } from '#shared/domain/finding.ts';
import type { CalendarEffect } from './calendar-memory.ts';
import { calendarEffect } from './checks/calendar-effects.ts';
import type { LookContext } from './context.ts';

export interface Expectation {
  /** Log value of the day and the expected log value. */
  value: number;
  expected: number;
  /** Robust sd of the log value around its baseline. */
  scale: number;
  /** value - expected, log scale. */
  residual: number;
  /** Sends (or clicks) lost or extra: for CTR, the clicks the change cost at the day's sends. */
  impact: number;
  /** From the log scale back to the metric's units. */
  toUnits: (logValue: number) => number;
  /** The channel sent (almost) nothing on a drop. */
  silent: boolean;
  /** The day's value and its expectation in the metric's units: the numbers a page shows. */
  judged: JudgedFigures;
  /** The calendar effect the expectation moved by, on an unusual day. */
  calendar: CalendarEffect | undefined;
}

const fromLogCtr = (logValue: number) => Math.exp(logValue);
const fromLogCount = (logValue: number) => Math.exp(logValue) - 1;

/** The look's expectation, or undefined when the channel's clean history is too short for one. */
export function expectationOf(ctx: LookContext): Expectation | undefined {
  const { run, evidence, look } = ctx;
  const name = look.metric;
  const metric = evidence[name];
  const i = look.index;
  const value = metric.value[i]!;
  let expected = metric.expected[i]!;
  let scale = metric.scale[i]!;
  if (Number.isNaN(expected) || Number.isNaN(value)) return undefined;
  const effect = calendarEffect(ctx);
  if (effect) {
    expected += effect.shift;
    scale = Math.hypot(scale, effect.spread);
  }
  const sends = evidence.series.sends[i]!;
  const clicks = evidence.series.clicks[i]!;
  const toUnits = name === 'ctr' ? fromLogCtr : fromLogCount;
  const unit = name === 'ctr' ? sends : 1;
  const actual = name === 'sends' ? sends : name === 'clicks' ? clicks : clicks / sends;
  const expectedUnits = toUnits(expected);
  // The band a page states: the expectation at the z a page needs, in the metric's units, never below 0.
  const band = run.config.page.minZ * scale;
  const inUnits = (logValue: number) => {
    const units = Math.max(0, toUnits(logValue));
    return name === 'ctr' ? units : Math.round(units);
  };
  return {
    judged: {
      metric: name,
      actual,
      expected: name === 'ctr' ? expectedUnits : Math.round(expectedUnits),
      lower: inUnits(expected - band),
      upper: inUnits(expected + band),
    },
    value,
    expected,
    scale,
    calendar: effect,
    residual: value - expected,
    impact: Math.abs(toUnits(value) - toUnits(expected)) * unit,
    toUnits,
    silent: name === 'sends' && look.down && sends <= run.config.page.silentShare * toUnits(expected),
  };
}

/**
 * The figures a page states: with the band only when the day alone left it. A page on a run of days,
 * on a small count's chance or on a multiple of the usual may fall inside the band, and a range that
 * holds the value that paged reads as "nothing happened".
 */
export function statedFigures(e: Expectation, minZ: number): JudgedFigures {
  if (Math.abs(e.residual) >= minZ * e.scale) return e.judged;
  const { lower: _lower, upper: _upper, ...figures } = e.judged;
  return figures;
}
