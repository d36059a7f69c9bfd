import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoChannelRegistry } from '#shared/adapters/dynamo/channel-registry.ts';
import { type EmbeddedDynamo, startEmbeddedDynamo } from '#shared/adapters/dynamo/embedded.ts';
import {
  parseChannelFactsCsv,
  parseRegistryCsv,
  validateReviewInput,
} from '#shared/config/registry-input.ts';
import { channelFacts } from '#shared/domain/registry.ts';
import { InputError } from '#shared/errors.ts';

let dynamo: EmbeddedDynamo;
beforeAll(async () => {
  dynamo = await startEmbeddedDynamo();
});
afterAll(async () => {
  await dynamo.close();
});

const registryOf = () =>
  createDynamoChannelRegistry({
    documentClient: dynamo.documentClient,
    tableName: dynamo.tableNames.channels,
  });

describe('channel registry on DynamoDB (dynalite)', () => {
  it('keeps a mute in the snapshot and in detection facts until it is lifted', async () => {
    // Prepare
    const registry = registryOf();
    const mute = {
      channelId: 'snoozed',
      from: '2026-11-30',
      until: '2026-12-06',
      reason: 'sender migration',
      by: 'kim',
      at: '2026-11-30T01:00:00.000Z',
    };

    // Act
    await registry.mute(mute);
    const muted = await registry.snapshot();
    const lifted = await registry.unmute('snoozed', 'kim', new Date('2026-12-01T01:00:00Z'));
    const again = await registry.unmute('snoozed', 'kim', new Date('2026-12-01T02:00:00Z'));
    const after = await registry.snapshot();

    // Assess
    expect(muted.mutes).toEqual([mute]);
    expect(channelFacts(muted).get('snoozed')?.mute).toEqual({ from: '2026-11-30', until: '2026-12-06' });
    expect([lifted, again]).toEqual([true, false]);
    expect(after.mutes).toEqual([]);
  });

  it('imports channels, records decisions with history, retires and records changes', async () => {
    // Prepare
    const registry = registryOf();
    const entries = parseRegistryCsv(
      [
        'channel_id,name,category,owner,status',
        'bill-reminder,"미납고지서, 월말",transactional,김하늘,',
        'promo-blast,프로모션,advertising,박지민,active',
      ].join('\n'),
      'channels.csv',
    );

    // Act
    await registry.upsert(entries, 'import', new Date('2026-10-01T00:00:00Z'));
    await registry.recordReview(
      validateReviewInput(
        {
          channelId: 'bill-reminder',
          decision: 'redesign',
          note: '문구 변경',
          by: '김하늘',
          changeDay: '2026-10-19',
        },
        'review',
      ),
      new Date('2026-10-18T01:00:00Z'),
    );
    await registry.recordReview(
      validateReviewInput(
        { channelId: 'promo-blast', decision: 'retire', note: '효과 없음', by: '박지민' },
        'review',
      ),
      new Date('2026-10-20T01:00:00Z'),
    );
    await registry.recordReview(
      validateReviewInput(
        { channelId: 'bill-reminder', decision: 'keep', note: '개선 확인', by: '김하늘' },
        'review',
      ),
      new Date('2026-11-02T01:00:00Z'),
    );
    const snapshot = await registry.snapshot();
    const history = await registry.history('bill-reminder');
    const facts = channelFacts(snapshot);

    // Assess
    expect(snapshot.channels.map((c) => [c.channelId, c.name, c.status, c.updatedBy])).toEqual([
      ['bill-reminder', '미납고지서, 월말', 'active', 'import'],
      ['promo-blast', '프로모션', 'retired', '박지민'],
    ]);
    expect(history.flatMap((r) => (r.kind === 'review' ? [[r.decision, r.note, r.by, r.at]] : []))).toEqual([
      ['redesign', '문구 변경', '김하늘', '2026-10-18T01:00:00.000Z'],
      ['keep', '개선 확인', '김하늘', '2026-11-02T01:00:00.000Z'],
    ]);
    expect(snapshot.reviews).toHaveLength(3);
    expect(snapshot.changes).toEqual([
      {
        channelId: 'bill-reminder',
        day: '2026-10-19',
        what: '문구 변경',
        at: '2026-10-18T01:00:00.000Z',
        by: '김하늘',
      },
    ]);
    // What detection reads: the retirement with its day (Seoul), the redesign's change day.
    expect(facts.get('promo-blast')).toMatchObject({ status: 'retired', statusSince: '2026-10-20' });
    expect(facts.get('bill-reminder')).toMatchObject({ status: 'active', changes: ['2026-10-19'] });
  });

  it('logs every registry edit (who, when, each field from what to what) and lists it with the reviews in time order', async () => {
    // Prepare
    const registry = registryOf();
    const entry = {
      channelId: 'edited',
      name: '결제 안내',
      category: 'transactional' as const,
      owner: '김하늘',
      status: 'active' as const,
    };
    const mute = {
      channelId: 'edited',
      from: '2026-11-03',
      until: '2026-11-09',
      reason: '발송사 이전',
      by: '박지민',
      at: '2026-11-03T00:00:00.000Z',
    };

    // Act
    await registry.upsert([entry], 'import', new Date('2026-11-01T00:00:00Z'), 'channels import a.csv');
    // The same row again changes nothing: nothing is logged.
    await registry.upsert([entry], 'import', new Date('2026-11-01T12:00:00Z'), 'channels import a.csv');
    await registry.recordReview(
      validateReviewInput({ channelId: 'edited', decision: 'keep', note: '유지', by: '김하늘' }, 'review'),
      new Date('2026-11-02T00:00:00Z'),
    );
    await registry.upsert(
      [{ ...entry, owner: '박지민', status: 'paused', statusSince: '2026-11-02', schedule: 'mon,thu' }],
      '박지민',
      new Date('2026-11-02T01:00:00Z'),
      'channels set',
    );
    await registry.mute(mute);
    await registry.unmute('edited', '박지민', new Date('2026-11-04T00:00:00Z'));
    await registry.recordReview(
      validateReviewInput({ channelId: 'edited', decision: 'retire', note: '종료', by: '김하늘' }, 'review'),
      new Date('2026-11-05T00:00:00Z'),
    );
    const history = await registry.history('edited');
    const snapshot = await registry.snapshot();

    // Assess
    expect(history.map((h) => [h.kind, h.at, h.by, h.kind === 'edit' ? h.action : h.decision])).toEqual([
      ['edit', '2026-11-01T00:00:00.000Z', 'import', 'add'],
      ['review', '2026-11-02T00:00:00.000Z', '김하늘', 'keep'],
      ['edit', '2026-11-02T01:00:00.000Z', '박지민', 'update'],
      ['edit', '2026-11-03T00:00:00.000Z', '박지민', 'mute'],
      ['edit', '2026-11-04T00:00:00.000Z', '박지민', 'unmute'],
      ['edit', '2026-11-05T00:00:00.000Z', '김하늘', 'update'],
      ['review', '2026-11-05T00:00:00.000Z', '김하늘', 'retire'],
    ]);
    const edits = history.filter((h) => h.kind === 'edit');
    expect(edits[0]).toMatchObject({
      via: 'channels import a.csv',
      changes: [
        { field: 'name', to: '결제 안내' },
        { field: 'category', to: 'transactional' },
        { field: 'owner', to: '김하늘' },
        { field: 'status', to: 'active' },
      ],
    });
    expect(edits[1]!.changes).toEqual([
      { field: 'owner', from: '김하늘', to: '박지민' },
      { field: 'status', from: 'active', to: 'paused' },
      { field: 'statusSince', to: '2026-11-02' },
      { field: 'schedule', to: 'mon,thu' },
    ]);
    expect(edits[2]!.changes).toEqual([{ field: 'mute', to: '2026-11-03..2026-11-09: 발송사 이전' }]);
    expect(edits[3]!.changes).toEqual([{ field: 'mute', from: '2026-11-03..2026-11-09: 발송사 이전' }]);
    expect(edits[4]).toMatchObject({
      via: 'review --decision retire',
      changes: [
        { field: 'status', from: 'paused', to: 'retired' },
        { field: 'statusSince', from: '2026-11-02', to: '2026-11-05' },
      ],
    });
    // The snapshot (what detection and the report read) carries no edit log.
    expect(snapshot.channels.find((c) => c.channelId === 'edited')?.status).toBe('retired');
    expect(snapshot.reviews.filter((r) => r.channelId === 'edited')).toHaveLength(2);
  });

  it('keeps a retired channel retired from its first day when it is retired again', async () => {
    // Prepare
    const registry = registryOf();
    const retire = (by: string) =>
      validateReviewInput({ channelId: 'twice', decision: 'retire', note: '종료', by }, 'review');
    await registry.upsert(
      [{ channelId: 'twice', name: '쿠폰', category: 'advertising', owner: '김하늘', status: 'active' }],
      'import',
      new Date('2026-11-01T00:00:00Z'),
    );

    // Act
    const first = await registry.recordReview(retire('김하늘'), new Date('2026-11-05T00:00:00Z'));
    const second = await registry.recordReview(retire('박지민'), new Date('2026-11-20T00:00:00Z'));
    const snapshot = await registry.snapshot();
    const history = await registry.history('twice');

    // Assess
    expect([first.retiredSince, second.retiredSince]).toEqual(['2026-11-05', '2026-11-05']);
    expect([first.alreadyRetired, second.alreadyRetired]).toEqual([false, true]);
    expect(channelFacts(snapshot).get('twice')).toMatchObject({
      status: 'retired',
      statusSince: '2026-11-05',
    });
    // Both decisions are on record; only the first changed the registry.
    expect(history.map((h) => [h.kind, h.kind === 'edit' ? h.action : h.decision])).toEqual([
      ['edit', 'add'],
      ['edit', 'update'],
      ['review', 'retire'],
      ['review', 'retire'],
    ]);
  });

  it('records a change without a review decision: detection sees it, the history logs it as an edit', async () => {
    // Prepare
    const registry = registryOf();
    await registry.upsert(
      [
        {
          channelId: 'changed',
          name: '예약 알림',
          category: 'informational',
          owner: '김하늘',
          status: 'active',
        },
      ],
      'import',
      new Date('2026-11-01T00:00:00Z'),
    );
    const change = {
      channelId: 'changed',
      day: '2026-11-20',
      what: 'new send time',
      at: '2026-11-21T00:00:00.000Z',
      by: '박지민',
    };

    // Act
    await registry.recordChange(change, 'feedback --change');
    const history = await registry.history('changed');
    const snapshot = await registry.snapshot();

    // Assess
    expect(snapshot.changes.filter((c) => c.channelId === 'changed')).toEqual([change]);
    expect(channelFacts(snapshot).get('changed')?.changes).toEqual(['2026-11-20']);
    expect(snapshot.reviews.filter((r) => r.channelId === 'changed')).toEqual([]);
    expect(history.at(-1)).toMatchObject({
      kind: 'edit',
      action: 'change',
      by: '박지민',
      via: 'feedback --change',
      changes: [{ field: 'change', to: 'live from 2026-11-20: new send time' }],
    });
  });

  it('refuses a decision for a channel that is not registered, naming the field', async () => {
    // Prepare
    const registry = registryOf();
    const review = validateReviewInput(
      { channelId: 'nobody', decision: 'keep', note: 'x', by: 'me' },
      'review',
    );

    // Act / Assess
    await expect(registry.recordReview(review, new Date())).rejects.toThrow(
      /review: no channel nobody in the registry: add it first/,
    );
  });
});

