import { combineSinks, createJsonlAlertSink } from '#shared/adapters/alerts/local.ts';
import { openDuckDbMetrics } from '#shared/adapters/duckdb/metrics-source.ts';
import { createDynamoChannelRegistry } from '#shared/adapters/dynamo/channel-registry.ts';
import {
  type EmbeddedDynamo,
  openServedDynamo,
  startEmbeddedDynamo,
} from '#shared/adapters/dynamo/embedded.ts';
import {
  createDynamoFeedbackStore,
  createDynamoFindingStore,
} from '#shared/adapters/dynamo/finding-store.ts';
import { createDynamoGateStore } from '#shared/adapters/dynamo/gate-store.ts';
import { createHmacLinkSigner } from '#shared/adapters/links/hmac.ts';
import { localPaths, resolveDataDir } from '#shared/adapters/local/data-dir.ts';
import { lockFolder, sharedStore } from '#shared/adapters/local/folder-lock.ts';
import { localSecret } from '#shared/adapters/local/secret-file.ts';
import { UsageError } from '#shared/errors.ts';
import type { ChannelRegistry } from '#shared/ports/channel-registry.ts';
import type { FeedbackStore } from '#shared/ports/feedback-store.ts';
import type { FindingStore } from '#shared/ports/finding-store.ts';
import type { GateStore } from '#shared/ports/gate-store.ts';
import type { MetricsSource } from '#shared/ports/metrics-source.ts';
import type { DetectDayPorts } from '#shared/use-cases/detect-day.ts';
import { shownPath } from './commands/options.ts';
import { openStackStores, stackEnvironment } from './stack-wiring.ts';

/**
 * The embedded default's wiring, in one place for every command: the three tables in dynalite on
 * disk under the data folder (`.crm-guard/` unless `--data` or CRM_GUARD_DATA), DuckDB over a lake
 * folder or a CSV, and digests appended to `alerts.jsonl` (the commands print them as a table).
 */

/** The tables a command reads and writes, wherever they are. */
export interface Stores {
  findings: FindingStore;
  feedback: FeedbackStore;
  registry: ChannelRegistry;
  gate: GateStore;
  close(): Promise<void>;
}

export interface LocalStores extends Stores {
  dynamo: EmbeddedDynamo;
  paths: ReturnType<typeof localPaths>;
}

/**
 * The tables of a deployed environment when `--stack` or CRM_GUARD_STACK names one, else the local
 * ones under the data folder: the commands that read and write state work the same in both.
 */
export async function openStores(dataFlag: string | undefined): Promise<Stores> {
  const stack = stackEnvironment();
  if (stack) return openStackStores(stack);
  return openLocalStores(dataFlag);
}

/** The local tables. Close them when done: dynalite holds its folder for one process at a time. */
export async function openLocalStores(dataFlag: string | undefined): Promise<LocalStores> {
  const paths = localPaths(resolveDataDir(dataFlag));
  // A running `crm-guard serve` holds the folder and shares its store: this command uses it too.
  const shared = sharedStore(paths.dynamo);
  let dynamo: EmbeddedDynamo;
  let unlock = () => {};
  if (shared) dynamo = await servedStore(paths.dynamo, shared);
  else {
    unlock = lockFolder(paths.dynamo, 'the local store');
    try {
      dynamo = await startEmbeddedDynamo({ dataDir: paths.dynamo });
    } catch (error) {
      unlock();
      throw error;
    }
  }
  const { documentClient, tableNames } = dynamo;
  return {
    dynamo,
    findings: createDynamoFindingStore({ documentClient, tableName: tableNames.findings }),
    feedback: createDynamoFeedbackStore({ documentClient, tableName: tableNames.findings }),
    registry: createDynamoChannelRegistry({ documentClient, tableName: tableNames.channels }),
    gate: createDynamoGateStore({ documentClient, tableName: tableNames.gate }),
    paths,
    close: async () => {
      await dynamo.close();
      unlock();
    },
  };
}

/** The store `crm-guard serve` shares, or one line on why it cannot be used. */
async function servedStore(
  folder: string,
  shared: { pid: number; endpoint: string },
): Promise<EmbeddedDynamo> {
  try {
    return await openServedDynamo(shared.endpoint);
  } catch (error) {
    throw new UsageError(
      `the local store (${folder}) is served by process ${shared.pid} at ${shared.endpoint}, which does not answer ` +
        `(${(error as Error).message}): if \`crm-guard serve\` is no longer running, delete ${folder}.lock`,
    );
  }
}

