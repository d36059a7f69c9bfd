import { z } from 'zod';
import {
  CHANNEL_CATEGORIES,
  CHANNEL_STATUSES,
  type ChannelCategory,
  type ChannelFacts,
  type ChannelStatus,
} from '#shared/domain/channel-facts.ts';
import { parseSchedule, SCHEDULE_SYNTAX, ScheduleSyntaxError } from '#shared/domain/schedule.ts';
import { InputError } from '#shared/errors.ts';
import { type IsoDay, isIsoDay, seoulDay } from '#shared/time/seoul.ts';

/**
 * The channel registry and the owners' review loop, as plain data: who owns a channel, what it is
 * for, and every keep / redesign / retire decision with who made it, when and why.
 */

export { CHANNEL_CATEGORIES, CHANNEL_STATUSES, type ChannelCategory, type ChannelStatus };
export const REVIEW_DECISIONS = ['keep', 'redesign', 'retire'] as const;

export type ReviewDecisionName = (typeof REVIEW_DECISIONS)[number];

/** Owner shown for a channel with no registry entry. */
export const UNASSIGNED = 'unassigned';

export interface ChannelEntry {
  channelId: string;
  name: string;
  category: ChannelCategory;
  owner: string;
  status: ChannelStatus;
  /** The Seoul day the status was last changed: before it the channel counts as active. */
  statusSince?: IsoDay;
  /** The campaign schedule the owner declared (`mon,thu`, `monthly:1,15`, `every:14:2026-01-05:3`). */
  schedule?: string;
  updatedAt: string;
  updatedBy: string;
}

/** What a person supplies for a channel (the registry stamps `updatedAt` / `updatedBy`). */
export type ChannelInput = Omit<ChannelEntry, 'updatedAt' | 'updatedBy'>;

export interface ReviewDecision {
  channelId: string;
  /** ISO timestamp of the decision. */
  at: string;
  decision: ReviewDecisionName;
  note: string;
  by: string;
  /** For a redesign: the Seoul day the change went live (feeds the change-impact section). */
  changeDay?: IsoDay;
}

/** A recorded change to a channel (copy, timing, target), measured before/after in the report. */
export interface ChannelChange {
  channelId: string;
  day: IsoDay;
  what: string;
  at: string;
  by: string;
}

export interface RegistrySnapshot {
  channels: ChannelEntry[];
  reviews: ReviewDecision[];
  changes: ChannelChange[];
}

const text = (max: number) =>
  z
    .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be text') })
    .trim()
    .min(1, 'must not be empty')
    .max(max, `at most ${max} characters`);
const isoDay = z.string().trim().refine(isIsoDay, 'must be a calendar day YYYY-MM-DD');

