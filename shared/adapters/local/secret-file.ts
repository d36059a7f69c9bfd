import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { InputError } from '#shared/errors.ts';

/** The shortest key taken from a file: under it (an emptied file, a typed word) the HMAC is guessable. */
const MIN_KEY_CHARS = 32;

/**
 * A key kept in a file of the local data folder, made on first use (readable by its owner only) and
 * the same on every later run: what a deployed stack keeps in Secrets Manager.
 */
export function localSecret(path: string): string {
  let kept: string | undefined;
  try {
    kept = readFileSync(path, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (kept !== undefined) {
    if (kept.length < MIN_KEY_CHARS)
      throw new InputError(
        path,
        `the key is ${kept.length} characters, under ${MIN_KEY_CHARS}: anyone could guess it. Delete the file and a new key is made`,
      );
    return kept;
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
