import { z } from 'zod';
import { parseConfig } from '#shared/config/load.ts';
import { MESSAGE_CLASSES, type MessageClass } from '#shared/domain/message-class.ts';

/**
 * The gate policy: for each engagement tier, which message categories it may receive, the caps over
 * Asia/Seoul calendar windows, and the minimum gap between two advertising sends. Validated with zod
 * at start-up through the one config loader, so a bad file is refused with the key named.
 */

export const TIERS = ['low', 'mid', 'high'] as const;
export type Tier = (typeof TIERS)[number];

/** Channel and category names: lowercase words, safe in keys and metric dimensions. */
export const NAME = /^[a-z0-9][a-z0-9_.-]{0,63}$/;
export const NAME_RULE =
  'expected a lowercase name: a letter or digit, then letters, digits, _ . or -, at most 64 characters';
const name = z.string().regex(NAME, NAME_RULE);

const capSchema = z
  .strictObject({
    /** Names the cap in answers and logs; also keys its counters, so renaming a cap starts it afresh. */
    name,
    /** `channel`: one counter per channel; `category`: per category; `total`: across channels. */
    scope: z.enum(['channel', 'category', 'total']),
    /** Restricts a channel/category cap to one value (e.g. only `push`); omitted: each value on its own. */
    match: name.optional(),
    window: z.enum(['day', 'week']),
    limit: z.number().int().min(0).max(10_000),
    /** The message classes this cap counts; transactional is never capped whatever this says. */
    classes: z
      .array(z.enum(['informational', 'advertising']))
      .min(1)
      .default(['informational', 'advertising']),
  })
  .refine((cap) => cap.scope !== 'total' || cap.match === undefined, {
    message: 'a total cap matches every channel: remove "match"',
    path: ['match'],
  });
export type Cap = z.output<typeof capSchema>;

const tierPolicySchema = z.strictObject({
  /** Categories this tier may receive (`"*"`: all). Transactional messages pass regardless. */
  categories: z.union([z.literal('*'), z.array(name).min(1)]),
  caps: z.array(capSchema).max(20),
  /** Minimum minutes between two advertising sends to one user; 0 turns the gap off. */
  minAdGapMinutes: z
    .number()
    .int()
    .min(0)
    .max(7 * 24 * 60),
});
export type TierPolicy = z.output<typeof tierPolicySchema>;

/** What each channel type may carry. Alimtalk is information-only by KakaoTalk's terms. */
const channelSchema = z.strictObject({
  carries: z.array(z.enum(MESSAGE_CLASSES)).min(1),
});
export type ChannelRules = z.output<typeof channelSchema>;

/** The channel types a default policy knows: Kakao's two, app push, SMS/LMS/MMS and e-mail. */
export const DEFAULT_CHANNELS: Record<string, ChannelRules> = {
  alimtalk: { carries: ['transactional', 'informational'] },
  friendtalk: { carries: ['transactional', 'informational', 'advertising'] },
  push: { carries: ['transactional', 'informational', 'advertising'] },
  sms: { carries: ['transactional', 'informational', 'advertising'] },
  lms: { carries: ['transactional', 'informational', 'advertising'] },
  mms: { carries: ['transactional', 'informational', 'advertising'] },
  email: { carries: ['transactional', 'informational', 'advertising'] },
};

/**
 * The shipped categories and the classes each is sent as: essentials may be transactional or
 * informational, the rest only what they are.
 */
export const DEFAULT_CATEGORIES: Record<string, MessageClass[]> = {
  payment: ['transactional', 'informational'],
  billing: ['transactional', 'informational'],
  security: ['transactional', 'informational'],
  account: ['transactional', 'informational'],
  contract: ['transactional', 'informational'],
  community: ['informational'],
  'rent-refund': ['informational'],
  notice: ['informational'],
  content: ['informational'],
  benefit: ['advertising'],
  event: ['advertising'],
  comeback: ['advertising'],
};

