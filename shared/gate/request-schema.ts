import { z } from 'zod';
import { USER_ID_PATTERN, USER_ID_RULE } from '#shared/domain/engagement.ts';
import { MESSAGE_CLASSES } from '#shared/domain/message-class.ts';
import type { DecisionRequest } from './decision.ts';
import { consentInstant } from './legal.ts';
import type { GatePolicy } from './policy.ts';

/**
 * Requests as they arrive over HTTP: nothing reaches the gate or the store before this passes. The
 * policy closes the set of channels; the clock bounds every date, so no date reaches arithmetic
 * unchecked and no caller can move a send into the past to slip past consent or a cap.
 */

export const BATCH_LIMIT = 500;

const id = z.string().regex(USER_ID_PATTERN, USER_ID_RULE);
/** The one form read (RFC 3339 with seconds), named in full: "ISO 8601" also covers forms it refuses. */
const DATE_TIME_FORM = 'YYYY-MM-DDTHH:MM:SS with Z or an offset ±HH:MM, e.g. 2026-11-24T10:00:00+09:00';
const instant = z.iso.datetime({ offset: true, message: `expected a date-time ${DATE_TIME_FORM}` });
const consentDate = z.union([z.iso.date(), z.iso.datetime({ offset: true })], {
  error: `expected a date (YYYY-MM-DD, read as 00:00 Asia/Seoul) or a date-time ${DATE_TIME_FORM}`,
});

/** Consent records older than this are not consent records: refused before any date arithmetic. */
const EARLIEST_CONSENT_YEAR = 1970;

export interface FieldProblem {
  field: string;
  message: string;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; problems: FieldProblem[] };

/** Checks one decision request against the policy and the clock. */
export type RequestParser = (input: unknown) => Parsed<DecisionRequest>;

const minutes = (n: number) => n * 60_000;

export function requestParser(policy: GatePolicy, now: () => Date): RequestParser {
  const channels = Object.keys(policy.channels);
  const categories = Object.keys(policy.categories);
  const { maxSkewMinutes, maxAheadMinutes } = policy.timing;
  const schema = z
    .strictObject({
      userId: id,
      channel: z.enum(channels as [string, ...string[]], {
        error: (issue) =>
          issue.input === undefined
            ? 'required'
            : `expected one of the policy's channels: ${channels.join(', ')}`,
      }),
      messageClass: z.enum(MESSAGE_CLASSES, {
        error: (issue) =>
          issue.input === undefined ? 'required' : `expected one of ${MESSAGE_CLASSES.join(', ')}`,
      }),
      category: z.enum(categories as [string, ...string[]], {
        error: (issue) =>
          issue.input === undefined
            ? 'required'
            : `expected one of the policy's categories: ${categories.join(', ')}`,
      }),
      campaignId: id.optional(),
      messageId: id,
      consent: z
        .strictObject({
          ad: z.boolean(),
          adConsentedAt: consentDate.optional(),
          // Absent: no night-time consent, the lawful default.
          nightAd: z.boolean().optional(),
        })
        .optional(),
      at: instant.optional(),
    })
    .superRefine(
      (request, context) => {
        const current = now().getTime();
        // A category goes out only as the classes the policy lists for it (both valid: checked once).
        const classes = Object.hasOwn(policy.categories, request.category)
          ? policy.categories[request.category]
          : undefined;
        if (
          classes &&
          MESSAGE_CLASSES.includes(request.messageClass) &&
          !classes.includes(request.messageClass)
        )
          context.addIssue({
            code: 'custom',
            message: `category "${request.category}" is sent as ${classes.join(' or ')} (the policy's categories)`,
            path: ['messageClass'],
          });
        // The law's consent rules are advertising's: a transactional or informational send needs none.
        if (request.messageClass === 'advertising' && request.consent === undefined)
          context.addIssue({
            code: 'custom',
            message: 'required for advertising: {ad, adConsentedAt, nightAd?}',
            path: ['consent'],
          });
        if (request.consent?.ad === true && request.consent.adConsentedAt === undefined)
          context.addIssue({
            code: 'custom',
            message: 'required when consent.ad is true (consent older than two years does not count)',
            path: ['consent', 'adConsentedAt'],
          });
        // Only well-formed dates are range-checked (a malformed one has its own problem already).
        if (instant.safeParse(request.at).success) {
          const at = new Date(request.at as string).getTime();
          const earliest = current - minutes(maxSkewMinutes);
          const latest = current + minutes(maxAheadMinutes);
          if (!(at >= earliest && at <= latest))
            context.addIssue({
              code: 'custom',
              message: `expected between ${new Date(earliest).toISOString()} and ${new Date(latest).toISOString()} (now - ${maxSkewMinutes} min to now + ${maxAheadMinutes} min); leave it out to mean now`,
              path: ['at'],
            });
        }
        const consented = request.consent?.adConsentedAt;
        if (consented !== undefined && consentDate.safeParse(consented).success) {
          if (Number(consented.slice(0, 4)) < EARLIEST_CONSENT_YEAR)
            context.addIssue({
              code: 'custom',
              message: `expected a consent date in ${EARLIEST_CONSENT_YEAR} or later`,
              path: ['consent', 'adConsentedAt'],
            });
          else if (consentInstant(consented).getTime() > current + minutes(maxSkewMinutes))
            context.addIssue({
              code: 'custom',
              message: 'is in the future: consent is recorded when it is given',
              path: ['consent', 'adConsentedAt'],
            });
        }
      },
      {
        // Checked even when other fields are bad, so one answer names every bad field.
        when: (payload) => typeof payload.value === 'object' && payload.value !== null,
      },
    );
  return (input) => {
    const parsed = schema.safeParse(nullsAsAbsent(input));
    return parsed.success
      ? { ok: true, value: parsed.data as DecisionRequest }
      : { ok: false, problems: fieldProblems(parsed.error) };
  };
}

export const userIdSchema = id;

const OPTIONAL_FIELDS = ['campaignId', 'consent', 'at'];
const OPTIONAL_CONSENT_FIELDS = ['adConsentedAt', 'nightAd'];

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function withoutNulls(record: Record<string, unknown>, fields: string[]): Record<string, unknown> {
  if (!fields.some((field) => record[field] === null)) return record;
  const copy = { ...record };
  for (const field of fields) if (copy[field] === null) delete copy[field];
  return copy;
}

/** Many JSON serializers write an absent optional field as `null`: read as left out (`at`: now). */
function nullsAsAbsent(input: unknown): unknown {
  if (!isRecord(input)) return input;
  const request = withoutNulls(input, OPTIONAL_FIELDS);
  return isRecord(request.consent)
    ? { ...request, consent: withoutNulls(request.consent, OPTIONAL_CONSENT_FIELDS) }
    : request;
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
    problems.push({ field: at.length ? at.join('.') : '(body)', message: plainMessage(issue.message) });
  }
  return problems;
}

/** zod's stock sentences in the words of the gate's own: "required", "expected one of a, b". */
function plainMessage(message: string): string {
  if (/^Invalid input: expected \w+, received undefined$/.test(message)) return 'required';
  const options = /^Invalid option: expected one of (.+)$/.exec(message);
  if (options) return `expected one of ${options[1]!.replaceAll('"', '').split('|').join(', ')}`;
  return message.replace(/^Invalid input: /, '');
}
