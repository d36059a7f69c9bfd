/**
 * The names logs, metrics and alarms share: handlers emit them, the stack's alarms and dashboard read
 * them, so a rename is one edit here. Powertools adds `service` as a dimension to every metric.
 */
export const METRICS_NAMESPACE = 'crm-guard';

/** POWERTOOLS_SERVICE_NAME of each function: its logs' `service` and its metrics' `service` dimension. */
export const SERVICE_NAMES = {
  detect: 'detect',
  report: 'report',
  tierRefresh: 'tier-refresh',
  gate: 'fatigue-gate',
  feedback: 'feedback',
} as const;

export const DETECT_METRICS = {
  alerts: 'ChannelAlerts',
  findings: 'Findings',
  /** The "no successful detect run" alarm watches this one. */
  succeeded: 'DetectRunSucceeded',
  dataLate: 'DetectDataLate',
  /** A catch-up schedule's run that found its day judged in full already. */
  catchUpSkipped: 'DetectCatchUpSkipped',
} as const;

export const GATE_METRICS = {
  /** Every decision; with tier, decision, reason (and cause) dimensions, and in total per service. */
  decisions: 'GateDecisions',
  /** Decisions answered without the store (`gate_unavailable`), in total per service. */
  unavailable: 'GateUnavailable',
  /** Batch items refused with a problem in their slot. */
  invalidItems: 'GateInvalidItems',
  requests: 'GateRequests',
} as const;

export const TIER_REFRESH_METRICS = {
  usersRead: 'TierUsersRead',
  recordsWritten: 'TierRecordsWritten',
  moves: 'TierMoves',
} as const;
