import type { ChannelDayColumns } from '#shared/domain/channel-metrics.ts';
import type { JudgedFinding } from '#shared/domain/finding.ts';
import type { RegistrySnapshot } from '#shared/domain/registry.ts';
import type { RunRecord } from '#shared/domain/run-record.ts';
import type { ChannelRegistry } from '#shared/ports/channel-registry.ts';
import type { FindingStore } from '#shared/ports/finding-store.ts';
import type { MetricsSource } from '#shared/ports/metrics-source.ts';
import { addDays, dayNumber, type IsoDay } from '#shared/time/seoul.ts';

/** One generated channel: sends and clicks for a day (undefined = no row that day). */
export interface ChannelSpec {
  channelId: string;
  channelType?: string;
  firstDay: IsoDay;
  day: (day: IsoDay, index: number) => { sends: number; clicks: number } | undefined;
}

/** Lake rows as the metrics port returns them, for [from, to]; `missing` days have no partition. */
export function makeColumns(
  specs: ChannelSpec[],
  from: IsoDay,
  to: IsoDay,
  missing: IsoDay[] = [],
): ChannelDayColumns {
  const channel: number[] = [];
  const day: number[] = [];
  const sends: number[] = [];
  const clicks: number[] = [];
  const fromDay = dayNumber(from);
  const toDay = dayNumber(to);
  specs.forEach((spec, c) => {
    const start = Math.max(fromDay, dayNumber(spec.firstDay));
    for (let d = start; d <= toDay; d++) {
      const iso = addDays(from, d - fromDay);
      if (missing.includes(iso)) continue;
      const value = spec.day(iso, d - dayNumber(spec.firstDay));
      if (!value) continue;
      channel.push(c);
      day.push(d);
      sends.push(value.sends);
      clicks.push(value.clicks);
    }
  });
  return {
    fromDay,
    toDay,
    channelIds: specs.map((s) => s.channelId),
    channelTypes: specs.map((s) => s.channelType ?? 'alimtalk'),
    seenBefore: Uint8Array.from(specs.map((s) => (dayNumber(s.firstDay) < fromDay ? 1 : 0))),
    channel: Int32Array.from(channel),
    day: Int32Array.from(day),
    sends: Float64Array.from(sends),
    clicks: Float64Array.from(clicks),
  };
}

/** A metrics source over generated channels: it reads only the days asked for, like the real ones. */
export function memoryMetrics(
  specs: ChannelSpec[],
  missing: IsoDay[] = [],
): MetricsSource & { reads: { from: IsoDay; to: IsoDay }[] } {
  const reads: { from: IsoDay; to: IsoDay }[] = [];
  return {
    reads,
    async readChannelDays(range) {
      reads.push(range);
      return makeColumns(specs, range.from, range.to, missing);
    },
    async latestDay() {
      return undefined;
    },
    async earliestDay() {
      return undefined;
    },
    async *readEngagement() {},
    async close() {},
  };
}

/** An in-memory finding store. */
export function memoryFindings(findings: JudgedFinding[], runs: RunRecord[] = []): FindingStore {
  return {
    async replaceDay() {},
    async findings(range) {
      return findings.filter((f) => f.date >= range.from && f.date <= range.to);
    },
    async run(day) {
      return runs.find((run) => run.day === day);
    },
    async claimDigest() {
      return true;
    },
    async releaseDigest() {},
  };
}

export function finding(
  partial: Partial<JudgedFinding> & Pick<JudgedFinding, 'date' | 'channelId'>,
): JudgedFinding {
  return {
    channelType: 'alimtalk',
    rule: 'ma_ratio',
    metric: 'sends',
    status: 'confirmed',
    direction: 'down',
    actual: 0,
    expected: 1000,
    lower: 700,
    upper: 1300,
    alert: true,
    severity: 'high',
    code: 'deviation',
    ...partial,
  };
}

/** What detection stores for rule 5 on `date`: the window's sends and clicks in `detail`. */
export function lowPerformerFinding(
  date: IsoDay,
  channelId: string,
  sends: number,
  clicks: number,
): JudgedFinding {
  return finding({
    date,
    channelId,
    rule: 'low_performer',
    metric: 'ctr',
    actual: clicks / sends,
    expected: 0.03,
    lower: 0,
    upper: 0.03,
    alert: false,
    severity: 'info',
    code: 'low_performer',
    detail: { sends, clicks, days: 7 },
  });
}

export function runRecord(day: IsoDay, findings = 3, alerts = 1): RunRecord {
  return {
    day,
    profile: 'default',
    startedAt: `${day}T00:00:00.000Z`,
    finishedAt: `${day}T00:00:05.000Z`,
    channelsJudged: 3,
    findings,
    alerts,
    insufficientHistory: [],
    missingDays: [],
    partialData: false,
  };
}

/** A registry that serves one snapshot and refuses decisions: what the report reads, nothing more. */
export function readOnlyRegistry(snapshot: RegistrySnapshot): ChannelRegistry {
  const refuse = async (): Promise<never> => {
    throw new Error('read only');
  };
  return {
    snapshot: async () => snapshot,
    get: async () => undefined,
    upsert: async () => {},
    recordReview: refuse,
    recordChange: refuse,
    history: async () => [],
    mute: async () => {},
    unmute: async () => false,
  };
}
