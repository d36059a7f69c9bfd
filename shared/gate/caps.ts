import type { IsoDay } from '#shared/time/seoul.ts';
import type { CapUsage, DecisionRequest } from './decision.ts';
import type { Cap, GatePolicy, TierPolicy } from './policy.ts';
import { backoffSteps, type TierRecord } from './tiers.ts';

/**
 * Cap evaluation over one user's counters item (one item a user an ISO week, Asia/Seoul). Every cap
 * has its own counter attribute: `w:<cap>:<value>` for the week, `d:<day>:<cap>:<value>` for a day,
 * where value is the channel, the category, or `*` for a total cap. The store's condition checks each
 * counter is under its limit, so one conditional write reserves the slot or consumes nothing.
 */

export interface CounterCheck {
  cap: string;
  window: Cap['window'];
  attribute: string;
  limit: number;
}

const MAX_GAP_MINUTES = 7 * 24 * 60;

/** A tier's policy after engagement-adaptive back-off: caps scaled down, the ad gap stretched. */
export function effectiveTierPolicy(policy: GatePolicy, record: TierRecord, today: IsoDay): TierPolicy {
  const base = policy.tiers[record.tier];
  const steps = backoffSteps(record, today, policy);
  if (steps === 0) return base;
  const capScale = policy.adaptive.capFactor ** steps;
  return {
    ...base,
    caps: base.caps.map((cap) => ({ ...cap, limit: Math.floor(cap.limit * capScale) })),
    // At most a week: the gap check reads this week's counters item and last week's, no further back.
    minAdGapMinutes: Math.min(
      MAX_GAP_MINUTES,
      Math.round(base.minAdGapMinutes * policy.adaptive.gapFactor ** steps),
    ),
  };
}

export function categoryAllowed(tierPolicy: TierPolicy, category: string): boolean {
  return tierPolicy.categories === '*' || tierPolicy.categories.includes(category);
}

function capValue(cap: Cap, request: DecisionRequest): string | undefined {
  if (cap.scope === 'total') return '*';
  const value = cap.scope === 'channel' ? request.channel : request.category;
  if (cap.match !== undefined && cap.match !== value) return undefined;
  return value;
}

/**
 * The counters a request touches on `day`. Transactional sends (when they count at all) count toward
 * every cap that counts informational sends, never toward advertising-only caps.
 */
export function applicableCounters(
  tierPolicy: TierPolicy,
  request: DecisionRequest,
  day: IsoDay,
): CounterCheck[] {
  const countsAs = request.messageClass === 'transactional' ? 'informational' : request.messageClass;
  const checks: CounterCheck[] = [];
  for (const cap of tierPolicy.caps) {
    if (!cap.classes.includes(countsAs)) continue;
    const value = capValue(cap, request);
    if (value === undefined) continue;
    const attribute = cap.window === 'week' ? `w:${cap.name}:${value}` : `d:${day}:${cap.name}:${value}`;
    checks.push({ cap: cap.name, window: cap.window, attribute, limit: cap.limit });
  }
  return checks;
}

export function capUsage(checks: CounterCheck[], counts: Record<string, number>): CapUsage[] {
  return checks.map((check) => ({
    name: check.cap,
    limit: check.limit,
    used: counts[check.attribute] ?? 0,
    window: check.window,
  }));
}

/**
 * The full cap that holds the request back, or undefined when every cap has room. When several are
 * full, the most restrictive one is named: the smallest limit, then the longer window, then policy order.
 */
export function mostRestrictiveFull(
  checks: CounterCheck[],
  counts: Record<string, number>,
): CounterCheck | undefined {
  let worst: CounterCheck | undefined;
  for (const check of checks) {
    if ((counts[check.attribute] ?? 0) < check.limit) continue;
    if (
      !worst ||
      check.limit < worst.limit ||
      (check.limit === worst.limit && check.window === 'week' && worst.window === 'day')
    )
      worst = check;
  }
  return worst;
}
