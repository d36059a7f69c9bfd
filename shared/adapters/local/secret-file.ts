import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * A key kept in a file of the local data folder, made on first use (readable by its owner only) and
 * the same on every later run: what a deployed stack keeps in Secrets Manager.
 */
export function localSecret(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(dirname(path), { recursive: true });
  const key = randomBytes(32).toString('base64url');
  // `wx`: two processes starting at once keep whichever key was written first.
  try {
    writeFileSync(path, `${key}\n`, { mode: 0o600, flag: 'wx' });
    return key;
  } catch {
    return readFileSync(path, 'utf8').trim();
  }
}
