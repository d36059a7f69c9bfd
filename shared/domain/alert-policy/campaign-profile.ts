/**
 * What a campaign channel usually does: whether it is one (off on many days), the schedule it sends
 * on (declared by its owner, else learned from its history: the same weekdays, the same days of the
 * month, or a run of days every N days), and the size and CTR of its usual campaigns.
 *
 * A profile is learned once a week (calendar weeks of day numbers, so a daily run and a backfill learn
 * the same one) from the `windowDays` before that week.
 */
import type { AlertPolicyConfig } from '#shared/domain/alert-policy/config.ts';
import type { CampaignSchedule, ChannelFacts } from '#shared/domain/channel-facts.ts';
import type { ChannelSeries } from '#shared/domain/channel-metrics.ts';
import { median, quantileSorted } from '#shared/domain/order-statistics.ts';
import { compileSchedule } from '#shared/domain/schedule.ts';
import { dayOfMonthOfDayNumber, isoDay, weekdayOfDayNumber } from '#shared/time/seoul.ts';

export interface CampaignProfile {
  /** The channel sends campaigns: off (nothing, or a trickle) on a large share of days. */
  campaign: boolean;
  /** When it sends: declared, or learned; undefined for campaigns at no fixed rhythm. */
  schedule: CampaignSchedule | undefined;
  declared: boolean;
  /** Sends above this are a campaign day; at or below, an off day (its trickle). */
  sendingThreshold: number;
  /** The recent campaigns' sends: median, smallest and largest, and the log spread around the median. */
  typical: number;
  smallest: number;
  largest: number;
  spread: number;
  /** Campaigns the sizes rest on. */
  campaigns: number;
  /** Log CTR of recent campaigns (enough sends for a CTR): median and spread; NaN when too few. */
  ctrTypical: number;
  ctrSpread: number;
}

/** Days of a week: profiles are learned per calendar week of day numbers. */
const WEEK = 7;
/** A share of a slot's days that sent, at or above which the slot is on the schedule. */
const ON_SCHEDULE = 0.5;
const MAD_TO_SD = 1.4826;

/** A channel that sends regularly: no campaign profile. */
export const NOT_A_CAMPAIGN: CampaignProfile = {
  campaign: false,
  schedule: undefined,
  declared: false,
  sendingThreshold: 0,
  typical: Number.NaN,
  smallest: Number.NaN,
  largest: Number.NaN,
  spread: Number.NaN,
  campaigns: 0,
  ctrTypical: Number.NaN,
  ctrSpread: Number.NaN,
};

let window = new Float64Array(128);
const sizes = new Float64Array(64);
const ctrs = new Float64Array(64);

/**
 * The channel's campaign profiles, one per week, computed on first use. `minSendsForRatio` is the CTR
 * floor of the rules: a campaign below it has no CTR. Only campaigns on `ordinary` days (arrived, not
 * a holiday or the like) set the usual size and CTR.
 */
export function campaignProfiles(
  series: ChannelSeries,
  facts: ChannelFacts | undefined,
  config: AlertPolicyConfig['campaign'],
  minSendsForRatio: number,
  ordinary: (dayNo: number) => boolean,
): (dayNo: number) => CampaignProfile {
  // An off day sends at most 1/minGap of the window's top, so at most 1/minGap of the series' top: a
  // series with too few such days for any window's share of off days is never a campaign channel.
  const { sends } = series;
  let high = 0;
  for (let i = 0; i < sends.length; i++) if (sends[i]! > high) high = sends[i]!;
  let lowDays = 0;
  for (let i = 0; i < sends.length; i++) if ((sends[i]! + 1) * config.minGap <= high + 1) lowDays++;
  if (!facts?.schedule && lowDays < config.minOffShare * config.minWindowDays) return () => NOT_A_CAMPAIGN;
  const byWeek = new Map<number, CampaignProfile>();
  return (dayNo) => {
    const week = Math.floor(dayNo / WEEK);
    let profile = byWeek.get(week);
    if (!profile) {
      profile = learn(series, facts, week * WEEK, config, minSendsForRatio, ordinary);
      byWeek.set(week, profile);
    }
    return profile;
  };
}

