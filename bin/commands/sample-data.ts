import { mkdirSync, readdirSync, renameSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { writeChannelLake, writeEngagementLake } from '#shared/adapters/duckdb/lake-writer.ts';
import { scheduleText } from '#shared/domain/schedule.ts';
import { UsageError } from '#shared/errors.ts';
import { generateEngagement } from '#shared/sample/engagement.ts';
import { generateSample, REALISTIC_MIX } from '#shared/sample/generate.ts';
import { toLabelsJsonl } from '#shared/sample/rows.ts';
import { type IsoDay, seoulYesterday } from '#shared/time/seoul.ts';
import type { Command } from './command.ts';
import { dayFlag, FLAG_DEFAULTS, integerFlag, stringFlag } from './options.ts';

export interface SampleDataRequest {
  out: string;
  channels: number;
  days: number;
  seed: number;
  endDay: IsoDay;
  users: number;
}

function csvCell(text: string): string {
  return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** `--out` must be a new or empty folder: refused in one line naming it otherwise. */
function checkOutFolder(out: string): void {
  const found = statSync(out, { throwIfNoEntry: false });
  if (!found) return;
  if (!found.isDirectory())
    throw new UsageError(`--out: ${out} is a file; give a new folder for the sample lake`);
  // Refused, not replaced: --out may be a folder of other things (a typo, `.`), and deleting it is not ours to do.
  if (readdirSync(out).length > 0)
    throw new UsageError(
      `--out: the folder ${out} is not empty (a lake there would mix with its old dt= partitions): delete it or choose a new folder`,
    );
}

/**
 * Writes a sample lake a new user can point every command at: `crm_channel_daily/` and
 * `user_engagement_daily/` (Parquet, dt partitions), `channels.csv` (the registry to import) and
 * `labels.jsonl` (what was injected where, to check the detector against). `out` must not exist or be
 * empty; the lake is written beside it and renamed into place.
 */
export async function writeSampleData(
  request: SampleDataRequest,
): Promise<{ rows: number; incidents: number }> {
  checkOutFolder(request.out);
  const target = resolve(request.out);
  mkdirSync(dirname(target), { recursive: true });
  // Written beside --out and renamed: an interrupted run leaves no half lake that `start` would take for whole.
  // mkdir (not mkdtemp, which makes it private): the lake gets the folder permissions mkdir gives.
  const partial = join(dirname(target), `.${basename(target)}.partial-${process.pid}-${Date.now()}`);
  mkdirSync(partial);
  try {
    const written = await writeSampleLake({ ...request, out: partial });
    checkOutFolder(request.out);
    // rename() replaces an empty folder on POSIX only: an empty --out is removed first.
    if (statSync(target, { throwIfNoEntry: false })) rmdirSync(target);
    renameSync(partial, target);
    return written;
  } catch (error) {
    rmSync(partial, { recursive: true, force: true });
    throw error;
  }
}

async function writeSampleLake(request: SampleDataRequest): Promise<{ rows: number; incidents: number }> {
  // The realistic fleet: holidays, schedules, billing peaks, noisy and quiet channels, owners' records.
  const sample = generateSample({
    channels: request.channels,
    days: request.days,
    seed: request.seed,
    endDay: request.endDay,
    families: REALISTIC_MIX,
  });
  await writeChannelLake(request.out, sample.columns);
  const engagement = generateEngagement({
    users: request.users,
    days: Math.min(request.days, 60),
    endDay: request.endDay,
    seed: request.seed,
  });
  await writeEngagementLake(request.out, engagement);
  // What the owners told the registry: status and since when, a declared schedule, recorded changes.
  const registry = [
    'channel_id,name,channel_type,category,owner,status,status_since,schedule,changes',
    ...sample.channels.map((channel) => {
      const facts = sample.facts.get(channel.channelId);
      return [
        channel.channelId,
        channel.name,
        channel.channelType,
        channel.category,
        channel.owner,
        facts?.status ?? 'active',
        facts?.statusSince ?? '',
        facts?.schedule ? scheduleText(facts.schedule) : '',
        (facts?.changes ?? []).join(';'),
      ]
        .map(csvCell)
        .join(',');
    }),
  ];
  writeFileSync(join(request.out, 'channels.csv'), `${registry.join('\n')}\n`);
  writeFileSync(join(request.out, 'labels.jsonl'), toLabelsJsonl(sample));
  return { rows: sample.columns.channel.length, incidents: sample.incidents.length };
}

const command: Command = {
  name: 'sample-data',
  example: 'crm-guard sample-data --out lake --channels 400 --days 365 --seed 7',
  summary: 'Write a seeded, realistic sample lake (channels, engagement, registry, labels).',
  usage:
    'crm-guard sample-data --out DIR [--channels N] [--days N] [--seed S] [--end YYYY-MM-DD] [--users N]',
  defaults: {
    '--channels': '400',
    '--days': '365 (at least 7)',
    '--seed': '1',
    '--end': FLAG_DEFAULTS.yesterday,
    '--users': '5000 (their engagement covers the last 60 days at most)',
  },
  options: {
    out: { type: 'string' },
    channels: { type: 'string' },
    days: { type: 'string' },
    seed: { type: 'string' },
    end: { type: 'string' },
    users: { type: 'string' },
  },
  async run(values) {
    const out = stringFlag(values, 'out');
    if (!out) throw new UsageError('--out DIR is required');
    const request: SampleDataRequest = {
      out,
      channels: integerFlag(values, 'channels', 400),
      days: integerFlag(values, 'days', 365, 7),
      seed: integerFlag(values, 'seed', 1, 0),
      endDay: dayFlag(values, 'end') ?? seoulYesterday(new Date()),
      users: integerFlag(values, 'users', 5000, 0),
    };
    const written = await writeSampleData(request);
    console.log(
      `Sample lake in ${out}: ${request.channels} channels x ${request.days} days ending ${request.endDay} ` +
        `(${written.rows} rows, ${written.incidents} injected incidents in labels.jsonl), ${request.users} users' engagement, channels.csv.`,
    );
    return 0;
  },
};

export default command;
