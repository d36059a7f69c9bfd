import { randomUUID } from 'node:crypto';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import {
  type ChannelChange,
  type ChannelEntry,
  type ChannelMute,
  describeMute,
  entryChanges,
  type FieldChange,
  type HistoryEntry,
  type RegistryEdit,
  type RegistrySnapshot,
  type ReviewDecision,
} from '#shared/domain/registry.ts';
import { InputError, StoreUnavailableError } from '#shared/errors.ts';
import type { ChannelRegistry } from '#shared/ports/channel-registry.ts';
import { seoulDay } from '#shared/time/seoul.ts';

/**
 * The channel registry in the `channels` table: pk `CHANNEL#<id>`; sk `META` (name, category, owner,
 * status), `REVIEW#<iso timestamp>` (one decision, never overwritten: the history) and
 * `CHANGE#<day>` (a redesign's go-live day, for the report's change impact), `MUTE` (the owners'
 * mute or snooze, while it lasts) and `EDIT#<iso timestamp>#<nonce>` (one edit of the registry: set,
 * import, mute, unmute, a status change; never overwritten). A channel's history, its reviews and
 * edits, is one Query on its pk.
 */
const pkOf = (channelId: string) => `CHANNEL#${channelId}`;

type Item = Record<string, unknown>;

async function guarded<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw new StoreUnavailableError(`channel registry: ${what} failed: ${(error as Error).message}`);
  }
}

function toEntry(item: Item): ChannelEntry {
  return {
    channelId: String(item.channelId),
    name: String(item.name),
    category: item.category as ChannelEntry['category'],
    owner: String(item.owner),
    status: item.status as ChannelEntry['status'],
    ...(typeof item.statusSince === 'string' ? { statusSince: item.statusSince } : {}),
    ...(typeof item.schedule === 'string' ? { schedule: item.schedule } : {}),
    updatedAt: String(item.updatedAt),
    updatedBy: String(item.updatedBy),
  };
}

const MUTE_SK = 'MUTE';
const EDIT_PREFIX = 'EDIT#';
const REVIEW_PREFIX = 'REVIEW#';

function toEdit(item: Item): RegistryEdit {
  return {
    channelId: String(item.channelId),
    at: String(item.at),
    by: String(item.by),
    action: item.action as RegistryEdit['action'],
    changes: ((item.changes as FieldChange[] | undefined) ?? []).map((change) => ({
      field: String(change.field),
      ...(typeof change.from === 'string' ? { from: change.from } : {}),
      ...(typeof change.to === 'string' ? { to: change.to } : {}),
    })),
    ...(typeof item.via === 'string' ? { via: item.via } : {}),
  };
}

function toMute(item: Item): ChannelMute {
  return {
    channelId: String(item.channelId),
    from: String(item.from),
    ...(typeof item.until === 'string' ? { until: item.until } : {}),
    reason: String(item.reason),
    by: String(item.by),
    at: String(item.at),
  };
}

function toReview(item: Item): ReviewDecision {
  return {
    channelId: String(item.channelId),
    at: String(item.at),
    decision: item.decision as ReviewDecision['decision'],
    note: String(item.note),
    by: String(item.by),
    ...(item.changeDay ? { changeDay: String(item.changeDay) } : {}),
  };
}

function toChange(item: Item): ChannelChange {
  return {
    channelId: String(item.channelId),
    day: String(item.day),
    what: String(item.what),
    at: String(item.at),
    by: String(item.by),
  };
}

/** A decision or change for a channel the registry does not hold: what to run first. */
function notRegistered(what: string, channelId: string): InputError {
  return new InputError(
    what,
    `no channel ${channelId} in the registry: add it first with crm-guard channels set ${channelId} --name ... --category ... --owner ...`,
  );
}

