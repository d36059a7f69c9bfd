/**
 * Fatigue gate figures: decisions a second and p50/p99 latency over HTTP on loopback against the
 * embedded store (single requests and batches of 500), and the handler's own work with the store
 * replaced by memory. Client, server and dynalite share one process here, as `crm-guard serve` does.
 * The last batch figures swap dynalite for a server that answers at once, and make the same calls
 * through the bare SDK in the same run: what the gate adds on top of the SDK's own cost per call.
 * Prints the figures; `npx node bench/gate.ts` runs it alone.
 */

import { execFileSync } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { createGateHandler } from '#functions/fatigue-gate/api.ts';
import { loopbackClients } from '#shared/adapters/dynamo/embedded.ts';
import type { UserEngagement } from '#shared/domain/engagement.ts';
import type { DecisionRequest } from '#shared/gate/decision.ts';
import { DEFAULT_POLICY } from '#shared/gate/default-policy.ts';
import { createGate } from '#shared/gate/gate.ts';
import { createMemoryGateStore } from '#shared/gate/memory-store.ts';
import { refreshTiers, type TierRefreshStore } from '#shared/use-cases/refresh-tiers.ts';
import { startGateServer } from '../bin/commands/serve.ts';

export interface LatencyFigures {
  count: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Process CPU time per decision (user + system, GC included): robust when other work shares the cores. */
  cpuMsPerDecision: number;
}

export interface GateBenchFigures {
  /** POST /v1/decisions over loopback HTTP, 8 callers in parallel, embedded dynalite. */
  httpSingle: LatencyFigures;
  /** POST /v1/decisions/batch of 500 over loopback HTTP, one after another; latency is per batch. */
  httpBatch500: LatencyFigures;
  /** The middy handler (parse, validate, decide, log, count, respond) over an in-memory store. */
  handlerSingle: LatencyFigures;
  handlerBatch500: LatencyFigures;
  /** A batch of 500 over HTTP, the gate's DynamoDB calls answered at once by a loopback server with `{}`. */
  httpInstant500: LatencyFigures;
  /** The same DynamoDB calls made straight through the SDK, in the same run: the floor under the line above. */
  bareSdk500: LatencyFigures;
  /** The gate over the bare SDK: the median, over rounds, of each round's HTTP batch time over its replay's, less 1. */
  gateOverhead: number;
  /** The tier refresh use case over 1,000,000 generated users (pages of 10,000), store calls stubbed. */
  refresh: { users: number; ms: number; written: number; peakHeapMiB: number };
}

/** Streams `users` generated users in pages, as the DuckDB and Athena adapters do. */
async function* generatedEngagement(users: number, pageSize: number): AsyncIterable<UserEngagement[]> {
  for (let start = 0; start < users; start += pageSize) {
    const page: UserEngagement[] = [];
    for (let i = start; i < Math.min(users, start + pageSize); i++)
      page.push({
        userId: `user-${i}`,
        featureUses: i % 23,
        firstSeen: i % 50 === 0 ? '2026-11-20' : '2026-01-01',
        activeDays: i % 23,
      });
    yield page;
  }
}

async function benchRefresh(): Promise<GateBenchFigures['refresh']> {
  const users = 1_000_000;
  let peakHeap = 0;
  const store: TierRefreshStore = {
    async readTiers() {
      peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
      return new Map();
    },
    async writeTiers() {},
    async lastTierRefresh() {
      return undefined;
    },
    async recordTierRefresh() {},
  };
  const started = performance.now();
  const result = await refreshTiers({
    source: { readEngagement: () => generatedEngagement(users, 10_000) },
    store,
    policy: DEFAULT_POLICY,
    asOf: '2026-11-23',
  });
  return {
    users,
    ms: performance.now() - started,
    written: result.written,
    peakHeapMiB: peakHeap / 1024 / 1024,
  };
}

const SILENT = new Logger({ serviceName: 'fatigue-gate', logLevel: 'SILENT' });

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

function figures(
  latencies: number[],
  wallMs: number,
  decisions: number,
  cpu: NodeJS.CpuUsage,
): LatencyFigures {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    cpuMsPerDecision: (cpu.user + cpu.system) / 1000 / decisions,
    count: latencies.length,
    perSecond: (decisions / wallMs) * 1000,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
  };
}

