/** Incident labels as the benchmark reads them: one place builds them, so every label carries the same fields. */
import { isoDay } from '#shared/time/seoul.ts';
import { type CalendarDay, isCalendarEffectDay } from './calendar-days.ts';
import { CAMPAIGN_FAMILIES, type Shape } from './families.ts';
import type { IncidentType, SampleIncident } from './types.ts';

export interface IncidentSpec {
  type: IncidentType;
  /** Day indexes into the sample; `to` defaults to `from`. */
  from: number;
  to?: number;
  factor: number;
  lasting: boolean;
  partial?: boolean;
  note?: string;
}

export type IncidentLabel = (spec: IncidentSpec) => SampleIncident;

/** Labels for one channel; `calendar[i]` is day index `i` of the sample. */
export function labeler(shape: Shape, calendar: CalendarDay[], first: number): IncidentLabel {
  const { channel } = shape;
  const burst = CAMPAIGN_FAMILIES.has(channel.family);
  return (spec) => {
    const to = spec.to ?? spec.from;
    const day = calendar[spec.from];
    return {
      channelId: channel.channelId,
      type: spec.type,
      from: isoDay(first + spec.from),
      to: isoDay(first + to),
      factor: Math.round(spec.factor * 1000) / 1000,
      lasting: spec.lasting,
      burst,
      ...(spec.note ? { note: spec.note } : {}),
      family: channel.family,
      ...(spec.partial !== undefined ? { partial: spec.partial } : {}),
      onCalendarDay: day !== undefined && isCalendarEffectDay(day),
    };
  };
}