export function createDynamoChannelRegistry(options: {
  documentClient: DynamoDBDocumentClient;
  tableName: string;
}): ChannelRegistry {
  const { documentClient, tableName: TableName } = options;

  async function get(channelId: string): Promise<ChannelEntry | undefined> {
    const { Item } = await guarded('get', () =>
      documentClient.send(new GetCommand({ TableName, Key: { pk: pkOf(channelId), sk: 'META' } })),
    );
    return Item ? toEntry(Item) : undefined;
  }

  /** Logs one edit after its effect (as a review after its own): a nonce keeps two in a millisecond apart. */
  /** One change a day a channel: a second on the same day replaces the first. */
  async function putChange(change: ChannelChange): Promise<void> {
    await guarded(`change ${change.channelId}`, () =>
      documentClient.send(
        new PutCommand({
          TableName,
          Item: { pk: pkOf(change.channelId), sk: `CHANGE#${change.day}`, ...change },
        }),
      ),
    );
  }

  async function logEdit(edit: RegistryEdit): Promise<void> {
    if (edit.changes.length === 0) return;
    await guarded(`log the edit of ${edit.channelId}`, () =>
      documentClient.send(
        new PutCommand({
          TableName,
          Item: {
            pk: pkOf(edit.channelId),
            sk: `${EDIT_PREFIX}${edit.at}#${randomUUID().slice(0, 8)}`,
            ...edit,
          },
        }),
      ),
    );
  }

  return {
    async snapshot() {
      const snapshot: RegistrySnapshot = { channels: [], reviews: [], changes: [], mutes: [] };
      let ExclusiveStartKey: Item | undefined;
      do {
        // The edit log is history, read by `history` one channel at a time: the snapshot leaves it.
        const page = await guarded('scan', () =>
          documentClient.send(
            new ScanCommand({
              TableName,
              FilterExpression: 'NOT begins_with(sk, :edit)',
              ExpressionAttributeValues: { ':edit': EDIT_PREFIX },
              ExclusiveStartKey,
            }),
          ),
        );
        for (const item of page.Items ?? []) {
          const sk = String(item.sk);
          if (sk === 'META') snapshot.channels.push(toEntry(item));
          else if (sk.startsWith(REVIEW_PREFIX)) snapshot.reviews.push(toReview(item));
          else if (sk.startsWith('CHANGE#')) snapshot.changes.push(toChange(item));
          else if (sk === MUTE_SK) snapshot.mutes.push(toMute(item));
        }
        ExclusiveStartKey = page.LastEvaluatedKey;
      } while (ExclusiveStartKey);
      snapshot.channels.sort((a, b) => a.channelId.localeCompare(b.channelId));
      snapshot.reviews.sort((a, b) => a.at.localeCompare(b.at));
      snapshot.changes.sort((a, b) => a.day.localeCompare(b.day));
      return snapshot;
    },

    get,

    async upsert(entries, by, at, via) {
      const updatedAt = at.toISOString();
      // Sequential puts: an import is a few hundred rows, and a failure names the row it stopped at.
      // Each put returns the entry it replaced: what changed is logged without a read first.
      for (const entry of entries) {
        const { Attributes } = await guarded(`put ${entry.channelId}`, () =>
          documentClient.send(
            new PutCommand({
              TableName,
              Item: { pk: pkOf(entry.channelId), sk: 'META', ...entry, updatedAt, updatedBy: by },
              ReturnValues: 'ALL_OLD',
            }),
          ),
        );
        const before = Attributes ? toEntry(Attributes) : undefined;
        await logEdit({
          channelId: entry.channelId,
          at: updatedAt,
          by,
          action: before ? 'update' : 'add',
          changes: entryChanges(before, entry),
          ...(via ? { via } : {}),
        });
      }
    },

    async recordReview(review, at) {
      const current = await get(review.channelId);
      if (!current) throw notRegistered('review', review.channelId);
      const when = at.toISOString();
      const decision: ReviewDecision = { ...review, at: when };
      const pk = pkOf(review.channelId);
      // dynalite has no transactions: write the effects first and the decision last, so a failure
      // leaves no decision on record without its effect, and a retry of the command completes it.
      // A channel retired before stays retired from its first day: a second retire moves nothing.
      const retiredBefore = current.status === 'retired';
      // An entry retired before days were kept has none: retired since ever.
      const since = retiredBefore ? current.statusSince : seoulDay(at);
      if (review.decision === 'retire' && !retiredBefore) {
        await guarded(`retire ${review.channelId}`, () =>
          documentClient.send(
            new UpdateCommand({
              TableName,
              Key: { pk, sk: 'META' },
              UpdateExpression:
                'SET #status = :retired, statusSince = :since, updatedAt = :at, updatedBy = :by',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: {
                ':retired': 'retired',
                ':since': since,
                ':at': when,
                ':by': review.by,
              },
            }),
          ),
        );
        // The status change is an edit of the registry too, beside the decision that made it.
        await logEdit({
          channelId: review.channelId,
          at: when,
          by: review.by,
          action: 'update',
          changes: entryChanges(
            { status: current.status, statusSince: current.statusSince },
            { status: 'retired', statusSince: since },
          ),
          via: 'review --decision retire',
        });
      }
      if (review.changeDay)
        await putChange({
          channelId: review.channelId,
          day: review.changeDay,
          what: review.note,
          at: when,
          by: review.by,
        });
      await guarded(`review ${review.channelId}`, () =>
        documentClient.send(
          new PutCommand({ TableName, Item: { pk, sk: `${REVIEW_PREFIX}${when}`, ...decision } }),
        ),
      );
      if (review.decision !== 'retire') return decision;
      return { ...decision, ...(since ? { retiredSince: since } : {}), alreadyRetired: retiredBefore };
    },

    async recordChange(change, via) {
      if (!(await get(change.channelId))) throw notRegistered('change', change.channelId);
      await putChange(change);
      await logEdit({
        channelId: change.channelId,
        at: change.at,
        by: change.by,
        action: 'change',
        changes: [{ field: 'change', to: `live from ${change.day}: ${change.what}` }],
        ...(via ? { via } : {}),
      });
    },

    async mute(mute, via) {
      const { Attributes } = await guarded(`mute ${mute.channelId}`, () =>
        documentClient.send(
          new PutCommand({
            TableName,
            Item: { pk: pkOf(mute.channelId), sk: MUTE_SK, ...mute },
            ReturnValues: 'ALL_OLD',
          }),
        ),
      );
      const before = Attributes ? describeMute(toMute(Attributes)) : undefined;
      const after = describeMute(mute);
      await logEdit({
        channelId: mute.channelId,
        at: mute.at,
        by: mute.by,
        action: 'mute',
        changes: before === after ? [] : [{ field: 'mute', ...(before ? { from: before } : {}), to: after }],
        ...(via ? { via } : {}),
      });
    },

    async unmute(channelId, by, at, via) {
      const { Attributes } = await guarded(`unmute ${channelId}`, () =>
        documentClient.send(
          new DeleteCommand({
            TableName,
            Key: { pk: pkOf(channelId), sk: MUTE_SK },
            ReturnValues: 'ALL_OLD',
          }),
        ),
      );
      if (Attributes)
        await logEdit({
          channelId,
          at: at.toISOString(),
          by,
          action: 'unmute',
          changes: [{ field: 'mute', from: describeMute(toMute(Attributes)) }],
          ...(via ? { via } : {}),
        });
      return Attributes !== undefined;
    },

    async history(channelId) {
      // One Query on the channel's pk: its reviews and its edits. DynamoDB filters no Query on its sort
      // key, and the rest of a channel's items (entry, mute, change days) are a handful: dropped here.
      const history: HistoryEntry[] = [];
      let ExclusiveStartKey: Item | undefined;
      do {
        const page = await guarded('history', () =>
          documentClient.send(
            new QueryCommand({
              TableName,
              KeyConditionExpression: 'pk = :pk',
              ExpressionAttributeValues: { ':pk': pkOf(channelId) },
              ExclusiveStartKey,
            }),
          ),
        );
        for (const item of page.Items ?? []) {
          const sk = String(item.sk);
          if (sk.startsWith(REVIEW_PREFIX)) history.push({ kind: 'review', ...toReview(item) });
          else if (sk.startsWith(EDIT_PREFIX)) history.push({ kind: 'edit', ...toEdit(item) });
        }
        ExclusiveStartKey = page.LastEvaluatedKey;
      } while (ExclusiveStartKey);
      // Time order; at the same instant the edit first (an import's entry before the review it came with).
      return history.sort((a, b) =>
        a.at !== b.at ? a.at.localeCompare(b.at) : a.kind === b.kind ? 0 : a.kind === 'edit' ? -1 : 1,
      );
    },
  };
}
