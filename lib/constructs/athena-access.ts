import { Stack } from 'aws-cdk-lib';
import type * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Construct } from 'constructs';
import { acknowledgeWildcardResource } from '../nag.ts';
import { type AthenaJob, athenaResultsPrefix, type DataStack, type LakeTable } from '../stacks/data-stack.ts';
import { addStatement, bucketArn } from './statements.ts';

/**
 * Athena on the job's own workgroup, Glue on the named tables, S3 read on their lake folders, and
 * read and write on the job's own results folder only.
 */
export function grantAthena(
  scope: Construct,
  fn: nodejs.NodejsFunction,
  data: DataStack,
  job: AthenaJob,
  lakeTables: LakeTable[],
): void {
  fn.addEnvironment('ATHENA_WORKGROUP', data.workgroupNames[job]);
  const workgroupArn = Stack.of(scope).formatArn({
    service: 'athena',
    resource: 'workgroup',
    resourceName: data.workgroupNames[job],
  });
  addStatement(
    fn,
    'AthenaQueries',
    [
      'athena:StartQueryExecution',
      'athena:GetQueryExecution',
      'athena:GetQueryResults',
      'athena:StopQueryExecution',
      'athena:GetWorkGroup',
    ],
    [workgroupArn],
  );
  addStatement(
    fn,
    'GlueCatalog',
    ['glue:GetDatabase', 'glue:GetTable', 'glue:GetPartition', 'glue:GetPartitions'],
    [
      Stack.of(scope).formatArn({ service: 'glue', resource: 'catalog' }),
      Stack.of(scope).formatArn({
        service: 'glue',
        resource: 'database',
        resourceName: data.glueDatabaseName,
      }),
      ...lakeTables.map((table) =>
        Stack.of(scope).formatArn({
          service: 'glue',
          resource: 'table',
          resourceName: `${data.glueDatabaseName}/${table.name}`,
        }),
      ),
    ],
  );
  const lakeArn = bucketArn(data.lakeBucketName);
  addStatement(
    fn,
    'LakeRead',
    ['s3:GetObject'],
    lakeTables.map((table) => `${lakeArn}/${table.keyPrefix}*`),
  );
  addStatement(fn, 'LakeList', ['s3:ListBucket'], [lakeArn], {
    StringLike: { 's3:prefix': lakeTables.map((table) => `${table.keyPrefix}*`) },
  });
  addStatement(fn, 'LakeLocation', ['s3:GetBucketLocation'], [lakeArn]);
  if (data.lakeKmsKeyArn) addStatement(fn, 'LakeKey', ['kms:Decrypt'], [data.lakeKmsKeyArn]);
  const resultsArn = bucketArn(data.resultsBucketName);
  addStatement(
    fn,
    'AthenaResultsObjects',
    ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
    [`${resultsArn}/${athenaResultsPrefix(job)}*`],
  );
  addStatement(
    fn,
    'AthenaResultsBucket',
    ['s3:ListBucket', 's3:GetBucketLocation', 's3:ListBucketMultipartUploads'],
    [resultsArn],
  );

  for (const table of lakeTables) {
    acknowledgeWildcardResource(
      fn.role!,
      `${lakeArn}/${table.keyPrefix}*`,
      `Athena reads every dt= partition object of the ${table.name} lake table; access stops at that table's folder.`,
    );
  }
  acknowledgeWildcardResource(
    fn.role!,
    `${resultsArn}/${athenaResultsPrefix(job)}*`,
    "Athena names each result object after its query id; access stops at this job's results folder.",
  );
}

/** Publishing to the alerts topic, and the topic key that encrypts it. */
export function grantPublishAlerts(fn: nodejs.NodejsFunction, data: DataStack): void {
  addStatement(fn, 'AlertsPublish', ['sns:Publish'], [data.alertsTopic.topicArn]);
  addStatement(fn, 'AlertsTopicKey', ['kms:GenerateDataKey', 'kms:Decrypt'], [data.topicKey.keyArn]);
}
