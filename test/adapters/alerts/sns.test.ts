import { AuthorizationErrorException, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  AlertDeliveryError,
  fitMessage,
  SNS_MAX_PAYLOAD_BYTES,
  snsSubject,
} from '#shared/adapters/alerts/delivery.ts';
import { createSnsAlertSink } from '#shared/adapters/alerts/sns.ts';
import type { Digest } from '#shared/domain/digest.ts';

const sns = mockClient(SNSClient);
const TOPIC = 'arn:aws:sns:ap-northeast-2:123456789012:crm-guard-alerts';

function digest(extra: Partial<Digest> = {}): Digest {
  return {
    subject: 'crm-guard 2026-11-21: 2 channel alerts (1 critical, 1 high)',
    text: 'crm-guard daily check for 2026-11-21\n\n- 알림톡 주문확인 DOWN: sends 0 vs expected 12,400\n',
    severity: 'critical',
    body: { day: '2026-11-21' },
    ...extra,
  };
}

/** A digest with `alerts` alert lines, Korean in each, as the daily run writes them. */
function bigDigest(alerts: number): Digest {
  const lines = [
    'crm-guard daily check for 2026-11-21 (Asia/Seoul), profile default',
    '',
    `${alerts} channel alerts`,
    '',
  ];
  for (let i = 0; i < alerts; i++) {
    lines.push(
      `- channel-${i} [alimtalk] DOWN: sends 0 vs expected 12,400 (-100%) (이동평균 비율; 주문 확인 알림톡 발송 급감 ${i})`,
    );
  }
  return digest({ text: `${lines.join('\n')}\n` });
}

beforeEach(() => {
  sns.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
});

describe('SNS alert sink', () => {
  it('publishes the text to e-mail and the same lines as a chat notification, with the severity attribute', async () => {
    // Prepare
    const sink = createSnsAlertSink({ client: new SNSClient({ region: 'ap-northeast-2' }), topicArn: TOPIC });

    // Act
    await sink.publish(digest());

    // Assess
    expect(sns).toHaveReceivedCommandExactlyOnceWith(PublishCommand, {
      TopicArn: TOPIC,
      Subject: 'crm-guard 2026-11-21: 2 channel alerts (1 critical, 1 high)',
      MessageStructure: 'json',
      MessageAttributes: { severity: { DataType: 'String', StringValue: 'critical' } },
    });
    const byProtocol = JSON.parse(sns.commandCalls(PublishCommand)[0]!.args[0].input.Message!);
    expect(byProtocol.default).toBe(digest().text);
    // AWS Chatbot (Slack, Teams, Chime) subscribes over HTTPS and reads a custom notification.
    expect(JSON.parse(byProtocol.https)).toEqual({
      version: '1.0',
      source: 'custom',
      content: {
        textType: 'client-markdown',
        title: 'crm-guard 2026-11-21: 2 channel alerts (1 critical, 1 high)',
        description: digest().text,
      },
      metadata: { additionalContext: { severity: 'critical' } },
    });
  });

  it('sends a subject SNS accepts: one ASCII line under 100 characters', async () => {
    // Prepare
    const sink = createSnsAlertSink({ client: new SNSClient({ region: 'ap-northeast-2' }), topicArn: TOPIC });
    const subject = `crm-guard\n2026-11-21:\t알림톡 ${'x'.repeat(150)}\u0007`;

    // Act
    await sink.publish(digest({ subject }));

    // Assess
    const sent = sns.commandCalls(PublishCommand)[0]!.args[0].input.Subject ?? '';
    expect(sent.length).toBeLessThan(100);
    expect(sent).toMatch(/^[\x20-\x7e]+$/);
    expect(sent.startsWith('crm-guard 2026-11-21: xxx')).toBe(true);
    expect(sent.endsWith('...')).toBe(true);
  });

  it('keeps a 5,000-alert digest under 256 KB of UTF-8, cut at a line, with the truncation note', async () => {
    // Prepare
    const sink = createSnsAlertSink({ client: new SNSClient({ region: 'ap-northeast-2' }), topicArn: TOPIC });
    const big = bigDigest(5_000);

    // Act
    await sink.publish(big);

    // Assess
    const input = sns.commandCalls(PublishCommand)[0]!.args[0].input;
    const message = JSON.parse(input.Message ?? '{}').default as string;
    const chat = JSON.parse(JSON.parse(input.Message ?? '{}').https as string);
    expect(chat.content.description.length).toBeLessThanOrEqual(7_600);
    expect(chat.content.description).toMatch(/… the rest is in the e-mail\.$/);
    const payload =
      Buffer.byteLength(input.Message ?? '', 'utf8') +
      Buffer.byteLength(input.Subject ?? '', 'utf8') +
      'severity'.length +
      'String'.length +
      'critical'.length;
    expect(Buffer.byteLength(big.text, 'utf8')).toBeGreaterThan(SNS_MAX_PAYLOAD_BYTES);
    expect(payload).toBeLessThanOrEqual(SNS_MAX_PAYLOAD_BYTES);
    const lines = message.trimEnd().split('\n');
    const note = lines.pop() ?? '';
    const more = Number(/^\.\.\. and (\d+) more; see the stored findings$/.exec(note)?.[1]);
    const keptAlerts = lines.filter((line) => line.startsWith('- channel-'));
    expect(keptAlerts.length + more).toBe(5_000);
    expect(big.text.startsWith(`${lines.join('\n')}\n`)).toBe(true);
  });

  it('turns a refused publish into an AlertDeliveryError naming the topic and the reason', async () => {
    // Prepare
    sns
      .on(PublishCommand)
      .rejects(new AuthorizationErrorException({ message: 'not authorized to publish', $metadata: {} }));
    const sink = createSnsAlertSink({ client: new SNSClient({ region: 'ap-northeast-2' }), topicArn: TOPIC });

    // Act
    const publish = sink.publish(digest());

    // Assess
    await expect(publish).rejects.toThrow(AlertDeliveryError);
    await expect(publish).rejects.toThrow(
      `SNS publish to ${TOPIC} failed: AuthorizationErrorException: not authorized to publish`,
    );
  });
});

describe('message limits', () => {
  it('leaves a message that fits untouched', () => {
    // Act + Assess
    expect(fitMessage('a\nb\n', 100)).toBe('a\nb\n');
  });

  it('counts bytes, not characters, and counts only the non-empty lines left out', () => {
    // Prepare: each Korean line is 9 bytes for 3 characters.
    const text = '가나다\n라마바\n\n사아자\n차카타\n파하가\n';

    // Act
    const fitted = fitMessage(text, 50);

    // Assess
    expect(text.length).toBeLessThan(50);
    expect(fitted).toBe('가나다\n... and 4 more; see the stored findings\n');
    expect(Buffer.byteLength(fitted, 'utf8')).toBeLessThanOrEqual(50);
  });

  it('falls back to a fixed subject when nothing printable is left', () => {
    // Act + Assess
    expect(snsSubject('알림 \n')).toBe('crm-guard alert');
  });
});
