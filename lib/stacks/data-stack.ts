import { Aws, CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import { KEY, TABLES, type TableSpec } from '#shared/adapters/dynamo/tables.ts';
import type { DeployConfig } from '../config.ts';

export interface DataStackProps extends StackProps {
  config: DeployConfig;
}

/** One lake table as Athena sees it: the Glue name and the S3 folder its `dt=` partitions live under. */
export interface LakeTable {
  name: string;
  /** `s3://bucket/prefix/table/` */
  location: string;
  /** Key prefix of the folder inside the lake bucket, `prefix/table/`. */
  keyPrefix: string;
}

/** Athena's results land under this prefix of the results bucket. */
export const ATHENA_RESULTS_PREFIX = 'athena/';

/** The jobs that query the lake: each has its own workgroup and results folder, readable by it alone. */
export const ATHENA_JOBS = ['detect', 'report', 'tier-refresh'] as const;
export type AthenaJob = (typeof ATHENA_JOBS)[number];
export const athenaResultsPrefix = (job: AthenaJob) => `${ATHENA_RESULTS_PREFIX}${job}/`;

/**
 * The stateful stack: everything that holds data or that people subscribed to. The compute stack
 * can be destroyed and redeployed without touching any of it.
 */
export class DataStack extends Stack {
  readonly lakeBucket: s3.IBucket;
  /** Bucket names are derived, not generated: the compute stack builds ARNs from them without exports. */
  readonly lakeBucketName: string;
  readonly resultsBucketName: string;
  readonly reportsBucketName: string;
  readonly lakePrefix: string;
  readonly lakeKmsKeyArn: string | undefined;
  readonly glueDatabaseName: string;
  readonly channelTable: LakeTable;
  readonly engagementTable: LakeTable;
  /** One workgroup a job: `<athena.workgroup>-<job>`, its results under `athena/<job>/`. */
  readonly workgroupNames: Record<AthenaJob, string>;
  readonly resultsBucket: s3.Bucket;
  readonly reportsBucket: s3.Bucket;
  readonly reportsPrefix: string;
  readonly tables: Record<TableSpec['id'], dynamodb.Table>;
  readonly topicKey: kms.Key;
  /** Signs and verifies the e-mails' links: one-click feedback, the weekly report (HMAC; the key never leaves KMS). */
  readonly feedbackLinkKey: kms.Key;
  /**
   * The key of the user-id hash in the gate's decision logs. Kept with the data: a new key would
   * unlink every log line before it from the same user's lines after.
   */
  readonly userIdKey: secretsmanager.Secret;
  readonly alertsTopic: sns.Topic;
  readonly opsTopic: sns.Topic;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    const { config } = props;
    const removalPolicy = config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    const accessLogs = new s3.Bucket(this, 'AccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(365) }],
      removalPolicy,
    });

    const secureBucket = (id: string, bucketName: string, extra: Partial<s3.BucketProps>): s3.Bucket =>
      new s3.Bucket(this, id, {
        bucketName,
        encryption: s3.BucketEncryption.S3_MANAGED,
        blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
        enforceSSL: true,
        objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        serverAccessLogsBucket: accessLogs,
        serverAccessLogsPrefix: `${id.toLowerCase()}/`,
        removalPolicy,
        ...extra,
      });

    // The metrics lake: most teams already have one, so by configuration we only point at it.
    this.lakePrefix = config.lake.prefix;
    this.lakeKmsKeyArn = config.lake.existingBucketKmsKeyArn;
    this.lakeBucketName = config.lake.existingBucketName ?? derivedBucketName(config.envName, 'lake');
    this.resultsBucketName = derivedBucketName(config.envName, 'athena');
    this.reportsBucketName = derivedBucketName(config.envName, 'reports');
    this.lakeBucket = config.lake.existingBucketName
      ? s3.Bucket.fromBucketName(this, 'Lake', config.lake.existingBucketName)
      : secureBucket('Lake', this.lakeBucketName, {
          versioned: true,
          // Versions guard against a bad overwrite of a day; a month is long enough to notice one.
          lifecycleRules: [{ id: 'expire-old-versions', noncurrentVersionExpiration: Duration.days(30) }],
        });

    this.resultsBucket = secureBucket('AthenaResults', this.resultsBucketName, {
      lifecycleRules: [
        {
          id: 'expire-query-results',
          expiration: Duration.days(config.athena.resultsRetentionDays),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
    });
    this.reportsPrefix = config.reports.prefix;
    this.reportsBucket = secureBucket('Reports', this.reportsBucketName, {
      lifecycleRules: [
        {
          id: 'expire-reports',
          expiration: Duration.days(config.reports.retentionDays),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
    });

    // Glue catalog: tables with partition projection on dt, so no crawler and no MSCK REPAIR.
    this.glueDatabaseName = config.glueDatabase;
    const database = new glue.CfnDatabase(this, 'GlueDatabase', {
      catalogId: this.account,
      databaseInput: {
        name: this.glueDatabaseName,
        description: 'crm-guard metrics lake (Parquet, dt partitions)',
      },
    });
    const lakeTable = (name: string): LakeTable => {
      const keyPrefix = `${this.lakePrefix}${name}/`;
      return { name, keyPrefix, location: `s3://${this.lakeBucketName}/${keyPrefix}` };
    };
    this.channelTable = lakeTable(config.lake.channelTable);
    this.engagementTable = lakeTable(config.lake.engagementTable);
    const projectionStart = config.lake.projectionStart;
    const defineTable = (id: string, table: LakeTable, columns: glue.CfnTable.ColumnProperty[]) => {
      const cfn = new glue.CfnTable(this, id, {
        catalogId: this.account,
        databaseName: this.glueDatabaseName,
        tableInput: {
          name: table.name,
          tableType: 'EXTERNAL_TABLE',
          parameters: partitionProjection(table.location, projectionStart),
          partitionKeys: [{ name: 'dt', type: 'string', comment: 'day, Asia/Seoul (YYYY-MM-DD)' }],
          storageDescriptor: {
            columns,
            location: table.location,
            inputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
            outputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
            serdeInfo: {
              serializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
              parameters: { 'serialization.format': '1' },
            },
          },
        },
      });
      cfn.addResourceDependency(database);
      return cfn;
    };
    defineTable('ChannelDailyTable', this.channelTable, [
      { name: 'channel_id', type: 'string', comment: 'stable id of the channel (template/campaign)' },
      { name: 'channel_type', type: 'string', comment: 'alimtalk, push, sms, email, ...' },
      { name: 'sends', type: 'bigint', comment: 'messages sent' },
      { name: 'clicks', type: 'bigint', comment: 'unique clicks' },
    ]);
    defineTable('UserEngagementTable', this.engagementTable, [
      { name: 'user_id', type: 'string', comment: 'pseudonymous user id' },
      { name: 'feature_uses', type: 'int', comment: 'uses of the engagement feature that defines the tiers' },
    ]);

    // Athena: a workgroup a job, whose settings win over the client's, so no query escapes the cut-off
    // and no job reads another's results (tier refresh's hold a row per user).
    const workgroupNames = {} as Record<AthenaJob, string>;
    for (const job of ATHENA_JOBS) {
      const name = `${config.athena.workgroup}-${job}`;
      workgroupNames[job] = name;
      const workgroup = new athena.CfnWorkGroup(
        this,
        `Workgroup${job.replace(/(^|-)(\w)/g, (_, __, c: string) => c.toUpperCase())}`,
        {
          name,
          description: `crm-guard ${job} queries`,
          state: 'ENABLED',
          // Only saved queries and history go with it; the lake and the results bucket stay.
          recursiveDeleteOption: true,
          workGroupConfiguration: {
            enforceWorkGroupConfiguration: true,
            publishCloudWatchMetricsEnabled: true,
            bytesScannedCutoffPerQuery: config.athena.bytesScannedCutoffMb * 1024 * 1024,
            engineVersion: { selectedEngineVersion: 'Athena engine version 3' },
            resultConfiguration: {
              outputLocation: `s3://${this.resultsBucketName}/${athenaResultsPrefix(job)}`,
              encryptionConfiguration: { encryptionOption: 'SSE_S3' },
              expectedBucketOwner: this.account,
            },
          },
        },
      );
      workgroup.node.addDependency(this.resultsBucket);
    }
    this.workgroupNames = workgroupNames;

    this.tables = {
      findings: this.defineTable(TABLES.findings, config.tables.findings, config.retainData),
      channels: this.defineTable(TABLES.channels, config.tables.channels, config.retainData),
      gate: this.defineTable(TABLES.gate, config.tables.gate, config.retainData),
    };

    this.feedbackLinkKey = new kms.Key(this, 'FeedbackLinkKey', {
      description: 'crm-guard signed links in the e-mails: one-click feedback, weekly report (HMAC)',
      keySpec: kms.KeySpec.HMAC_256,
      keyUsage: kms.KeyUsage.GENERATE_VERIFY_MAC,
      removalPolicy,
    });

    this.userIdKey = new secretsmanager.Secret(this, 'GateUserIdKey', {
      description: 'crm-guard fatigue gate: key of the user-id hash in decision logs',
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
      removalPolicy,
    });
    Validations.of(this.userIdKey).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Pseudonymises user ids in logs, no credential: rotating it would only unlink log lines across the rotation.',
    });

    // One customer-managed key for both topics: CloudWatch alarms cannot publish to a topic under
    // the AWS-managed SNS key, so the key policy has to name the CloudWatch service.
    this.topicKey = new kms.Key(this, 'TopicKey', {
      description: 'crm-guard SNS topics (alerts, operations)',
      enableKeyRotation: true,
      removalPolicy,
    });
    this.topicKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    );
    this.alertsTopic = new sns.Topic(this, 'AlertsTopic', {
      displayName: 'crm-guard alerts',
      masterKey: this.topicKey,
      enforceSSL: true,
    });
    for (const email of config.alertEmails) {
      this.alertsTopic.addSubscription(new subscriptions.EmailSubscription(email));
    }
    this.opsTopic = new sns.Topic(this, 'OperationsTopic', {
      displayName: 'crm-guard operations',
      masterKey: this.topicKey,
      enforceSSL: true,
    });
    for (const email of config.opsEmails) {
      this.opsTopic.addSubscription(new subscriptions.EmailSubscription(email));
    }

    const outputs: Record<string, string> = {
      LakeBucket: this.lakeBucket.bucketName,
      LakePrefix: this.lakePrefix,
      GlueDatabase: this.glueDatabaseName,
      AthenaWorkgroups: ATHENA_JOBS.map((job) => workgroupNames[job]).join(','),
      ReportsBucket: this.reportsBucket.bucketName,
      FindingsTable: this.tables.findings.tableName,
      ChannelsTable: this.tables.channels.tableName,
      GateTable: this.tables.gate.tableName,
      AlertsTopicArn: this.alertsTopic.topicArn,
      OperationsTopicArn: this.opsTopic.topicArn,
      FeedbackLinkKeyArn: this.feedbackLinkKey.keyArn,
    };
    for (const [name, value] of Object.entries(outputs))
      new CfnOutput(this, `${name}Output`, { value, key: name });
  }

  private defineTable(spec: TableSpec, tableName: string | undefined, retainData: boolean): dynamodb.Table {
    const id = `${spec.id[0]!.toUpperCase()}${spec.id.slice(1)}Table`;
    const table = new dynamodb.Table(this, id, {
      tableName,
      partitionKey: { name: KEY.pk, type: dynamodb.AttributeType.STRING },
      sortKey: { name: KEY.sk, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: spec.ttlAttribute,
      deletionProtection: retainData,
      removalPolicy: retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    for (const index of spec.indexes) {
      table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.pk, type: dynamodb.AttributeType.STRING },
        sortKey: { name: index.sk, type: dynamodb.AttributeType.STRING },
      });
    }
    return table;
  }
}

/**
 * `crm-guard-<env>-<purpose>-<account>-<region>`: unique per account and region; 63 characters at most
 * (S3's limit) with an environment name of 17 and a region of 14.
 */
export function derivedBucketName(envName: string, purpose: 'lake' | 'athena' | 'reports'): string {
  return `crm-guard-${envName}-${purpose}-${Aws.ACCOUNT_ID}-${Aws.REGION}`;
}

/**
 * Glue table parameters for partition projection on `dt` (Asia/Seoul days). The range ends a day
 * past NOW because Athena's NOW is UTC and Seoul's today starts nine hours earlier.
 */
export function partitionProjection(location: string, projectionStart: string): Record<string, string> {
  return {
    classification: 'parquet',
    EXTERNAL: 'TRUE',
    'parquet.compression': 'SNAPPY',
    'projection.enabled': 'true',
    'projection.dt.type': 'date',
    'projection.dt.format': 'yyyy-MM-dd',
    'projection.dt.range': `${projectionStart},NOW+1DAYS`,
    'projection.dt.interval': '1',
    'projection.dt.interval.unit': 'DAYS',
    'storage.location.template': `${location}dt=\${dt}/`,
  };
}
