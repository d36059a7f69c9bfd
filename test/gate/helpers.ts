import type { DecisionRequest } from '#shared/gate/decision.ts';
import { DEFAULT_POLICY_INPUT } from '#shared/gate/default-policy.ts';
import { type GatePolicy, parsePolicy } from '#shared/gate/policy.ts';

/** The gate's clock in tests: 10:00 KST on Tuesday 2026-11-24, when `adRequest` plans its send. */
export const TEST_NOW = new Date('2026-11-24T10:00:00+09:00');
export const testNow = () => TEST_NOW;
/**
 * A gate clock earlier than every test request's `at`: each request is judged at the time it plans
 * (a send never goes out before now, so a later clock would move it).
 */
export const beforeEveryAt = () => new Date('2026-01-01T00:00:00+09:00');

/** An advertising push with every consent in order, at 10:00 KST on Tuesday 2026-11-24. */
export function adRequest(overrides: Partial<DecisionRequest> = {}): DecisionRequest {
  return {
    userId: 'u1',
    channel: 'push',
    messageClass: 'advertising',
    category: 'benefit',
    campaignId: 'c1',
    messageId: `m-${Math.random().toString(36).slice(2)}`,
    consent: { ad: true, adConsentedAt: '2026-01-01T00:00:00+09:00', nightAd: false },
    at: '2026-11-24T10:00:00+09:00',
    ...overrides,
  };
}

/** The default policy with edits applied to a deep copy of its JSON. */
export function policyWith(edit: (input: typeof DEFAULT_POLICY_INPUT) => void = () => {}): GatePolicy {
  const input = structuredClone(DEFAULT_POLICY_INPUT);
  edit(input);
  return parsePolicy(input, 'test policy');
}

/** A policy with one cap for every tier and no gap: the simplest thing to count against. */
export function singleCapPolicy(
  cap: Record<string, unknown>,
  extra: { minAdGapMinutes?: number } = {},
): GatePolicy {
  return policyWith((input) => {
    input.adaptive.enabled = false;
    for (const tier of ['low', 'mid', 'high'] as const) {
      input.tiers[tier] = {
        categories: '*',
        caps: [cap as never],
        minAdGapMinutes: extra.minAdGapMinutes ?? 0,
      } as never;
    }
  });
}
