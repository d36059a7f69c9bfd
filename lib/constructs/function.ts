import { fileURLToPath } from 'node:url';
import { type Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { DeployConfig } from '../config.ts';

/** The repository root: NodejsFunction bundles from here with the project's own esbuild. */
const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface FunctionSpec {
  /** Handler file, relative to the repository root; the export is `handler`. */
  entry: string;
  serviceName: string;
  timeout: Duration;
  memorySize: number;
  /** Asynchronous (scheduled) functions only. */
  deadLetterQueue?: sqs.IQueue;
  /** Keep the log group when the stack goes (an audit trail, not only operations). */
  keepLogs?: boolean;
}

/**
 * A function with its own log group and its own role (which may write to that log group only), bundled
 * with the project's esbuild (no Docker), and for scheduled jobs its dead-letter queue.
 */
export function defineFunction(
  scope: Construct,
  id: string,
  spec: FunctionSpec,
  config: DeployConfig,
  environment: Record<string, string>,
): nodejs.NodejsFunction {
  const logGroup = new logs.LogGroup(scope, `${id}Logs`, {
    retention: config.logRetentionDays as logs.RetentionDays,
    // Most logs are operational and go with the compute stack; an audit trail stays when asked.
    removalPolicy: spec.keepLogs ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
  });
  // An own role instead of AWSLambdaBasicExecutionRole: it may write to its own log group only.
  const role = new iam.Role(scope, `${id}Role`, {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: `crm-guard ${spec.serviceName} function`,
  });
  logGroup.grantWrite(role);
  const fn = new nodejs.NodejsFunction(scope, id, {
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
