import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedDynamo, startEmbeddedDynamo } from '#shared/adapters/dynamo/embedded.ts';
import { UsageError } from '#shared/errors.ts';
import { openStackStores, type StackClients } from '../../bin/stack-wiring.ts';

// CloudFormation and Lambda have no local engine: mocked. The tables are the embedded store's.
const cloudFormation = mockClient(CloudFormationClient);
const lambda = mockClient(LambdaClient);
let dynamo: EmbeddedDynamo;
let clients: StackClients;

beforeAll(async () => {
  dynamo = await startEmbeddedDynamo();
  clients = {
    cloudFormation: new CloudFormationClient({ region: 'ap-northeast-2' }),
    lambda: new LambdaClient({ region: 'ap-northeast-2' }),
    documentClient: dynamo.documentClient,
  };
});
afterAll(async () => {
  await dynamo.close();
});
afterEach(() => {
  cloudFormation.reset();
  lambda.reset();
});

function deployed() {
  const outputs = (pairs: Record<string, string>) => ({
    Stacks: [
      {
        StackName: 'x',
        CreationTime: new Date(),
        StackStatus: 'CREATE_COMPLETE' as const,
        Outputs: Object.entries(pairs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
      },
    ],
  });
  cloudFormation.on(DescribeStacksCommand, { StackName: 'CrmGuard-prod-Data' }).resolves(
    outputs({
      FindingsTable: dynamo.tableNames.findings,
      ChannelsTable: dynamo.tableNames.channels,
      GateTable: dynamo.tableNames.gate,
    }),
  );
  cloudFormation
    .on(DescribeStacksCommand, { StackName: 'CrmGuard-prod-Compute' })
    .resolves(outputs({ DetectFunctionName: 'crm-guard-detect', ReportFunctionName: 'crm-guard-report' }));
}

describe('the CLI against a deployed stack', () => {
  it('finds the tables from the stacks outputs and works them through the same adapters', async () => {
    // Prepare
    deployed();
    const stores = await openStackStores('prod', clients);

    // Act
    await stores.registry.upsert(
      [{ channelId: 'push_1', name: 'Push', category: 'advertising', owner: 'kim', status: 'active' }],
      'kim',
      new Date('2026-11-30T00:00:00Z'),
    );
    await stores.registry.mute({
      channelId: 'push_1',
      from: '2026-11-30',
      reason: 'migration',
      by: 'kim',
      at: '2026-11-30T00:00:00.000Z',
    });
    const snapshot = await stores.registry.snapshot();

    // Assess
    expect(snapshot.channels.map((c) => c.channelId)).toEqual(['push_1']);
    expect(snapshot.mutes.map((m) => m.channelId)).toEqual(['push_1']);
    expect(cloudFormation).toHaveReceivedCommandTimes(DescribeStacksCommand, 2);
  });

  it('runs the detect function in AWS and reads back what it returned; a failure is one line', async () => {
    // Prepare
    deployed();
    lambda
      .on(InvokeCommand)
      .resolvesOnce({
        Payload: new TextEncoder().encode(JSON.stringify({ day: '2026-11-30', alerts: 3 })) as never,
      })
      .resolvesOnce({
        FunctionError: 'Unhandled',
        Payload: new TextEncoder().encode(JSON.stringify({ errorMessage: 'Athena said no' })) as never,
      });
    const stores = await openStackStores('prod', clients);

    // Act
    const ran = await stores.invoke('detect', { day: '2026-11-30' });
    const failed = stores.invoke('detect', { day: '2026-11-29' }).catch((error: unknown) => error);

    // Assess
    expect(ran).toEqual({ day: '2026-11-30', alerts: 3 });
    expect(lambda).toHaveReceivedCommandWith(InvokeCommand, { FunctionName: 'crm-guard-detect' });
    expect(await failed).toMatchObject({ message: 'the detect function failed: Athena said no' });
  });

  it.each([
    [
      'no stack',
      Object.assign(new Error('Stack with id CrmGuard-prod-Data does not exist'), {
        name: 'ValidationError',
      }),
      'no stack CrmGuard-prod-Data in',
    ],
    [
      'no credentials',
      Object.assign(new Error('Could not load credentials from any providers'), {
        name: 'CredentialsProviderError',
      }),
      'no AWS credentials for --stack prod',
    ],
    [
      'a missing permission',
      Object.assign(
        new Error(
          'User: arn:aws:iam::1:user/kim is not authorized to perform: cloudformation:DescribeStacks on resource: x',
        ),
        { name: 'AccessDenied' },
      ),
      'may not cloudformation:DescribeStacks',
    ],
    ['no region', new Error('Region is missing'), 'no AWS region for --stack prod: set AWS_REGION'],
    [
      'no network',
      Object.assign(new Error('getaddrinfo ENOTFOUND cloudformation.ap-northeast-2.amazonaws.com'), {
        code: 'ENOTFOUND',
      }),
      'cannot reach AWS for --stack prod',
    ],
    [
      'another refusal of AWS',
      Object.assign(new Error('The security token included in the request is expired'), {
        name: 'ExpiredToken',
        $fault: 'client',
      }),
      'AWS answered ExpiredToken for --stack prod: The security token included in the request is expired',
    ],
  ])('says what to do about %s, in one line', async (_case, error, message) => {
    // Prepare
    cloudFormation.on(DescribeStacksCommand).rejects(error);

    // Act
    const failure = await openStackStores('prod', clients).catch((caught: unknown) => caught);

    // Assess
    expect(failure).toBeInstanceOf(UsageError);
    expect((failure as Error).message).toContain(message);
    expect((failure as Error).message).not.toContain('\n');
  });
});
