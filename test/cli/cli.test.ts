import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeChannelCsv } from '#shared/adapters/duckdb/lake-writer.ts';
import { generateSample, REALISTIC_MIX } from '#shared/sample/generate.ts';
import { isIsoDay, seoulDay } from '#shared/time/seoul.ts';
import { registryWarning } from '../../bin/local-wiring.ts';

const REPO = resolve(import.meta.dirname, '../..');
const END = '2026-10-31';
const FROM = '2026-10-01';
const SAMPLE = { channels: 30, days: 90, seed: 3 };

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

let tmp: string;
let dataDir: string;

/**
 * Runs the real CLI under this Node (24) from the repo root, with its state in `env.CRM_GUARD_DATA`;
 * a variable given as undefined is removed.
 */
function cli(args: string[], env: Record<string, string | undefined> = {}): Promise<Outcome> {
  const merged: NodeJS.ProcessEnv = { ...process.env, CRM_GUARD_DATA: dataDir, CRM_GUARD_INPUT: '', ...env };
  for (const [name, value] of Object.entries(merged)) if (value === undefined) delete merged[name];
  return new Promise((done) => {
    execFile(
      process.execPath,
      ['bin/crm-guard.js', ...args],
      { cwd: REPO, env: merged },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        done({ code, stdout, stderr });
      },
    );
  });
}

const jsonl = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);

let lake: string;
let csv: string;
let sampleData: Outcome;
let seedOut: string;
let seedRun: Outcome;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'crm-guard-cli-e2e-'));
  dataDir = join(tmp, 'data');
  lake = join(tmp, 'lake');
  csv = join(tmp, 'channels.csv');
  // The same sample twice: as a lake through the CLI, and as one CSV file written here.
  sampleData = await cli([
    'sample-data',
    '--out',
    lake,
    '--channels',
    String(SAMPLE.channels),
    '--days',
    String(SAMPLE.days),
    '--seed',
    String(SAMPLE.seed),
    '--end',
    END,
    '--users',
    '200',
  ]);
  seedOut = join(tmp, 'seed.jsonl');
  [seedRun] = await Promise.all([
    cli(['backfill', '--input', lake, '--from', FROM, '--to', END, '--profile', 'seed', '--out', seedOut]),
    writeChannelCsv(csv, generateSample({ ...SAMPLE, endDay: END, families: REALISTIC_MIX }).columns),
  ]);
});

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

const REQUIRED = [
  'date',
  'channelId',
  'rule',
  'metric',
  'status',
  'alert',
  'direction',
  'actual',
  'expected',
  'lower',
  'upper',
  'severity',
];
const PAGING_SEED_RULES = ['ma_ratio', 'zscore', 'robust_ratio', 'decline'];

describe('crm-guard sample-data', () => {
  it('writes a lake, the registry and the labels, and says so', () => {
    // Assess (the run is in beforeAll: the other tests read its lake)
    expect(sampleData.stderr).toBe('');
    expect(sampleData.code).toBe(0);
    expect(sampleData.stdout).toContain(`30 channels x 90 days ending ${END}`);
    expect(readdirSync(lake).sort()).toEqual([
      'channels.csv',
      'crm_channel_daily',
      'labels.jsonl',
      'user_engagement_daily',
    ]);
    expect(readdirSync(join(lake, 'crm_channel_daily'))).toHaveLength(90);
    expect(readFileSync(join(lake, 'channels.csv'), 'utf8').trim().split('\n')).toHaveLength(31);
    // Written beside --out and renamed into place: nothing of the work left behind.
    expect(readdirSync(tmp).filter((name) => name.includes('partial'))).toEqual([]);
  });

  it('refuses an --out folder that is not empty, in one line naming it, and leaves it as it was', async () => {
    // Act: a 7-day sample over the 90-day lake
    const over = await cli(['sample-data', '--out', lake, '--days', '7', '--channels', '3', '--end', END]);

    // Assess
    expect(over.code).toBe(2);
    expect(over.stderr).toBe(
      `crm-guard: --out: the folder ${lake} is not empty (a lake there would mix with its old dt= partitions): delete it or choose a new folder\n`,
    );
    expect(readdirSync(join(lake, 'crm_channel_daily'))).toHaveLength(90);
  });
});

