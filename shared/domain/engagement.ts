import type { IsoDay } from '#shared/time/seoul.ts';

/** A user id as the gate takes it (and the tier refresh reads it): printable ASCII, no spaces. */
export const USER_ID_PATTERN = /^[\x21-\x7e]{1,128}$/;
export const USER_ID_RULE = 'expected 1 to 128 printable ASCII characters without spaces';

/** A user's engagement summed over a window: uses of the tiering feature, and the first day seen. */
export interface UserEngagement {
  userId: string;
  featureUses: number;
  /** First day with a row in the range read (the refresh keeps the earliest across runs). */
  firstSeen: IsoDay;
  activeDays: number;
}
