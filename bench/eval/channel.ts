/**
 * `node bench/eval/channel.ts <seed> <channelId> <from> <to> [--realistic] [--days N]`: one channel's days,
 * the policy's baseline and the verdicts (legacy fleet unless `--realistic`).
 */

import { DEFAULT_ALERT_POLICY_CONFIG } from '#shared/config/alert-policy-config.ts';
import { channelEvidence } from '#shared/domain/alert-policy/evidence.ts';
import { buildChannelMetrics } from '#shared/domain/series.ts';
import { REALISTIC_MIX } from '#shared/sample/generate.ts';
import { dayNumber, isoDay } from '#shared/time/seoul.ts';
import { runBenchmark } from './benchmark.ts';

const args = process.argv.slice(2);
const [seedArg, channelId, fromDay, toDay] = args;
const daysAt = args.indexOf('--days');
const result = runBenchmark({
  channels: 400,
  days: daysAt >= 0 ? Number(args[daysAt + 1]) : 365,
  ...(args.includes('--realistic') ? { families: REALISTIC_MIX } : {}),
  seed: Number(seedArg),
  endDay: '2026-10-31',
  partialDays: ['2026-07-23'],
});
const series = buildChannelMetrics(result.sample.columns).channels.find((s) => s.channelId === channelId)!;
const ev = channelEvidence(series, () => false, 100, DEFAULT_ALERT_POLICY_CONFIG);
for (let d = dayNumber(fromDay!); d <= dayNumber(toDay!); d++) {
  const i = d - series.firstDay;
  const v = ev.sends;
  const js = result.judged.default.filter((f) => f.channelId === channelId && f.date === isoDay(d));
  console.log(
    isoDay(d),
    series.sends[i],
    Math.round(Math.exp(v.expected[i]!)),
    v.scale[i]!.toFixed(3),
    ((v.value[i]! - v.expected[i]!) / v.scale[i]!).toFixed(1),
    v.anomaly[i],
    js.map((f) => `${f.rule}/${f.metric}/${f.direction}:${f.alert ? 'PAGE' : ''}:${f.reason}`).join(' | '),
  );
}
