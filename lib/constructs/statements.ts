import { Aws } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';

/** One IAM statement on a function's role: named (sid), its actions, every resource spelled out. */
export function addStatement(
  fn: lambda.IFunction,
  sid: string,
  actions: string[],
  resources: string[],
  conditions?: Record<string, unknown>,
): void {
  fn.addToRolePolicy(new iam.PolicyStatement({ sid, actions, resources, conditions }));
}

export function capitalize(word: string): string {
  return `${word[0]!.toUpperCase()}${word.slice(1)}`;
}

export function bucketArn(bucketName: string): string {
  return `arn:${Aws.PARTITION}:s3:::${bucketName}`;
}
