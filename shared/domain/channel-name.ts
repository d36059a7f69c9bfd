/**
 * What a channel id or type may be, wherever one comes in (the lake, the registry): compared
 * exactly, shown in the digest and used in keys, so it has no spaces, no `#` (the stores' key
 * separator), no control or invisible characters (a tab or a zero-width space would make another
 * channel that looks the same; a line break would add a line to the digest), and a bounded length.
 */
export const CHANNEL_NAME_MAX = 200;

/** The characters a name may not hold: separators and spaces, control and format characters, `#`. */
const FORBIDDEN = /[\p{Z}\p{C}\s#]/u;
/** The same rule in RE2's words (DuckDB's `regexp_full_match`): the whole value must match. */
export const CHANNEL_NAME_RE2 = `[^\\p{Z}\\p{C}\\s#]{1,${CHANNEL_NAME_MAX}}`;

/** Why `value` is no channel id (or type), in one phrase; undefined when it is one. */
export function channelNameProblem(value: string | null | undefined, what: string): string | undefined {
  if (value === null || value === undefined || value === '') return `empty ${what}`;
  if (value !== value.trim())
    return `${JSON.stringify(value)} has spaces around it (a ${what} is compared exactly)`;
  const length = [...value].length;
  if (length > CHANNEL_NAME_MAX) return `a ${what} of ${length} characters (at most ${CHANNEL_NAME_MAX})`;
  const at = value.search(FORBIDDEN);
  if (at < 0) return undefined;
  const char = String.fromCodePoint(value.codePointAt(at)!);
  const shown =
    char === '#' ? '"#"' : `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
  return `${JSON.stringify(value)} holds ${shown} at character ${[...value.slice(0, at)].length + 1} (a ${what} has no spaces, #, control or invisible characters)`;
}
