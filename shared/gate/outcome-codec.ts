import { hash } from 'node:crypto';
import type { DecisionAnswer, DecisionKind, DecisionReason, DecisionRequest } from './decision.ts';
import type { Tier } from './policy.ts';

/**
 * A counted decision as the store keeps it for retries of the same message:
 * `decision|reason|tier|limitedBy|message`, where `message` is a short digest of what was sent
 * (`messageFingerprint`), so a reused id is told from a retry.
 */
export function encodeOutcome(
  answer: Pick<DecisionAnswer, 'decision' | 'reason' | 'tier' | 'limitedBy'>,
  message: string,
): string {
  return `${answer.decision}|${answer.reason}|${answer.tier}|${answer.limitedBy ?? ''}|${message}`;
}

export interface StoredOutcome extends Pick<DecisionAnswer, 'decision' | 'reason' | 'tier' | 'limitedBy'> {
  /** Undefined for an outcome kept before messages were fingerprinted: taken as the same message. */
  message?: string;
}

export function decodeOutcome(outcome: string): StoredOutcome {
  const [decision, reason, tier, limitedBy, message] = outcome.split('|');
  return {
    decision: decision as DecisionKind,
    reason: reason as DecisionReason,
    tier: tier as Tier,
    ...(limitedBy ? { limitedBy } : {}),
    ...(message ? { message } : {}),
  };
}

/**
 * What makes a message the same message, digested to 8 characters (48 bits): its channel, class,
 * category and campaign. Not `at` (a retry may be sent later, and `at` defaults to now) nor consent.
 */
export function messageFingerprint(request: DecisionRequest): string {
  const { channel, messageClass, category, campaignId } = request;
  return fingerprintOf(`${channel}\n${messageClass}\n${category}\n${campaignId ?? ''}`);
}
// A day's sends come from a few hundred campaigns: a digest each, not one a decision.
const fingerprintOf = rememberedDigest(8);

/**
 * A SHA-256 digest of a text in base64url, cut to `length` characters, remembering the last 10,000
 * texts: a hash costs more than the rest of a decision's own work.
 */
export function rememberedDigest(length: number): (text: string) => string {
  const recent = new Map<string, string>();
  return (text) => {
    let digest = recent.get(text);
    if (digest === undefined) {
      digest = hash('sha256', text, 'base64url').slice(0, length);
      if (recent.size >= 10_000) recent.clear();
      recent.set(text, digest);
    }
    return digest;
  };
}
