import type { LowPerformerRow } from '../model.ts';

/**
 * The decisions still open: the low performers no owner has decided on yet (keep, redesign, retire),
 * costliest first. The ranking with every decision is the low-performer table; this is the to-do list.
 */
export function reviewQueueSection(lowPerformers: readonly LowPerformerRow[]): LowPerformerRow[] {
  return lowPerformers.filter((row) => row.open);
}
