import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lockFolder, sharedEndpoint } from '#shared/adapters/local/folder-lock.ts';
import { UsageError } from '#shared/errors.ts';
import { tempDir } from '../../temp-dir.ts';

describe('the data folder lock', () => {
  // Another live process to own locks: a child that waits until it is killed.
  let other: ReturnType<typeof spawn>;
  beforeAll(() => {
    other = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  });
  afterAll(() => {
    other.kill();
  });

  it('turns a second process away, naming the owner, while the owner shares no store', () => {
    // Prepare
    const folder = join(tempDir('crm-guard-lock-'), 'dynamo');
    writeFileSync(`${folder}.lock`, String(other.pid));

    // Act
    const taken = (() => {
      try {
        lockFolder(folder, 'the local store');
      } catch (error) {
        return error;
      }
    })();

    // Assess
    expect(taken).toBeInstanceOf(UsageError);
    expect((taken as Error).message).toContain(
      `is in use by process ${other.pid}, another crm-guard command`,
    );
    expect(sharedEndpoint(folder)).toBeUndefined();
  });

  it("gives the endpoint a live owner shares, and nothing for a dead owner's lock, which is taken over", () => {
    // Prepare
    const shared = join(tempDir('crm-guard-lock-'), 'dynamo');
    writeFileSync(`${shared}.lock`, `${other.pid}\nhttp://127.0.0.1:4567`);
    const stale = join(tempDir('crm-guard-lock-'), 'dynamo');
    // A pid no process has: the kernel's limit is far below it.
    writeFileSync(`${stale}.lock`, `99999999\nhttp://127.0.0.1:4568`);

    // Act
    const endpoint = sharedEndpoint(shared);
    const staleEndpoint = sharedEndpoint(stale);
    const unlock = lockFolder(stale, 'the local store');
    const owner = readFileSync(`${stale}.lock`, 'utf8');
    unlock();

    // Assess
    expect(endpoint).toBe('http://127.0.0.1:4567');
    expect(staleEndpoint).toBeUndefined();
    expect(owner).toBe(String(process.pid));
  });
});
