import type { MessageClass } from '#shared/domain/message-class.ts';
import type { StoreFailure } from '#shared/errors.ts';
import type { Tier } from './policy.ts';

/** One send the messaging stack asks about (validated by `decisionRequestSchema` before it gets here). */
export interface DecisionRequest {
  userId: string;
  channel: string;
  messageClass: MessageClass;
  category: string;
  campaignId?: string;
  /**
   * Idempotency key: a retry with the same id is answered the same and counted once; the id reused on
   * another message (channel, class, category or campaign) is denied (`message_id_reused`).
   */
  messageId: string;
  /** What the user agreed to receive: read for advertising only, so other sends may leave it out. */
  consent?: { ad: boolean; adConsentedAt?: string; nightAd?: boolean };
  /** Planned send time (ISO 8601 with offset); now when omitted. */
  at?: string;
}

export type DecisionKind = 'allow' | 'deny' | 'defer';

/** Every reason an answer gives (the README's table explains each to callers). */
export const DECISION_REASONS = [
  'under_caps',
  'transactional_override',
  'ad_on_alimtalk',
  'not_carried_by_channel',
  'no_ad_consent',
  'ad_consent_expired',
  'night_ad_without_consent',
  'category_not_allowed',
  'cap_reached',
  'min_ad_gap',
  // The message id was counted for another message (channel, class, category or campaign): use a new id.
  'message_id_reused',
  'gate_unavailable',
] as const;

export type DecisionReason = (typeof DECISION_REASONS)[number];

export interface CapUsage {
  name: string;
  limit: number;
  /** Sends counted in the window, this one included when it was allowed. */
  used: number;
  window: 'day' | 'week';
}

export interface DecisionAnswer {
  decision: DecisionKind;
  reason: DecisionReason;
  /** `unknown` only when the store could not say. */
  tier: Tier | 'unknown';
  /** For `defer`: when to ask again (ISO 8601, UTC). */
  deferUntil?: string;
  /** For `cap_reached`: the most restrictive cap that was full. */
  limitedBy?: string;
  /** For `gate_unavailable`: why the store could not answer. */
  cause?: StoreFailure;
  /** A retry of a message already counted: its first answer again (its `at` is not compared). */
  replayed?: true;
  caps: CapUsage[];
}
