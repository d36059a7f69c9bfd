import { type ColumnNames, MAX_COUNT } from '#shared/adapters/metrics-sql.ts';
import { channelNameProblem } from '#shared/domain/channel-name.ts';
import { USER_ID_PATTERN, USER_ID_RULE } from '#shared/domain/engagement.ts';
import { InputError } from '#shared/errors.ts';
import { isIsoDay } from '#shared/time/seoul.ts';

/**
 * The message for a row that DuckDB found breaking the lake contract (`channelRowValid`,
 * `engagementRowValid`): the same checks, in the same order, on the row's values as text, so
 * the person fixing the file reads which field is wrong and why.
 */

type Text = string | null | undefined;

const isBlank = (value: Text) => value === null || value === undefined || value === '';

function dayProblem(value: Text): string | undefined {
  if (isBlank(value)) return 'empty day';
  if (!isIsoDay(value!)) return `${JSON.stringify(value)} is not a calendar day (YYYY-MM-DD)`;
  return undefined;
}

function countProblem(value: Text): string | undefined {
  if (isBlank(value)) return 'empty count';
  const count = Number(value!.trim());
  if (!Number.isFinite(count)) return `${JSON.stringify(value)} is not a count (a whole number >= 0)`;
  if (count < 0) return `${count} is negative`;
  if (!Number.isInteger(count)) return `${count} is not a whole number`;
  if (count > MAX_COUNT) return `${value!.trim()} is too large for a count (at most ${MAX_COUNT})`;
  return undefined;
}

/** A user id: empty, or with spaces around it that would make it another one. */
function nameProblem(value: Text, what: string): string | undefined {
  if (isBlank(value)) return `empty ${what}`;
  if (value !== value!.trim())
    return `${JSON.stringify(value)} has spaces around it (a ${what} is compared exactly)`;
  return undefined;
}

export interface InvalidChannelRow {
  source: string;
  row: number | undefined;
  dt: Text;
  channel_id: Text;
  channel_type: Text;
  sends: Text;
  clicks: Text;
}

export function channelRowError(row: InvalidChannelRow, columns: ColumnNames): InputError {
  const at = (field: string, problem: string) => new InputError(row.source, problem, { row: row.row, field });
  const day = dayProblem(row.dt);
  if (day) return at(columns.dt, day);
  const id = channelNameProblem(row.channel_id, 'id');
  if (id) return at(columns.channelId, id);
  const type = channelNameProblem(row.channel_type, 'type');
  if (type) return at(columns.channelType, type);
  const sends = countProblem(row.sends);
  if (sends) return at(columns.sends, sends);
  const clicks = countProblem(row.clicks);
  if (clicks) return at(columns.clicks, clicks);
  const clickCount = Number(row.clicks);
  const sendCount = Number(row.sends);
  if (clickCount > sendCount) return at(columns.clicks, `${clickCount} clicks above ${sendCount} sends`);
  return at(columns.sends, `breaks the lake contract (sends ${row.sends}, clicks ${row.clicks})`);
}

export interface InvalidEngagementRow {
  source: string;
  row: number | undefined;
  dt: Text;
  user_id: Text;
  feature_uses: Text;
}

export function engagementRowError(row: InvalidEngagementRow, columns: ColumnNames): InputError {
  const at = (field: string, problem: string) => new InputError(row.source, problem, { row: row.row, field });
  const day = dayProblem(row.dt);
  if (day) return at(columns.dt, day);
  const user = nameProblem(row.user_id, 'user id');
  if (user) return at(columns.userId, user);
  if (!USER_ID_PATTERN.test(String(row.user_id)))
    return at(columns.userId, `${JSON.stringify(row.user_id)}: ${USER_ID_RULE}, as the gate takes user ids`);
  const uses = countProblem(row.feature_uses);
  if (uses) return at(columns.featureUses, uses);
  return at(columns.featureUses, `breaks the lake contract (${JSON.stringify(row.feature_uses)})`);
}