describe('crm-guard detect', () => {
  it('judges a day of the lake, prints the alerts as a table and where the findings are stored', async () => {
    // Act
    const look = await cli(['detect', '--input', lake, '--date', END, '--profile', 'seed']);
    const lookLeftNoDigest = !existsSync(join(dataDir, 'alerts.jsonl'));
    const first = await cli(['detect', '--input', lake, '--date', END, '--profile', 'seed', '--send']);
    const again = await cli(['detect', '--input', lake, '--date', END, '--profile', 'seed', '--send']);

    // Assess
    expect(look.code).toBe(0);
    expect(look.stdout).toMatch(
      /30 channels judged, \d+ findings, [1-9]\d* would page\. A look: nothing stored or sent/,
    );
    expect(lookLeftNoDigest).toBe(true);
    // Nothing imported into this data folder yet: one line says so (names and owners are blank).
    expect(first.stderr).toBe(
      `crm-guard: warning: the registry under ${dataDir} is empty, so the 30 channels in ${lake} show no names or owners: ` +
        'import them with `crm-guard channels import FILE.csv` (a lake made by sample-data has its channels.csv)\n',
    );
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`crm-guard detect ${END} (profile seed)`);
    expect(first.stdout).toMatch(
      /^severity\s+channel\s+name \/ owner\s+type\s+what moved\s+raised by\s+why it pages$/m,
    );
    expect(first.stdout).toMatch(/^(critical|high|medium|low)\s+\S+\s+(alimtalk|push|sms)\s+(DOWN|UP) /m);
    expect(first.stdout).toMatch(/30 channels judged, \d+ findings recorded, [1-9]\d* paging/);
    expect(first.stdout).toContain('Findings stored in the embedded DynamoDB under');
    expect(first.stdout).toContain(`table crm-guard-findings, day ${END}`);
    expect(existsSync(join(dataDir, 'dynamo'))).toBe(true);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(
      /The digest for this day went out on an earlier run at \d{4}-\d\d-\d\d \d\d:\d\d \+09:00: not sent again\./,
    );
    expect(jsonl(join(dataDir, 'alerts.jsonl'))).toHaveLength(1);

    // The stored day's incidents, each once, as a table and as JSON
    const table = await cli(['incidents', '--from', END, '--to', END]);
    const json = await cli(['incidents', '--from', END, '--to', END, '--json']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(
      new RegExp(`^[1-9]\\d* incidents? in ${END}\\.\\.${END}, newest first:`, 'm'),
    );
    const incidents = JSON.parse(json.stdout) as { channelId: string; first: string; pages: number }[];
    expect(incidents.length).toBeGreaterThan(0);
    expect(incidents.every((incident) => incident.first === END && incident.pages >= 1)).toBe(true);

    // The team's verdict on one of them, shown in its incident
    const paged = incidents[0]!.channelId;
    await cli(['channels', 'import', join(lake, 'channels.csv')]);
    const verdict = await cli([
      'feedback',
      paged,
      '--date',
      END,
      '--verdict',
      'false-alarm',
      '--note',
      'test send',
    ]);
    const after = JSON.parse((await cli(['incidents', '--from', END, '--to', END, '--json'])).stdout) as {
      channelId: string;
      verdict?: string;
    }[];
    const quiet = await cli(['feedback', paged, '--date', FROM, '--verdict', 'confirmed']);
    expect(verdict.code).toBe(0);
    expect(verdict.stdout).toContain(`${paged} ${END}: false-alarm: the incident is closed`);
    expect(after.find((incident) => incident.channelId === paged)?.verdict).toBe('false-alarm');
    expect(quiet.code).toBe(2);
    expect(quiet.stderr).toContain(`${paged} did not page on ${FROM}`);

    // A mistyped channel id is said to be one, not read as a channel with nothing to show
    const unknownIncidents = await cli(['incidents', '--channel', 'nope', '--from', END, '--to', END]);
    const unknownUnmute = await cli(['channels', 'unmute', 'nope']);
    expect(unknownIncidents.code).toBe(2);
    expect(unknownIncidents.stderr).toContain(
      '--channel: no channel nope in the registry or in the findings of',
    );
    expect(unknownUnmute.code).not.toBe(0);
    expect(unknownUnmute.stderr).toContain('no channel nope in the registry');
  });

  it('says plainly when the day has not arrived yet', async () => {
    // Act
    const late = await cli(['detect', '--input', lake, '--date', '2026-11-01']);
    const look = await cli(['detect', '--input', lake, '--date', '2026-11-01', '--profile', 'seed']);

    // Assess
    expect(late.code).toBe(0);
    expect(late.stdout).toContain('The data for 2026-11-01 has not arrived yet: nothing was judged.');
    expect(look.stdout).toContain('The data for 2026-11-01 has not arrived yet: nothing was judged.');
    expect(look.stdout).not.toContain('No alerts');
    expect(look.stdout).toContain('data missing for 2026-11-01');
  });

  it('backfill refuses a range before the lake starts, in one line, exit 2', async () => {
    // Act
    const before = await cli([
      'backfill',
      '--input',
      lake,
      '--from',
      '2020-01-01',
      '--to',
      '2020-02-01',
      '--out',
      join(tmp, 'x.jsonl'),
    ]);

    // Assess
    expect(before.code).toBe(2);
    expect(before.stderr).toBe(
      "crm-guard: 2020-01-01..2020-02-01 is before the lake's first day, 2026-08-03\n",
    );
    expect(existsSync(join(tmp, 'x.jsonl'))).toBe(false);
  });

  it('refuses a day before the lake starts and a day not over yet, in one line, exit 2', async () => {
    // Act
    const before = await cli(['detect', '--input', lake, '--date', '2020-01-01']);
    const future = await cli(['detect', '--input', lake, '--date', '2099-01-01']);

    // Assess
    expect(before.code).toBe(2);
    expect(before.stderr).toBe("crm-guard: 2020-01-01 is before the lake's first day, 2026-08-03\n");
    expect(future.code).toBe(2);
    expect(future.stderr).toMatch(
      /^crm-guard: 2099-01-01 is not over yet in Asia\/Seoul \(today is \d{4}-\d\d-\d\d\)[^\n]*\n$/,
    );
  });

  it('refuses a report week before the lake starts rather than call every channel quiet', async () => {
    // Act
    const before = await cli([
      'report',
      '--input',
      lake,
      '--date',
      '2020-01-01',
      '--data',
      join(tmp, 'report-data'),
    ]);

    // Assess
    expect(before.code).toBe(2);
    expect(before.stderr).toBe(
      "crm-guard: 2020-01-01 is before the lake's first day, 2026-08-03: report a week ending 2026-08-03 or later\n",
    );
  });
});

