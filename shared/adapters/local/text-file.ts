import { readFileSync } from 'node:fs';
import { InputError } from '#shared/errors.ts';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A text file the team edits by hand, read as UTF-8 or refused: Korean Excel saves CSV as CP949 by
 * default, and read as UTF-8 that turns every name and owner into replacement characters without a
 * word. The refusal names the first line that is not UTF-8 (a line feed is never part of a CP949
 * character, so lines split the same in either encoding). A byte-order mark is dropped.
 */
export function readUtf8File(path: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(path, code === 'EISDIR' ? 'is a folder, not a file' : 'cannot read the file');
  }
  try {
    return utf8.decode(bytes);
  } catch {
    let start = 0;
    for (let row = 1; ; row++) {
      const end = bytes.indexOf(0x0a, start);
      const line = bytes.subarray(start, end < 0 ? bytes.length : end);
      try {
        utf8.decode(line);
      } catch {
        throw new InputError(
          path,
          "is not UTF-8 text (Korean Excel saves CSV as CP949): save it as 'CSV UTF-8' and import it again",
          { row },
        );
      }
      if (end < 0) throw new InputError(path, 'is not UTF-8 text');
      start = end + 1;
    }
  }
}
