import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { ConfigError } from '#shared/errors.ts';

/**
 * The one config loader: every configuration (detection thresholds, gate policy, Lambda environment,
 * CDK context) goes through a zod schema here, and the first problem comes back as a `ConfigError`
 * naming the key, e.g. `config rules.maBand.lower: expected number, received string`.
 */
export function parseConfig<S extends z.ZodType>(schema: S, input: unknown, source = 'config'): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const key = issue.path.length ? issue.path.map(String).join('.') : '(root)';
  const where = source === 'config' ? key : `${key} (in ${source})`;
  throw new ConfigError(where, issue.message);
}

/** Reads a JSON config file and validates it; a missing file or bad JSON names the file. */
export function loadConfigFile<S extends z.ZodType>(schema: S, path: string): z.output<S> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new ConfigError(path, 'cannot read the file');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(path, `not valid JSON (${(error as Error).message})`);
  }
  return parseConfig(schema, json, path);
}
