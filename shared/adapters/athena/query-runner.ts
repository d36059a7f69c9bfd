import {
  type AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  type Row,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { ConfigError, MetricsQueryError } from '#shared/errors.ts';

/** How a query is started, polled and read; every wait goes through `sleep` so tests never wait. */
export interface QueryRunnerOptions {
  client: AthenaClient;
  workgroup: string;
  database: string;
  /** First poll delay; doubles each poll up to `maxPollIntervalMs`. */
  pollIntervalMs?: number;
  maxPollIntervalMs?: number;
  /** Deadline for one query from start to SUCCEEDED; past it the query is stopped. */
  maxPollMs?: number;
  /** Retries of StartQueryExecution when Athena throttles (concurrent query limit). */
  startRetries?: number;
  /** Rows per GetQueryResults page (Athena allows at most 1,000). */
  pageSize?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export const DEFAULT_POLL_INTERVAL_MS = 200;
export const DEFAULT_MAX_POLL_INTERVAL_MS = 5_000;
export const DEFAULT_MAX_POLL_MS = 300_000;
export const DEFAULT_START_RETRIES = 5;
export const MAX_PAGE_SIZE = 1_000;

const THROTTLED = new Set(['ThrottlingException', 'TooManyRequestsException']);

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** One query's text, its `?` parameters (already SQL literals) and a label for error messages. */
export interface AthenaQuery {
  label: string;
  sql: string;
  parameters: string[];
}

/** Runs parameterised queries on one workgroup and streams their result pages. */
export interface QueryRunner {
  /** Starts the query and waits for SUCCEEDED; returns the query execution id. */
  execute(query: AthenaQuery): Promise<string>;
  /** Data rows of a finished query, one array per GetQueryResults page (header row dropped). */
  pages(queryExecutionId: string, label: string): AsyncGenerator<(string | undefined)[][]>;
}

export function createQueryRunner(options: QueryRunnerOptions): QueryRunner {
  const { client, workgroup, database } = options;
  const pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  const maxPollIntervalMs = Math.max(
    pollIntervalMs,
    options.maxPollIntervalMs ?? DEFAULT_MAX_POLL_INTERVAL_MS,
  );
  const maxPollMs = options.maxPollMs ?? DEFAULT_MAX_POLL_MS;
  const startRetries = options.startRetries ?? DEFAULT_START_RETRIES;
  const pageSize = Math.min(options.pageSize ?? MAX_PAGE_SIZE, MAX_PAGE_SIZE);
  const sleep = options.sleep ?? realSleep;
  const now = options.now ?? Date.now;

  async function start(query: AthenaQuery): Promise<string> {
    let delay = pollIntervalMs;
    for (let attempt = 0; ; attempt++) {
      try {
        const started = await client.send(
          new StartQueryExecutionCommand({
            QueryString: query.sql,
            ExecutionParameters: query.parameters.length ? query.parameters : undefined,
            WorkGroup: workgroup,
            QueryExecutionContext: { Database: database },
          }),
        );
        if (!started.QueryExecutionId) throw new Error('no QueryExecutionId in the answer');
        return started.QueryExecutionId;
      } catch (error) {
        const name = (error as Error).name;
        if (THROTTLED.has(name) && attempt < startRetries) {
          await sleep(delay);
          delay = Math.min(delay * 2, maxPollIntervalMs);
          continue;
        }
        const retried = THROTTLED.has(name) ? ` (still throttled after ${attempt} retries)` : '';
        throw new MetricsQueryError(
          `Athena could not start the ${query.label} query in workgroup ${workgroup}${retried}: ${describe(error)}`,
          { cause: error },
        );
      }
    }
  }

  async function stop(id: string): Promise<void> {
    try {
      await client.send(new StopQueryExecutionCommand({ QueryExecutionId: id }));
    } catch {
      // Best effort: the deadline error below is what the caller needs to see.
    }
  }

  async function execute(query: AthenaQuery): Promise<string> {
    const id = await start(query);
    const deadline = now() + maxPollMs;
    let delay = pollIntervalMs;
    let state: string | undefined;
    for (;;) {
      let reason: string | undefined;
      try {
        const { QueryExecution } = await client.send(new GetQueryExecutionCommand({ QueryExecutionId: id }));
        state = QueryExecution?.Status?.State;
        reason =
          QueryExecution?.Status?.StateChangeReason ?? QueryExecution?.Status?.AthenaError?.ErrorMessage;
      } catch (error) {
        // A throttled status check says nothing about the query: wait and ask again.
        if (!THROTTLED.has((error as Error).name)) {
          throw new MetricsQueryError(
            `Athena ${query.label} query ${id}: could not read its state: ${describe(error)}`,
            {
              cause: error,
            },
          );
        }
      }
      if (state === 'SUCCEEDED') return id;
      if (state === 'FAILED' || state === 'CANCELLED') {
        throw new MetricsQueryError(
          `Athena ${query.label} query ${id} ${state}: ${reason ?? 'no reason given'}`,
        );
      }
      const left = deadline - now();
      if (left <= 0) {
        await stop(id);
        throw new MetricsQueryError(
          `Athena ${query.label} query ${id} did not finish within ${maxPollMs} ms (last state ${state ?? 'unknown'}); stopped it`,
        );
      }
      await sleep(Math.min(delay, left));
      delay = Math.min(delay * 2, maxPollIntervalMs);
    }
  }

  async function* pages(id: string, label: string): AsyncGenerator<(string | undefined)[][]> {
    let nextToken: string | undefined;
    let first = true;
    do {
      let rows: Row[];
      try {
        const answer = await client.send(
          new GetQueryResultsCommand({ QueryExecutionId: id, NextToken: nextToken, MaxResults: pageSize }),
        );
        rows = answer.ResultSet?.Rows ?? [];
        nextToken = answer.NextToken;
      } catch (error) {
        throw new MetricsQueryError(
          `Athena ${label} query ${id}: could not read results: ${describe(error)}`,
          {
            cause: error,
          },
        );
      }
      // A SELECT's first result row repeats the column names, on the first page only.
      const data = first ? rows.slice(1) : rows;
      first = false;
      yield data.map((row) => (row.Data ?? []).map((cell) => cell.VarCharValue));
    } while (nextToken);
  }

  return { execute, pages };
}

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

/** A day as Athena wants an execution parameter: a quoted SQL string literal. */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Quotes a configured table or column name; anything but a plain identifier is refused. */
export function quoteIdentifier(name: string, key: string): string {
  if (!IDENTIFIER.test(name)) {
    throw new ConfigError(key, `${JSON.stringify(name)} is not a plain SQL identifier (letters, digits, _)`);
  }
  return `"${name}"`;
}
