import { z } from 'zod';
import { CHANNEL_CATEGORIES, CHANNEL_STATUSES, type ChannelFacts } from '#shared/domain/channel-facts.ts';
import { CHANNEL_NAME_MAX, channelNameProblem } from '#shared/domain/channel-name.ts';
import { type ChannelInput, channelFacts, REVIEW_DECISIONS } from '#shared/domain/registry.ts';
import {
  parseSchedule,
  SCHEDULE_SYNTAX,
  ScheduleSyntaxError,
  scheduleText,
} from '#shared/domain/schedule.ts';
import { InputError } from '#shared/errors.ts';
import { type IsoDay, isIsoDay } from '#shared/time/seoul.ts';

/**
 * What people type into the registry (`channels set`, `channels import`, `review`, a registry CSV),
 * checked before anything is stored: the first bad cell or flag is named with its row and field.
 */

const text = (max: number) =>
  z
    .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be text') })
    .trim()
    .min(1, 'must not be empty')
    .max(max, `at most ${max} characters`);
const isoDay = z.string().trim().refine(isIsoDay, 'must be a calendar day YYYY-MM-DD');

const channelInputSchema = z.object({
  // The lake's rule for a channel id (after the trim): a registry entry names a channel of the lake.
  channelId: text(CHANNEL_NAME_MAX).superRefine((id, context) => {
    const problem = channelNameProblem(id, 'id');
    if (problem) context.addIssue({ code: 'custom', message: problem });
  }),
  name: text(200),
  category: z.enum(CHANNEL_CATEGORIES, { error: `must be one of ${CHANNEL_CATEGORIES.join(', ')}` }),
  owner: text(100),
  status: z
    .enum(CHANNEL_STATUSES, { error: `must be one of ${CHANNEL_STATUSES.join(', ')}` })
    .default('active'),
  statusSince: z.string().trim().refine(isIsoDay, 'must be a calendar day YYYY-MM-DD').optional(),
  // Kept in its one written form (`mon,mon, TUE` is `mon,tue`), so lists and diffs compare schedules.
  schedule: z
    .string()
    .trim()
    .transform((text, context) => {
      try {
        return scheduleText(parseSchedule(text));
      } catch (error) {
        if (!(error instanceof ScheduleSyntaxError)) throw error;
        context.addIssue({ code: 'custom', message: `${error.message}: write ${SCHEDULE_SYNTAX}` });
        return z.NEVER;
      }
    })
    .optional(),
});

const reviewInputSchema = z.object({
  channelId: channelInputSchema.shape.channelId,
  decision: z.enum(REVIEW_DECISIONS, { error: `must be one of ${REVIEW_DECISIONS.join(', ')}` }),
  note: text(2000),
  by: text(100),
  changeDay: isoDay.optional(),
});

export type ReviewInput = z.output<typeof reviewInputSchema>;

function firstIssue(
  error: z.ZodError,
  source: string,
  row?: number,
  named: (field: keyof ChannelInput) => string | undefined = () => undefined,
): InputError {
  const issue = error.issues[0]!;
  const field = issue.path.map(String).join('.') || undefined;
  return new InputError(source, issue.message, {
    row,
    field: field && (named(field as keyof ChannelInput) ?? field),
  });
}

/**
 * Validates one channel entry; throws `InputError` naming the field (and row, for files) as the
 * source calls it (`named`: a CSV's column, `status_since`), else by its field name.
 */
export function validateChannelInput(
  input: unknown,
  source: string,
  row?: number,
  named?: (field: keyof ChannelInput) => string | undefined,
): ChannelInput {
  const result = channelInputSchema.safeParse(input);
  if (!result.success) throw firstIssue(result.error, source, row, named);
  return result.data;
}

/** Validates one review decision; a change day is only meaningful for a redesign. */
export function validateReviewInput(input: unknown, source: string): ReviewInput {
  const result = reviewInputSchema.safeParse(input);
  if (!result.success) throw firstIssue(result.error, source);
  if (result.data.changeDay && result.data.decision !== 'redesign')
    throw new InputError(source, 'a change day goes with --decision redesign', { field: 'changeDay' });
  return result.data;
}

/** Column names accepted in a registry CSV (header row), mapped to fields. */
const CSV_COLUMNS: Record<string, keyof ChannelInput> = {
  channel_id: 'channelId',
  channelid: 'channelId',
  name: 'name',
  category: 'category',
  owner: 'owner',
  status: 'status',
  status_since: 'statusSince',
  schedule: 'schedule',
};

/** Columns a registry CSV may also carry: the lake's channel type (not kept) and recorded changes. */
const OTHER_CSV_COLUMNS = ['channel_type', 'changes'];

/**
 * Parses a registry CSV (`channel_id,name,category,owner[,status]`, a header row first, RFC 4180
 * quoting) into validated entries; the first bad cell throws naming the row (1 = header) and field.
 */
