/**
 * Channel families and the mixes of them, and each channel's shape: what it is (type, category, name,
 * owner), how much it sends and how (weekday profile, noise, billing day, schedule). Drawn from the
 * channel's own stream after its family, so a channel's draws depend only on its family and seed.
 */
import type { CampaignSchedule } from '#shared/domain/channel-facts.ts';
import { isoDay } from '#shared/time/seoul.ts';
import { BILLING_NAMES, CAMPAIGN_NAMES, DUE_DATE_NAMES, NAME_SUFFIXES, NAMES, OWNERS } from './names.ts';
import type { Random } from './random.ts';
import { drawSchedule } from './schedule.ts';
import type { ChannelCategory, ChannelPattern, Family, SampleChannel } from './types.ts';

/** The first benchmark's mix, in its draw order: the default, so its figures stay comparable. */
export const LEGACY_MIX: Partial<Record<Family, number>> = {
  weekly: 0.42,
  steady: 0.26,
  bursty: 0.18,
  monthly: 0.14,
};

/** Every family, in about the shares a 300-400 channel CRM fleet has. */
export const REALISTIC_MIX: Record<Family, number> = {
  weekly: 0.25,
  steady: 0.15,
  monthly: 0.06,
  billing: 0.08,
  bursty: 0.06,
  scheduled: 0.14,
  noisy: 0.1,
  low_volume: 0.16,
};

/** Campaign families: they send on some days only, so an outage can look like an off day. */
export const CAMPAIGN_FAMILIES: ReadonlySet<Family> = new Set(['bursty', 'scheduled']);

/** Per-channel shape: everything the daily plan needs. */
export interface Shape {
  channel: SampleChannel;
  /** Sends on each weekday (0 = Sunday) as a share of `baseSends`. */
  weekdayFactor: number[];
  noiseSigma: number;
  ctrSigma: number;
  /** monthly: the billing day (notices start on the first workday on or after it); billing: the due day. */
  billingDay: number;
  /** An ordinary day's sends as a share of the billing-day peak (monthly and billing). */
  ordinaryShare: number;
  campaignChance: number;
  /** The legacy model's calendar factors (the realistic model draws a `CalendarResponse` instead). */
  preHolidayBoost: number;
  holidayFactor: number;
  majorHolidayFactor: number;
  /** billing: reminders on the n-th working day before the due-day notice, as a share of it. */
  reminders: { businessDaysBefore: number; share: number }[];
  /** scheduled: when it sends, whether the owner declared it, and its off-schedule trickle (share of base). */
  schedule?: CampaignSchedule;
  scheduleDeclared: boolean;
  trickle: number;
}

/** Picks the family: the first draw of the shape stream, whatever the mix. */
export function drawFamily(random: Random, mix: Partial<Record<Family, number>>): Family {
  const weights = Object.fromEntries(Object.entries(mix).filter(([, w]) => (w ?? 0) > 0)) as Record<
    Family,
    number
  >;
  if (Object.keys(weights).length === 0) throw new RangeError('families: give at least one family a weight');
  return random.weighted(weights);
}

/** Draws the channel's shape for its family (the four legacy families exactly as the first benchmark). */
export function drawShape(random: Random, family: Family, index: number, first: number, last: number): Shape {
  switch (family) {
    case 'weekly':
    case 'steady':
    case 'bursty':
    case 'monthly':
      return legacyShape(random, family, index, first, last);
    case 'billing':
      return billingShape(random, index, first, last);
    case 'scheduled':
      return scheduledShape(random, index, first, last);
    case 'noisy':
    case 'low_volume':
      return variableShape(random, family, index, first, last);
  }
}

function channelTypeFor(random: Random, category: ChannelCategory): string {
  return category === 'transactional'
    ? random.chance(0.85)
      ? 'alimtalk'
      : 'sms'
    : category === 'advertising'
      ? random.chance(0.75)
        ? 'push'
        : // Alimtalk may carry no advertising; Kakao ads go out as friendtalk.
          'friendtalk'
      : random.chance(0.5)
        ? 'push'
        : 'alimtalk';
}

/** 5% of channels launch mid-sample, 3% stop sending before its end. */
function lifespan(random: Random, first: number, last: number): { start: number; end: number } {
  const span = last - first + 1;
  let start = first;
  let end = last;
  if (random.chance(0.05)) start = first + Math.floor(span * random.uniform(0.25, 0.75));
  else if (random.chance(0.03)) end = first + Math.floor(span * random.uniform(0.45, 0.9));
  return { start, end };
}

