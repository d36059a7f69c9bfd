/**
 * The eval's running totals: every scored incident and false page of every run, tagged with the run
 * (sample kind, seed group) and profile, and the channel-days behind them, so any cut (by type, family,
 * seed group, calendar day, partial outage) is one filter. Plus the text cells the eval prints.
 */
import type { ProfileName } from '#shared/domain/run-record.ts';
import type { Judgement } from './benchmark.ts';
import type { FalsePage, IncidentOutcome, RecallCell } from './score.ts';

export type SeedGroup = 'tuning' | 'held-out';
/** `fixed`: a real series judged as it is (no seed placed anything on it). */
export type RunGroup = SeedGroup | 'fixed';
export type RunKind = 'realistic' | 'legacy' | 'real';

export interface RunTag {
  kind: RunKind;
  seed: number;
  days: number;
  label: string;
}

export interface CaseRow {
  kind: RunKind;
  group: RunGroup;
  profile: ProfileName;
  outcome: IncidentOutcome;
}

export interface FalseRow {
  kind: RunKind;
  group: RunGroup;
  profile: ProfileName;
  page: FalsePage;
}

export interface ExposureRow {
  kind: RunKind;
  group: RunGroup;
  family: string;
  channelDays: number;
  /** Real series: the channel (one row each). */
  channelId?: string;
}

export interface PagingRow {
  kind: RunKind;
  group: RunGroup;
  profile: ProfileName;
  pages: number;
  days: number;
}

export interface FalseRate {
  falseAlerts: number;
  nearHoliday: number;
  channelDays: number;
  perThousand: number;
}

export class Tally {
  readonly cases: CaseRow[] = [];
  readonly falses: FalseRow[] = [];
  readonly exposure: ExposureRow[] = [];
  readonly paging: PagingRow[] = [];

  /** Adds one judged run; `groupOf` gives a channel's group when channels of one run differ (real series). */
  add(tag: RunTag, group: SeedGroup, judgement: Judgement, groupOf?: (channelId: string) => RunGroup): void {
    const of = (channelId: string) => groupOf?.(channelId) ?? group;
    const profiles = Object.keys(judgement.scores) as ProfileName[];
    for (const profile of profiles) {
      const score = judgement.scores[profile];
      for (const outcome of score.outcomes)
        this.cases.push({ kind: tag.kind, group: of(outcome.incident.channelId), profile, outcome });
      for (const page of score.falsePages)
        this.falses.push({ kind: tag.kind, group: of(page.channelId), profile, page });
      this.paging.push({ kind: tag.kind, group, profile, pages: score.pages, days: score.days });
    }
    const first = judgement.scores[profiles[0]!];
    if (!groupOf)
      for (const [family, channelDays] of first.channelDaysByFamily)
        this.exposure.push({ kind: tag.kind, group, family, channelDays });
  }

  /** Channel-days of a real run's channels, each in its own group. */
  addExposure(row: ExposureRow): void {
    this.exposure.push(row);
  }

  recall(filter: (row: CaseRow) => boolean): RecallCell {
    const cell = { found: 0, total: 0 };
    for (const row of this.cases)
      if (filter(row)) {
        cell.total++;
        if (row.outcome.found) cell.found++;
      }
    return cell;
  }

  falseRate(filter: (row: FalseRow) => boolean, exposure: (row: ExposureRow) => boolean): FalseRate {
    let falseAlerts = 0;
    let nearHoliday = 0;
    for (const row of this.falses)
      if (filter(row)) {
        falseAlerts++;
        if (row.page.nearHoliday) nearHoliday++;
      }
    const channelDays = this.exposure.filter(exposure).reduce((s, row) => s + row.channelDays, 0);
    return { falseAlerts, nearHoliday, channelDays, perThousand: (1000 * falseAlerts) / channelDays };
  }

  alertsPerDay(filter: (row: PagingRow) => boolean): number {
    const rows = this.paging.filter(filter);
    return rows.reduce((s, row) => s + row.pages, 0) / rows.reduce((s, row) => s + row.days, 0);
  }
}

export const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : '-');
export const share = (cell: RecallCell) => cell.found / cell.total;
/** `found/total  pct`, right-aligned to `width`. */
export const recallCell = (cell: RecallCell, width = 15) =>
  (cell.total ? `${cell.found}/${cell.total} ${pct(share(cell)).padStart(6)}` : '-').padStart(width);
/** `per-1,000 (near holidays)`, right-aligned to `width`. */
export const falseCell = (rate: FalseRate, width = 15) =>
  (rate.channelDays ? `${rate.perThousand.toFixed(2)} (${rate.nearHoliday})` : '-').padStart(width);
export const pad = (text: string, width: number) => text.padEnd(width);
