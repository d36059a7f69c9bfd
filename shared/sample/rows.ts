import type { ChannelDayColumns, ChannelDayRow } from '#shared/domain/channel-metrics.ts';
import { isoDay } from '#shared/time/seoul.ts';
import type { Sample } from './generate.ts';

/** The sample's rows as the lake's `crm_channel_daily` rows, by day then channel (for CSV/Parquet writers). */
export function toChannelRows(columns: ChannelDayColumns): ChannelDayRow[] {
  const rows: ChannelDayRow[] = [];
  for (let i = 0; i < columns.channel.length; i++) {
    const channel = columns.channel[i]!;
    rows.push({
      dt: isoDay(columns.day[i]!),
      channelId: columns.channelIds[channel]!,
      channelType: columns.channelTypes[channel]!,
      sends: columns.sends[i]!,
      clicks: columns.clicks[i]!,
    });
  }
  return rows;
}

/**
 * One labels.jsonl line each: the sample's header, then every channel (with the registry's facts), every
 * incident, and every recorded change (an expected shift, not an incident).
 */
export function toLabelRecords(sample: Sample): Record<string, unknown>[] {
  return [
    {
      kind: 'sample',
      seed: sample.seed,
      model: sample.model,
      from: sample.from,
      to: sample.to,
      partialDays: sample.partialDays,
    },
    ...sample.channels.map((channel) => ({
      kind: 'channel',
      ...channel,
      facts: sample.facts.get(channel.channelId),
    })),
    ...sample.incidents.map((incident) => ({ kind: 'incident', ...incident })),
    ...sample.changes.map((change) => ({ kind: 'change', ...change })),
  ];
}

/** labels.jsonl text. */
export function toLabelsJsonl(sample: Sample): string {
  return `${toLabelRecords(sample)
    .map((record) => JSON.stringify(record))
    .join('\n')}\n`;
}
