import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  writeChannelLake,
  writeEngagementCsv,
  writeEngagementLake,
} from '#shared/adapters/duckdb/lake-writer.ts';
import { openDuckDbMetrics } from '#shared/adapters/duckdb/metrics-source.ts';
import type { UserEngagement } from '#shared/domain/engagement.ts';
import type { MetricsSource } from '#shared/ports/metrics-source.ts';
import { addDays, dayNumber } from '#shared/time/seoul.ts';
import { START, sampleRows, tempDir } from './fixtures.ts';

const DAY = (n: number) => addDays(START, n);
const USERS = 25_000;

/**
 * User `u` is active on days `u % 3 .. 4` (so 5, 4 or 3 active days) with `u % 5` uses a day:
 * sums, active days and first days differ user to user and can be checked from the id alone.
 */
function engagementColumns() {
  const userIds = Array.from({ length: USERS }, (_, u) => `user-${String(u).padStart(5, '0')}`);
  const user: number[] = [];
  const day: number[] = [];
  const featureUses: number[] = [];
  for (let u = 0; u < USERS; u++) {
    for (let d = u % 3; d <= 4; d++) {
      user.push(u);
      day.push(dayNumber(DAY(d)));
      featureUses.push(u % 5);
    }
  }
  return {
    userIds,
    user: Int32Array.from(user),
    day: Int32Array.from(day),
    featureUses: Float64Array.from(featureUses),
  };
}

function expected(u: number, from: number, to: number): UserEngagement {
  const first = Math.max(u % 3, from);
  const activeDays = to - first + 1;
  return {
    userId: `user-${String(u).padStart(5, '0')}`,
    featureUses: (u % 5) * activeDays,
    firstSeen: DAY(first),
    activeDays,
  };
}

async function collect(source: MetricsSource, from: string, to: string) {
  const pages: UserEngagement[][] = [];
  for await (const page of source.readEngagement({ from, to })) pages.push(page);
  return pages;
}

