import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { createGateHandler } from '#functions/fatigue-gate/api.ts';
import { policyFromJson } from '#functions/fatigue-gate/config.ts';
import { createFeedbackPageHandler } from '#functions/feedback/api.ts';
import { type EmbeddedDynamo, startEmbeddedDynamo } from '#shared/adapters/dynamo/embedded.ts';
import { createDynamoFeedbackStore } from '#shared/adapters/dynamo/finding-store.ts';
import { createDynamoGateStore } from '#shared/adapters/dynamo/gate-store.ts';
import { type ProxyHandler, startLoopbackServer } from '#shared/adapters/http/loopback-server.ts';
import { createHmacLinkSigner } from '#shared/adapters/links/hmac.ts';
import { localPaths } from '#shared/adapters/local/data-dir.ts';
import { lockFolder, shareLockedFolder } from '#shared/adapters/local/folder-lock.ts';
import { localSecret } from '#shared/adapters/local/secret-file.ts';
import { loadConfigFile } from '#shared/config/load.ts';
import { createGate } from '#shared/gate/gate.ts';
import { type GatePolicy, policySchema } from '#shared/gate/policy.ts';
import { userIdPseudonym } from '#shared/gate/pseudonym.ts';
import { METRICS_NAMESPACE, SERVICE_NAMES } from '#shared/telemetry.ts';
import type { Command } from './command.ts';
import { dataDirFlag, FLAG_DEFAULTS, integerFlag, stringFlag } from './options.ts';

const FEEDBACK_PATH = '/v1/feedback';
/** What a header can carry as a bearer token: printable ASCII, no space. */
const BEARER_TOKEN = /^[\x21-\x7e]+$/;
/** The longest store deadline `serve` takes: a caller waiting longer has given up on the answer. */
const MAX_TIMEOUT_MS = 60_000;

export interface GateServerOptions {
  token: string;
  port?: number;
  /** Folder for dynalite's files; in memory when omitted (tests, bench). */
  dynamoDir?: string;
  policy: GatePolicy;
  storeTimeoutMs?: number;
  batchTimeoutMs?: number;
  logger?: Logger;
  metrics?: Metrics;
  /** How decision logs show a user id (a keyed hash by default: see `serve`). */
  logUserId?: (userId: string) => string;
  /** The gate's clock (tests fix it). */
  now?: () => Date;
  /** An embedded DynamoDB the caller owns (and closes); else one is started and closed with the server. */
  dynamo?: EmbeddedDynamo;
  /** The key of the local digest's feedback links: with it, serve also answers `/v1/feedback`. */
  linkKey?: string;
  /** Client timeouts of the HTTP server (defaults: 5 s for headers, 10 s for a request). */
  headersTimeoutMs?: number;
  requestTimeoutMs?: number;
}

export interface GateServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** The gate API on loopback: the Lambda's handler code over the embedded DynamoDB. */
export async function startGateServer(options: GateServerOptions): Promise<GateServer> {
  const owned = options.dynamo === undefined;
  const unlock = owned && options.dynamoDir ? lockFolder(options.dynamoDir, 'the local store') : () => {};
  const logger = options.logger ?? new Logger({ serviceName: SERVICE_NAMES.gate });
  let dynamo: EmbeddedDynamo;
  try {
    dynamo =
      options.dynamo ??
      (await startEmbeddedDynamo({
        ...(options.dynamoDir ? { dataDir: options.dynamoDir } : {}),
        // Seen in the log: from then on every decision answers fail-safe, as it would with DynamoDB down.
        onStopped: (error) =>
          logger.error(
            'the embedded DynamoDB stopped: decisions answer fail-safe until serve restarts',
            error,
          ),
      }));
  } catch (error) {
    unlock();
    throw error;
  }
  if (owned && options.dynamoDir) shareLockedFolder(options.dynamoDir, dynamo.endpoint);
  const gate = createGate({
    store: createDynamoGateStore({
      documentClient: dynamo.documentClient,
      tableName: dynamo.tableNames.gate,
    }),
    policy: options.policy,
    timeoutMs: options.storeTimeoutMs ?? 1_000,
    batchTimeoutMs: options.batchTimeoutMs ?? 5_000,
    tierCacheMs: 60_000,
    ...(options.now ? { now: options.now } : {}),
    onStoreError: (error, request) =>
      logger.warn('gate store failed', {
        cause: error.failure,
        error: error.message,
        messageId: request.messageId,
      }),
  });
  const gateHandler = createGateHandler({
    gate,
    logger,
    metrics:
      options.metrics ?? new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAMES.gate }),
    ...(options.logUserId ? { logUserId: options.logUserId } : {}),
  });
  // The digest's one-click feedback links open here too: the page records into the local findings table.
  const feedbackPage = options.linkKey
    ? createFeedbackPageHandler({
        signer: createHmacLinkSigner(options.linkKey),
        feedback: createDynamoFeedbackStore({
          documentClient: dynamo.documentClient,
          tableName: dynamo.tableNames.findings,
        }),
        ...(options.now ? { now: options.now } : {}),
      })
    : undefined;
  const handler: ProxyHandler = (event, context) =>
    feedbackPage && event.path === FEEDBACK_PATH ? feedbackPage(event) : gateHandler(event, context);
  let server: Awaited<ReturnType<typeof startLoopbackServer>>;
  try {
    server = await startLoopbackServer({
      handler,
      token: options.token,
      port: options.port ?? 0,
      ...(feedbackPage ? { publicPaths: [FEEDBACK_PATH] } : {}),
      ...(options.headersTimeoutMs ? { headersTimeoutMs: options.headersTimeoutMs } : {}),
      ...(options.requestTimeoutMs ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
    });
  } catch (error) {
    if (owned) await dynamo.close();
    unlock();
    throw error;
  }
  return {
    url: server.url,
    port: server.port,
    close: async () => {
      await server.close();
      if (owned) await dynamo.close();
      unlock();
    },
  };
}

