import { readFileSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { addCrmGuard, type CrmGuardStacks } from '../../lib/app.ts';
import { tempDir } from '../temp-dir.ts';

/** The context cdk.json ships, so tests check the defaults people deploy. */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8'));
  return cdkJson.context;
}

export interface SynthesizedApp extends CrmGuardStacks {
  app: App;
  dataTemplate: Template;
  computeTemplate: Template;
}

/**
 * Builds the app as `cdk synth` would, with bundling skipped (`aws:cdk:bundling-stacks` = []):
 * one real-bundling synth lives in its own test file.
 */
export function synthApp(context: Record<string, unknown> = {}, bundle = false): SynthesizedApp {
  const app = new App({
    // A folder of its own, removed after the file's tests (CDK's default is a new temp folder per app, kept).
    outdir: tempDir('cdk.out-'),
    context: {
      ...cdkJsonContext(),
      ...(bundle ? {} : { 'aws:cdk:bundling-stacks': [] }),
      ...context,
    },
  });
  const stacks = addCrmGuard(app);
  return {
    app,
    ...stacks,
    dataTemplate: Template.fromStack(stacks.data),
    computeTemplate: Template.fromStack(stacks.compute),
  };
}

/** Template JSON, navigated freely: the assertions on it are the type check. */
// biome-ignore lint/suspicious/noExplicitAny: CloudFormation JSON has no useful static type
export type CfnJson = any;

/**
 * Flattens a CloudFormation string for readable assertions, the way cdk-nag prints it:
 * Fn::Join joined, Ref as <Name>, GetAtt as <Name.Attr>, ImportValue as <Import:name>.
 */
export function flat(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  const node = value as CfnJson;
  if (node['Fn::Join']) return node['Fn::Join'][1].map(flat).join(node['Fn::Join'][0]);
  if (node.Ref) return `<${node.Ref}>`;
  if (node['Fn::GetAtt']) return `<${node['Fn::GetAtt'].join('.')}>`;
  if (node['Fn::ImportValue']) return `<Import:${node['Fn::ImportValue']}>`;
  return JSON.stringify(value);
}