export const policySchema = z
  .strictObject({
    /**
     * How far a request's planned send time `at` may sit from now: a little behind (clocks and queues
     * lag), at most `maxAheadMinutes` ahead. Outside that, the request is refused naming `at`.
     */
    timing: z
      .strictObject({
        maxSkewMinutes: z.number().int().min(0).max(60).default(5),
        maxAheadMinutes: z
          .number()
          .int()
          .min(0)
          .max(7 * 24 * 60)
          .default(24 * 60),
      })
      .prefault({}),
    /** The closed set of channel types a request may name, and the message classes each may carry. */
    channels: z
      .record(name, channelSchema)
      .default(DEFAULT_CHANNELS)
      .refine((channels) => Object.keys(channels).length > 0, { message: 'list at least one channel' })
      .refine((channels) => !channels.alimtalk?.carries.includes('advertising'), {
        message: 'alimtalk may not carry advertising (KakaoTalk terms; use friendtalk)',
        path: ['alimtalk', 'carries'],
      }),
    /**
     * The closed set of message categories a request may name, and the classes each may be sent as. A
     * category under another class, or one not listed, is refused: an ad labelled transactional, under
     * any name, would skip consent, the night rule and every cap.
     */
    categories: z
      .record(name, z.array(z.enum(MESSAGE_CLASSES)).min(1))
      .default(DEFAULT_CATEGORIES)
      .refine((categories) => Object.keys(categories).length > 0, { message: 'list at least one category' }),
    tiering: z.strictObject({
      /** Trailing window of engagement, in days, ending the day before the refresh. */
      windowDays: z.number().int().min(1).max(365).default(30),
      /** Feature uses in the window from which a user is `mid` / `high`. */
      midFrom: z.number().min(0),
      highFrom: z.number().min(0),
      /** Tier of a user with no tier record. */
      defaultTier: z.enum(TIERS),
      /** A user first seen at most this many days ago is judged on their pace, never below the default. */
      newUserDays: z.number().int().min(0).max(365).default(14),
      /**
       * Days before the window the refresh also reads: a user whose last use fell there has left the
       * window and moves to the tier of zero uses (a refresh missed for up to this many days still
       * catches them).
       */
      catchUpDays: z.number().int().min(1).max(60).default(7),
    }),
    transactional: z
      .strictObject({
        /** Whether transactional sends add to the counters (they are never held back either way). */
        countTowardCaps: z.boolean().default(false),
      })
      .prefault({}),
    adaptive: z
      .strictObject({
        enabled: z.boolean(),
        /** Tiers that back off when idle. */
        tiers: z.array(z.enum(TIERS)).min(1).default(['low']),
        /** A user with at most this many feature uses in the window counts as ignoring what we send. */
        idleUsesAtMost: z.number().min(0).default(0),
        /** Every `stepDays` of idleness multiplies caps by `capFactor` and the ad gap by `gapFactor`. */
        stepDays: z.number().int().min(1).max(365).default(14),
        maxSteps: z.number().int().min(1).max(10).default(2),
        capFactor: z.number().gt(0).max(1).default(0.5),
        gapFactor: z.number().min(1).max(100).default(2),
      })
      // Absent: off, with the fields' own defaults.
      .prefault({ enabled: false }),
    tiers: z.strictObject({ low: tierPolicySchema, mid: tierPolicySchema, high: tierPolicySchema }),
  })
  .refine((policy) => policy.tiering.highFrom >= policy.tiering.midFrom, {
    message: 'highFrom must be at least midFrom',
    path: ['tiering', 'highFrom'],
  })
  .superRefine((policy, context) => {
    const categories = Object.keys(policy.categories);
    const unknownCategory = (category: string) =>
      `no category "${category}" in categories (${categories.join(', ')})`;
    for (const tier of TIERS) {
      const allowed = policy.tiers[tier].categories;
      if (allowed !== '*')
        allowed.forEach((category, index) => {
          if (!Object.hasOwn(policy.categories, category))
            context.addIssue({
              code: 'custom',
              message: unknownCategory(category),
              path: ['tiers', tier, 'categories', index],
            });
        });
      const seen = new Set<string>();
      policy.tiers[tier].caps.forEach((cap, index) => {
        if (
          cap.scope === 'category' &&
          cap.match !== undefined &&
          !Object.hasOwn(policy.categories, cap.match)
        )
          context.addIssue({
            code: 'custom',
            message: unknownCategory(cap.match),
            path: ['tiers', tier, 'caps', index, 'match'],
          });
        if (cap.scope === 'channel' && cap.match !== undefined && !(cap.match in policy.channels))
          context.addIssue({
            code: 'custom',
            message: `no channel "${cap.match}" in channels (${Object.keys(policy.channels).join(', ')})`,
            path: ['tiers', tier, 'caps', index, 'match'],
          });
        if (seen.has(cap.name))
          context.addIssue({
            code: 'custom',
            message: `duplicate cap name "${cap.name}"`,
            path: ['tiers', tier, 'caps', index, 'name'],
          });
        seen.add(cap.name);
      });
    }
  });

export type GatePolicy = z.output<typeof policySchema>;

/** Validates a policy (parsed JSON); a bad one throws `ConfigError` naming the key. */
export function parsePolicy(input: unknown, source = 'gate policy'): GatePolicy {
  return parseConfig(policySchema, input, source);
}
