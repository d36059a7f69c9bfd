import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AlertDeliveryError } from '#shared/adapters/alerts/delivery.ts';
import { combineSinks, createConsoleAlertSink, createJsonlAlertSink } from '#shared/adapters/alerts/local.ts';
import type { Digest } from '#shared/domain/digest.ts';
import type { AlertSink } from '#shared/ports/alert-sink.ts';
import { tempDir } from '../../temp-dir.ts';

const digest: Digest = {
  subject: 'crm-guard 2026-11-21: 1 channel alert (1 high)',
  text: 'HIGH (1)\n- 알림톡-주문확인 [alimtalk] DOWN: sends 0 vs expected 12,400 (-100%)\n',
  severity: 'high',
  body: { day: '2026-11-21', alerts: [{ channelId: '알림톡-주문확인' }] },
};

describe('console alert sink', () => {
  it('prints the subject, a blank line and the text', async () => {
    // Prepare
    const printed: string[] = [];
    const sink = createConsoleAlertSink({ write: (text) => printed.push(text) });

    // Act
    await sink.publish(digest);

    // Assess
    expect(printed).toEqual([`${digest.subject}\n\n${digest.text}`]);
  });
});

describe('JSONL alert sink', () => {
  it('appends one JSON line per digest, creating the folder', async () => {
    // Prepare
    const path = join(tempDir('crm-guard-alerts-'), 'nested', 'alerts.jsonl');
    const sink = createJsonlAlertSink(path, { now: () => new Date('2026-11-22T00:05:00.000Z') });

    // Act
    await sink.publish(digest);
    await sink.publish({ ...digest, severity: 'low' });

    // Assess
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[0]!)).toEqual({
      at: '2026-11-22T09:05:00.000+09:00',
      subject: digest.subject,
      severity: 'high',
      text: digest.text,
      body: digest.body,
    });
    expect(JSON.parse(lines[1]!).severity).toBe('low');
  });

  it('names the file it could not write', async () => {
    // Prepare: a file where the folder should be.
    const blocker = join(tempDir('crm-guard-alerts-'), 'not-a-folder');
    writeFileSync(blocker, '');
    const sink = createJsonlAlertSink(join(blocker, 'alerts.jsonl'));

    // Act
    const publish = sink.publish(digest);

    // Assess
    await expect(publish).rejects.toThrow(AlertDeliveryError);
    await expect(publish).rejects.toThrow(`cannot append the digest to ${join(blocker, 'alerts.jsonl')}`);
  });
});

describe('combined sinks', () => {
  it('delivers to every sink even when one fails, then reports the failure', async () => {
    // Prepare
    const received: string[] = [];
    const recording = (name: string): AlertSink => ({
      publish: async (d) => {
        received.push(`${name}:${d.severity}`);
      },
    });
    const failing: AlertSink = {
      publish: async () => {
        throw new AlertDeliveryError('SNS publish to topic failed: boom');
      },
    };
    const sink = combineSinks(recording('console'), failing, recording('jsonl'));

    // Act
    const publish = sink.publish(digest);

    // Assess
    await expect(publish).rejects.toThrow('SNS publish to topic failed: boom');
    expect(received).toEqual(['console:high', 'jsonl:high']);
  });

  it('names every failure when several sinks fail', async () => {
    // Prepare
    const failing = (reason: string): AlertSink => ({
      publish: async () => {
        throw new Error(reason);
      },
    });
    const sink = combineSinks(failing('disk full'), failing('topic gone'));

    // Act
    const publish = sink.publish(digest);

    // Assess
    await expect(publish).rejects.toThrow('2 alert sinks failed: disk full; topic gone');
  });
});