describe('registry input validation', () => {
  it.each([
    [
      'decision',
      { channelId: 'a', decision: 'delete', note: 'n', by: 'me' },
      /field decision: must be one of keep, redesign, retire/,
    ],
    ['note', { channelId: 'a', decision: 'keep', note: '  ', by: 'me' }, /field note: must not be empty/],
    [
      'changeDay',
      { channelId: 'a', decision: 'redesign', note: 'n', by: 'me', changeDay: '2026-02-30' },
      /field changeDay: must be a calendar day/,
    ],
    [
      'changeDay without redesign',
      { channelId: 'a', decision: 'keep', note: 'n', by: 'me', changeDay: '2026-02-03' },
      /field changeDay: a change day goes with --decision redesign/,
    ],
  ])('refuses a bad %s', (_name, input, message) => {
    // Act / Assess
    expect(() => validateReviewInput(input, 'review')).toThrow(message);
  });

  it('names the row and field of a bad CSV cell', () => {
    // Prepare
    const csv = 'channel_id,name,category,owner\na,A,transactional,kim\nb,B,spam,lee\n';

    // Act
    let error: unknown;
    try {
      parseRegistryCsv(csv, 'channels.csv');
    } catch (caught) {
      error = caught;
    }

    // Assess
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toBe(
      'channels.csv: row 3, field category: must be one of transactional, informational, advertising',
    );
    expect(() => parseRegistryCsv('channel_id,name,owner\n', 'x.csv')).toThrow(
      'x.csv: row 1: missing column category',
    );
    expect(() =>
      parseRegistryCsv('channel_id,name,category,owner\na,A,advertising,k\na,B,advertising,k\n', 'x.csv'),
    ).toThrow('x.csv: row 3, field channel_id: channel a appears twice');
    // The field is named as the file's header names it, not as the code does
    expect(() =>
      parseRegistryCsv(
        'channel_id,name,category,owner,status,Status_Since\na,A,advertising,k,retired,2026-13-01\n',
        'x.csv',
      ),
    ).toThrow('x.csv: row 2, field status_since: must be a calendar day YYYY-MM-DD');
    // A day with no status is refused, not dropped
    expect(() =>
      parseRegistryCsv(
        'channel_id,name,category,owner,status,status_since\na,A,advertising,k,,2026-11-01\n',
        'x.csv',
      ),
    ).toThrow(
      'x.csv: row 2, field status_since: a day the status took effect, with no status: give paused or retired',
    );
  });

  it("takes a channel id by the lake's rule: no #, control or invisible characters", () => {
    // Act / Assess
    expect(() =>
      parseRegistryCsv('channel_id,name,category,owner\n"a\tb",A,advertising,k\n', 'x.csv'),
    ).toThrow('x.csv: row 2, field channel_id: "a\\tb" holds U+0009 at character 2');
    expect(() => parseRegistryCsv('channel_id,name,category,owner\na#b,A,advertising,k\n', 'x.csv')).toThrow(
      'x.csv: row 2, field channel_id: "a#b" holds "#" at character 2',
    );
  });

  it('keeps a schedule in its one written form, whatever the spacing, case and repeats typed', () => {
    // Act
    const [entry] = parseRegistryCsv(
      'channel_id,name,category,owner,schedule\na,A,advertising,k,"thu, MON,mon"\n',
      'x.csv',
    );

    // Assess
    expect(entry!.schedule).toBe('mon,thu');
  });

  it('refuses a column it does not know and a row with more cells than the header, naming them', () => {
    // Act / Assess: a typo would otherwise drop the status; an unquoted "mon,thu" would drop "thu"
    expect(() =>
      parseRegistryCsv('channel_id,name,category,owner,statuss\na,A,advertising,k,retired\n', 'x.csv'),
    ).toThrow(
      'x.csv: row 1, field statuss: unknown column (known: channel_id, channelid, name, category, owner, status, status_since, schedule, channel_type, changes)',
    );
    expect(() =>
      parseRegistryCsv('channel_id,name,category,owner,schedule\na,A,advertising,k,mon,thu\n', 'x.csv'),
    ).toThrow('x.csv: row 2: 6 cells where the header names 5: quote a value that holds a comma ("mon,thu")');
  });
});

