import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '#shared/gate/default-policy.ts';
import { parsePolicy } from '#shared/gate/policy.ts';
import { addDays, seoulDay } from '#shared/time/seoul.ts';

const dir = mkdtempSync(join(tmpdir(), 'crm-guard-tiers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cli = (...args: string[]) =>
  spawnSync(process.execPath, ['bin/crm-guard.ts', 'tiers', ...args, '--data', join(dir, 'data')], {
    encoding: 'utf8',
    env: { ...process.env, CRM_GUARD_INPUT: '' },
  });

describe('crm-guard tiers through the DuckDB adapter', () => {
  it('fills tiers from a CSV of dt,user_id,feature_uses and reports the moves', () => {
    // Prepare: 40 days; "fan" uses the feature daily, "casual" twice, "quiet" has one old row only
    const asOf = '2026-11-23';
    const rows = ['dt,user_id,feature_uses'];
    for (let back = 0; back < 40; back++) rows.push(`${addDays(asOf, -back)},fan,1`);
    rows.push(
      `${addDays(asOf, -3)},casual,1`,
      `${addDays(asOf, -20)},casual,1`,
      `${addDays(asOf, -25)},quiet,0`,
    );
    const csv = join(dir, 'engagement.csv');
    writeFileSync(csv, `${rows.join('\n')}\n`);

    // Act
    const refresh = cli('refresh', '--input', csv, '--as-of', asOf);
    const again = cli('refresh', '--input', csv, '--as-of', asOf);
    const fan = cli('show', 'fan');
    const quiet = cli('show', 'quiet');

    // Assess
    expect(refresh.stderr).toBe('');
    expect(refresh.stdout).toContain(
      '3 users read, 2 moved (mid->high 1, mid->low 1), 3 written, 0 unchanged',
    );
    expect(again.stdout).toContain('0 moved, 0 written, 3 unchanged');
    expect(JSON.parse(fan.stdout)).toMatchObject({ userId: 'fan', tier: 'high', stored: true });
    expect(JSON.parse(quiet.stdout)).toMatchObject({ userId: 'quiet', tier: 'low', idleSince: asOf });
  });

  it('refuses a CSV row that breaks the lake contract, naming it', () => {
    // Prepare
    const csv = join(dir, 'bad.csv');
    writeFileSync(csv, 'dt,user_id,feature_uses\n2026-11-20,a,1\n2026-11-21,b,many\n');

    // Act
    const run = cli('refresh', '--input', csv, '--as-of', '2026-11-23');

    // Assess
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('feature_uses');
  });
});

describe('crm-guard tiers refresh of a day not over yet', () => {
  it('refuses it in one line, exit 2: its uses are still landing, and users would lose their tier', () => {
    // Prepare
    const csv = join(dir, 'today.csv');
    writeFileSync(csv, 'dt,user_id,feature_uses\n2026-11-20,a,1\n');
    const today = seoulDay(new Date());

    // Act
    const run = cli('refresh', '--input', csv, '--as-of', addDays(today, 1));

    // Assess
    expect(run.status).toBe(2);
    // The day may turn between this clock and the command's: the line, not its dates.
    expect(run.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^crm-guard: \d{4}-\d{2}-\d{2} is not over yet in Asia\/Seoul \(today is \d{4}-\d{2}-\d{2}\): refresh up to \d{4}-\d{2}-\d{2} or earlier$/,
      ),
    ]);
  });
});

describe('crm-guard tiers policy', () => {
  it('prints the shipped policy as JSON that loads back unchanged', () => {
    // Act
    const run = cli('policy');

    // Assess
    expect(run.status).toBe(0);
    expect(parsePolicy(JSON.parse(run.stdout))).toEqual(DEFAULT_POLICY);
  });
});
