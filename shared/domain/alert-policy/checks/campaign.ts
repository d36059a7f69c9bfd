/**
 * Campaign-burst channels: many silent days, so an off day looks like an outage and a campaign like
 * a spike. Such a channel is judged against its own campaign days: only a send far above any usual
 * campaign (a duplicate, a misfire) pages.
 */

import type { LookContext } from '../context.ts';
import type { Expectation } from '../expectation.ts';
import { severityOf } from '../severity.ts';
import { hold, type Verdict } from '../verdict.ts';

/** Undefined when the channel sends regularly (the other checks judge it). */
export function campaignChannel(ctx: LookContext, e: Expectation): Verdict | undefined {
  const { run, evidence, look } = ctx;
  if (look.metric === 'ctr' || evidence.zeroShare[look.index]! < run.config.intermittent.maxZeroShare)
    return undefined;
  if (look.down) return hold('campaign_off_day', e.impact);
  return campaignRise(ctx, e);
}

/** The busier half of the channel's sending days in the shape window are its campaigns. */
function campaignRise({ run, evidence, look }: LookContext, e: Expectation): Verdict {
  const config = run.config;
  const metric = evidence[look.metric];
  const i = look.index;
  const sending: number[] = [];
  for (let j = Math.max(0, i - config.baseline.shapeDays); j < i; j++) {
    const v = metric.value[j]!;
    if (!Number.isNaN(v) && evidence.series.sends[j]! > 0) sending.push(v);
  }
  sending.sort((a, b) => a - b);
  const campaigns = sending.slice(sending.length >> 1);
  if (campaigns.length < 4) return hold('campaign_unknown', e.impact);
  const typical = campaigns[campaigns.length >> 1]!;
  const deviations = campaigns.map((v) => Math.abs(v - typical)).sort((a, b) => a - b);
  const scale = Math.max(config.baseline.minScale, 1.4826 * deviations[deviations.length >> 1]!);
  const value = metric.value[i]!;
  const impact = Math.abs(e.toUnits(value) - e.toUnits(typical));
  const z = (value - typical) / scale;
  const ratio = Math.exp(value - typical);
  // Campaign sizes vary by audience: only twice the usual campaign or more is out of the ordinary.
  if (z < config.page.minZ || ratio < 2) return hold('campaign_usual', impact);
  return {
    code: 'campaign_misfire',
    qualifies: true,
    severity: severityOf(impact, false, config.severity),
    impact,
    strength: z,
    silent: false,
    down: false,
    figures: { ratio, z },
    judged: { metric: look.metric, actual: e.judged.actual, expected: Math.round(e.toUnits(typical)) },
  };
}
