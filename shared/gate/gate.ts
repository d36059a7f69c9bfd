import { type StoreFailure, StoreUnavailableError } from '#shared/errors.ts';
import type { CounterRead, CountersSnapshot, GateStore } from '#shared/ports/gate-store.ts';
import { addDays, type IsoDay, seoulDay, seoulInstant, weekStart } from '#shared/time/seoul.ts';
import {
  applicableCounters,
  type CounterCheck,
  capUsage,
  categoryAllowed,
  effectiveTierPolicy,
  mostRestrictiveFull,
} from './caps.ts';
import { asStoreError, deadline, withDeadline } from './deadline.ts';
import type { DecisionAnswer, DecisionRequest } from './decision.ts';
import { adConsentHolds, legalCheck, nextLawfulSend } from './legal.ts';
import { decodeOutcome, encodeOutcome, messageFingerprint } from './outcome-codec.ts';
import type { GatePolicy, Tier } from './policy.ts';
import { type RequestParser, requestParser } from './request-schema.ts';
import { createTierCache } from './tier-cache.ts';
import { backoffSteps, type TierRecord } from './tiers.ts';

/**
 * The gate's use case: legal checks (no store), then the user's tier, category and caps in one
 * conditional write. Callers get an answer within `timeoutMs` whatever the store does.
 */

export interface GateOptions {
  store: GateStore;
  policy: GatePolicy;
  /** Deadline for everything a decision (or a whole batch) asks of the store. */
  timeoutMs: number;
  /** Deadline for a whole batch (default 5 s): up to 500 decisions share it. */
  batchTimeoutMs?: number;
  /** How long a tier read is reused in this process; tiers change once a day. 0 turns it off. */
  tierCacheMs?: number;
  /** Parallel decisions within a batch. */
  batchConcurrency?: number;
  now?: () => Date;
  /** Told of every store failure behind a `gate_unavailable` answer (the handler logs it). */
  onStoreError?: (error: StoreUnavailableError, request: DecisionRequest) => void;
}

export interface UserTier {
  userId: string;
  tier: Tier;
  /** False when the user has no record and gets the policy's default tier. */
  stored: boolean;
  idleSince?: IsoDay;
  backoffSteps: number;
}

export interface Gate {
  /** Checks a request as it arrived against the policy (its channels) and the clock (its dates). */
  parse: RequestParser;
  decide(request: DecisionRequest): Promise<DecisionAnswer>;
  /** One answer per request, in order. */
  decideBatch(requests: DecisionRequest[]): Promise<DecisionAnswer[]>;
  userTier(userId: string): Promise<UserTier>;
}

/** Counters items outlive their week by this much, then TTL removes them. */
const COUNTERS_KEEP_DAYS = 15;
/** How long a sender waits before asking again about an informational send when the store is down. */
const UNAVAILABLE_RETRY_MS = 5 * 60_000;
/** Rounds of read and conditional write under contention: a loser's second read sees the winner. */
const MAX_ATTEMPTS = 4;
/** How long after a week starts a retry may still find its first answer in last week's item. */
export const RETRY_REACH_MS = 60 * 60_000;

/** When the store cannot answer: transactional goes, advertising stops, informational waits a bit. */
export function unavailableAnswer(
  request: DecisionRequest,
  at: Date,
  tier: Tier | 'unknown',
  cause: StoreFailure = 'store_error',
): DecisionAnswer {
  const base = { reason: 'gate_unavailable' as const, cause, tier, caps: [] };
  if (request.messageClass === 'transactional') return { decision: 'allow', ...base };
  if (request.messageClass === 'advertising') return { decision: 'deny', ...base };
  return {
    decision: 'defer',
    ...base,
    deferUntil: new Date(at.getTime() + UNAVAILABLE_RETRY_MS).toISOString(),
  };
}

function expiresAtFor(week: IsoDay): number {
  return Math.floor(seoulInstant(addDays(week, 7 + COUNTERS_KEEP_DAYS)).getTime() / 1000);
}

