import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  type GetQueryResultsCommandOutput,
  type QueryExecutionState,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
  TooManyRequestsException,
} from '@aws-sdk/client-athena';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createAthenaMetricsSource } from '#shared/adapters/athena/metrics-source.ts';
import { InputError, MetricsQueryError } from '#shared/errors.ts';
import { dayNumber } from '#shared/time/seoul.ts';

const athena = mockClient(AthenaClient);

const CHANNEL_HEADER = ['dt', 'channel_id', 'channel_type', 'sends', 'clicks'];

function page(rows: string[][], nextToken?: string): Partial<GetQueryResultsCommandOutput> {
  return {
    ResultSet: { Rows: rows.map((row) => ({ Data: row.map((VarCharValue) => ({ VarCharValue })) })) },
    NextToken: nextToken,
  };
}

function succeeded(state: QueryExecutionState = 'SUCCEEDED') {
  return { QueryExecution: { QueryExecutionId: 'q-1', Status: { State: state } } };
}

/** A clock that only sleep moves, so deadlines and back-off are checked without waiting. */
function fakeTime() {
  const slept: number[] = [];
  let clock = 0;
  return {
    slept,
    sleep: async (ms: number) => {
      slept.push(ms);
      clock += ms;
    },
    now: () => clock,
  };
}

function source(extra: Partial<Parameters<typeof createAthenaMetricsSource>[0]> = {}) {
  const time = fakeTime();
  const metrics = createAthenaMetricsSource({
    client: new AthenaClient({ region: 'ap-northeast-2' }),
    workgroup: 'crm-guard',
    database: 'crm_lake',
    channelTable: 'crm_channel_daily',
    engagementTable: 'user_engagement_daily',
    pollIntervalMs: 10,
    maxPollIntervalMs: 50,
    maxPollMs: 1_000,
    sleep: time.sleep,
    now: time.now,
    ...extra,
  });
  return { metrics, time };
}

beforeEach(() => {
  athena.reset();
  athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
  athena.on(GetQueryExecutionCommand).resolves(succeeded());
});