const channelInputSchema = z.object({
  channelId: text(200).regex(/^[^#\s]+$/, 'must have no spaces or #'),
  name: text(200),
  category: z.enum(CHANNEL_CATEGORIES, { error: `must be one of ${CHANNEL_CATEGORIES.join(', ')}` }),
  owner: text(100),
  status: z
    .enum(CHANNEL_STATUSES, { error: `must be one of ${CHANNEL_STATUSES.join(', ')}` })
    .default('active'),
  statusSince: z.string().trim().refine(isIsoDay, 'must be a calendar day YYYY-MM-DD').optional(),
  schedule: z
    .string()
    .trim()
    .superRefine((text, context) => {
      try {
        parseSchedule(text);
      } catch (error) {
        if (!(error instanceof ScheduleSyntaxError)) throw error;
        context.addIssue({ code: 'custom', message: `${error.message}: write ${SCHEDULE_SYNTAX}` });
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

function firstIssue(error: z.ZodError, source: string, row?: number): InputError {
  const issue = error.issues[0]!;
  const field = issue.path.map(String).join('.') || undefined;
  return new InputError(source, issue.message, { row, field });
}

/** Validates one channel entry; throws `InputError` naming the field (and row, for files). */
export function validateChannelInput(input: unknown, source: string, row?: number): ChannelInput {
  const result = channelInputSchema.safeParse(input);
  if (!result.success) throw firstIssue(result.error, source, row);
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

/** The registry port: the `channels` DynamoDB table in AWS and, on one machine, the same table in dynalite. */
export interface ChannelRegistry {
  /** Registry, every review and every change, in one read (a few hundred channels). */
  snapshot(): Promise<RegistrySnapshot>;
  get(channelId: string): Promise<ChannelEntry | undefined>;
  /** Creates or replaces channel entries, stamped with who and when. */
  upsert(entries: ChannelInput[], by: string, at: Date): Promise<void>;
  /** Records a decision; a retire also retires the channel, a redesign with a day records the change. */
  recordReview(review: ReviewInput, at: Date): Promise<ReviewDecision>;
  /** A channel's decisions, oldest first. */
  history(channelId: string): Promise<ReviewDecision[]>;
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

/**
 * Parses a registry CSV (`channel_id,name,category,owner[,status]`, a header row first, RFC 4180
 * quoting) into validated entries; the first bad cell throws naming the row (1 = header) and field.
 */
export function parseRegistryCsv(csv: string, source: string): ChannelInput[] {
  const rows = parseCsv(csv.replace(/^\uFEFF/, ''), source);
  if (rows.length === 0) throw new InputError(source, 'the file is empty (expected a header row)');
  const header = rows[0]!.map((cell) => cell.trim().toLowerCase());
  const fields = header.map((cell) => CSV_COLUMNS[cell]);
  for (const required of ['channel_id', 'name', 'category', 'owner']) {
    if (!header.includes(required) && !(required === 'channel_id' && header.includes('channelid')))
      throw new InputError(source, `missing column ${required}`, { row: 1 });
  }
  const entries: ChannelInput[] = [];
  const seen = new Set<string>();
  for (let i = 1; i < rows.length; i++) {
    const cells = rows[i]!;
    if (cells.length === 1 && cells[0]!.trim() === '') continue;
    const record: Record<string, string | undefined> = {};
    fields.forEach((field, column) => {
      if (field) record[field] = cells[column]?.trim() || undefined;
    });
    const entry = validateChannelInput(record, source, i + 1);
    if (seen.has(entry.channelId))
      throw new InputError(source, `channel ${entry.channelId} appears twice`, {
        row: i + 1,
        field: 'channel_id',
      });
    seen.add(entry.channelId);
    entries.push(entry);
  }
  return entries;
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
 * A channel's status with the day it took effect: a status that changes today counts from today,
 * one that stays keeps its day (an entry from before days were kept has none: in effect since ever).
 */
export function withStatusSince(
  entry: ChannelInput,
  current: Pick<ChannelEntry, 'status' | 'statusSince'> | undefined,
  at: Date,
): ChannelInput {
  const since =
    entry.statusSince ?? (current && current.status === entry.status ? current.statusSince : seoulDay(at));
  const { statusSince: _given, ...rest } = entry;
  return since === undefined || entry.status === 'active' ? rest : { ...rest, statusSince: since };
}

/** What detection reads of the registry: category, status and since when, schedule, recorded changes. */
export function channelFacts(snapshot: RegistrySnapshot): Map<string, ChannelFacts> {
  const facts = new Map<string, ChannelFacts>();
  for (const entry of snapshot.channels)
    facts.set(entry.channelId, {
      category: entry.category,
      status: entry.status,
      ...(entry.statusSince ? { statusSince: entry.statusSince } : {}),
      ...(entry.schedule ? { schedule: parseSchedule(entry.schedule) } : {}),
    });
  for (const change of snapshot.changes) {
    const channel = facts.get(change.channelId) ?? {};
    channel.changes = [...(channel.changes ?? []), change.day];
    facts.set(change.channelId, channel);
  }
  return facts;
}

/**
 * Channel facts from a registry CSV (as `channels import` reads it) for a run that has no registry of
 * its own (`backfill --channels FILE.csv`); an optional `changes` column lists the days owners recorded
 * a change, separated by `;`.
 */
export function parseChannelFactsCsv(csv: string, source: string): Map<string, ChannelFacts> {
  const entries = parseRegistryCsv(csv, source);
  const rows = parseCsv(csv.replace(/^\uFEFF/, ''), source);
  const header = rows[0]!.map((cell) => cell.trim().toLowerCase());
  const changesColumn = header.indexOf('changes');
  const idColumn = header.includes('channel_id') ? header.indexOf('channel_id') : header.indexOf('channelid');
  const changes = new Map<string, IsoDay[]>();
  if (changesColumn >= 0)
    rows.slice(1).forEach((cells, i) => {
      const days = (cells[changesColumn] ?? '')
        .split(';')
        .map((day) => day.trim())
        .filter(Boolean);
      for (const day of days)
        if (!isIsoDay(day))
          throw new InputError(source, `"${day}" is not a calendar day (YYYY-MM-DD)`, {
            row: i + 2,
            field: 'changes',
          });
      if (days.length) changes.set(cells[idColumn]!.trim(), days);
    });
  const at = new Date(0).toISOString();
  return channelFacts({
    channels: entries.map((entry) => ({ ...entry, updatedAt: at, updatedBy: source })),
    reviews: [],
    changes: [...changes].flatMap(([channelId, days]) =>
      days.map((day) => ({ channelId, day, what: 'recorded change', at, by: source })),
    ),
  });
}

/** The latest decision per channel. */
export function latestReviews(reviews: ReviewDecision[]): Map<string, ReviewDecision> {
  const latest = new Map<string, ReviewDecision>();
  for (const review of reviews) {
    const current = latest.get(review.channelId);
    if (!current || review.at > current.at) latest.set(review.channelId, review);
  }
  return latest;
}
