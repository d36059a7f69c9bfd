import { combineSinks, createJsonlAlertSink } from '#shared/adapters/alerts/local.ts';
import { openDuckDbMetrics } from '#shared/adapters/duckdb/metrics-source.ts';
import { createDynamoChannelRegistry } from '#shared/adapters/dynamo/channel-registry.ts';
import { startEmbeddedDynamo } from '#shared/adapters/dynamo/embedded.ts';
import { createDynamoFindingStore } from '#shared/adapters/dynamo/finding-store.ts';
import { localPaths } from '#shared/adapters/local/data-dir.ts';
import type { DetectDayPorts } from '#shared/use-cases/detect-day.ts';

/**
 * The embedded default's wiring of the daily job: DuckDB over the lake or CSV, dynalite on disk
 * under the data folder, and the digest appended to `alerts.jsonl` (the command prints the table).
 */
export async function openLocalDetection(options: { input: string; dataDir: string }) {
  const paths = localPaths(options.dataDir);
  const metrics = await openDuckDbMetrics({ input: options.input });
  const dynamo = await startEmbeddedDynamo({ dataDir: paths.dynamo });
  const registry = createDynamoChannelRegistry({
    documentClient: dynamo.documentClient,
    tableName: dynamo.tableNames.channels,
  });
  const ports: DetectDayPorts = {
    metrics,
    store: createDynamoFindingStore({
      documentClient: dynamo.documentClient,
      tableName: dynamo.tableNames.findings,
    }),
    alerts: combineSinks(createJsonlAlertSink(paths.alertsJsonl)),
    registry: () => registry.snapshot(),
  };
  return {
    ports,
    paths,
    close: async () => {
      await metrics.close();
      await dynamo.close();
    },
  };
}
