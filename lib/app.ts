import { type App, Tags } from 'aws-cdk-lib';
import { type DeployConfig, loadDeployConfig } from './config.ts';
import { ComputeStack } from './stacks/compute-stack.ts';
import { DataStack } from './stacks/data-stack.ts';

export interface CrmGuardStacks {
  config: DeployConfig;
  data: DataStack;
  compute: ComputeStack;
}

/**
 * Adds one environment's two stacks to the app, configured from CDK context. The stacks are
 * environment-agnostic (no account or region), so synth needs no credentials.
 */
export function addCrmGuard(app: App): CrmGuardStacks {
  const config = loadDeployConfig(app.node);
  const prefix = `CrmGuard-${config.envName}`;
  const data = new DataStack(app, `${prefix}-Data`, {
    config,
    description: 'crm-guard stateful resources: lake, Glue catalog, Athena workgroup, tables, topics',
    terminationProtection: config.retainData,
  });
  const compute = new ComputeStack(app, `${prefix}-Compute`, {
    config,
    data,
    description: 'crm-guard stateless resources: functions, schedules, gate API, alarms, dashboard',
  });
  Tags.of(app).add('project', 'crm-guard');
  Tags.of(app).add('environment', config.envName);
  return { config, data, compute };
}