export function parseRegistryCsv(csv: string, source: string): ChannelInput[] {
  return parseRegistryCsvFile(csv, source).entries;
}

/**
 * As `parseRegistryCsv`, with the fields each row gives (a cell that is there and not empty): an
 * import leaves the others (status, schedule) as registered. A column it does not know, or a row with
 * more cells than the header (an unquoted comma), is refused naming it.
 */
export function parseRegistryCsvFile(
  csv: string,
  source: string,
): {
  entries: ChannelInput[];
  given: ReadonlyMap<string, ReadonlySet<keyof ChannelInput>>;
  /** The optional `changes` column: the days owners recorded a change, by channel (`;`-separated). */
  changes: ReadonlyMap<string, IsoDay[]>;
} {
  const rows = parseCsv(csv.replace(/^\uFEFF/, ''), source);
  if (rows.length === 0) throw new InputError(source, 'the file is empty (expected a header row)');
  const header = rows[0]!.map((cell) => cell.trim().toLowerCase());
  const fields = header.map((cell) => CSV_COLUMNS[cell]);
  header.forEach((cell, column) => {
    if (fields[column] === undefined && !OTHER_CSV_COLUMNS.includes(cell))
      throw new InputError(
        source,
        `unknown column (known: ${[...Object.keys(CSV_COLUMNS), ...OTHER_CSV_COLUMNS].join(', ')})`,
        { row: 1, field: cell || `column ${column + 1}` },
      );
  });
  for (const required of ['channel_id', 'name', 'category', 'owner']) {
    if (!header.includes(required) && !(required === 'channel_id' && header.includes('channelid')))
      throw new InputError(source, `missing column ${required}`, { row: 1 });
  }
  const changesColumn = header.indexOf('changes');
  const entries: ChannelInput[] = [];
  const given = new Map<string, Set<keyof ChannelInput>>();
  const changes = new Map<string, IsoDay[]>();
  const seen = new Set<string>();
  for (let i = 1; i < rows.length; i++) {
    const cells = rows[i]!;
    if (cells.length === 1 && cells[0]!.trim() === '') continue;
    if (cells.length > header.length)
      throw new InputError(
        source,
        `${cells.length} cells where the header names ${header.length}: quote a value that holds a comma ("mon,thu")`,
        { row: i + 1 },
      );
    const record: Record<string, string | undefined> = {};
    fields.forEach((field, column) => {
      if (field) record[field] = cells[column]?.trim() || undefined;
    });
    const entry = validateChannelInput(record, source, i + 1, (field) => header[fields.indexOf(field)]);
    // The day a status took effect says nothing without the status: dropping it would lose it unseen.
    if (record.statusSince !== undefined && record.status === undefined)
      throw new InputError(source, 'a day the status took effect, with no status: give paused or retired', {
        row: i + 1,
        field: 'status_since',
      });
    if (seen.has(entry.channelId))
      throw new InputError(source, `channel ${entry.channelId} appears twice`, {
        row: i + 1,
        field: 'channel_id',
      });
    seen.add(entry.channelId);
    entries.push(entry);
    given.set(
      entry.channelId,
      new Set(Object.keys(record).filter((field) => record[field] !== undefined) as (keyof ChannelInput)[]),
    );
    const days = (changesColumn >= 0 ? (cells[changesColumn] ?? '') : '')
      .split(';')
      .map((day) => day.trim())
      .filter(Boolean);
    for (const day of days)
      if (!isIsoDay(day))
        throw new InputError(source, `"${day}" is not a calendar day (YYYY-MM-DD)`, {
          row: i + 1,
          field: 'changes',
        });
    if (days.length) changes.set(entry.channelId, days);
  }
  return { entries, given, changes };
}

/** RFC 4180 CSV: quoted cells may hold commas, quotes ("") and line breaks. */
export function parseCsv(csv: string, source: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < csv.length; i++) {
    const char = csv[i]!;
    if (quoted) {
      if (char === '"' && csv[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"' && cell === '') quoted = true;
    else if (char === ',') {
      row.push(cell);
      cell = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && csv[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += char;
  }
  if (quoted) throw new InputError(source, 'a quoted cell is never closed', { row: rows.length + 1 });
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

/**
 * Channel facts from a registry CSV (as `channels import` reads it) for a run that has no registry of
 * its own (`backfill --channels FILE.csv`); an optional `changes` column lists the days owners recorded
 * a change, separated by `;`.
 */
export function parseChannelFactsCsv(csv: string, source: string): Map<string, ChannelFacts> {
  const { entries, changes } = parseRegistryCsvFile(csv, source);
  const at = new Date(0).toISOString();
  return channelFacts({
    channels: entries.map((entry) => ({ ...entry, updatedAt: at, updatedBy: source })),
    reviews: [],
    mutes: [],
    changes: [...changes].flatMap(([channelId, days]) =>
      days.map((day) => ({ channelId, day, what: 'recorded change', at, by: source })),
    ),
  });
}
