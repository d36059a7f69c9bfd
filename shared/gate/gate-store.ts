import type { IsoDay } from '#shared/time/seoul.ts';
import type { TierRecord } from './tiers.ts';

/** One user's counters for one ISO week (Asia/Seoul), as read back from the store. */
export interface CountersSnapshot {
  /** Counter attribute (see caps.ts) -> sends counted. */
  counts: Record<string, number>;
  /** Epoch ms of the last advertising send reserved this week. */
  lastAdAt?: number;
  /** Message id -> the stored outcome (`decision|reason|tier|limitedBy`), for idempotent retries. */
  outcomes: Record<string, string>;
}

/** One conditional write: stores `outcome` under the message id and adds one to each counter, only if
 * the message id is new, every checked counter is under its limit, and the last ad is old enough. */
export interface Reservation {
  userId: string;
  week: IsoDay;
  messageId: string;
  checks: { attribute: string; limit: number }[];
  increments: string[];
  /** The last advertising send must be at or before this instant (epoch ms). */
  lastAdAtMost?: number;
  /** Sets the last advertising send to this instant (epoch ms). */
  adAt?: number;
  outcome: string;
  /** TTL, epoch seconds: cleans up only; weeks are in the key, so nothing is ever reset in place. */
  expiresAt: number;
}

export type ReserveResult = { reserved: true; counters: CountersSnapshot } | { reserved: false };

export interface TierChange {
  userId: string;
  record: TierRecord;
}

/**
 * The gate's state: tiers and weekly counters. DynamoDB (the shipped adapter, also over embedded
 * dynalite) or memory (the bench's store-free figure). Every failure or timeout surfaces as
 * `StoreUnavailableError`; a failed condition is not a failure (`reserved: false`, `false`).
 */
export interface GateStore {
  readTier(userId: string, signal?: AbortSignal): Promise<TierRecord | undefined>;
  /** Tiers of many users (any count; the adapter batches), absent users left out. */
  readTiers(userIds: string[], signal?: AbortSignal): Promise<Map<string, TierRecord>>;
  reserve(reservation: Reservation, signal?: AbortSignal): Promise<ReserveResult>;
  readCounters(userId: string, week: IsoDay, signal?: AbortSignal): Promise<CountersSnapshot>;
  /** Stores an outcome that counted nothing (a cap denial) unless one exists; false when one did. */
  recordOutcome(
    userId: string,
    week: IsoDay,
    messageId: string,
    outcome: string,
    expiresAt: number,
    signal?: AbortSignal,
  ): Promise<boolean>;
  /** Writes tier records (any count; the adapter batches and retries unprocessed items). */
  writeTiers(changes: TierChange[]): Promise<void>;
}
