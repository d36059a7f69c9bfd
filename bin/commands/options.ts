import { existsSync, statSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { localPaths, resolveDataDir } from '#shared/adapters/local/data-dir.ts';
import type { ProfileName } from '#shared/domain/run-record.ts';
import { InputError, UsageError } from '#shared/errors.ts';
import { type IsoDay, isIsoDay } from '#shared/time/seoul.ts';
import type { CommandValues } from './command.ts';

/**
 * What help prints for a flag several commands share when it is not given: one wording each, true to
 * `inputFlag`, `configFlag`, `dataDirFlag`, `profileFlag`, `actor` (channels.ts) and `policyFlag` (serve.ts).
 */
export const FLAG_DEFAULTS = {
  input: 'CRM_GUARD_INPUT, else the sample lake in the data folder (sample-lake/, made by npm start)',
  config: 'CRM_GUARD_CONFIG, else none (the built-in settings)',
  data: 'CRM_GUARD_DATA, else .crm-guard in the working folder',
  profile: 'default',
  by: 'your login name ($USER or USERNAME), else "cli"',
  policy: 'GATE_POLICY (the policy as JSON), else the shipped policy (see crm-guard tiers policy)',
  yesterday: 'yesterday in Asia/Seoul',
} as const;

/** Flags several commands share, parsed one way. */
export const commonOptions = {
  input: { type: 'string' },
  profile: { type: 'string' },
  config: { type: 'string' },
  data: { type: 'string' },
} as const;

export function stringFlag(values: CommandValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

export function dayFlag(values: CommandValues, name: string): IsoDay | undefined {
  const value = stringFlag(values, name);
  if (value !== undefined && !isIsoDay(value))
    throw new UsageError(`--${name}: "${value}" is not a calendar day (YYYY-MM-DD)`);
  return value;
}

export function requiredDayFlag(values: CommandValues, name: string): IsoDay {
  const day = dayFlag(values, name);
  if (day === undefined) throw new UsageError(`--${name} is required (YYYY-MM-DD)`);
  return day;
}

export function integerFlag(
  values: CommandValues,
  name: string,
  fallback: number,
  min = 1,
  max = Number.MAX_SAFE_INTEGER,
): number {
  const value = stringFlag(values, name);
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max)
    throw new UsageError(
      `--${name}: "${value}" must be a whole number ${max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`}`,
    );
  return Number(value);
}

export function profileFlag(values: CommandValues): ProfileName {
  const value = stringFlag(values, 'profile') ?? 'default';
  if (value !== 'default' && value !== 'seed')
    throw new UsageError(`--profile: "${value}" is not a profile (default, seed)`);
  return value;
}

/** `--input`, else CRM_GUARD_INPUT, else the sample lake `npm start` made. */
export function inputFlag(values: CommandValues, dataDir: string): string {
  const input = stringFlag(values, 'input') ?? process.env.CRM_GUARD_INPUT;
  if (input) return input;
  const sample = localPaths(dataDir).sampleLake;
  if (existsSync(sample)) return sample;
  throw new UsageError(
    'no input: give --input PATH (a CSV file or a lake folder), or make one with `crm-guard sample-data`',
  );
}

/** `--config`, else CRM_GUARD_CONFIG: the path of a crm-guard.config.json (none: the defaults). */
export function configFlag(values: CommandValues): string | undefined {
  return stringFlag(values, 'config') ?? (process.env.CRM_GUARD_CONFIG || undefined);
}

export function dataDirFlag(values: CommandValues): string {
  return resolveDataDir(stringFlag(values, 'data'));
}

/** `--<name>` is a file or folder to write: its folder must exist (a typo should not write elsewhere). */
export function outFlag(values: CommandValues, name = 'out'): string | undefined {
  const out = stringFlag(values, name);
  if (out === undefined) return undefined;
  const folder = dirname(resolve(out));
  if (!statSync(folder, { throwIfNoEntry: false })?.isDirectory())
    throw new UsageError(
      `--${name}: the folder ${folder} does not exist; create it first or choose another path`,
    );
  return out;
}

/**
 * Validates a record built from flags, and tells a bad field by the flag that set it: on a command
 * line the record's field names mean nothing.
 */
export function validatedFromFlags<T>(validate: () => T, flagOf: Record<string, string>): T {
  try {
    return validate();
  } catch (error) {
    const flag = error instanceof InputError && error.field ? flagOf[error.field] : undefined;
    if (flag) throw new UsageError(`${flag}: ${(error as InputError).problem}`);
    throw error;
  }
}

/** A path as a message shows it: from the working folder when it lies inside it, else whole. */
export function shownPath(path: string): string {
  const inside = relative(process.cwd(), path);
  const outside = inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside);
  return inside && !outside ? inside : path;
}
