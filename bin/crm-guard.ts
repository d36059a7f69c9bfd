#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { enableCompileCache } from 'node:module';
import { parseArgs } from 'node:util';
import {
  ConfigError,
  InputError,
  MetricsQueryError,
  OutOfRangeError,
  PortInUseError,
  StoreUnavailableError,
  UsageError,
} from '#shared/errors.ts';
import { isIsoDay } from '#shared/time/seoul.ts';
import type { Command } from './commands/command.ts';

// One file a command under ./commands, loaded on use: `crm-guard serve` never opens DuckDB.
const COMMANDS = [
  'start',
  'detect',
  'backfill',
  'sample-data',
  'report',
  'channels',
  'review',
  'feedback',
  'incidents',
  'serve',
  'tiers',
] as const;

async function load(name: string): Promise<Command> {
  return ((await import(`./commands/${name}.ts`)) as { default: Command }).default;
}

/** Every command with its one line: loading them all costs a few ms, and only for --help. */
async function help(): Promise<string> {
  const commands = await Promise.all(COMMANDS.map(load));
  const width = Math.max(...COMMANDS.map((name) => name.length));
  return [
    'Usage: crm-guard <command> [options]     (crm-guard help <command> for its flags and an example)',
    '',
    'Commands:',
    ...commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    '',
    'Options: --help, --version; --stack ENV (or CRM_GUARD_STACK) runs a command against a deployed environment',
  ].join('\n');
}

function commandHelp(command: Command): string {
  const defaults = Object.entries(command.defaults ?? {});
  const width = Math.max(0, ...defaults.map(([flag]) => flag.length));
  return [
    command.summary,
    `Usage: ${command.usage}`,
    ...(defaults.length
      ? [`Defaults:\n${defaults.map(([flag, value]) => `  ${flag.padEnd(width)}  ${value}`).join('\n')}`]
      : []),
    `Example: ${command.example}`,
  ].join('\n\n');
}

/** Where a usage error points: the subcommand's usage, else a one-line usage, else the command's help. */
function usageHint(command: Command, subcommand?: string): string {
  const sub =
    subcommand !== undefined && command.subcommands && Object.hasOwn(command.subcommands, subcommand)
      ? command.subcommands[subcommand]
      : undefined;
  if (sub) return `usage: ${sub.usage}`;
  return command.usage.includes('\n') ? `see crm-guard help ${command.name}` : `usage: ${command.usage}`;
}

const unexpected = (extra: string[]) =>
  `unexpected argument${extra.length > 1 ? 's' : ''} ${extra.map((arg) => JSON.stringify(arg)).join(' ')}`;

/** A command's positional arguments, checked before it runs: each failure is one line. */
function checkPositionals(
  command: Command,
  positionals: string[],
  given: readonly string[],
  hasDate: boolean,
): void {
  const { name, subcommands } = command;
  if (subcommands) {
    const names = Object.keys(subcommands);
    const [subcommand = command.defaultSubcommand, ...args] = positionals;
    if (subcommand === undefined)
      throw new UsageError(`${name}: give a subcommand (${names.join(', ')}): see crm-guard help ${name}`);
    if (!Object.hasOwn(subcommands, subcommand))
      throw new UsageError(
        `${name}: unknown subcommand ${JSON.stringify(subcommand)} (${names.join(', ')}): see crm-guard help ${name}`,
      );
    const spec = subcommands[subcommand]!;
    if (spec.argument && args.length === 0)
      throw new UsageError(`${name} ${subcommand} needs ${spec.argument}; ${usageHint(command, subcommand)}`);
    const extra = args.slice(spec.argument ? 1 : 0);
    if (extra.length)
      throw new UsageError(`${name} ${subcommand}: ${unexpected(extra)}; ${usageHint(command, subcommand)}`);
    const stray = given.filter((flag) => !spec.flags.includes(flag));
    if (stray.length)
      throw new UsageError(
        `${name} ${subcommand}: ${stray.map((flag) => `--${flag}`).join(', ')} ${stray.length > 1 ? 'do' : 'does'} not apply to it; ${usageHint(command, subcommand)}`,
      );
    return;
  }
  // A date typed without --date would otherwise be ignored and the command run for yesterday.
  const extra = positionals.slice(command.positionals ?? 0);
  if (extra.length) {
    const day = extra.find(isIsoDay);
    const hint = day && hasDate ? ` (did you mean --date ${day}?)` : '';
    throw new UsageError(`${name}: ${unexpected(extra)}${hint}; ${usageHint(command)}`);
  }
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return `crm-guard ${pkg.version}`;
}

const isCommand = (name: string): name is (typeof COMMANDS)[number] =>
  (COMMANDS as readonly string[]).includes(name);

