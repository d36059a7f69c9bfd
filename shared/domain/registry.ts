import { parseSchedule } from '#shared/domain/schedule.ts';
import { type IsoDay, seoulDay } from '#shared/time/seoul.ts';
import type { ChannelCategory, ChannelFacts, ChannelStatus } from './channel-facts.ts';

/**
 * The channel registry and the owners' review loop, as plain data: who owns a channel, what it is
 * for, and every keep / redesign / retire decision with who made it, when and why.
 */

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

/**
 * A channel muted by its owners: none of its findings page from `from` to `until` (both Seoul days,
 * included; no `until`: until unmuted). A snooze is a mute with an end: it ends by itself.
 */
export interface ChannelMute {
  channelId: string;
  from: IsoDay;
  until?: IsoDay;
  reason: string;
  by: string;
  /** ISO timestamp it was set. */
  at: string;
}

/** What a registry edit did to a channel (`change`: a change recorded without a review decision). */
export type RegistryEditAction = 'add' | 'update' | 'mute' | 'unmute' | 'change';

/** One field an edit changed: its value before and after (absent: it had none, or has none now). */
export interface FieldChange {
  field: string;
  from?: string;
  to?: string;
}

/**
 * One edit of the registry (`channels set`, `channels import`, `mute`, `unmute`; a status change is an
 * edit of `status`): who, when, and each field from what to what. Kept like the reviews: never overwritten.
 */
export interface RegistryEdit {
  channelId: string;
  /** ISO timestamp of the edit. */
  at: string;
  by: string;
  action: RegistryEditAction;
  changes: FieldChange[];
  /** The command it came from, when told (`channels import channels.csv`, `feedback`). */
  via?: string;
}

/** A channel's history: its reviews and the registry's edits of it, in time order. */
export type HistoryEntry = ({ kind: 'review' } & ReviewDecision) | ({ kind: 'edit' } & RegistryEdit);

/** The fields of an entry an edit compares, in the order it lists them. */
const EDITED_FIELDS = ['name', 'category', 'owner', 'status', 'statusSince', 'schedule'] as const;

/** What changed from `before` (none: the channel is new) to `after`, field by field; empty when nothing did. */
export function entryChanges(
  before: Partial<ChannelInput> | undefined,
  after: Partial<ChannelInput>,
): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const field of EDITED_FIELDS) {
    const from = before?.[field];
    const to = after[field];
    if (from === to) continue;
    changes.push({ field, ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) });
  }
  return changes;
}

/** A mute in a few words, as an edit records it: `2026-11-30..2026-12-06: sender migration`. */
export function describeMute(mute: Pick<ChannelMute, 'from' | 'until' | 'reason'>): string {
  return `${mute.from}..${mute.until ?? 'unmuted'}: ${mute.reason}`;
}

export interface RegistrySnapshot {
  channels: ChannelEntry[];
  reviews: ReviewDecision[];
  changes: ChannelChange[];
  /** Each channel's mute, if it has one (a snooze past its end covers no day; it stays until replaced). */
  mutes: ChannelMute[];
}

/** Whether a mute covers a day. */
export function mutedOn(mute: Pick<ChannelMute, 'from' | 'until'> | undefined, day: IsoDay): boolean {
  return mute !== undefined && day >= mute.from && (mute.until === undefined || day <= mute.until);
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

/**
 * What detection reads of the registry: category, status and since when, schedule, recorded changes.
 * With `asOf` (when a day's digest went out), only the mutes and changes recorded by then: a re-run of
 * that day pages what it paged, as the verdicts given later do not change it either.
 */
export function channelFacts(snapshot: RegistrySnapshot, asOf?: string): Map<string, ChannelFacts> {
  const known = (recordedAt: string) => asOf === undefined || Date.parse(recordedAt) <= Date.parse(asOf);
  const facts = new Map<string, ChannelFacts>();
  for (const entry of snapshot.channels)
    facts.set(entry.channelId, {
      category: entry.category,
      status: entry.status,
      ...(entry.statusSince ? { statusSince: entry.statusSince } : {}),
      ...(entry.schedule ? { schedule: parseSchedule(entry.schedule) } : {}),
    });
  for (const mute of snapshot.mutes) {
    if (!known(mute.at)) continue;
    const channel = facts.get(mute.channelId) ?? {};
    channel.mute = { from: mute.from, ...(mute.until ? { until: mute.until } : {}) };
    facts.set(mute.channelId, channel);
  }
  for (const change of snapshot.changes) {
    if (!known(change.at)) continue;
    const channel = facts.get(change.channelId) ?? {};
    channel.changes = [...(channel.changes ?? []), change.day];
    facts.set(change.channelId, channel);
  }
  return facts;
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
