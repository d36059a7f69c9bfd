/**
 * The one date helper. Every calendar day in crm-guard is an Asia/Seoul day written `YYYY-MM-DD`
 * (the lake's `dt`). Korea has no daylight saving time, so Seoul is UTC+9 all year and day
 * arithmetic on day numbers is exact.
 */

/** A calendar day in Asia/Seoul, `YYYY-MM-DD`. */
export type IsoDay = string;

const SEOUL_OFFSET_MS = 9 * 3600 * 1000;
const DAY_MS = 86_400_000;
const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True when `text` is a real calendar day written `YYYY-MM-DD` (rejects 2026-02-30). */
export function isIsoDay(text: string): boolean {
  const match = ISO_DAY.exec(text);
  if (!match) return false;
  const [, y, m, d] = match;
  const ms = Date.UTC(Number(y), Number(m) - 1, Number(d));
  return new Date(ms).toISOString().slice(0, 10) === text;
}

// A run names the same few hundred days millions of times: both directions are remembered.
const dayNumbers = new Map<string, number>();
const isoDays = new Map<number, IsoDay>();
const REMEMBERED_DAYS = 100_000;

/** Days since 1970-01-01 for a calendar day; throws on a malformed day. */
export function dayNumber(day: IsoDay): number {
  const known = dayNumbers.get(day);
  if (known !== undefined) return known;
  if (!isIsoDay(day)) throw new RangeError(`not a calendar day (YYYY-MM-DD): ${JSON.stringify(day)}`);
  const dayNo =
    Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10))) / DAY_MS;
  if (dayNumbers.size < REMEMBERED_DAYS) dayNumbers.set(day, dayNo);
  return dayNo;
}

/** The calendar day of a day number. */
export function isoDay(dayNo: number): IsoDay {
  let day = isoDays.get(dayNo);
  if (day === undefined) {
    day = new Date(dayNo * DAY_MS).toISOString().slice(0, 10);
    if (isoDays.size < REMEMBERED_DAYS) isoDays.set(dayNo, day);
  }
  return day;
}

export function addDays(day: IsoDay, days: number): IsoDay {
  return isoDay(dayNumber(day) + days);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: IsoDay, to: IsoDay): number {
  return dayNumber(to) - dayNumber(from);
}

/** Day of the month (1-31) of a day number, by integer arithmetic (no dates built: it is asked per channel-day). */
export function dayOfMonthOfDayNumber(dayNo: number): number {
  // Howard Hinnant's civil_from_days, reduced to the day of the month.
  const z = dayNo + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) /
      365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthPrime = Math.floor((5 * dayOfYear + 2) / 153);
  return dayOfYear - Math.floor((153 * monthPrime + 2) / 5) + 1;
}

/** 0 = Sunday ... 6 = Saturday, for a day number. */
export function weekdayOfDayNumber(dayNo: number): number {
  // 1970-01-01 was a Thursday.
  return (((dayNo + 4) % 7) + 7) % 7;
}

export function weekday(day: IsoDay): number {
  return weekdayOfDayNumber(dayNumber(day));
}

/** Every day from `from` to `to`, both included. */
export function daysInRange(from: IsoDay, to: IsoDay): IsoDay[] {
  const start = dayNumber(from);
  const end = dayNumber(to);
  const days: IsoDay[] = [];
  for (let d = start; d <= end; d++) days.push(isoDay(d));
  return days;
}

/** The Seoul calendar day an instant falls on. */
export function seoulDay(instant: Date): IsoDay {
  const ms = instant.getTime();
  if (!Number.isFinite(ms)) throw new RangeError('Invalid time value');
  // Through the remembered day names: the gate asks for the same few days on every decision.
  return isoDay(Math.floor((ms + SEOUL_OFFSET_MS) / DAY_MS));
}

/** Yesterday in Seoul: the day a 09:00 run judges. */
export function seoulYesterday(instant: Date): IsoDay {
  return addDays(seoulDay(instant), -1);
}

/** Hour of day (0-23) in Seoul. */
export function seoulHour(instant: Date): number {
  return new Date(instant.getTime() + SEOUL_OFFSET_MS).getUTCHours();
}

/** The instant a Seoul wall-clock time occurs, e.g. `seoulInstant('2026-11-22', 8)` = 08:00 KST. */
export function seoulInstant(day: IsoDay, hour = 0, minute = 0): Date {
  return new Date(dayNumber(day) * DAY_MS + (hour * 60 + minute) * 60_000 - SEOUL_OFFSET_MS);
}

/** Monday of the ISO week that contains `day` (weeks run Monday to Sunday in Korea's calendars). */
export function weekStart(day: IsoDay): IsoDay {
  const dayNo = dayNumber(day);
  const sinceMonday = (weekdayOfDayNumber(dayNo) + 6) % 7;
  return isoDay(dayNo - sinceMonday);
}

/** Seoul wall-clock time of an instant, `2026-11-02 09:30`. */
export function seoulWallClock(instant: Date): string {
  return new Date(instant.getTime() + SEOUL_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');
}

/** An instant given as a `Date` or an ISO timestamp (as stored); throws on one that is not a time. */
function instantOf(instant: Date | string): Date {
  const date = typeof instant === 'string' ? new Date(instant) : instant;
  if (!Number.isFinite(date.getTime())) throw new RangeError(`not a timestamp: ${JSON.stringify(instant)}`);
  return date;
}

/** An instant as people read it in the CLI: Seoul wall clock with its offset, `2026-11-30 09:00 +09:00`. */
export function seoulTimestamp(instant: Date | string): string {
  return `${seoulWallClock(instantOf(instant))} +09:00`;
}

/** An instant as ISO 8601 in Seoul's offset, `2026-11-30T09:00:00.000+09:00` (for `--json`). */
export function seoulIsoTimestamp(instant: Date | string): string {
  const wall = new Date(instantOf(instant).getTime() + SEOUL_OFFSET_MS).toISOString();
  return `${wall.slice(0, 23)}+09:00`;
}

/** The same Seoul wall-clock moment `years` calendar years later (29 Feb falls to 1 Mar). */
export function addSeoulYears(instant: Date, years: number): Date {
  const wall = new Date(instant.getTime() + SEOUL_OFFSET_MS);
  wall.setUTCFullYear(wall.getUTCFullYear() + years);
  return new Date(wall.getTime() - SEOUL_OFFSET_MS);
}
