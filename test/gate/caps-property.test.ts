import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DecisionAnswer, DecisionRequest } from '#shared/gate/decision.ts';
import { DEFAULT_POLICY } from '#shared/gate/default-policy.ts';
import { createGate, RETRY_REACH_MS } from '#shared/gate/gate.ts';
import { createMemoryGateStore } from '#shared/gate/memory-store.ts';
import { addDays, seoulDay, seoulInstant, weekStart } from '#shared/time/seoul.ts';
import { beforeEveryAt } from './helpers.ts';

const WEEK_START_MS = Date.parse('2026-11-22T23:00:00Z'); // Monday 2026-11-23 08:00 KST

const arbitraryRequest = fc.record({
  minute: fc.integer({ min: 0, max: 13 * 24 * 60 }),
  messageClass: fc.constantFrom('transactional', 'informational', 'advertising' as const),
  channel: fc.constantFrom('push', 'sms', 'email'),
  category: fc.constantFrom('notice', 'community', 'benefit', 'event'),
  /** Minutes after the previous request that this one retries it (same message id), if it is a retry. */
  retryAfter: fc.option(fc.integer({ min: 0, max: 45 }), { freq: 3 }),
});

describe('caps hold for any sequence of requests (default policy, mid tier)', () => {
  it('never allows more than a cap in its Seoul window, nor two ads inside the gap', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(arbitraryRequest, { minLength: 1, maxLength: 80 }), async (drafts) => {
        // Prepare: requests in time order, some retried with the previous message id. The gate keeps an
        // answer for its Seoul week, and into the next week for RETRY_REACH_MS: a later retry is new.
        const gate = createGate({
          store: createMemoryGateStore(),
          policy: DEFAULT_POLICY,
          timeoutMs: 1_000,
          now: beforeEveryAt,
        });
        const sorted = [...drafts].sort((a, b) => a.minute - b.minute);
        const requests: DecisionRequest[] = [];
        const firstTry = new Map<string, number>();
        const weekOf = (ms: number) => weekStart(seoulDay(new Date(ms)));
        const answerKept = (first: number, retry: number) =>
          weekOf(retry) === weekOf(first) ||
          (weekOf(retry) === addDays(weekOf(first), 7) &&
            retry - seoulInstant(weekOf(retry)).getTime() < RETRY_REACH_MS);
        sorted.forEach((draft, i) => {
          const previous = requests[i - 1];
          const retryAt =
            previous && draft.retryAfter !== null
              ? Date.parse(previous.at!) + draft.retryAfter * 60_000
              : undefined;
          if (previous && retryAt !== undefined && answerKept(firstTry.get(previous.messageId)!, retryAt)) {
            requests.push({ ...previous, at: new Date(retryAt).toISOString() });
            return;
          }
          firstTry.set(`m${i}`, WEEK_START_MS + draft.minute * 60_000);
          requests.push({
            userId: 'u',
            channel: draft.channel,
            messageClass: draft.messageClass,
            category: draft.category,
            messageId: `m${i}`,
            consent: { ad: true, adConsentedAt: '2026-01-01T00:00:00+09:00', nightAd: true },
            at: new Date(WEEK_START_MS + draft.minute * 60_000).toISOString(),
          });
        });

        // Act
        const answers: DecisionAnswer[] = [];
        for (const request of requests) answers.push(await gate.decide(request));

        // Assess
        const counted = new Map<string, number>();
        const allowedIds = new Set<string>();
        let lastAd: number | undefined;
        requests.forEach((request, i) => {
          if (answers[i]!.decision !== 'allow' || request.messageClass === 'transactional') return;
          if (allowedIds.has(request.messageId)) return; // a retry: counted once
          allowedIds.add(request.messageId);
          const at = new Date(request.at!);
          const day = seoulDay(at);
          for (const cap of DEFAULT_POLICY.tiers.mid.caps) {
            if (!cap.classes.includes(request.messageClass as 'informational' | 'advertising')) continue;
            const value =
              cap.scope === 'total' ? '*' : cap.scope === 'channel' ? request.channel : request.category;
            if (cap.match !== undefined && cap.match !== value) continue;
            const key = `${cap.name}|${value}|${cap.window === 'day' ? day : weekStart(day)}`;
            counted.set(key, (counted.get(key) ?? 0) + 1);
            expect(counted.get(key)).toBeLessThanOrEqual(cap.limit);
          }
          if (request.messageClass === 'advertising') {
            if (lastAd !== undefined)
              expect(at.getTime() - lastAd).toBeGreaterThanOrEqual(
                DEFAULT_POLICY.tiers.mid.minAdGapMinutes * 60_000,
              );
            lastAd = at.getTime();
          }
        });
        // A counted message keeps its answer on every retry; a denial is not kept, so it may change.
        const allowed = new Set<string>();
        requests.forEach((request, i) => {
          if (request.messageClass === 'transactional') return;
          if (allowed.has(request.messageId)) expect(answers[i]!.decision).toBe('allow');
          if (answers[i]!.decision === 'allow') allowed.add(request.messageId);
        });
      }),
      { numRuns: 150 },
    );
  });
});
