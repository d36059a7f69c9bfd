import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type EmbeddedDynamo, startEmbeddedDynamo } from '#shared/adapters/dynamo/embedded.ts';
import { createDynamoGateStore } from '#shared/adapters/dynamo/gate-store.ts';

const athena = mockClient(AthenaClient);
let dynamo: EmbeddedDynamo;

beforeAll(async () => {
  dynamo = await startEmbeddedDynamo();
});
afterAll(async () => {
  vi.unstubAllEnvs();
  athena.restore();
  await dynamo.close();
});

const rows = (values: string[][]) => ({
  ResultSet: { Rows: values.map((row) => ({ Data: row.map((VarCharValue) => ({ VarCharValue })) })) },
});

describe('tier-refresh Lambda (Athena mocked, DynamoDB on dynalite)', () => {
  it('reads the trailing window through Athena and writes the changed tiers', async () => {
    // Prepare
    vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', dynamo.endpoint);
    vi.stubEnv('AWS_REGION', 'ap-northeast-2');
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'local');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
    vi.stubEnv('GATE_TABLE', dynamo.tableNames.gate);
    vi.stubEnv('ATHENA_WORKGROUP', 'crm-guard');
    vi.stubEnv('ATHENA_DATABASE', 'crm_lake');
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
    athena
      .on(GetQueryExecutionCommand)
      .resolves({ QueryExecution: { QueryExecutionId: 'q-1', Status: { State: 'SUCCEEDED' } } });
    athena.on(GetQueryResultsCommand).resolves(
      rows([
        ['user_id', 'uses', 'first', 'days', 'min'],
        ['fan', '31', '2026-01-01', '30', '1'],
        ['casual', '3', '2026-01-01', '2', '1'],
        ['quiet', '0', '2026-01-01', '1', '0'],
      ]),
    );
    const { handler } = await import('#functions/fatigue-gate/tier-refresh.ts');

    // Act
    const result = await handler({ asOf: '2026-11-23' }, {
      functionName: 'tier-refresh',
      awsRequestId: 'r',
    } as Context);
    const store = createDynamoGateStore({
      documentClient: dynamo.documentClient,
      tableName: dynamo.tableNames.gate,
    });
    const tiers = await store.readTiers(['fan', 'casual', 'quiet']);

    // Assess
    expect(athena).toHaveReceivedCommandWith(StartQueryExecutionCommand, {
      // Uses counted from the window's first day; users read from a week before it.
      ExecutionParameters: ["'2026-10-25'", "'2026-10-25'", "'2026-10-18'", "'2026-11-23'"],
    });
    expect(result).toMatchObject({ usersRead: 3, written: 3, movements: { 'mid->high': 1, 'mid->low': 1 } });
    expect(Object.fromEntries([...tiers].map(([id, record]) => [id, record.tier]))).toEqual({
      fan: 'high',
      casual: 'mid',
      quiet: 'low',
    });
  });
});
