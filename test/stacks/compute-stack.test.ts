import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { policyFromJson } from '#functions/fatigue-gate/config.ts';
import { parseCrmGuardConfig } from '#shared/config/crm-guard-config.ts';
import { FUNCTION_ENV_NAMES } from '#shared/config/lambda-env.ts';
import { DEFAULT_POLICY_INPUT } from '#shared/gate/default-policy.ts';
import { DETECT_METRICS, GATE_METRICS, METRICS_NAMESPACE, SERVICE_NAMES } from '#shared/telemetry.ts';
import { contextKey } from '../../lib/config.ts';
import { type CfnJson, cdkJsonContext, flat, synthApp } from './app-fixture.ts';

type Resource = { Properties: CfnJson };
type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Sid?: string };

function resourcesOf(template: Template, type: string): Record<string, Resource> {
  return template.findResources(type) as Record<string, Resource>;
}

/** A policy as a deployer would pass it: the shipped one, edited (a shorter engagement window). */
const TIGHTER_POLICY = {
  ...DEFAULT_POLICY_INPUT,
  tiering: { ...DEFAULT_POLICY_INPUT.tiering, windowDays: 21 },
};

const asList = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

/** The role policy statements of a function, keyed by the function's logical id prefix. */
function statementsOf(template: Template, roleId: string): Statement[] {
  const policies = Object.entries(resourcesOf(template, 'AWS::IAM::Policy')).filter(([logicalId]) =>
    logicalId.startsWith(`${roleId}RoleDefaultPolicy`),
  );
  return policies.flatMap(([, policy]) => policy.Properties.PolicyDocument.Statement as Statement[]);
}

function resourcesFor(statements: Statement[], sid: string): string[] {
  const statement = statements.find((candidate) => candidate.Sid === sid);
  return statement ? asList(statement.Resource).map(flat) : [];
}

