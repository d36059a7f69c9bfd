import { describe, expect, it } from 'vitest';
import { labelsFor } from '#shared/report/labels.ts';
import { formatters, renderHtml } from '#shared/report/render-html.ts';
import { finding } from './fixtures.ts';
import { scenarioFindings, scenarioReport } from './scenario.ts';

const build = (findings = scenarioFindings()) => scenarioReport({ findings });

/** The summary tiles as `label: value` pairs. */
function tiles(html: string): Record<string, string> {
  const cards = [...html.matchAll(/<div class="card"><b>([^<]*)<\/b><span>([^<]*)<\/span><\/div>/g)];
  return Object.fromEntries(cards.map((m) => [m[2]!, m[1]!]));
}

describe('the numbers of the report page', () => {
  it('shows in each tile the count its section heading shows', () => {
    // Act
    const report = build();
    const html = renderHtml(report, 'en');

    // Assess
    const t = labelsFor('en');
    const tile = tiles(html);
    expect(report.lowPerformers).toHaveLength(2);
    expect(tile[t.incidents]).toBe(String(report.incidents.length));
    expect(html).toContain(`${t.incidents} (${report.incidents.length})`);
    expect(tile[t.lowPerformers]).toBe(String(report.lowPerformers.length));
    expect(html).toContain(`${t.lowPerformers} (${report.lowPerformers.length})`);
    expect(tile[t.openDecisions]).toBe(String(report.reviewQueue.length));
    expect(html).toContain(`${t.reviewQueue} (${report.reviewQueue.length})`);
    expect(tile[t.channels]).toBe(String(report.health.length));
  });

  it('shows an expected value under 1 as such and never a band below zero', () => {
    // Prepare: a small channel's page with the detector's raw figures.
    const small = finding({
      date: '2026-10-31',
      channelId: 'new-event',
      direction: 'up',
      actual: 12,
      expected: 0.4,
      lower: -1,
      upper: 2,
    });

    // Act
    const html = renderHtml(build([small]), 'en');

    // Assess
    expect(html).toContain('Expected 0.4 · Expected band 0 ~ 2');
    expect(html).not.toContain('-1 ~');
    expect(formatters('en').count(0.04)).toBe('0.04');
    expect(formatters('en').count(1_060)).toBe('1,060');
  });

  it('says a week detection never judged has no ranking, with no 0 in its tiles', () => {
    // Prepare: no run in the week.
    const report = scenarioReport({ runs: new Map() });
    const t = labelsFor('en');

    // Act
    const html = renderHtml(report, 'en');

    // Assess
    expect(tiles(html)[t.lowPerformers]).toBe('-');
    expect(tiles(html)[t.openDecisions]).toBe('-');
    expect(html).toContain('id="low-performers-empty">Detection did not run this week');
    // Once under the ranking's heading (and once more for the review queue), not twice for the ranking.
    expect(html.split(t.lowPerformersNotJudged).length - 1).toBe(2);
    expect(html).not.toContain(t.noLowPerformers);
  });

  it('lists the review queue by owner, not the ranking twice', () => {
    // Act
    const html = renderHtml(build(), 'en');

    // Assess: one open decision (promo-blast, unassigned).
    const queue = html.slice(
      html.indexOf('<table id="review-queue">'),
      html.indexOf('</table>', html.indexOf('<table id="review-queue">')),
    );
    expect(queue.match(/<tr>/g)).toHaveLength(2);
    expect(queue).toContain('promo-blast');
    expect(queue).not.toContain('data-channel');
  });
});