describe('crm-guard backfill', () => {
  it('profile seed: one JSON line per finding with every field; only confirmed rules 1-4 page', () => {
    // Prepare / Act: the seed backfill of the lake runs in beforeAll (the tests below compare with it).
    const run = seedRun;
    const out = seedOut;

    // Assess
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`${FROM}..${END} (profile seed)`);
    const lines = jsonl(out);
    expect(lines.length).toBeGreaterThan(31);
    for (const line of lines) {
      for (const field of REQUIRED) expect(line, field).toHaveProperty(field);
      expect(isIsoDay(line.date as string)).toBe(true);
      expect((line.date as string) >= FROM && (line.date as string) <= END).toBe(true);
      expect(typeof line.alert).toBe('boolean');
      expect(line.alert).toBe(line.status === 'confirmed' && PAGING_SEED_RULES.includes(line.rule as string));
    }
    expect(lines.some((line) => line.alert)).toBe(true);
    expect(lines.some((line) => !line.alert)).toBe(true);
    expect(new Set(lines.map((line) => line.date)).size).toBeGreaterThan(20);
  });

  it('profile default: the same fields, and fewer pages than seed (the policy holds findings back)', async () => {
    // Prepare
    const seedOut = join(tmp, 'seed-for-default.jsonl');
    const out = join(tmp, 'default.jsonl');
    await cli([
      'backfill',
      '--input',
      lake,
      '--from',
      FROM,
      '--to',
      END,
      '--profile',
      'seed',
      '--out',
      seedOut,
    ]);

    // Act
    const run = await cli(['backfill', '--input', lake, '--from', FROM, '--to', END, '--out', out]);

    // Assess
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('(profile default)');
    const lines = jsonl(out);
    for (const line of lines) for (const field of REQUIRED) expect(line, field).toHaveProperty(field);
    const pages = lines.filter((line) => line.alert).length;
    expect(pages).toBeLessThan(jsonl(seedOut).filter((line) => line.alert).length);
    expect(lines.some((line) => line.status === 'confirmed' && !line.alert)).toBe(true);
    // Each set of figures comes with the direction it says: the policy's figures with their own.
    const stated = lines.filter((line) => {
      const judged = line.judged as { actual: number; expected: number } | undefined;
      return judged && judged.actual !== judged.expected;
    });
    expect(stated.length).toBeGreaterThan(0);
    for (const line of stated) {
      const { actual, expected, direction } = line.judged as {
        actual: number;
        expected: number;
        direction: string;
      };
      expect(direction, JSON.stringify(line)).toBe(actual < expected ? 'down' : 'up');
    }
    expect(
      lines.some(
        (line) =>
          (line.judged as { direction?: string } | undefined)?.direction !== undefined &&
          (line.judged as { direction: string }).direction !== line.direction,
      ),
    ).toBe(true);
  });

  it('reads a CSV file the same way as the lake', async () => {
    // Prepare
    const fromLake = join(tmp, 'lake-seed.jsonl');
    const fromCsv = join(tmp, 'csv-seed.jsonl');
    await cli([
      'backfill',
      '--input',
      lake,
      '--from',
      FROM,
      '--to',
      END,
      '--profile',
      'seed',
      '--out',
      fromLake,
    ]);

    // Act
    const run = await cli([
      'backfill',
      '--input',
      csv,
      '--from',
      FROM,
      '--to',
      END,
      '--profile',
      'seed',
      '--out',
      fromCsv,
    ]);

    // Assess
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(readFileSync(fromCsv, 'utf8')).toBe(readFileSync(seedOut, 'utf8'));
    expect(jsonl(fromCsv).length).toBeGreaterThan(0);
  });
});

describe('bad input: exit 2 and one stderr line naming what to fix', () => {
  const HEADER = 'dt,channel_id,channel_type,sends,clicks';
  const badFile = (name: string, lines: string[]) => {
    const file = join(tmp, name);
    writeFileSync(file, `${lines.join('\n')}\n`);
    return file;
  };

  it.each([
    {
      name: 'a negative count',
      lines: [HEADER, '2026-10-01,push_a,push,100,5', '2026-10-02,push_a,push,-3,0'],
      where: /row 3, field sends: .*negative/,
    },
    {
      name: 'clicks above sends',
      lines: [HEADER, '2026-10-01,push_a,push,100,5', '2026-10-02,push_a,push,10,11'],
      where: /row 3, field clicks: .*11 clicks above 10 sends/,
    },
    {
      name: 'a malformed date',
      lines: [HEADER, '2026-10-01,push_a,push,100,5', '2026-13-01,push_a,push,10,1'],
      where: /row 3, field dt: .*"2026-13-01"/,
    },
    {
      name: 'a missing column',
      lines: ['dt,channel_id,sends,clicks', '2026-10-01,push_a,100,5'],
      // The column is missing from the header: there is no data row to name.
      where: /field channel_type: missing column/,
    },
  ])('$name', async ({ name, lines, where }) => {
    // Prepare
    const input = badFile(`${name.replaceAll(' ', '-')}.csv`, lines);
    const out = join(tmp, `${name.replaceAll(' ', '-')}.jsonl`);

    // Act
    const backfill = await cli([
      'backfill',
      '--input',
      input,
      '--from',
      '2026-10-01',
      '--to',
      '2026-10-02',
      '--out',
      out,
    ]);
    const detect = await cli(['detect', '--input', input, '--date', '2026-10-02']);

    // Assess
    for (const run of [backfill, detect]) {
      expect(run.code).toBe(2);
      const stderr = run.stderr.trimEnd().split('\n');
      expect(stderr).toHaveLength(1);
      expect(stderr[0]).toContain(input);
      expect(stderr[0]).toMatch(where);
    }
    expect(existsSync(out)).toBe(false);
    expect(existsSync(`${out}.partial`)).toBe(false);
  });

  it.each([
    {
      name: 'an unknown flag',
      flags: ['--frm', FROM, '--to', END],
      says: /backfill: unknown option '--frm'/,
    },
    {
      name: '--from after --to',
      flags: ['--from', END, '--to', FROM],
      says: /--from 2026-10-31 is after --to 2026-10-01/,
    },
    {
      name: 'a malformed --to',
      flags: ['--from', FROM, '--to', '2026-13-01'],
      says: /--to: "2026-13-01" is not a calendar day/,
    },
    {
      // A day not over yet in Seoul has rows still landing: judged, its drops would page.
      name: 'a --to after yesterday',
      flags: ['--from', FROM, '--to', '2999-01-01'],
      says: /^crm-guard: --to 2999-01-01 is after yesterday \(\d{4}-\d\d-\d\d\), the last day detection can judge$/,
    },
    {
      // dev or prod: the one choice a second flag must never make unseen
      name: 'a --stack given twice',
      flags: ['--from', FROM, '--to', END, '--stack', 'dev', '--stack=prod'],
      says: /^crm-guard: --stack is given twice \(dev, prod\); give it once$/,
    },
    {
      // The last value would win unseen: a script that appends its own --to runs another range.
      name: 'a flag given twice',
      flags: ['--from', FROM, '--to', END, '--to', FROM],
      says: /^crm-guard: backfill: --to is given 2 times \(--to 2026-10-31, --to 2026-10-01\); give it once$/,
    },
  ])('$name', async ({ flags, says }) => {
    // Prepare
    const out = join(tmp, 'flags.jsonl');

    // Act
    const run = await cli(['backfill', '--input', lake, ...flags, '--out', out]);

    // Assess
    expect(run.code).toBe(2);
    const stderr = run.stderr.trimEnd().split('\n');
    expect(stderr).toHaveLength(1);
    expect(stderr[0]).toMatch(says);
    expect(run.stdout).toBe('');
    expect(existsSync(out)).toBe(false);
  });
});

