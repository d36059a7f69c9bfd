import type { AlertPolicyConfig } from '#shared/domain/alert-policy/config.ts';
import { SEVERITY_ORDER, type Severity } from '#shared/domain/finding.ts';

// Rank 0 is info, 4 critical: the shared worst-first order, reversed.
const BY_RANK: Severity[] = [...SEVERITY_ORDER].reverse();
const RANK = Object.fromEntries(BY_RANK.map((severity, rank) => [severity, rank])) as Record<
  Severity,
  number
>;

export function severityRank(severity: Severity): number {
  return RANK[severity];
}

/** Severity by impact (sends or clicks lost or extra in the day); a channel gone silent is one level worse. */
export function severityOf(impact: number, silent: boolean, config: AlertPolicyConfig['severity']): Severity {
  let rank = impact >= config.critical ? 4 : impact >= config.high ? 3 : impact >= config.medium ? 2 : 1;
  if (silent) rank = Math.min(4, Math.max(2, rank + 1));
  return BY_RANK[rank]!;
}
