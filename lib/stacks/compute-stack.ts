import { fileURLToPath } from 'node:url';
import {
  Aws,
  CfnOutput,
  Duration,
  RemovalPolicy,
  Stack,
  type StackProps,
  TimeZone,
  Validations,
} from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { TABLES, type TableSpec } from '#shared/adapters/dynamo/tables.ts';
import { FUNCTION_ENV_NAMES } from '#shared/config/lambda-env.ts';
import { DETECT_METRICS, GATE_METRICS, METRICS_NAMESPACE, SERVICE_NAMES } from '#shared/telemetry.ts';
import type { DeployConfig } from '../config.ts';
import { acknowledgeWildcardResource } from '../nag.ts';
import { type AthenaJob, athenaResultsPrefix, type DataStack, type LakeTable } from './data-stack.ts';

/** The repository root: NodejsFunction bundles from here with the project's own esbuild. */
const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

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
  tierRefresh: { gate: ['dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem'] },
  gate: { gate: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:UpdateItem'] },
};

interface FunctionSpec {
  /** Handler file, relative to the repository root; the export is `handler`. */
  entry: string;
  serviceName: string;
  timeout: Duration;
  memorySize: number;
  /** Asynchronous (scheduled) functions only. */
  deadLetterQueue?: sqs.IQueue;
}

