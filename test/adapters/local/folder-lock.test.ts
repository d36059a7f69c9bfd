import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lockFolder, sharedStore, shareLockedFolder } from '#shared/adapters/local/folder-lock.ts';
import { UsageError } from '#shared/errors.ts';
import { tempDir } from '../../temp-dir.ts';

const refusal = (take: () => unknown) => {
  try {
    take();
  } catch (error) {
    return error;
  }
  return undefined;
};

describe('the data folder lock', () => {
  // Another live process to own locks: a child that waits until it is killed.
  let other: ReturnType<typeof spawn>;
  beforeAll(() => {
    other = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  });
  afterAll(() => {
    other.kill();
  });

  it('turns a second process away, naming the owner, whether or not the owner shares its store', () => {
    // Prepare: two folders a live process holds, one of them shared
    const held = join(tempDir('crm-guard-lock-'), 'dynamo');
    writeFileSync(`${held}.lock`, String(other.pid));
    const served = join(tempDir('crm-guard-lock-'), 'dynamo');
    writeFileSync(`${served}.lock`, String(other.pid));
    writeFileSync(`${served}.served`, `${other.pid}\nhttp://127.0.0.1:4567`);

    // Act
    const heldRefusal = refusal(() => lockFolder(held, 'the local store'));
    const servedRefusal = refusal(() => lockFolder(served, 'the local store'));

    // Assess
    for (const taken of [heldRefusal, servedRefusal]) expect(taken).toBeInstanceOf(UsageError);
    expect((heldRefusal as Error).message).toContain(`is in use by process ${other.pid}`);
    expect((servedRefusal as Error).message).toContain(
      `is served by process ${other.pid} (a crm-guard serve; its store at http://127.0.0.1:4567): one serve a folder`,
    );
    expect(sharedStore(held)).toBeUndefined();
    expect(sharedStore(served)).toEqual({ pid: other.pid, endpoint: 'http://127.0.0.1:4567' });
  });

  it("shares only the live lock owner's store, and takes over a dead owner's lock and served file", () => {
    // Prepare: a served file of another process than the lock's; a dead owner's lock and served file
    const mismatched = join(tempDir('crm-guard-lock-'), 'dynamo');
    writeFileSync(`${mismatched}.lock`, String(other.pid));
    writeFileSync(`${mismatched}.served`, `${process.pid}\nhttp://127.0.0.1:4567`);
    const stale = join(tempDir('crm-guard-lock-'), 'dynamo');
    // A pid no process has: the kernel's limit is far below it.
    writeFileSync(`${stale}.lock`, '99999999');
    writeFileSync(`${stale}.served`, '99999999\nhttp://127.0.0.1:4568');

    // Act
    const mismatchedStore = sharedStore(mismatched);
    const staleStore = sharedStore(stale);
    const unlock = lockFolder(stale, 'the local store');
    const owner = readFileSync(`${stale}.lock`, 'utf8');
    const staleServedLeft = existsSync(`${stale}.served`);
    shareLockedFolder(stale, 'http://127.0.0.1:4569');
    const served = readFileSync(`${stale}.served`, 'utf8');
    const servedMode = statSync(`${stale}.served`).mode & 0o777;
    unlock();

    // Assess
    expect(mismatchedStore).toBeUndefined();
    expect(staleStore).toBeUndefined();
    expect(owner).toBe(String(process.pid));
    expect(staleServedLeft).toBe(false);
    expect(served).toBe(`${process.pid}\nhttp://127.0.0.1:4569`);
    // The address opens the store to any signature: only its owner may read it.
    expect(servedMode).toBe(0o600);
    expect(existsSync(`${stale}.lock`) || existsSync(`${stale}.served`)).toBe(false);
  });
});