describe('engagement from the lake', () => {
  let dir: string;
  let cleanup: () => void;
  let source: MetricsSource | undefined;
  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(async () => {
    await source?.close();
    source = undefined;
    cleanup();
  });

  it('streams 25,000 users in pages of 1,000, summed over the window', async () => {
    // Prepare
    await writeEngagementLake(dir, engagementColumns());
    await writeChannelLake(dir, sampleRows());
    source = await openDuckDbMetrics({ input: dir, engagementPageSize: 1000 });

    // Act
    const pages = await collect(source, DAY(1), DAY(3));

    // Assess
    expect(pages).toHaveLength(25);
    expect(pages.every((page) => page.length === 1000)).toBe(true);
    const users = pages.flat();
    expect(users[0]).toEqual(expected(0, 1, 3));
    expect(users[1]).toEqual(expected(1, 1, 3));
    expect(users[2]).toEqual(expected(2, 1, 3));
    expect(users[24_999]).toEqual(expected(24_999, 1, 3));
    expect(users.reduce((sum, row) => sum + row.featureUses, 0)).toBe(
      Array.from({ length: USERS }, (_, u) => expected(u, 1, 3).featureUses).reduce((a, b) => a + b, 0),
    );
  });

  it('lists users seen only before the uses window with no uses, and first days over the whole read', async () => {
    // Prepare
    const file = join(dir, 'engagement.csv');
    await writeEngagementCsv(file, [
      { dt: DAY(0), userId: 'left', featureUses: 5 },
      { dt: DAY(0), userId: 'stays', featureUses: 2 },
      { dt: DAY(2), userId: 'stays', featureUses: 3 },
      { dt: DAY(3), userId: 'new', featureUses: 1 },
    ]);
    source = await openDuckDbMetrics({ engagementInput: file });

    // Act
    const users: UserEngagement[] = [];
    for await (const page of source.readEngagement({ from: DAY(0), to: DAY(3), usesFrom: DAY(2) }))
      users.push(...page);

    // Assess
    expect(users).toEqual([
      { userId: 'left', featureUses: 0, firstSeen: DAY(0), activeDays: 0 },
      { userId: 'new', featureUses: 1, firstSeen: DAY(3), activeDays: 1 },
      { userId: 'stays', featureUses: 3, firstSeen: DAY(0), activeDays: 1 },
    ]);
  });

  it('reads an engagement CSV given apart from the channel input, only the window days', async () => {
    // Prepare
    const file = join(dir, 'engagement.csv');
    await writeEngagementCsv(file, [
      { dt: DAY(0), userId: 'u1', featureUses: 3 },
      { dt: DAY(1), userId: 'u1', featureUses: 4 },
      { dt: DAY(1), userId: 'u2', featureUses: 0 },
      { dt: DAY(2), userId: 'u3', featureUses: 9 },
    ]);
    const channels = join(dir, 'channels');
    await writeChannelLake(channels, sampleRows());
    source = await openDuckDbMetrics({ input: channels, engagementInput: file, engagementPageSize: 2 });

    // Act
    const pages = await collect(source, DAY(0), DAY(1));

    // Assess
    expect(pages).toEqual([
      [
        { userId: 'u1', featureUses: 7, firstSeen: DAY(0), activeDays: 2 },
        { userId: 'u2', featureUses: 0, firstSeen: DAY(1), activeDays: 1 },
      ],
    ]);
  });

  it('counts a day once however many rows it has, in short and long (over 63 days) windows', async () => {
    // Prepare: u1 twice on day 0, again on day 70; the long window takes the other way of counting.
    const file = join(dir, 'engagement.csv');
    writeFileSync(file, `dt,user_id,feature_uses\n${DAY(0)},u1,1\n${DAY(0)},u1,2\n${DAY(70)},u1,4\n`);
    source = await openDuckDbMetrics({ engagementInput: file });

    // Act
    const short = (await collect(source, DAY(0), DAY(10))).flat();
    const long = (await collect(source, DAY(0), DAY(99))).flat();

    // Assess
    expect(short).toEqual([{ userId: 'u1', featureUses: 3, firstSeen: DAY(0), activeDays: 1 }]);
    expect(long).toEqual([{ userId: 'u1', featureUses: 7, firstSeen: DAY(0), activeDays: 2 }]);
  });

  it.each([
    ['an empty user id', `${START},,3`, 'user_id', 'empty user id'],
    [
      'a user id the gate refuses',
      `${START},사용자,3`,
      'user_id',
      '"사용자": expected 1 to 128 printable ASCII characters without spaces, as the gate takes user ids',
    ],
    [
      'a user id with a space inside',
      `${START},a b,3`,
      'user_id',
      '"a b": expected 1 to 128 printable ASCII characters without spaces, as the gate takes user ids',
    ],
    ['negative uses', `${START},u2,-1`, 'feature_uses', '-1 is negative'],
    ['a bad day', `2026-03-32,u2,1`, 'dt', '"2026-03-32" is not a calendar day (YYYY-MM-DD)'],
  ])('%s is one InputError naming file, row and field', async (_, line, field, problem) => {
    // Prepare
    const file = join(dir, 'engagement.csv');
    writeFileSync(file, `dt,user_id,feature_uses\n${START},u1,2\n${line}\n`);
    source = await openDuckDbMetrics({ engagementInput: file });

    // Act
    const reading = collect(source, START, START);

    // Assess
    await expect(reading).rejects.toThrow(`${file}: row 3, field ${field}: ${problem}`);
  });

  it('names the line of a dt= CSV partition that ends before its last field', async () => {
    // Prepare
    const folder = join(dir, 'user_engagement_daily', `dt=${START}`);
    mkdirSync(folder, { recursive: true });
    const file = join(folder, 'part_0.csv');
    writeFileSync(file, 'user_id,feature_uses\nuser-a,3\nuser-b\n');
    source = await openDuckDbMetrics({ engagementInput: join(dir, 'user_engagement_daily') });

    // Act
    const reading = collect(source, START, START);

    // Assess
    await expect(reading).rejects.toThrow(
      `${file}: row 3, field feature_uses: missing: the row ends before it (Expected Number of Columns: 2 Found: 1)`,
    );
  });

  it('says so when the input holds no engagement data', async () => {
    // Prepare
    await writeChannelLake(dir, sampleRows());
    source = await openDuckDbMetrics({ input: dir });

    // Act
    const reading = collect(source, START, START);

    // Assess
    await expect(reading).rejects.toThrow(`${dir}: holds no engagement data`);
  });
});
