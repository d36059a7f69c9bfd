/**
 * What a channel id or type may be, wherever one comes in (the lake, the registry). Neither holds a
 * control or invisible character (a tab or a zero-width space would make another channel that looks
 * the same; a line break would add a line to the digest). An id is also compared exactly and keys
 * the stores, so it holds no space and no `#` (their key separator); a type may ("app push").
 */
export const CHANNEL_NAME_MAX = 200;

/**
 * Control, format, private-use and surrogate code points, line and paragraph separators: categories
 * JS and RE2 (DuckDB) both know. Unassigned code points pass, as in RE2 (and an emoji newer than the
 * runtime's Unicode tables is not refused).
 */
const INVISIBLE = '\\p{Cc}\\p{Cf}\\p{Co}\\p{Cs}\\p{Zl}\\p{Zp}';
const ID_FORBIDDEN = `${INVISIBLE}\\p{Zs}\\s#`;
const TYPE_FORBIDDEN = `${INVISIBLE}\\t\\n\\f\\r`;

/** The same rules in RE2's words (DuckDB's `regexp_full_match`): the whole value must match. */
export const CHANNEL_ID_RE2 = `[^${ID_FORBIDDEN}]{1,${CHANNEL_NAME_MAX}}`;
export const CHANNEL_TYPE_RE2 = `[^${TYPE_FORBIDDEN}]{1,${CHANNEL_NAME_MAX}}`;

const RULES = {
  id: {
    what: 'channel id',
    forbidden: new RegExp(`[${ID_FORBIDDEN}]`, 'u'),
    holds: 'spaces, #, control or invisible characters',
  },
  type: {
    what: 'channel type',
    forbidden: new RegExp(`[${TYPE_FORBIDDEN}]`, 'u'),
    holds: 'control or invisible characters',
  },
} as const;

/** Why `value` is no channel id (or type), in one phrase; undefined when it is one. */
export function channelNameProblem(
  value: string | null | undefined,
  kind: 'id' | 'type',
): string | undefined {
  const { what, forbidden, holds } = RULES[kind];
  if (value === null || value === undefined || value === '') return `empty ${what}`;
  if (value !== value.trim())
    return `${JSON.stringify(value)} has spaces around it (a ${what} is compared exactly)`;
  const length = [...value].length;
  if (length > CHANNEL_NAME_MAX) return `a ${what} of ${length} characters (at most ${CHANNEL_NAME_MAX})`;
  const at = value.search(forbidden);
  if (at < 0) return undefined;
  const char = String.fromCodePoint(value.codePointAt(at)!);
  const shown =
    char === '#' ? '"#"' : `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
  return `${JSON.stringify(value)} holds ${shown} at character ${[...value.slice(0, at)].length + 1} (a ${what} has no ${holds})`;
}
