import { type ChannelMute, UNASSIGNED } from '#shared/domain/registry.ts';
import type { MutedRow } from '../model.ts';
import type { ReportContext } from './context.ts';

/** The mutes that covered any day of the week, newest first: who muted which channel, why, until when. */
export function mutedSection(ctx: ReportContext, mutes: readonly ChannelMute[]): MutedRow[] {
  const weekFrom = ctx.weekDays[0]!;
  return mutes
    .filter((mute) => mute.from <= ctx.day && (mute.until === undefined || mute.until >= weekFrom))
    .sort((a, b) => (a.from < b.from ? 1 : a.from > b.from ? -1 : 0))
    .map((mute) => ({
      channelId: mute.channelId,
      name: ctx.entries.get(mute.channelId)?.name ?? mute.channelId,
      owner: ctx.entries.get(mute.channelId)?.owner ?? UNASSIGNED,
      from: mute.from,
      until: mute.until ?? null,
      reason: mute.reason,
      by: mute.by,
    }));
}
