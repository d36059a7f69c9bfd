/**
 * `node bench/eval/inspect.ts <seed>`: the default profile's false pages and missed incidents on one
 * benchmark seed, with the channel's pattern and the page's rule and reason, for looking into a score.
 */
import { dayNumber, isoDay } from '#shared/time/seoul.ts';
import { runBenchmark } from './benchmark.ts';
import { EXCUSED_AFTER, misses } from './score.ts';

const seed = Number(process.argv[2] ?? 7);
const result = runBenchmark({
  channels: 400,
  days: 365,
  seed,
  endDay: '2026-10-31',
  partialDays: ['2026-07-23'],
});
const { sample, range } = result;
const pattern = new Map(sample.channels.map((c) => [c.channelId, c.pattern]));
const explained = new Map<string, Set<number>>();
for (const incident of sample.incidents) {
  const days = explained.get(incident.channelId) ?? new Set<number>();
  explained.set(incident.channelId, days);
  const last =
    dayNumber(incident.to) + 2 + (incident.lasting ? EXCUSED_AFTER.lasting : EXCUSED_AFTER.incident);
  for (let d = dayNumber(incident.from); d <= last; d++) days.add(d);
}
const from = dayNumber(range.from);
const counts = new Map<string, number>();
for (const f of result.judged.default) {
  const d = dayNumber(f.date);
  if (!f.alert || d < from || explained.get(f.channelId)?.has(d)) continue;
  const key = `${pattern.get(f.channelId)} ${f.rule} ${f.direction} ${f.reason?.replace(/[0-9.]+/g, '#')}`;
  counts.set(key, (counts.get(key) ?? 0) + 1);
  if (process.argv.includes('--list'))
    console.log(
      'FALSE',
      f.date,
      f.channelId,
      pattern.get(f.channelId),
      f.rule,
      f.metric,
      f.actual,
      f.expected,
      f.reason,
    );
}
for (const [k, n] of [...counts].sort((a, b) => b[1] - a[1])) console.log(String(n).padStart(4), k);
for (const incident of misses(sample, result.pages.default, range))
  if (!incident.burst)
    console.log(
      'MISS',
      incident.type,
      incident.from,
      incident.to,
      incident.channelId,
      pattern.get(incident.channelId),
      incident.factor.toFixed(2),
      incident.note ?? '',
    );
console.log(isoDay(from), result.scores.default.regularRecall, result.scores.default.falsePerThousand);
