import { z } from 'zod';
import type { DecisionRequest } from './decision.ts';
import { MESSAGE_CLASSES, NAME } from './policy.ts';

/** Requests as they arrive over HTTP: nothing reaches the gate or the store before this passes. */

export const BATCH_LIMIT = 500;

const id = z
  .string()
  .regex(/^[\x21-\x7e]{1,128}$/, 'expected 1 to 128 printable ASCII characters without spaces');
const instant = z.iso.datetime({ offset: true, message: 'expected an ISO 8601 date-time with offset' });
const name = z.string().regex(NAME, 'expected a lowercase name (a-z, 0-9, _ . -), at most 64 characters');

export const decisionRequestSchema = z
  .strictObject({
    userId: id,
    channel: name,
    messageClass: z.enum(MESSAGE_CLASSES),
    category: name,
    campaignId: id.optional(),
    messageId: id,
    consent: z.strictObject({
      ad: z.boolean(),
      adConsentedAt: instant.optional(),
      nightAd: z.boolean(),
    }),
    at: instant.optional(),
  })
  .refine((request) => request.consent?.ad !== true || request.consent.adConsentedAt !== undefined, {
    message: 'required when consent.ad is true (consent older than two years does not count)',
    path: ['consent', 'adConsentedAt'],
    // Checked even when other fields are bad, so one answer names every bad field.
    when: (payload) => typeof payload.value === 'object' && payload.value !== null,
  }) satisfies z.ZodType<DecisionRequest>;

export const batchRequestSchema = z.strictObject({
  requests: z.array(decisionRequestSchema).min(1).max(BATCH_LIMIT),
});

export const userIdSchema = id;

export interface FieldProblem {
  field: string;
  message: string;
}

/** Every problem zod found, one per field (unknown keys named one by one). */
export function fieldProblems(error: z.ZodError): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const issue of error.issues) {
    const at = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys)
        problems.push({ field: [...at, key].join('.'), message: 'unknown field' });
      continue;
    }
    problems.push({ field: at.length ? at.join('.') : '(body)', message: issue.message });
  }
  return problems;
}
