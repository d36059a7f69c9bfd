import type { ParseArgsConfig } from 'node:util';

/** Flag values as `parseArgs` returns them. */
export type CommandValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

/** One subcommand of a command that has them (`channels show`, `tiers refresh`). */
export interface Subcommand {
  /** Its usage line, quoted by a usage error about it. */
  usage: string;
  /** The one argument it needs after its name (`a channel id`), or none: anything more is refused. */
  argument?: string;
  /** The command's flags this subcommand reads: any other is refused rather than silently ignored. */
  flags: readonly string[];
}

/**
 * One `crm-guard` sub-command, in `bin/commands/<name>.ts` as the default export. The dispatcher
 * parses flags strictly with `options` (an unknown flag is a usage error naming it), checks the
 * positional arguments (`positionals`, or `subcommands`) and hands the values to `run`, which returns
 * the exit code. Errors of `#shared/errors.ts` print as one line, exit 2.
 */
export interface Command {
  name: string;
  summary: string;
  usage: string;
  /** One call a new user can copy. */
  example: string;
  /** What each optional flag is when not given, as help prints it (`--date`: `yesterday in Asia/Seoul`). */
  defaults?: Record<string, string>;
  /** Positional arguments it takes at most (default none): more are refused, named. */
  positionals?: number;
  /**
   * Its subcommands, named by the first positional (instead of `positionals`): an unknown one, a
   * missing argument or one too many is refused in one line quoting the subcommand's usage.
   */
  subcommands?: Record<string, Subcommand>;
  /** The subcommand run when none is named (else one must be). */
  defaultSubcommand?: string;
  options: NonNullable<ParseArgsConfig['options']>;
  run(values: CommandValues, positionals: string[]): Promise<number>;
}
