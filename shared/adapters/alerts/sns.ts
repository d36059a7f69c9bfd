import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Digest } from '#shared/domain/digest.ts';
import type { AlertSink } from '#shared/ports/alert-sink.ts';
import { AlertDeliveryError, fitMessage, snsSubject } from './delivery.ts';

export interface SnsAlertSinkOptions {
  client: SNSClient;
  /** The alerts topic (ALERTS_TOPIC_ARN); e-mail and chat subscribers hang off it. */
  topicArn: string;
}

/**
 * One Publish per digest: an ASCII subject under 100 characters, the digest text as a plain-text
 * message kept under SNS's 256 KB, and the severity as a message attribute so subscribers can filter.
 */
export function createSnsAlertSink(options: SnsAlertSinkOptions): AlertSink {
  const { client, topicArn } = options;
  return {
    async publish(digest: Digest): Promise<void> {
      try {
        await client.send(
          new PublishCommand({
            TopicArn: topicArn,
            Subject: snsSubject(digest.subject),
            Message: fitMessage(digest.text),
            MessageAttributes: { severity: { DataType: 'String', StringValue: digest.severity } },
          }),
        );
      } catch (error) {
        const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        throw new AlertDeliveryError(`SNS publish to ${topicArn} failed: ${reason}`, { cause: error });
      }
    },
  };
}
