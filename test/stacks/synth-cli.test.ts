import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url).pathname;

interface Metafile {
  inputs: Record<string, unknown>;
}

/**
 * The one real synth: `cdk synth` as CI runs it, with real bundling by the project's esbuild (no
 * Docker), no credentials, and cdk-nag registered as a validation plugin in bin/app.ts.
 */
describe('npx cdk synth (real bundling, no Docker, no credentials)', () => {
  let outdir: string;
  let output: string;
  beforeAll(async () => {
    outdir = mkdtempSync(join(tmpdir(), 'crm-guard-synth-'));
    const result = await promisify(execFile)(
      process.execPath,
      [join(root, 'node_modules/aws-cdk/bin/cdk'), 'synth', '--quiet', '--output', outdir],
      {
        cwd: root,
        env: {
          ...process.env,
          // The PATH a globally installed cdk sees: no project Node on it, only the system's (which may
          // be older than 24). cdk.json names the project's Node, so the app runs all the same.
          PATH: (process.env.PATH ?? '')
            .split(delimiter)
            .filter((folder) => !folder.includes('node_modules'))
            .join(delimiter),
          AWS_EC2_METADATA_DISABLED: 'true',
          DOCKER_HOST: 'unix:///nonexistent/docker.sock',
          CDK_DOCKER: 'docker-is-not-used-here',
        },
        maxBuffer: 16 * 1024 * 1024,
      },
    );
    output = result.stdout + result.stderr;
  }, 180_000);

  afterAll(() => {
    rmSync(outdir, { recursive: true, force: true });
  });

  it('writes both stacks of the dev environment and passes the cdk-nag plugin', () => {
    // Act
    const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8'));

    // Assess
    expect(existsSync(join(outdir, 'CrmGuard-dev-Data.template.json'))).toBe(true);
    expect(existsSync(join(outdir, 'CrmGuard-dev-Compute.template.json'))).toBe(true);
    expect(
      report.pluginReports.filter((plugin: { conclusion: string }) => plugin.conclusion !== 'success'),
    ).toEqual([]);
    expect(output).not.toMatch(/docker/i);
  });

  it('bundles each function entry as ESM without DuckDB or dynalite', () => {
    // Act
    const assets = readdirSync(outdir).filter((name) => name.startsWith('asset.'));
    const bundles = assets.map((asset) => {
      const meta = JSON.parse(readFileSync(join(outdir, asset, 'index.meta.json'), 'utf8')) as Metafile;
      return { asset, inputs: Object.keys(meta.inputs) };
    });

    // Assess
    expect(bundles).toHaveLength(5);
    const entries = bundles.flatMap((bundle) =>
      bundle.inputs.filter((input) => input.startsWith('functions/')),
    );
    for (const entry of [
      'functions/detect/handler.ts',
      'functions/report/handler.ts',
      'functions/fatigue-gate/handler.ts',
      'functions/fatigue-gate/tier-refresh.ts',
      'functions/feedback/handler.ts',
    ]) {
      expect(entries).toContain(entry);
    }
    for (const bundle of bundles) {
      expect(existsSync(join(outdir, bundle.asset, 'index.mjs'))).toBe(true);
      const local = bundle.inputs.filter((input) =>
        /node_modules\/(dynalite|@duckdb|classic-level|leveldown)\//.test(input),
      );
      expect(local, bundle.asset).toEqual([]);
    }
  });
});
