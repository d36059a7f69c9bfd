import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { UsageError } from '#shared/errors.ts';

/**
 * One process at a time on a local data folder: dynalite keeps its files open and a second process
 * on the same folder dies inside it. The lock is a file holding the owner's pid; a lock whose process
 * is gone (killed, crashed) is taken over.
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
    const owner = Number(readFileSync(lock, 'utf8').trim());
    if (owner && owner !== process.pid && isAlive(owner))
      throw new UsageError(
        `${what} (${folder}) is in use by process ${owner}: is \`crm-guard serve\` running on it? Stop it (Ctrl-C) or pass another --data`,
      );
    rmSync(lock, { force: true });
  }
  throw new UsageError(`${what} (${folder}): cannot take its lock file ${lock}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
