import { basename } from 'node:path';
import { readUtf8File } from '#shared/adapters/local/text-file.ts';
import { parseRegistryCsvFile, validateChannelInput } from '#shared/config/registry-input.ts';
import { CHANNEL_STATUSES } from '#shared/domain/channel-facts.ts';
import {
  type ChannelEntry,
  type ChannelInput,
  type ChannelMute,
  type FieldChange,
  type HistoryEntry,
  latestReviews,
  type ReviewDecision,
  withStatusSince,
} from '#shared/domain/registry.ts';
import { SCHEDULE_SYNTAX } from '#shared/domain/schedule.ts';
import { InputError, UsageError } from '#shared/errors.ts';
import type { ChannelRegistry } from '#shared/ports/channel-registry.ts';
import { type IsoDay, seoulDay, seoulIsoTimestamp, seoulTimestamp } from '#shared/time/seoul.ts';
import { openStores } from '../local-wiring.ts';
import { formatTable } from './alert-table.ts';
import type { Command, CommandValues, Subcommand } from './command.ts';
import { dayFlag, FLAG_DEFAULTS, stringFlag, validatedFromFlags } from './options.ts';

/** Who is making the change: `--by`, else the login name. */
export function actor(values: CommandValues): string {
  return (values.by as string | undefined) ?? process.env.USER ?? process.env.USERNAME ?? 'cli';
}

/** Each subcommand's usage line, as help prints them and a usage error quotes one. */
const SUBCOMMANDS = {
  list: {
    usage: 'crm-guard channels list [--status active|paused|retired] [--owner NAME] [--json]',
    flags: ['status', 'owner', 'json', 'data'],
  },
  show: {
    usage: 'crm-guard channels show CHANNEL [--json]',
    argument: 'a channel id',
    flags: ['json', 'data'],
  },
  history: {
    usage: 'crm-guard channels history CHANNEL [--json]',
    argument: 'a channel id',
    flags: ['json', 'data'],
  },
  import: { usage: 'crm-guard channels import FILE.csv', argument: 'a CSV file', flags: ['by', 'data'] },
  set: {
    usage:
      'crm-guard channels set CHANNEL [--name N] [--category C] [--owner O] [--status S] [--schedule S|none]',
    argument: 'a channel id',
    flags: ['name', 'category', 'owner', 'status', 'schedule', 'by', 'data'],
  },
  mute: {
    usage: 'crm-guard channels mute CHANNEL [--until YYYY-MM-DD] --reason TEXT',
    argument: 'a channel id',
    flags: ['until', 'reason', 'by', 'data'],
  },
  unmute: { usage: 'crm-guard channels unmute CHANNEL', argument: 'a channel id', flags: ['by', 'data'] },
} as const satisfies Record<string, Subcommand>;

/** What help adds after a usage line. */
const NOTES: Partial<Record<keyof typeof SUBCOMMANDS, string>> = {
  history: '    (its reviews and registry edits, oldest first)',
  import:
    '        (columns channel_id,name,category,owner[,status][,status_since][,schedule][,changes])\n' +
    '         (changes: the days the owners changed a channel, YYYY-MM-DD, split by ;)',
  set: `\n         (schedule: ${SCHEDULE_SYNTAX})`,
  mute: '    (a snooze ends by itself)',
};

const USAGE = [
  ...Object.entries(SUBCOMMANDS).map(
    ([name, { usage }], i) =>
      `${i === 0 ? '' : '       '}${usage}${NOTES[name as keyof typeof SUBCOMMANDS] ?? ''}`,
  ),
  '       (all: [--by NAME] [--data DIR]; times in Asia/Seoul; --json: ISO timestamps with +09:00)',
].join('\n');

/** Stored timestamps (UTC ISO) as --json prints them: ISO with Seoul's offset. */
const entryJson = (entry: ChannelEntry) => ({ ...entry, updatedAt: seoulIsoTimestamp(entry.updatedAt) });
const muteJson = (mute: ChannelMute) => ({ ...mute, at: seoulIsoTimestamp(mute.at) });
const reviewJson = (review: ReviewDecision) => ({ ...review, at: seoulIsoTimestamp(review.at) });

const statusText = (entry: ChannelEntry) =>
  entry.statusSince ? `${entry.status} since ${entry.statusSince}` : entry.status;

/** A mute as the list and show print it: `-` when none covers today or later. */
function muteText(mute: ChannelMute | undefined, today: string): string {
  if (!mute || (mute.until !== undefined && mute.until < today)) return '-';
  return `${mute.until ? `until ${mute.until}` : 'until unmuted'} (${mute.by})`;
}

