import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { DeployConfig } from '../config.ts';

/**
 * The pages behind the e-mails' signed links (one-click feedback, the weekly report): the only
 * routes a browser reaches unsigned, each under `/v1/`.
 */
const LINK_PAGES = { feedback: ['GET', 'POST'], report: ['GET'] } as const;
const LINK_ROUTES = Object.entries(LINK_PAGES).flatMap(([page, methods]) =>
  methods.map((method) => ({ page, method })),
);
const LINK_RATE_PER_SECOND = 5;
const LINK_BURST = 10;
/** The API's one stage; the link pages' policy names it (a `*` there would also match deeper paths). */
const STAGE = 'live';

/**
 * The gate's REST API: IAM (SigV4) on every route, the messaging stack's roles in its resource
 * policy, stage throttling, and API Gateway's own logs only when `gate.apiLogs` says so.
 */
export function defineGateApi(
  scope: Construct,
  config: DeployConfig,
  gate: lambda.IFunction,
  feedback: lambda.IFunction,
): apigw.RestApi {
  const callers = config.gate.callerRoleArns;
  // API Gateway's logs need the account's CloudWatch role: set here only when asked (it is
  // account-wide and outlives the stack), used when it exists, else no API logs at all.
  const logging = config.gate.apiLogs !== 'off';
  const api = new apigw.RestApi(scope, 'GateApi', {
    restApiName: `crm-guard-gate-${config.envName}`,
    description: 'crm-guard fatigue gate: the messaging stack asks before each send (SigV4)',
    endpointConfiguration: { types: [apigw.EndpointType.REGIONAL] },
    cloudWatchRole: config.gate.apiLogs === 'set-account-role',
    ...(config.gate.apiLogs === 'set-account-role'
      ? { cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN }
      : {}),
    deployOptions: {
      // The handler routes on /v1/...; the stage is not part of the path it sees.
      stageName: STAGE,
      ...(logging
        ? {
            accessLogDestination: new apigw.LogGroupLogDestination(gateAccessLogs(scope, config)),
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
      // The pages anyone with a link reaches: a team's clicks, never the gate's rate (each costs a KMS call).
      methodOptions: Object.fromEntries(
        LINK_ROUTES.map(({ page, method }) => [
          `/v1/${page}/${method}`,
          { throttlingRateLimit: LINK_RATE_PER_SECOND, throttlingBurstLimit: LINK_BURST },
        ]),
      ),
      // Per-method metrics are billed as custom metrics, and the alarms and dashboard read the API's own.
      metricsEnabled: false,
      dataTraceEnabled: false,
    },
    defaultMethodOptions: { authorizationType: apigw.AuthorizationType.IAM },
    // Every method without its own integration goes to the handler: the root (`/`) would otherwise be
    // a mock that answers 500, counted by the 5xx alarm; the handler answers 404 naming the route.
    defaultIntegration: new apigw.LambdaIntegration(gate),
    policy: callers.length
      ? new iam.PolicyDocument({
          statements: [
            new iam.PolicyStatement({
              sid: 'MessagingStackInvokes',
              principals: callers.map((arn) => new iam.ArnPrincipal(arn)),
              actions: ['execute-api:Invoke'],
              resources: ['execute-api:/*'],
            }),
            // An Allow alone also lets in any role of the account whose own IAM policy allows
            // execute-api:Invoke (an admin, a CI role): deny every signed caller but the listed ones.
            // Unsigned calls carry no principal, so the links stay open and IAM auth refuses the rest.
            new iam.PolicyStatement({
              sid: 'OnlyTheMessagingStack',
              effect: iam.Effect.DENY,
              principals: [new iam.AnyPrincipal()],
              actions: ['execute-api:Invoke'],
              resources: ['execute-api:/*'],
              conditions: {
                StringNotEquals: { 'aws:PrincipalArn': callers },
                Null: { 'aws:PrincipalArn': 'false' },
              },
            }),
            // With a resource policy, an unsigned call needs an Allow of its own: without this, every
            // e-mail link (opened in a browser) would answer 403. The link's signature guards the page.
            new iam.PolicyStatement({
              sid: 'SignedLinksOpen',
              principals: [new iam.AnyPrincipal()],
              actions: ['execute-api:Invoke'],
              resources: LINK_ROUTES.map(({ page, method }) => `execute-api:/${STAGE}/${method}/v1/${page}`),
            }),
          ],
        })
      : undefined,
  });
  // The handler owns its routes (decide, bulk preview, ...); every one of them needs SigV4.
  api.root.addProxy({ anyMethod: true });
  // The e-mails' links open in a browser, which cannot sign requests: the link's KMS signature,
  // checked by the page, is the credential; nothing else is reachable without IAM.
  const v1 = api.root.addResource('v1');
  const pages = new apigw.LambdaIntegration(feedback);
  for (const [name, methods] of Object.entries(LINK_PAGES)) {
    const page = v1.addResource(name);
    for (const method of methods)
      page.addMethod(method, pages, { authorizationType: apigw.AuthorizationType.NONE });
    for (const id of ['AwsSolutions-APIG4', 'AwsSolutions-COG4'])
      Validations.of(page).acknowledge({
        id,
        reason: `The ${name} page behind an e-mail's link: a KMS HMAC signature and an expiry in the link authorise it.`,
      });
  }

  Validations.of(api).acknowledge({
    id: 'AwsSolutions-APIG2',
    reason: 'The gate validates every request body with its zod schema and answers 400 naming the field.',
  });
  Validations.of(api).acknowledge({
    id: 'AwsSolutions-APIG3',
    reason:
      'Only SigV4-signed calls from the messaging stack role reach the gate (the pages opened from e-mail ' +
      'links check the link signature); stage throttling caps the rate. ' +
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

function gateAccessLogs(scope: Construct, config: DeployConfig): logs.LogGroup {
  return new logs.LogGroup(scope, 'GateApiAccessLogs', {
    retention: config.logRetentionDays as logs.RetentionDays,
    removalPolicy: RemovalPolicy.DESTROY,
  });
}
