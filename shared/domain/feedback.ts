import type { IsoDay } from '#shared/time/seoul.ts';

/**
 * The team's word on an alert: it was a real incident (`confirmed`), nothing was wrong
 * (`false-alarm`), or it was known and meant (`expected`). Stored with who and when.
 */
export const VERDICTS = ['confirmed', 'false-alarm', 'expected'] as const;
export type VerdictName = (typeof VERDICTS)[number];

export interface Feedback {
  channelId: string;
  /** The day of the alert it judges. */
  day: IsoDay;
  verdict: VerdictName;
  note?: string;
  by: string;
  /** ISO timestamp it was given. */
  at: string;
}

/** A false alarm or an expected change closes its incident: it is not paged again while it lasts. */
export const closesIncident = (verdict: VerdictName): boolean => verdict !== 'confirmed';