export function createGate(options: GateOptions): Gate {
  const { store, policy, timeoutMs } = options;
  const now = options.now ?? (() => new Date());
  const concurrency = options.batchConcurrency ?? 32;
  const batchTimeoutMs = options.batchTimeoutMs ?? 5_000;
  /** How long a decision may still be writing after it began: its deadline, single or batch. */
  const inFlightMs = Math.max(timeoutMs, batchTimeoutMs);
  const tierCache = createTierCache(options.tierCacheMs ?? 0);
  const cached = tierCache.get;
  const remember = tierCache.remember;

  async function loadTier(userId: string, signal: AbortSignal): Promise<TierRecord | undefined> {
    const hit = cached(userId);
    if (hit) return hit.record;
    const record = await withDeadline(store.readTier(userId, signal), signal);
    remember(userId, record);
    return record;
  }

  function effectiveRecord(record: TierRecord | undefined): TierRecord {
    return record ?? { tier: policy.tiering.defaultTier };
  }

  /**
   * The answer to a message id already counted: the first answer again, for a retry of the same
   * message; a denial for an id reused on another message, which would otherwise pass every cap.
   */
  function replay(
    outcome: string,
    message: string,
    tier: Tier,
    checks: CounterCheck[],
    counters: CountersSnapshot,
  ): DecisionAnswer {
    const { message: first, ...answer } = decodeOutcome(outcome);
    const caps = capUsage(checks, counters.counts);
    if (first !== undefined && first !== message)
      return { decision: 'deny', reason: 'message_id_reused', tier, caps };
    return { ...answer, replayed: true, caps };
  }

  const parse = requestParser(policy, now);

  async function decideWithStore(
    request: DecisionRequest,
    at: Date,
    record: TierRecord,
    signal: AbortSignal,
    firstRead?: Promise<WeekRead | undefined>,
  ): Promise<DecisionAnswer> {
    const { tier } = record;
    const { userId, messageId } = request;
    const message = messageFingerprint(request);
    const day = seoulDay(at);
    const week = weekStart(day);
    const expiresAt = expiresAtFor(week);
    const tierPolicy = effectiveTierPolicy(policy, record, day);
    const call = <T>(work: Promise<T>) => withDeadline(work, signal);

    if (request.messageClass === 'transactional') {
      const answer: DecisionAnswer = { decision: 'allow', reason: 'transactional_override', tier, caps: [] };
      if (!policy.transactional.countTowardCaps) return answer;
      const increments = applicableCounters(tierPolicy, request, day).map((check) => check.attribute);
      if (increments.length === 0) return answer;
      const outcome = encodeOutcome(answer, message);
      await call(
        store.reserve({ userId, week, messageId, checks: [], increments, outcome, expiresAt }, signal),
      );
      return answer;
    }

    if (!categoryAllowed(tierPolicy, request.category))
      return { decision: 'deny', reason: 'category_not_allowed', tier, caps: [] };

    const checks = applicableCounters(tierPolicy, request, day);
    const isAd = request.messageClass === 'advertising';
    const gapMs = isAd ? tierPolicy.minAdGapMinutes * 60_000 : 0;
    const atMs = at.getTime();
    const allow: DecisionAnswer = { decision: 'allow', reason: 'under_caps', tier, caps: [] };
    // No cap counts this send and no gap keeps its time: nothing to write, nothing to remember.
    if (checks.length === 0 && gapMs === 0) return allow;

    // Other weeks' items, read at most once a decision: a retry across Monday 00:00 finds its first
    // answer in last week's item, and an ad near a week's edge has neighbours in the next or last one.
    let otherWeeks: Map<IsoDay, Promise<CountersSnapshot>> | undefined;
    const readWeek = (other: IsoDay) => {
      otherWeeks ??= new Map();
      let read = otherWeeks.get(other);
      if (!read) {
        read = call(store.readCounters(userId, other, messageId, signal));
        otherWeeks.set(other, read);
      }
      return read;
    };
    const lastWeek = addDays(week, -7);
    if (atMs - RETRY_REACH_MS < seoulInstant(week).getTime()) {
      const previous = await readWeek(lastWeek);
      if (previous.outcome) return replay(previous.outcome, message, tier, checks, previous);
    }
    // The weeks on either side that the gap reaches into: their ads count.
    const gapWeeks =
      gapMs > 0
        ? [lastWeek, addDays(week, 7)].filter(
            (other) =>
              seoulInstant(other).getTime() < atMs + gapMs &&
              seoulInstant(addDays(other, 7)).getTime() > atMs - gapMs,
          )
        : [];
    // Two ads on either side of Monday 00:00 must meet in one item: the later one marks itself among
    // last week's ads, under the version it read, and the earlier one's write checks that version. One
    // direction only, so the two never fail each other's writes in turn. Once last week is over (and no
    // decision of it can still be writing), nothing can be judged in it any more: no mark.
    const markWeek =
      gapWeeks.includes(lastWeek) && now().getTime() < seoulInstant(week).getTime() + inFlightMs
        ? lastWeek
        : undefined;
    const mark = { userId, week: lastWeek, at: atMs, messageId };
    // Best effort: a mark left behind only holds another ad back, never lets one through.
    const unmark = () => call(store.unmarkAd(mark, signal)).catch(() => {});

    const deny = (full: CounterCheck, counters: CountersSnapshot): DecisionAnswer => ({
      decision: 'deny',
      reason: 'cap_reached',
      tier,
      limitedBy: full.cap,
      caps: capUsage(checks, counters.counts),
    });
    const closed = checks.some((check) => check.limit <= 0);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      let adsVersion: number | undefined;
      let neighbours: CountersSnapshot[] = [];
      if (gapMs > 0) {
        // The gap holds against the nearest counted ad on either side of `at`, whatever order the
        // requests came in: judged on the week's ads as read, written only if none was added since.
        // The first read may come from the batch's one read of its ads' weeks, if it read this week.
        const batchRead = attempt === 0 && firstRead ? await firstRead : undefined;
        const counters =
          batchRead?.week === week
            ? batchRead.counters
            : await call(store.readCounters(userId, week, messageId, signal));
        if (counters.outcome) return replay(counters.outcome, message, tier, checks, counters);
        const full = mostRestrictiveFull(checks, counters.counts);
        if (full) return deny(full, counters);
        // Read again on a retry: an ad that beat this one may be in either week.
        neighbours = await Promise.all(
          gapWeeks.map((other) =>
            attempt === 0 ? readWeek(other) : call(store.readCounters(userId, other, messageId, signal)),
          ),
        );
        // A retry from across Monday 00:00, later than the retry reach but inside the gap, finds its
        // first answer there rather than being held back by its own counted ad.
        const counted = neighbours.find((neighbour) => neighbour.outcome);
        if (counted?.outcome) return replay(counted.outcome, message, tier, checks, counted);
        const ads = [...counters.ads, ...neighbours.flatMap((neighbour) => neighbour.ads)];
        const lawful = (t: number) => nextLawfulSend(request, new Date(t));
        let deferUntil = clearOfAds(ads, atMs, gapMs, lawful);
        // Moved past Monday 00:00 (by the gaps or to 08:00), it meets the ads of weeks not read yet.
        const weeksRead = new Set([week, ...gapWeeks]);
        for (let unread = weeksNear(deferUntil, gapMs, weeksRead); unread.length; ) {
          for (const other of unread) {
            weeksRead.add(other);
            ads.push(...((await readWeek(other).catch(() => undefined))?.ads ?? []));
          }
          deferUntil = clearOfAds(ads, atMs, gapMs, lawful);
          unread = weeksNear(deferUntil, gapMs, weeksRead);
        }
        if (deferUntil) {
          // Consent that lapses before the send could go out is no consent for it.
          if (!adConsentHolds(request, deferUntil))
            return { decision: 'deny', reason: 'ad_consent_expired', tier, caps: [] };
          const laterDay = seoulDay(deferUntil);
          const denied =
            laterDay === day
              ? undefined
              : await deniedWhenDeferred(request, record, laterDay, (other) =>
                  other === week ? Promise.resolve(counters) : readWeek(other),
                );
          if (denied) return denied;
          return {
            decision: 'defer',
            reason: 'min_ad_gap',
            tier,
            deferUntil: deferUntil.toISOString(),
            caps: capUsage(checks, counters.counts),
          };
        }
        adsVersion = counters.adsVersion;
      }
      // A cap of 0 (adaptive back-off can floor one to 0) can never be reserved: no write needed.
      if (!closed) {
        if (markWeek !== undefined) {
          const version = neighbours[gapWeeks.indexOf(markWeek)]!.adsVersion;
          const expires = expiresAtFor(markWeek);
          // An ad landed in last week since it was read: read both weeks again.
          if (!(await call(store.markAd({ ...mark, version, expiresAt: expires }, signal)))) continue;
        }
        const reserving = call(
          store.reserve(
            {
              userId,
              week,
              messageId,
              checks: checks.map(({ attribute, limit }) => ({ attribute, limit })),
              increments: checks.map((check) => check.attribute),
              ...(adsVersion !== undefined ? { ad: { at: atMs, version: adsVersion } } : {}),
              outcome: encodeOutcome(allow, message),
              expiresAt,
            },
            signal,
          ),
        );
        const result = await reserving.catch(async (error: unknown) => {
          // A timed-out write may yet land: its mark stays. Refused writes were not applied.
          if (markWeek !== undefined && asStoreError(error).failure !== 'timeout') await unmark();
          throw error;
        });
        if (result.reserved) return { ...allow, caps: capUsage(checks, result.counters.counts) };
        if (markWeek !== undefined) await unmark();
        // An ad under a gap reads the week again at the top of the loop.
        if (gapMs > 0) continue;
      }
      // The condition failed: read back why. Nothing was counted, and a denial is not kept.
      const counters = await call(store.readCounters(userId, week, messageId, signal));
      if (counters.outcome) return replay(counters.outcome, message, tier, checks, counters);
      const full = mostRestrictiveFull(checks, counters.counts);
      if (full) return deny(full, counters);
      // Another request changed the item between our write and our read: try again.
    }
    throw new StoreUnavailableError('gate store: the counters kept changing under concurrent requests');
  }

  /**
   * The denial a send deferred into `laterDay` would get there, a cap of that day being full already:
   * read only to spare the caller a retry that would be denied, so unread, the deferral stands.
   */
  async function deniedWhenDeferred(
    request: DecisionRequest,
    record: TierRecord,
    laterDay: IsoDay,
    readWeek: (week: IsoDay) => Promise<CountersSnapshot>,
  ): Promise<DecisionAnswer | undefined> {
    const later = await readWeek(weekStart(laterDay)).catch(() => undefined);
    // A retry of a counted message is not held back by its own count.
    if (!later || later.outcome) return undefined;
    const laterChecks = applicableCounters(effectiveTierPolicy(policy, record, laterDay), request, laterDay);
    const full = mostRestrictiveFull(laterChecks, later.counts);
    return full
      ? {
          decision: 'deny',
          reason: 'cap_reached',
          tier: record.tier,
          limitedBy: full.cap,
          caps: capUsage(laterChecks, later.counts),
        }
      : undefined;
  }

  async function decideOne(
    request: DecisionRequest,
    signal: AbortSignal,
    tierRead: Promise<TierRecord | undefined>,
    firstRead?: Promise<WeekRead | undefined>,
  ): Promise<DecisionAnswer> {
    const current = now();
    const at = sendInstant(request, current);
    // Settled either way, so a legal refusal never leaves an unhandled rejection behind.
    const settledTier = tierRead.then(
      (record) => ({ ok: true as const, record: effectiveRecord(record) }),
      (error: unknown) => ({ ok: false as const, error: asStoreError(error) }),
    );
    const legal = legalCheck(request, at, policy.channels);
    if (legal) {
      const tier = await settledTier;
      // An ad held to 08:00 whose caps of that day are full would only be denied then.
      if (legal.deferUntil && tier.ok) {
        const denied = await deniedWhenDeferred(
          request,
          tier.record,
          seoulDay(legal.deferUntil),
          async (week) => {
            const batchRead = firstRead ? await firstRead : undefined;
            return batchRead?.week === week
              ? batchRead.counters
              : withDeadline(store.readCounters(request.userId, week, request.messageId, signal), signal);
          },
        );
        if (denied) return denied;
      }
      return {
        decision: legal.decision,
        reason: legal.reason,
        tier: tier.ok ? tier.record.tier : 'unknown',
        ...(legal.deferUntil ? { deferUntil: legal.deferUntil.toISOString() } : {}),
        caps: [],
      };
    }
    const tier = await settledTier;
    if (!tier.ok) return unavailable(request, at, 'unknown', tier.error);
    try {
      return await decideWithStore(request, at, tier.record, signal, firstRead);
    } catch (error) {
      if (error instanceof StoreUnavailableError) return unavailable(request, at, tier.record.tier, error);
      throw error;
    }
  }

  /** The fail-safe answer, with the store's failure reported to whoever watches the gate. */
  function unavailable(
    request: DecisionRequest,
    at: Date,
    tier: Tier | 'unknown',
    error: StoreUnavailableError,
  ): DecisionAnswer {
    options.onStoreError?.(error, request);
    return unavailableAnswer(request, at, tier, error.failure);
  }

  return {
    parse,

    async decide(request) {
      const { signal, done } = deadline(timeoutMs);
      try {
        return await decideOne(request, signal, loadTier(request.userId, signal));
      } finally {
        done();
      }
    },

    async decideBatch(requests) {
      const { signal, done } = deadline(batchTimeoutMs);
      try {
        return await decideAll(requests, signal);
      } finally {
        done();
      }
    },

    async userTier(userId) {
      const { signal, done } = deadline(timeoutMs);
      let record: TierRecord | undefined;
      try {
        record = await loadTier(userId, signal);
      } finally {
        done();
      }
      const effective = effectiveRecord(record);
      const today = seoulDay(now());
      return {
        userId,
        tier: effective.tier,
        stored: record !== undefined,
        ...(effective.idleSince ? { idleSince: effective.idleSince } : {}),
        backoffSteps: backoffSteps(effective, today, policy),
      };
    },
  };

  async function decideAll(requests: DecisionRequest[], signal: AbortSignal): Promise<DecisionAnswer[]> {
    const missing = [...new Set(requests.map((request) => request.userId))].filter((id) => !cached(id));
    // One batched read for every user's tier instead of one read per request.
    const fetched = missing.length
      ? withDeadline(store.readTiers(missing, signal), signal)
      : Promise.resolve(new Map<string, TierRecord>());
    fetched.then(
      (tiers) => {
        for (const id of missing) remember(id, tiers.get(id));
      },
      () => {},
    );
    const tierFor = (userId: string): Promise<TierRecord | undefined> => {
      const hit = cached(userId);
      return hit ? Promise.resolve(hit.record) : fetched.then((tiers) => tiers.get(userId));
    };
    // Never rejects: an ad that finds nothing here reads its own week.
    const weekReads = fetched.then(
      (tiers) => readAdWeeks(requests, (id) => cached(id)?.record ?? tiers.get(id), signal),
      () => new Map<number, WeekRead>(),
    );
    const answers: DecisionAnswer[] = new Array(requests.length);
    let next = 0;
    const worker = async () => {
      while (next < requests.length) {
        const index = next++;
        const request = requests[index]!;
        const firstRead =
          request.messageClass === 'advertising' ? weekReads.then((reads) => reads.get(index)) : undefined;
        answers[index] = await decideOne(request, signal, tierFor(request.userId), firstRead);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, requests.length) }, worker));
    return answers;
  }

  /**
   * The weeks a batch's ads under a gap will read before they write, read in one batched call (by
   * request index, each with the week it is of). Only a head start: an ad whose week is missing here,
   * or is another week by its own clock, reads for itself, so a wrong guess costs a read, never an
   * answer. Settles to an empty map on any failure, so no ad is left with a rejection to handle.
   */
  async function readAdWeeks(
    requests: DecisionRequest[],
    tierOf: (userId: string) => TierRecord | undefined,
    signal: AbortSignal,
  ): Promise<Map<number, WeekRead>> {
    try {
      const current = now();
      const indices: number[] = [];
      const reads: CounterRead[] = [];
      requests.forEach((request, index) => {
        if (request.messageClass !== 'advertising') return;
        const at = sendInstant(request, current);
        const legal = legalCheck(request, at, policy.channels);
        // An ad held to 08:00 reads that day's week for its caps; one refused reads nothing.
        if (legal && !legal.deferUntil) return;
        const day = seoulDay(legal?.deferUntil ?? at);
        if (!legal) {
          const tierPolicy = effectiveTierPolicy(policy, effectiveRecord(tierOf(request.userId)), day);
          if (!categoryAllowed(tierPolicy, request.category) || tierPolicy.minAdGapMinutes <= 0) return;
        }
        indices.push(index);
        reads.push({ userId: request.userId, week: weekStart(day), messageId: request.messageId });
      });
      if (reads.length === 0) return new Map();
      const snapshots = await withDeadline(store.readCountersMany(reads, signal), signal);
      const found = new Map<number, WeekRead>();
      indices.forEach((index, i) => {
        const counters = snapshots[i];
        if (counters) found.set(index, { week: reads[i]!.week, counters });
      });
      return found;
    } catch {
      return new Map();
    }
  }
}

