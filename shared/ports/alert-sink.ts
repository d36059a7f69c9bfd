import type { Digest } from '#shared/domain/digest.ts';

/** Alerts: SNS in AWS, the console and a JSONL file on one machine. */
export interface AlertSink {
  publish(digest: Digest): Promise<void>;
}
