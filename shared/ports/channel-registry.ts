import type { ReviewInput } from '#shared/config/registry-input.ts';
import type {
  ChannelChange,
  ChannelEntry,
  ChannelInput,
  ChannelMute,
  HistoryEntry,
  RegistrySnapshot,
  ReviewDecision,
} from '#shared/domain/registry.ts';
import type { IsoDay } from '#shared/time/seoul.ts';

/** A review as recorded; a retire also says since when the channel is retired, and whether it was before. */
export type RecordedReview = ReviewDecision & { retiredSince?: IsoDay; alreadyRetired?: boolean };

/** The registry port: the `channels` DynamoDB table in AWS and, on one machine, the same table in dynalite. */
export interface ChannelRegistry {
  /** Registry, every review and every change, in one read (a few hundred channels). */
  snapshot(): Promise<RegistrySnapshot>;
  get(channelId: string): Promise<ChannelEntry | undefined>;
  /**
   * Creates or replaces channel entries, stamped with who and when; each entry that changed is logged
   * as an edit (field by field, from what to what), `via` naming the command when given.
   */
  upsert(entries: ChannelInput[], by: string, at: Date, via?: string): Promise<void>;
  /**
   * Records a decision; a retire also retires the channel (one retired already keeps its day), a
   * redesign with a day records the change. Answers the decision and, for a retire, the retirement's day.
   */
  recordReview(review: ReviewInput, at: Date): Promise<RecordedReview>;
  /**
   * Records a change the owners made, live from its day (the baseline restarts there), without a
   * review decision; logged as an edit, `via` naming the command.
   */
  recordChange(change: ChannelChange, via?: string): Promise<void>;
  /** A channel's reviews and registry edits, oldest first. */
  history(channelId: string): Promise<HistoryEntry[]>;
  /** Mutes a channel (replacing any mute it had), logged as an edit by the mute's `by` at its `at`. */
  mute(mute: ChannelMute, via?: string): Promise<void>;
  /** Lifts a channel's mute, logged as an edit by `by` at `at`; false when it had none (nothing logged). */
  unmute(channelId: string, by: string, at: Date, via?: string): Promise<boolean>;
}
