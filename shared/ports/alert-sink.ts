import type { Severity } from '#shared/domain/finding.ts';

/** One digest per run: a plain-text message a person reads at 09:05, and its worst severity. */
export interface Digest {
  subject: string;
  text: string;
  severity: Severity;
  /** The same content as data, for the JSONL sink and chat integrations. */
  body: unknown;
}

/** Alerts: SNS in AWS, the console and a JSONL file on one machine. */
export interface AlertSink {
  publish(digest: Digest): Promise<void>;
}
