import type { IsoDay } from '#shared/time/seoul.ts';

/**
 * The team's word on an alert: it was a real incident (`confirmed`), nothing was wrong
 * (`false-alarm`), or it was known and meant (`expected`). Stored with who and when.
 */
export const VERDICTS = ['confirmed', 'false-alarm', 'expected'] as const;
export type VerdictName = (typeof VERDICTS)[number];

export interface Feedback {
  channelId: string;
  /** The day of the alert it judges. */
  day: IsoDay;
  verdict: VerdictName;
  note?: string;
  by: string;
  /** ISO timestamp it was given. */
  at: string;
}

/** A false alarm or an expected change closes its incident: it is not paged again while it lasts. */
export const closesIncident = (verdict: VerdictName): boolean => verdict !== 'confirmed';

/** The team's verdicts over alerts, counted: precision as the team judged it. */
export interface VerdictTally {
  confirmed: number;
  falseAlarm: number;
  expected: number;
  /** Confirmed over confirmed and false alarms (expected ones were real, and meant); null with none. */
  precision: number | null;
}

export interface TeamVerdicts {
  total: VerdictTally;
  /** By the rule whose finding carried the page that day. */
  byRule: (VerdictTally & { rule: string })[];
  byChannel: (VerdictTally & { channelId: string })[];
}

const emptyTally = (): VerdictTally => ({ confirmed: 0, falseAlarm: 0, expected: 0, precision: null });

function count(tally: VerdictTally, verdict: VerdictName): void {
  if (verdict === 'confirmed') tally.confirmed++;
  else if (verdict === 'false-alarm') tally.falseAlarm++;
  else tally.expected++;
  const judged = tally.confirmed + tally.falseAlarm;
  tally.precision = judged ? tally.confirmed / judged : null;
}

/**
 * The verdicts joined with the pages they judge: each verdict counts once, for its channel and for
 * the rule of that day's page (`baseline` for the policy's own). Verdicts on a day with no page are
 * left out.
 */
export function teamVerdicts(
  pages: readonly { channelId: string; date: IsoDay; rule: string; alert: boolean }[],
  feedback: readonly Feedback[],
): TeamVerdicts {
  const ruleOf = new Map<string, string>();
  for (const page of pages) if (page.alert) ruleOf.set(`${page.channelId}\u0000${page.date}`, page.rule);
  const total = emptyTally();
  const byRule = new Map<string, VerdictTally>();
  const byChannel = new Map<string, VerdictTally>();
  for (const given of feedback) {
    const rule = ruleOf.get(`${given.channelId}\u0000${given.day}`);
    if (rule === undefined) continue;
    count(total, given.verdict);
    const r = byRule.get(rule) ?? emptyTally();
    count(r, given.verdict);
    byRule.set(rule, r);
    const c = byChannel.get(given.channelId) ?? emptyTally();
    count(c, given.verdict);
    byChannel.set(given.channelId, c);
  }
  return {
    total,
    byRule: [...byRule]
      .map(([rule, tally]) => ({ rule, ...tally }))
      .sort((a, b) => a.rule.localeCompare(b.rule)),
    byChannel: [...byChannel]
      .map(([channelId, tally]) => ({ channelId, ...tally }))
      .sort((a, b) => b.falseAlarm - a.falseAlarm || a.channelId.localeCompare(b.channelId)),
  };
}
