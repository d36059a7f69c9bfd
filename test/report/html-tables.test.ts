import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { LOCALES, type Locale, labelsFor } from '#shared/report/labels.ts';
import type { ReportFile } from '#shared/report/render-data.ts';
import { buildReport } from '#shared/use-cases/build-report.ts';
import { memoryFindings, memoryMetrics, readOnlyRegistry } from './fixtures.ts';
import { DAY, scenarioChannels, scenarioFindings, scenarioRegistry, scenarioRuns } from './scenario.ts';

const registry = readOnlyRegistry(scenarioRegistry());

/** The scenario's report page as the writer receives it. */
async function renderPage(locale: Locale): Promise<string> {
  let files: ReportFile[] = [];
  await buildReport(
    {
      metrics: memoryMetrics(scenarioChannels()),
      findings: memoryFindings(scenarioFindings(), scenarioRuns()),
      registry,
      writer: {
        write: async (_folder, written) => {
          files = written;
          return { location: 'memory' };
        },
      },
    },
    { day: DAY, locale, now: new Date('2026-11-02T00:30:00Z') },
  );
  const html = files.find((file) => file.contentType.startsWith('text/html'));
  if (!html) throw new Error('no HTML file written');
  return String(html.body);
}

const policyOf = (html: string): Map<string, string[]> => {
  const content = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1];
  if (content === undefined) throw new Error('no Content-Security-Policy meta tag');
  return new Map(
    content
      .split(';')
      .map((directive) => directive.trim().split(/\s+/))
      .filter((words) => words[0])
      .map(([name, ...sources]) => [name!, sources]),
  );
};

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

describe('the report page: sortable, filterable tables under a strict CSP', () => {
  for (const locale of LOCALES) {
    it(`allows exactly the one inline script present in the page by its hash (${locale})`, async () => {
      // Act
      const html = await renderPage(locale);
      const policy = policyOf(html);
      const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];

      // Assess: one inline script, no file, no inline handler, and the policy names its hash only.
      expect(scripts).toHaveLength(1);
      const [, attributes, text] = scripts[0]!;
      expect(attributes).not.toMatch(/\bsrc=/);
      expect(text!.trim()).not.toBe('');
      expect(html).not.toMatch(/\son[a-z]+=/i);
      expect(policy.get('default-src')).toEqual(["'none'"]);
      expect(policy.get('script-src')).toEqual([sha256(text!)]);
      expect(policy.get('script-src')).not.toContain("'unsafe-inline'");
      expect(policy.get('script-src')).not.toContain("'unsafe-eval'");
    });

    it(`gives every numeric cell its raw value to sort by, and the script the page's words (${locale})`, async () => {
      // Act
      const html = await renderPage(locale);
      const numericCells = [...html.matchAll(/<td class="num[^"]*"([^>]*)>/g)];
      const t = labelsFor(locale);

      // Assess: formatted numbers ("34,650", "3.80%", "-") sort by data-sort, a plain number or empty.
      expect(numericCells.length).toBeGreaterThan(20);
      for (const [cell, attributes] of numericCells)
        expect(attributes, cell).toMatch(/^ data-sort="(-?\d+(\.\d+)?(e[+-]?\d+)?)?"$/);
      expect(html).toContain('<meta name="viewport" content="width=device-width,initial-scale=1">');
      expect(html).toContain(`data-filter="${t.filterRows}"`);
      expect(html).toContain(`data-rows="${t.rowsShown}"`);
      expect(t.rowsShown).toContain('{shown}');
      expect(t.rowsShown).toContain('{total}');
    });
  }
});
