import type { IsoDay } from '#shared/time/seoul.ts';

export type ProfileName = 'default' | 'seed';

/** What one daily run did: stored beside its findings so a re-run and the report can read it back. */
export interface RunRecord {
  day: IsoDay;
  profile: ProfileName;
  startedAt: string;
  finishedAt: string;
  channelsJudged: number;
  findings: number;
  alerts: number;
  /** Channels skipped by rules 1-4 for insufficient history. */
  insufficientHistory: string[];
  /** Days the run needed whose data had not arrived (late data). */
  missingDays: IsoDay[];
  /**
   * The day has rows, but far fewer channels sent than on the same weekday before (`default` profile):
   * the data is still landing, or sends stopped across the fleet. Drops are held either way.
   */
  partialData: boolean;
  /** Set once the digest for this day went out; a re-run never sends a second one. */
  digestSentAt?: string;
  /** Set once a provisional digest (data missing or partial) went out: re-runs send no second one. */
  provisionalSentAt?: string;
}

/** The day's full digest, or the provisional one sent while its data is missing or partial. */
export type DigestKind = 'full' | 'provisional';
