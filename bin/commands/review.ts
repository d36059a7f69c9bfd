import { validateReviewInput } from '#shared/config/registry-input.ts';
import { UsageError } from '#shared/errors.ts';
import { addDays, type IsoDay, seoulTimestamp } from '#shared/time/seoul.ts';
import { openStores } from '../local-wiring.ts';
import { actor } from './channels.ts';
import type { Command } from './command.ts';
import { dayFlag, FLAG_DEFAULTS, validatedFromFlags } from './options.ts';

/** The flag (or argument) behind each field of a review. */
const REVIEW_FLAGS: Record<string, string> = {
  channelId: 'the channel id',
  decision: '--decision',
  note: '--note',
  by: '--by',
  changeDay: '--change',
};

const USAGE =
  'crm-guard review CHANNEL --decision keep|redesign|retire --note TEXT [--change YYYY-MM-DD] [--by NAME] [--data DIR]';

const command: Command = {
  name: 'review',
  positionals: 1,
  example: "crm-guard review push_0002 --decision redesign --note 'new copy' --change 2026-12-01 --by lee",
  summary: "Record the owners' keep / redesign / retire decision on a channel, with a note.",
  usage: USAGE,
  defaults: {
    '--change': 'none (no day recorded for a redesign going live)',
    '--by': FLAG_DEFAULTS.by,
    '--data': FLAG_DEFAULTS.data,
  },
  options: {
    decision: { type: 'string' },
    note: { type: 'string' },
    change: { type: 'string' },
    by: { type: 'string' },
    data: { type: 'string' },
  },
  async run(values, positionals) {
    // More than one is refused by the dispatcher (`positionals: 1`).
    if (positionals.length === 0) throw new UsageError(`review needs a channel id; usage: ${USAGE}`);
    // The flags by their names: the record's field names mean nothing on a command line.
    const changeDay = dayFlag(values, 'change');
    if (changeDay && values.decision !== 'redesign')
      throw new UsageError('--change goes with --decision redesign (the day the new design went live)');
    const review = validatedFromFlags(
      () =>
        validateReviewInput(
          {
            channelId: positionals[0],
            decision: values.decision,
            note: values.note,
            by: actor(values),
            changeDay,
          },
          'review',
        ),
      REVIEW_FLAGS,
    );
    const { registry, close } = await openStores(values.data as string | undefined);
    try {
      const recorded = await registry.recordReview(review, new Date());
      console.log(
        `${recorded.channelId}: ${recorded.decision} by ${recorded.by} at ${seoulTimestamp(recorded.at)}` +
          (recorded.changeDay ? `, change live from ${recorded.changeDay}` : '') +
          (recorded.decision === 'retire'
            ? retiredNote(recorded.retiredSince, !recorded.alreadyRetired)
            : ''),
      );
      return 0;
    } finally {
      await close();
    }
  },
};

/** What a retire means for the digest, from the day the channel was retired (today, or before). */
function retiredNote(since: IsoDay | undefined, newly: boolean): string {
  if (since === undefined) return ' (retired already: its silence does not page, and a send does)';
  const from = addDays(since, 1);
  return !newly
    ? ` (retired already, since ${since}: its silence does not page from ${from}, and a send does)`
    : ` (retired: from ${from} its silence no longer pages, and a send does)`;
}

export default command;