function learn(
  series: ChannelSeries,
  facts: ChannelFacts | undefined,
  weekStart: number,
  config: AlertPolicyConfig['campaign'],
  minSendsForRatio: number,
  ordinary: (dayNo: number) => boolean,
): CampaignProfile {
  const { sends, clicks, firstDay } = series;
  const from = Math.max(firstDay, weekStart - config.windowDays);
  const to = Math.min(weekStart - 1, firstDay + sends.length - 1);
  const days = to - from + 1;
  if (days < config.minWindowDays) return NOT_A_CAMPAIGN;
  if (window.length < days) window = new Float64Array(2 * days);
  let n = 0;
  let high = 0;
  for (let d = from; d <= to; d++) {
    const v = sends[d - firstDay]!;
    if (Number.isNaN(v)) continue;
    window[n++] = v;
    if (v > high) high = v;
  }
  if (n < config.minWindowDays) return NOT_A_CAMPAIGN;
  const declared = facts?.schedule;
  if (!declared) {
    // Off days send at most 1/minGap of the top: with too few such days no gap can part them (most
    // channels have none; one with a short outage has a few), and there is nothing to sort.
    let offDays = 0;
    for (let k = 0; k < n; k++) if ((window[k]! + 1) * config.minGap <= high + 1) offDays++;
    if (offDays < Math.ceil(config.minOffShare * n)) return NOT_A_CAMPAIGN;
  }
  const sorted = window.subarray(0, n).sort();
  // An off day sends nothing, or a trickle far below a campaign: the days fall in two clusters.
  const gap = offGap(sorted, n, config);
  if (!declared && gap === undefined) return NOT_A_CAMPAIGN;
  const sendingThreshold = gap ?? config.offShare * quantileSorted(sorted, n, 0.9);

  const sent = (d: number) => {
    const v = sends[d - firstDay]!;
    return Number.isNaN(v) ? undefined : v > sendingThreshold;
  };
  const schedule = declared ?? learnSchedule(sent, from, to, config);
  const on = schedule && compileSchedule(schedule);
  // The recent campaigns: scheduled days (or any sending day, with no schedule), newest first.
  let campaigns = 0;
  let ctrCount = 0;
  for (let d = to; d >= from && campaigns < config.recentCampaigns; d--) {
    const v = sends[d - firstDay]!;
    if (Number.isNaN(v) || !ordinary(d)) continue;
    if (on ? !on(d) : v <= sendingThreshold) continue;
    sizes[campaigns++] = v;
    if (v >= minSendsForRatio && v > sendingThreshold)
      ctrs[ctrCount++] = Math.log((clicks[d - firstDay]! + 0.5) / v);
  }
  if (campaigns === 0)
    return { ...NOT_A_CAMPAIGN, campaign: true, schedule, declared: !!declared, sendingThreshold };
  let smallest = Number.POSITIVE_INFINITY;
  let largest = 0;
  for (let k = 0; k < campaigns; k++) {
    smallest = Math.min(smallest, sizes[k]!);
    largest = Math.max(largest, sizes[k]!);
    sizes[k] = Math.log(sizes[k]! + 1);
  }
  const logTypical = median(sizes, campaigns);
  for (let k = 0; k < campaigns; k++) sizes[k] = Math.abs(sizes[k]! - logTypical);
  const spread = Math.max(config.minSpread, MAD_TO_SD * median(sizes, campaigns));
  let ctrTypical = Number.NaN;
  let ctrSpread = Number.NaN;
  if (ctrCount >= config.minCampaigns) {
    ctrTypical = median(ctrs, ctrCount);
    for (let k = 0; k < ctrCount; k++) ctrs[k] = Math.abs(ctrs[k]! - ctrTypical);
    ctrSpread = Math.max(config.minSpread, MAD_TO_SD * median(ctrs, ctrCount));
  }
  return {
    campaign: true,
    schedule,
    declared: !!declared,
    sendingThreshold,
    typical: Math.exp(logTypical) - 1,
    smallest,
    largest,
    spread,
    campaigns,
    ctrTypical,
    ctrSpread,
  };
}

/**
 * The sends that part off days from campaign days: the highest gap of at least `minGap` times between
 * two neighbouring sorted days, with at least `minOffShare` of the days below it and two above (the
 * highest: off days may be silent or a trickle, and silence to trickle is a gap too). Undefined when
 * there is no such gap (a channel that sends every day, however unevenly).
 */
function offGap(sorted: Float64Array, n: number, config: AlertPolicyConfig['campaign']): number | undefined {
  const minGap = Math.log(config.minGap);
  for (let k = n - 3; k >= Math.max(0, Math.ceil(config.minOffShare * n) - 1); k--) {
    const low = Math.log(sorted[k]! + 1);
    const high = Math.log(sorted[k + 1]! + 1);
    if (high - low >= minGap) return Math.exp((low + high) / 2) - 1;
  }
  return undefined;
}

/**
 * The schedule that best tells sending days from off days in [from, to], if one tells them apart on
 * at least `minAgreement` of the days: the same weekdays, the same days of the month, or a run of days
 * every N days. Each candidate is scored from per-slot counts, so the window is read once per rhythm.
 */
