import { Duration, TimeZone } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { DeployConfig } from '../config.ts';

/** The jobs' schedules (EventBridge Scheduler, Asia/Seoul), their failed deliveries to the dead-letter queue. */
export function defineSchedules(
  scope: Construct,
  config: DeployConfig,
  jobs: { detect: lambda.IFunction; report: lambda.IFunction; tierRefresh: lambda.IFunction },
  deadLetterQueue: sqs.IQueue,
): void {
  const at = (clock: string) => {
    const [hour, minute] = clock.split(':').map(Number);
    return { hour: String(hour), minute: String(minute) };
  };
  const target = (fn: lambda.IFunction, event: Record<string, unknown> = {}) =>
    new InvokeFunction(fn, {
      deadLetterQueue: deadLetterQueue,
      retryAttempts: config.schedules.retryAttempts,
      // A morning job that could not start within the hour is better reported than run late.
      maxEventAge: Duration.hours(1),
      // The jobs' event: no day, so each runs for its own (yesterday, in Seoul).
      input: scheduler.ScheduleTargetInput.fromObject(event),
    });
  new scheduler.Schedule(scope, 'DetectSchedule', {
    description: 'crm-guard: daily anomaly detection',
    schedule: scheduler.ScheduleExpression.cron({
      ...at(config.schedules.detect),
      timeZone: TimeZone.ASIA_SEOUL,
    }),
    target: target(jobs.detect),
  });
  config.schedules.detectCatchUp.forEach((clock, index) => {
    new scheduler.Schedule(scope, `DetectCatchUpSchedule${index + 1}`, {
      description: `crm-guard: detection again at ${clock}, for a day whose data came late`,
      schedule: scheduler.ScheduleExpression.cron({ ...at(clock), timeZone: TimeZone.ASIA_SEOUL }),
      target: target(jobs.detect, { catchUp: true }),
    });
  });
  new scheduler.Schedule(scope, 'ReportSchedule', {
    description: 'crm-guard: weekly low-performer report',
    schedule: scheduler.ScheduleExpression.cron({
      ...at(config.schedules.report.time),
      weekDay: config.schedules.report.weekday,
      timeZone: TimeZone.ASIA_SEOUL,
    }),
    target: target(jobs.report),
  });
  new scheduler.Schedule(scope, 'TierRefreshSchedule', {
    description: 'crm-guard: daily engagement tier refresh',
    schedule: scheduler.ScheduleExpression.cron({
      ...at(config.schedules.tierRefresh),
      timeZone: TimeZone.ASIA_SEOUL,
    }),
    target: target(jobs.tierRefresh),
  });
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
