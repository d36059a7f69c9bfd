import type { IsoDay } from '#shared/time/seoul.ts';
import type { CountersSnapshot, GateStore, Reservation } from './gate-store.ts';
import type { TierRecord } from './tiers.ts';

/**
 * The gate's state in process memory, with the DynamoDB adapter's semantics (one atomic check-and-add
 * per reservation). For the bench's store-free figure and quick domain tests; never for production.
 */
export function createMemoryGateStore(tiers: Map<string, TierRecord> = new Map()): GateStore & {
  tiers: Map<string, TierRecord>;
} {
  const counters = new Map<string, CountersSnapshot>();
  const itemFor = (userId: string, week: IsoDay) => {
    const key = `${userId}\u0000${week}`;
    let item = counters.get(key);
    if (!item) {
      item = { counts: {}, outcomes: {} };
      counters.set(key, item);
    }
    return item;
  };
  const copy = (item: CountersSnapshot): CountersSnapshot => ({
    counts: { ...item.counts },
    outcomes: { ...item.outcomes },
    ...(item.lastAdAt === undefined ? {} : { lastAdAt: item.lastAdAt }),
  });

  return {
    tiers,
    async readTier(userId) {
      return tiers.get(userId);
    },
    async readTiers(userIds) {
      const found = new Map<string, TierRecord>();
      for (const id of userIds) {
        const record = tiers.get(id);
        if (record) found.set(id, record);
      }
      return found;
    },
    async reserve(reservation: Reservation) {
      const item = itemFor(reservation.userId, reservation.week);
      if (item.outcomes[reservation.messageId] !== undefined) return { reserved: false };
      if (reservation.checks.some((check) => (item.counts[check.attribute] ?? 0) >= check.limit))
        return { reserved: false };
      if (
        reservation.lastAdAtMost !== undefined &&
        item.lastAdAt !== undefined &&
        item.lastAdAt > reservation.lastAdAtMost
      )
        return { reserved: false };
      for (const attribute of reservation.increments)
        item.counts[attribute] = (item.counts[attribute] ?? 0) + 1;
      if (reservation.adAt !== undefined) item.lastAdAt = reservation.adAt;
      item.outcomes[reservation.messageId] = reservation.outcome;
      return { reserved: true, counters: copy(item) };
    },
    async readCounters(userId, week) {
      return copy(itemFor(userId, week));
    },
    async recordOutcome(userId, week, messageId, outcome) {
      const item = itemFor(userId, week);
      if (item.outcomes[messageId] !== undefined) return false;
      item.outcomes[messageId] = outcome;
      return true;
    },
    async writeTiers(changes) {
      for (const { userId, record } of changes) tiers.set(userId, record);
    },
  };
}
