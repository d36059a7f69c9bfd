import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { openDuckDbMetrics } from '#shared/adapters/duckdb/metrics-source.ts';
import { createGate } from '#shared/gate/gate.ts';
import { seoulYesterday } from '#shared/time/seoul.ts';
import { describeRefresh, refreshTiers } from '#shared/use-cases/refresh-tiers.ts';
import { openStores } from '../local-wiring.ts';
import type { Command, Subcommand } from './command.ts';
import { dataDirFlag, dayFlag, FLAG_DEFAULTS, inputFlag, stringFlag } from './options.ts';
import { policyFlag } from './serve.ts';

/** Engagement input: a CSV, a lake folder holding `user_engagement_daily/`, or a folder of `dt=` partitions. */
export function engagementInput(input: string): string {
  const nested = join(input, 'user_engagement_daily');
  if (existsSync(input) && statSync(input).isDirectory() && existsSync(nested)) return nested;
  return input;
}

const SUBCOMMANDS = {
  refresh: {
    usage: 'crm-guard tiers refresh [--input PATH] [--as-of YYYY-MM-DD] [--policy FILE] [--data DIR]',
    flags: ['input', 'as-of', 'policy', 'data'],
  },
  show: {
    usage: 'crm-guard tiers show USER_ID [--json] [--policy FILE] [--data DIR]',
    argument: 'a user id',
    flags: ['json', 'policy', 'data'],
  },
  // --data is taken everywhere (a habit of every local call), though the policy lives in no data folder.
  policy: { usage: 'crm-guard tiers policy [--json] [--policy FILE]', flags: ['json', 'policy', 'data'] },
} as const satisfies Record<string, Subcommand>;

const tiers: Command = {
  name: 'tiers',
  subcommands: SUBCOMMANDS,
  example: 'crm-guard tiers show u0000042',
  summary:
    'Engagement tiers of the fatigue gate: refresh them from the lake, show one user, print the policy.',
  usage: [
    SUBCOMMANDS.refresh.usage,
    `       ${SUBCOMMANDS.show.usage}    (JSON either way: a tier holds Seoul days only)`,
    `       ${SUBCOMMANDS.policy.usage}`,
  ].join('\n'),
  defaults: {
    '--input': FLAG_DEFAULTS.input,
    '--as-of': `${FLAG_DEFAULTS.yesterday} (the last day of the engagement window)`,
    '--policy': FLAG_DEFAULTS.policy,
    '--data': FLAG_DEFAULTS.data,
  },
  options: {
    input: { type: 'string' },
    'as-of': { type: 'string' },
    policy: { type: 'string' },
    data: { type: 'string' },
    // `show` and `policy` print JSON already: --json is accepted like on every command that shows.
    json: { type: 'boolean' },
  },
  async run(values, positionals) {
    // The dispatcher has checked the subcommand, and that `show` has its user id.
    const [action, userId] = positionals;
    const dataDir = dataDirFlag(values);
    const policy = policyFlag(stringFlag(values, 'policy'));
    if (action === 'policy') {
      // The policy in force, defaults filled in: a starting point for a --policy file or GATE_POLICY.
      console.log(JSON.stringify(policy, null, 2));
      return 0;
    }
    const local = await openStores(dataDir);
    try {
      const store = local.gate;
      if (action === 'show') {
        const tier = await createGate({ store, policy, timeoutMs: 5_000 }).userTier(userId!);
        console.log(JSON.stringify(tier));
        return 0;
      }
      const input = inputFlag(values, dataDir);
      const source = await openDuckDbMetrics({ engagementInput: engagementInput(input) });
      try {
        const asOf = dayFlag(values, 'as-of') ?? seoulYesterday(new Date());
        const result = await refreshTiers({ source, store, policy, asOf });
        console.log(describeRefresh(result));
        if (result.usersRead === 0)
          console.log(`No engagement rows in ${result.seenFrom}..${result.to}: pass --as-of for older data.`);
        return 0;
      } finally {
        await source.close();
      }
    } finally {
      await local.close();
    }
  },
};

export default tiers;
