import type { TierRecord } from './tiers.ts';

/** Entries at most: a burst of new users clears the cache rather than grow it without bound. */
const TIER_CACHE_MAX = 100_000;

export interface TierCache {
  /** The record read within the last `ms` (undefined inside: a user with no record), if any. */
  get(userId: string): { record: TierRecord | undefined } | undefined;
  remember(userId: string, record: TierRecord | undefined): void;
}

/** Tiers change once a day: a read is reused for `ms` in this process (0 turns the cache off). */
export function createTierCache(ms: number): TierCache {
  const entries = new Map<string, { record: TierRecord | undefined; until: number }>();
  return {
    get(userId) {
      if (ms <= 0) return undefined;
      const hit = entries.get(userId);
      return hit && hit.until > Date.now() ? hit : undefined;
    },
    remember(userId, record) {
      if (ms <= 0) return;
      if (entries.size >= TIER_CACHE_MAX) entries.clear();
      entries.set(userId, { record, until: Date.now() + ms });
    },
  };
}
