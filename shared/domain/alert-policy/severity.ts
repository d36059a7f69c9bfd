import type { AlertPolicyConfig } from '#shared/config/alert-policy-config.ts';
import type { Severity } from '#shared/domain/finding.ts';

const RANK: Record<Severity, number> = { info: 0, low: 1, medium: 2, high: 3, critical: 4 };
const BY_RANK: Severity[] = ['info', 'low', 'medium', 'high', 'critical'];

export function severityRank(severity: Severity): number {
  return RANK[severity];
}

/** Severity by impact (sends or clicks lost or extra in the day); a channel gone silent is one level worse. */
export function severityOf(impact: number, silent: boolean, config: AlertPolicyConfig['severity']): Severity {
  let rank = impact >= config.critical ? 4 : impact >= config.high ? 3 : impact >= config.medium ? 2 : 1;
  if (silent) rank = Math.min(4, Math.max(2, rank + 1));
  return BY_RANK[rank]!;
}
