/**
 * What the alert policy says of one finding: a reason code from one enum, the figures its sentence
 * quotes, and whether it pages. Tests and the digest read the code; people read the sentence, which
 * is rendered from the code and the same figures, so the two never disagree.
 */
import type { JudgedFigures, ReasonCode, Severity } from '#shared/domain/finding.ts';

/** The numbers a verdict quotes: the relative change and robust z it was judged on. */
export interface VerdictFigures {
  /** Relative change against the expectation (0.52 = 52%). */
  change?: number;
  z?: number;
  /** Multiple of the usual (campaign channels). */
  ratio?: number;
}

export interface Verdict {
  code: ReasonCode;
  qualifies: boolean;
  severity: Severity;
  /** Sends (or clicks) lost or extra against the expectation, in the metric's units times sends for CTR. */
  impact: number | undefined;
  /** Strength of the evidence, for choosing which finding of a channel-day carries the page. */
  strength: number;
  /** The channel sent (almost) nothing. */
  silent: boolean;
  down: boolean;
  figures?: VerdictFigures;
  /** The verdict came from another look than the finding's own: the metric and day it is about. */
  via?: { metric: string; day?: string };
  /** A page of the policy's own baseline, with no rule finding behind it. */
  ownBaseline?: boolean;
  /** The value and expectation the verdict was reached on, in the metric's units. */
  judged?: JudgedFigures;
}

/** A verdict that pages: the code, and what the page says and weighs. */
export function page(
  code: ReasonCode,
  fields: Pick<Verdict, 'severity' | 'impact' | 'strength' | 'down'> &
    Partial<Pick<Verdict, 'silent' | 'figures' | 'judged'>>,
): Verdict {
  return { code, qualifies: true, silent: false, ...fields };
}

/** A verdict that holds the finding back (never pages). */
export function hold(code: ReasonCode, impact?: number, figures?: VerdictFigures): Verdict {
  return {
    code,
    qualifies: false,
    severity: 'info',
    impact,
    strength: 0,
    silent: false,
    down: false,
    figures,
  };
}

const percent = (share: number) => `${Math.round(share * 100)}%`;

/** The sentence of a verdict's own code, with its figures. */
export function reasonSentence(verdict: Pick<Verdict, 'code' | 'figures' | 'down'>): string {
  const f = verdict.figures ?? {};
  const z = f.z === undefined ? '' : ` (z ${f.z.toFixed(1)})`;
  switch (verdict.code) {
    case 'seed_confirmed':
      return 'seed: confirmed rule finding';
    case 'seed_candidate':
      return 'seed: candidate, recorded only';
    case 'low_performer':
      return 'weekly report (low performer)';
    case 'muted':
      return 'muted channel';
    case 'channel_inactive':
      return 'channel paused or retired in the registry: its silence and low figures are expected';
    case 'not_in_metrics':
      return 'channel not in the metrics read';
    case 'late_data':
      return 'late data: the day has not fully arrived';
    case 'ctr_floor':
      return 'below volume floor for a CTR page';
    case 'volume_floor':
      return 'below volume floor';
    case 'insufficient_history':
      return 'not enough clean history for the policy baseline';
    case 'campaign_off_day':
      return 'campaign-burst channel: a silent day is its normal';
    case 'campaign_unknown':
      return 'campaign-burst channel: too few campaigns to compare';
    case 'campaign_usual':
      return 'campaign-burst channel: within its usual campaigns';
    case 'campaign_misfire':
      return `campaign-burst channel: ${(f.ratio ?? 0).toFixed(1)}x its usual campaign${z}`;
    case 'holiday_expected':
      return 'holiday: a drop short of an outage is expected';
    case 'planned_change':
      return 'expected: the owners recorded a change on this day';
    case 'monthly_cycle':
      return 'monthly cycle: the same peak came a month ago';
    case 'direction_disagrees':
      return 'policy baseline disagrees with the direction';
    case 'small_change':
      return `within ${percent(f.change ?? 0)} of baseline`;
    case 'normal_variation':
      return `within normal variation${z}`;
    case 'not_qualified':
      return 'not qualified';
    case 'lasting_drop':
      return `lasting drop: ${percent(f.change ?? 0)} below the level of three weeks before`;
    case 'silent':
      // 100 sends of a usual 19,000 is all but silent, yet not nothing: the team looks for different causes.
      return f.change !== undefined && f.change < 1
        ? `channel almost silent: ${1 - f.change < 0.005 ? 'under 1%' : percent(1 - f.change)} of its usual sends`
        : 'channel went silent';
    case 'deviation':
      return `${percent(f.change ?? 0)} ${verdict.down ? 'below' : 'above'} baseline${z}`;
    case 'campaign_missed':
      return `a scheduled campaign day with far fewer sends than any recent campaign (${percent(f.change ?? 0)} below the usual)`;
    case 'monthly_peak_missed':
      return `the monthly peak due today did not come (${percent(f.change ?? 0)} below the last two)`;
    case 'duplicate_send':
      return `a duplicate send: ${(f.ratio ?? 0).toFixed(1)}x the usual sends at ${percent(f.change ?? 0)} lower CTR`;
    case 'spike':
      return `${(f.ratio ?? 0).toFixed(1)}x the usual for this weekday, above any of the last weeks`;
    case 'inactive_send':
      return 'channel paused or retired in the registry, yet it sent';
    case 'grouped':
      return 'grouped: same incident';
    case 'same_page':
      return 'same page as another finding';
    case 'closed_by_feedback':
      return 'the team closed this incident (false alarm or expected): not paged again';
  }
}

/** The sentence of a verdict as the finding carries it: what it looked at, then why. */
export function reasonText(verdict: Verdict): string {
  const sentence = reasonSentence(verdict);
  // A page of the policy's own says no rule saw it; an inactive channel's send or a recorded change
  // needs no rule to matter.
  if (verdict.ownBaseline && verdict.code !== 'inactive_send' && verdict.code !== 'planned_change')
    return `${sentence} (no seed rule fired)`;
  if (!verdict.via) return sentence;
  return `${verdict.via.metric}${verdict.via.day ? ` on ${verdict.via.day}` : ''}: ${sentence}`;
}
