import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type {
  ChannelChange,
  ChannelEntry,
  ChannelMute,
  RegistrySnapshot,
  ReviewDecision,
} from '#shared/domain/registry.ts';
import { InputError, StoreUnavailableError } from '#shared/errors.ts';
import type { ChannelRegistry } from '#shared/ports/channel-registry.ts';
import { seoulDay } from '#shared/time/seoul.ts';

/**
 * The channel registry in the `channels` table: pk `CHANNEL#<id>`; sk `META` (name, category, owner,
 * status), `REVIEW#<iso timestamp>` (one decision, never overwritten: the history) and
 * `CHANGE#<day>` (a redesign's go-live day, for the report's change impact) and `MUTE` (the owners'
 * mute or snooze, while it lasts).
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

  return {
    async snapshot() {
      const snapshot: RegistrySnapshot = { channels: [], reviews: [], changes: [], mutes: [] };
      let ExclusiveStartKey: Item | undefined;
      do {
        const page = await guarded('scan', () =>
          documentClient.send(new ScanCommand({ TableName, ExclusiveStartKey })),
        );
        for (const item of page.Items ?? []) {
          const sk = String(item.sk);
          if (sk === 'META') snapshot.channels.push(toEntry(item));
          else if (sk.startsWith('REVIEW#')) snapshot.reviews.push(toReview(item));
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

    async upsert(entries, by, at) {
      const updatedAt = at.toISOString();
      // Sequential puts: an import is a few hundred rows, and a failure names the row it stopped at.
      for (const entry of entries) {
        await guarded(`put ${entry.channelId}`, () =>
          documentClient.send(
            new PutCommand({
              TableName,
              Item: { pk: pkOf(entry.channelId), sk: 'META', ...entry, updatedAt, updatedBy: by },
            }),
          ),
        );
      }
    },

    async recordReview(review, at) {
      if (!(await get(review.channelId)))
        throw new InputError(
          'review',
          `no channel ${review.channelId} in the registry: add it first with crm-guard channels set ${review.channelId} --name ... --category ... --owner ...`,
        );
      const when = at.toISOString();
      const decision: ReviewDecision = { ...review, at: when };
      const pk = pkOf(review.channelId);
      // dynalite has no transactions: write the effects first and the decision last, so a failure
      // leaves no decision on record without its effect, and a retry of the command completes it.
      if (review.decision === 'retire')
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
                ':since': seoulDay(at),
                ':at': when,
                ':by': review.by,
              },
            }),
          ),
        );
      if (review.changeDay) {
        const change: ChannelChange = {
          channelId: review.channelId,
          day: review.changeDay,
          what: review.note,
          at: when,
          by: review.by,
        };
        await guarded(`change ${review.channelId}`, () =>
          documentClient.send(
            new PutCommand({ TableName, Item: { pk, sk: `CHANGE#${review.changeDay}`, ...change } }),
          ),
        );
      }
      await guarded(`review ${review.channelId}`, () =>
        documentClient.send(new PutCommand({ TableName, Item: { pk, sk: `REVIEW#${when}`, ...decision } })),
      );
      return decision;
    },

    async mute(mute) {
      await guarded(`mute ${mute.channelId}`, () =>
        documentClient.send(
          new PutCommand({ TableName, Item: { pk: pkOf(mute.channelId), sk: MUTE_SK, ...mute } }),
        ),
      );
    },

    async unmute(channelId) {
      const { Attributes } = await guarded(`unmute ${channelId}`, () =>
        documentClient.send(
          new DeleteCommand({
            TableName,
            Key: { pk: pkOf(channelId), sk: MUTE_SK },
            ReturnValues: 'ALL_OLD',
          }),
        ),
      );
      return Attributes !== undefined;
    },

    async history(channelId) {
      const reviews: ReviewDecision[] = [];
      let ExclusiveStartKey: Item | undefined;
      do {
        const page = await guarded('history', () =>
          documentClient.send(
            new QueryCommand({
              TableName,
              KeyConditionExpression: 'pk = :pk AND begins_with(sk, :review)',
              ExpressionAttributeValues: { ':pk': pkOf(channelId), ':review': 'REVIEW#' },
              ExclusiveStartKey,
            }),
          ),
        );
        reviews.push(...(page.Items ?? []).map(toReview));
        ExclusiveStartKey = page.LastEvaluatedKey;
      } while (ExclusiveStartKey);
      return reviews;
    },
  };
}
