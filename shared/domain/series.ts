import type { ChannelDayColumns, ChannelMetrics, ChannelSeries } from '#shared/domain/channel-metrics.ts';
import { isoDay } from '#shared/time/seoul.ts';

/**
 * The dense daily series of every channel (detection spec, "Dense series"), in O(rows):
 * - a series starts at the channel's first day with a row, or at `fromDay` when the channel had rows
 *   before the range (`seenBefore`), and runs to `toDay`;
 * - a day with no row for the channel, on a day that has arrived (any channel has a row), is 0: an outage;
 * - a day with no row for any channel is late data: NaN for every channel, and listed in `missingDays`.
 * A channel with no row in the range and none before has no series. All series share one buffer.
 */
export function buildChannelMetrics(columns: ChannelDayColumns): ChannelMetrics {
  const { fromDay, toDay, channelIds, channelTypes, seenBefore } = columns;
  const dayCount = toDay - fromDay + 1;
  if (!(dayCount >= 1)) throw new RangeError(`empty day range: ${fromDay}..${toDay}`);
  const channelCount = channelIds.length;
  const { channel, day: rowDay, sends, clicks } = columns;
  const rowCount = channel.length;

  const arrived = new Uint8Array(dayCount);
  const firstDay = new Int32Array(channelCount).fill(toDay + 1);
  for (let c = 0; c < channelCount; c++) if (seenBefore[c] === 1) firstDay[c] = fromDay;
  for (let row = 0; row < rowCount; row++) {
    const c = channel[row]!;
    const day = rowDay[row]!;
    if (!(day >= fromDay && day <= toDay) || !(c >= 0 && c < channelCount))
      throw new RangeError(`row ${row}: channel ${c} day ${day} outside the columns read`);
    arrived[day - fromDay] = 1;
    if (day < firstDay[c]!) firstDay[c] = day;
  }

  // One slab for every series: a 100,000-channel run makes two views per channel, not two buffers.
  const offset = new Int32Array(channelCount + 1);
  for (let c = 0; c < channelCount; c++) offset[c + 1] = offset[c]! + Math.max(0, toDay - firstDay[c]! + 1);
  const total = offset[channelCount]!;
  const sendsSlab = new Float64Array(total);
  const clicksSlab = new Float64Array(total);
  const missing: number[] = [];
  for (let d = 0; d < dayCount; d++) if (arrived[d] === 0) missing.push(d);
  // Late days are few: mark them per channel instead of testing every cell.
  if (missing.length > 0)
    for (let c = 0; c < channelCount; c++) {
      const start = firstDay[c]! - fromDay;
      for (const d of missing)
        if (d >= start && offset[c]! + d - start < offset[c + 1]!) {
          sendsSlab[offset[c]! + d - start] = Number.NaN;
          clicksSlab[offset[c]! + d - start] = Number.NaN;
        }
    }
  const filled = new Uint8Array(total);
  for (let row = 0; row < rowCount; row++) {
    const c = channel[row]!;
    const i = offset[c]! + rowDay[row]! - firstDay[c]!;
    // The adapter refuses duplicate (channel, day) rows with the file and row; this guards the contract.
    if (filled[i] === 1)
      throw new RangeError(`duplicate row for channel ${channelIds[c]} on ${isoDay(rowDay[row]!)}`);
    filled[i] = 1;
    sendsSlab[i] = sends[row]!;
    clicksSlab[i] = clicks[row]!;
  }

  const channels: ChannelSeries[] = [];
  for (let c = 0; c < channelCount; c++) {
    if (offset[c + 1] === offset[c]) continue;
    channels.push({
      channelId: channelIds[c]!,
      channelType: channelTypes[c]!,
      firstDay: firstDay[c]!,
      sends: sendsSlab.subarray(offset[c], offset[c + 1]),
      clicks: clicksSlab.subarray(offset[c], offset[c + 1]),
    });
  }
  const missingDays = missing.map((d) => isoDay(fromDay + d));
  return { fromDay, toDay, channels, missingDays };
}
