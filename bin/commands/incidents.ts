import { loadCrmGuardConfig } from '#shared/config/crm-guard-config.ts';
import { formatFigure } from '#shared/domain/digest.ts';
import { incidentsOf } from '#shared/domain/incidents.ts';
import { UsageError } from '#shared/errors.ts';
import { addDays, seoulYesterday } from '#shared/time/seoul.ts';
import { openStores } from '../local-wiring.ts';
import { formatTable } from './alert-table.ts';
import type { Command } from './command.ts';
import { configFlag, dayFlag, FLAG_DEFAULTS, stringFlag } from './options.ts';

const command: Command = {
  name: 'incidents',
  example: 'crm-guard incidents --channel alimtalk_0013 --from 2026-10-01',
  summary:
    "Past incidents, each once: first and last day, peak, severity, pages sent and the team's verdict.",
  usage:
    'crm-guard incidents [--channel ID] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--json] [--config FILE] [--data DIR]',
  defaults: {
    '--channel': 'every channel',
    '--from': '29 days before --to (30 days in all)',
    '--to': FLAG_DEFAULTS.yesterday,
    '--config': FLAG_DEFAULTS.config,
    '--data': FLAG_DEFAULTS.data,
  },
  options: {
    channel: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    json: { type: 'boolean' },
    data: { type: 'string' },
    config: { type: 'string' },
  },
  async run(values) {
    const yesterday = seoulYesterday(new Date());
    const to = dayFlag(values, 'to') ?? yesterday;
    // A window ending in the future would start too late to hold the incidents of the days before it.
    if (to > yesterday)
      throw new UsageError(`--to ${to} is after yesterday (${yesterday}), the last day detection can judge`);
    const from = dayFlag(values, 'from') ?? addDays(to, -29);
    if (from > to) throw new UsageError(`--from ${from} is after --to ${to}`);
    const channel = stringFlag(values, 'channel');
    // An incident may pause as long as the policy groups it (`alertPolicy.incident.regroupDays`).
    const { regroupDays } = loadCrmGuardConfig(configFlag(values)).alertPolicy.incident;
    const { findings, feedback, registry, close } = await openStores(stringFlag(values, 'data'));
    try {
      const stored = await findings.findings({ from, to });
      // A mistyped id would read as a channel with no incidents.
      if (
        channel &&
        !stored.some((finding) => finding.channelId === channel) &&
        !(await registry.get(channel))
      )
        throw new UsageError(
          `--channel: no channel ${channel} in the registry or in the findings of ${from}..${to} (crm-guard channels list)`,
        );
      const incidents = incidentsOf(
        channel ? stored.filter((finding) => finding.channelId === channel) : stored,
        regroupDays,
        await feedback.verdicts({ from, to }),
      );
      if (values.json) {
        console.log(JSON.stringify(incidents, null, 2));
        return 0;
      }
      const scope = `${channel ? `${channel}, ` : ''}${from}..${to}`;
      if (incidents.length === 0) {
        console.log(`No incidents in ${scope} (days judged by \`crm-guard detect\` only).`);
        return 0;
      }
      console.log(
        `${incidents.length} incident${incidents.length === 1 ? '' : 's'} in ${scope}, newest first:`,
      );
      console.log(
        formatTable(
          ['channel', 'direction', 'first', 'last', 'days', 'peak', 'severity', 'pages', 'verdict'],
          incidents.map((incident) => [
            incident.channelId,
            incident.direction,
            incident.first,
            incident.last,
            String(incident.days),
            `${incident.peak.day} ${incident.peak.metric} ${formatFigure(incident.peak.metric, incident.peak.actual)} vs ${formatFigure(incident.peak.metric, incident.peak.expected)}`,
            incident.severity,
            String(incident.pages),
            incident.verdict ?? '-',
          ]),
        ),
      );
      return 0;
    } finally {
      await close();
    }
  },
};

export default command;
