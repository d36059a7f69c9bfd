import { StoreUnavailableError } from '#shared/errors.ts';
import { addDays, type IsoDay, seoulDay, seoulInstant, weekStart } from '#shared/time/seoul.ts';
import {
  applicableCounters,
  type CounterCheck,
  capUsage,
  categoryAllowed,
  effectiveTierPolicy,
  mostRestrictiveFull,
} from './caps.ts';
import type { DecisionAnswer, DecisionKind, DecisionReason, DecisionRequest } from './decision.ts';
import type { CountersSnapshot, GateStore } from './gate-store.ts';
import { legalCheck } from './legal.ts';
import type { GatePolicy, Tier } from './policy.ts';
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
  decide(request: DecisionRequest): Promise<DecisionAnswer>;
  /** One answer per request, in order. */
  decideBatch(requests: DecisionRequest[]): Promise<DecisionAnswer[]>;
  userTier(userId: string): Promise<UserTier>;
}

/** Counters items outlive their week by this much, then TTL removes them. */
const COUNTERS_KEEP_DAYS = 15;
/** How long a sender waits before asking again about an informational send when the store is down. */
const UNAVAILABLE_RETRY_MS = 5 * 60_000;
const MAX_ATTEMPTS = 3;
/** How long after a week starts a retry may still find its first answer in last week's item. */
const RETRY_REACH_MS = 60 * 60_000;
const TIER_CACHE_MAX = 100_000;

export function encodeOutcome(
  answer: Pick<DecisionAnswer, 'decision' | 'reason' | 'tier' | 'limitedBy'>,
): string {
  return `${answer.decision}|${answer.reason}|${answer.tier}|${answer.limitedBy ?? ''}`;
}

export function decodeOutcome(
  outcome: string,
): Pick<DecisionAnswer, 'decision' | 'reason' | 'tier' | 'limitedBy'> {
  const [decision, reason, tier, limitedBy] = outcome.split('|');
  return {
    decision: decision as DecisionKind,
    reason: reason as DecisionReason,
    tier: tier as Tier,
    ...(limitedBy ? { limitedBy } : {}),
  };
}

/** A deadline cleared as soon as the work ends (AbortSignal.timeout would leave a timer per decision). */
function deadline(ms: number): { signal: AbortSignal; done: () => void } {
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new StoreUnavailableError('gate store: deadline passed')),
    ms,
  );
  return { signal: controller.signal, done: () => clearTimeout(timer) };
}

/** Rejects with `StoreUnavailableError` once `signal` aborts, whatever `work` does. */
function withDeadline<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    work.catch(() => {});
    return Promise.reject(new StoreUnavailableError('gate store: deadline passed'));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new StoreUnavailableError('gate store: no answer before the deadline'));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof StoreUnavailableError ? error : new StoreUnavailableError(String(error)));
      },
    );
  });
}

