import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { awsRegion } from '#shared/adapters/aws/region.ts';
import { createDynamoChannelRegistry } from '#shared/adapters/dynamo/channel-registry.ts';
import {
  createDynamoFeedbackStore,
  createDynamoFindingStore,
} from '#shared/adapters/dynamo/finding-store.ts';
import { createDynamoGateStore } from '#shared/adapters/dynamo/gate-store.ts';
import { UsageError } from '#shared/errors.ts';
import type { Stores } from './local-wiring.ts';

/**
 * The CLI against a deployed environment (`--stack ENV` or CRM_GUARD_STACK): the tables and functions
 * are found from the stacks' CloudFormation outputs, and reached with the user's own AWS credentials
 * through the same adapters the Lambdas use.
 */

export interface StackClients {
  cloudFormation: CloudFormationClient;
  lambda: LambdaClient;
  documentClient: DynamoDBDocumentClient;
}

export function defaultStackClients(): StackClients {
  const region = awsRegion();
  return {
    cloudFormation: new CloudFormationClient({ region }),
    lambda: new LambdaClient({ region }),
    documentClient: DynamoDBDocumentClient.from(new DynamoDBClient({ region }), {
      marshallOptions: { removeUndefinedValues: true },
    }),
  };
}

/** The environment the CLI talks to, if any: `--stack` (moved here by the dispatcher) or CRM_GUARD_STACK. */
export function stackEnvironment(): string | undefined {
  return process.env.CRM_GUARD_STACK || undefined;
}

/** What a person must do about an AWS failure, in one line. */
export function stackProblem(error: unknown, env: string, stack = `CrmGuard-${env}`): UsageError | undefined {
  const name = (error as Error)?.name ?? '';
  const message = (error as Error)?.message ?? String(error);
  // The SDK's own chain (AWS_REGION, AWS_DEFAULT_REGION, the profile's region) found none.
  if (/^Region is missing/.test(message))
    return new UsageError(
      `no AWS region for --stack ${env}: set AWS_REGION (or a profile with a region, AWS_PROFILE)`,
    );
  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(message))
    return new UsageError(
      `no AWS credentials for --stack ${env}: sign in (aws sso login, or AWS_PROFILE / AWS_ACCESS_KEY_ID) and try again`,
    );
  if (/does not exist/.test(message) && name === 'ValidationError')
    return new UsageError(
      `no stack ${stack} in ${awsRegion() ?? 'the default region'}: deploy it (docs/deploy.md) or check --stack and AWS_REGION`,
    );
  if (/AccessDenied|not authorized|UnauthorizedOperation/i.test(`${name} ${message}`)) {
    const action = /perform: ([\w-]+:\w+)/.exec(message)?.[1];
    return new UsageError(
      `your AWS identity may not ${action ?? 'do this'} on ${stack}: ask for the crm-guard operator policy (docs/deploy.md)`,
    );
  }
  const code = (error as NodeJS.ErrnoException)?.code ?? '';
  if (/^(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT)$/.test(code))
    return new UsageError(
      `cannot reach AWS for --stack ${env} (${message}): check the network, AWS_REGION and any proxy`,
    );
  return undefined;
}

/**
 * Any other refusal of an AWS service (an expired token, a throttle) in its own words, one line: the
 * stores' adapters say the same through their own errors, naming the table.
 */
function awsAnswer(error: unknown, env: string): UsageError | undefined {
  if ((error as { $fault?: unknown })?.$fault === undefined) return undefined;
  const { name, message } = error as Error;
  return new UsageError(`AWS answered ${name} for --stack ${env}: ${message.split('\n')[0]}`);
}

async function outputsOf(
  cloudFormation: CloudFormationClient,
  env: string,
  stack: string,
): Promise<Record<string, string>> {
  try {
    const { Stacks } = await cloudFormation.send(new DescribeStacksCommand({ StackName: stack }));
    const outputs: Record<string, string> = {};
    for (const output of Stacks?.[0]?.Outputs ?? [])
      if (output.OutputKey && output.OutputValue) outputs[output.OutputKey] = output.OutputValue;
    return outputs;
  } catch (error) {
    throw stackProblem(error, env, stack) ?? awsAnswer(error, env) ?? error;
  }
}

function required(outputs: Record<string, string>, key: string, stack: string): string {
  const value = outputs[key];
  if (!value)
    throw new UsageError(
      `stack ${stack} has no output ${key}: redeploy it with this version (npx cdk deploy)`,
    );
  return value;
}

export interface StackStores extends Stores {
  /** Runs a job's function in AWS and returns what it returned. */
  invoke(job: 'detect' | 'report', event: Record<string, unknown>): Promise<unknown>;
}

export async function openStackStores(
  env: string,
  clients: StackClients = defaultStackClients(),
): Promise<StackStores> {
  const dataStack = `CrmGuard-${env}-Data`;
  const computeStack = `CrmGuard-${env}-Compute`;
  const [data, compute] = await Promise.all([
    outputsOf(clients.cloudFormation, env, dataStack),
    outputsOf(clients.cloudFormation, env, computeStack),
  ]);
  const documentClient = clients.documentClient;
  const findingsTable = required(data, 'FindingsTable', dataStack);
  const guard = <T extends object>(store: T): T =>
    new Proxy(store, {
      get(target, property) {
        const value = Reflect.get(target, property);
        if (typeof value !== 'function') return value;
        return async (...args: unknown[]) => {
          try {
            return await value.apply(target, args);
          } catch (error) {
            throw stackProblem((error as Error).cause ?? error, env) ?? error;
          }
        };
      },
    });
  return {
    findings: guard(createDynamoFindingStore({ documentClient, tableName: findingsTable })),
    feedback: guard(createDynamoFeedbackStore({ documentClient, tableName: findingsTable })),
    registry: guard(
      createDynamoChannelRegistry({ documentClient, tableName: required(data, 'ChannelsTable', dataStack) }),
    ),
    gate: guard(createDynamoGateStore({ documentClient, tableName: required(data, 'GateTable', dataStack) })),
    async invoke(job, event) {
      const functionName = required(
        compute,
        job === 'detect' ? 'DetectFunctionName' : 'ReportFunctionName',
        computeStack,
      );
      try {
        const answer = await clients.lambda.send(
          new InvokeCommand({
            FunctionName: functionName,
            Payload: new TextEncoder().encode(JSON.stringify(event)),
          }),
        );
        const text = answer.Payload ? new TextDecoder().decode(answer.Payload) : 'null';
        if (answer.FunctionError) {
          const failure = JSON.parse(text) as { errorMessage?: string };
          throw new UsageError(`the ${job} function failed: ${failure.errorMessage ?? text}`);
        }
        return JSON.parse(text) as unknown;
      } catch (error) {
        if (error instanceof UsageError) throw error;
        throw stackProblem(error, env) ?? awsAnswer(error, env) ?? error;
      }
    },
    close: async () => {},
  };
}