describe('help, version and stray arguments', () => {
  it("lists every command with a line on what it does, and shows a command's flags and an example", async () => {
    // Act
    const list = await cli(['--help']);
    const review = await cli(['help', 'review']);
    const detect = await cli(['detect', '--help']);
    const version = await cli(['--version']);

    // Assess
    expect(list.code).toBe(0);
    for (const name of [
      'start',
      'detect',
      'backfill',
      'sample-data',
      'report',
      'channels',
      'review',
      'serve',
      'tiers',
    ])
      expect(list.stdout).toMatch(new RegExp(`^  ${name} +\\S.{10,}`, 'm'));
    expect(review.stdout).toContain('Usage: crm-guard review CHANNEL --decision keep|redesign|retire');
    expect(review.stdout).toContain('Example: crm-guard review ');
    expect(detect.stdout).toContain('[--date YYYY-MM-DD]');
    expect(version.stdout.trim()).toMatch(/^crm-guard \d+\.\d+\.\d+$/);
  });

  it.each([
    [['detect', '2026-11-30'], 'detect: unexpected argument "2026-11-30" (did you mean --date 2026-11-30?)'],
    [
      ['review', 'push_1', 'push_2', '--decision', 'keep', '--note', 'x'],
      'review: unexpected argument "push_2"',
    ],
    [['help', 'nope'], 'unknown command "nope"'],
    [
      ['--data', 'elsewhere', 'channels', 'list'],
      '"--data" goes after the command: crm-guard channels list --data elsewhere',
    ],
    [['review'], 'review needs a channel id; usage: crm-guard review CHANNEL'],
    // A bad field is named by the flag that set it.
    [['review', 'push_0001', '--decision', 'keep'], 'crm-guard: --note: is required'],
    [
      [
        'channels',
        'set',
        'push_9',
        '--name',
        'a',
        '--category',
        'advertising',
        '--owner',
        'c',
        '--status',
        'nope',
      ],
      'crm-guard: --status: must be one of active, paused, retired',
    ],
    [
      ['channels', 'frobnicate'],
      'channels: unknown subcommand "frobnicate" (list, show, history, import, set, mute, unmute): see crm-guard help channels',
    ],
    [
      ['channels', 'show', 'push_0377', 'extra'],
      'channels show: unexpected argument "extra"; usage: crm-guard channels show CHANNEL [--json]',
    ],
    [
      ['channels', 'list', '--bogus'],
      "channels list: unknown option '--bogus'; usage: crm-guard channels list",
    ],
    [['channels', '--bogus'], "channels: unknown option '--bogus'; see crm-guard help channels"],
    [['channels', 'list', 'extra'], 'channels list: unexpected argument "extra"'],
    [['channels', 'show'], 'channels show needs a channel id'],
    [['channels', 'import'], 'channels import needs a CSV file'],
    [['tiers'], 'tiers: give a subcommand (refresh, show, policy): see crm-guard help tiers'],
    [['tiers', 'frobnicate'], 'tiers: unknown subcommand "frobnicate" (refresh, show, policy)'],
    [['tiers', 'policy', 'extra'], 'tiers policy: unexpected argument "extra"'],
    [['tiers', 'show'], 'tiers show needs a user id'],
    [['tiers', 'show', 'u1', '--bogus'], "tiers show: unknown option '--bogus'"],
    // A flag of the command that the subcommand does not read is refused, not ignored.
    [['channels', 'list', '--until', '2026-12-01'], 'channels list: --until does not apply to it'],
    [['tiers', 'policy', '--input', 'x.csv'], 'tiers policy: --input does not apply to it'],
    [
      ['incidents', '--from', '2026-12-01', '--to', '2026-11-01'],
      '--from 2026-12-01 is after --to 2026-11-01',
    ],
    [['incidents', '--from', '2099-01-01'], '--from 2099-01-01 is after --to'],
    [['incidents', '--to', '2099-01-01'], '--to 2099-01-01 is after yesterday'],
    [['channels', 'history', 'nobody'], 'no channel nobody in the registry'],
    [['channels', 'mute', 'nobody', '--reason', 'migration'], 'no channel nobody in the registry'],
    [
      ['feedback', 'push_0001', '--date', '2026-10-01', '--verdict', 'maybe'],
      '--verdict: "maybe" is not a verdict; give one of confirmed | false-alarm | expected',
    ],
    [
      [
        'feedback',
        'push_0001',
        '--date',
        '2026-10-01',
        '--verdict',
        'expected',
        '--snooze-until',
        '2020-01-01',
      ],
      '--snooze-until: 2020-01-01 is before today',
    ],
    [
      ['backfill', '--input', 'x.csv', '--from', FROM, '--to', END, '--out', '/no-such-folder/f.jsonl'],
      '--out: the folder /no-such-folder does not exist',
    ],
    [
      ['backfill', '--input', 'x.csv', '--from', FROM, '--to', END, '--out', '/tmp'],
      '--out /tmp is a folder: give the path of a .jsonl file',
    ],
    [
      ['backfill', '--input', 'x.csv', '--from', FROM, '--to', END, '--out', '/dev/null'],
      '--out /dev/null is not a regular file: give the path of a .jsonl file',
    ],
    [
      ['report', '--input', 'x.csv', '--out', '/no-such-folder/reports'],
      '--out: the folder /no-such-folder does not exist',
    ],
    [
      ['report', '--input', 'x.csv', '--out', '/dev/null'],
      '--out /dev/null is not a folder: give the folder the reports go in',
    ],
  ])('refuses %j in one line, exit 2', async (args, message) => {
    // Act
    const outcome = await cli(args);

    // Assess
    expect(outcome.code).toBe(2);
    expect(outcome.stderr.trim().split('\n')).toHaveLength(1);
    expect(outcome.stderr).toContain(message);
    expect(outcome.stdout).toBe('');
  });

  it("shows each optional flag's default in the help of every command", async () => {
    // Act
    const report = await cli(['help', 'report']);
    const detect = await cli(['detect', '--help']);
    const all = await Promise.all(
      [
        'start',
        'detect',
        'backfill',
        'sample-data',
        'report',
        'channels',
        'review',
        'feedback',
        'incidents',
        'serve',
        'tiers',
      ].map(async (name) => [name, (await cli(['help', name])).stdout] as const),
    );

    // Assess: the defaults the code applies, in words
    expect(report.stdout).toMatch(/^Defaults:$/m);
    expect(report.stdout).toMatch(/^ {2}--date +the last day with data in the lake/m);
    expect(report.stdout).toMatch(/^ {2}--out +reports\/ in the data folder \(\.crm-guard\/reports\)$/m);
    expect(report.stdout).toMatch(/^ {2}--locale +ko\b/m);
    expect(report.stdout).toMatch(/^ {2}--input +CRM_GUARD_INPUT, else the sample lake/m);
    expect(report.stdout).toMatch(/^ {2}--config +CRM_GUARD_CONFIG, else none/m);
    expect(report.stdout).toMatch(/^ {2}--data +CRM_GUARD_DATA, else \.crm-guard/m);
    expect(report.stdout).toContain('Example: crm-guard report ');
    expect(detect.stdout).toMatch(/^ {2}--date +yesterday in Asia\/Seoul$/m);
    expect(detect.stdout).toMatch(/^ {2}--profile +default$/m);
    // Every optional flag that takes a value has its default printed.
    for (const [name, help] of all) {
      const [usage, defaults = ''] = help.split('\nDefaults:\n');
      const optional = [...usage!.matchAll(/\[(--[a-z-]+) [^\]]/g)].map((match) => match[1]!);
      expect(optional.length, name).toBeGreaterThan(0);
      for (const flag of optional) expect(defaults, `${name} ${flag}`).toContain(flag);
    }
  });
});

