import { Duration } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { STORE_FAILURES } from '#shared/errors.ts';
import { DETECT_METRICS, GATE_METRICS, METRICS_NAMESPACE, SERVICE_NAMES } from '#shared/telemetry.ts';
import type { DeployConfig } from '../config.ts';
import type { DataStack } from '../stacks/data-stack.ts';
import { capitalize } from './statements.ts';

type FunctionKey = keyof typeof SERVICE_NAMES;

/** Below this many requests in 5 minutes a share says little (a few expired e-mail links at night). */
const MIN_REQUESTS_FOR_SHARE = 50;
/**
 * Fewer decisions than this answered without the store in 5 minutes do not page: one timeout among a
 * few night-time decisions is 100%, while an outage fails this many within minutes at any traffic.
 */
const MIN_UNAVAILABLE_FOR_SHARE = 5;

/**
 * The alarms (to the operations topic) and the dashboard: function errors, dead letters, the detect
 * silence, the gate's 5xx, 4xx share, latency and decisions answered without the store.
 */
export function defineMonitoring(
  scope: Construct,
  config: DeployConfig,
  data: DataStack,
  watched: {
    functions: Record<FunctionKey, lambda.IFunction>;
    deadLetterQueue: sqs.IQueue;
    gateApi: apigw.RestApi;
  },
): void {
  const notify = new cloudwatchActions.SnsAction(data.opsTopic);
  const fiveMinutes = Duration.minutes(5);
  const alarms: cloudwatch.Alarm[] = [];

  for (const [key, fn] of Object.entries(watched.functions)) {
    alarms.push(
      fn
        .metricErrors({ period: fiveMinutes, statistic: 'Sum' })
        .createAlarm(scope, `${capitalize(key)}ErrorsAlarm`, {
          alarmDescription: `${SERVICE_NAMES[key as FunctionKey]} function errors`,
          threshold: 1,
          evaluationPeriods: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
    );
  }
  // New dead letters, not the queue's depth: a letter left in the queue would hold the alarm in ALARM
  // for its 14 days, and the next failure would notify nobody.
  const deadLetters = watched.deadLetterQueue.metricNumberOfMessagesSent({
    period: fiveMinutes,
    statistic: 'Sum',
  });
  alarms.push(
    deadLetters.createAlarm(scope, 'DeadLetterAlarm', {
      alarmDescription:
        'A scheduled job could not start or failed all its retries (its event and error are in the dead-letter queue: docs/deploy.md, "Failed runs")',
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }),
  );
  const detectSucceeded = new cloudwatch.Metric({
    namespace: METRICS_NAMESPACE,
    metricName: DETECT_METRICS.succeeded,
    dimensionsMap: { service: SERVICE_NAMES.detect },
    statistic: 'Sum',
    period: Duration.hours(1),
  });
  const silence = config.alarms.detectSilenceHours;
  // FILL zeroes empty hours once a run is in range; IGNORE holds state with none: silent until the first run.
  const detectRunsHourly = new cloudwatch.MathExpression({
    expression: 'FILL(succeeded, 0)',
    usingMetrics: { succeeded: detectSucceeded },
    label: 'Successful detect runs (hourly, 0 when none)',
    period: Duration.hours(1),
  });
  alarms.push(
    detectRunsHourly.createAlarm(scope, 'DetectSilenceAlarm', {
      alarmDescription: `No successful detect run in ${silence} hours (silent until detect has run once)`,
      threshold: 1,
      evaluationPeriods: silence,
      datapointsToAlarm: silence,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.IGNORE,
    }),
  );
  const gate5xx = watched.gateApi.metricServerError({ period: fiveMinutes, statistic: 'Sum' });
  const gateAlarmsFrom = alarms.length;
  alarms.push(
    gate5xx.createAlarm(scope, 'GateServerErrorsAlarm', {
      alarmDescription: 'Fatigue gate API 5xx responses',
      threshold: config.alarms.gate5xxPerFiveMinutes,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }),
  );
  // Refused before the function runs (a rotated caller role: 403) or by it (a caller's bad requests:
  // 400): the function's own metrics never see the first, and the 5xx alarm sees neither.
  const clientErrorShare = new cloudwatch.MathExpression({
    expression: `IF(requests >= ${MIN_REQUESTS_FOR_SHARE}, 100 * refused / requests, 0)`,
    usingMetrics: {
      requests: watched.gateApi.metricCount({ period: fiveMinutes, statistic: 'Sum' }),
      refused: watched.gateApi.metricClientError({ period: fiveMinutes, statistic: 'Sum' }),
    },
    label: 'Gate API requests refused with 4xx (%)',
    period: fiveMinutes,
  });
  alarms.push(
    clientErrorShare.createAlarm(scope, 'GateClientErrorsAlarm', {
      alarmDescription: `Over ${config.alarms.gate4xxPercent}% of gate API requests in 5 minutes refused with 4xx (caller role not allowed, or bad requests)`,
      threshold: config.alarms.gate4xxPercent,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }),
  );
  const gateP99 = watched.gateApi.metricLatency({ period: fiveMinutes, statistic: 'p99' });
  alarms.push(
    gateP99.createAlarm(scope, 'GateLatencyAlarm', {
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
    expression: `IF(unavailable >= ${MIN_UNAVAILABLE_FOR_SHARE} AND decisions > 0, 100 * unavailable / decisions, 0)`,
    usingMetrics: {
      decisions: gateDecisions(GATE_METRICS.decisions),
      unavailable: gateDecisions(GATE_METRICS.unavailable),
    },
    label: 'Gate decisions without the store (%)',
    period: fiveMinutes,
  });
  alarms.push(
    unavailableShare.createAlarm(scope, 'GateUnavailableAlarm', {
      alarmDescription: `Over ${config.alarms.gateUnavailablePercent}% of gate decisions in 5 minutes answered without the store (gate_unavailable)`,
      threshold: config.alarms.gateUnavailablePercent,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }),
  );
  const gateAlarms = new Set(alarms.slice(gateAlarmsFrom));
  for (const alarm of alarms) alarm.addAlarmAction(notify);
  // The gate's alarms describe a state that lasts (an outage, a slow store): say when it is over too.
  for (const alarm of alarms.filter((alarm) => gateAlarms.has(alarm))) alarm.addOkAction(notify);

  const fns = Object.values(watched.functions);
  const dashboard = new cloudwatch.Dashboard(scope, 'Dashboard', {
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
    new cloudwatch.GraphWidget({
      title: 'Dead letters: in the queue, and new',
      left: [
        watched.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
          period: fiveMinutes,
          statistic: 'Maximum',
        }),
      ],
      right: [deadLetters],
      width: 8,
    }),
    new cloudwatch.GraphWidget({
      title: 'Gate requests and errors',
      left: [watched.gateApi.metricCount({ period: fiveMinutes, statistic: 'Sum' }), gate5xx],
      right: [watched.gateApi.metricClientError({ period: fiveMinutes, statistic: 'Sum' })],
      width: 8,
    }),
    new cloudwatch.GraphWidget({
      title: 'Gate latency',
      left: [watched.gateApi.metricLatency({ period: fiveMinutes, statistic: 'p50' }), gateP99],
      width: 12,
    }),
    new cloudwatch.GraphWidget({
      title: 'Gate decisions without the store',
      left: [unavailableShare],
      right: [gateDecisions(GATE_METRICS.unavailable)],
      width: 12,
    }),
    new cloudwatch.GraphWidget({
      title: 'Gate decisions without the store, by cause',
      // One line a cause: the decisions metric carries it beside decision and tier, summed over them.
      left: STORE_FAILURES.map(
        (cause) =>
          new cloudwatch.MathExpression({
            expression: `SUM(SEARCH('{"${METRICS_NAMESPACE}",cause,decision,reason,service,tier} MetricName="${GATE_METRICS.decisions}" reason="gate_unavailable" cause="${cause}"', 'Sum', 300))`,
            label: cause,
            period: fiveMinutes,
          }),
      ),
      width: 12,
    }),
  );
}