describe('compute stack (dev, as cdk.json ships it)', () => {
  let template: Template;
  beforeAll(() => {
    template = synthApp().computeTemplate;
  });

  it('runs five NodejsFunctions on nodejs24.x arm64 with the Powertools environment and their own log groups', () => {
    // Act
    const functions = Object.values(resourcesOf(template, 'AWS::Lambda::Function'));

    // Assess
    expect(functions).toHaveLength(5);
    for (const fn of functions) {
      expect(fn.Properties.Runtime).toBe('nodejs24.x');
      expect(fn.Properties.Architectures).toEqual(['arm64']);
      expect(fn.Properties.Handler).toBe('index.handler');
      expect(fn.Properties.LoggingConfig.LogGroup).toEqual({ Ref: expect.any(String) });
      expect(fn.Properties.Environment.Variables).toMatchObject({
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        POWERTOOLS_LOG_LEVEL: 'DEBUG',
      });
    }
    // Each function gets the variables of its own contract (shared/config/lambda-env.ts) and no others.
    const runtime = [
      'NODE_OPTIONS',
      'POWERTOOLS_LOG_LEVEL',
      'POWERTOOLS_METRICS_NAMESPACE',
      'POWERTOOLS_SERVICE_NAME',
    ];
    const byService = Object.fromEntries(
      functions.map((fn) => [
        fn.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME,
        Object.keys(fn.Properties.Environment.Variables).sort(),
      ]),
    );
    for (const [key, service] of Object.entries(SERVICE_NAMES) as [keyof typeof SERVICE_NAMES, string][]) {
      // Optional variables the dev block does not set (a gate policy, detection overrides) are left out.
      const expected = FUNCTION_ENV_NAMES[key].filter(
        (name) =>
          ![
            'GATE_POLICY',
            'CRM_GUARD_CONFIG',
            'REPORT_LOCALE',
            'GATE_STORE_TIMEOUT_MS',
            'GATE_BATCH_TIMEOUT_MS',
            'GATE_TIER_CACHE_MS',
            'GATE_LOG_USER_IDS',
            // One machine's way to give the key; in AWS its secret's name comes instead.
            'GATE_USER_ID_KEY',
          ].includes(name),
      );
      expect(byService[service], service).toEqual([...expected, ...runtime].sort());
    }
    expect(byService.detect).not.toContain('GATE_TABLE');
    expect(byService['fatigue-gate']).not.toContain('FINDINGS_TABLE');
    // Each job that queries the lake has a workgroup of its own; the gate has none.
    expect(
      Object.fromEntries(
        functions.map((fn) => [
          fn.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME,
          fn.Properties.Environment.Variables.ATHENA_WORKGROUP,
        ]),
      ),
    ).toEqual({
      detect: 'crm-guard-dev-detect',
      report: 'crm-guard-dev-report',
      'tier-refresh': 'crm-guard-dev-tier-refresh',
      'fatigue-gate': undefined,
      feedback: undefined,
    });
    const serviceNames = functions
      .map((fn) => fn.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME)
      .sort();
    expect(serviceNames).toEqual(Object.values(SERVICE_NAMES).sort());
    const timeouts = Object.fromEntries(
      functions.map((fn) => [
        fn.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME,
        fn.Properties.Timeout,
      ]),
    );
    expect(timeouts).toEqual({
      detect: 600,
      report: 600,
      'tier-refresh': 900,
      'fatigue-gate': 10,
      feedback: 10,
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 14 });
  });

  it('schedules detect daily 09:00 (again at 12:00 and 15:00 for late data), the report Mondays 09:30 and the tier refresh daily, in Asia/Seoul, with retries and a DLQ', () => {
    // Act
    const schedules = Object.values(resourcesOf(template, 'AWS::Scheduler::Schedule')).map(
      (schedule) => schedule.Properties,
    );

    // Assess
    expect(schedules.map((schedule) => schedule.ScheduleExpression).sort()).toEqual([
      'cron(0 12 * * ? *)',
      'cron(0 15 * * ? *)',
      'cron(0 6 * * ? *)',
      'cron(0 9 * * ? *)',
      'cron(30 9 ? * MON *)',
    ]);
    for (const schedule of schedules) {
      expect(schedule.ScheduleExpressionTimezone).toBe('Asia/Seoul');
      expect(schedule.Target.Input).toBe(schedule.Description.includes('again') ? '{"catchUp":true}' : '{}');
      expect(schedule.State).toBe('ENABLED');
      expect(schedule.Target.RetryPolicy).toEqual({
        MaximumRetryAttempts: 2,
        MaximumEventAgeInSeconds: 3600,
      });
      expect(schedule.Target.DeadLetterConfig.Arn).toEqual({
        'Fn::GetAtt': [expect.stringMatching(/^JobsDeadLetterQueue/), 'Arn'],
      });
    }
    // Failed asynchronous runs (after Lambda's own retries) land in the same queue.
    const jobs = Object.values(resourcesOf(template, 'AWS::Lambda::Function')).filter(
      (fn) => fn.Properties.DeadLetterConfig,
    );
    expect(jobs).toHaveLength(3);
    template.resourceCountIs('AWS::Lambda::EventInvokeConfig', 3);
    template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
  });

  it('lets a scheduler role invoke only its named function', () => {
    // Act
    const schedulerPolicies = Object.entries(resourcesOf(template, 'AWS::IAM::Policy')).filter(
      ([logicalId]) => logicalId.startsWith('SchedulerRoleForTarget'),
    );
    const invokes = schedulerPolicies
      .flatMap(([, policy]) => policy.Properties.PolicyDocument.Statement as Statement[])
      .filter((statement) => asList(statement.Action).includes('lambda:InvokeFunction'));

    // Assess
    expect(invokes).toHaveLength(3);
    for (const statement of invokes) {
      expect(asList(statement.Resource)).toEqual([{ 'Fn::GetAtt': [expect.any(String), 'Arn'] }]);
    }
  });

  it('protects the gate API with IAM (SigV4) on every method and throttles it, touching no account setting', () => {
    // Act
    const methods = Object.values(resourcesOf(template, 'AWS::ApiGateway::Method'));
    const [stage] = Object.values(resourcesOf(template, 'AWS::ApiGateway::Stage'));

    // Assess
    expect(methods.length).toBeGreaterThan(0);
    // Every method needs SigV4 but the pages behind the e-mails' signed links: feedback (GET and
    // POST) and the weekly report (GET).
    const open = methods.filter((method) => method.Properties.AuthorizationType !== 'AWS_IAM');
    expect(open.map((method) => method.Properties.HttpMethod).sort()).toEqual(['GET', 'GET', 'POST']);
    for (const method of open) expect(JSON.stringify(method.Properties.Integration.Uri)).toMatch(/Feedback/);
    // Every route reaches a function, the root too: a mock there answers 500, which the 5xx alarm counts.
    for (const method of methods) expect(method.Properties.Integration.Type).toBe('AWS_PROXY');
    expect(stage!.Properties.StageName).toBe('live');
    expect(stage!.Properties.MethodSettings).toEqual([
      expect.objectContaining({
        HttpMethod: '*',
        ResourcePath: '/*',
        ThrottlingRateLimit: 100,
        ThrottlingBurstLimit: 200,
        LoggingLevel: 'OFF',
        DataTraceEnabled: false,
        // Per-method metrics are billed as custom metrics; the alarms read the API's own.
        MetricsEnabled: false,
      }),
      // The link pages have their own, lower limit: a team's clicks, not the gate's traffic.
      ...[
        ['GET', '/~1v1~1feedback'],
        ['POST', '/~1v1~1feedback'],
        ['GET', '/~1v1~1report'],
      ].map(([HttpMethod, ResourcePath]) =>
        expect.objectContaining({
          HttpMethod,
          ResourcePath,
          ThrottlingRateLimit: 5,
          ThrottlingBurstLimit: 10,
        }),
      ),
    ]);
    // API logs are opt-in (gate.apiLogs): the account-wide CloudWatch role is never set unasked.
    expect(stage!.Properties.AccessLogSetting).toBeUndefined();
    template.resourceCountIs('AWS::ApiGateway::Account', 0);
    template.hasResourceProperties('AWS::ApiGateway::RestApi', {
      EndpointConfiguration: { Types: ['REGIONAL'] },
    });
  });

  it('sends the alerts topic to Slack and Teams through AWS Chatbot only when chat is configured', () => {
    // Prepare
    const dev = cdkJsonContext()[contextKey('dev')] as CfnJson;
    const chat = {
      slack: { workspaceId: 'T0123ABCD', channelId: 'C0456EFGH' },
      teams: {
        tenantId: '0c1d2e3f-4a5b-4c6d-8e7f-901a2b3c4d5e',
        teamId: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
        channelId: '19%3ab6ef35dc342d56ba5654e6fc6d25a071%40thread.tacv2',
      },
    };

    // Act
    const withChat = synthApp({ [contextKey('dev')]: { ...dev, chat } }).computeTemplate;

    // Assess
    template.resourceCountIs('AWS::Chatbot::SlackChannelConfiguration', 0);
    withChat.hasResourceProperties('AWS::Chatbot::SlackChannelConfiguration', {
      SlackWorkspaceId: 'T0123ABCD',
      SlackChannelId: 'C0456EFGH',
      SnsTopicArns: [{ 'Fn::ImportValue': Match.stringLikeRegexp('AlertsTopic') }],
    });
    withChat.hasResourceProperties('AWS::Chatbot::MicrosoftTeamsChannelConfiguration', {
      TeamsTenantId: '0c1d2e3f-4a5b-4c6d-8e7f-901a2b3c4d5e',
      SnsTopicArns: [{ 'Fn::ImportValue': Match.stringLikeRegexp('AlertsTopic') }],
    });
  });

  it.each([
    ['account-role-exists', 0],
    ['set-account-role', 1],
  ])('with gate.apiLogs %s, writes access logs and sets the account role %i time(s)', (apiLogs, accounts) => {
    // Prepare
    const dev = cdkJsonContext()[contextKey('dev')] as CfnJson;

    // Act
    const logged = synthApp({
      [contextKey('dev')]: { ...dev, gate: { ...dev.gate, apiLogs } },
    }).computeTemplate;
    const [stage] = Object.values(resourcesOf(logged, 'AWS::ApiGateway::Stage'));

    // Assess
    expect(stage!.Properties.AccessLogSetting.DestinationArn).toEqual({
      'Fn::GetAtt': [expect.any(String), 'Arn'],
    });
    expect(stage!.Properties.MethodSettings[0].LoggingLevel).toBe('ERROR');
    logged.resourceCountIs('AWS::ApiGateway::Account', accounts);
  });

  it('scopes every IAM statement to named resources; only S3 object keys under a named prefix carry a *', () => {
    // Act
    const statements = Object.values(resourcesOf(template, 'AWS::IAM::Policy')).flatMap(
      (policy) => policy.Properties.PolicyDocument.Statement as Statement[],
    );
    const wildcards = statements
      .flatMap((statement) => asList(statement.Resource).map(flat))
      .filter((arn) => arn.includes('*'));

    // Assess
    expect(statements.length).toBeGreaterThan(20);
    expect(
      statements.flatMap((statement) => asList(statement.Action)).filter((action) => action.includes('*')),
    ).toEqual([]);
    for (const arn of wildcards) {
      expect(arn).toMatch(
        /^arn:<AWS::Partition>:s3:::crm-guard-dev-(lake|athena|reports)-<AWS::AccountId>-<AWS::Region>\/[a-z_/-]+\/\*$/,
      );
    }
  });

  it('grants each function only what its job needs', () => {
    // Prepare
    const detect = statementsOf(template, 'Detect');
    const report = statementsOf(template, 'Report');
    const tierRefresh = statementsOf(template, 'TierRefresh');
    const gate = statementsOf(template, 'Gate');
    const lake = 'arn:<AWS::Partition>:s3:::crm-guard-dev-lake-<AWS::AccountId>-<AWS::Region>';
    const glueTable = (name: string) =>
      `arn:<AWS::Partition>:glue:<AWS::Region>:<AWS::AccountId>:table/crm_guard_dev/${name}`;

    // Assess
    expect(resourcesFor(detect, 'AthenaQueries')).toEqual([
      'arn:<AWS::Partition>:athena:<AWS::Region>:<AWS::AccountId>:workgroup/crm-guard-dev-detect',
    ]);
    expect(resourcesFor(detect, 'GlueCatalog')).toContain(glueTable('crm_channel_daily'));
    expect(resourcesFor(detect, 'GlueCatalog')).not.toContain(glueTable('user_engagement_daily'));
    expect(resourcesFor(tierRefresh, 'GlueCatalog')).toContain(glueTable('user_engagement_daily'));
    expect(resourcesFor(detect, 'LakeRead')).toEqual([`${lake}/lake/crm_channel_daily/*`]);
    expect(resourcesFor(tierRefresh, 'LakeRead')).toEqual([`${lake}/lake/user_engagement_daily/*`]);
    // Each job reads and writes its own results folder: tier refresh's hold a row per user.
    const results = 'arn:<AWS::Partition>:s3:::crm-guard-dev-athena-<AWS::AccountId>-<AWS::Region>/athena';
    expect(resourcesFor(detect, 'AthenaResultsObjects')).toEqual([`${results}/detect/*`]);
    expect(resourcesFor(report, 'AthenaResultsObjects')).toEqual([`${results}/report/*`]);
    expect(resourcesFor(tierRefresh, 'AthenaResultsObjects')).toEqual([`${results}/tier-refresh/*`]);
    const reportFiles =
      'arn:<AWS::Partition>:s3:::crm-guard-dev-reports-<AWS::AccountId>-<AWS::Region>/reports/*';
    expect(resourcesFor(report, 'ReportFiles')).toEqual([reportFiles]);
    expect(report.find((statement) => statement.Sid === 'ReportFiles')?.Action).toBe('s3:PutObject');
    // The report signs its e-mail's link; the pages' function checks it and reads the report, no more.
    const pages = statementsOf(template, 'Feedback');
    expect(resourcesFor(report, 'ReportLinkSign')).toEqual([expect.stringMatching(/FeedbackLinkKey/)]);
    expect(pages.find((statement) => statement.Sid === 'ReportFilesRead')?.Action).toBe('s3:GetObject');
    expect(resourcesFor(pages, 'ReportFilesRead')).toEqual([reportFiles]);
    // So that a report past its retention answers 404 (a page that says so), not 403.
    expect(resourcesFor(pages, 'ReportFilesList')).toEqual([reportFiles.replace('/reports/*', '')]);
    expect(resourcesFor(detect, 'TableFindings')).toEqual([
      expect.stringMatching(/^<Import:CrmGuard-dev-Data:.*FindingsTable.*Arn/),
    ]);
    // Exactly the DynamoDB actions each function's adapters call, table by table.
    const tableActions = (statements: Statement[]) =>
      Object.fromEntries(
        statements
          .filter((statement) => statement.Sid?.startsWith('Table'))
          .map((statement) => [statement.Sid, asList(statement.Action).sort()]),
      );
    expect(tableActions(detect)).toEqual({
      TableFindings: ['dynamodb:BatchWriteItem', 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
      TableChannels: ['dynamodb:Scan'],
    });
    expect(tableActions(report)).toEqual({
      TableFindings: ['dynamodb:GetItem', 'dynamodb:Query'],
      TableChannels: ['dynamodb:Scan'],
    });
    expect(tableActions(tierRefresh)).toEqual({
      TableGate: ['dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem', 'dynamodb:GetItem', 'dynamodb:PutItem'],
    });
    expect(tableActions(gate)).toEqual({
      TableGate: ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:UpdateItem'],
    });
    expect(gate.map((statement) => statement.Sid).filter(Boolean)).toEqual(['UserIdKeyRead', 'TableGate']);
    expect(resourcesFor(tierRefresh, 'TableGate')).toHaveLength(1);
    expect(resourcesFor(detect, 'AlertsPublish')).toEqual([expect.stringMatching(/AlertsTopic/)]);
    expect(resourcesFor(gate, 'AlertsPublish')).toEqual([]);
  });

  it('alarms on the share of gate decisions answered without the store, the metrics the gate emits', () => {
    // Act
    const alarms = Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm')).map(
      (alarm) => alarm.Properties,
    );
    const unavailable = alarms.find((alarm) =>
      (alarm.Metrics ?? []).some(
        (metric: CfnJson) => metric.MetricStat?.Metric.MetricName === GATE_METRICS.unavailable,
      ),
    )!;
    const metricsOf = (id: string) =>
      unavailable.Metrics.find((metric: { Id: string }) => metric.Id === id)?.MetricStat?.Metric;

    // Assess
    expect(unavailable).toMatchObject({ Threshold: 5, ComparisonOperator: 'GreaterThanThreshold' });
    // A timeout or two among a few night-time decisions is no outage: five at least before a share pages.
    expect(unavailable.Metrics.find((metric: { Expression?: string }) => metric.Expression).Expression).toBe(
      'IF(unavailable >= 5 AND decisions > 0, 100 * unavailable / decisions, 0)',
    );
    // Told when it is over, too.
    expect(unavailable.OKActions).toEqual(unavailable.AlarmActions);
    for (const [id, name] of [
      ['decisions', GATE_METRICS.decisions],
      ['unavailable', GATE_METRICS.unavailable],
    ])
      expect(metricsOf(id!)).toEqual({
        Namespace: METRICS_NAMESPACE,
        MetricName: name,
        Dimensions: [{ Name: 'service', Value: SERVICE_NAMES.gate }],
      });
  });

  it("alarms on the share of the gate API's requests refused with 4xx, which never reach the function", () => {
    // Act
    const alarms = Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm')).map(
      (alarm) => alarm.Properties,
    );
    const refused = alarms.find((alarm) =>
      (alarm.Metrics ?? []).some((metric: CfnJson) => metric.MetricStat?.Metric.MetricName === '4XXError'),
    )!;
    const metricNames = refused.Metrics.flatMap((metric: CfnJson) =>
      metric.MetricStat
        ? [`${metric.MetricStat.Metric.Namespace} ${metric.MetricStat.Metric.MetricName}`]
        : [],
    );

    // Assess
    expect(refused).toMatchObject({ Threshold: 20, ComparisonOperator: 'GreaterThanThreshold' });
    expect(metricNames.sort()).toEqual(['AWS/ApiGateway 4XXError', 'AWS/ApiGateway Count']);
    // A few expired e-mail links on a quiet night are not a share worth paging.
    expect(refused.Metrics.find((metric: CfnJson) => metric.Expression).Expression).toBe(
      'IF(requests >= 50, 100 * refused / requests, 0)',
    );
  });

  it("gives the gate, and only the gate, the name of the data stack's secret holding the key of the user-id hash, never the key", () => {
    // Act
    const functions = Object.values(resourcesOf(template, 'AWS::Lambda::Function')).map(
      (fn) => fn.Properties.Environment?.Variables ?? {},
    );
    const withSecret = functions.filter((variables) => 'GATE_USER_ID_KEY_SECRET' in variables);
    const [secretId] = Object.keys(resourcesOf(synthApp().dataTemplate, 'AWS::SecretsManager::Secret'));

    // Assess: the key outlives a redeploy of this stack, or the hashes before it would not match after.
    template.resourceCountIs('AWS::SecretsManager::Secret', 0);
    expect(secretId).toMatch(/^GateUserIdKey/);
    expect(withSecret).toHaveLength(1);
    expect(flat(withSecret[0]!.GATE_USER_ID_KEY_SECRET)).toMatch(new RegExp(`^<Import:.*${secretId}`));
    // A resolved key in the configuration would be readable by anyone who may read the function.
    expect(JSON.stringify(functions)).not.toContain('resolve:secretsmanager');
    expect(functions.some((variables) => 'GATE_USER_ID_KEY' in variables)).toBe(false);
    expect(resourcesFor(statementsOf(template, 'Gate'), 'UserIdKeyRead')).toEqual([
      flat(withSecret[0]!.GATE_USER_ID_KEY_SECRET),
    ]);
  });

  it('alarms to the operations topic on errors, dead letters, detect silence, gate 5xx and p99 latency', () => {
    // Act
    const alarms = Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm')).map(
      (alarm) => alarm.Properties,
    );
    const silence = alarms.find((alarm) =>
      (alarm.Metrics ?? []).some(
        (metric: CfnJson) => metric.MetricStat?.Metric.MetricName === DETECT_METRICS.succeeded,
      ),
    )!;
    const latency = alarms.find((alarm) => alarm.MetricName === 'Latency')!;

    // Assess
    expect(alarms).toHaveLength(5 + 1 + 1 + 2 + 1 + 1);
    for (const alarm of alarms) {
      expect(alarm.AlarmActions).toEqual([{ 'Fn::ImportValue': expect.stringMatching(/OperationsTopic/) }]);
    }
    expect(
      alarms.filter((alarm) => alarm.MetricName === 'Errors' && alarm.Namespace === 'AWS/Lambda'),
    ).toHaveLength(5);
    // Each new dead letter notifies, however many are still in the queue.
    expect(alarms.find((alarm) => alarm.Namespace === 'AWS/SQS')).toMatchObject({
      MetricName: 'NumberOfMessagesSent',
      Statistic: 'Sum',
      Threshold: 1,
    });
    // 26 hourly zeros after a run page; before the first run FILL has nothing to fill and IGNORE keeps
    // the new alarm out of ALARM (treating missing data as breaching paged right after every first deploy).
    expect(silence).toMatchObject({
      EvaluationPeriods: 26,
      DatapointsToAlarm: 26,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'ignore',
    });
    expect(silence.MetricName).toBeUndefined();
    expect(silence.Metrics).toEqual([
      expect.objectContaining({ Expression: 'FILL(succeeded, 0)', ReturnData: true }),
      {
        Id: 'succeeded',
        MetricStat: {
          Metric: {
            Namespace: METRICS_NAMESPACE,
            MetricName: DETECT_METRICS.succeeded,
            Dimensions: [{ Name: 'service', Value: SERVICE_NAMES.detect }],
          },
          Period: 3600,
          Stat: 'Sum',
        },
        ReturnData: false,
      },
    ]);
    expect(alarms.some((alarm) => alarm.MetricName === '5XXError' && alarm.Threshold === 5)).toBe(true);
    expect(latency).toMatchObject({
      ExtendedStatistic: 'p99',
      Threshold: 300,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  });

  it('draws the decisions answered without the store as one line a cause', () => {
    // Prepare: the dashboard's body, its references (names, regions) left as placeholders
    const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
    const [, parts] = dashboard!.Properties.DashboardBody['Fn::Join'] as [string, unknown[]];
    const body = JSON.parse(parts.map((part) => (typeof part === 'string' ? part : 'ref')).join(''));

    // Act
    const widget = body.widgets.find(
      (w: { properties: { title?: string } }) =>
        w.properties.title === 'Gate decisions without the store, by cause',
    );
    const lines = widget.properties.metrics.map(([line]: [{ expression: string; label: string }]) => line);

    // Assess
    expect(lines.map((line: { label: string }) => line.label)).toEqual([
      'timeout',
      'throttled',
      'store_error',
    ]);
    for (const line of lines) expect(line.expression).toMatch(/^SUM\(SEARCH\(.*cause="[a-z_]+".*\)\)$/);
  });
});

