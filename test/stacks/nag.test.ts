import { type Acknowledgment, type PolicyViolation, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { contextKey } from '../../lib/config.ts';
import { type CfnJson, cdkJsonContext, synthApp } from './app-fixture.ts';

/**
 * cdk-nag v3 is a policy-validation plugin: `validateScope(app)` returns the violations left after
 * acknowledgements. (The v2 habit, reading Annotations for errors, finds nothing under v3.)
 */
function violationsOf(context: Record<string, unknown> = {}): PolicyViolation[] {
  const { app } = synthApp(context);
  return new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(app).violations;
}

function describeViolations(violations: PolicyViolation[]): string {
  return violations
    .map(
      (violation) =>
        `${violation.ruleName} at ${violation.violatingResources.map((r) => r.constructPath).join(', ')}`,
    )
    .join('\n');
}

function prodOnExistingLake(): Record<string, unknown> {
  const prod = cdkJsonContext()[contextKey('prod')] as CfnJson;
  return {
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
      gate: { ...prod.gate, callerRoleArns: ['arn:aws:iam::123456789012:role/messaging-sender'] },
    },
  };
}

describe('cdk-nag AwsSolutions over the whole app', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('leaves no unacknowledged violation in dev', () => {
    // Act
    const violations = violationsOf();

    // Assess
    expect(describeViolations(violations)).toBe('');
  });

  it('leaves no unacknowledged violation in prod on an existing SSE-KMS lake with a messaging role', () => {
    // Act
    const violations = violationsOf(prodOnExistingLake());

    // Assess
    expect(describeViolations(violations)).toBe('');
  });

  it('needs every acknowledgement: without them, exactly the acknowledged findings come back', () => {
    // Prepare: record acknowledgements instead of applying them.
    const acknowledged: Acknowledgment[] = [];
    vi.spyOn(Validations.prototype, 'acknowledge').mockImplementation((...rules: Acknowledgment[]) => {
      acknowledged.push(...rules);
    });

    // Act
    const violations = violationsOf();

    // Assess
    const found = new Set(violations.map((violation) => violation.ruleName));
    const expected = new Set(acknowledged.map((rule) => rule.id));
    expect(acknowledged.length).toBeGreaterThan(0);
    expect([...found].sort()).toEqual([...expected].sort());
    for (const rule of acknowledged) expect(rule.reason.length, rule.id).toBeGreaterThan(40);
  });
});
