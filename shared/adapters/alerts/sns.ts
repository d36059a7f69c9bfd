import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Digest } from '#shared/domain/digest.ts';
import type { AlertSink } from '#shared/ports/alert-sink.ts';
import { AlertDeliveryError, fitMessage, snsSubject } from './delivery.ts';

export interface SnsAlertSinkOptions {
  client: SNSClient;
  /** The alerts topic (ALERTS_TOPIC_ARN); e-mail and chat subscribers hang off it. */
  topicArn: string;
}

/** Each of the two renderings gets half of SNS's 256 KB. */
const HALF_MESSAGE = 120 * 1024;
/** AWS Chatbot shows a custom notification's description up to about 8,000 characters. */
const CHAT_DESCRIPTION_MAX = 7_500;

/**
 * The digest as an AWS Chatbot custom notification (Slack, Teams, Chime): its subject as the title,
 * its text as the description, cut at a line with a note when too long for chat.
 */
export function chatNotification(digest: Digest) {
  let description = digest.text;
  if (description.length > CHAT_DESCRIPTION_MAX) {
    const cut = description.lastIndexOf('\n', CHAT_DESCRIPTION_MAX);
    description = `${description.slice(0, cut > 0 ? cut : CHAT_DESCRIPTION_MAX)}\n… the rest is in the e-mail.`;
  }
  return {
    version: '1.0',
    source: 'custom',
    content: { textType: 'client-markdown', title: digest.subject, description },
    metadata: { additionalContext: { severity: digest.severity } },
  };
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
            // One message per protocol: e-mail gets the text; chat (AWS Chatbot, an HTTPS subscriber)
            // gets a custom notification holding the same lines, worst first.
            MessageStructure: 'json',
            Message: JSON.stringify({
              default: fitMessage(digest.text, HALF_MESSAGE),
              https: JSON.stringify(chatNotification(digest)),
            }),
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
