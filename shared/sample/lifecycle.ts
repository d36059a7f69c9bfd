/**
 * What happens to a channel in the registry over the sample (realistic model), and the registry's view
 * of it (`ChannelFacts`):
 * - a stop the registry never heard of: an incident (a lasting `level_drop`, note `stopped`);
 * - a pause or retirement recorded on day P: silence from P on is expected; a send after P is an
 *   incident (`inactive_send`: something is sending that should not);
 * - a change the owners recorded on day D that moves the level or the CTR for good: not an incident.
 */
import type { ChannelFacts } from '#shared/domain/channel-facts.ts';
import { isoDay } from '#shared/time/seoul.ts';
import type { CalendarDay } from './calendar-days.ts';
import type { Shape } from './families.ts';
import { labeler } from './labels.ts';
import { type DayPlan, typicalSends } from './plan.ts';
import type { Random } from './random.ts';
import type { PlannedChange, SampleIncident } from './types.ts';

/** Share of channels the owners pause or retire during the sample. */
const STATUS_SHARE = 0.03;
/** Share of those that send again afterwards. */
const INACTIVE_SEND_SHARE = 1 / 3;
/** Share of channels with a recorded change. */
const CHANGE_SHARE = 0.08;
/** Days of sending before a pause or a change can happen (the baseline must know the channel first). */
const HISTORY_BEFORE_EVENT = { status: 70, change: 56 };
/** Days a change keeps incidents away after it: its first week and the four weeks its baseline settles. */
const CHANGE_SETTLING_DAYS = 35;
/** Days before a pause or a change that incidents keep clear of. */
const GUARD_BEFORE = 14;

export interface Lifecycle {
  /** Incidents of the lifecycle: an unregistered stop, sends while paused or retired. */
  labels: SampleIncident[];
  changes: PlannedChange[];
  facts: ChannelFacts;
  /** Day-index windows injected incidents keep out of. */
  taken: [number, number][];
}

/** Applies the channel's registry events to its plan (mutating plan and shape) and returns them. */
export function applyLifecycle(
  shape: Shape,
  plan: DayPlan,
  calendar: CalendarDay[],
  first: number,
  random: Random,
): Lifecycle {
  const { channel } = shape;
  const label = labeler(shape, calendar, first);
  const facts: ChannelFacts = { category: channel.category, status: 'active' };
  if (shape.schedule && shape.scheduleDeclared) facts.schedule = shape.schedule;
  const lifecycle: Lifecycle = { labels: [], changes: [], facts, taken: [] };
  const lastIndex = plan.mean.length - 1;
  const statusDrawn = random.chance(STATUS_SHARE);
  const changeDrawn = random.chance(CHANGE_SHARE);

  if (plan.endIndex < lastIndex) {
    // The owners never recorded it: the channel just went silent.
    lifecycle.labels.push(
      label({ type: 'level_drop', from: plan.endIndex + 1, factor: 0, lasting: true, note: 'stopped' }),
    );
    return lifecycle;
  }

  if (statusDrawn) {
    const earliest = plan.startIndex + HISTORY_BEFORE_EVENT.status;
    const latest = lastIndex - 14;
    if (latest <= earliest) return lifecycle;
    const since = random.int(earliest, latest);
    const status = random.chance(0.6) ? 'paused' : 'retired';
    const typical = typicalSends(plan);
    for (let i = since; i <= lastIndex; i++) {
      plan.mean[i] = 0;
      plan.sending[i] = false;
    }
    plan.endIndex = since - 1;
    channel.endDay = isoDay(first + since - 1);
    facts.status = status;
    facts.statusSince = isoDay(first + since);
    lifecycle.taken.push([since - GUARD_BEFORE, lastIndex]);
    if (random.chance(INACTIVE_SEND_SHARE) && lastIndex - 3 > since + 7) {
      const from = random.int(since + 7, lastIndex - 3);
      const to = from + random.int(0, 1);
      const share = random.uniform(0.3, 1);
      for (let i = from; i <= to; i++) {
        plan.mean[i] = typical * share;
        plan.sending[i] = true;
      }
      lifecycle.labels.push(
        label({ type: 'inactive_send', from, to, factor: share, lasting: false, note: status }),
      );
    }
    return lifecycle;
  }

  if (changeDrawn) {
    const earliest = plan.startIndex + HISTORY_BEFORE_EVENT.change;
    const latest = plan.endIndex - CHANGE_SETTLING_DAYS;
    if (latest <= earliest) return lifecycle;
    const day = random.int(earliest, latest);
    const metric = random.chance(0.6) ? 'sends' : 'ctr';
    const factor = random.chance(0.5)
      ? random.uniform(0.5, 0.7)
      : metric === 'sends'
        ? random.uniform(1.4, 2)
        : random.uniform(1.3, 1.8);
    for (let i = day; i <= lastIndex; i++) {
      if (metric === 'sends') plan.mean[i]! *= factor;
      else plan.ctr[i]! *= factor;
    }
    lifecycle.taken.push([day - GUARD_BEFORE, day + CHANGE_SETTLING_DAYS]);
    lifecycle.changes.push({
      channelId: channel.channelId,
      day: isoDay(first + day),
      metric,
      factor: Math.round(factor * 1000) / 1000,
    });
    facts.changes = [isoDay(first + day)];
  }
  return lifecycle;
}