async function requireChannel(registry: ChannelRegistry, channelId: string, action: string) {
  const entry = await registry.get(channelId);
  if (!entry)
    throw new InputError(
      `channels ${action}`,
      `no channel ${channelId} in the registry: see crm-guard channels list`,
    );
  return entry;
}

async function list(registry: ChannelRegistry, values: CommandValues): Promise<number> {
  const status = values.status as string | undefined;
  if (status && !(CHANNEL_STATUSES as readonly string[]).includes(status))
    throw new InputError('channels list', `must be one of ${CHANNEL_STATUSES.join(', ')}`, {
      field: 'status',
    });
  const { channels, reviews, mutes } = await registry.snapshot();
  const shown = channels.filter(
    (c) => (!status || c.status === status) && (!values.owner || c.owner === values.owner),
  );
  const muteOf = new Map(mutes.map((m) => [m.channelId, m]));
  if (values.json) {
    console.log(
      JSON.stringify(
        shown.map((c) => {
          const mute = muteOf.get(c.channelId);
          return { ...entryJson(c), ...(mute ? { mute: muteJson(mute) } : {}) };
        }),
        null,
        2,
      ),
    );
    return 0;
  }
  const lastDecision = new Map(
    [...latestReviews(reviews)].map(([id, r]) => [id, `${r.decision} ${seoulTimestamp(r.at)}`]),
  );
  const today = seoulDay(new Date());
  const filters = [status && `status ${status}`, values.owner && `owner ${values.owner}`].filter(Boolean);
  console.log(
    shown.length === 0
      ? channels.length === 0
        ? 'No channels registered: import some with `crm-guard channels import FILE.csv`.'
        : `No channel matches ${filters.join(' and ')} (${channels.length} registered).`
      : formatTable(
          ['channel', 'name', 'category', 'owner', 'status', 'schedule', 'muted', 'last decision'],
          shown.map((c) => [
            c.channelId,
            c.name,
            c.category,
            c.owner,
            statusText(c),
            c.schedule ?? '-',
            muteText(muteOf.get(c.channelId), today),
            lastDecision.get(c.channelId) ?? '-',
          ]),
        ),
  );
  return 0;
}

