import type { CountersSnapshot, GateStore, Reservation } from '#shared/ports/gate-store.ts';
import type { IsoDay } from '#shared/time/seoul.ts';
import type { TierRecord } from './tiers.ts';

/**
 * The gate's state in process memory, with the DynamoDB adapter's semantics (one atomic check-and-add
 * per reservation). For the bench's store-free figure and quick domain tests; never for production.
 */
export function createMemoryGateStore(tiers: Map<string, TierRecord> = new Map()): GateStore & {
  tiers: Map<string, TierRecord>;
} {
  interface Item {
    counts: Record<string, number>;
    ads: number[];
    adsVersion: number;
    /** Ads of next week marked here, by message. */
    marks: { at: number; messageId: string }[];
    outcomes: Map<string, string>;
  }
  const counters = new Map<string, Item>();
  let lastRefresh: IsoDay | undefined;
  const itemFor = (userId: string, week: IsoDay) => {
    const key = `${userId}\u0000${week}`;
    let item = counters.get(key);
    if (!item) {
      item = { counts: {}, ads: [], adsVersion: 0, marks: [], outcomes: new Map() };
      counters.set(key, item);
    }
    return item;
  };
  const snapshot = (item: Item, messageId?: string): CountersSnapshot => {
    const outcome = messageId === undefined ? undefined : item.outcomes.get(messageId);
    const marked = item.marks.filter((mark) => mark.messageId !== messageId).map((mark) => mark.at);
    return {
      counts: { ...item.counts },
      ads: [...item.ads, ...marked],
      adsVersion: item.adsVersion,
      ...(outcome === undefined ? {} : { outcome }),
    };
  };

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
      if (item.outcomes.has(reservation.messageId)) return { reserved: false };
      if (reservation.checks.some((check) => (item.counts[check.attribute] ?? 0) >= check.limit))
        return { reserved: false };
      if (reservation.ad && item.adsVersion !== reservation.ad.version) return { reserved: false };
      for (const attribute of reservation.increments)
        item.counts[attribute] = (item.counts[attribute] ?? 0) + 1;
      if (reservation.ad) {
        item.ads.push(reservation.ad.at);
        item.adsVersion++;
      }
      item.outcomes.set(reservation.messageId, reservation.outcome);
      return { reserved: true, counters: snapshot(item) };
    },
    async markAd({ userId, week, at, messageId, version }) {
      const item = itemFor(userId, week);
      if (item.adsVersion !== version) return false;
      if (!item.marks.some((mark) => mark.at === at && mark.messageId === messageId))
        item.marks.push({ at, messageId });
      item.adsVersion++;
      return true;
    },
    async unmarkAd({ userId, week, at, messageId }) {
      const item = itemFor(userId, week);
      item.marks = item.marks.filter((mark) => !(mark.at === at && mark.messageId === messageId));
    },
    async readCounters(userId, week, messageId) {
      return snapshot(itemFor(userId, week), messageId);
    },
    async readCountersMany(reads) {
      return reads.map(({ userId, week, messageId }) => snapshot(itemFor(userId, week), messageId));
    },
    async lastTierRefresh() {
      return lastRefresh;
    },
    async recordTierRefresh(asOf) {
      if (lastRefresh === undefined || asOf > lastRefresh) lastRefresh = asOf;
    },
    async writeTiers(changes) {
      for (const { userId, record } of changes) tiers.set(userId, record);
    },
  };
}
