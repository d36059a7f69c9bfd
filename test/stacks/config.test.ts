import { describe, expect, it } from 'vitest';
import { contextKey, loadDeployConfig } from '../../lib/config.ts';
import { ConfigError } from '../../shared/errors.ts';
import { DEFAULT_POLICY_INPUT } from '../../shared/gate/default-policy.ts';
import { DEFAULT_CATEGORIES } from '../../shared/gate/policy.ts';
import { cdkJsonContext } from './app-fixture.ts';

/** A context reader over plain objects: cdk.json's context with overrides, as the CLI merges them. */
function contextOf(overrides: Record<string, unknown> = {}) {
  const context = { ...cdkJsonContext(), ...overrides };
  return { tryGetContext: (key: string) => context[key] };
}

function prodBlock(patch: Record<string, unknown>): Record<string, unknown> {
  const block = cdkJsonContext()[contextKey('prod')] as Record<string, unknown>;
  return { ...block, ...patch };
}

/** The prod block made deployable: real addresses and the messaging role. */
const READY = {
  alertEmails: ['crm-alerts@crm-team.test'],
  opsEmails: ['ops@crm-team.test'],
  gate: {
    ...(prodBlock({}).gate as Record<string, unknown>),
    callerRoleArns: ['arn:aws:iam::123456789012:role/messaging-sender'],
  },
};