/**
 * The first lawful instant from `atMs` on with no counted ad within `gapMs` of it, or undefined when
 * `atMs` is already clear: past the ads in the way, one after another (a deferral that lands on
 * the next ad would only be deferred again).
 */
function clearOfAds(
  ads: number[],
  atMs: number,
  gapMs: number,
  lawful: (t: number) => Date,
): Date | undefined {
  let at = atMs;
  let moved: Date | undefined;
  for (;;) {
    let clearAt = 0;
    for (const adAt of ads) if (Math.abs(adAt - at) < gapMs) clearAt = Math.max(clearAt, adAt + gapMs);
    if (clearAt === 0) return moved;
    moved = lawful(clearAt);
    at = moved.getTime();
  }
}

/** The weeks within `gapMs` of `instant` that are not in `read`. */
function weeksNear(instant: Date | undefined, gapMs: number, read: ReadonlySet<IsoDay>): IsoDay[] {
  if (!instant) return [];
  const t = instant.getTime();
  const weeks = new Set([t - gapMs, t, t + gapMs].map((edge) => weekStart(seoulDay(new Date(edge)))));
  return [...weeks].filter((week) => !read.has(week));
}

/** A week's counters as the batch read them, for the ad that will check that week. */
interface WeekRead {
  week: IsoDay;
  counters: CountersSnapshot;
}

/**
 * When the send can go: `at`, or now if that is later. Nothing goes out before now, so a past `at`
 * (within the allowed skew) revives no consent, slips no ad out before 21:00, and counts in no
 * earlier day or week.
 */
function sendInstant(request: DecisionRequest, current: Date): Date {
  const at = request.at ? new Date(request.at) : current;
  return at > current ? at : current;
}