function ctrFor(random: Random, category: ChannelCategory): number {
  return category === 'advertising'
    ? random.logUniform(0.005, 0.04)
    : category === 'informational'
      ? random.logUniform(0.015, 0.12)
      : random.logUniform(0.01, 0.1);
}

/** Weekend low (steady channels barely dip), weekday jitter, and sometimes one peak weekday. */
function weekdayShape(
  random: Random,
  steady: boolean,
  category: ChannelCategory,
  peakDay: boolean,
): number[] {
  const weekend = steady
    ? random.uniform(0.75, 1)
    : category === 'transactional'
      ? random.uniform(0.4, 0.8)
      : random.uniform(0.2, 0.6);
  const weekdayFactor = [weekend, 1, 1, 1, 1, 1, weekend * random.uniform(0.9, 1.2)].map((f, wd) =>
    wd === 0 || wd === 6 ? f : f * random.uniform(0.85, 1.15),
  );
  if (peakDay && random.chance(0.4)) weekdayFactor[random.int(1, 5)]! *= random.uniform(1.4, 2.2);
  return weekdayFactor;
}

function nameFrom(random: Random, names: readonly string[]): string {
  return `${random.pick(names)}${random.chance(0.4) ? ` (${random.pick(NAME_SUFFIXES)})` : ''}`;
}

function channelOf(
  fields: Omit<SampleChannel, 'channelId' | 'startDay' | 'endDay'>,
  index: number,
  span: { start: number; end: number },
): SampleChannel {
  const { channelType, family, pattern, category, owner, name, baseSends, baseCtr } = fields;
  return {
    channelId: `${channelType}_${String(index + 1).padStart(4, '0')}`,
    channelType,
    family,
    pattern,
    category,
    owner,
    name,
    startDay: isoDay(span.start),
    endDay: isoDay(span.end),
    baseSends,
    baseCtr,
  };
}

const NO_SCHEDULE = { reminders: [], scheduleDeclared: false, trickle: 0 };

function legacyShape(
  random: Random,
  pattern: ChannelPattern,
  index: number,
  first: number,
  last: number,
): Shape {
  const category: ChannelCategory =
    pattern === 'monthly'
      ? 'transactional'
      : pattern === 'bursty'
        ? random.chance(0.8)
          ? 'advertising'
          : 'informational'
        : pattern === 'steady'
          ? random.chance(0.7)
            ? 'transactional'
            : 'informational'
          : random.weighted({ transactional: 0.2, informational: 0.4, advertising: 0.4 });
  const channelType = channelTypeFor(random, category);
  const span = lifespan(random, first, last);
  // Monthly channels' base is the billing-day peak; their ordinary days send a fifth to two fifths of it.
  const baseSends = pattern === 'monthly' ? random.logUniform(200, 200_000) : random.logUniform(50, 200_000);
  const baseCtr = ctrFor(random, category);
  const weekdayFactor = weekdayShape(random, pattern === 'steady', category, pattern === 'weekly');
  const name = nameFrom(random, pattern === 'monthly' ? BILLING_NAMES : NAMES[category]);
  const owner = random.pick(OWNERS);
  return {
    channel: channelOf(
      { channelType, family: pattern, pattern, category, owner, name, baseSends, baseCtr },
      index,
      span,
    ),
    weekdayFactor,
    noiseSigma: pattern === 'steady' ? random.uniform(0.03, 0.08) : random.uniform(0.05, 0.15),
    ctrSigma: random.uniform(0.04, 0.12),
    billingDay: random.pick([1, 5, 10, 15, 20, 25]),
    ordinaryShare: random.uniform(0.2, 0.4),
    campaignChance: random.uniform(0.06, 0.15),
    preHolidayBoost: category === 'advertising' && random.chance(0.4) ? random.uniform(1.3, 2.2) : 1,
    holidayFactor: category === 'advertising' ? random.uniform(0.3, 0.7) : random.uniform(0.7, 1),
    majorHolidayFactor: category === 'transactional' ? random.uniform(0.5, 0.85) : random.uniform(0.15, 0.45),
    ...NO_SCHEDULE,
  };
}

