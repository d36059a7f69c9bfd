import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createFolderReportWriter } from '#shared/adapters/report-files/local.ts';
import { type Locale, labelsFor } from '#shared/report/labels.ts';
import { buildReport } from '#shared/use-cases/build-report.ts';
import { tempDir } from '../temp-dir.ts';
import { memoryFindings, memoryMetrics, readOnlyRegistry } from './fixtures.ts';
import { DAY, scenarioChannels, scenarioFindings, scenarioRegistry, scenarioRuns } from './scenario.ts';

const CHROMIUM = '/usr/bin/chromium';
// Screenshots and PDFs for a person to look at: kept where REPORT_ARTIFACTS says, else in a temp folder
// that goes with the test file (never in the user's data folder).
const ARTIFACTS = process.env.REPORT_ARTIFACTS
  ? resolve(process.env.REPORT_ARTIFACTS)
  : tempDir('crm-guard-report-artifacts-');
// Without CI a machine with no Chromium skips, saying why; in CI a missing browser fails the test.
const browserMissing = !existsSync(CHROMIUM) && !process.env.CI;
if (browserMissing)
  console.warn(`report browser test skipped: ${CHROMIUM} is missing (apt-get install -y chromium)`);

const registry = readOnlyRegistry(scenarioRegistry());

async function renderScenario(locale: Locale): Promise<string> {
  const out = tempDir('crm-guard-report-');
  const result = await buildReport(
    {
      metrics: memoryMetrics(scenarioChannels()),
      findings: memoryFindings(scenarioFindings(), scenarioRuns()),
      registry,
      writer: createFolderReportWriter(out),
    },
    { day: DAY, locale, now: new Date('2026-11-02T00:30:00Z') },
  );
  return result.location;
}

const launch = () =>
  chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });

