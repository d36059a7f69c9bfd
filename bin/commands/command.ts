import type { ParseArgsConfig } from 'node:util';

/**
 * One `crm-guard` sub-command. The dispatcher parses flags strictly with `options` (an unknown flag
 * is a usage error naming it) and hands the values to `run`, which returns the exit code.
 */
/** Flag values as `parseArgs` returns them. */
export type CommandValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

export interface Command {
  name: string;
  summary: string;
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  run(
    values: Record<string, string | boolean | string[] | boolean[] | undefined>,
    positionals: string[],
  ): Promise<number>;
}