async function main(argv: string[]): Promise<number> {
  // Node keeps the compiled commands (types stripped) in its temp folder; bin/crm-guard.js turns it on earlier.
  enableCompileCache();
  // `--stack ENV` works on every command, before or after its name: a deployed environment's tables
  // and functions.
  const words: string[] = [];
  let stack: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const env =
      arg === '--stack' ? argv[++i] : arg.startsWith('--stack=') ? arg.slice('--stack='.length) : null;
    if (env === null) words.push(arg);
    else if (!env || env.startsWith('--'))
      throw new UsageError('--stack needs an environment name (dev, prod, ...)');
    else if (stack !== undefined && stack !== env)
      // dev or prod is the one choice a second flag must never make unseen.
      throw new UsageError(`--stack is given twice (${stack}, ${env}); give it once`);
    else {
      stack = env;
      process.env.CRM_GUARD_STACK = env;
    }
  }
  const [name, ...rest] = words;
  if (name === '--version' || name === '-v') {
    console.log(version());
    return 0;
  }
  if (!name || name === '--help' || name === '-h') {
    console.log(await help());
    return name ? 0 : 2;
  }
  if (name === 'help') {
    const topic = rest[0];
    if (!topic) {
      console.log(await help());
      return 0;
    }
    if (!isCommand(topic))
      throw new UsageError(`unknown command "${topic}": run crm-guard --help for the list`);
    console.log(commandHelp(await load(topic)));
    return 0;
  }
  // Only --stack (and --help, --version) come before the command; every other flag is the command's own.
  const commandAt = rest.findIndex((word) => isCommand(word));
  if (name.startsWith('-') && commandAt >= 0)
    throw new UsageError(
      `"${name}" goes after the command: crm-guard ${[...rest.slice(commandAt), name, ...rest.slice(0, commandAt)].join(' ')}`,
    );
  if (!isCommand(name)) throw new UsageError(`unknown command "${name}": run crm-guard --help for the list`);
  const command = await load(name);
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(commandHelp(command));
    return 0;
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: rest,
      options: command.options,
      allowPositionals: true,
      strict: true,
      tokens: true,
    });
  } catch (error) {
    // One line: Node's own text goes on about positionals after `--`; its first sentence names the flag.
    const sentence = (error as Error).message.split(/\.\s/)[0]!.replace(/\.$/, '');
    const problem = sentence.charAt(0).toLowerCase() + sentence.slice(1);
    const subcommand = subcommandOf(command, rest);
    throw new UsageError(`${invoked(command, subcommand)}: ${problem}; ${usageHint(command, subcommand)}`);
  }
  refuseRepeatedFlags(command, parsed.tokens ?? [], rest);
  checkPositionals(command, parsed.positionals, Object.keys(parsed.values), 'date' in command.options);
  return command.run(parsed.values, parsed.positionals);
}

/** The subcommand the words name, when the command has subcommands. */
const subcommandOf = (command: Command, rest: readonly string[]) =>
  command.subcommands && rest[0] && !rest[0].startsWith('-') ? rest[0] : undefined;

/** How a message names what was run: `channels set`, `detect`. */
const invoked = (command: Command, subcommand: string | undefined) =>
  subcommand ? `${command.name} ${subcommand}` : command.name;

/** A flag given twice would otherwise take its last value unseen (`--date A ... --date B`). */
function refuseRepeatedFlags(
  command: Command,
  tokens: NonNullable<ReturnType<typeof parseArgs>['tokens']>,
  rest: readonly string[],
): void {
  const values = new Map<string, string[]>();
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    const given = values.get(token.name) ?? [];
    given.push(token.value === undefined ? `--${token.name}` : `--${token.name} ${token.value}`);
    values.set(token.name, given);
  }
  for (const given of values.values())
    if (given.length > 1) {
      const flag = given[0]!.split(' ')[0];
      throw new UsageError(
        `${invoked(command, subcommandOf(command, rest))}: ${flag} is given ${given.length} times (${given.join(', ')}); give it once`,
      );
    }
}

const KNOWN_ERRORS = [
  UsageError,
  InputError,
  ConfigError,
  OutOfRangeError,
  MetricsQueryError,
  StoreUnavailableError,
  PortInUseError,
];

/** An error of the file system (ENOENT, EACCES, ENOSPC...): Node's message names the call and the path. */
const isSystemError = (error: unknown): error is NodeJS.ErrnoException =>
  error instanceof Error &&
  typeof (error as NodeJS.ErrnoException).code === 'string' &&
  typeof (error as NodeJS.ErrnoException).syscall === 'string';

// A reader that stops early (`crm-guard incidents | head`) closes the pipe: what is left to print has
// no one to read it, and the command still finishes its work (a run's findings, the store's lock).
for (const stream of [process.stdout, process.stderr])
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // What a person can act on is one line; a stack is printed only for a bug (an error of no known kind).
    const known = KNOWN_ERRORS.some((kind) => error instanceof kind) || isSystemError(error);
    console.error(
      `crm-guard: ${known ? (error as Error).message : ((error as Error)?.stack ?? String(error))}`,
    );
    process.exitCode = 2;
  },
);