/** The policy: --policy FILE, else GATE_POLICY (JSON), else the shipped default. */
export function policyFlag(path: string | undefined): GatePolicy {
  if (path) return loadConfigFile(policySchema, path);
  return policyFromJson(process.env.GATE_POLICY, 'GATE_POLICY');
}

const serve: Command = {
  name: 'serve',
  example: 'CRM_GUARD_TOKEN=secret crm-guard serve --port 8787',
  summary:
    'Serve the fatigue gate API on 127.0.0.1 over the embedded DynamoDB (bearer token from CRM_GUARD_TOKEN).',
  usage:
    'CRM_GUARD_TOKEN=... crm-guard serve [--port N] [--data DIR] [--policy FILE] [--timeout-ms MS] [--batch-timeout-ms MS]',
  defaults: {
    '--port': '8787 (0: any free port)',
    '--data': FLAG_DEFAULTS.data,
    '--policy': FLAG_DEFAULTS.policy,
    '--timeout-ms': '1000 (a store call slower than this answers fail-safe)',
    '--batch-timeout-ms': '5000 (the same for a batch of decisions)',
    POWERTOOLS_METRICS_DISABLED: 'true: no metrics (EMF JSON lines) on stdout; false prints one per request',
  },
  options: {
    port: { type: 'string' },
    data: { type: 'string' },
    policy: { type: 'string' },
    'timeout-ms': { type: 'string' },
    'batch-timeout-ms': { type: 'string' },
  },
  async run(values) {
    // Taken first: by the time the gate says it listens, whoever reads that may already have killed its launcher.
    const launcher = process.ppid;
    const token = process.env.CRM_GUARD_TOKEN;
    if (!token) {
      console.error(
        'crm-guard serve: set CRM_GUARD_TOKEN to the bearer token callers must send; refusing to start without one',
      );
      return 2;
    }
    // A token no header can carry would answer every caller 401.
    if (!BEARER_TOKEN.test(token)) {
      console.error(
        'crm-guard serve: CRM_GUARD_TOKEN holds a space, a control character (a line break?) or a non-ASCII letter: no caller can send it in a header; set it to printable ASCII',
      );
      return 2;
    }
    // A Lambda's metrics are EMF lines on stdout for CloudWatch; here they would be noise on every
    // request. POWERTOOLS_METRICS_DISABLED=false prints them.
    process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
    // 0 picks a free port; TCP has no port above 65535.
    const port = integerFlag(values, 'port', 8787, 0, 65_535);
    const policy = policyFlag(stringFlag(values, 'policy'));
    const paths = localPaths(dataDirFlag(values));
    const dynamoDir = paths.dynamo;
    const logIds = process.env.GATE_LOG_USER_IDS ?? 'hashed';
    if (logIds !== 'hashed' && logIds !== 'raw') {
      console.error(
        `crm-guard serve: GATE_LOG_USER_IDS is "${logIds}": expected hashed (the default) or raw`,
      );
      return 2;
    }
    const server = await startGateServer({
      token,
      port,
      dynamoDir,
      policy,
      // As in the Lambda: a keyed hash unless GATE_LOG_USER_IDS=raw.
      linkKey: localSecret(paths.feedbackLinkKey),
      ...(logIds === 'raw' ? {} : { logUserId: userIdPseudonym(localSecret(paths.gateLogKey)) }),
      storeTimeoutMs: integerFlag(values, 'timeout-ms', 1_000, 1, MAX_TIMEOUT_MS),
      batchTimeoutMs: integerFlag(values, 'batch-timeout-ms', 5_000, 1, MAX_TIMEOUT_MS),
    });
    console.error(`crm-guard serve: fatigue gate on ${server.url} (data ${dynamoDir}); Ctrl-C stops it`);
    await untilStopped(launcher);
    await server.close();
    return 0;
  },
};

/**
 * Resolves on Ctrl-C, SIGTERM, SIGHUP, or when the launching process goes away: `npx` runs us under a
 * shell that does not pass SIGTERM on, and a gate left listening after its launcher died holds the port
 * and the store's lock.
 */
function untilStopped(launcher: number): Promise<void> {
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  return new Promise<void>((resolve) => {
    // Once stopping, a second signal takes Node's default (exit): a hung close cannot swallow it.
    const stop = () => {
      clearInterval(watch);
      for (const signal of signals) process.off(signal, stop);
      resolve();
    };
    const watch = setInterval(() => {
      if (process.ppid !== launcher) stop();
    }, 500);
    for (const signal of signals) process.once(signal, stop);
  });
}

export default serve;
