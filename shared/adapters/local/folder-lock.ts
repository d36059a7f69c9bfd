import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { UsageError } from '#shared/errors.ts';

/**
 * One process at a time on a local data folder: dynalite keeps its files open and a second process
 * on the same folder dies inside it. The lock is a file holding the owner's pid; a lock whose process
 * is gone (killed, crashed) is taken over. An owner that serves the store (`crm-guard serve`) says
 * where in a second file, `<folder>.served`, so other commands use it instead of being turned away.
 */
export function lockFolder(folder: string, what: string): () => void {
  const lock = `${folder}.lock`;
  mkdirSync(dirname(lock), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
      return () => {
        rmSync(servedFile(folder), { force: true });
        rmSync(lock, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = lockOwner(folder);
    if (owner && owner !== process.pid && isAlive(owner)) {
      const served = sharedStore(folder);
      throw new UsageError(
        served
          ? `${what} (${folder}) is served by process ${owner} (a crm-guard serve; its store at ${served.endpoint}): one serve a folder; stop it first, or pass another --data`
          : `${what} (${folder}) is in use by process ${owner} (another crm-guard command, or serve starting up): try again when it is done, or pass another --data`,
      );
    }
    rmSync(servedFile(folder), { force: true });
    rmSync(lock, { force: true });
  }
  throw new UsageError(`${what} (${folder}): cannot take its lock file ${lock}`);
}

/**
 * Tells other processes where the store of a folder this process locked is served, so they use it
 * over HTTP instead of being turned away (`crm-guard serve` runs for hours; the daily job must not
 * wait). Written whole, then renamed into place: a reader never sees half of it.
 */
export function shareLockedFolder(folder: string, endpoint: string): void {
  const temporary = `${servedFile(folder)}.${process.pid}`;
  // Its owner's only, as defence in depth: the served store takes any signature (its port on loopback
  // can still be found by a local user who looks).
  writeFileSync(temporary, `${process.pid}\n${endpoint}`, { mode: 0o600 });
  renameSync(temporary, servedFile(folder));
}

/** Who shares the folder's store, and where: only the live owner of its lock counts. */
export function sharedStore(folder: string): { pid: number; endpoint: string } | undefined {
  const owner = lockOwner(folder);
  if (!owner || owner === process.pid || !isAlive(owner)) return undefined;
  let text: string;
  try {
    text = readFileSync(servedFile(folder), 'utf8');
  } catch {
    return undefined;
  }
  const [pid, endpoint] = text.trim().split('\n');
  return Number(pid) === owner && endpoint ? { pid: owner, endpoint } : undefined;
}

const servedFile = (folder: string) => `${folder}.served`;

function lockOwner(folder: string): number {
  try {
    return Number(readFileSync(`${folder}.lock`, 'utf8').trim());
  } catch {
    return 0;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
