import { OutOfRangeError } from '#shared/errors.ts';
import type { GatePolicy, Tier } from '#shared/gate/policy.ts';
import { nextTierRecord, sameTierRecord, type TierRecord } from '#shared/gate/tiers.ts';
import type { GateStore, TierChange } from '#shared/ports/gate-store.ts';
import type { MetricsSource } from '#shared/ports/metrics-source.ts';
import { addDays, type IsoDay, seoulDay } from '#shared/time/seoul.ts';

/** What a refresh needs of the gate store: users' tiers, and the day the last refresh ran up to. */
export type TierRefreshStore = Pick<
  GateStore,
  'readTiers' | 'writeTiers' | 'lastTierRefresh' | 'recordTierRefresh'
>;

export interface RefreshTiersInput {
  source: Pick<MetricsSource, 'readEngagement'>;
  store: TierRefreshStore;
  policy: GatePolicy;
  /** Last day of the engagement window (usually yesterday in Seoul). */
  asOf: IsoDay;
  /** The clock: a day not over yet in Seoul is refused (its uses are still landing). */
  now?: () => Date;
}

export interface RefreshTiersResult {
  from: IsoDay;
  to: IsoDay;
  /** Users seen from this day on were judged (those absent from the window: zero uses). */
  seenFrom: IsoDay;
  usersRead: number;
  /** Tier records written: tier moves plus back-off starting or ending. */
  written: number;
  unchanged: number;
  /** `from->to` -> users; `from` is the default tier for users with no record yet. */
  movements: Record<string, number>;
}

/**
 * Recomputes the tier of every user seen in the trailing window, or in the `catchUpDays` before it,
 * or since the last refresh's window began when refreshes were skipped (they have left the window:
 * zero uses), and writes only what changed, plus a first record for a user never seen before (it
 * keeps their first day); then records the refresh. Streams: one page of engagement at a time, its
 * users' stored tiers read with batched gets (100 keys a call), changes written in batches of 25 with
 * unprocessed items retried - so a million users never sit in memory, no table is scanned, and a day
 * where few users move costs few writes.
 */
export async function refreshTiers(input: RefreshTiersInput): Promise<RefreshTiersResult> {
  const { source, store, policy, asOf } = input;
  const today = seoulDay((input.now ?? (() => new Date()))());
  // Judged early, users whose uses of the day have not landed would lose their tier.
  if (asOf >= today)
    throw new OutOfRangeError(
      `${asOf} is not over yet in Asia/Seoul (today is ${today}): refresh up to ${addDays(today, -1)} or earlier`,
    );
  const windowStart = (day: IsoDay) => addDays(day, -(policy.tiering.windowDays - 1));
  const from = windowStart(asOf);
  const last = await store.lastTierRefresh();
  // A user in the last refresh's window and absent from this one has left it since: back to that
  // window, though never more than a year of engagement (a refresh left off for longer, or a local
  // run far back, would otherwise read every day since).
  const catchUp = addDays(from, -policy.tiering.catchUpDays);
  const earliest = addDays(from, -MAX_LOOKBACK_DAYS);
  const lastFrom = last === undefined ? catchUp : windowStart(last);
  const seenFrom = lastFrom >= catchUp ? catchUp : lastFrom >= earliest ? lastFrom : earliest;
  const defaultRecord: TierRecord = { tier: policy.tiering.defaultTier };
  const result: RefreshTiersResult = {
    from,
    to: asOf,
    seenFrom,
    usersRead: 0,
    written: 0,
    unchanged: 0,
    movements: {},
  };

  for await (const page of source.readEngagement({ from: seenFrom, to: asOf, usesFrom: from })) {
    if (page.length === 0) continue;
    result.usersRead += page.length;
    const stored = await store.readTiers(page.map((user) => user.userId));
    const changes: TierChange[] = [];
    for (const engagement of page) {
      const previous = stored.get(engagement.userId);
      const next = nextTierRecord(engagement, asOf, policy, previous);
      const before = previous ?? defaultRecord;
      if (previous && sameTierRecord(previous, next)) {
        result.unchanged++;
        continue;
      }
      changes.push({ userId: engagement.userId, record: next });
      if (before.tier !== next.tier) {
        const move = `${before.tier}->${next.tier}` as `${Tier}->${Tier}`;
        result.movements[move] = (result.movements[move] ?? 0) + 1;
      }
    }
    if (changes.length) await store.writeTiers(changes);
    result.written += changes.length;
  }
  // Only once every page is written: a failed refresh leaves the next one to look back as far.
  await store.recordTierRefresh(asOf);
  return result;
}

/** How far back a refresh after skipped days looks for users who left the window. */
const MAX_LOOKBACK_DAYS = 365;

/** One line for logs and the CLI: how many users moved between tiers. */
export function describeRefresh(result: RefreshTiersResult): string {
  const moved = Object.values(result.movements).reduce((sum, n) => sum + n, 0);
  const moves = Object.entries(result.movements)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([move, n]) => `${move} ${n}`)
    .join(', ');
  return `tiers ${result.from}..${result.to} (users seen since ${result.seenFrom}): ${result.usersRead} users read, ${moved} moved${moves ? ` (${moves})` : ''}, ${result.written} written, ${result.unchanged} unchanged`;
}
