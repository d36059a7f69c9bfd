/** `node bench/eval/channel.ts <seed> <channelId> <from> <to>`: one channel's days, baseline and verdicts. */
import { DEFAULT_ALERT_POLICY_CONFIG } from '#shared/config/alert-policy-config.ts';
import { channelEvidence } from '#shared/domain/alert-policy/evidence.ts';
import { buildChannelMetrics } from '#shared/domain/series.ts';
import { dayNumber, isoDay } from '#shared/time/seoul.ts';
import { runBenchmark } from './benchmark.ts';

const [seedArg, channelId, fromDay, toDay] = process.argv.slice(2);
const result = runBenchmark({
  channels: 400,
  days: 365,
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
