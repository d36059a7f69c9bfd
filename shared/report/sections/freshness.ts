import type { RunRecord } from '#shared/domain/run-record.ts';
import { type IsoDay, isoDay } from '#shared/time/seoul.ts';
import type { Freshness } from '../model.ts';
import type { ReportContext } from './context.ts';

/** How complete the week is: the last day with data, the week's days that never arrived, the daily runs. */
export function freshnessSection(ctx: ReportContext, runs: ReadonlyMap<IsoDay, RunRecord>): Freshness {
  let last = ctx.dayNo;
  while (last >= ctx.metrics.fromDay && !ctx.arrived(last)) last--;
  return {
    lastDataDay: last >= ctx.metrics.fromDay ? isoDay(last) : null,
    missingDays: ctx.weekDays.filter((_, k) => !ctx.arrived(ctx.weekFromNo + k)),
    runs: ctx.weekDays.map((day) => {
      const run = runs.get(day);
      return {
        day,
        finishedAt: run?.finishedAt ?? null,
        findings: run?.findings ?? null,
        alerts: run?.alerts ?? null,
      };
    }),
  };
}