describe('Athena metrics source: queries', () => {
  it('sends the days as quoted execution parameters, never inside the SQL, on the workgroup and database', async () => {
    // Prepare
    athena
      .on(GetQueryResultsCommand)
      .resolves(page([CHANNEL_HEADER, ['2026-11-21', 'a', 'push', '100', '5']]));
    const { metrics } = source();

    // Act
    await metrics.readChannelDays({ from: '2026-11-21', to: '2026-11-27' });

    // Assess
    expect(athena).toHaveReceivedCommandWith(StartQueryExecutionCommand, {
      ExecutionParameters: ["'2026-11-21'", "'2026-11-27'"],
      WorkGroup: 'crm-guard',
      QueryExecutionContext: { Database: 'crm_lake' },
    });
    const sql = athena.commandCalls(StartQueryExecutionCommand)[0]!.args[0].input.QueryString ?? '';
    expect(sql).not.toMatch(/\d{4}-\d{2}-\d{2}/);
    expect(sql).toContain('WHERE "dt" BETWEEN ? AND ?');
    expect(sql).toContain('FROM "crm_lake"."crm_channel_daily"');
  });

  it('reads results across 3 pages with NextToken and skips the header row of the first page only', async () => {
    // Prepare
    athena
      .on(GetQueryResultsCommand)
      .resolvesOnce(page([CHANNEL_HEADER, ['2026-11-21', 'a', 'push', '100', '5']], 't2'))
      .resolvesOnce(page([['2026-11-21', 'b', 'alimtalk', '200', '7']], 't3'))
      .resolvesOnce(page([['2026-11-22', 'a', 'push', '90', '4']]));
    const { metrics } = source({ pageSize: 2 });

    // Act
    const columns = await metrics.readChannelDays({ from: '2026-11-21', to: '2026-11-22' });

    // Assess
    const tokens = athena.commandCalls(GetQueryResultsCommand).map((call) => call.args[0].input.NextToken);
    expect(tokens).toEqual([undefined, 't2', 't3']);
    expect(athena).toHaveReceivedCommandWith(GetQueryResultsCommand, { MaxResults: 2 });
    expect(columns.channelIds).toEqual(['a', 'b']);
    expect(columns.channelTypes).toEqual(['push', 'alimtalk']);
    expect([...columns.channel]).toEqual([0, 1, 0]);
    expect([...columns.day]).toEqual([
      dayNumber('2026-11-21'),
      dayNumber('2026-11-21'),
      dayNumber('2026-11-22'),
    ]);
    expect([...columns.sends]).toEqual([100, 200, 90]);
    expect([...columns.clicks]).toEqual([5, 7, 4]);
    expect(columns.fromDay).toBe(dayNumber('2026-11-21'));
    expect(columns.toDay).toBe(dayNumber('2026-11-22'));
  });

  it('asks a second query about channels that start after `from`, and marks those seen before', async () => {
    // Prepare
    athena
      .on(GetQueryResultsCommand)
      .resolvesOnce(
        page([
          CHANNEL_HEADER,
          ['2026-11-21', 'steady', 'push', '100', '5'],
          ['2026-11-22', 'returning', 'push', '100', '5'],
          ['2026-11-23', 'new', 'push', '100', '5'],
        ]),
      )
      .resolvesOnce(page([['channel_id'], ['returning']]));
    const { metrics } = source();

    // Act
    const columns = await metrics.readChannelDays({ from: '2026-11-21', to: '2026-11-23' });

    // Assess
    expect(athena).toHaveReceivedCommandTimes(StartQueryExecutionCommand, 2);
    const second = athena.commandCalls(StartQueryExecutionCommand)[1]!.args[0].input;
    expect(second.ExecutionParameters).toEqual(["'2026-11-21'", "'new'", "'returning'"]);
    expect(second.QueryString).toContain('"dt" < ? AND "channel_id" IN (?, ?)');
    expect(columns.channelIds).toEqual(['new', 'returning', 'steady']);
    expect([...columns.seenBefore]).toEqual([0, 1, 0]);
  });

  it('numbers channels by id whatever order Athena returns rows in, under their latest type', async () => {
    // Prepare
    athena
      .on(GetQueryResultsCommand)
      .resolves(
        page([
          CHANNEL_HEADER,
          ['2026-11-22', 'zeta', 'push', '30', '3'],
          ['2026-11-22', 'alpha', 'alimtalk', '20', '2'],
          ['2026-11-21', 'zeta', 'sms', '10', '1'],
          ['2026-11-21', 'alpha', 'alimtalk', '40', '4'],
        ]),
      );
    const { metrics } = source();

    // Act
    const columns = await metrics.readChannelDays({ from: '2026-11-21', to: '2026-11-22' });

    // Assess
    expect(columns.channelIds).toEqual(['alpha', 'zeta']);
    expect(columns.channelTypes).toEqual(['alimtalk', 'push']);
    expect([...columns.channel]).toEqual([1, 0, 1, 0]);
    expect([...columns.sends]).toEqual([30, 20, 10, 40]);
  });

  it('skips the seen-before query when every channel has a row on `from`', async () => {
    // Prepare
    athena.on(GetQueryResultsCommand).resolves(page([CHANNEL_HEADER, ['2026-11-21', 'a', 'push', '1', '0']]));
    const { metrics } = source();

    // Act
    await metrics.readChannelDays({ from: '2026-11-21', to: '2026-11-21' });

    // Assess
    expect(athena).toHaveReceivedCommandOnce(StartQueryExecutionCommand);
  });

  it('refuses a configured name that is not a plain identifier', () => {
    // Act + Assess
    expect(() => source({ columns: { sends: 'sends; DROP TABLE x' } })).toThrow('config columns.sends');
  });
});