describe('channel facts from a registry CSV (backfill --channels)', () => {
  it('reads category, status with its day, schedule and recorded changes', () => {
    // Prepare
    const csv = [
      'channel_id,name,category,owner,status,status_since,schedule,changes',
      'push_weekly,주간 혜택,advertising,마케팅팀,active,,"mon,thu",2026-03-02;2026-06-01',
      'alimtalk_old,구 안내,informational,CRM팀,paused,2026-05-10,,',
    ].join('\n');

    // Act
    const facts = parseChannelFactsCsv(csv, 'channels.csv');

    // Assess
    expect(facts.get('push_weekly')).toEqual({
      category: 'advertising',
      status: 'active',
      schedule: { kind: 'weekdays', weekdays: [1, 4] },
      changes: ['2026-03-02', '2026-06-01'],
    });
    expect(facts.get('alimtalk_old')).toEqual({
      category: 'informational',
      status: 'paused',
      statusSince: '2026-05-10',
    });
  });

  it('names the row and field of a bad schedule or change day', () => {
    // Act / Assess
    expect(() =>
      parseChannelFactsCsv('channel_id,name,category,owner,schedule\na,A,advertising,k,someday\n', 'c.csv'),
    ).toThrow(/^c\.csv: row 2, field schedule: "someday" is not a weekday/);
    expect(() =>
      parseChannelFactsCsv('channel_id,name,category,owner,changes\na,A,advertising,k,2026-13-01\n', 'c.csv'),
    ).toThrow('c.csv: row 2, field changes: "2026-13-01" is not a calendar day (YYYY-MM-DD)');
  });
});