/** One channel: its entry, mute and latest decision. */
async function show(registry: ChannelRegistry, channelId: string, values: CommandValues): Promise<number> {
  await requireChannel(registry, channelId, 'show');
  // The snapshot has the mute and the decisions beside the entry (a few hundred channels: one read).
  const snapshot = await registry.snapshot();
  const entry = snapshot.channels.find((c) => c.channelId === channelId)!;
  const mute = snapshot.mutes.find((m) => m.channelId === channelId);
  const review = latestReviews(snapshot.reviews.filter((r) => r.channelId === channelId)).get(channelId);
  if (values.json) {
    console.log(
      JSON.stringify(
        {
          ...entryJson(entry),
          ...(mute ? { mute: muteJson(mute) } : {}),
          ...(review ? { lastReview: reviewJson(review) } : {}),
        },
        null,
        2,
      ),
    );
    return 0;
  }
  const muted = muteText(mute, seoulDay(new Date()));
  const rows: [string, string][] = [
    ['channel', channelId],
    ['name', entry.name],
    ['category', entry.category],
    ['owner', entry.owner],
    ['status', statusText(entry)],
    ['schedule', entry.schedule ?? '-'],
    ['muted', muted === '-' ? muted : `${muted}: ${mute!.reason}`],
    [
      'last decision',
      review
        ? `${review.decision} by ${review.by} at ${seoulTimestamp(review.at)}: ${review.note}${review.changeDay ? ` (change live from ${review.changeDay})` : ''}`
        : '-',
    ],
    ['updated', `${seoulTimestamp(entry.updatedAt)} by ${entry.updatedBy}`],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  console.log(rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join('\n'));
  return 0;
}

const changeText = ({ field, from, to }: FieldChange) =>
  from === undefined ? `${field} ${to}` : `${field} ${from} -> ${to ?? '(none)'}`;

const EDIT_WORD = {
  add: 'added',
  update: 'edited',
  mute: 'muted',
  unmute: 'unmuted',
  change: 'change recorded',
} as const;

/** A channel's reviews and registry edits, oldest first. */
async function history(registry: ChannelRegistry, channelId: string, values: CommandValues) {
  await requireChannel(registry, channelId, 'history');
  const entries: HistoryEntry[] = await registry.history(channelId);
  if (values.json) {
    console.log(
      JSON.stringify(
        entries.map((entry) => ({ ...entry, at: seoulIsoTimestamp(entry.at) })),
        null,
        2,
      ),
    );
    return 0;
  }
  console.log(
    entries.length === 0
      ? `No decisions or edits recorded for ${channelId}.`
      : formatTable(
          ['when', 'what', 'by', 'details'],
          entries.map((entry) =>
            entry.kind === 'review'
              ? [
                  seoulTimestamp(entry.at),
                  `review: ${entry.decision}`,
                  entry.by,
                  `${entry.note}${entry.changeDay ? ` (change live from ${entry.changeDay})` : ''}`,
                ]
              : [
                  seoulTimestamp(entry.at),
                  EDIT_WORD[entry.action],
                  entry.via ? `${entry.by} (${entry.via})` : entry.by,
                  entry.changes.map(changeText).join('; '),
                ],
          ),
        ),
  );
  return 0;
}

/** Mutes a channel until a day (a snooze) or until unmuted: none of its findings page meanwhile. */
async function mute(registry: ChannelRegistry, channelId: string, values: CommandValues): Promise<number> {
  await requireChannel(registry, channelId, 'mute');
  const reason = stringFlag(values, 'reason');
  if (!reason?.trim())
    throw new UsageError('channels mute: --reason is required (why nobody needs its pages)');
  const at = new Date();
  const from = seoulDay(at);
  const until = dayFlag(values, 'until');
  if (until !== undefined && until < from)
    throw new UsageError(`--until: ${until} is before today (${from}) in Asia/Seoul`);
  const by = actor(values);
  await registry.mute(
    { channelId, from, ...(until ? { until } : {}), reason: reason.trim(), by, at: at.toISOString() },
    'channels mute',
  );
  console.log(
    `${channelId}: muted from ${from} ${until ? `until ${until} (it ends by itself)` : 'until unmuted'}: ${reason.trim()} ` +
      `(by ${by} at ${seoulTimestamp(at)})`,
  );
  return 0;
}

async function unmute(registry: ChannelRegistry, channelId: string, values: CommandValues): Promise<number> {
  await requireChannel(registry, channelId, 'unmute');
  const at = new Date();
  const lifted = await registry.unmute(channelId, actor(values), at, 'channels unmute');
  console.log(
    lifted
      ? `${channelId}: unmuted at ${seoulTimestamp(at)}; its findings page again.`
      : `${channelId} was not muted.`,
  );
  return 0;
}

/** The flag (or argument) behind each field of a channel entry. */
const SET_FLAGS: Record<string, string> = {
  channelId: 'the channel id',
  name: '--name',
  category: '--category',
  owner: '--owner',
  status: '--status',
  schedule: '--schedule',
};

async function set(registry: ChannelRegistry, typed: string, values: CommandValues): Promise<number> {
  const channelId = typed.trim();
  // Without a field the command would record an edit that changed nothing.
  const fields = Object.keys(SET_FLAGS).filter((field) => field !== 'channelId');
  if (fields.every((field) => values[field] === undefined))
    throw new UsageError(
      `channels set ${channelId}: nothing to set: give one or more of ${fields.map((field) => SET_FLAGS[field]).join(', ')}`,
    );
  const found = await registry.get(channelId);
  // A new channel needs its name, category and owner; anything else is a typo in the id.
  if (!found && (values.name === undefined || values.category === undefined || values.owner === undefined))
    throw new UsageError(
      `no channel ${channelId} in the registry: add it with --name, --category and --owner, or check the id (crm-guard channels list)`,
    );
  const current: Partial<ChannelEntry> = found ?? {};
  const at = new Date();
  const entry = withStatusSince(
    validatedFromFlags(
      () =>
        validateChannelInput(
          {
            channelId,
            name: values.name ?? current.name,
            category: values.category ?? current.category,
            owner: values.owner ?? current.owner,
            status: values.status ?? current.status,
            schedule: values.schedule === 'none' ? undefined : (values.schedule ?? current.schedule),
          },
          `channels set ${channelId}`,
        ),
      SET_FLAGS,
    ),
    found,
    at,
  );
  await registry.upsert([entry], actor(values), at, 'channels set');
  const status = entry.statusSince ? `${entry.status} since ${entry.statusSince}` : entry.status;
  const schedule = entry.schedule ? ` · schedule ${entry.schedule}` : '';
  console.log(`${channelId}: ${entry.name} · ${entry.category} · ${entry.owner} · ${status}${schedule}`);
  return 0;
}

const command: Command = {
  name: 'channels',
  subcommands: SUBCOMMANDS,
  defaultSubcommand: 'list',
  example: 'crm-guard channels set alimtalk_0013 --status paused --by kim',
  summary:
    'List, show, import (CSV) and edit the channel registry (name, category, owner, status, schedule) and its history.',
  usage: USAGE,
  defaults: {
    subcommand: 'list',
    '--status, --owner': 'any (list shows every channel)',
    '--name ... --schedule':
      "the channel's current value (set; a new channel needs --name, --category and --owner, and is active)",
    '--until': 'none: muted until `crm-guard channels unmute`',
    '--by': FLAG_DEFAULTS.by,
    '--data': FLAG_DEFAULTS.data,
  },
  options: {
    status: { type: 'string' },
    owner: { type: 'string' },
    name: { type: 'string' },
    category: { type: 'string' },
    schedule: { type: 'string' },
    json: { type: 'boolean' },
    by: { type: 'string' },
    data: { type: 'string' },
    until: { type: 'string' },
    reason: { type: 'string' },
  },
  async run(values, positionals) {
    // The dispatcher has checked the subcommand and its one argument (a channel id or a file).
    const [action = 'list', target] = positionals;
    // Parse the file before starting the store: a bad file fails fast, naming row and field.
    let imported: ReturnType<typeof parseRegistryCsvFile> | undefined;
    let importedChanges: { channelId: string; day: IsoDay }[] = [];
    if (action === 'import') {
      imported = parseRegistryCsvFile(readUtf8File(target!), target!);
      // The optional `changes` column (as sample-data writes it): days the owners recorded a change.
      importedChanges = [...imported.changes].flatMap(([channelId, days]) =>
        days.map((day) => ({ channelId, day })),
      );
      if (imported.entries.length === 0)
        throw new InputError(
          target!,
          'the file holds no channel rows, only a header (expected a row per channel: channel_id,name,category,owner[,status][,status_since][,schedule][,changes])',
        );
    }
    const { registry, close } = await openStores(values.data as string | undefined);
    try {
      if (action === 'list') return await list(registry, values);
      if (action === 'show') return await show(registry, target!, values);
      if (action === 'history') return await history(registry, target!, values);
      if (action === 'set') return await set(registry, target!, values);
      if (action === 'mute') return await mute(registry, target!, values);
      if (action === 'unmute') return await unmute(registry, target!, values);
      if (action !== 'import' || !imported) throw new Error(`channels: no handler for "${action}"`);
      const at = new Date();
      const snapshot = await registry.snapshot();
      const current = new Map(snapshot.channels.map((c) => [c.channelId, c]));
      const entries = imported.entries.map((entry) => {
        const registered = current.get(entry.channelId);
        const given = imported!.given.get(entry.channelId) ?? new Set();
        return withStatusSince(keepUnlisted(entry, given, registered), registered, at);
      });
      const via = `channels import ${basename(target!)}`;
      await registry.upsert(entries, actor(values), at, via);
      // A change already recorded (by a review or an earlier import) is not recorded twice.
      const known = new Set([
        ...snapshot.changes.map((change) => `${change.channelId} ${change.day}`),
        ...snapshot.reviews.flatMap((review) =>
          review.changeDay ? [`${review.channelId} ${review.changeDay}`] : [],
        ),
      ]);
      // Each once: known already, or listed twice in the file.
      const fresh = importedChanges.filter((change) => {
        const key = `${change.channelId} ${change.day}`;
        if (known.has(key)) return false;
        known.add(key);
        return true;
      });
      for (const change of fresh)
        await registry.recordChange(
          { ...change, what: 'recorded change', at: at.toISOString(), by: actor(values) },
          via,
        );
      console.log(
        `Imported ${entries.length} channel${entries.length === 1 ? '' : 's'} from ${target}${fresh.length ? `, and ${fresh.length} recorded change${fresh.length === 1 ? '' : 's'}` : ''}.`,
      );
      // A file exported before a review can undo its retirement: each status the file moved is named.
      const moved = entries.flatMap((entry) => {
        const before = current.get(entry.channelId)?.status;
        return before && before !== entry.status ? [`${entry.channelId} (${before} -> ${entry.status})`] : [];
      });
      if (moved.length)
        console.log(
          `Status set by the file for ${moved.length} channel${moved.length === 1 ? '' : 's'}: ${moved.join(', ')}.`,
        );
      return 0;
    } finally {
      await close();
    }
  },
};

/**
 * An imported entry with what its row does not give (no column, or an empty cell) taken from the
 * registered channel: a file without a status revives no retired channel, one without a schedule
 * clears none.
 */
function keepUnlisted(
  entry: ChannelInput,
  columns: ReadonlySet<keyof ChannelInput>,
  registered: ChannelEntry | undefined,
): ChannelInput {
  if (!registered) return entry;
  const { statusSince: _since, schedule: _schedule, ...kept } = entry;
  const status = columns.has('status')
    ? { status: entry.status, ...(entry.statusSince ? { statusSince: entry.statusSince } : {}) }
    : {
        status: registered.status,
        ...(registered.statusSince ? { statusSince: registered.statusSince } : {}),
      };
  const schedule = columns.has('schedule') ? entry.schedule : registered.schedule;
  return { ...kept, ...status, ...(schedule ? { schedule } : {}) };
}

export default command;
