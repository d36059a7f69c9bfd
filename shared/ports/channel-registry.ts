import type { ReviewInput } from '#shared/config/registry-input.ts';
import type {
  ChannelEntry,
  ChannelInput,
  ChannelMute,
  RegistrySnapshot,
  ReviewDecision,
} from '#shared/domain/registry.ts';

/** The registry port: the `channels` DynamoDB table in AWS and, on one machine, the same table in dynalite. */
export interface ChannelRegistry {
  /** Registry, every review and every change, in one read (a few hundred channels). */
  snapshot(): Promise<RegistrySnapshot>;
  get(channelId: string): Promise<ChannelEntry | undefined>;
  /** Creates or replaces channel entries, stamped with who and when. */
  upsert(entries: ChannelInput[], by: string, at: Date): Promise<void>;
  /** Records a decision; a retire also retires the channel, a redesign with a day records the change. */
  recordReview(review: ReviewInput, at: Date): Promise<ReviewDecision>;
  /** A channel's decisions, oldest first. */
  history(channelId: string): Promise<ReviewDecision[]>;
  /** Mutes a channel (replacing any mute it had). */
  mute(mute: ChannelMute): Promise<void>;
  /** Lifts a channel's mute; false when it had none. */
  unmute(channelId: string): Promise<boolean>;
}
