import { resolve } from 'node:path';

/**
 * Where the embedded default keeps its state on one machine: `.crm-guard/` in the working directory
 * unless `--data` or CRM_GUARD_DATA says otherwise. Inside: `dynamo/` (dynalite's files),
 * `sample-lake/`, `alerts.jsonl`, `reports/`, `gate-log-key`.
 */
export function resolveDataDir(flag?: string): string {
  return resolve(flag ?? process.env.CRM_GUARD_DATA ?? '.crm-guard');
}

export const localPaths = (dataDir: string) => ({
  dynamo: resolve(dataDir, 'dynamo'),
  sampleLake: resolve(dataDir, 'sample-lake'),
  alertsJsonl: resolve(dataDir, 'alerts.jsonl'),
  reports: resolve(dataDir, 'reports'),
  /** The key of the user-id hash in the local gate's decision logs. */
  gateLogKey: resolve(dataDir, 'gate-log-key'),
  /** The key that signs the local digest's one-click feedback links (`crm-guard serve` checks them). */
  feedbackLinkKey: resolve(dataDir, 'feedback-link-key'),
});