describe('Athena metrics source: query lifecycle', () => {
  it('polls with exponential back-off, capped', async () => {
    // Prepare
    athena
      .on(GetQueryExecutionCommand)
      .resolvesOnce(succeeded('QUEUED'))
      .resolvesOnce(succeeded('RUNNING'))
      .resolvesOnce(succeeded('RUNNING'))
      .resolvesOnce(succeeded('RUNNING'))
      .resolvesOnce(succeeded('RUNNING'))
      .resolves(succeeded());
    athena.on(GetQueryResultsCommand).resolves(page([['max'], ['2026-11-21']]));
    const { metrics, time } = source();

    // Act
    const latest = await metrics.latestDay();

    // Assess
    expect(latest).toBe('2026-11-21');
    expect(time.slept).toEqual([10, 20, 40, 50, 50]);
    expect(athena).toHaveReceivedCommandTimes(GetQueryExecutionCommand, 6);
  });

  it('turns a FAILED query into MetricsQueryError with the reason and the query id', async () => {
    // Prepare
    athena.on(GetQueryExecutionCommand).resolves({
      QueryExecution: {
        QueryExecutionId: 'q-1',
        Status: {
          State: 'FAILED',
          StateChangeReason: 'TABLE_NOT_FOUND: line 1:30: Table crm_lake.nope does not exist',
        },
      },
    });
    const { metrics } = source();

    // Act
    const read = metrics.readChannelDays({ from: '2026-11-21', to: '2026-11-21' });

    // Assess
    await expect(read).rejects.toThrow(MetricsQueryError);
    await expect(read).rejects.toThrow(
      'Athena channel days query q-1 FAILED: TABLE_NOT_FOUND: line 1:30: Table crm_lake.nope does not exist',
    );
  });

  it('retries a throttled start with back-off, then succeeds', async () => {
    // Prepare
    const throttled = new TooManyRequestsException({ message: 'Rate exceeded', $metadata: {} });
    athena
      .on(StartQueryExecutionCommand)
      .rejectsOnce(throttled)
      .rejectsOnce(throttled)
      .resolves({ QueryExecutionId: 'q-1' });
    athena.on(GetQueryResultsCommand).resolves(page([['min'], ['2025-01-01']]));
    const { metrics, time } = source();

    // Act
    const earliest = await metrics.earliestDay();

    // Assess
    expect(earliest).toBe('2025-01-01');
    expect(athena).toHaveReceivedCommandTimes(StartQueryExecutionCommand, 3);
    expect(time.slept).toEqual([10, 20]);
  });

  it('keeps polling through a throttled status check', async () => {
    // Prepare
    athena
      .on(GetQueryExecutionCommand)
      .resolvesOnce(succeeded('RUNNING'))
      .rejectsOnce(new TooManyRequestsException({ message: 'Rate exceeded', $metadata: {} }))
      .resolves(succeeded());
    athena.on(GetQueryResultsCommand).resolves(page([['max'], ['2026-11-21']]));
    const { metrics, time } = source();

    // Act
    const latest = await metrics.latestDay();

    // Assess
    expect(latest).toBe('2026-11-21');
    expect(time.slept).toEqual([10, 20]);
  });

  it('gives up after a bounded number of throttled starts', async () => {
    // Prepare
    athena
      .on(StartQueryExecutionCommand)
      .rejects(new TooManyRequestsException({ message: 'Rate exceeded', $metadata: {} }));
    const { metrics } = source({ startRetries: 2 });

    // Act
    const read = metrics.earliestDay();

    // Assess
    await expect(read).rejects.toThrow('still throttled after 2 retries');
    expect(athena).toHaveReceivedCommandTimes(StartQueryExecutionCommand, 3);
  });

  it('stops the query at the deadline and says so', async () => {
    // Prepare
    athena.on(GetQueryExecutionCommand).resolves(succeeded('RUNNING'));
    athena.on(StopQueryExecutionCommand).resolves({});
    const { metrics, time } = source({ maxPollMs: 200 });

    // Act
    const read = metrics.latestDay();

    // Assess
    await expect(read).rejects.toThrow(
      'Athena latest day query q-1 did not finish within 200 ms (last state RUNNING); stopped it',
    );
    expect(athena).toHaveReceivedCommandWith(StopQueryExecutionCommand, { QueryExecutionId: 'q-1' });
    expect(time.now()).toBe(200);
  });

  it('returns undefined for the latest day of an empty table', async () => {
    // Prepare
    athena
      .on(GetQueryResultsCommand)
      .resolves({ ResultSet: { Rows: [{ Data: [{ VarCharValue: 'max' }] }, { Data: [{}] }] } });
    const { metrics } = source();

    // Act
    const latest = await metrics.latestDay();

    // Assess
    expect(latest).toBeUndefined();
  });
});

