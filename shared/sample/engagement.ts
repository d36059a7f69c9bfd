import { addDays, dayNumber, type IsoDay } from '#shared/time/seoul.ts';
import { mixSeed, Random } from './random.ts';

/** Columns of sample `user_engagement_daily` rows, as the lake writer takes them. */
export interface EngagementSample {
  userIds: string[];
  user: Int32Array;
  day: Int32Array;
  featureUses: Float64Array;
}

// Most users of a Korean app rarely open the community board; a few live there (seed 000, 익명톡).
const SEGMENTS = [
  { share: 0.55, dailyUses: 0.03, activeDays: 0.15 },
  { share: 0.3, dailyUses: 0.4, activeDays: 0.45 },
  { share: 0.15, dailyUses: 2.5, activeDays: 0.85 },
] as const;

/**
 * Seeded sample engagement for the tier refresh: `users` users over the `days` days ending `endDay`,
 * one row a user a day the app was opened (uses of the tiering feature, often 0). Some users arrive
 * in the last weeks, so the "new user" grace has someone to apply to.
 */
export function generateEngagement(options: {
  users: number;
  days: number;
  endDay: IsoDay;
  seed: number;
}): EngagementSample {
  const { users, days, endDay, seed } = options;
  const firstDay = dayNumber(addDays(endDay, -(days - 1)));
  const userIds: string[] = [];
  const user: number[] = [];
  const day: number[] = [];
  const featureUses: number[] = [];
  for (let u = 0; u < users; u++) {
    const random = new Random(mixSeed(seed, 0xe9a6, u));
    userIds.push(`u${String(u + 1).padStart(7, '0')}`);
    const draw = random.next();
    const segment =
      draw < SEGMENTS[0].share
        ? SEGMENTS[0]
        : draw < SEGMENTS[0].share + SEGMENTS[1].share
          ? SEGMENTS[1]
          : SEGMENTS[2];
    const joined = random.chance(0.08) ? random.int(days - 21, days - 1) : 0;
    for (let d = joined; d < days; d++) {
      if (!random.chance(segment.activeDays)) continue;
      // Geometric count with the segment's mean: cheap, overdispersed like real usage.
      let uses = 0;
      const stop = 1 / (1 + segment.dailyUses / segment.activeDays);
      while (!random.chance(stop) && uses < 50) uses++;
      user.push(u);
      day.push(firstDay + d);
      featureUses.push(uses);
    }
  }
  return {
    userIds,
    user: Int32Array.from(user),
    day: Int32Array.from(day),
    featureUses: Float64Array.from(featureUses),
  };
}