function configErrorOf(act: () => unknown): ConfigError {
  try {
    act();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('deployment configuration from CDK context', () => {
  it('reads the dev block by default and the prod block with env=prod, as shipped plus the messaging role', () => {
    // Act
    const dev = loadDeployConfig(contextOf());
    const prod = loadDeployConfig(
      contextOf({
        env: 'prod',
        'crm-guard:prod': prodBlock({
          alertEmails: ['crm-alerts@crm-team.test'],
          opsEmails: ['ops@crm-team.test'],
          gate: {
            ...prodBlock({}).gate!,
            callerRoleArns: ['arn:aws:iam::123456789012:role/messaging-sender'],
          },
        }),
      }),
    );

    // Assess
    expect(dev.envName).toBe('dev');
    expect(dev.retainData).toBe(false);
    expect(dev.schedules).toMatchObject({ detect: '09:00', report: { weekday: 'MON', time: '09:30' } });
    expect(prod.envName).toBe('prod');
    expect(prod.retainData).toBe(true);
    expect(prod.tables.findings).toBe('crm-guard-findings');
    expect(prod.alarms.detectSilenceHours).toBe(26);
  });

  it('accepts a block passed on the command line as a JSON string', () => {
    // Prepare
    const block = JSON.stringify(
      prodBlock({
        alertEmails: ['owner@crm-team.test'],
        opsEmails: ['ops@crm-team.test'],
        gate: { ...prodBlock({}).gate!, callerRoleArns: ['arn:aws:iam::123456789012:role/messaging-sender'] },
      }),
    );

    // Act
    const config = loadDeployConfig(contextOf({ env: 'prod', 'crm-guard:prod': block }));

    // Assess
    expect(config.alertEmails).toEqual(['owner@crm-team.test']);
  });

  it.each([
    [
      'a schedule time that is not HH:MM',
      { schedules: { ...prodBlock({}).schedules!, detect: '9am' } },
      'schedules.detect',
    ],
    [
      'a bytes-scanned cut-off below Athena minimum',
      { athena: { workgroup: 'w', bytesScannedCutoffMb: 5, resultsRetentionDays: 7 } },
      'athena.bytesScannedCutoffMb',
    ],
    ['an alert address that is not an e-mail', { alertEmails: ['ops-team'] }, 'alertEmails.0'],
    ['a log retention CloudWatch does not offer', { logRetentionDays: 10 }, 'logRetentionDays'],
    ['a lake prefix without a trailing slash', { lake: { prefix: 'lake' } }, 'lake.prefix'],
    [
      'a caller that is not a role ARN',
      { gate: { ...prodBlock({}).gate!, callerRoleArns: ['messaging'] } },
      'gate.callerRoleArns.0',
    ],
    ['an unknown key (a typo)', { alertEmail: ['a@crm-team.test'] }, '(root)'],
    [
      'a Teams team id that is not the GUID CloudFormation wants',
      {
        chat: {
          teams: {
            tenantId: '0c1d2e3f-4a5b-4c6d-8e7f-901a2b3c4d5e',
            teamId: 'crm-team',
            channelId: '19%3ax%40thread.tacv2',
          },
        },
      },
      'chat.teams.teamId',
    ],
    [
      'a Teams channel id not URL-encoded',
      {
        chat: {
          teams: {
            tenantId: '0c1d2e3f-4a5b-4c6d-8e7f-901a2b3c4d5e',
            teamId: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
            channelId: '19:x@thread.tacv2',
          },
        },
      },
      'chat.teams.channelId',
    ],
    [
      'a KMS key without the existing bucket it belongs to',
      { lake: { existingBucketKmsKeyArn: 'arn:aws:kms:ap-northeast-2:123456789012:key/k' } },
      'lake.existingBucketKmsKeyArn',
    ],
    ['prod without anyone to alert', { alertEmails: [] }, 'alertEmails'],
    [
      'a catch-up detect run before the morning run',
      { schedules: { ...(prodBlock({}).schedules as object), detectCatchUp: ['08:00'] } },
      'schedules.detectCatchUp.0',
    ],
    [
      'the same catch-up time twice',
      { schedules: { ...(prodBlock({}).schedules as object), detectCatchUp: ['12:00', '12:00'] } },
      'schedules.detectCatchUp.1',
    ],
    [
      'reports kept for less time than their e-mail link works',
      { reports: { prefix: 'reports/', retentionDays: 7 } },
      'reports.retentionDays',
    ],
    ['prod without anyone to receive the alarms', { ...READY, opsEmails: [] }, 'opsEmails'],
    [
      'a gate policy that is not a whole policy (the functions would fail at start)',
      { ...READY, gate: { ...READY.gate, policy: { maxPerDay: 3 } } },
      'tiering (in gate.policy',
    ],
    [
      'detection settings outside their sections',
      { ...READY, detection: { rules: { zscore: { threshold: 2.5 } } } },
      '(root) (in detection',
    ],
    ['prod without a caller of the gate, as shipped', {}, 'gate.callerRoleArns'],
    [
      'prod with the example addresses, as shipped',
      {
        gate: { ...prodBlock({}).gate!, callerRoleArns: ['arn:aws:iam::123456789012:role/messaging-sender'] },
      },
      'alertEmails',
    ],
  ] as [string, Record<string, unknown>, string][])('fails on %s, naming the key', (_case, patch, key) => {
    // Prepare
    const context = contextOf({ env: 'prod', 'crm-guard:prod': prodBlock(patch) });

    // Act
    const error = configErrorOf(() => loadDeployConfig(context));

    // Assess
    expect(error.key.startsWith(key)).toBe(true);
    expect(error.message).toContain('crm-guard:prod');
    if (key === '(root)') expect(error.message).toContain('alertEmail');
  });

  it('fails on a gate policy too large for the function environment, at synth rather than at deploy', () => {
    // Prepare: the shipped policy (about 1.8 KB) with 80 more categories, each one the low tier may get
    const more = Array.from({ length: 80 }, (_, i) => `campaign-category-${i}`);
    const policy = {
      ...structuredClone(DEFAULT_POLICY_INPUT),
      categories: {
        ...DEFAULT_CATEGORIES,
        ...Object.fromEntries(more.map((name) => [name, ['advertising']])),
      },
    };
    policy.tiers.low.categories.push(...more);
    const context = contextOf({
      env: 'prod',
      'crm-guard:prod': prodBlock({ ...READY, gate: { ...READY.gate, policy } }),
    });

    // Act
    const error = configErrorOf(() => loadDeployConfig(context));

    // Assess
    expect(error.key).toBe('gate.policy (in cdk context "crm-guard:prod")');
    expect(error.message).toMatch(/\d+ bytes as JSON, over the 3400 it may take of the function's 4 KB/);
  });

  it('fails on a missing required section, naming it', () => {
    // Prepare
    const { athena: _dropped, ...block } = prodBlock({});

    // Act
    const error = configErrorOf(() => loadDeployConfig(contextOf({ env: 'prod', 'crm-guard:prod': block })));

    // Assess
    expect(error.key).toMatch(/^athena /);
  });

  it('fails on an unknown environment and on a missing block, naming the context key', () => {
    // Act
    const unknownEnv = configErrorOf(() => loadDeployConfig(contextOf({ env: 'Prod!' })));
    // Its bucket names would pass S3's 63 characters only at deploy time.
    const longEnv = configErrorOf(() => loadDeployConfig(contextOf({ env: 'staging-ap-northeast' })));
    const staging = configErrorOf(() => loadDeployConfig(contextOf({ env: 'staging' })));
    const missingBlock = configErrorOf(() => loadDeployConfig(contextOf({ 'crm-guard:dev': undefined })));
    const badJson = configErrorOf(() =>
      loadDeployConfig(contextOf({ 'crm-guard:dev': '{"alertEmails": [' })),
    );

    // Assess
    expect(unknownEnv.message).toContain('env');
    expect(unknownEnv.message).toContain('Prod!');
    expect(longEnv.message).toContain('at most 17 characters');
    // Any name works once it has its own block: staging only lacks one.
    expect(staging.key).toBe('crm-guard:staging');
    expect(staging.message).toContain('add a "crm-guard:staging" block to cdk.json');
    expect(missingBlock.key).toBe('crm-guard:dev');
    expect(badJson.message).toMatch(/^config crm-guard:dev: not valid JSON/);
  });
});
