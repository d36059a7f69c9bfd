import type { DecisionAnswer, DecisionKind, DecisionReason } from './decision.ts';
import type { Tier } from './policy.ts';

/**
 * A counted decision as the store keeps it for retries of the same message: `decision|reason|tier|limitedBy`.
 */
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