describe.skipIf(browserMissing)('the report in headless Chromium', () => {
  for (const [locale, viewport] of [
    ['ko', { width: 1200, height: 900 }],
    ['en', { width: 390, height: 844 }],
  ] as const) {
    it(`renders (${locale}, ${viewport.width}px) with no console error, no network request and the expected rows`, async () => {
      // Prepare
      const htmlPath = await renderScenario(locale);
      const browser = await launch();
      const problems: string[] = [];
      const requests: string[] = [];
      try {
        const page = await browser.newPage({ viewport });
        page.on('console', (message) => {
          if (message.type() === 'error' || message.type() === 'warning') problems.push(message.text());
        });
        page.on('pageerror', (error) => problems.push(error.message));
        page.on('request', (request) => requests.push(request.url()));

        // Act
        const url = pathToFileURL(htmlPath).href;
        await page.goto(url, { waitUntil: 'load' });
        const rows = async (id: string) =>
          page.$$eval(`#${id} tbody tr`, (trs) => trs.map((tr) => tr.getAttribute('data-channel')));
        const health = await rows('health');
        const lowPerformers = await rows('low-performers');
        // The queue is the agenda by owner: one row per owner with open decisions.
        const reviewQueue = await page.$$eval('#review-queue tbody tr', (trs) =>
          trs.map((tr) => tr.textContent ?? ''),
        );
        const changeImpact = await rows('change-impact');
        const incidentCharts = await page.$$eval('#incidents svg.band', (svgs) => svgs.length);
        const sparklines = await page.$$eval('#health svg.spark', (svgs) => svgs.length);
        const liftCell = await page.$eval('#change-impact tbody tr td:nth-child(2)', (td) => td.textContent);
        const pageWidth = await page.$eval('html', (html) => html.scrollWidth);
        mkdirSync(ARTIFACTS, { recursive: true });
        await page.screenshot({
          path: join(ARTIFACTS, `report-${locale}-${viewport.width}.png`),
          fullPage: true,
        });
        // Printed, wide tables unfold instead of hiding behind a scroll box.
        await page.emulateMedia({ media: 'print' });
        const printOverflow = await page.evaluate(
          // A string: the test's types know no DOM.
          "getComputedStyle(document.querySelector('.scroll')).overflowX",
        );
        await page.pdf({ path: join(ARTIFACTS, `report-${locale}.pdf`), format: 'A4', landscape: true });

        // Assess
        expect(problems).toEqual([]);
        expect(requests).toEqual([url]);
        expect(health).toHaveLength(6);
        expect(health[0]).toBe('payment-done');
        expect(lowPerformers).toEqual(['promo-blast', 'bill-reminder']);
        expect(reviewQueue).toHaveLength(1);
        expect(reviewQueue[0]).toContain('promo-blast');
        expect(changeImpact).toEqual(['rent-refund']);
        expect(liftCell).toContain('+34.1%');
        expect(incidentCharts).toBe(1);
        expect(sparklines).toBe(6);
        // On a phone the page itself does not scroll sideways (wide tables scroll in their own box).
        expect(pageWidth).toBeLessThanOrEqual(viewport.width);
        expect(printOverflow).toBe('visible');
      } finally {
        await browser.close();
      }
    });
  }

  for (const locale of ['en', 'ko'] as const) {
    it(`sorts a table by a header, filters it by a box, under its CSP, and fits a 375px phone (${locale})`, async () => {
      // Prepare
      const htmlPath = await renderScenario(locale);
      const url = pathToFileURL(htmlPath).href;
      const t = labelsFor(locale);
      const browser = await launch();
      const problems: string[] = [];
      try {
        const page = await browser.newPage({ viewport: { width: 375, height: 740 } });
        page.on('console', (message) => {
          if (message.type() === 'error' || message.type() === 'warning') problems.push(message.text());
        });
        page.on('pageerror', (error) => problems.push(error.message));
        // Runs before the page's own script (and outside its CSP): records every violation the page reports.
        await page.addInitScript(
          "window.__violations = []; document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));",
        );
        await page.goto(url, { waitUntil: 'load' });
        // The health table: [channel, the Sends cell's raw value, its text as shown].
        const health = () =>
          page.$$eval('#health tbody tr', (trs) =>
            trs.map((tr) => {
              const cell = tr.querySelector('td:nth-child(3)')!;
              return [
                tr.getAttribute('data-channel'),
                cell.getAttribute('data-sort'),
                cell.textContent,
              ] as const;
            }),
          );
        const visibleRows = () =>
          page.evaluate(
            "[...document.querySelectorAll('#health tbody tr')].filter((tr) => tr.getClientRects().length > 0).length",
          );
        const sendsHeader = page.locator('#health thead th:nth-child(3)');
        const filter = page.locator('input[aria-controls="health"]');
        const status = page.locator('.filter:has(input[aria-controls="health"]) [role="status"]');
        const shownOf = (shown: number, total: number) =>
          t.rowsShown.replace('{shown}', String(shown)).replace('{total}', String(total));

        // Act 1: sort by sends, by mouse, then the other way by keyboard.
        const before = await health();
        const statusBefore = await status.textContent();
        await sendsHeader.getByRole('button').click();
        const descending = await health();
        const sortAfterClick = await sendsHeader.getAttribute('aria-sort');
        await sendsHeader.getByRole('button').focus();
        await page.keyboard.press('Enter');
        const ascending = await health();
        const sortAfterEnter = await sendsHeader.getAttribute('aria-sort');

        // Act 2: filter by a word only the push channels carry, then clear it.
        await filter.fill('PUSH');
        const pushRows = await visibleRows();
        const statusFiltered = await status.textContent();
        await filter.fill('');
        const allRows = await visibleRows();

        // Act 3: the phone's layout, with the filter boxes and header buttons in place.
        const pageWidth = await page.evaluate('document.documentElement.scrollWidth');
        const healthBox = await page.$eval('#health', (table) => ({
          inner: table.parentElement!.scrollWidth,
          outer: table.parentElement!.clientWidth,
        }));
        mkdirSync(ARTIFACTS, { recursive: true });
        await page.screenshot({ path: join(ARTIFACTS, `report-${locale}-375-sorted.png`), fullPage: true });
        const violations = await page.evaluate('window.__violations');

        // Assess: numbers sort by their raw value, not by their text ("234,710" after "35,000").
        const bySends = (a: (typeof before)[number], b: (typeof before)[number]) =>
          Number(b[1]) - Number(a[1]);
        expect(before).toHaveLength(6);
        expect(descending.map((row) => row[0])).not.toEqual(before.map((row) => row[0]));
        expect(descending).toEqual([...before].sort(bySends));
        expect(ascending).toEqual([...before].sort(bySends).reverse());
        const shown = descending.map((row) => Number(row[2]!.replace(/[^\d]/g, '')));
        expect(shown).toEqual([...shown].sort((a, b) => b - a));
        expect(sortAfterClick).toBe('descending');
        expect(sortAfterEnter).toBe('ascending');
        expect(statusBefore).toBe(shownOf(6, 6));
        expect(pushRows).toBe(2);
        expect(statusFiltered).toBe(shownOf(2, 6));
        expect(allRows).toBe(6);
        expect(violations).toEqual([]);
        expect(problems).toEqual([]);
        // The page does not scroll sideways on a phone; the wide table scrolls inside its own box.
        expect(pageWidth).toBeLessThanOrEqual(375);
        expect(healthBox.inner).toBeGreaterThan(healthBox.outer);
      } finally {
        await browser.close();
      }
    });
  }

  it('is complete without JavaScript: every row, no controls', async () => {
    // Prepare
    const htmlPath = await renderScenario('en');
    const browser = await launch();
    try {
      const context = await browser.newContext({
        javaScriptEnabled: false,
        viewport: { width: 375, height: 740 },
      });
      const page = await context.newPage();

      // Act
      await page.goto(pathToFileURL(htmlPath).href, { waitUntil: 'load' });
      const healthRows = await page.$$eval('#health tbody tr', (trs) => trs.length);
      const controls = await page.$$eval('th button, .filter', (nodes) => nodes.length);
      const pageWidth = await page.evaluate('document.documentElement.scrollWidth');

      // Assess
      expect(healthRows).toBe(6);
      expect(controls).toBe(0);
      expect(pageWidth).toBeLessThanOrEqual(375);
    } finally {
      await browser.close();
    }
  });
});
