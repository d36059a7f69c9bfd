import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { localSecret } from '#shared/adapters/local/secret-file.ts';
import { InputError } from '#shared/errors.ts';
import { tempDir } from '../../temp-dir.ts';

describe('a key kept in a file of the local data folder', () => {
  it('is made once, readable by its owner only, and the same on every later read; nothing else is left', () => {
    // Prepare
    const dir = tempDir('crm-guard-secret-');
    const path = join(dir, 'keys', 'gate-log-key');

    // Act
    const made = localSecret(path);
    const again = localSecret(path);

    // Assess
    expect(made).toHaveLength(43);
    expect(again).toBe(made);
    expect(readFileSync(path, 'utf8')).toBe(`${made}\n`);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(dir, 'keys'))).toEqual(['gate-log-key']);
  });

  it('names the file when a folder stands where the key should be', () => {
    // Prepare
    const dir = tempDir('crm-guard-secret-');
    mkdirSync(join(dir, 'gate-log-key'));

    // Act
    const thrown = (() => {
      try {
        localSecret(join(dir, 'gate-log-key'));
      } catch (error) {
        return error;
      }
    })();

    // Assess
    expect(thrown).toBeInstanceOf(InputError);
    expect((thrown as Error).message).toBe(
      `${join(dir, 'gate-log-key')}: is a folder, not a key file: move it away and a key is made`,
    );
  });
});