describe('a deployed stack without an AWS region', () => {
  it.each([
    [['channels', 'list', '--stack', 'dev'], {}, 'dev'],
    [['incidents'], { CRM_GUARD_STACK: 'nope' }, 'nope'],
    // Before the command's name, as docs/deploy.md writes it.
    [['--stack', 'prod', 'channels', 'list'], {}, 'prod'],
  ])('%j says so in one line, exit 2 (no stack trace)', async (args, env, stack) => {
    // Prepare: nothing the SDK could find a region in
    const noRegion = {
      AWS_REGION: undefined,
      AWS_DEFAULT_REGION: undefined,
      AWS_PROFILE: undefined,
      AWS_CONFIG_FILE: join(tmp, 'no-aws-config'),
      AWS_SHARED_CREDENTIALS_FILE: join(tmp, 'no-aws-credentials'),
    };

    // Act
    const outcome = await cli(args, { ...noRegion, ...env });

    // Assess
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toBe(
      `crm-guard: no AWS region for --stack ${stack}: set AWS_REGION (or a profile with a region, AWS_PROFILE)\n`,
    );
  });
});

describe('an error of the file system', () => {
  it('is one line naming the call and the path, not a stack trace', async () => {
    // Act
    const outcome = await cli(['sample-data', '--out', '/dev/null/lake', '--days', '7', '--channels', '3']);

    // Assess
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toMatch(/^crm-guard: E[A-Z]+: [^\n]*'\/dev\/null[^\n]*'\n$/);
  });
});

