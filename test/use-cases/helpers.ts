import { afterEach, beforeEach } from 'vitest';
import { type EmbeddedDynamo, startEmbeddedDynamo } from '#shared/adapters/dynamo/embedded.ts';
import { createDynamoFindingStore } from '#shared/adapters/dynamo/finding-store.ts';
import type { Digest } from '#shared/domain/digest.ts';
import type { AlertSink } from '#shared/ports/alert-sink.ts';
import type { FindingStore } from '#shared/ports/finding-store.ts';

/** Captures every digest; `failNext` makes the next publish throw like an SNS outage. */
export function capturingSink(): AlertSink & { sent: Digest[]; failNext: boolean } {
  const sink = {
    sent: [] as Digest[],
    failNext: false,
    async publish(digest: Digest) {
      if (sink.failNext) {
        sink.failNext = false;
        throw new Error('SNS is down');
      }
      sink.sent.push(digest);
    },
  };
  return sink;
}

/** A findings store on a fresh embedded DynamoDB for every test of the file; read `.store` inside a test. */
export function freshFindingStore(): { readonly store: FindingStore } {
  let dynamo: EmbeddedDynamo | undefined;
  const holder = { store: undefined as unknown as FindingStore };
  beforeEach(async () => {
    dynamo = await startEmbeddedDynamo();
    holder.store = createDynamoFindingStore({
      documentClient: dynamo.documentClient,
      tableName: dynamo.tableNames.findings,
    });
  });
  afterEach(async () => {
    await dynamo?.close();
  });
  return holder;
}
