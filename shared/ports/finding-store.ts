import type { JudgedFinding } from '#shared/domain/finding.ts';
import type { DigestKind, RunRecord } from '#shared/domain/run-record.ts';
import type { IsoDay } from '#shared/time/seoul.ts';

/** Findings and run records: DynamoDB in AWS, the same adapter against embedded dynalite locally. */
export interface FindingStore {
  /** Replaces everything stored for `run.day` with these findings and this run record. */
  replaceDay(run: RunRecord, findings: JudgedFinding[]): Promise<void>;
  findings(range: { from: IsoDay; to: IsoDay }): Promise<JudgedFinding[]>;
  run(day: IsoDay): Promise<RunRecord | undefined>;
  /** Marks the day's digest of that kind as sent; false when it already was (at most one of each a day). */
  claimDigest(day: IsoDay, sentAt: string, kind?: DigestKind): Promise<boolean>;
  /** Undoes this claim (only if it is still `sentAt`) when publishing failed, so a retry can send. */
  releaseDigest(day: IsoDay, sentAt: string, kind?: DigestKind): Promise<void>;
}
