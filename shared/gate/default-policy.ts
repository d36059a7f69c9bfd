import { type GatePolicy, parsePolicy } from './policy.ts';

/**
 * The shipped policy for a Korean consumer app (README, "Fatigue gate"). Categories used here:
 * transactional `payment` `billing` `security` `account` `contract`; informational `community`
 * (replies on the anonymous board) `rent-refund` `notice` `content`; advertising `benefit` `event`
 * `comeback`. Low-engagement users get what they asked for and little else; advertising is at most
 * once a day for everyone, because the night rule already squeezes it into 08:00-21:00.
 */
export const DEFAULT_POLICY_INPUT = {
  tiering: { windowDays: 30, midFrom: 2, highFrom: 10, defaultTier: 'mid', newUserDays: 14 },
  transactional: { countTowardCaps: false },
  adaptive: {
    enabled: true,
    tiers: ['low'],
    idleUsesAtMost: 0,
    stepDays: 14,
    maxSteps: 2,
    capFactor: 0.5,
    gapFactor: 2,
  },
  tiers: {
    low: {
      categories: [
        'payment',
        'billing',
        'security',
        'account',
        'contract',
        'community',
        'rent-refund',
        'notice',
        'benefit',
      ],
      caps: [
        { name: 'ads-daily', scope: 'total', window: 'day', limit: 1, classes: ['advertising'] },
        { name: 'ads-weekly', scope: 'total', window: 'week', limit: 2, classes: ['advertising'] },
        { name: 'push-daily', scope: 'channel', match: 'push', window: 'day', limit: 2 },
        { name: 'category-daily', scope: 'category', window: 'day', limit: 1 },
        { name: 'all-weekly', scope: 'total', window: 'week', limit: 5 },
      ],
      minAdGapMinutes: 24 * 60,
    },
    mid: {
      categories: [
        'payment',
        'billing',
        'security',
        'account',
        'contract',
        'community',
        'rent-refund',
        'notice',
        'content',
        'benefit',
        'event',
      ],
      caps: [
        { name: 'ads-daily', scope: 'total', window: 'day', limit: 1, classes: ['advertising'] },
        { name: 'ads-weekly', scope: 'total', window: 'week', limit: 4, classes: ['advertising'] },
        { name: 'push-daily', scope: 'channel', match: 'push', window: 'day', limit: 3 },
        { name: 'category-daily', scope: 'category', window: 'day', limit: 2 },
        { name: 'all-weekly', scope: 'total', window: 'week', limit: 12 },
      ],
      minAdGapMinutes: 4 * 60,
    },
    high: {
      categories: '*',
      caps: [
        { name: 'ads-daily', scope: 'total', window: 'day', limit: 1, classes: ['advertising'] },
        { name: 'ads-weekly', scope: 'total', window: 'week', limit: 6, classes: ['advertising'] },
        { name: 'push-daily', scope: 'channel', match: 'push', window: 'day', limit: 5 },
        { name: 'category-daily', scope: 'category', window: 'day', limit: 3 },
        { name: 'all-weekly', scope: 'total', window: 'week', limit: 25 },
      ],
      minAdGapMinutes: 2 * 60,
    },
  },
};

export const DEFAULT_POLICY: GatePolicy = parsePolicy(DEFAULT_POLICY_INPUT, 'default gate policy');