/** Unregistered channels a note names; the rest it counts. */
const UNKNOWN_SHOWN = 5;

/**
 * The warning for a lake whose channels are mostly not in this data folder's registry: names and
 * owners would be blank, or come from another lake. An empty registry has its own words: nothing was
 * imported yet. When most are registered, a note names the few that are not.
 */
export function registryWarning(
  lakeChannels: readonly string[],
  registered: ReadonlySet<string>,
  where: { input: string; dataDir: string },
): string | undefined {
  if (lakeChannels.length === 0) return undefined;
  const unknown = lakeChannels.filter((id) => !registered.has(id));
  const known = lakeChannels.length - unknown.length;
  const folder = shownPath(where.dataDir);
  if (unknown.length === 0) return undefined;
  // A few new channels the registry has not heard of: named, so their owners can be found.
  if (known * 2 >= lakeChannels.length) {
    const shown = unknown.slice(0, UNKNOWN_SHOWN).join(', ');
    const more = unknown.length > UNKNOWN_SHOWN ? ` and ${unknown.length - UNKNOWN_SHOWN} more` : '';
    return (
      `crm-guard: note: ${unknown.length} of the ${lakeChannels.length} channels in ${where.input} ${unknown.length === 1 ? 'is' : 'are'} not in the registry under ${folder} ` +
      `(${shown}${more}): their alerts show no name or owner; add them with \`crm-guard channels set ID --name N --category C --owner O\``
    );
  }
  if (registered.size === 0) {
    const count = lakeChannels.length;
    const channels = count === 1 ? 'channel' : `${count} channels`;
    return (
      `crm-guard: warning: the registry under ${folder} is empty, so the ${channels} in ${where.input} ` +
      `show${count === 1 ? 's' : ''} no names or owners: import them with \`crm-guard channels import FILE.csv\` ` +
      '(a lake made by sample-data has its channels.csv)'
    );
  }
  return (
    `crm-guard: warning: ${known === 0 ? 'none' : `only ${known}`} of the ${lakeChannels.length} channels in ${where.input} ` +
    `are in the registry under ${folder} (${registered.size} channels, another lake's?): names and owners may be missing or wrong; ` +
    'give each lake its own state with --data DIR (or CRM_GUARD_DATA)'
  );
}

/** The local tables and a DuckDB source over `input`, closed together. */
export async function openLocalLake(
  dataFlag: string | undefined,
  input: string,
): Promise<LocalStores & { metrics: MetricsSource }> {
  const source = await openDuckDbMetrics({ input });
  let stores: LocalStores;
  try {
    stores = await openLocalStores(dataFlag);
  } catch (error) {
    await source.close();
    throw error;
  }
  // Warn rather than key the registry by lake: `channels`, `review` and `feedback` name no lake.
  let checked = false;
  const metrics: MetricsSource = {
    async readChannelDays(range) {
      const columns = await source.readChannelDays(range);
      if (!checked) {
        checked = true;
        const registered = new Set((await stores.registry.snapshot()).channels.map((c) => c.channelId));
        const warning = registryWarning(columns.channelIds, registered, {
          input,
          dataDir: resolveDataDir(dataFlag),
        });
        if (warning) console.error(warning);
      }
      return columns;
    },
    latestDay: () => source.latestDay(),
    earliestDay: () => source.earliestDay(),
    readEngagement: (range) => source.readEngagement(range),
    close: () => source.close(),
  };
  return {
    ...stores,
    metrics,
    close: async () => {
      await metrics.close();
      await stores.close();
    },
  };
}

/** Where the local digest's feedback links point: `crm-guard serve` on its default port, or CRM_GUARD_LINK_BASE. */
export function localLinkBase(): string {
  return process.env.CRM_GUARD_LINK_BASE ?? 'http://127.0.0.1:8787';
}

/** The daily job's ports on one machine. */
export async function openLocalDetection(options: { input: string; dataDir: string }) {
  const local = await openLocalLake(options.dataDir, options.input);
  const ports: DetectDayPorts = {
    metrics: local.metrics,
    store: local.findings,
    alerts: combineSinks(createJsonlAlertSink(local.paths.alertsJsonl)),
    registry: () => local.registry.snapshot(),
    feedback: local.feedback,
    // The digest's one-click links open on `crm-guard serve` (its default port unless said otherwise).
    links: { base: localLinkBase(), signer: createHmacLinkSigner(localSecret(local.paths.feedbackLinkKey)) },
  };
  return { ports, paths: local.paths, close: local.close };
}
