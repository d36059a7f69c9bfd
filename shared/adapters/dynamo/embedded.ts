import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DEFAULT_TABLE_NAMES, KEY, TABLES, type TableNames } from './tables.ts';

const require = createRequire(import.meta.url);

/**
 * dynalite (CommonJS, an http.Server over LevelDB) on a thread of its own: the store's work (parsing
 * requests and expressions, LevelDB) runs beside the caller's, not between its callbacks.
 */
const DYNALITE_THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
// dynalite throws a request's stream error (a client gone mid-request): that request is over, the store is not.
process.on('uncaughtException', (error) => {
  if (error && (error.code === 'ECONNRESET' || error.message === 'aborted')) return;
  throw error;
});
const server = require(workerData.module)({ path: workerData.path, createTableMs: 0 });
server.once('error', (error) => parentPort.postMessage({ error: error.message, code: error.code }));
server.listen(workerData.port, '127.0.0.1', () => parentPort.postMessage({ port: server.address().port }));
parentPort.once('message', () => server.close(() => parentPort.postMessage({ closed: true })));
`;

type ThreadMessage = { port: number } | { error: string; code?: string } | { closed: true };

/** An embedded DynamoDB-compatible server (dynalite) on loopback, with crm-guard's tables created. */
export interface EmbeddedDynamo {
  endpoint: string;
  client: DynamoDBClient;
  documentClient: DynamoDBDocumentClient;
  tableNames: TableNames;
  close(): Promise<void>;
}

/**
 * Starts dynalite on 127.0.0.1 (a free port unless one is given), keeping data on disk under
 * `dataDir` (in memory when omitted), and creates any of the three tables that are missing.
 */
export async function startEmbeddedDynamo(
  options: {
    dataDir?: string;
    port?: number;
    /** Told once if the store's thread dies while in use (its calls then fail: the gate answers fail-safe). */
    onStopped?: (error: Error) => void;
  } = {},
): Promise<EmbeddedDynamo> {
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const thread = new Worker(DYNALITE_THREAD, {
    eval: true,
    workerData: { module: require.resolve('dynalite'), path: options.dataDir, port: options.port ?? 0 },
  });
  let failure: Error | undefined;
  let closing = false;
  const exited = new Promise<void>((resolve) =>
    thread.once('exit', (code) => {
      if (!closing)
        options.onStopped?.(failure ?? new Error(`the embedded DynamoDB's thread exited (code ${code})`));
      resolve();
    }),
  );
  thread.on('error', (error) => {
    failure = error;
  });
  const message = () => new Promise<ThreadMessage>((resolve) => thread.once('message', resolve));
  const started = await Promise.race([
    message(),
    exited.then((): ThreadMessage => ({ error: failure?.message ?? 'dynalite did not start' })),
  ]);
  if (!('port' in started)) {
    closing = true;
    await thread.terminate();
    const error = new Error(
      'error' in started ? started.error : 'dynalite did not start',
    ) as NodeJS.ErrnoException;
    if ('code' in started && started.code) error.code = started.code;
    throw error;
  }
  const endpoint = `http://127.0.0.1:${started.port}`;
  const { client, documentClient } = loopbackClients(endpoint);
  const close = async () => {
    closing = true;
    client.destroy();
    const closed = message();
    thread.postMessage('close');
    // A thread that already died has nothing to close.
    await Promise.race([closed, exited]);
    await thread.terminate();
  };
  const tableNames = DEFAULT_TABLE_NAMES;
  try {
    await ensureTables(client, tableNames);
  } catch (error) {
    await close();
    throw error;
  }
  return { endpoint, client, documentClient, tableNames, close };
}

/**
 * The embedded store as another process serves it (its tables made), once it has answered a first
 * call within `timeoutMs`: closing only lets go of the clients.
 */
export async function openServedDynamo(endpoint: string, timeoutMs = 2_000): Promise<EmbeddedDynamo> {
  const { client, documentClient } = loopbackClients(endpoint);
  try {
    await client.send(new ListTablesCommand({ Limit: 1 }), { abortSignal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    client.destroy();
    throw error;
  }
  return {
    endpoint,
    client,
    documentClient,
    tableNames: DEFAULT_TABLE_NAMES,
    close: async () => client.destroy(),
  };
}

/** DynamoDB clients for a DynamoDB-compatible server on loopback (local region, placeholder keys). */
export function loopbackClients(endpoint: string): {
  client: DynamoDBClient;
  documentClient: DynamoDBDocumentClient;
} {
  const client = new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const documentClient = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
  return { client, documentClient };
}

async function ensureTables(client: DynamoDBClient, names: TableNames): Promise<void> {
  for (const spec of Object.values(TABLES)) {
    const TableName = names[spec.id];
    try {
      await client.send(new DescribeTableCommand({ TableName }));
      continue;
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
    }
    const attributes = new Set<string>([
      KEY.pk,
      KEY.sk,
      ...spec.indexes.flatMap((index) => [index.pk, index.sk]),
    ]);
    await client.send(
      new CreateTableCommand({
        TableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [...attributes].map((AttributeName) => ({ AttributeName, AttributeType: 'S' })),
        KeySchema: [
          { AttributeName: KEY.pk, KeyType: 'HASH' },
          { AttributeName: KEY.sk, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: spec.indexes.length
          ? spec.indexes.map((index) => ({
              IndexName: index.name,
              KeySchema: [
                { AttributeName: index.pk, KeyType: 'HASH' },
                { AttributeName: index.sk, KeyType: 'RANGE' },
              ],
              Projection: { ProjectionType: 'ALL' },
            }))
          : undefined,
      }),
    );
  }
}