/** A day's mix: mostly informational, a third advertising, some transactional, 5,000 users. */
function request(i: number): DecisionRequest {
  const kind = i % 6;
  return {
    userId: `bench-${(i * 7919) % 5_000}`,
    channel: kind === 5 ? 'alimtalk' : 'push',
    messageClass: kind === 5 ? 'transactional' : kind < 2 ? 'advertising' : 'informational',
    category: kind === 5 ? 'billing' : kind < 2 ? 'benefit' : 'community',
    campaignId: `campaign-${i % 40}`,
    messageId: `bench-${i}`,
    consent: { ad: true, adConsentedAt: '2026-01-01T00:00:00+09:00', nightAd: false },
    at: '2026-11-24T10:00:00+09:00',
  };
}

// Parsed once: the bench's clock should cost what Date.now() costs, not a date parse per decision.
const BENCH_INSTANT = Date.parse('2026-11-24T10:00:00+09:00');
/** The gate's clock in the bench: the instant every request plans its send for (dates are bounded by it). */
const BENCH_NOW = () => new Date(BENCH_INSTANT);

async function timed<T>(work: () => Promise<T>, latencies: number[]): Promise<T> {
  const started = performance.now();
  const result = await work();
  latencies.push(performance.now() - started);
  return result;
}

async function benchHandler(): Promise<Pick<GateBenchFigures, 'handlerSingle' | 'handlerBatch500'>> {
  const gate = createGate({
    store: createMemoryGateStore(),
    policy: DEFAULT_POLICY,
    timeoutMs: 1_000,
    now: BENCH_NOW,
  });
  const handler = createGateHandler({
    gate,
    logger: SILENT,
    metrics: new Metrics({ namespace: 'crm-guard', serviceName: 'fatigue-gate' }),
  });
  const context = { functionName: 'bench', awsRequestId: 'bench' } as Context;
  const event = (path: string, body: unknown) =>
    ({
      httpMethod: 'POST',
      path,
      body: JSON.stringify(body),
      headers: {},
    }) as unknown as APIGatewayProxyEvent;

  for (let i = 0; i < 2_000; i++) await handler(event('/v1/decisions', request(1_000_000 + i)), context);
  const single: number[] = [];
  const n = 20_000;
  let started = performance.now();
  let cpu = process.cpuUsage();
  for (let i = 0; i < n; i++) await timed(() => handler(event('/v1/decisions', request(i)), context), single);
  const handlerSingle = figures(single, performance.now() - started, n, process.cpuUsage(cpu));

  const batches: number[] = [];
  const rounds = 40;
  started = performance.now();
  cpu = process.cpuUsage();
  for (let round = 0; round < rounds; round++) {
    const requests = Array.from({ length: 500 }, (_, i) => request(100_000 + round * 500 + i));
    await timed(() => handler(event('/v1/decisions/batch', { requests }), context), batches);
  }
  const handlerBatch500 = figures(batches, performance.now() - started, rounds * 500, process.cpuUsage(cpu));
  return { handlerSingle, handlerBatch500 };
}

/** A loopback server answering every call with `{}` at once, on its own thread so it costs the client nothing. */
const INSTANT_SERVER = `
const { createServer } = require('node:http');
const { parentPort } = require('node:worker_threads');
const server = createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
    response.end('{}');
  });
});
server.listen(0, '127.0.0.1', () => parentPort.postMessage(server.address().port));
`;

/**
 * A batch of 500 over HTTP against a DynamoDB endpoint that answers every call at once, and the bare
 * SDK making the same calls (recorded from the gate, replayed with the gate's concurrency) in the same
 * run: what the gate adds on top of the SDK's own cost per call.
 */
/** Posts each batch it is handed to the gate and answers with the status, once the body has arrived. */
const BATCH_CALLER = `
const { parentPort, workerData } = require('node:worker_threads');
parentPort.on('message', async (body) => {
  const response = await fetch(workerData.url, {
    method: 'POST',
    headers: { authorization: 'Bearer ' + workerData.token, 'content-type': 'application/json' },
    body,
  });
  await response.arrayBuffer();
  parentPort.postMessage(response.status);
});
`;

type InstantFigures = Pick<GateBenchFigures, 'httpInstant500' | 'bareSdk500' | 'gateOverhead'>;