/**
 * The stateless stack: functions, schedules, the gate API, alarms and the dashboard. It only
 * references the data stack, so `cdk destroy` on it leaves every table, bucket and topic in place.
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
      this.defineFunction(id, spec, config, environmentOf(key));
    this.functions = {
      detect: define('detect', 'Detect', {
        entry: 'functions/detect/handler.ts',
        serviceName: SERVICE_NAMES.detect,
        ...job,
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
      }),
    };
    const { detect, report, tierRefresh, gate } = this.functions;
    // The gate's decision logs carry a keyed hash of the user id: the key is generated and kept here.
    const userIdKey = new secretsmanager.Secret(this, 'GateUserIdKey', {
      description: 'crm-guard fatigue gate: key of the user-id hash in decision logs',
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
    });
    Validations.of(userIdKey).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Pseudonymises user ids in logs, no credential: rotating it would only unlink log lines across the rotation.',
    });
    gate.addEnvironment('GATE_USER_ID_KEY', userIdKey.secretValue.unsafeUnwrap());

    // Least privilege, one statement per resource kind, every resource named.
    this.grantAthena(detect, data, 'detect', [data.channelTable]);
    this.grantAthena(report, data, 'report', [data.channelTable]);
    this.grantAthena(tierRefresh, data, 'tier-refresh', [data.engagementTable]);
    for (const [key, tables] of Object.entries(TABLE_ACTIONS) as [FunctionKey, TableActions][])
      for (const [id, actions] of Object.entries(tables) as [TableSpec['id'], string[]][])
        addStatement(this.functions[key], `Table${capitalize(id)}`, actions, [data.tables[id].tableArn]);
    this.grantPublishAlerts(detect, data);
    this.grantPublishAlerts(report, data);
    // The report writes its files and presigns a GET link, which needs read on the same keys.
    const reportFiles = `${this.bucketArn(data.reportsBucketName)}/${data.reportsPrefix}*`;
    addStatement(report, 'ReportFiles', ['s3:PutObject', 's3:GetObject'], [reportFiles]);
    acknowledgeWildcardResource(
      report.role!,
      reportFiles,
      'Report file names carry the week and the format; access stops at the configured reports prefix.',
    );

    this.defineSchedules(config);
    this.gateApi = this.defineGateApi(config, gate);
    this.defineAlarmsAndDashboard(config, data);

    new CfnOutput(this, 'GateApiUrl', { value: this.gateApi.url });
    // Names for running a job by hand, and role ARNs for an existing lake's bucket policy.
    for (const [key, fn] of Object.entries(this.functions)) {
      const id = capitalize(key);
      new CfnOutput(this, `${id}FunctionName`, { value: fn.functionName });
      new CfnOutput(this, `${id}RoleArn`, { value: fn.role!.roleArn });
    }
    new CfnOutput(this, 'DeadLetterQueueUrl', { value: this.deadLetterQueue.queueUrl });
  }

  private defineFunction(
    id: string,
    spec: FunctionSpec,
    config: DeployConfig,
    environment: Record<string, string>,
  ): nodejs.NodejsFunction {
    const logGroup = new logs.LogGroup(this, `${id}Logs`, {
      retention: config.logRetentionDays as logs.RetentionDays,
      // Logs are operational, not product data: they go with the compute stack.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // An own role instead of AWSLambdaBasicExecutionRole: it may write to its own log group only.
    const role = new iam.Role(this, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `crm-guard ${spec.serviceName} function`,
    });
    logGroup.grantWrite(role);
    const fn = new nodejs.NodejsFunction(this, id, {
      entry: `${PROJECT_ROOT}${spec.entry}`,
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: `${PROJECT_ROOT}package-lock.json`,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      role,
      logGroup,
      environment: { ...environment, POWERTOOLS_SERVICE_NAME: spec.serviceName },
      timeout: spec.timeout,
      memorySize: spec.memorySize,
      deadLetterQueue: spec.deadLetterQueue,
      retryAttempts: spec.deadLetterQueue ? config.schedules.retryAttempts : undefined,
      bundling: {
        format: nodejs.OutputFormat.ESM,
        target: 'node24',
        mainFields: ['module', 'main'],
        // ESM output still meets CommonJS dependencies that call require().
        banner: "import { createRequire } from 'module';const require = createRequire(import.meta.url);",
        // The SDK is bundled, pinned by the lock file: what the tests ran is what ships.
        externalModules: [],
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        metafile: true,
        forceDockerBundling: false,
      },
    });
    return fn;
  }

  /**
   * Athena on the job's own workgroup, Glue on the named tables, S3 read on their lake folders, and
   * read and write on the job's own results folder only.
   */
  private grantAthena(
    fn: nodejs.NodejsFunction,
    data: DataStack,
    job: AthenaJob,
    lakeTables: LakeTable[],
  ): void {
    fn.addEnvironment('ATHENA_WORKGROUP', data.workgroupNames[job]);
    const workgroupArn = this.formatArn({
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
        this.formatArn({ service: 'glue', resource: 'catalog' }),
        this.formatArn({ service: 'glue', resource: 'database', resourceName: data.glueDatabaseName }),
        ...lakeTables.map((table) =>
          this.formatArn({
            service: 'glue',
            resource: 'table',
            resourceName: `${data.glueDatabaseName}/${table.name}`,
          }),
        ),
      ],
    );
    const lakeArn = this.bucketArn(data.lakeBucketName);
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
    const resultsArn = this.bucketArn(data.resultsBucketName);
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

  private bucketArn(bucketName: string): string {
    return `arn:${Aws.PARTITION}:s3:::${bucketName}`;
  }

  private grantPublishAlerts(fn: nodejs.NodejsFunction, data: DataStack): void {
    addStatement(fn, 'AlertsPublish', ['sns:Publish'], [data.alertsTopic.topicArn]);
    addStatement(fn, 'AlertsTopicKey', ['kms:GenerateDataKey', 'kms:Decrypt'], [data.topicKey.keyArn]);
  }

  private defineSchedules(config: DeployConfig): void {
    const at = (clock: string) => {
      const [hour, minute] = clock.split(':').map(Number);
      return { hour: String(hour), minute: String(minute) };
    };
    const target = (fn: lambda.IFunction) =>
      new InvokeFunction(fn, {
        deadLetterQueue: this.deadLetterQueue,
        retryAttempts: config.schedules.retryAttempts,
        // A morning job that could not start within the hour is better reported than run late.
        maxEventAge: Duration.hours(1),
      });
    new scheduler.Schedule(this, 'DetectSchedule', {
      description: 'crm-guard: daily anomaly detection',
      schedule: scheduler.ScheduleExpression.cron({
        ...at(config.schedules.detect),
        timeZone: TimeZone.ASIA_SEOUL,
      }),
      target: target(this.functions.detect),
    });
    new scheduler.Schedule(this, 'ReportSchedule', {
      description: 'crm-guard: weekly low-performer report',
      schedule: scheduler.ScheduleExpression.cron({
        ...at(config.schedules.report.time),
        weekDay: config.schedules.report.weekday,
        timeZone: TimeZone.ASIA_SEOUL,
      }),
      target: target(this.functions.report),
    });
    new scheduler.Schedule(this, 'TierRefreshSchedule', {
      description: 'crm-guard: daily engagement tier refresh',
      schedule: scheduler.ScheduleExpression.cron({
        ...at(config.schedules.tierRefresh),
        timeZone: TimeZone.ASIA_SEOUL,
      }),
      target: target(this.functions.tierRefresh),
    });
  }

  private gateAccessLogs(config: DeployConfig): logs.LogGroup {
    return new logs.LogGroup(this, 'GateApiAccessLogs', {
      retention: config.logRetentionDays as logs.RetentionDays,
      removalPolicy: RemovalPolicy.DESTROY,
    });
  }

  private defineGateApi(config: DeployConfig, gate: nodejs.NodejsFunction): apigw.RestApi {
    const callers = config.gate.callerRoleArns;
    // API Gateway's logs need the account's CloudWatch role: set here only when asked (it is
    // account-wide and outlives the stack), used when it exists, else no API logs at all.
    const logging = config.gate.apiLogs !== 'off';
    const api = new apigw.RestApi(this, 'GateApi', {
      restApiName: `crm-guard-gate-${config.envName}`,
      description: 'crm-guard fatigue gate: the messaging stack asks before each send (SigV4)',
      endpointConfiguration: { types: [apigw.EndpointType.REGIONAL] },
      cloudWatchRole: config.gate.apiLogs === 'set-account-role',
      ...(config.gate.apiLogs === 'set-account-role'
        ? { cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN }
        : {}),
      deployOptions: {
        // The handler routes on /v1/...; the stage is not part of the path it sees.
        stageName: 'live',
        ...(logging
          ? {
              accessLogDestination: new apigw.LogGroupLogDestination(this.gateAccessLogs(config)),
              accessLogFormat: apigw.AccessLogFormat.jsonWithStandardFields({
                caller: true,
                httpMethod: true,
                ip: true,
                protocol: true,
                requestTime: true,
                resourcePath: true,
                responseLength: true,
                status: true,
                user: true,
              }),
              loggingLevel: apigw.MethodLoggingLevel.ERROR,
            }
          : { loggingLevel: apigw.MethodLoggingLevel.OFF }),
        throttlingRateLimit: config.gate.throttleRatePerSecond,
        throttlingBurstLimit: config.gate.throttleBurst,
        metricsEnabled: true,
        dataTraceEnabled: false,
      },
      defaultMethodOptions: { authorizationType: apigw.AuthorizationType.IAM },
      policy: callers.length
        ? new iam.PolicyDocument({
            statements: [
              new iam.PolicyStatement({
                sid: 'MessagingStackInvokes',
                principals: callers.map((arn) => new iam.ArnPrincipal(arn)),
                actions: ['execute-api:Invoke'],
                resources: ['execute-api:/*'],
              }),
            ],
          })
        : undefined,
    });
    // The handler owns its routes (decide, bulk preview, ...); every one of them needs SigV4.
    api.root.addProxy({ defaultIntegration: new apigw.LambdaIntegration(gate), anyMethod: true });

    Validations.of(api).acknowledge({
      id: 'AwsSolutions-APIG2',
      reason: 'The gate validates every request body with its zod schema and answers 400 naming the field.',
    });
    Validations.of(api).acknowledge({
      id: 'AwsSolutions-APIG3',
      reason:
        'Only SigV4-signed calls from the messaging stack role get through; stage throttling caps the rate. ' +
        'A WAF web ACL would add cost without a public client to filter.',
    });
    Validations.of(api).acknowledge({
      id: 'AwsSolutions-COG4',
      reason: 'The caller is a service role, not a user: IAM (SigV4) authorization is the right authorizer.',
    });
    if (config.gate.apiLogs === 'set-account-role')
      Validations.of(api).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
        reason:
          'The AWS-managed policy is the documented role for API Gateway execution logging, account-wide.',
      });
    if (!logging)
      for (const id of ['AwsSolutions-APIG1', 'AwsSolutions-APIG6'])
        Validations.of(api).acknowledge({
          id,
          reason:
            'gate.apiLogs is off: API Gateway logging needs an account-wide role this stack does not set ' +
            'unasked; the gate function logs every request and decision.',
        });
    return api;
  }

  private defineAlarmsAndDashboard(config: DeployConfig, data: DataStack): void {
    const notify = new cloudwatchActions.SnsAction(data.opsTopic);
    const fiveMinutes = Duration.minutes(5);
    const alarms: cloudwatch.Alarm[] = [];

    for (const [key, fn] of Object.entries(this.functions)) {
      alarms.push(
        fn
          .metricErrors({ period: fiveMinutes, statistic: 'Sum' })
          .createAlarm(this, `${capitalize(key)}ErrorsAlarm`, {
            alarmDescription: `${SERVICE_NAMES[key as FunctionKey]} function errors`,
            threshold: 1,
            evaluationPeriods: 1,
            comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
          }),
      );
    }
    const dlqDepth = this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
      period: fiveMinutes,
      statistic: 'Maximum',
    });
    alarms.push(
      dlqDepth.createAlarm(this, 'DeadLetterAlarm', {
        alarmDescription: 'A scheduled job could not start or failed all its retries',
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );
    // Hourly sums over N hours: every hour without a success datapoint is missing, and missing breaches.
    const detectSucceeded = new cloudwatch.Metric({
      namespace: METRICS_NAMESPACE,
      metricName: DETECT_METRICS.succeeded,
      dimensionsMap: { service: SERVICE_NAMES.detect },
      statistic: 'Sum',
      period: Duration.hours(1),
    });
    const silence = config.alarms.detectSilenceHours;
    alarms.push(
      detectSucceeded.createAlarm(this, 'DetectSilenceAlarm', {
        alarmDescription: `No successful detect run in ${silence} hours`,
        threshold: 1,
        evaluationPeriods: silence,
        datapointsToAlarm: silence,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      }),
    );
    const gate5xx = this.gateApi.metricServerError({ period: fiveMinutes, statistic: 'Sum' });
    alarms.push(
      gate5xx.createAlarm(this, 'GateServerErrorsAlarm', {
        alarmDescription: 'Fatigue gate API 5xx responses',
        threshold: config.alarms.gate5xxPerFiveMinutes,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );
    const gateP99 = this.gateApi.metricLatency({ period: fiveMinutes, statistic: 'p99' });
    alarms.push(
      gateP99.createAlarm(this, 'GateLatencyAlarm', {
        alarmDescription: `Fatigue gate API p99 latency above ${config.alarms.gateP99LatencyMs} ms for 15 minutes`,
        threshold: config.alarms.gateP99LatencyMs,
        evaluationPeriods: 3,
        datapointsToAlarm: 3,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );
    // Decisions the store could not back (DynamoDB down, throttled or slow): answered 200 with the
    // fail-safe, so neither 5xx nor latency shows them; their share of all decisions does.
    const gateDecisions = (metricName: string) =>
      new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName,
        dimensionsMap: { service: SERVICE_NAMES.gate },
        statistic: 'Sum',
        period: fiveMinutes,
      });
    const unavailableShare = new cloudwatch.MathExpression({
      expression: 'IF(decisions > 0, 100 * unavailable / decisions, 0)',
      usingMetrics: {
        decisions: gateDecisions(GATE_METRICS.decisions),
        unavailable: gateDecisions(GATE_METRICS.unavailable),
      },
      label: 'Gate decisions without the store (%)',
      period: fiveMinutes,
    });
    alarms.push(
      unavailableShare.createAlarm(this, 'GateUnavailableAlarm', {
        alarmDescription: `Over ${config.alarms.gateUnavailablePercent}% of gate decisions in 5 minutes answered without the store (gate_unavailable)`,
        threshold: config.alarms.gateUnavailablePercent,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );
    for (const alarm of alarms) alarm.addAlarmAction(notify);

    const fns = Object.values(this.functions);
    const dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `crm-guard-${config.envName}`,
      defaultInterval: Duration.days(7),
    });
    dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms, width: 24, height: 4 }),
      new cloudwatch.GraphWidget({
        title: 'Function errors',
        left: fns.map((fn) => fn.metricErrors({ period: fiveMinutes, statistic: 'Sum' })),
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Function duration p99',
        left: fns.map((fn) => fn.metricDuration({ period: fiveMinutes, statistic: 'p99' })),
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Successful detect runs (hourly)',
        left: [detectSucceeded],
        width: 8,
      }),
      new cloudwatch.GraphWidget({ title: 'Dead-letter messages', left: [dlqDepth], width: 8 }),
      new cloudwatch.GraphWidget({
        title: 'Gate requests and errors',
        left: [this.gateApi.metricCount({ period: fiveMinutes, statistic: 'Sum' }), gate5xx],
        right: [this.gateApi.metricClientError({ period: fiveMinutes, statistic: 'Sum' })],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Gate latency',
        left: [this.gateApi.metricLatency({ period: fiveMinutes, statistic: 'p50' }), gateP99],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Gate decisions without the store',
        left: [unavailableShare],
        right: [gateDecisions(GATE_METRICS.unavailable)],
        width: 12,
      }),
    );
  }
}

function addStatement(
  fn: lambda.IFunction,
  sid: string,
  actions: string[],
  resources: string[],
  conditions?: Record<string, unknown>,
): void {
  fn.addToRolePolicy(new iam.PolicyStatement({ sid, actions, resources, conditions }));
}

function capitalize(word: string): string {
  return `${word[0]!.toUpperCase()}${word.slice(1)}`;
}

/**
 * Scheduler target that invokes exactly the named function. The stock LambdaInvoke target grants
 * `<function>:*` as well (every version and alias), which these unversioned functions do not need.
 */
class InvokeFunction extends schedulerTargets.ScheduleTargetBase {
  private readonly fn: lambda.IFunction;

  constructor(fn: lambda.IFunction, props: schedulerTargets.ScheduleTargetBaseProps) {
    super(props, fn.functionArn);
    this.fn = fn;
  }

  protected addTargetActionToRole(role: iam.IRole): void {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [this.fn.functionArn] }),
    );
  }
}