export function learnSchedule(
  sent: (dayNo: number) => boolean | undefined,
  from: number,
  to: number,
  config: Pick<AlertPolicyConfig['campaign'], 'minAgreement' | 'maxEveryDays'>,
): CampaignSchedule | undefined {
  const days = to - from + 1;
  if (flags.length < days) flags = new Int8Array(2 * days);
  let known = 0;
  for (let k = 0; k < days; k++) {
    const s = sent(from + k);
    flags[k] = s === undefined ? -1 : s ? 1 : 0;
    if (s !== undefined) known++;
  }
  if (known === 0) return undefined;
  let best: (() => CampaignSchedule) | undefined;
  let bestAgreement = config.minAgreement * known;
  const consider = (agreeing: number, schedule: () => CampaignSchedule) => {
    if (agreeing > bestAgreement) {
      bestAgreement = agreeing;
      best = schedule;
    }
  };
  if (slotOf.length < days) slotOf = new Uint8Array(2 * days);
  const fromWeekday = weekdayOfDayNumber(from);
  for (let k = 0; k < days; k++) slotOf[k] = (fromWeekday + k) % 7;
  const weekly = countSlots(7, days);
  if (weekly.on.length) consider(weekly.agreeing, () => ({ kind: 'weekdays', weekdays: weekly.on }));
  for (let k = 0; k < days; k++) slotOf[k] = dayOfMonthOfDayNumber(from + k);
  const monthly = countSlots(32, days);
  if (monthly.on.length) consider(monthly.agreeing, () => ({ kind: 'days-of-month', days: monthly.on }));
  // Every N days: at least two full cycles in the window; weekly rhythms are the weekdays above. The
  // cycle is the typical gap between the starts of two campaign runs, give or take a day.
  const cycle = typicalRunGap(days);
  const longest = Math.min(config.maxEveryDays, days >> 1);
  for (let every = Math.max(8, cycle - 1); every <= Math.min(longest, cycle + 1); every++) {
    let slot = ((from % every) + every) % every;
    for (let k = 0; k < days; k++) {
      slotOf[k] = slot;
      if (++slot === every) slot = 0;
    }
    const slots = countSlots(every, days);
    const run = asRun(slots.on, every);
    if (run)
      consider(slots.agreeing, () => ({
        kind: 'every',
        everyDays: every,
        spanDays: run.span,
        from: isoDay(run.start),
      }));
  }
  return best?.();
}

/** The median gap, in days, between the first days of consecutive campaign runs in the window; 0 if under two. */
function typicalRunGap(days: number): number {
  const gaps: number[] = [];
  let lastStart = -1;
  for (let k = 0; k < days; k++) {
    if (flags[k] !== 1 || (k > 0 && flags[k - 1] === 1)) continue;
    if (lastStart >= 0) gaps.push(k - lastStart);
    lastStart = k;
  }
  if (gaps.length === 0) return 0;
  gaps.sort((a, b) => a - b);
  return gaps[gaps.length >> 1]!;
}

let flags = new Int8Array(128);
/** The slot of each day of the window, for the rhythm being scored. */
let slotOf = new Uint8Array(128);
let seen = new Int32Array(64);
let sendingIn = new Int32Array(64);

/**
 * Per slot (weekday, day of the month, day of a cycle) of the window's days: the slots on which at
 * least half the days sent, and how many days a schedule of exactly those slots gets right.
 */
function countSlots(slots: number, days: number): { on: number[]; agreeing: number } {
  if (seen.length < slots) {
    seen = new Int32Array(slots);
    sendingIn = new Int32Array(slots);
  }
  seen.fill(0, 0, slots);
  sendingIn.fill(0, 0, slots);
  for (let k = 0; k < days; k++) {
    const flag = flags[k]!;
    if (flag < 0) continue;
    const slot = slotOf[k]!;
    seen[slot]!++;
    sendingIn[slot]! += flag;
  }
  const on: number[] = [];
  let agreeing = 0;
  for (let slot = 0; slot < slots; slot++) {
    const total = seen[slot]!;
    const yes = sendingIn[slot]!;
    if (total >= 2 && yes >= ON_SCHEDULE * total) {
      on.push(slot);
      agreeing += yes;
    } else agreeing += total - yes;
  }
  return { on, agreeing };
}

/** A cycle's on-slots as one run of consecutive days (wrapping), or undefined; `start` a day number. */
function asRun(on: number[], every: number): { start: number; span: number } | undefined {
  if (on.length === 0 || on.length >= every) return undefined;
  const set = new Set(on);
  // The run starts at the on-slot whose predecessor is off.
  const first = on.find((slot) => !set.has((slot - 1 + every) % every));
  if (first === undefined) return undefined;
  for (let k = 0; k < on.length; k++) if (!set.has((first + k) % every)) return undefined;
  return { start: first, span: on.length };
}
