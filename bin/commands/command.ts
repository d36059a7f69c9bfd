import type { ParseArgsConfig } from 'node:util';

/** Flag values as `parseArgs` returns them. */
export type CommandValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

/**
 * One `crm-guard` sub-command, in `bin/commands/<name>.ts` as the default export. The dispatcher
 * parses flags strictly with `options` (an unknown flag is a usage error naming it) and hands the
 * values to `run`, which returns the exit code. Errors of `#shared/errors.ts` print as one line, exit 2.
 */
export interface Command {
  name: string;
  summary: string;
  usage: string;
  /** One call a new user can copy. */
  example: string;
  /** Positional arguments it takes at most (default none): more are refused, named. */
  positionals?: number;
  options: NonNullable<ParseArgsConfig['options']>;
  run(values: CommandValues, positionals: string[]): Promise<number>;
}
