import { type ChannelDirectory, directedChange, rankAlerts, stillOpen } from '#shared/domain/digest.ts';
import type { JudgedFinding } from '#shared/domain/finding.ts';

/** Pads columns to their widest cell; East Asian characters count double so Korean names align. */
function width(text: string): number {
  let cells = 0;
  for (const char of text)
    cells += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60]/.test(char)
      ? 2
      : 1;
  return cells;
}

export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) =>
    Math.max(width(title), ...rows.map((row) => width(row[column] ?? ''))),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => cell + ' '.repeat(widths[column]! - width(cell)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** The day's paging alerts as a table a person can scan: worst first. */
export function alertTable(findings: JudgedFinding[], channels: ChannelDirectory = new Map()): string {
  const alerts = rankAlerts(findings);
  if (alerts.length === 0)
    // "Nothing needs attention" would be false while an incident paged earlier is still going on.
    return stillOpen(findings).length
      ? 'No new alerts: nothing paged today; incidents paged earlier are still open.'
      : 'No alerts: no channel needs attention.';
  return formatTable(
    ['severity', 'channel', 'name / owner', 'type', 'what moved', 'raised by', 'why it pages'],
    alerts.map((alert) => [
      alert.severity,
      alert.channelId,
      channels.has(alert.channelId)
        ? `${channels.get(alert.channelId)!.name} / ${channels.get(alert.channelId)!.owner}`
        : '',
      alert.channelType,
      directedChange(alert),
      alert.rule,
      alert.reason ?? '',
    ]),
  );
}