describe('compute stack (prod, with the messaging role and an SSE-KMS lake)', () => {
  let template: Template;
  beforeAll(() => {
    const prod = cdkJsonContext()[contextKey('prod')] as CfnJson;
    template = synthApp({
      env: 'prod',
      'crm-guard:prod': {
        ...prod,
        alertEmails: ['crm-alerts@crm-team.test'],
        opsEmails: ['ops@crm-team.test'],
        lake: {
          existingBucketName: 'team-lake',
          existingBucketKmsKeyArn: 'arn:aws:kms:ap-northeast-2:123456789012:key/lake-key',
          prefix: 'warehouse/crm/',
        },
        gate: {
          ...prod.gate,
          callerRoleArns: ['arn:aws:iam::123456789012:role/messaging-sender'],
          policy: TIGHTER_POLICY,
        },
        reports: { ...prod.reports, locale: 'en' },
        detection: { detection: { rules: { zscore: { threshold: 2.5 } } } },
        detect: { memoryMb: 2048 },
      },
    }).computeTemplate;
  });

  it("lets only the messaging role invoke the gate API, and anyone with an e-mail's link open its page", () => {
    // Assess
    template.hasResourceProperties('AWS::ApiGateway::RestApi', {
      Policy: {
        Statement: [
          Match.objectLike({
            Effect: 'Allow',
            Principal: { AWS: 'arn:aws:iam::123456789012:role/messaging-sender' },
            Action: 'execute-api:Invoke',
            Resource: 'execute-api:/*',
          }),
          // Any other signed caller is refused, whatever its own IAM policy allows.
          Match.objectLike({
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: 'execute-api:Invoke',
            Resource: 'execute-api:/*',
            Condition: {
              StringNotEquals: { 'aws:PrincipalArn': ['arn:aws:iam::123456789012:role/messaging-sender'] },
              Null: { 'aws:PrincipalArn': 'false' },
            },
          }),
          Match.objectLike({
            Effect: 'Allow',
            Principal: { AWS: '*' },
            Action: 'execute-api:Invoke',
            Resource: [
              'execute-api:/live/GET/v1/feedback',
              'execute-api:/live/GET/v1/report',
              'execute-api:/live/POST/v1/feedback',
            ],
          }),
        ],
      },
    });
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      MethodSettings: Match.arrayWith([
        Match.objectLike({ HttpMethod: 'GET', ResourcePath: '/~1v1~1feedback', ThrottlingRateLimit: 5 }),
      ]),
    });
  });

  it("keeps the gate's decision logs when the stack goes, as the data is kept; the jobs' logs go with it", () => {
    // Act
    const functions = Object.values(resourcesOf(template, 'AWS::Lambda::Function'));
    const logPolicy = Object.fromEntries(
      functions.map((fn) => [
        fn.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME,
        template.toJSON().Resources[fn.Properties.LoggingConfig.LogGroup.Ref].DeletionPolicy,
      ]),
    );

    // Assess
    expect(logPolicy).toEqual({
      [SERVICE_NAMES.detect]: 'Delete',
      [SERVICE_NAMES.report]: 'Delete',
      [SERVICE_NAMES.tierRefresh]: 'Delete',
      [SERVICE_NAMES.gate]: 'Retain',
      [SERVICE_NAMES.feedback]: 'Delete',
    });
  });

  it('reads the existing lake under its prefix, with its key, and passes the gate, detection and report settings', () => {
    // Act
    const detect = statementsOf(template, 'Detect');
    const variables = Object.values(resourcesOf(template, 'AWS::Lambda::Function')).map(
      (fn) => fn.Properties.Environment.Variables,
    );
    const gateFn = variables.find((v) => v.POWERTOOLS_SERVICE_NAME === SERVICE_NAMES.gate);
    const detectFn = variables.find((v) => v.POWERTOOLS_SERVICE_NAME === SERVICE_NAMES.detect);
    const reportFn = variables.find((v) => v.POWERTOOLS_SERVICE_NAME === SERVICE_NAMES.report);

    // Assess
    expect(resourcesFor(detect, 'LakeRead')).toEqual([
      'arn:<AWS::Partition>:s3:::team-lake/warehouse/crm/crm_channel_daily/*',
    ]);
    expect(resourcesFor(detect, 'LakeKey')).toEqual(['arn:aws:kms:ap-northeast-2:123456789012:key/lake-key']);
    expect(JSON.parse(gateFn.GATE_POLICY)).toEqual(TIGHTER_POLICY);
    expect(JSON.parse(detectFn.CRM_GUARD_CONFIG)).toEqual({
      detection: { rules: { zscore: { threshold: 2.5 } } },
    });
    // What the functions will read when they start: the values they were given parse.
    expect(policyFromJson(gateFn.GATE_POLICY, 'GATE_POLICY').tiering.windowDays).toBe(21);
    expect(parseCrmGuardConfig(JSON.parse(detectFn.CRM_GUARD_CONFIG)).detection.rules.zscore.threshold).toBe(
      2.5,
    );
    expect(reportFn.REPORT_LOCALE).toBe('en');
    template.hasResourceProperties('AWS::Lambda::Function', { MemorySize: 1024, Timeout: 10 });
    const memoryOf = (service: string) =>
      Object.values(resourcesOf(template, 'AWS::Lambda::Function')).find(
        (fn) => fn.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME === service,
      )?.Properties.MemorySize;
    expect([memoryOf(SERVICE_NAMES.detect), memoryOf(SERVICE_NAMES.report)]).toEqual([2048, 1024]);
  });
});
