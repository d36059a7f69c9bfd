import type { Feedback } from '#shared/domain/feedback.ts';
import type { IsoDay } from '#shared/time/seoul.ts';

/** The team's verdicts on alerts: beside the findings of their day (DynamoDB; dynalite locally). */
export interface FeedbackStore {
  /** Records a verdict, replacing an earlier one on the same channel and day. */
  record(feedback: Feedback): Promise<void>;
  /** Every verdict on a day of the range. */
  verdicts(range: { from: IsoDay; to: IsoDay }): Promise<Feedback[]>;
}
