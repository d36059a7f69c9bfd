import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { contextKey } from '../../lib/config.ts';
import { KEY, TTL_ATTRIBUTE } from '../../shared/adapters/dynamo/tables.ts';
import { type CfnJson, cdkJsonContext, flat, synthApp } from './app-fixture.ts';

function resourcesOf(
  template: Template,
  type: string,
): Record<string, { Properties: Record<string, unknown> }> {
  return template.findResources(type) as Record<string, { Properties: Record<string, unknown> }>;
}

describe('data stack (dev, as cdk.json ships it)', () => {
  let template: Template;
  beforeAll(() => {
    template = synthApp().dataTemplate;
  });

  it('creates the lake, results and reports buckets encrypted, private, TLS-only and access-logged', () => {
    // Act
    const buckets = resourcesOf(template, 'AWS::S3::Bucket');
    const named = Object.values(buckets).filter((bucket) => bucket.Properties.BucketName);

    // Assess
    expect(named.map((bucket) => flat(bucket.Properties.BucketName)).sort()).toEqual([
      'crm-guard-dev-athena-<AWS::AccountId>-<AWS::Region>',
      'crm-guard-dev-lake-<AWS::AccountId>-<AWS::Region>',
      'crm-guard-dev-reports-<AWS::AccountId>-<AWS::Region>',
    ]);
    for (const bucket of Object.values(buckets)) {
      expect(bucket.Properties.BucketEncryption).toEqual({
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      });
      expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
    }
    for (const bucket of named) {
      expect(bucket.Properties.LoggingConfiguration).toMatchObject({
        DestinationBucketName: { Ref: expect.any(String) },
      });
    }
    const tlsDenials = Object.values(resourcesOf(template, 'AWS::S3::BucketPolicy')).filter((policy) =>
      JSON.stringify(policy.Properties.PolicyDocument).includes('"aws:SecureTransport":"false"'),
    );
    expect(tlsDenials).toHaveLength(Object.keys(buckets).length);
  });

  it('expires Athena results and reports by lifecycle rules from configuration', () => {
    // Assess
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith(['crm-guard-dev-athena-'])] }),
      LifecycleConfiguration: {
        Rules: [
          Match.objectLike({
            ExpirationInDays: 7,
            Status: 'Enabled',
            AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
          }),
        ],
      },
    });
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith(['crm-guard-dev-reports-'])] }),
      LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 30, Status: 'Enabled' })] },
    });
  });

  it('catalogs both lake tables as Parquet with dt partition projection (no crawler)', () => {
    // Act
    const tables = Object.values(resourcesOf(template, 'AWS::Glue::Table')).map(
      (table) => table.Properties.TableInput as CfnJson,
    );

    // Assess
    expect(tables.map((table) => table.Name).sort()).toEqual(['crm_channel_daily', 'user_engagement_daily']);
    for (const table of tables) {
      const location = `s3://crm-guard-dev-lake-<AWS::AccountId>-<AWS::Region>/lake/${table.Name}/`;
      expect(flat(table.StorageDescriptor.Location)).toBe(location);
      expect(table.PartitionKeys).toEqual([expect.objectContaining({ Name: 'dt', Type: 'string' })]);
      expect(table.StorageDescriptor.SerdeInfo.SerializationLibrary).toBe(
        'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
      );
      expect(table.Parameters).toMatchObject({
        classification: 'parquet',
        'projection.enabled': 'true',
        'projection.dt.type': 'date',
        'projection.dt.format': 'yyyy-MM-dd',
        'projection.dt.range': '2024-01-01,NOW+1DAYS',
        'projection.dt.interval': '1',
        'projection.dt.interval.unit': 'DAYS',
      });
      expect(flat(table.Parameters['storage.location.template'])).toBe(`${location}dt=\${dt}/`);
    }
    const channel = tables.find((table) => table.Name === 'crm_channel_daily')!;
    expect(
      channel.StorageDescriptor.Columns.map(
        (column: { Name: string; Type: string }) => `${column.Name}:${column.Type}`,
      ),
    ).toEqual(['channel_id:string', 'channel_type:string', 'sends:bigint', 'clicks:bigint']);
    template.resourceCountIs('AWS::Glue::Crawler', 0);
    template.hasResourceProperties('AWS::Glue::Database', { DatabaseInput: { Name: 'crm_guard_dev' } });
  });

  it('gives each job a workgroup with enforced settings, encrypted results in a folder of its own, and the cut-off', () => {
    // Act
    const workgroups = Object.values(resourcesOf(template, 'AWS::Athena::WorkGroup'));

    // Assess
    expect(workgroups.map((workgroup) => workgroup.Properties.Name).sort()).toEqual([
      'crm-guard-dev-detect',
      'crm-guard-dev-report',
      'crm-guard-dev-tier-refresh',
    ]);
    for (const workgroup of workgroups) {
      const settings = workgroup.Properties.WorkGroupConfiguration as CfnJson;
      const job = String(workgroup.Properties.Name).replace('crm-guard-dev-', '');
      expect(settings.EnforceWorkGroupConfiguration).toBe(true);
      expect(settings.BytesScannedCutoffPerQuery).toBe(1024 * 1024 * 1024);
      expect(settings.ResultConfiguration.EncryptionConfiguration).toEqual({ EncryptionOption: 'SSE_S3' });
      expect(flat(settings.ResultConfiguration.OutputLocation)).toBe(
        `s3://crm-guard-dev-athena-<AWS::AccountId>-<AWS::Region>/athena/${job}/`,
      );
    }
  });

  it('provisions the three tables from the shared spec: on-demand, PITR, TTL where data expires', () => {
    // Act
    const tables = Object.entries(resourcesOf(template, 'AWS::DynamoDB::Table')).map(
      ([logicalId, table]) => [logicalId, table.Properties] as const,
    );
    const byId = (id: string) => tables.find(([logicalId]) => logicalId.startsWith(id))![1];

    // Assess
    expect(tables).toHaveLength(3);
    for (const [, table] of tables) {
      expect(table.BillingMode).toBe('PAY_PER_REQUEST');
      expect(table.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
      expect(table.KeySchema).toEqual([
        { AttributeName: KEY.pk, KeyType: 'HASH' },
        { AttributeName: KEY.sk, KeyType: 'RANGE' },
      ]);
    }
    expect(byId('FindingsTable').TimeToLiveSpecification).toEqual({
      AttributeName: TTL_ATTRIBUTE,
      Enabled: true,
    });
    expect(byId('GateTable').TimeToLiveSpecification).toEqual({
      AttributeName: TTL_ATTRIBUTE,
      Enabled: true,
    });
    expect(byId('ChannelsTable').TimeToLiveSpecification).toBeUndefined();
    expect(byId('FindingsTable').GlobalSecondaryIndexes).toEqual([
      expect.objectContaining({
        IndexName: 'byChannel',
        KeySchema: [
          { AttributeName: 'gsi1pk', KeyType: 'HASH' },
          { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
        ],
      }),
    ]);
    // dev lets CloudFormation name the tables and drop them with the stack.
    expect(byId('FindingsTable').TableName).toBeUndefined();
    template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Delete' });
  });

  it('encrypts both topics with a rotating key that CloudWatch alarms may use', () => {
    // Assess
    const topics = Object.values(resourcesOf(template, 'AWS::SNS::Topic'));
    expect(topics).toHaveLength(2);
    for (const topic of topics)
      expect(topic.Properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [expect.any(String), 'Arn'] });
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
          }),
        ]),
      },
    });
    template.resourceCountIs('AWS::SNS::Subscription', 0);
  });
});

