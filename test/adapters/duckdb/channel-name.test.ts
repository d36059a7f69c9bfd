import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { CHANNEL_ID_RE2, CHANNEL_TYPE_RE2, channelNameProblem } from '#shared/domain/channel-name.ts';

/** Names around the rule's edges: separators, controls, format characters, unassigned and astral ones. */
const CHARACTERS = [
  'a',
  '한',
  '_',
  '-',
  '.',
  '#',
  ' ',
  '\t',
  '\n',
  '\r',
  '\v',
  '\f',
  '\u0085',
  '\u00a0',
  '\u00ad',
  '\u0378',
  '\u200b',
  '\u200d',
  '\u2028',
  '\u2029',
  '\u202e',
  '\u3000',
  '\ue000',
  '\ufeff',
  '\u{1f600}',
  '\u{1fae8}',
  '\u{e0001}',
];

describe('the channel-name rule in JS and in DuckDB (RE2)', () => {
  it('takes and refuses the same names, an id and a type each by its own rule', async () => {
    // Prepare
    const names = CHARACTERS.map((char) => `a${char}b`);
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();

    // Act
    const rows = (
      await connection.runAndReadAll(
        `SELECT name, regexp_full_match(name, '${CHANNEL_ID_RE2}') AS id, regexp_full_match(name, '${CHANNEL_TYPE_RE2}') AS type
         FROM unnest([${names.map((name) => `'${name}'`).join(', ')}]) AS t(name)`,
      )
    ).getRowObjectsJS() as { name: string; id: boolean; type: boolean }[];
    connection.closeSync();
    instance.closeSync();

    // Assess
    for (const { name, id, type } of rows) {
      expect(channelNameProblem(name, 'id') === undefined, `id ${JSON.stringify(name)}`).toBe(id);
      expect(channelNameProblem(name, 'type') === undefined, `type ${JSON.stringify(name)}`).toBe(type);
    }
    // An unassigned code point (or an emoji newer than the runtime's tables) is no reason to refuse
    expect(channelNameProblem('a\u0378b', 'id')).toBeUndefined();
    expect(channelNameProblem('app push', 'type')).toBeUndefined();
    expect(channelNameProblem('app push', 'id')).toMatch(/holds U\+0020 at character 4/);
  });
});
