import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { startEmbeddedDynamo } from '#shared/adapters/dynamo/embedded.ts';
import { tempDir } from './temp-dir.ts';

describe('embedded dynalite', () => {
  it('creates the three tables and keeps data on disk across restarts', async () => {
    const dataDir = tempDir('crm-guard-dynalite-');
    const first = await startEmbeddedDynamo({ dataDir });
    const { TableNames } = await first.client.send(new ListTablesCommand({}));
    expect(TableNames).toEqual(['crm-guard-channels', 'crm-guard-findings', 'crm-guard-gate']);
    await first.documentClient.send(
      new PutCommand({
        TableName: first.tableNames.channels,
        Item: { pk: 'CHANNEL#a', sk: 'META', owner: 'kim' },
      }),
    );
    await first.close();

    const second = await startEmbeddedDynamo({ dataDir });
    const { Item } = await second.documentClient.send(
      new GetCommand({ TableName: second.tableNames.channels, Key: { pk: 'CHANNEL#a', sk: 'META' } }),
    );
    await second.close();
    expect(Item?.owner).toBe('kim');
  });
});
