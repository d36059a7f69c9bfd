import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { writeChannelCsv } from '#shared/adapters/duckdb/lake-writer.ts';
import { InputError } from '#shared/errors.ts';
import { addDays, seoulYesterday } from '#shared/time/seoul.ts';
import channels from '../../bin/commands/channels.ts';
import detect from '../../bin/commands/detect.ts';
import report from '../../bin/commands/report.ts';
import review from '../../bin/commands/review.ts';
import { tempDir } from '../temp-dir.ts';
import { makeColumns } from './fixtures.ts';
import { DAY, scenarioChannels } from './scenario.ts';

afterEach(() => {
  vi.restoreAllMocks();
});

function captureLog(): string[] {
  const lines: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    lines.push(args.join(' '));
  });
  vi.spyOn(console, 'error').mockImplementation(() => {});
  return lines;
}

/** A temp folder with the scenario's lake as one CSV, and where its data and registry file go. */
async function scenarioFolder() {
  const dir = tempDir('crm-guard-cli-');
  const lake = join(dir, 'lake.csv');
  await writeChannelCsv(lake, makeColumns(scenarioChannels(), '2026-06-01', DAY));
  return { dir, data: join(dir, 'data'), lake, registryCsv: join(dir, 'channels.csv') };
}

describe('crm-guard channels / review / report on one machine', () => {
  it('imports the registry, records decisions and builds the report that shows them', async () => {
    // Prepare
    const { dir, data, lake, registryCsv } = await scenarioFolder();
    writeFileSync(
      registryCsv,
      [
        'channel_id,name,category,owner',
        'rent-refund,월세환급 안내,informational,박지민',
        'bill-reminder,미납고지서,informational,김하늘',
        'old-survey,만족도 조사,advertising,최유나',
      ].join('\n'),
    );
    const log = captureLog();

    // Act
    await channels.run({ data, by: 'admin' }, ['import', registryCsv]);
    await review.run({ data, decision: 'keep', note: '법적 고지: 유지', by: '김하늘' }, ['bill-reminder']);
    await review.run({ data, decision: 'redesign', note: '팝업 제거', change: '2026-10-19', by: '박지민' }, [
      'rent-refund',
    ]);
    await review.run({ data, decision: 'retire', note: '응답 없음', by: '최유나' }, ['old-survey']);
    await channels.run({ data }, ['list']);
    // The ranking is detection's: the report day's run stores it.
    await detect.run({ data, input: lake, date: DAY }, []);
    const code = await report.run({ data, input: lake, date: DAY, locale: 'en', out: join(dir, 'out') }, []);

    // Assess
    expect(code).toBe(0);
    const htmlPath = log.at(-1)!;
    expect(htmlPath).toBe(join(dir, 'out', DAY, 'en', 'report.html'));
    expect(log.join('\n')).toMatch(
      /old-survey\s+만족도 조사\s+advertising\s+최유나\s+retired since \d{4}-\d\d-\d\d\s+-\s+-\s+retire 20/,
    );
    const json = JSON.parse(readFileSync(join(dir, 'out', DAY, 'en', 'report.json'), 'utf8'));
    expect(json.changeImpact).toHaveLength(1);
    expect(json.changeImpact[0].comparison.relativeLift).toBeCloseTo(0.3407, 4);
    expect(
      json.lowPerformers.map((r: { channelId: string; open: boolean }) => [r.channelId, r.open]),
    ).toEqual([
      ['promo-blast', true],
      ['bill-reminder', false],
      // Retired today: on the report day it was still active and ranked.
      ['old-survey', false],
    ]);
    expect(json.reviewQueue.map((r: { channelId: string }) => r.channelId)).toEqual(['promo-blast']);
    const status = Object.fromEntries(
      json.health.map((r: { channelId: string; status: string }) => [r.channelId, r.status]),
    );
    expect(status['old-survey']).toBe('low_performer');
    expect(json.freshness.runs.filter((r: { finishedAt: string | null }) => r.finishedAt).length).toBe(1);
    expect(readFileSync(htmlPath, 'utf8')).toContain('Weekly channel report');
  });

  it("detect prints the day's recorded changes as the digest's EXPECTED section lists them", async () => {
    // Prepare: the redesign went live on 2026-10-19 and lifted rent-refund's sends.
    const { data, lake, registryCsv } = await scenarioFolder();
    writeFileSync(
      registryCsv,
      'channel_id,name,category,owner\nrent-refund,월세환급 안내,informational,박지민\n',
    );
    await channels.run({ data, by: 'admin' }, ['import', registryCsv]);
    await review.run({ data, decision: 'redesign', note: '팝업 제거', change: '2026-10-19', by: '박지민' }, [
      'rent-refund',
    ]);
    const log = captureLog();

    // Act
    await detect.run({ data, input: lake, date: '2026-10-19' }, []);

    // Assess
    const digest = readFileSync(join(data, 'alerts.jsonl'), 'utf8');
    expect(digest).toContain('EXPECTED (1)');
    expect(log.join('\n')).toMatch(
      /Expected \(changes the owners recorded for the day, not paged\): rent-refund \((UP|DOWN) /,
    );
  });

  it('names each status an import moves, so a file exported before a retirement cannot undo it unseen', async () => {
    // Prepare
    const dir = tempDir('crm-guard-cli-');
    const data = join(dir, 'data');
    const registryCsv = join(dir, 'channels.csv');
    writeFileSync(
      registryCsv,
      'channel_id,name,category,owner,status\nold-survey,만족도 조사,advertising,최유나,active\nbill,고지서,informational,김하늘,active\n',
    );
    await channels.run({ data, by: 'admin' }, ['import', registryCsv]);
    await review.run({ data, decision: 'retire', note: '응답 없음', by: '최유나' }, ['old-survey']);
    const log = captureLog();

    // Act
    await channels.run({ data, by: 'admin' }, ['import', registryCsv]);

    // Assess
    expect(log.at(-1)).toBe('Status set by the file for 1 channel: old-survey (retired -> active).');
  });

  it('reads the lake and the config from CRM_GUARD_INPUT and CRM_GUARD_CONFIG as the other commands do', async () => {
    // Prepare: a config that takes informational channels out of the ranking.
    const { dir, data, lake, registryCsv } = await scenarioFolder();
    writeFileSync(
      registryCsv,
      'channel_id,name,category,owner\nbill-reminder,미납고지서,informational,김하늘\n',
    );
    const config = join(dir, 'crm-guard.config.json');
    writeFileSync(config, JSON.stringify({ report: { notClickedCategories: ['informational'] } }));
    captureLog();
    vi.stubEnv('CRM_GUARD_INPUT', lake);
    vi.stubEnv('CRM_GUARD_CONFIG', config);

    // Act
    await channels.run({ data, by: 'admin' }, ['import', registryCsv]);
    await detect.run({ data, date: DAY }, []);
    const code = await report.run({ data, date: DAY, locale: 'en', out: dir }, []);

    // Assess
    expect(code).toBe(0);
    const json = JSON.parse(readFileSync(join(dir, DAY, 'en', 'report.json'), 'utf8'));
    expect(json.lowPerformers.map((r: { channelId: string }) => r.channelId)).toEqual([
      'promo-blast',
      'old-survey',
    ]);
    vi.unstubAllEnvs();
  });

  it('without --date, ends the week yesterday when the lake already holds rows of today and later', async () => {
    // Prepare: a lake whose rows run to tomorrow (a partition written early, a clock ahead)
    const dir = tempDir('crm-guard-cli-');
    const lake = join(dir, 'lake.csv');
    const yesterday = seoulYesterday(new Date());
    await writeChannelCsv(
      lake,
      makeColumns(scenarioChannels(), addDays(yesterday, -60), addDays(yesterday, 2)),
    );
    const log = captureLog();

    // Act
    const code = await report.run({ data: join(dir, 'data'), input: lake, out: join(dir, 'out') }, []);

    // Assess
    expect(code).toBe(0);
    expect(log).toEqual([join(dir, 'out', yesterday, 'ko', 'report.html')]);
  });

  it("says the week has no ranking, and why, when a day of rule 5's window never arrived", async () => {
    // Prepare: a day mid-week has no rows at all (a lost partition), so the report day's run ranked nobody
    const { dir, data, lake } = await scenarioFolder();
    const lost = addDays(DAY, -3);
    const without = join(dir, 'without-day.csv');
    const lines = readFileSync(lake, 'utf8').trimEnd().split('\n');
    writeFileSync(without, `${lines.filter((line) => !line.startsWith(lost)).join('\n')}\n`);
    captureLog();
    await detect.run({ data, input: without, date: DAY }, []);
    const said: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
      said.push(args.join(' '));
    });

    // Act
    const code = await report.run({ data, input: without, date: DAY, out: join(dir, 'out') }, []);

    // Assess: not "0 low performers", which would read as a clean week
    expect(code).toBe(0);
    expect(said.join('\n')).toContain(
      `no low-performer ranking (no data for ${lost}: rule 5 needs all 7 days)`,
    );
  });

  it('says so when a day told in full reads missing on a re-run, and keeps what it stored', async () => {
    // Prepare: the day is judged and its digest sent; then its rows are gone (a partition being rewritten)
    const { dir, data, lake } = await scenarioFolder();
    captureLog();
    await detect.run({ data, input: lake, date: DAY }, []);
    const without = join(dir, 'without-day.csv');
    const lines = readFileSync(lake, 'utf8').trimEnd().split('\n');
    writeFileSync(without, `${lines.filter((line) => !line.startsWith(DAY)).join('\n')}\n`);
    const log = captureLog();

    // Act
    const code = await detect.run({ data, input: without, date: DAY }, []);

    // Assess
    expect(code).toBe(0);
    expect(log.join('\n')).toContain(
      `The digest for ${DAY} went out on an earlier run, and its data now reads partial or missing: what the digest paged stays stored`,
    );
    expect(log.join('\n')).not.toContain('A look');
  });

  it('refuses bad input naming the flag', async () => {
    // Prepare
    const data = tempDir('crm-guard-cli-');
    captureLog();

    // Act / Assess
    await expect(review.run({ data, decision: 'delete', note: 'x' }, ['a'])).rejects.toThrow(
      '--decision: must be one of keep, redesign, retire',
    );
    await expect(review.run({ data, decision: 'keep' }, ['a'])).rejects.toThrow('--note: is required');
    await expect(review.run({ data, decision: 'keep', note: 'x' }, ['unknown'])).rejects.toBeInstanceOf(
      InputError,
    );
    await expect(
      review.run({ data, decision: 'redesign', note: 'x', change: '2026-13-40' }, ['a']),
    ).rejects.toThrow('--change: "2026-13-40" is not a calendar day');
    await expect(
      review.run({ data, decision: 'keep', note: 'x', change: '2026-11-01' }, ['a']),
    ).rejects.toThrow('--change goes with --decision redesign');
    await expect(report.run({ data, date: '2026-13-01' }, [])).rejects.toThrow(
      '--date: "2026-13-01" is not a calendar day',
    );
    await expect(channels.run({ data, category: 'spam' }, ['set', 'x'])).rejects.toThrow(
      'no channel x in the registry: add it with --name, --category and --owner',
    );
    await expect(
      channels.run({ data, name: '', category: 'spam', owner: 'o' }, ['set', 'x']),
    ).rejects.toThrow('--name: must not be empty');
    const campaign = { data, name: '주간 혜택', category: 'advertising', owner: '마케팅팀' };
    await expect(channels.run({ ...campaign, schedule: 'mon,funday' }, ['set', 'x'])).rejects.toThrow(
      '--schedule: "funday" is not a weekday (sun, mon, tue, wed, thu, fri, sat): write mon,thu | monthly:1,15 | every:14:2026-01-05[:3]',
    );
    await expect(
      channels.run({ ...campaign, schedule: 'every:14:2026-01-05:20' }, ['set', 'x']),
    ).rejects.toThrow('--schedule: a span of "20" days must be from 1 to 13');
  });

  it('keeps a declared schedule, shows it, and clears it with none', async () => {
    // Prepare
    const data = tempDir('crm-guard-cli-');
    const log = captureLog();
    const campaign = { data, name: '격주 혜택', category: 'advertising', owner: '마케팅팀' };

    // Act
    await channels.run({ ...campaign, schedule: 'every:14:2026-01-05:3' }, ['set', 'push_biweekly']);
    await channels.run({ data, status: 'paused' }, ['set', 'push_biweekly']);
    await channels.run({ data }, ['list']);
    const listed = log.at(-1)!;
    await channels.run({ data, schedule: 'none' }, ['set', 'push_biweekly']);

    // Assess
    expect(log[0]).toBe(
      'push_biweekly: 격주 혜택 · advertising · 마케팅팀 · active · schedule every:14:2026-01-05:3',
    );
    expect(log[1]).toMatch(
      /^push_biweekly: .* · paused since \d{4}-\d\d-\d\d · schedule every:14:2026-01-05:3$/,
    );
    expect(listed).toMatch(
      /push_biweekly\s+격주 혜택\s+advertising\s+마케팅팀\s+paused since \S+\s+every:14:2026-01-05:3\s+-/,
    );
    expect(log.at(-1)).toMatch(/ · paused since \S+$/);
  });

  it('records the changes a file lists, once however often it is imported', async () => {
    // Prepare
    const data = tempDir('crm-guard-cli-');
    const file = join(data, 'channels.csv');
    writeFileSync(
      file,
      'channel_id,name,category,owner,changes\npush_new,새 혜택,advertising,마케팅팀,2026-10-05;2026-11-02;2026-10-05\n',
    );
    const log = captureLog();

    // Act
    await channels.run({ data }, ['import', file]);
    await channels.run({ data }, ['import', file]);
    await channels.run({ data }, ['history', 'push_new']);

    // Assess
    expect(log[0]).toBe(`Imported 1 channel from ${file}, and 2 recorded changes.`);
    expect(log[1]).toBe(`Imported 1 channel from ${file}.`);
    expect(log.at(-1)!.match(/change recorded/g)).toHaveLength(2);
  });

  it.each([
    ['no column for them', 'channel_id,name,category,owner\npush_old,옛 혜택,advertising,새 담당자\n'],
    [
      'empty cells',
      'channel_id,name,category,owner,status,schedule\npush_old,옛 혜택,advertising,새 담당자,,\n',
    ],
  ])('leaves status and schedule as registered when an imported file has %s', async (_, csv) => {
    // Prepare: retired, with a schedule; then a file that gives a new owner only
    const data = tempDir('crm-guard-cli-');
    const file = join(data, 'owners.csv');
    writeFileSync(file, csv);
    const log = captureLog();
    await channels.run(
      {
        data,
        name: '옛 혜택',
        category: 'advertising',
        owner: '마케팅팀',
        schedule: 'mon,thu',
        status: 'retired',
      },
      ['set', 'push_old'],
    );

    // Act
    await channels.run({ data }, ['import', file]);
    await channels.run({ data }, ['show', 'push_old']);

    // Assess
    const shown = log.at(-1)!;
    expect(shown).toMatch(/^owner +새 담당자$/m);
    expect(shown).toMatch(/^status +retired since \d{4}-\d\d-\d\d$/m);
    expect(shown).toMatch(/^schedule +mon,thu$/m);
  });
});
