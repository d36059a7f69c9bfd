import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { UsageError } from '#shared/errors.ts';

/**
 * One process at a time on a local data folder: dynalite keeps its files open and a second process
 * on the same folder dies inside it. The lock is a file holding the owner's pid (and, once the owner
 * shares it, the endpoint of its dynalite); a lock whose process is gone (killed, crashed) is taken over.
 */
export function lockFolder(folder: string, what: string): () => void {
  const lock = `${folder}.lock`;
  mkdirSync(dirname(lock), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
      return () => rmSync(lock, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = lockOwner(lock).pid;
    if (owner && owner !== process.pid && isAlive(owner))
      throw new UsageError(
        `${what} (${folder}) is in use by process ${owner}, another crm-guard command: let it finish, or pass another --data`,
      );
    rmSync(lock, { force: true });
  }
  throw new UsageError(`${what} (${folder}): cannot take its lock file ${lock}`);
}

/**
 * Tells other processes where the store of a folder this process locked is served, so they use it
 * over HTTP instead of being turned away (`crm-guard serve` runs for hours; the daily job must not wait).
 */
export function shareLockedFolder(folder: string, endpoint: string): void {
  writeFileSync(`${folder}.lock`, `${process.pid}\n${endpoint}`);
}

/** The endpoint a live owner of the folder's lock shares its store on, if it does. */
export function sharedEndpoint(folder: string): string | undefined {
  const { pid, endpoint } = lockOwner(`${folder}.lock`);
  return pid && pid !== process.pid && endpoint && isAlive(pid) ? endpoint : undefined;
}

function lockOwner(lock: string): { pid: number; endpoint?: string } {
  let text: string;
  try {
    text = readFileSync(lock, 'utf8');
  } catch {
    return { pid: 0 };
  }
  const [pid, endpoint] = text.trim().split('\n');
  return { pid: Number(pid), ...(endpoint ? { endpoint } : {}) };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
