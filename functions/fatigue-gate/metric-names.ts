/** The gate's metric names: the handler emits them, the stack's alarm and dashboard read them. */
export const GATE_METRICS = {
  /** Every decision; with tier, decision, reason (and cause) dimensions, and in total per service. */
  decisions: 'GateDecisions',
  /** Decisions answered without the store (`gate_unavailable`), in total per service. */
  unavailable: 'GateUnavailable',
  /** Batch items refused with a problem in their slot. */
  invalidItems: 'GateInvalidItems',
  requests: 'GateRequests',
} as const;