describe('Athena metrics source: row validation', () => {
  const cases: [string, string[], string][] = [
    [
      'clicks above sends',
      ['2026-11-21', 'a', 'push', '640', '812'],
      'athena:crm_channel_daily: row 2, field clicks: 812 clicks above 640 sends',
    ],
    [
      'negative sends',
      ['2026-11-21', 'a', 'push', '-3', '0'],
      'athena:crm_channel_daily: row 2, field sends: not a non-negative integer: "-3"',
    ],
    [
      'bad dt',
      ['2026-11-31', 'a', 'push', '3', '0'],
      'athena:crm_channel_daily: row 2, field dt: not a calendar day (YYYY-MM-DD): "2026-11-31"',
    ],
    [
      'empty channel',
      ['2026-11-21', '', 'push', '3', '0'],
      'athena:crm_channel_daily: row 2, field channel_id: empty channel id',
    ],
    [
      'empty channel type',
      ['2026-11-21', 'b', '', '3', '0'],
      'athena:crm_channel_daily: row 2, field channel_type: empty channel type',
    ],
    [
      'a channel type of a space',
      ['2026-11-21', 'b', ' ', '3', '0'],
      'athena:crm_channel_daily: row 2, field channel_type: " " has spaces around it (a channel type is compared exactly)',
    ],
    [
      'a line break in a channel id',
      ['2026-11-21', 'b\nFAKE', 'push', '3', '0'],
      'athena:crm_channel_daily: row 2, field channel_id: "b\\nFAKE" holds U+000A at character 2',
    ],
    [
      'a zero-width space in a channel id',
      ['2026-11-21', 'o\u200bk', 'push', '3', '0'],
      'athena:crm_channel_daily: row 2, field channel_id: "o\u200bk" holds U+200B at character 2',
    ],
    [
      'duplicate row',
      ['2026-11-21', 'ok', 'push', '3', '0'],
      'athena:crm_channel_daily: row 2, field channel_id: a second row for channel ok on 2026-11-21',
    ],
  ];
  for (const [name, bad, message] of cases) {
    it(`rejects ${name} with an InputError naming table, row and field`, async () => {
      // Prepare
      athena
        .on(GetQueryResultsCommand)
        .resolves(page([CHANNEL_HEADER, ['2026-11-21', 'ok', 'push', '10', '1'], bad]));
      const { metrics } = source();

      // Act
      const read = metrics.readChannelDays({ from: '2026-11-21', to: '2026-11-22' });

      // Assess
      await expect(read).rejects.toThrow(InputError);
      await expect(read).rejects.toThrow(message);
    });
  }

  it('uses the configured column names in the SQL and in the error', async () => {
    // Prepare
    athena.on(GetQueryResultsCommand).resolves(page([CHANNEL_HEADER, ['2026-11-21', 'a', 'push', '5', '6']]));
    const { metrics } = source({ columns: { dt: 'base_dt', clicks: 'uniq_clicks' } });

    // Act
    const read = metrics.readChannelDays({ from: '2026-11-21', to: '2026-11-21' });

    // Assess
    await expect(read).rejects.toThrow('row 1, field uniq_clicks: 6 clicks above 5 sends');
    const sql = athena.commandCalls(StartQueryExecutionCommand)[0]!.args[0].input.QueryString;
    expect(sql).toContain('"uniq_clicks"');
    expect(sql).toContain('WHERE "base_dt" BETWEEN ? AND ?');
  });
});

