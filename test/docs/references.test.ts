import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DECISION_REASONS } from '#shared/gate/decision.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const documents = [
  'README.md',
  ...readdirSync(join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];

/** The top-level folders of this repository: a path the docs mention under one of them must exist. */
const REPO_FOLDERS = ['bin', 'lib', 'shared', 'functions', 'test', 'bench', 'docs', '.ci'];

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/`/g, '')
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

function anchorsOf(markdown: string): Set<string> {
  const headings = markdown
    .replace(/```[\s\S]*?```/g, '')
    .split('\n')
    .filter((line) => /^#{1,6} /.test(line))
    .map((line) => slug(line.replace(/^#+ /, '')));
  return new Set(headings);
}

/** Relative markdown links `[text](target)`, with their anchor: web and mail links are not the repository's. */
function linksOf(markdown: string): string[] {
  return [...markdown.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((match) => match[1]!)
    .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target));
}

/** Repository paths named in the text (`shared/domain/`, `bin/app.ts`), cut before a `*` or `<name>`. */
function pathsOf(markdown: string): string[] {
  const folders = REPO_FOLDERS.map((folder) => folder.replace('.', '\\.')).join('|');
  const pattern = new RegExp(`(?<=^|[\\s\`(])((?:${folders})/[A-Za-z0-9_./-]*)`, 'gm');
  const text = markdown.replace(/\]\([^)]*\)/g, ']');
  return [...text.matchAll(pattern)].map((match) => match[1]!.replace(/[.,]+$/, ''));
}

/** The links of `document` whose file is missing, outside the repository, or lacks the heading. */
function brokenLinks(document: string, markdown: string): string[] {
  return linksOf(markdown).filter((link) => {
    const [path, anchor] = link.split('#') as [string, string | undefined];
    const target = path === '' ? join(root, document) : join(root, dirname(document), path);
    const inside = relative(root, target);
    if (inside.startsWith('..') || !existsSync(target)) return true;
    return anchor !== undefined && !anchorsOf(readFileSync(target, 'utf8')).has(anchor);
  });
}

/** The repository paths the text names that do not exist (paths are written from the repository root). */
function missingPaths(markdown: string): string[] {
  return pathsOf(markdown).filter((path) => !existsSync(join(root, path)));
}

describe.each(documents)('%s', (document) => {
  const markdown = readFileSync(join(root, document), 'utf8');

  it('links only to files and headings that exist in the repository', () => {
    // Act
    const broken = brokenLinks(document, markdown);

    // Assess
    expect(broken).toEqual([]);
  });

  it('names only repository paths that exist', () => {
    // Act
    const missing = missingPaths(markdown);

    // Assess
    expect(missing).toEqual([]);
  });
});

describe('the reference checks themselves', () => {
  it('catch a missing file, a missing heading, a path outside the repository and a missing path', () => {
    // Arrange
    const markdown = [
      '# Title',
      'See [deploy](docs/deploy.md), [a gap](docs/nowhere.md), [spec](docs/detection-spec.md#no-such-heading),',
      '[lake](#the-lake-contract), [shared](../shared/docs/x.md), [web](https://example.com/a.md),',
      '`shared/nowhere.ts` and `bin/app.ts`. Handlers: functions/*/handler.ts, commands: `bin/commands/<name>.ts`.',
    ].join('\n');

    // Act
    const broken = brokenLinks('README.md', markdown);
    const missing = missingPaths(markdown);

    // Assess
    expect(broken).toEqual([
      'docs/nowhere.md',
      'docs/detection-spec.md#no-such-heading',
      '../shared/docs/x.md',
    ]);
    expect(pathsOf(markdown)).toEqual(['shared/nowhere.ts', 'bin/app.ts', 'functions/', 'bin/commands/']);
    expect(missing).toEqual(['shared/nowhere.ts']);
  });
});

describe("the README's gate reasons", () => {
  it('explain every reason an answer can give, and no other', () => {
    // Prepare
    const readme = readFileSync(join(root, 'README.md'), 'utf8');

    // Act: the rows of the table whose first column is a `reason`
    const listed = [...readme.matchAll(/^\| `([a-z_]+)` \| (?:allow|deny|defer)/gm)].map((row) => row[1]);

    // Assess
    expect(listed.sort()).toEqual([...DECISION_REASONS].sort());
  });
});