/** When the store cannot answer: transactional goes, advertising stops, informational waits a bit. */
export function unavailableAnswer(
  request: DecisionRequest,
  at: Date,
  tier: Tier | 'unknown',
): DecisionAnswer {
  const base = { reason: 'gate_unavailable' as const, tier, caps: [] };
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
  const tierCacheMs = options.tierCacheMs ?? 0;
  const concurrency = options.batchConcurrency ?? 32;
  const batchTimeoutMs = options.batchTimeoutMs ?? 5_000;
  const tierCache = new Map<string, { record: TierRecord | undefined; until: number }>();

  function cached(userId: string): { record: TierRecord | undefined } | undefined {
    if (tierCacheMs <= 0) return undefined;
    const hit = tierCache.get(userId);
    if (hit && hit.until > Date.now()) return hit;
    return undefined;
  }

  function remember(userId: string, record: TierRecord | undefined): void {
    if (tierCacheMs <= 0) return;
    if (tierCache.size >= TIER_CACHE_MAX) tierCache.clear();
    tierCache.set(userId, { record, until: Date.now() + tierCacheMs });
  }

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

  function replay(outcome: string, checks: CounterCheck[], counters: CountersSnapshot): DecisionAnswer {
    return { ...decodeOutcome(outcome), caps: capUsage(checks, counters.counts) };
  }

  async function decideWithStore(
    request: DecisionRequest,
    at: Date,
    record: TierRecord,
    signal: AbortSignal,
  ): Promise<DecisionAnswer> {
    const { tier } = record;
    const day = seoulDay(at);
    const week = weekStart(day);
    const expiresAt = expiresAtFor(week);
    const tierPolicy = effectiveTierPolicy(policy, record, day);
    const call = <T>(work: Promise<T>) => withDeadline(work, signal);

    if (request.messageClass === 'transactional') {
      const answer: DecisionAnswer = { decision: 'allow', reason: 'transactional_override', tier, caps: [] };
      if (!policy.transactional.countTowardCaps) return answer;
      const increments = applicableCounters(tierPolicy, request, day).map((check) => check.attribute);
      const outcome = encodeOutcome(answer);
      await call(
        store.reserve(
          {
            userId: request.userId,
            week,
            messageId: request.messageId,
            checks: [],
            increments,
            outcome,
            expiresAt,
          },
          signal,
        ),
      );
      return answer;
    }

    if (!categoryAllowed(tierPolicy, request.category))
      return { decision: 'deny', reason: 'category_not_allowed', tier, caps: [] };

    const checks = applicableCounters(tierPolicy, request, day);
    const isAd = request.messageClass === 'advertising';
    const gapMs = isAd ? tierPolicy.minAdGapMinutes * 60_000 : 0;
    const atMs = at.getTime();

    if (atMs - Math.max(gapMs, RETRY_REACH_MS) < seoulInstant(week).getTime()) {
      // Early in the week, last week's item may hold this message (a retry across Monday 00:00) or the
      // last ad inside the gap: one extra read, Monday mornings only.
      const previous = await call(store.readCounters(request.userId, addDays(week, -7), signal));
      const prior = previous.outcomes[request.messageId];
      if (prior) return replay(prior, checks, { counts: {}, outcomes: {} });
      if (gapMs > 0 && previous.lastAdAt !== undefined && previous.lastAdAt > atMs - gapMs)
        return {
          decision: 'defer',
          reason: 'min_ad_gap',
          tier,
          deferUntil: new Date(previous.lastAdAt + gapMs).toISOString(),
          caps: capUsage(checks, {}),
        };
    }

    const allow: DecisionAnswer = { decision: 'allow', reason: 'under_caps', tier, caps: [] };
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      // A cap of 0 (adaptive back-off can floor one to 0) can never be reserved: no write needed.
      const closed = checks.some((check) => check.limit <= 0);
      if (!closed) {
        const result = await call(
          store.reserve(
            {
              userId: request.userId,
              week,
              messageId: request.messageId,
              checks: checks.map(({ attribute, limit }) => ({ attribute, limit })),
              increments: checks.map((check) => check.attribute),
              ...(gapMs > 0 ? { lastAdAtMost: atMs - gapMs } : {}),
              ...(isAd ? { adAt: atMs } : {}),
              outcome: encodeOutcome(allow),
              expiresAt,
            },
            signal,
          ),
        );
        if (result.reserved) return { ...allow, caps: capUsage(checks, result.counters.counts) };
      }
      // The condition failed: read back why. Nothing was counted.
      const counters = await call(store.readCounters(request.userId, week, signal));
      const prior = counters.outcomes[request.messageId];
      if (prior) return replay(prior, checks, counters);
      const full = mostRestrictiveFull(checks, counters.counts);
      if (full) {
        const deny: DecisionAnswer = {
          decision: 'deny',
          reason: 'cap_reached',
          tier,
          limitedBy: full.cap,
          caps: capUsage(checks, counters.counts),
        };
        // Kept so a retry of this message gets this answer even after the window rolls over.
        const stored = await call(
          store.recordOutcome(
            request.userId,
            week,
            request.messageId,
            encodeOutcome(deny),
            expiresAt,
            signal,
          ),
        );
        if (stored) return deny;
        continue;
      }
      if (gapMs > 0 && counters.lastAdAt !== undefined && counters.lastAdAt > atMs - gapMs)
        return {
          decision: 'defer',
          reason: 'min_ad_gap',
          tier,
          deferUntil: new Date(counters.lastAdAt + gapMs).toISOString(),
          caps: capUsage(checks, counters.counts),
        };
      // Another request changed the item between our write and our read: try again.
    }
    throw new StoreUnavailableError('gate store: the counters kept changing under concurrent requests');
  }

  async function decideOne(
    request: DecisionRequest,
    signal: AbortSignal,
    tierRead: Promise<TierRecord | undefined>,
  ): Promise<DecisionAnswer> {
    const at = request.at ? new Date(request.at) : now();
    // Settled either way, so a legal refusal never leaves an unhandled rejection behind.
    const settledTier = tierRead.then(
      (record) => ({ ok: true as const, record: effectiveRecord(record) }),
      () => ({ ok: false as const }),
    );
    const legal = legalCheck(request, at);
    if (legal) {
      const tier = await settledTier;
      return {
        decision: legal.decision,
        reason: legal.reason,
        tier: tier.ok ? tier.record.tier : 'unknown',
        ...(legal.deferUntil ? { deferUntil: legal.deferUntil.toISOString() } : {}),
        caps: [],
      };
    }
    const tier = await settledTier;
    if (!tier.ok) return unavailableAnswer(request, at, 'unknown');
    try {
      return await decideWithStore(request, at, tier.record, signal);
    } catch (error) {
      if (error instanceof StoreUnavailableError) return unavailableAnswer(request, at, tier.record.tier);
      throw error;
    }
  }

  return {
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
    const answers: DecisionAnswer[] = new Array(requests.length);
    let next = 0;
    const worker = async () => {
      while (next < requests.length) {
        const index = next++;
        const request = requests[index]!;
        answers[index] = await decideOne(request, signal, tierFor(request.userId));
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, requests.length) }, worker));
    return answers;
  }
}
