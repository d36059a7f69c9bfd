import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import type * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { TABLES, type TableSpec } from '#shared/adapters/dynamo/tables.ts';
import { FUNCTION_ENV_NAMES } from '#shared/config/lambda-env.ts';
import { METRICS_NAMESPACE, SERVICE_NAMES } from '#shared/telemetry.ts';
import type { DeployConfig } from '../config.ts';
import { grantAthena, grantPublishAlerts } from '../constructs/athena-access.ts';
import { defineChat } from '../constructs/chat.ts';
import { defineFunction, type FunctionSpec } from '../constructs/function.ts';
import { defineGateApi } from '../constructs/gate-api.ts';
import { defineMonitoring } from '../constructs/monitoring.ts';
import { defineSchedules } from '../constructs/schedules.ts';
import { addStatement, bucketArn, capitalize } from '../constructs/statements.ts';
import { acknowledgeWildcardResource } from '../nag.ts';
import type { DataStack } from './data-stack.ts';

export interface ComputeStackProps extends StackProps {
  config: DeployConfig;
  data: DataStack;
}

type FunctionKey = keyof typeof SERVICE_NAMES;
type TableActions = Partial<Record<TableSpec['id'], string[]>>;

/**
 * The DynamoDB actions each function calls, table by table, and no more (the template test lists
 * them). The registry is read whole (a few hundred channels) with a Scan: no key names them all.
 * Nothing queries the findings table's byChannel index, so no role may.
 */
