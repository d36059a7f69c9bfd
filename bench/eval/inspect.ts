/**
 * `node bench/eval/inspect.ts <seed> [--realistic] [--days N] [--family F] [--profile P] [--list]`: a
 * profile's (default: `default`) false pages, counted by family, rule, direction and reason, and its
 * missed incidents, on one benchmark seed, for looking into a score. The legacy fleet unless
 * `--realistic` (or a `--family` only the realistic mix has); `--family` keeps one family's channels;
 * `--list` prints every false page.
 */

import type { ProfileName } from '#shared/domain/run-record.ts';
import { FAMILIES, type Family, LEGACY_MIX, REALISTIC_MIX } from '#shared/sample/generate.ts';
import { dayNumber, isoDay } from '#shared/time/seoul.ts';
import { runBenchmark } from './benchmark.ts';
import { excusedDays, misses } from './score.ts';

const args = process.argv.slice(2);
const flag = (name: string) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : undefined;
};
const seed = Number(args[0] ?? 7);
const family = flag('family') as Family | undefined;
if (family && !FAMILIES.includes(family)) throw new Error(`--family: one of ${FAMILIES.join(', ')}`);
const realistic = args.includes('--realistic') || (family !== undefined && !(family in LEGACY_MIX));
const profile = (flag('profile') ?? 'default') as ProfileName;
const result = runBenchmark({
  channels: 400,
  days: Number(flag('days') ?? 365),
  seed,
  endDay: '2026-10-31',
  partialDays: ['2026-07-23'],
  ...(realistic ? { families: REALISTIC_MIX } : {}),
});
const { sample, range } = result;
const familyOf = new Map(sample.channels.map((c) => [c.channelId, c.family]));
const kept = (channelId: string) => family === undefined || familyOf.get(channelId) === family;
const explained = excusedDays(sample);
const from = dayNumber(range.from);
const counts = new Map<string, number>();
for (const f of result.judged[profile]) {
  const d = dayNumber(f.date);
  if (!f.alert || d < from || !kept(f.channelId) || explained.get(f.channelId)?.has(d)) continue;
  const key = `${familyOf.get(f.channelId)} ${f.rule} ${f.direction} ${f.reason?.replace(/[0-9.]+/g, '#')}`;
  counts.set(key, (counts.get(key) ?? 0) + 1);
  if (args.includes('--list'))
    console.log(
      'FALSE',
      f.date,
      f.channelId,
      familyOf.get(f.channelId),
      f.rule,
      f.metric,
      f.actual,
      f.expected,
      f.reason,
    );
}
for (const [k, n] of [...counts].sort((a, b) => b[1] - a[1])) console.log(String(n).padStart(4), k);
for (const incident of misses(sample, result.pages[profile], range))
  if (kept(incident.channelId))
    console.log(
      'MISS',
      incident.type,
      incident.from,
      incident.to,
      incident.channelId,
      incident.family,
      incident.factor.toFixed(2),
      incident.partial ? 'partial' : '',
      incident.onCalendarDay ? 'calendar-day' : '',
      incident.note ?? '',
    );
const score = result.scores[profile];
console.log(isoDay(from), profile, score.regularRecall, score.falsePerThousand);
