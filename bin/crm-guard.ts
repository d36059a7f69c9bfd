#!/usr/bin/env node
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
  'serve',
  'tiers',
] as const;

function help(): string {
  return [
    'Usage: crm-guard <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((name) => `  ${name}`),
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  // Node keeps the compiled commands (TypeScript stripped) in its temp folder: a second run starts faster.
  enableCompileCache();
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    console.log(help());
    return name ? 0 : 2;
  }
  if (!(COMMANDS as readonly string[]).includes(name))
    throw new UsageError(`unknown command "${name}"\n${help()}`);
  const command = ((await import(`./commands/${name}.ts`)) as { default: Command }).default;
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(`${command.summary}\n\nUsage: ${command.usage}`);
    return 0;
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: rest, options: command.options, allowPositionals: true, strict: true });
  } catch (error) {
    // One line: Node's own text goes on about positionals after `--`; its first sentence names the flag.
    const problem = (error as Error).message.split(/\.\s/)[0]!.replace(/\.$/, '');
    throw new UsageError(`${name}: ${problem}; usage: ${command.usage}`);
  }
  return command.run(parsed.values, parsed.positionals);
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

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const known = KNOWN_ERRORS.some((kind) => error instanceof kind);
    console.error(
      `crm-guard: ${known ? (error as Error).message : ((error as Error)?.stack ?? String(error))}`,
    );
    process.exitCode = 2;
  },
);
