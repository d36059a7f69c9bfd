import { readFileSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { addCrmGuard, type CrmGuardStacks } from '../../lib/app.ts';

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
