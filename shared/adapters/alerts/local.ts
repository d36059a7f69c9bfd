import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Digest } from '#shared/domain/digest.ts';
import type { AlertSink } from '#shared/ports/alert-sink.ts';
import { seoulIsoTimestamp } from '#shared/time/seoul.ts';
import { AlertDeliveryError } from './delivery.ts';

/** Prints each digest (subject, blank line, text) for the person at the terminal. */
export function createConsoleAlertSink(options: { write?: (text: string) => void } = {}): AlertSink {
  const write = options.write ?? ((text: string) => void process.stdout.write(text));
  return {
    async publish(digest: Digest): Promise<void> {
      const text = digest.text.endsWith('\n') ? digest.text : `${digest.text}\n`;
      write(`${digest.subject}\n\n${text}`);
    },
  };
}

/**
 * Appends one JSON line per digest ({at, subject, severity, text, body}) to `path`, creating its
 * folder: the local stand-in for SNS that scripts and chat integrations can tail.
 */
export function createJsonlAlertSink(path: string, options: { now?: () => Date } = {}): AlertSink {
  const now = options.now ?? (() => new Date());
  return {
    async publish(digest: Digest): Promise<void> {
      const line = JSON.stringify({
        // Seoul's offset, as every timestamp the tool prints or writes for people.
        at: seoulIsoTimestamp(now()),
        subject: digest.subject,
        severity: digest.severity,
        text: digest.text,
        body: digest.body,
      });
      try {
        await mkdir(dirname(path), { recursive: true });
        await appendFile(path, `${line}\n`, 'utf8');
      } catch (error) {
        throw new AlertDeliveryError(`cannot append the digest to ${path}: ${(error as Error).message}`, {
          cause: error,
        });
      }
    },
  };
}

/** Publishes to every sink; one sink failing does not keep the digest from the others. */
export function combineSinks(...sinks: AlertSink[]): AlertSink {
  return {
    async publish(digest: Digest): Promise<void> {
      const results = await Promise.allSettled(sinks.map((sink) => sink.publish(digest)));
      const failures = results.flatMap((result) =>
        result.status === 'rejected' ? [result.reason as unknown] : [],
      );
      if (failures.length === 1) throw failures[0];
      if (failures.length > 1) {
        const reasons = failures.map((failure) =>
          failure instanceof Error ? failure.message : String(failure),
        );
        throw new AlertDeliveryError(`${failures.length} alert sinks failed: ${reasons.join('; ')}`, {
          cause: new AggregateError(failures),
        });
      }
    },
  };
}
