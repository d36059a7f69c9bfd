import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
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
 * Why an entry of a partition folder that holds rows is not read: a folder inside it, a Parquet file
 * without its extension (as Athena writes them; known by its first bytes), or one named in another case,
 * another extension or compressed. Other files (a README, a manifest.json) are not data.
 */
function unreadDataProblem(path: string, name: string): string | undefined {
  const readHow = 'the rows of a day are read from the .parquet or .csv files directly in its dt= folder';
  if (isDir(path)) return `a folder inside a partition is not read (${readHow}): move its files up`;
  if (!name.includes('.'))
    return startsWithParquetMagic(path)
      ? `a Parquet file without its extension is not read (${readHow}): name it .parquet`
      : undefined;
  if (/\.(parquet|pq|parq)(\.\w+)?$|\.csv\.\w+$/i.test(name))
    return `not read as named (${readHow}: .parquet in lower case, .csv uncompressed): rename it, or decompress it`;
  return undefined;
}

/** Parquet files begin with the bytes `PAR1`. */
function startsWithParquetMagic(path: string): boolean {
  const head = Buffer.alloc(4);
  const fd = openSync(path, 'r');
  try {
    return readSync(fd, head, 0, 4, 0) === 4 && head.toString('latin1') === 'PAR1';
  } finally {
    closeSync(fd);
  }
}

/** A data file's name beside the dt= folders (a registry export, `channels.csv`, is not one). */
const isStrayDataFile = (name: string) =>
  /\.(parquet|csv)$/i.test(name) && name.toLowerCase() !== 'channels.csv';

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
      if (isStrayDataFile(name))
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
      // Parquet is read by a glob, which is case-sensitive; CSV files by their list, in any case.
      if (file.endsWith('.parquet')) formats.add('parquet');
      else if (file.toLowerCase().endsWith('.csv')) formats.add('csv');
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