describe('a reader that stops early (`crm-guard ... | head -1`)', () => {
  it('ends the command quietly, exit 0, with no stack trace for the closed pipe', async () => {
    // Prepare
    const data = join(tmp, 'closed-pipe');
    const registry = join(tmp, 'closed-pipe.csv');
    writeFileSync(registry, 'channel_id,name,category,owner\npush_1,A,advertising,kim\n');
    expect((await cli(['channels', 'import', registry, '--data', data])).code).toBe(0);

    // Act: the pipe is closed before the command prints a word; it still has its store to close after.
    const outcome = await new Promise<{ code: number | null; stderr: string }>((done) => {
      const child = spawn(process.execPath, ['bin/crm-guard.js', 'channels', 'list', '--data', data], {
        cwd: REPO,
      });
      child.stdout.destroy();
      let stderr = '';
      child.stderr.on('data', (chunk) => {
        stderr += chunk;
      });
      child.on('close', (code) => done({ code, stderr }));
    });

    // Assess
    expect(outcome).toEqual({ code: 0, stderr: '' });
  });
});

describe('an empty CSV', () => {
  it('channels import: a registry file with only its header holds no channel rows, exit 2', async () => {
    // Prepare
    const header = join(tmp, 'header-only.csv');
    writeFileSync(header, 'channel_id,name,category,owner\n');

    // Act
    const outcome = await cli(['channels', 'import', header]);

    // Assess
    expect(outcome.code).toBe(2);
    expect(outcome.stdout).toBe('');
    expect(outcome.stderr).toBe(
      `crm-guard: ${header}: the file holds no channel rows, only a header (expected a row per channel: channel_id,name,category,owner[,status][,status_since][,schedule][,changes])\n`,
    );
  });

  it('channels import: refuses a file Korean Excel saved as CP949, naming its first such row, exit 2', async () => {
    // Prepare: "주말 특가" in CP949 on row 3 (row 2 is plain ASCII)
    const excel = join(tmp, 'excel-cp949.csv');
    writeFileSync(
      excel,
      Buffer.concat([
        Buffer.from('channel_id,name,category,owner\npush_0001,plain,advertising,crm\npush_0002,'),
        Buffer.from([0xc1, 0xd6, 0xb8, 0xbb, 0x20, 0xc6, 0xaf, 0xb0, 0xa1]),
        Buffer.from(',advertising,crm\n'),
      ]),
    );

    // Act
    const outcome = await cli(['channels', 'import', excel]);

    // Assess
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toBe(
      `crm-guard: ${excel}: row 3: is not UTF-8 text (Korean Excel saves CSV as CP949): save it as 'CSV UTF-8' and import it again\n`,
    );
  });

  it('says the file is empty, naming the header it expects', async () => {
    // Prepare
    const empty = join(tmp, 'empty.csv');
    writeFileSync(empty, '');

    // Act
    const outcome = await cli([
      'backfill',
      '--input',
      empty,
      '--from',
      FROM,
      '--to',
      END,
      '--out',
      join(tmp, 'e.jsonl'),
    ]);

    // Assess
    expect(outcome.code).toBe(2);
    expect(outcome.stderr.trim()).toBe(
      `crm-guard: ${empty}: the file is empty (expected a header row: dt,channel_id,channel_type,sends,clicks)`,
    );
  });
});

const SEOUL_STAMP = /\d{4}-\d\d-\d\d \d\d:\d\d \+09:00/;
const SEOUL_ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+09:00$/;

