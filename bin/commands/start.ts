import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { openDuckDbMetrics } from '#shared/adapters/duckdb/metrics-source.ts';
import { localPaths } from '#shared/adapters/local/data-dir.ts';
import { parseRegistryCsvFile, validateReviewInput } from '#shared/config/registry-input.ts';
import { InputError, UsageError } from '#shared/errors.ts';
import { addDays, seoulInstant, seoulYesterday } from '#shared/time/seoul.ts';
import { openLocalStores } from '../local-wiring.ts';
import type { Command } from './command.ts';
import { runDetect } from './detect.ts';
import { configFlag, dataDirFlag, FLAG_DEFAULTS, profileFlag, shownPath, stringFlag } from './options.ts';
import { writeSampleData } from './sample-data.ts';

/**
 * The sample's registry: owners, names, statuses and declared schedules, and the changes its owners
 * recorded (as the redesign decisions they came with), so detection, the report and the review loop
 * have them. What is already registered stays as it is, so a run stopped halfway is completed by the
 * next; a registry holding other channels (another lake's) is left alone, and detect says so.
 */
async function importSampleRegistry(lake: string, dataFlag: string | undefined): Promise<void> {
  const file = join(lake, 'channels.csv');
  const { registry, close } = await openLocalStores(dataFlag);
  try {
    const csv = readFileSync(file, 'utf8');
    const { entries, changes: changeDays } = parseRegistryCsvFile(csv, file);
    const sample = new Set(entries.map((entry) => entry.channelId));
    const snapshot = await registry.snapshot();
    if (snapshot.channels.some((channel) => !sample.has(channel.channelId))) return;
    const registered = new Set(snapshot.channels.map((channel) => channel.channelId));
    const recorded = new Set(snapshot.reviews.map((review) => `${review.channelId} ${review.changeDay}`));
    const missing = entries.filter((entry) => !registered.has(entry.channelId));
    const at = new Date();
    if (missing.length)
      await registry.upsert(missing, 'sample-data', at, `start: the sample's ${basename(file)}`);
    let changes = 0;
    for (const [channelId, days] of changeDays)
      for (const changeDay of days) {
        if (recorded.has(`${channelId} ${changeDay}`)) continue;
        const review = {
          channelId,
          decision: 'redesign',
          note: 'sample: a recorded change',
          by: 'sample-data',
          changeDay,
        };
        // Decided the morning before the change went live, as a team would: not at the sample's first run.
        await registry.recordReview(
          validateReviewInput(review, file),
          seoulInstant(addDays(changeDay, -1), 10),
        );
        changes++;
      }
    if (missing.length || changes)
      console.log(
        `Registered ${missing.length} sample channels (owners, categories, schedules) and ${changes} recorded changes from ${shownPath(file)}.`,
      );
  } finally {
    await close();
  }
}

const command: Command = {
  name: 'start',
  example: 'crm-guard start',
  summary: 'First run: make a sample lake if there is none, then run the daily job for its latest day.',
  usage: 'crm-guard start [--profile default|seed] [--config FILE] [--data DIR]',
  defaults: {
    '--profile': FLAG_DEFAULTS.profile,
    '--config': FLAG_DEFAULTS.config,
    '--data': FLAG_DEFAULTS.data,
  },
  options: { profile: { type: 'string' }, config: { type: 'string' }, data: { type: 'string' } },
  async run(values) {
    // Start runs on the sample: beside a lake of one's own it would fill its data folder with the
    // sample's findings, registry and the day's digest (a later detect of the same day sends none).
    const own = process.env.CRM_GUARD_INPUT;
    if (own)
      throw new UsageError(
        `start runs on a sample lake, and CRM_GUARD_INPUT names your own (${own}): run \`crm-guard detect\` to judge it, or unset CRM_GUARD_INPUT to try the sample`,
      );
    const dataDir = dataDirFlag(values);
    const lake = localPaths(dataDir).sampleLake;
    const shown = shownPath(lake);
    if (!existsSync(lake)) {
      console.log(`No sample lake yet: writing one to ${shown} ...`);
      await writeSampleData({
        out: lake,
        channels: 400,
        days: 365,
        seed: 1,
        endDay: seoulYesterday(new Date()),
        users: 5000,
      });
    }
    await importSampleRegistry(lake, stringFlag(values, 'data'));
    const metrics = await openDuckDbMetrics({ input: lake });
    const latest = await metrics.latestDay().finally(() => metrics.close());
    if (!latest) throw new InputError(shown, 'the sample lake has no data: delete it and run again');
    const code = await runDetect({
      day: latest,
      input: lake,
      dataDir,
      profile: profileFlag(values),
      configPath: configFlag(values),
    });
    console.log(
      `\nNext (these change nothing): \`npx crm-guard detect --date ${latest} --profile seed\` shows what the team's five rules alone would page; ` +
        '`npx crm-guard incidents` lists the incidents so far; `npx crm-guard channels list` shows the registry; README.md has the rest.',
    );
    return code;
  },
};

export default command;