describe('data stack (prod, on an existing lake)', () => {
  let template: Template;
  beforeAll(() => {
    const prod = cdkJsonContext()[contextKey('prod')] as CfnJson;
    template = synthApp({
      env: 'prod',
      'crm-guard:prod': {
        ...prod,
        gate: { ...prod.gate, callerRoleArns: ['arn:aws:iam::123456789012:role/messaging-sender'] },
        alertEmails: ['owner@crm-team.test', 'lead@crm-team.test'],
        opsEmails: ['ops@crm-team.test'],
        lake: { existingBucketName: 'team-lake', prefix: 'warehouse/crm/', channelTable: 'channel_daily' },
      },
    }).dataTemplate;
  });

  it('points the Glue tables at the existing bucket and prefix and creates no lake bucket', () => {
    // Act
    const buckets = Object.values(resourcesOf(template, 'AWS::S3::Bucket')).map((bucket) =>
      flat(bucket.Properties.BucketName),
    );
    const tables = Object.values(resourcesOf(template, 'AWS::Glue::Table')).map(
      (table) => table.Properties.TableInput as CfnJson,
    );

    // Assess
    expect(buckets.some((name) => name.includes('-lake-'))).toBe(false);
    expect(tables.map((table) => table.StorageDescriptor.Location).sort()).toEqual([
      's3://team-lake/warehouse/crm/channel_daily/',
      's3://team-lake/warehouse/crm/user_engagement_daily/',
    ]);
  });

  it('subscribes the configured addresses, names the tables and keeps data on deletion', () => {
    // Assess
    template.resourceCountIs('AWS::SNS::Subscription', 3);
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'owner@crm-team.test',
    });
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      TableName: 'crm-guard-gate',
      DeletionProtectionEnabled: true,
    });
    const tables = Object.values(template.findResources('AWS::DynamoDB::Table'));
    expect(tables.every((table) => table.DeletionPolicy === 'Retain')).toBe(true);
    const buckets = Object.values(template.findResources('AWS::S3::Bucket'));
    expect(buckets.every((bucket) => bucket.DeletionPolicy === 'Retain')).toBe(true);
    // The key of the gate logs' user-id hash: a new one would unlink every earlier log line.
    const secrets = Object.values(template.findResources('AWS::SecretsManager::Secret'));
    expect(secrets.map((secret) => secret.DeletionPolicy)).toEqual(['Retain']);
  });
});