async function benchInstantStore(): Promise<InstantFigures> {
  const instant = new Worker(INSTANT_SERVER, { eval: true });
  const port = await new Promise<number>((resolve) => instant.once('message', resolve));
  const endpoint = `http://127.0.0.1:${port}`;
  const { client, documentClient } = loopbackClients(endpoint);
  let recorded: object[] = [];
  const recording = {
    send: (command: object, options?: object) => {
      recorded.push(command);
      return documentClient.send(command as never, options as never);
    },
  } as unknown as DynamoDBDocumentClient;
  const token = 'bench-token';
  const server = await startGateServer({
    token,
    policy: DEFAULT_POLICY,
    dynamo: {
      endpoint,
      client,
      documentClient: recording,
      tableNames: { findings: 'findings', channels: 'channels', gate: 'crm-guard-gate' },
      close: async () => {},
    },
    storeTimeoutMs: 5_000,
    batchTimeoutMs: 30_000,
    logger: SILENT,
    metrics: new Metrics({ namespace: 'crm-guard', serviceName: 'fatigue-gate' }),
    now: BENCH_NOW,
  });
  const batch = (round: number) => Array.from({ length: 500 }, (_, i) => request(300_000 + round * 500 + i));
  // The caller is another process in production: here a thread of its own, so this process pays
  // for serving the batch, not for sending it.
  const caller = new Worker(BATCH_CALLER, {
    eval: true,
    workerData: { url: `${server.url}/v1/decisions/batch`, token },
  });
  // The body is built before the clock starts: writing it is the caller's work, not the gate's.
  const body = (round: number) => JSON.stringify({ requests: batch(round) });
  const post = (json: string) =>
    new Promise<void>((resolve, reject) => {
      caller.once('message', (status: number) =>
        status === 200 ? resolve() : reject(new Error(`gate bench: batch answered ${status}`)),
      );
      caller.postMessage(json);
    });
  // The same calls straight through the SDK, in the gate's order: the batched tier reads first (4 at a
  // time, as the adapter sends them), then the decisions' calls 32 at a time.
  const replay = async (calls: object[]) => {
    const fresh = calls.map(
      (command) =>
        new (command.constructor as new (input: unknown) => object)((command as { input: unknown }).input),
    );
    const pool = async (commands: object[], width: number) => {
      let next = 0;
      await Promise.all(
        Array.from({ length: width }, async () => {
          while (next < commands.length) await documentClient.send(commands[next++] as never);
        }),
      );
    };
    const isTierRead = (command: object) => command.constructor.name === 'BatchGetCommand';
    await pool(fresh.filter(isTierRead), 4);
    await pool(
      fresh.filter((command) => !isTierRead(command)),
      32,
    );
  };
  try {
    for (let round = 0; round < 4; round++) {
      recorded = [];
      await post(body(round));
      await replay(recorded);
    }
    // Paired rounds: the ratio of two p50s over 12 rounds moved by 5 points from run to run on 2 cores
    // shared by three threads; the median of 40 paired ratios moves by about 3.
    const rounds = 40;
    const http: number[] = [];
    const bare: number[] = [];
    let httpWall = 0;
    let bareWall = 0;
    let httpCpu = 0;
    let bareCpu = 0;
    // Interleaved round by round, so both see the same machine.
    for (let round = 0; round < rounds; round++) {
      recorded = [];
      const json = body(100 + round);
      let started = performance.now();
      let cpu = process.cpuUsage();
      await timed(() => post(json), http);
      let used = process.cpuUsage(cpu);
      httpCpu += used.user + used.system;
      httpWall += performance.now() - started;
      const calls = recorded;
      started = performance.now();
      cpu = process.cpuUsage();
      await timed(() => replay(calls), bare);
      used = process.cpuUsage(cpu);
      bareCpu += used.user + used.system;
      bareWall += performance.now() - started;
    }
    const decisions = rounds * 500;
    // Each round's batch against its own replay: a slow moment of the machine slows both.
    const ratios = http.map((ms, round) => ms / bare[round]!).sort((a, b) => a - b);
    return {
      httpInstant500: figures(http, httpWall, decisions, { user: httpCpu, system: 0 }),
      bareSdk500: figures(bare, bareWall, decisions, { user: bareCpu, system: 0 }),
      gateOverhead: percentile(ratios, 50) - 1,
    };
  } finally {
    await caller.terminate();
    await server.close();
    client.destroy();
    await instant.terminate();
  }
}