/** Shape fields the new families do not use (the legacy model's calendar factors, campaigns). */
const UNUSED = { preHolidayBoost: 1, holidayFactor: 1, majorHolidayFactor: 1, campaignChance: 0 };

/** Due-date notices: the peak on the due day (moved back off weekends and holidays), reminders before. */
function billingShape(random: Random, index: number, first: number, last: number): Shape {
  const category = 'transactional';
  const channelType = channelTypeFor(random, category);
  const span = lifespan(random, first, last);
  const baseSends = random.logUniform(200, 200_000);
  const baseCtr = ctrFor(random, category);
  const weekdayFactor = weekdayShape(random, false, category, false);
  const name = nameFrom(random, DUE_DATE_NAMES);
  const owner = random.pick(OWNERS);
  const reminders = [{ businessDaysBefore: 1, share: random.uniform(0.3, 0.6) }];
  if (random.chance(0.7)) reminders.push({ businessDaysBefore: 3, share: random.uniform(0.15, 0.4) });
  return {
    channel: channelOf(
      { channelType, family: 'billing', pattern: 'monthly', category, owner, name, baseSends, baseCtr },
      index,
      span,
    ),
    weekdayFactor,
    noiseSigma: random.uniform(0.05, 0.15),
    ctrSigma: random.uniform(0.04, 0.12),
    billingDay: random.pick([1, 5, 10, 15, 20, 25, 27]),
    ordinaryShare: random.uniform(0.04, 0.15),
    reminders,
    scheduleDeclared: false,
    trickle: 0,
    ...UNUSED,
  };
}

/** Campaigns on a schedule; nothing (or a trickle of 0-2% of a campaign) on the other days. */
function scheduledShape(random: Random, index: number, first: number, last: number): Shape {
  const category = random.chance(0.65) ? 'advertising' : 'informational';
  const channelType = channelTypeFor(random, category);
  const span = lifespan(random, first, last);
  const baseSends = random.logUniform(300, 200_000);
  const baseCtr = ctrFor(random, category);
  const schedule = drawSchedule(random, first);
  const name = nameFrom(random, CAMPAIGN_NAMES[schedule.kind]);
  const owner = random.pick(OWNERS);
  return {
    channel: channelOf(
      { channelType, family: 'scheduled', pattern: 'bursty', category, owner, name, baseSends, baseCtr },
      index,
      span,
    ),
    weekdayFactor: [1, 1, 1, 1, 1, 1, 1],
    noiseSigma: random.uniform(0.05, 0.15),
    ctrSigma: random.uniform(0.04, 0.12),
    billingDay: 0,
    ordinaryShare: 0,
    reminders: [],
    schedule,
    scheduleDeclared: random.chance(0.5),
    trickle: random.chance(0.5) ? 0 : random.uniform(0.002, 0.02),
    ...UNUSED,
  };
}

/** Noisy channels (lognormal sigma 0.3-0.5) and low-volume ones (5-50 sends a day), weekly or steady. */
function variableShape(
  random: Random,
  family: 'noisy' | 'low_volume',
  index: number,
  first: number,
  last: number,
): Shape {
  const noisy = family === 'noisy';
  const category = random.weighted(
    noisy
      ? { transactional: 0.2, informational: 0.4, advertising: 0.4 }
      : { transactional: 0.4, informational: 0.35, advertising: 0.25 },
  );
  const channelType = channelTypeFor(random, category);
  const span = lifespan(random, first, last);
  const baseSends = noisy ? random.logUniform(100, 100_000) : random.logUniform(5, 50);
  const baseCtr = noisy ? ctrFor(random, category) : random.logUniform(0.02, 0.15);
  const pattern = random.chance(0.6) ? 'weekly' : 'steady';
  const weekdayFactor = weekdayShape(random, pattern === 'steady', category, noisy && pattern === 'weekly');
  const name = nameFrom(random, NAMES[category]);
  const owner = random.pick(OWNERS);
  return {
    channel: channelOf(
      { channelType, family, pattern, category, owner, name, baseSends, baseCtr },
      index,
      span,
    ),
    weekdayFactor,
    noiseSigma: noisy ? random.uniform(0.3, 0.5) : random.uniform(0.05, 0.15),
    ctrSigma: noisy ? random.uniform(0.1, 0.25) : random.uniform(0.04, 0.12),
    billingDay: 0,
    ordinaryShare: 0,
    ...NO_SCHEDULE,
    ...UNUSED,
  };
}
