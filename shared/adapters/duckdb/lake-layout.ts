import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CHANNEL_TABLE, ENGAGEMENT_TABLE } from '#shared/adapters/metrics-sql.ts';
import { InputError } from '#shared/errors.ts';
import { type IsoDay, isIsoDay } from '#shared/time/seoul.ts';

/** Where one lake table lives on disk: one CSV file with a `dt` column, or a folder of `dt=` partitions. */
export type TableLocation = { kind: 'csv-file'; file: string } | { kind: 'partitions'; dir: string };

/** One `dt=YYYY-MM-DD/` folder and its data files. */
export interface Partition {
  day: IsoDay;
  folder: string;
  files: string[];
  /** The first entry that may hold the day's rows yet would not be read: a read of the day refuses it. */
  unread?: { path: string; problem: string };
}

export interface PartitionListing {
  /** Sorted by day. */
  partitions: Partition[];
  /** The format of every data file (a table holds one format); undefined when there are none. */
  format: 'parquet' | 'csv' | undefined;
}

const LAYOUT_HELP =
  'expected a CSV file, a lake folder holding crm_channel_daily/ (and optionally user_engagement_daily/), ' +
  'or a table folder of dt=YYYY-MM-DD/ partitions';

function statOrThrow(path: string) {
  try {
    return statSync(path);
  } catch {
    throw new InputError(path, 'no such file or folder');
  }
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Skipped everywhere: hidden files and the markers writers leave (`_SUCCESS`, `.crc`). */
const isMarker = (name: string) => name.startsWith('.') || name.startsWith('_');

/**
 * Why an entry of a partition folder that may hold rows is not read: a folder inside it, a file with
 * no extension (as Athena writes them), a Parquet or CSV file named in another case or compressed.
 * Other files (a README, a manifest.json) are not data; marker names (`_SUCCESS`, `.crc`) are skipped.
 */
function unreadDataProblem(path: string, name: string): string | undefined {
  const readHow = 'the rows of a day are read from the .parquet or .csv files directly in its dt= folder';
  if (isDir(path)) return `a folder inside a partition is not read (${readHow}): move its files up`;
  if (!name.includes('.'))
    return `a file without an extension is not read (${readHow}): name a Parquet file .parquet`;
  const lower = name.toLowerCase();
  if (/\.(parquet|csv)(\.(gz|zst|snappy|bz2))?$/.test(lower))
    return `not read as named (${readHow}, lower-case and uncompressed): rename it, or decompress it`;
  return undefined;
}

function hasPartitions(dir: string, dtColumn: string): boolean {
  return readdirSync(dir).some((name) => name.startsWith(`${dtColumn}=`) && isDir(join(dir, name)));
}

/**
 * What an input path holds: the channel table and the engagement table it offers. A lake root holds
 * `crm_channel_daily/` and/or `user_engagement_daily/`; a table folder holds `dt=` partitions and is
 * taken as `table`; a file is a CSV of that table.
 */
export function resolveInput(
  path: string,
  table: 'channel' | 'engagement',
  dtColumn: string,
): { channel?: TableLocation; engagement?: TableLocation } {
  const stat = statOrThrow(path);
  if (stat.isFile()) {
    if (!path.toLowerCase().endsWith('.csv')) throw new InputError(path, `unknown layout: ${LAYOUT_HELP}`);
    return { [table]: { kind: 'csv-file', file: path } };
  }
  const channelDir = join(path, CHANNEL_TABLE);
  const engagementDir = join(path, ENGAGEMENT_TABLE);
  if (isDir(channelDir) || isDir(engagementDir)) {
    return {
      channel: isDir(channelDir) ? { kind: 'partitions', dir: channelDir } : undefined,
      engagement: isDir(engagementDir) ? { kind: 'partitions', dir: engagementDir } : undefined,
    };
  }
  if (hasPartitions(path, dtColumn)) return { [table]: { kind: 'partitions', dir: path } };
  throw new InputError(path, `unknown layout: ${LAYOUT_HELP}`);
}

/**
 * The partitions of a table folder, read fresh on every call (a day's partition may land while a
 * server runs). A partition value that is not a calendar day is an error naming the folder.
 */
export function listPartitions(dir: string, dtColumn: string): PartitionListing {
  const prefix = `${dtColumn}=`;
  const partitions: Partition[] = [];
  const formats = new Set<'parquet' | 'csv'>();
  for (const name of readdirSync(dir)) {
    const folder = join(dir, name);
    if (isMarker(name)) continue;
    if (!isDir(folder)) {
      if (/\.(parquet|csv)(\.\w+)?$/i.test(name))
        throw new InputError(
          folder,
          `a data file outside any ${prefix}YYYY-MM-DD/ folder is read by no day: move it into its day's folder`,
        );
      continue;
    }
    if (!name.startsWith(prefix)) {
      throw new InputError(folder, `not a partition folder: ${LAYOUT_HELP}`, { field: dtColumn });
    }
    const day = name.slice(prefix.length);
    if (!isIsoDay(day)) {
      throw new InputError(
        folder,
        `partition value ${JSON.stringify(day)} is not a calendar day (YYYY-MM-DD)`,
        {
          field: dtColumn,
        },
      );
    }
    const files: string[] = [];
    let unread: Partition['unread'];
    for (const file of readdirSync(folder).sort()) {
      if (isMarker(file)) continue;
      if (file.endsWith('.parquet')) formats.add('parquet');
      else if (file.endsWith('.csv')) formats.add('csv');
      else {
        // What might hold the day's rows and would not be read: a read of the day refuses it.
        const problem = unreadDataProblem(join(folder, file), file);
        if (problem) unread ??= { path: join(folder, file), problem };
        continue;
      }
      files.push(join(folder, file));
    }
    partitions.push({ day, folder, files, ...(unread ? { unread } : {}) });
  }
  if (formats.size > 1) throw new InputError(dir, 'mixes Parquet and CSV files: keep one format per table');
  partitions.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
  return { partitions, format: [...formats][0] };
}