describe('the registry: every edit in the history, times in Seoul, --json', () => {
  it('lists set, import, mute and unmute beside the reviews, in time order, as a table and as JSON', async () => {
    // Prepare: a data folder of its own (these commands share the embedded store one at a time).
    const env = { CRM_GUARD_DATA: join(tmp, 'registry-data') };
    const file = join(tmp, 'small.csv');
    writeFileSync(
      file,
      'channel_id,name,category,owner\npush_a,주말 특가,advertising,김지은\npush_b,결제 안내,transactional,박지민\n',
    );
    const run = async (...args: string[]) => {
      const outcome = await cli(args, env);
      expect(outcome.stderr, args.join(' ')).toBe('');
      expect(outcome.code, args.join(' ')).toBe(0);
      return outcome.stdout;
    };

    // Act
    await run('channels', 'import', file, '--by', 'lee');
    await run('channels', 'import', file, '--by', 'lee');
    await run('channels', 'set', 'push_a', '--owner', '정민재', '--status', 'paused', '--by', 'kim');
    // An edit without a field is refused: it would log a change that changed nothing
    const nothing = await cli(['channels', 'set', 'push_a', '--by', 'kim'], env);
    // The id as typed, spaces and all, names the channel it trimmed to (and, unchanged, logs nothing)
    const again = await run('channels', 'set', ' push_a ', '--owner', '정민재', '--by', 'kim');
    const muted = await run(
      'channels',
      'mute',
      'push_a',
      '--until',
      '2099-01-01',
      '--reason',
      '이전',
      '--by',
      'kim',
    );
    await run('channels', 'unmute', 'push_a', '--by', 'kim');
    const reviewed = await run('review', 'push_a', '--decision', 'keep', '--note', '유지', '--by', 'park');
    const table = await run('channels', 'history', 'push_a');
    const history = JSON.parse(await run('channels', 'history', 'push_a', '--json')) as {
      kind: string;
      at: string;
      by: string;
      action?: string;
      via?: string;
      changes?: { field: string; from?: string; to?: string }[];
    }[];
    const shown = await run('channels', 'show', 'push_a');
    const shownJson = JSON.parse(await run('channels', 'show', 'push_a', '--json')) as {
      owner: string;
      updatedAt: string;
      lastReview: { decision: string; at: string };
    };
    const list = await run('channels', 'list');
    const listJson = JSON.parse(await run('channels', 'list', '--json')) as { updatedAt: string }[];

    // Assess: what people read is Seoul time with its offset, never a UTC timestamp.
    for (const printed of [muted, reviewed, table, shown, list]) {
      expect(printed).toMatch(SEOUL_STAMP);
      expect(printed).not.toMatch(/\d\dT\d\d:\d\d/);
    }
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toBe(
      'crm-guard: channels set push_a: nothing to set: give one or more of --name, --category, --owner, --status, --schedule\n',
    );
    expect(again).toMatch(/^push_a: 주말 특가 · advertising · 정민재 · paused since /);
    // The second, identical import changed nothing and is not in the history.
    expect(history.map((h) => [h.kind, h.action ?? 'keep', h.by])).toEqual([
      ['edit', 'add', 'lee'],
      ['edit', 'update', 'kim'],
      ['edit', 'mute', 'kim'],
      ['edit', 'unmute', 'kim'],
      ['review', 'keep', 'park'],
    ]);
    expect(history.every((h) => SEOUL_ISO.test(h.at))).toBe(true);
    expect(history[0]!.via).toBe('channels import small.csv');
    expect(history[1]!.changes).toContainEqual({ field: 'owner', from: '김지은', to: '정민재' });
    expect(history[1]!.changes).toContainEqual({ field: 'status', from: 'active', to: 'paused' });
    expect(table).toMatch(/^when\s+what\s+by\s+details$/m);
    expect(table).toMatch(/ edited\s+kim \(channels set\)\s+owner 김지은 -> 정민재; status active -> paused/);
    expect(table).toMatch(/ review: keep\s+park\s+유지$/m);
    expect(shown).toMatch(/^owner\s+정민재$/m);
    expect(shown).toMatch(/^last decision\s+keep by park at \d{4}-\d\d-\d\d \d\d:\d\d \+09:00: 유지$/m);
    expect(shownJson).toMatchObject({ owner: '정민재', lastReview: { decision: 'keep' } });
    expect([shownJson.updatedAt, shownJson.lastReview.at].every((at) => SEOUL_ISO.test(at))).toBe(true);
    expect(listJson).toHaveLength(2);
    expect(listJson.every((entry) => SEOUL_ISO.test(entry.updatedAt))).toBe(true);
  });

  it('says in the help which commands take --json', async () => {
    // Act
    const channels = await cli(['help', 'channels']);
    const detect = await cli(['help', 'detect']);
    const tiers = await cli(['help', 'tiers']);

    // Assess
    expect(channels.stdout).toContain('crm-guard channels show CHANNEL [--json]');
    expect(channels.stdout).toContain('crm-guard channels history CHANNEL [--json]');
    expect(detect.stdout).toContain('[--json]');
    expect(tiers.stdout).toContain('crm-guard tiers show USER_ID [--json]');
  });
});

describe('a registry and its lake', () => {
  it('detect --json prints only JSON: the run and its alerts with names, times in Seoul', async () => {
    // Prepare
    const env = { CRM_GUARD_DATA: join(tmp, 'json-data') };
    await cli(['channels', 'import', join(lake, 'channels.csv')], env);

    // Act
    const run = await cli(['detect', '--input', lake, '--date', END, '--profile', 'seed', '--json'], env);

    // Assess
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout) as {
      stored: boolean;
      run: { day: string; startedAt: string; alerts: number };
      alerts: { channelId: string; name?: string; owner?: string }[];
    };
    expect(json.stored).toBe(false);
    expect(json.run.day).toBe(END);
    expect(json.run.startedAt).toMatch(SEOUL_ISO);
    expect(json.alerts).toHaveLength(json.run.alerts);
    expect(json.alerts.length).toBeGreaterThan(0);
    expect(json.alerts.every((alert) => alert.name && alert.owner)).toBe(true);
  });

  it("warns once on stderr when the lake's channels are not in this data folder's registry", async () => {
    // Prepare: the registry of the sample lake, then a lake of other channels.
    const data = join(tmp, 'lake-a-data');
    const env = { CRM_GUARD_DATA: data };
    await cli(['channels', 'import', join(lake, 'channels.csv')], env);
    const other = join(tmp, 'other-lake.csv');
    writeFileSync(
      other,
      [
        'dt,channel_id,channel_type,sends,clicks',
        '2026-10-01,other_1,push,100,5',
        '2026-10-01,other_2,push,200,9',
        '2026-10-02,other_1,push,100,5',
        '2026-10-02,other_2,push,210,9',
        '',
      ].join('\n'),
    );

    // Act
    const elsewhere = await cli(
      ['detect', '--input', other, '--date', '2026-10-02', '--profile', 'seed'],
      env,
    );
    const own = await cli(['detect', '--input', lake, '--date', END, '--profile', 'seed'], env);
    const fresh = await cli(['detect', '--input', other, '--date', '2026-10-02', '--profile', 'seed'], {
      CRM_GUARD_DATA: join(tmp, 'other-lake-data'),
    });

    // Assess
    expect(elsewhere.code).toBe(0);
    expect(elsewhere.stderr.trimEnd().split('\n')).toEqual([
      `crm-guard: warning: none of the 2 channels in ${other} are in the registry under ${data} (30 channels, another lake's?): ` +
        'names and owners may be missing or wrong; give each lake its own state with --data DIR (or CRM_GUARD_DATA)',
    ]);
    expect(elsewhere.stdout).toContain('2 channels judged');
    expect(own.stderr).toBe('');
    expect(fresh.stderr.trimEnd().split('\n')).toEqual([
      `crm-guard: warning: the registry under ${join(tmp, 'other-lake-data')} is empty, so the 2 channels in ${other} show no names or owners: ` +
        'import them with `crm-guard channels import FILE.csv` (a lake made by sample-data has its channels.csv)',
    ]);
  });

  it("warns when fewer than half of the lake's channels are registered (none: the registry is empty), and names a few that are not", () => {
    // Prepare
    const where = { input: 'lake', dataDir: '/data' };
    const registered = new Set(['a', 'b', 'c']);
    const many = new Set(Array.from({ length: 20 }, (_, i) => `c${i}`));

    // Act / Assess
    expect(registryWarning(['a', 'b', 'c'], registered, where)).toBeUndefined();
    expect(registryWarning(['a', 'b', 'x', 'y'], registered, where)).toBe(
      'crm-guard: note: 2 of the 4 channels in lake are not in the registry under /data (x, y): their alerts show no name or owner; ' +
        'add them with `crm-guard channels set ID --name N --category C --owner O`',
    );
    expect(registryWarning([...many, 'n1', 'n2', 'n3', 'n4', 'n5', 'n6', 'n7'], many, where)).toContain(
      '7 of the 27 channels in lake are not in the registry under /data (n1, n2, n3, n4, n5 and 2 more)',
    );
    expect(registryWarning(['a', 'x', 'y'], registered, where)).toContain('only 1 of the 3 channels in lake');
    expect(registryWarning(['x'], new Set(), where)).toContain(
      'the registry under /data is empty, so the channel in lake shows no names or owners',
    );
    expect(registryWarning([], new Set(), where)).toBeUndefined();
  });
});