describe('Athena metrics source: engagement', () => {
  it('yields one page of users per result page, over the window', async () => {
    // Prepare
    athena
      .on(GetQueryResultsCommand)
      .resolvesOnce(
        page(
          [
            ['user_id', 'uses', 'first', 'days', 'min'],
            ['u1', '12', '2026-11-01', '3', '0'],
          ],
          't2',
        ),
      )
      .resolvesOnce(
        page(
          [
            ['u2', '0', '2026-11-05', '1', '0'],
            ['u3', '40', '2026-11-02', '9', '2'],
          ],
          't3',
        ),
      )
      .resolvesOnce(page([['u4', '1', '2026-11-28', '1', '1']]));
    const { metrics } = source();

    // Act
    const pages = [];
    for await (const users of metrics.readEngagement({
      from: '2026-10-25',
      to: '2026-11-28',
      usesFrom: '2026-11-01',
    }))
      pages.push(users);

    // Assess
    expect(pages.map((users) => users.map((user) => user.userId))).toEqual([['u1'], ['u2', 'u3'], ['u4']]);
    expect(pages[1]![1]).toEqual({ userId: 'u3', featureUses: 40, firstSeen: '2026-11-02', activeDays: 9 });
    expect(athena).toHaveReceivedCommandWith(StartQueryExecutionCommand, {
      ExecutionParameters: ["'2026-11-01'", "'2026-11-01'", "'2026-10-25'", "'2026-11-28'"],
    });
    const sql = athena.commandCalls(StartQueryExecutionCommand)[0]!.args[0].input.QueryString;
    expect(sql).toContain('sum(CASE WHEN "dt" >= ? THEN "feature_uses" ELSE 0 END)');
    expect(sql).toContain(
      'FROM "crm_lake"."user_engagement_daily" WHERE "dt" BETWEEN ? AND ? GROUP BY "user_id"',
    );
  });

  it('rejects negative feature uses naming the field', async () => {
    // Prepare
    athena.on(GetQueryResultsCommand).resolves(
      page([
        ['h', 'h', 'h', 'h', 'h'],
        ['u1', '-2', '2026-11-01', '1', '-2'],
      ]),
    );
    const { metrics } = source();

    // Act
    const read = (async () => {
      for await (const _ of metrics.readEngagement({ from: '2026-11-01', to: '2026-11-28' })) {
        // drain
      }
    })();

    // Assess
    await expect(read).rejects.toThrow(
      'athena:user_engagement_daily: row 1, field feature_uses: negative feature uses (-2) for user u1',
    );
  });

  it('rejects a user id the gate would refuse, naming row and field', async () => {
    // Prepare
    athena.on(GetQueryResultsCommand).resolves(
      page([
        ['h', 'h', 'h', 'h', 'h'],
        ['u1', '2', '2026-11-01', '1', '2'],
        ['a b', '2', '2026-11-01', '1', '2'],
      ]),
    );
    const { metrics } = source();

    // Act
    const read = (async () => {
      for await (const _ of metrics.readEngagement({ from: '2026-11-01', to: '2026-11-28' })) {
        // drain
      }
    })();

    // Assess
    await expect(read).rejects.toThrow(
      'athena:user_engagement_daily: row 2, field user_id: "a b": expected 1 to 128 printable ASCII characters without spaces, as the gate takes user ids',
    );
  });
});
