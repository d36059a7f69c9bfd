import { type Feedback, VERDICTS, type VerdictName } from '#shared/domain/feedback.ts';
import { UsageError } from '#shared/errors.ts';
import { seoulDay, seoulTimestamp } from '#shared/time/seoul.ts';
import { openStores } from '../local-wiring.ts';
import { actor } from './channels.ts';
import type { Command } from './command.ts';
import { dayFlag, FLAG_DEFAULTS, requiredDayFlag, stringFlag } from './options.ts';

const USAGE =
  'crm-guard feedback CHANNEL --date YYYY-MM-DD --verdict confirmed|false-alarm|expected [--note TEXT] [--change] [--snooze-until YYYY-MM-DD] [--by NAME] [--data DIR]';

const command: Command = {
  name: 'feedback',
  positionals: 1,
  example:
    "crm-guard incidents, then for a channel and day it lists: crm-guard feedback push_0377 --date 2026-12-01 --verdict expected --note 'new schedule' --change",
  summary:
    "Record the team's verdict on an alert: confirmed, false-alarm or expected (which closes the incident).",
  usage: USAGE,
  defaults: {
    '--note': 'none',
    '--change': 'off (no change recorded)',
    '--snooze-until': 'none (the channel is not muted)',
    '--by': FLAG_DEFAULTS.by,
    '--data': FLAG_DEFAULTS.data,
  },
  options: {
    date: { type: 'string' },
    verdict: { type: 'string' },
    note: { type: 'string' },
    change: { type: 'boolean' },
    'snooze-until': { type: 'string' },
    by: { type: 'string' },
    data: { type: 'string' },
  },
  async run(values, positionals) {
    const channelId = positionals[0];
    if (!channelId) throw new UsageError(`feedback needs a channel id; usage: ${USAGE}`);
    const day = requiredDayFlag(values, 'date');
    const verdict = stringFlag(values, 'verdict');
    if (!verdict || !(VERDICTS as readonly string[]).includes(verdict))
      throw new UsageError(
        verdict
          ? `--verdict: "${verdict}" is not a verdict; give one of ${VERDICTS.join(' | ')}`
          : `--verdict is required: one of ${VERDICTS.join(' | ')}`,
      );
    const snoozeUntil = dayFlag(values, 'snooze-until');
    if ((values.change || snoozeUntil) && verdict !== 'expected')
      throw new UsageError('--change and --snooze-until go with --verdict expected');
    const note = stringFlag(values, 'note')?.trim();
    const by = actor(values);
    const at = new Date();
    // As `channels mute --until`: a snooze that has already ended would mute nothing, and say it did.
    if (snoozeUntil !== undefined && snoozeUntil < seoulDay(at))
      throw new UsageError(`--snooze-until: ${snoozeUntil} is before today (${seoulDay(at)}) in Asia/Seoul`);
    const local = await openStores(stringFlag(values, 'data'));
    try {
      if (!(await local.registry.get(channelId)))
        throw new UsageError(`no channel ${channelId} in the registry: see crm-guard channels list`);
      const stored = (await local.findings.findings({ from: day, to: day })).filter(
        (finding) => finding.channelId === channelId && finding.alert,
      );
      if (stored.length === 0)
        throw new UsageError(
          `${channelId} did not page on ${day}: see crm-guard incidents --channel ${channelId}`,
        );
      const feedback: Feedback = {
        channelId,
        day,
        verdict: verdict as VerdictName,
        ...(note ? { note } : {}),
        by,
        at: at.toISOString(),
      };
      // The follow-ups first, the verdict last: a failure leaves no verdict without what it promised.
      // A change, not an owners' decision: the keep / redesign / retire review stays theirs to make.
      if (values.change)
        await local.registry.recordChange(
          { channelId, day, what: note ?? 'expected (from feedback)', at: at.toISOString(), by },
          'feedback --change',
        );
      if (snoozeUntil)
        await local.registry.mute(
          {
            channelId,
            from: seoulDay(at),
            until: snoozeUntil,
            reason: note ?? 'expected (from feedback)',
            by,
            at: at.toISOString(),
          },
          'feedback --snooze-until',
        );
      await local.feedback.record(feedback);
      const closes = verdict === 'confirmed' ? '' : ': the incident is closed, it is not paged again';
      const extra = [
        values.change ? `a change recorded on ${day}` : '',
        snoozeUntil ? `snoozed until ${snoozeUntil}` : '',
      ]
        .filter(Boolean)
        .join(', ');
      console.log(
        `${channelId} ${day}: ${verdict}${closes}${extra ? `; ${extra}` : ''} (by ${by} at ${seoulTimestamp(at)}).`,
      );
      return 0;
    } finally {
      await local.close();
    }
  },
};

export default command;