describe('crm-guard start (npm start)', () => {
  it('refuses to fill a data folder with the sample when CRM_GUARD_INPUT names a lake of ones own, and writes nothing', async () => {
    // Prepare
    const folder = join(tmp, 'own-lake-data');

    // Act
    const run = await cli(['start'], { CRM_GUARD_DATA: folder, CRM_GUARD_INPUT: lake });

    // Assess
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `crm-guard: start runs on a sample lake, and CRM_GUARD_INPUT names your own (${lake}): run \`crm-guard detect\` to judge it, or unset CRM_GUARD_INPUT to try the sample\n`,
    );
    expect(existsSync(folder)).toBe(false);
  });

  it('on a fresh data folder: writes the sample lake, judges its latest day, prints the table and where findings went', async () => {
    // Prepare
    const fresh = join(tmp, 'fresh');

    // Act
    const run = await cli(['start'], { CRM_GUARD_DATA: fresh });

    // Assess
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('No sample lake yet: writing one to');
    expect(run.stdout).toContain('Registered 400 sample channels');
    expect(run.stdout).toMatch(/crm-guard detect \d{4}-\d{2}-\d{2} \(profile default\)/);
    expect(run.stdout).toMatch(/^severity\s+channel\s+name \/ owner\s+type|^No (new )?alerts: /m);
    expect(run.stdout).toMatch(/\d+ channels judged, \d+ findings recorded, \d+ paging/);
    expect(run.stdout).toContain('Findings stored in the embedded DynamoDB under');
    expect(existsSync(join(fresh, 'sample-lake', 'crm_channel_daily'))).toBe(true);
    expect(existsSync(join(fresh, 'dynamo'))).toBe(true);
    // The sample's decisions are dated the morning before each change went live, not at this run.
    const decided = (await cli(['channels', 'list'], { CRM_GUARD_DATA: fresh })).stdout
      .split('\n')
      .filter((line) => line.includes('redesign'));
    expect(decided.length).toBeGreaterThan(0);
    for (const line of decided) expect(line).not.toContain(seoulDay(new Date()));
    expect(decided.join('\n')).toContain('10:00 +09:00');
  });

  it("completes a sample registry a first run stopped partway through, once, and leaves another lake's alone", async () => {
    // Prepare: a first run that wrote the lake and registered only its first ten channels
    const interrupted = join(tmp, 'interrupted');
    await cli(['start'], { CRM_GUARD_DATA: interrupted });
    rmSync(join(interrupted, 'dynamo'), { recursive: true, force: true });
    const lines = readFileSync(join(interrupted, 'sample-lake', 'channels.csv'), 'utf8').split('\n');
    const firstTen = join(tmp, 'first-ten.csv');
    writeFileSync(firstTen, `${lines.slice(0, 11).join('\n')}\n`);
    await cli(['channels', 'import', firstTen], { CRM_GUARD_DATA: interrupted });
    // And a data folder whose registry holds another lake's channel
    const foreign = join(tmp, 'foreign');
    await cli(['start'], { CRM_GUARD_DATA: foreign });
    rmSync(join(foreign, 'dynamo'), { recursive: true, force: true });
    const own = [
      'channels',
      'set',
      'own_1',
      '--name',
      '우리 알림',
      '--category',
      'informational',
      '--owner',
      'CRM',
    ];
    await cli(own, { CRM_GUARD_DATA: foreign });

    // Act
    const next = await cli(['start'], { CRM_GUARD_DATA: interrupted });
    const again = await cli(['start'], { CRM_GUARD_DATA: interrupted });
    const beside = await cli(['start'], { CRM_GUARD_DATA: foreign });

    // Assess
    expect(next.code).toBe(0);
    expect(next.stdout).not.toContain('No sample lake yet');
    expect(next.stdout).toMatch(
      /Registered 390 sample channels \(owners, categories, schedules\) and \d+ recorded changes/,
    );
    expect(next.stderr).toBe('');
    expect(again.stdout).not.toContain('Registered');
    expect(beside.stdout).not.toContain('Registered');
    expect(beside.stderr).toContain('are in the registry under');
  });
});
