import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { InputError } from '#shared/errors.ts';

/** The shortest key taken from a file: under it (an emptied file, a typed word) the HMAC is guessable. */
const MIN_KEY_CHARS = 32;

/**
 * A key kept in a file of the local data folder, made on first use (readable by its owner only) and
 * the same on every later run: what a deployed stack keeps in Secrets Manager.
 */
export function localSecret(path: string): string {
  try {
    return checked(path, readFileSync(path, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EISDIR')
      throw new InputError(path, 'is a folder, not a key file: move it away and a key is made');
    if (code !== 'ENOENT') throw error;
  }
  mkdirSync(dirname(path), { recursive: true });
  const key = randomBytes(32).toString('base64url');
  // Written whole beside it, then linked into place: the file appears with its key or not at all, and
  // of two processes starting at once, the first link wins and the other reads that key.
  const written = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(written, `${key}\n`, { mode: 0o600 });
  try {
    linkSync(written, path);
    return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return checked(path, readFileSync(path, 'utf8'));
  } finally {
    rmSync(written, { force: true });
  }
}

/** The key a file holds, refused when it is too short to be one. */
function checked(path: string, text: string): string {
  const key = text.trim();
  if (key.length < MIN_KEY_CHARS)
    throw new InputError(
      path,
      `the key is ${key.length} characters, under ${MIN_KEY_CHARS}: anyone could guess it. Delete the file and a new key is made`,
    );
  return key;
}