async function benchHttp(): Promise<Pick<GateBenchFigures, 'httpSingle' | 'httpBatch500'>> {
  const token = 'bench-token';
  const server = await startGateServer({
    token,
    policy: DEFAULT_POLICY,
    storeTimeoutMs: 5_000,
    batchTimeoutMs: 30_000,
    logger: SILENT,
    metrics: new Metrics({ namespace: 'crm-guard', serviceName: 'fatigue-gate' }),
    now: BENCH_NOW,
  });
  const post = async (path: string, body: unknown) => {
    const response = await fetch(server.url + path, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (response.status !== 200) throw new Error(`gate bench: ${path} answered ${response.status}`);
    return response.json();
  };
  try {
    for (let i = 0; i < 200; i++) await post('/v1/decisions', request(2_000_000 + i));
    const single: number[] = [];
    const n = 2_000;
    let next = 0;
    let started = performance.now();
    let cpu = process.cpuUsage();
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < n) {
          const i = next++;
          await timed(() => post('/v1/decisions', request(i)), single);
        }
      }),
    );
    const httpSingle = figures(single, performance.now() - started, n, process.cpuUsage(cpu));

    const batches: number[] = [];
    const rounds = 8;
    started = performance.now();
    cpu = process.cpuUsage();
    for (let round = 0; round < rounds; round++) {
      const requests = Array.from({ length: 500 }, (_, i) => request(100_000 + round * 500 + i));
      await timed(() => post('/v1/decisions/batch', { requests }), batches);
    }
    const httpBatch500 = figures(batches, performance.now() - started, rounds * 500, process.cpuUsage(cpu));
    return { httpSingle, httpBatch500 };
  } finally {
    await server.close();
  }
}

const ms = (value: number) => `${value.toFixed(value < 10 ? 3 : 0)} ms`;
const line = (label: string, f: LatencyFigures, unit: string) =>
  `  ${label.padEnd(38)} ${Math.round(f.perSecond).toLocaleString('en-US').padStart(7)} decisions/s  p50 ${ms(f.p50Ms)}, p99 ${ms(f.p99Ms)} ${unit}; CPU ${ms(f.cpuMsPerDecision)} a decision (n=${f.count})`;

/** Runs both parts and prints them; the lead's bench/run.ts calls this. */
export async function runGateBench(): Promise<GateBenchFigures> {
  // Decisions are logged and counted in production; here both would only measure stdout.
  const metricsWere = process.env.POWERTOOLS_METRICS_DISABLED;
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  try {
    const handler = await benchHandler();
    const http = await benchHttp();
    const instant = instantInOwnProcess();
    const refresh = await benchRefresh();
    const result: GateBenchFigures = { ...http, ...handler, ...instant, refresh };
    const overhead = result.gateOverhead;
    console.log(
      [
        `gate bench (default policy; logs and EMF output off; load average ${loadavg()
          .map((load) => load.toFixed(1))
          .join(' ')} on ${availableParallelism()} cores)`,
        line('HTTP single, embedded dynalite', result.httpSingle, 'a request'),
        line('HTTP batch of 500, embedded dynalite', result.httpBatch500, 'a batch     (goal: under 1 s)'),
        line('HTTP batch of 500, store answering at once', result.httpInstant500, 'a batch'),
        line('the same calls, bare SDK, same run', result.bareSdk500, 'a batch'),
        `  the gate over the bare SDK (median of ${result.httpInstant500.count} paired rounds): ${overhead >= 0 ? '+' : ''}${(overhead * 100).toFixed(1)}% (goal: within 10%)`,
        line(
          'handler only, single (memory store)',
          result.handlerSingle,
          'a request   (goal: p99 under 1 ms)',
        ),
        line('handler only, batch of 500', result.handlerBatch500, 'a batch'),
        `  tier refresh, ${result.refresh.users.toLocaleString('en-US')} users (store stubbed)  ${result.refresh.ms.toFixed(0)} ms, ${result.refresh.written.toLocaleString('en-US')} changes, peak heap ${result.refresh.peakHeapMiB.toFixed(0)} MiB`,
      ].join('\n'),
    );
    return result;
  } finally {
    if (metricsWere === undefined) delete process.env.POWERTOOLS_METRICS_DISABLED;
    else process.env.POWERTOOLS_METRICS_DISABLED = metricsWere;
  }
}

/** The comparison in a process of its own: no heap left over from the dynalite figures to collect. */
function instantInOwnProcess(): InstantFigures {
  const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--instant'], {
    encoding: 'utf8',
    env: { ...process.env, POWERTOOLS_METRICS_DISABLED: 'true' },
  });
  return JSON.parse(out.trim().split('\n').at(-1)!) as InstantFigures;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  if (process.argv[2] === '--instant') console.log(JSON.stringify(await benchInstantStore()));
  else await runGateBench();
}
