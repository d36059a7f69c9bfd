import type { TierRecord } from '#shared/gate/tiers.ts';
import type { IsoDay } from '#shared/time/seoul.ts';

/** One user's counters for one ISO week (Asia/Seoul), as read back from the store. */
export interface CountersSnapshot {
  /** Counter attribute (see caps.ts) -> sends counted. */
  counts: Record<string, number>;
  /**
   * Epoch ms of the advertising sends counted this week under an ad gap, and of the ads of next week
   * marked here (`markAd`), but for the marks of the message asked about: a retry is no neighbour of itself.
   */
  ads: number[];
  /** Bumped by every write that adds an ad: a reservation names the version it decided on. */
  adsVersion: number;
  /** The stored outcome of the message asked about (see `encodeOutcome`), if it was counted. */
  outcome?: string;
}

/**
 * One conditional write: adds one to each counter and keeps the outcome under the message id, only if
 * the message id is new and every checked counter is under its limit (and, for an ad under a gap, no
 * other ad was added since the version the gate decided on). Only decisions that count are written,
 * so a user's item holds at most as many message ids as the caps let through.
 */
export interface Reservation {
  userId: string;
  week: IsoDay;
  messageId: string;
  checks: { attribute: string; limit: number }[];
  increments: string[];
  /** An advertising send under a gap: its instant (epoch ms), and the ads version it was judged on. */
  ad?: { at: number; version: number };
  outcome: string;
  /** TTL, epoch seconds: cleans up only; weeks are in the key, so nothing is ever reset in place. */
  expiresAt: number;
}

export type ReserveResult = { reserved: true; counters: CountersSnapshot } | { reserved: false };

/**
 * An ad whose gap reaches back into last week, marked among that week's ads before the ad is counted
 * in its own: two ads on either side of Monday 00:00 then meet in one item, whose version lets only one
 * of them through. A mark left by an ad that was not counted only holds others back (fail-safe).
 */
export interface AdMark {
  userId: string;
  week: IsoDay;
  /** The ad's instant, epoch ms. */
  at: number;
  /** Whose mark it is: a retry of the same message does not see its own. */
  messageId: string;
  /** The week's ads version the ad was judged on: the mark is written only if no ad was added since. */
  version: number;
  /** TTL of the week's item, epoch seconds, if the mark is what makes it. */
  expiresAt: number;
}

/** A user's week to read, and the message whose stored outcome to look up in it. */
export interface CounterRead {
  userId: string;
  week: IsoDay;
  messageId?: string;
}

export interface TierChange {
  userId: string;
  record: TierRecord;
}

/**
 * The gate's state: tiers and weekly counters. DynamoDB (the shipped adapter, also over embedded
 * dynalite) or memory (the bench's store-free figure). Every failure or timeout surfaces as
 * `StoreUnavailableError`; a failed condition is not a failure (`reserved: false`).
 */
export interface GateStore {
  readTier(userId: string, signal?: AbortSignal): Promise<TierRecord | undefined>;
  /** Tiers of many users (any count; the adapter batches), absent users left out. */
  readTiers(userIds: string[], signal?: AbortSignal): Promise<Map<string, TierRecord>>;
  reserve(reservation: Reservation, signal?: AbortSignal): Promise<ReserveResult>;
  /** Adds the ad to the week's ads if they are still at `mark.version`; false when one was added since. */
  markAd(mark: AdMark, signal?: AbortSignal): Promise<boolean>;
  /** Takes a mark out again, when the ad it stood for was not counted. */
  unmarkAd(mark: Pick<AdMark, 'userId' | 'week' | 'at' | 'messageId'>, signal?: AbortSignal): Promise<void>;
  /** The week's counters and ads, and the outcome of `messageId` when given and counted. */
  readCounters(
    userId: string,
    week: IsoDay,
    messageId?: string,
    signal?: AbortSignal,
  ): Promise<CountersSnapshot>;
  /**
   * Many `readCounters` at once, for a batch of decisions to read its ads' weeks in one go: one entry per
   * read, in order, `undefined` where the store left a read undone (DynamoDB's unprocessed keys are not
   * retried: the decision reads that week itself).
   */
  readCountersMany(reads: CounterRead[], signal?: AbortSignal): Promise<(CountersSnapshot | undefined)[]>;
  /** Writes tier records (any count; the adapter batches and retries unprocessed items). */
  writeTiers(changes: TierChange[]): Promise<void>;
  /** The last day a tier refresh completed up to (its `asOf`); undefined before the first. */
  lastTierRefresh(): Promise<IsoDay | undefined>;
  /** Records a completed tier refresh up to `asOf` (a later one already recorded stays). */
  recordTierRefresh(asOf: IsoDay): Promise<void>;
}
