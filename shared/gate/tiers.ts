import type { UserEngagement } from '#shared/domain/engagement.ts';
import { daysBetween, type IsoDay } from '#shared/time/seoul.ts';
import type { GatePolicy, Tier } from './policy.ts';

/** What the gate stores per user (pk `USER#<id>`, sk `TIER`), written by the tier refresh. */
export interface TierRecord {
  tier: Tier;
  /** First refresh day at which an adaptive-tier user was idle; absent while they engage. */
  idleSince?: IsoDay;
  /** The first day the user was ever seen, kept across refreshes: only a truly new user is new. */
  firstSeen?: IsoDay;
}

const RANK: Record<Tier, number> = { low: 0, mid: 1, high: 2 };

export function higherTier(a: Tier, b: Tier): Tier {
  return RANK[a] >= RANK[b] ? a : b;
}

/** The tier a number of feature uses over the whole window earns. */
export function tierForUses(uses: number, tiering: GatePolicy['tiering']): Tier {
  if (uses >= tiering.highFrom) return 'high';
  if (uses >= tiering.midFrom) return 'mid';
  return 'low';
}

/** True when the user was first seen within `newUserDays` of `asOf` (inclusive). */
export function isNewUser(engagement: UserEngagement, asOf: IsoDay, tiering: GatePolicy['tiering']): boolean {
  return daysBetween(engagement.firstSeen, asOf) < tiering.newUserDays;
}

/**
 * The tier of one user from their engagement over the window ending `asOf`. A new user is judged on
 * their pace (uses scaled up to the whole window) and never placed below the default tier, so a
 * short history does not read as low engagement.
 */
export function tierOf(engagement: UserEngagement, asOf: IsoDay, policy: GatePolicy): Tier {
  const { tiering } = policy;
  if (!isNewUser(engagement, asOf, tiering)) return tierForUses(engagement.featureUses, tiering);
  const daysObserved = Math.max(1, daysBetween(engagement.firstSeen, asOf) + 1);
  const pace = (engagement.featureUses * tiering.windowDays) / Math.min(daysObserved, tiering.windowDays);
  return higherTier(tierForUses(pace, tiering), tiering.defaultTier);
}

/**
 * The record the refresh wants stored for a user: the tier, and since when an adaptive-tier user has
 * ignored us (kept from `previous` so back-off grows with time without a write every day).
 */
export function nextTierRecord(
  engagement: UserEngagement,
  asOf: IsoDay,
  policy: GatePolicy,
  previous: TierRecord | undefined,
): TierRecord {
  // The earliest sighting wins: a user back after months away is not new because the window is.
  const firstSeen =
    previous?.firstSeen !== undefined && previous.firstSeen < engagement.firstSeen
      ? previous.firstSeen
      : engagement.firstSeen;
  const seen = { ...engagement, firstSeen };
  const tier = tierOf(seen, asOf, policy);
  const { adaptive } = policy;
  const idle =
    adaptive.enabled &&
    adaptive.tiers.includes(tier) &&
    engagement.featureUses <= adaptive.idleUsesAtMost &&
    !isNewUser(seen, asOf, policy.tiering);
  if (!idle) return { tier, firstSeen };
  return { tier, idleSince: previous?.idleSince ?? asOf, firstSeen };
}

export function sameTierRecord(a: TierRecord, b: TierRecord): boolean {
  return a.tier === b.tier && a.idleSince === b.idleSince && a.firstSeen === b.firstSeen;
}

/** How many back-off steps apply on `today`: one as soon as idle, one more every `stepDays`. */
export function backoffSteps(record: TierRecord, today: IsoDay, policy: GatePolicy): number {
  const { adaptive } = policy;
  if (!adaptive.enabled || !record.idleSince || !adaptive.tiers.includes(record.tier)) return 0;
  const idleDays = Math.max(0, daysBetween(record.idleSince, today));
  return Math.min(adaptive.maxSteps, 1 + Math.floor(idleDays / adaptive.stepDays));
}