export const TABLE_ACTIONS: Record<FunctionKey, TableActions> = {
  detect: {
    findings: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:BatchWriteItem', 'dynamodb:UpdateItem'],
    channels: ['dynamodb:Scan'],
  },
  report: {
    findings: ['dynamodb:GetItem', 'dynamodb:Query'],
    channels: ['dynamodb:Scan'],
  },
  tierRefresh: {
    gate: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem'],
  },
  gate: { gate: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:UpdateItem'] },
  // The one-click page reads the day's verdicts (a second press keeps the first's name and note) and records one beside its findings.
  feedback: { findings: ['dynamodb:PutItem', 'dynamodb:Query'] },
};

/**
 * The stateless stack: functions, schedules, the gate API, alarms and the dashboard, composed from
 * the builders in lib/constructs/ (each creates its resources on this stack, so their logical ids stay
 * as they were). It only references the data stack, so `cdk destroy` on it leaves every table, bucket
 * and topic in place.
 */
export class ComputeStack extends Stack {
  readonly functions: Record<FunctionKey, nodejs.NodejsFunction>;
  readonly deadLetterQueue: sqs.Queue;
  readonly gateApi: apigw.RestApi;

  constructor(scope: Construct, id: string, props: ComputeStackProps) {
    super(scope, id, props);
    const { config, data } = props;

    // Failed schedule deliveries and failed asynchronous runs both land here, and one alarm watches it.
    this.deadLetterQueue = new sqs.Queue(this, 'JobsDeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });

    // Every value a function may be given; each gets the names its own contract lists, no others.
    const values: Record<string, string | undefined> = {
      [TABLES.findings.envVar]: data.tables.findings.tableName,
      [TABLES.channels.envVar]: data.tables.channels.tableName,
      [TABLES.gate.envVar]: data.tables.gate.tableName,
      ALERTS_TOPIC_ARN: data.alertsTopic.topicArn,
      ATHENA_DATABASE: data.glueDatabaseName,
      CHANNEL_TABLE: data.channelTable.name,
      ENGAGEMENT_TABLE: data.engagementTable.name,
      REPORT_BUCKET: data.reportsBucketName,
      REPORT_PREFIX: data.reportsPrefix,
      DETECTION_PROFILE: config.detectionProfile,
      GATE_POLICY: config.gate.policy ? JSON.stringify(config.gate.policy) : undefined,
      CRM_GUARD_CONFIG: config.detection ? JSON.stringify(config.detection) : undefined,
      REPORT_LOCALE: config.reports.locale,
    };
    const runtime = {
      POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
      POWERTOOLS_LOG_LEVEL: config.logLevel,
      NODE_OPTIONS: '--enable-source-maps',
    };
    const environmentOf = (key: FunctionKey): Record<string, string> => {
      const own: Record<string, string> = { ...runtime };
      for (const name of FUNCTION_ENV_NAMES[key]) {
        const value = values[name];
        if (value !== undefined) own[name] = value;
      }
      return own;
    };

    // Scheduled jobs mostly wait on Athena; a failed run retries, then lands in the dead-letter queue.
    const job = { timeout: Duration.minutes(10), memorySize: 1024, deadLetterQueue: this.deadLetterQueue };
    const define = (key: FunctionKey, id: string, spec: FunctionSpec) =>
      defineFunction(this, id, spec, config, environmentOf(key));
    this.functions = {
      detect: define('detect', 'Detect', {
        entry: 'functions/detect/handler.ts',
        serviceName: SERVICE_NAMES.detect,
        ...job,
        memorySize: config.detect.memoryMb,
      }),
      report: define('report', 'Report', {
        entry: 'functions/report/handler.ts',
        serviceName: SERVICE_NAMES.report,
        ...job,
      }),
      // Reads one aggregated row per user (1M rows = ~1,000 result pages): give it Lambda's maximum.
      tierRefresh: define('tierRefresh', 'TierRefresh', {
        entry: 'functions/fatigue-gate/tier-refresh.ts',
        serviceName: SERVICE_NAMES.tierRefresh,
        ...job,
        timeout: Duration.minutes(15),
      }),
      // Synchronous behind API Gateway (29 s cap); the gate answers in milliseconds or fails closed.
      gate: define('gate', 'Gate', {
        entry: 'functions/fatigue-gate/handler.ts',
        serviceName: SERVICE_NAMES.gate,
        timeout: Duration.seconds(10),
        memorySize: config.gate.memoryMb,
        // Its decision lines are the only record of why a send was refused or let through under the
        // ad rules (the transactional override's line is its audit trail): kept as the data is.
        keepLogs: config.retainData,
      }),
      // The page behind the digest's one-click links: a few requests a day.
      feedback: define('feedback', 'Feedback', {
        entry: 'functions/feedback/handler.ts',
        serviceName: SERVICE_NAMES.feedback,
        timeout: Duration.seconds(10),
        memorySize: 256,
      }),
    };
    const { detect, report, tierRefresh, gate, feedback } = this.functions;
    // The gate's decision logs carry a keyed hash of the user id, its key kept in the data stack.
    // Read by the function at cold start: the key never sits in its configuration.
    gate.addEnvironment('GATE_USER_ID_KEY_SECRET', data.userIdKey.secretArn);
    addStatement(gate, 'UserIdKeyRead', ['secretsmanager:GetSecretValue'], [data.userIdKey.secretArn]);

    // Least privilege, one statement per resource kind, every resource named.
    grantAthena(this, detect, data, 'detect', [data.channelTable]);
    grantAthena(this, report, data, 'report', [data.channelTable]);
    grantAthena(this, tierRefresh, data, 'tier-refresh', [data.engagementTable]);
    for (const [key, tables] of Object.entries(TABLE_ACTIONS) as [FunctionKey, TableActions][])
      for (const [id, actions] of Object.entries(tables) as [TableSpec['id'], string[]][])
        addStatement(this.functions[key], `Table${capitalize(id)}`, actions, [data.tables[id].tableArn]);
    grantPublishAlerts(detect, data);
    grantPublishAlerts(report, data);
    // The report writes its files; its e-mail links to the report page, which reads them.
    const reportFiles = `${bucketArn(data.reportsBucketName)}/${data.reportsPrefix}*`;
    addStatement(report, 'ReportFiles', ['s3:PutObject'], [reportFiles]);
    acknowledgeWildcardResource(
      report.role!,
      reportFiles,
      'Report file names carry the week and the format; access stops at the configured reports prefix.',
    );

    defineSchedules(this, config, { detect, report, tierRefresh }, this.deadLetterQueue);
    this.gateApi = defineGateApi(this, config, gate, feedback);
    // The e-mails' links: signed by detect (feedback) and the report (its page), checked by the
    // pages' function, on one KMS HMAC key.
    const linkKey = data.feedbackLinkKey.keyArn;
    for (const [signer, id] of [
      [detect, 'FeedbackLinksSign'],
      [report, 'ReportLinkSign'],
    ] as const) {
      signer.addEnvironment('FEEDBACK_LINK_BASE', this.gateApi.url);
      signer.addEnvironment('FEEDBACK_KEY_ID', linkKey);
      addStatement(signer, id, ['kms:GenerateMac'], [linkKey]);
    }
    feedback.addEnvironment('FEEDBACK_KEY_ID', linkKey);
    addStatement(feedback, 'FeedbackLinksVerify', ['kms:VerifyMac'], [linkKey]);
    // The report page presigns the week's report when its link is opened: read on the report files only.
    addStatement(feedback, 'ReportFilesRead', ['s3:GetObject'], [reportFiles]);
    // Without list, S3 answers a HEAD of a report past its retention with 403, not 404: the page could
    // not tell "no longer kept" from a fault. (A HEAD carries no prefix to condition on.)
    addStatement(feedback, 'ReportFilesList', ['s3:ListBucket'], [bucketArn(data.reportsBucketName)]);
    acknowledgeWildcardResource(
      feedback.role!,
      reportFiles,
      'The report page opens any week the link names; access stops at the configured reports prefix.',
    );
    defineChat(this, config, data.alertsTopic);
    defineMonitoring(this, config, data, {
      functions: this.functions,
      deadLetterQueue: this.deadLetterQueue,
      gateApi: this.gateApi,
    });

    new CfnOutput(this, 'GateApiUrl', { value: this.gateApi.url });
    // Names for running a job by hand, and role ARNs for an existing lake's bucket policy.
    for (const [key, fn] of Object.entries(this.functions)) {
      const id = capitalize(key);
      new CfnOutput(this, `${id}FunctionName`, { value: fn.functionName });
      new CfnOutput(this, `${id}RoleArn`, { value: fn.role!.roleArn });
    }
    new CfnOutput(this, 'DeadLetterQueueUrl', { value: this.deadLetterQueue.queueUrl });
  }
}
