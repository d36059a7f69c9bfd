import type { IsoDay } from '#shared/time/seoul.ts';

/** A user's engagement summed over a window: uses of the tiering feature, and the first day seen. */
export interface UserEngagement {
  userId: string;
  featureUses: number;
  /** First day with a row in the range read (the refresh keeps the earliest across runs). */
  firstSeen: IsoDay;
  activeDays: number;
}
