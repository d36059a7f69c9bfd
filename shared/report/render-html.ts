import { createHash } from 'node:crypto';
import { seoulTimestamp } from '#shared/time/seoul.ts';
import {
  CATEGORY_LABELS,
  DECISION_LABELS,
  type Labels,
  type Locale,
  labelsFor,
  METRIC_LABELS,
  SEVERITY_LABELS,
  STATUS_LABELS,
  VERDICT_LABELS,
} from './labels.ts';
import {
  type ChangeImpactRow,
  HEALTH_STATUSES,
  type HealthRow,
  type IncidentRow,
  type LowPerformerRow,
  type WeeklyReport,
  weekJudged,
} from './model.ts';
import { bandChart, escapeXml as esc, sparkline } from './svg.ts';

/** Number formats shared by the HTML (the CSV and JSON keep raw numbers). */
export function formatters(locale: Locale) {
  const tag = locale === 'ko' ? 'ko-KR' : 'en-US';
  const integer = new Intl.NumberFormat(tag, { maximumFractionDigits: 0 });
  const compact = new Intl.NumberFormat(tag, { notation: 'compact', maximumFractionDigits: 1 });
  const pp = locale === 'ko' ? '%p' : ' pp';
  return {
    int: (value: number) => integer.format(value),
    pct: (value: number | null, digits = 2) =>
      value === null || !Number.isFinite(value) ? '-' : `${(value * 100).toFixed(digits)}%`,
    /** A share below a stated limit, cut rather than rounded: 2.996% under "below 3%" reads 2.99%. */
    pctBelow: (value: number, digits = 2) =>
      `${(Math.floor(value * 100 * 10 ** digits) / 10 ** digits).toFixed(digits)}%`,
    signedPct: (value: number | null, digits = 1) =>
      value === null || !Number.isFinite(value)
        ? '-'
        : `${value >= 0 ? '+' : '\u2212'}${Math.abs(value * 100).toFixed(digits)}%`,
    signedPp: (value: number | null) =>
      value === null || !Number.isFinite(value)
        ? '-'
        : `${value >= 0 ? '+' : '\u2212'}${Math.abs(value * 100).toFixed(2)}${pp}`,
    compact: (value: number) => compact.format(value),
    /** A count; one under 1 (an expected 0.4 sends) is shown as such, not rounded to 0. */
    count: (value: number) =>
      !Number.isFinite(value)
        ? '-'
        : value !== 0 && Math.abs(value) < 1
          ? value.toFixed(Math.abs(value) < 0.1 ? 2 : 1)
          : integer.format(value),
    p: (value: number) => (!Number.isFinite(value) ? '-' : value < 0.001 ? '< 0.001' : value.toFixed(3)),
  };
}

/** A stored instant as Seoul time with its offset, `2026-11-02 09:30 +09:00` (unreadable: as stored). */
function seoulClock(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  return seoulTimestamp(new Date(ms));
}

const STYLE = `
:root{--ink:#111827;--muted:#6b7280;--line:#e5e7eb;--bg:#f9fafb;--accent:#4f46e5;--bad:#dc2626;--warn:#d97706;--ok:#047857}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;font:14px/1.5 system-ui,-apple-system,"Noto Sans CJK KR","Noto Sans KR","Apple SD Gothic Neo","Malgun Gothic",sans-serif;color:var(--ink);background:var(--bg)}
main{max-width:1400px;margin:0 auto;padding:16px}
header h1{font-size:22px;margin:0 0 4px}
header p{margin:0;color:var(--muted)}
header p,.note,.incident p,footer{overflow-wrap:anywhere}
h2{font-size:17px;margin:28px 0 6px;padding-bottom:4px;border-bottom:2px solid var(--ink)}
.note{color:var(--muted);font-size:12px;margin:0 0 8px}
.warn{color:#b42318;font-size:13px;font-weight:normal}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(140px,1fr));gap:8px;margin-top:14px}
.card{background:#fff;border:1px solid var(--line);border-radius:8px;padding:10px 12px}
.card b{display:block;font-size:20px}
.card span{color:var(--muted);font-size:12px}
.scroll{overflow-x:auto;background:#fff;border:1px solid var(--line);border-radius:8px}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{padding:6px 8px;border-bottom:1px solid var(--line);text-align:left;vertical-align:middle;white-space:nowrap}
th{background:#f3f4f6;font-weight:600;font-size:12px;position:sticky;top:0}
th button{font:inherit;color:inherit;background:none;border:0;padding:0;margin:0;cursor:pointer;text-align:inherit;white-space:inherit}
th button::after{content:"\\2195";margin-left:3px;color:var(--muted);font-weight:normal}
th[aria-sort=ascending] button::after{content:"\\2191";color:var(--accent)}
th[aria-sort=descending] button::after{content:"\\2193";color:var(--accent)}
th button:focus-visible,.filter input:focus-visible{outline:2px solid var(--accent);outline-offset:2px}
.filter{display:flex;flex-wrap:wrap;align-items:center;gap:4px 10px;margin:0 0 6px}
.filter input{font:inherit;font-size:16px;padding:4px 8px;border:1px solid var(--line);border-radius:6px;width:100%;max-width:18rem;min-width:0;background:#fff;color:var(--ink)}
.filter span{color:var(--muted);font-size:12px}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
td.wrap{white-space:normal;min-width:180px}
tbody tr:last-child td{border-bottom:0}
.id{color:var(--muted);font-size:11px;display:block}
.pill{display:inline-block;padding:1px 8px;border-radius:999px;font-size:12px;background:#e5e7eb}
.s-anomalous,.s-silent,.sev-critical,.sev-high{background:#fee2e2;color:#991b1b}
.s-low_performer,.sev-medium{background:#fef3c7;color:#92400e}
.s-insufficient_history,.sev-low,.sev-info{background:#e0e7ff;color:#3730a3}
.s-healthy{background:#d1fae5;color:#065f46}
.s-retired,.s-paused{background:#f3f4f6;color:#4b5563}
.open{background:#fee2e2;color:#991b1b}
.up{color:var(--ok)}.down{color:var(--bad)}
.incidents{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,460px),1fr));gap:10px}
.incident{background:#fff;border:1px solid var(--line);border-radius:8px;padding:10px 12px;break-inside:avoid}
.incident h3{font-size:14px;margin:0 0 2px}
.incident p{margin:0 0 6px;color:var(--muted);font-size:12px}
svg.band{width:100%;height:auto;display:block}
svg text{font-size:10px;fill:#6b7280}
svg.spark{display:block}
footer{color:var(--muted);font-size:12px;margin:24px 0}
@media (max-width:600px){main{padding:10px}header h1{font-size:19px}th,td{padding:5px 6px}.id{font-size:12px}svg.band text{font-size:13px}}
@media print{body{background:#fff;font-size:11px}main{max-width:none;padding:0}.scroll{overflow:visible;border:0}
th{position:static}h2{break-after:avoid}tr,.incident,.card{break-inside:avoid}table{font-size:10px}
.filter input,th button::after{display:none}}
`;

/**
 * The page's one script, inline: sortable columns (a header button; numbers by the cell's data-sort, its
 * raw value) and a filter box per table. It only adds to a page that is complete without it, and the
 * Content-Security-Policy allows exactly this text by its hash.
 */
export const TABLE_SCRIPT = String.raw`
(() => {
  const script = document.currentScript;
  const lang = document.documentElement.lang;
  const collator = new Intl.Collator(lang, { numeric: true, sensitivity: 'base' });
  const count = new Intl.NumberFormat(lang);
  const rowsLabel = (shown, total) =>
    script.dataset.rows.replace('{shown}', count.format(shown)).replace('{total}', count.format(total));
  const textOf = (node) => {
    const walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
    let text = '';
    while (walker.nextNode()) text += ' ' + walker.currentNode.nodeValue;
    return text.replace(/\s+/g, ' ').trim();
  };
  // The cell's raw value: data-sort when the renderer wrote one, else its text.
  const key = (cell, numeric) => {
    const raw = cell ? (cell.dataset.sort ?? textOf(cell)) : '';
    if (raw === '') return null;
    if (!numeric) return raw;
    const value = Number.parseFloat(raw.replace(/\u2212/g, '-').replace(/[^\d.eE+-]/g, ''));
    return Number.isFinite(value) ? value : null;
  };
  for (const table of document.querySelectorAll('.scroll > table')) {
    const body = table.tBodies[0];
    const heads = table.tHead ? [...table.tHead.rows[0].cells] : [];
    if (!body) continue;
    const rows = [...body.rows];
    const texts = rows.map((row) => textOf(row).toLocaleLowerCase());
    heads.forEach((th, col) => {
      const numeric = th.classList.contains('num');
      // A column of charts only (no text, no raw value) has nothing to sort by.
      if (rows.every((row) => key(row.cells[col], false) === null)) return;
      const button = document.createElement('button');
      button.type = 'button';
      button.append(...th.childNodes);
      th.append(button);
      button.addEventListener('click', () => {
        const current = th.getAttribute('aria-sort');
        // Numbers first show the largest, text A to Z; a second click reverses.
        const ascending = current ? current === 'descending' : !numeric;
        for (const other of heads) other.removeAttribute('aria-sort');
        th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
        const keyed = rows.map((row, index) => ({ row, index, value: key(row.cells[col], numeric) }));
        keyed.sort((a, b) => {
          // Rows without a value ("-") stay last either way.
          if (a.value === null || b.value === null)
            return (a.value === null) - (b.value === null) || a.index - b.index;
          const order = numeric ? a.value - b.value : collator.compare(a.value, b.value);
          return (ascending ? order : -order) || a.index - b.index;
        });
        body.append(...keyed.map((entry) => entry.row));
      });
    });
    const bar = document.createElement('div');
    bar.className = 'filter';
    const input = document.createElement('input');
    input.type = 'search';
    input.placeholder = script.dataset.filter;
    input.setAttribute('aria-label', script.dataset.filter);
    input.setAttribute('aria-controls', table.id);
    const status = document.createElement('span');
    status.setAttribute('role', 'status');
    status.textContent = rowsLabel(rows.length, rows.length);
    input.addEventListener('input', () => {
      const terms = input.value.toLocaleLowerCase().split(/\s+/).filter(Boolean);
      let shown = 0;
      rows.forEach((row, index) => {
        row.hidden = !terms.every((term) => texts[index].includes(term));
        if (!row.hidden) shown += 1;
      });
      status.textContent = rowsLabel(shown, rows.length);
    });
    bar.append(input, status);
    table.parentElement.before(bar);
  }
})();
`;

/** The CSP source that allows one inline script: the base64 SHA-256 of its exact text. */
export function scriptHashSource(script: string): string {
  return `'sha256-${createHash('sha256').update(script, 'utf8').digest('base64')}'`;
}

/** Channel names a review-queue row lists before "and N more" (the ranking above has every row). */
const QUEUE_NAMES = 8;

/** The open decisions by owner, the owner with the most unclicked sends first: the review's agenda. */
function queueByOwner(rows: readonly LowPerformerRow[]) {
  const groups = new Map<string, { owner: string; rows: LowPerformerRow[]; unclicked: number }>();
  for (const row of rows) {
    const group = groups.get(row.owner) ?? { owner: row.owner, rows: [], unclicked: 0 };
    group.rows.push(row);
    group.unclicked += row.unclickedSends;
    groups.set(row.owner, group);
  }
  return [...groups.values()].sort((a, b) => b.unclicked - a.unclicked || a.owner.localeCompare(b.owner));
}

/** The report as one self-contained HTML page: inline CSS, SVG and one hashed script, nothing fetched. */
export function renderHtml(report: WeeklyReport, locale: Locale): string {
  const t = labelsFor(locale);
  const f = formatters(locale);
  const status = STATUS_LABELS[locale];
  const owner = (name: string) => (name === 'unassigned' ? t.unassigned : name);
  const channelCell = (row: { channelId: string; name: string }) =>
    `<td>${esc(row.name)}${row.name === row.channelId ? '' : `<span class="id">${esc(row.channelId)}</span>`}</td>`;
  const category = (value: string) => esc(CATEGORY_LABELS[locale][value] ?? value);
  // Changes under 0.05% (or 0.005 pp) are shown without colour: nothing moved.
  const trendClass = (value: number | null) =>
    value === null || Math.abs(value) < 0.0005 ? '' : value > 0 ? 'up' : 'down';
  // A numeric cell's raw value, for the page's column sort ('' for a missing value: sorted last).
  const raw = (value: number | null | undefined) =>
    ` data-sort="${value === null || value === undefined || !Number.isFinite(value) ? '' : value}"`;

  const lowPerformer = report.lowPerformerRule;
  const blockedBy = report.lowPerformersBlockedBy.join(', ');
  // No ranking: the data is younger than rule 5's window, each run lacked a day of it, or none ran.
  const young = report.lowPerformersTooYoung;
  const unranked = young
    ? t.lowPerformersTooYoung(young.dataFrom, lowPerformer.days, young.firstRanking)
    : blockedBy
      ? t.lowPerformersBlocked(blockedBy, lowPerformer.days, report.week.to)
      : t.lowPerformersNotJudged;
  // The owners' latest decision, with who and when; an open one stands out.
  const decisionCell = (row: LowPerformerRow) =>
    row.decision
      ? `<span class="pill">${esc(DECISION_LABELS[locale][row.decision] ?? row.decision)}</span>${row.note ? ` ${esc(row.note)}` : ''}<span class="id">${esc(row.decidedBy ?? '')} ${esc(row.decidedAt ? seoulClock(row.decidedAt) : '')}</span>`
      : `<span class="pill open">${esc(t.open)}</span>`;

  const cards = [
    [f.int(report.totals.channels), t.channels],
    [f.int(report.totals.sends), t.sends],
    [f.pct(report.totals.ctr), t.ctr],
    // Each tile counts what its section's heading counts; a week detection never judged has no count.
    [weekJudged(report) ? f.int(report.incidents.length) : '-', t.incidents],
    // A week detection never judged has no ranking: '-', not 0.
    [report.lowPerformersAsOf ? f.int(report.lowPerformers.length) : '-', t.lowPerformers],
    [report.lowPerformersAsOf ? f.int(report.reviewQueue.length) : '-', t.openDecisions],
  ]
    .map(([value, label]) => `<div class="card"><b>${esc(value!)}</b><span>${esc(label!)}</span></div>`)
    .join('');

  const incident = (row: IncidentRow) => {
    const format = row.metric === 'ctr' ? (v: number) => f.pct(v, 1) : f.count;
    const verdict = row.verdict
      ? ` <span class="pill s-${row.verdict.verdict === 'confirmed' ? 'anomalous' : 'healthy'}">${esc(t.verdict)}: ${esc(VERDICT_LABELS[locale][row.verdict.verdict] ?? row.verdict.verdict)}</span>`
      : '';
    const verdictLine = row.verdict
      ? `<p>${esc(t.verdict)}: ${esc(VERDICT_LABELS[locale][row.verdict.verdict] ?? row.verdict.verdict)} (${esc(row.verdict.by)})${row.verdict.note ? ` · ${esc(row.verdict.note)}` : ''}</p>`
      : '';
    return `<article class="incident"><h3>${esc(row.name)} <span class="pill sev-${row.severity}">${esc(SEVERITY_LABELS[locale][row.severity] ?? row.severity)}</span>${verdict}</h3>${verdictLine}
<p>${esc(row.channelId)} · ${esc(owner(row.owner))} · ${esc(METRIC_LABELS[locale][row.metric] ?? row.metric)} ${row.direction === 'down' ? '\u2193' : '\u2191'} · ${row.firstDay}${row.lastDay === row.firstDay ? '' : ` ~ ${row.lastDay}`} (${row.days}${locale === 'ko' ? '일' : 'd'}) · ${esc(row.rules.join(', '))}</p>
<p>${t.actual}${row.figuresDay === row.lastDay ? '' : ` (${row.figuresDay})`} <b>${esc(format(row.actual))}</b>${row.expected > 0 ? ` (${f.signedPct(row.actual / row.expected - 1, 0)})` : ''} · ${t.expected} ${esc(format(row.expected))}${row.lower === null || row.upper === null ? '' : ` · ${t.band} ${esc(format(row.lower))} ~ ${esc(format(row.upper))}`}${row.impact === null ? '' : ` · ${t.impact(row.metric === 'ctr' || row.metric === 'clicks' ? 'clicks' : 'sends')} ${esc(f.int(row.impact))}`}</p>
${bandChart(row.chart, { label: `${row.name} ${row.metric}`, format, tickFormat: row.metric === 'ctr' ? format : f.compact })}</article>`;
  };

  const healthRow = (row: HealthRow) =>
    `<tr data-channel="${esc(row.channelId)}">${channelCell(row)}<td data-sort="${HEALTH_STATUSES.indexOf(row.status)}"><span class="pill s-${row.status}">${esc(status[row.status])}</span></td>
<td class="num"${raw(row.sends)}>${f.int(row.sends)}</td><td class="num ${trendClass(row.sendsChange)}"${raw(row.sendsChange)}>${f.signedPct(row.sendsChange)}</td>
<td class="num"${raw(row.ctr)}>${f.pct(row.ctr)}</td><td class="num ${trendClass(row.ctrChange)}"${raw(row.ctrChange)}>${f.signedPp(row.ctrChange)}</td>
<td>${sparkline(row.dailySends, { label: `${row.name} ${t.chart8w}` })}</td>
<td>${esc(owner(row.owner))}</td><td>${category(row.category)}</td><td>${esc(row.channelType)}</td></tr>`;

  const impactRow = (row: ChangeImpactRow) => {
    const c = row.comparison;
    const window = (w: ChangeImpactRow['before']) =>
      w
        ? `<b>${f.pct(w.ctr)}</b> · ${f.int(w.sendsPerDay)} / ${f.int(w.clicksPerDay)}<span class="id">${w.from} ~ ${w.to} (${row.windowDays}${t.daysUnit})</span>`
        : '-';
    const verdict = !c
      ? esc(t.notEnoughData)
      : `${row.significant ? `<span class="pill s-healthy">${esc(t.significant)}</span>` : esc(t.notSignificant)}<span class="id">p ${f.p(c.pValue)} · z ${Number.isFinite(c.z) ? c.z.toFixed(2) : '-'}</span>`;
    return `<tr data-channel="${esc(row.channelId)}">${channelCell(row)}
<td class="num ${trendClass(c?.relativeLift ?? null)}"${raw(c?.relativeLift)}><b>${c ? f.signedPct(c.relativeLift) : '-'}</b>${c ? `<span class="id">${f.signedPp(c.difference)}</span>` : ''}</td>
<td class="num"${raw(c?.relativeLiftCi[0])}>${c ? `${f.signedPct(c.relativeLiftCi[0])} ~ ${f.signedPct(c.relativeLiftCi[1])}<span class="id">${f.signedPp(c.differenceCi[0])} ~ ${f.signedPp(c.differenceCi[1])}</span>` : '-'}</td>
<td>${verdict}</td>
<td class="num"${raw(row.before?.ctr)}>${window(row.before)}</td><td class="num"${raw(row.after?.ctr)}>${window(row.after)}</td>
<td class="num ${trendClass(row.volumeChange)}"${raw(row.volumeChange)}>${f.signedPct(row.volumeChange)}</td>
<td>${row.changeDay}</td><td class="wrap">${esc(row.what)}</td><td>${esc(owner(row.owner))}</td></tr>`;
  };

  const table = (id: string, head: string[], numeric: boolean[], rows: string[], empty: string) =>
    rows.length === 0
      ? `<p class="note" id="${id}-empty">${esc(empty)}</p>`
      : `<div class="scroll"><table id="${id}"><thead><tr>${head.map((h, i) => `<th${numeric[i] ? ' class="num"' : ''}>${esc(h)}</th>`).join('')}</tr></thead><tbody>
${rows.join('\n')}
</tbody></table></div>`;

  const fresh = report.freshness;
  const runsMissing = fresh.runs.filter((run) => run.finishedAt === null).length;
  // Coverage first: "no incidents" is only said of the days detection judged.
  const unjudged = fresh.runs.filter((run) => run.finishedAt === null).map((run) => run.day);
  const freshnessLine = `${t.lastDataDay}: <b>${fresh.lastDataDay ?? '-'}</b> · ${t.missingDays}: ${fresh.missingDays.length ? esc(fresh.missingDays.join(', ')) : t.none} · ${t.run}: ${7 - runsMissing}/7`;

  return `<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src ${scriptHashSource(TABLE_SCRIPT)}">
<title>${esc(t.title)} ${report.week.from} ~ ${report.week.to}</title>
<style>${STYLE}</style>
</head>
<body><main>
<header><h1>${esc(t.title)}</h1><p>${t.week}: <b>${report.week.from} ~ ${report.week.to}</b> · ${t.generated}: ${esc(seoulClock(report.generatedAt))}</p>
<p>${freshnessLine}</p></header>
<section class="cards" aria-label="${esc(t.summary)}">${cards}</section>

<h2>${esc(t.incidents)} (${report.incidents.length})${unjudged.length ? ` <span class="warn">${esc(t.judgedDays(7 - unjudged.length, unjudged.join(', ')))}</span>` : ''}</h2>
<p class="note">${esc(t.bandNote)}</p>
${report.incidents.length ? `<div class="incidents" id="incidents">${report.incidents.map(incident).join('\n')}</div>` : `<p class="note" id="incidents-empty">${esc(unjudged.length ? t.noIncidentsOnJudged(7 - unjudged.length) : t.noIncidents)}</p>`}

<h2>${esc(t.lowPerformers)} (${report.lowPerformers.length})</h2>
${
  // A week never judged says so once, where the table would be.
  report.lowPerformersAsOf
    ? `<p class="note">${esc(
        t.lowPerformersNote(
          f.int(lowPerformer.minSends),
          f.pct(lowPerformer.maxCtr, 0),
          lowPerformer.days,
          report.lowPerformersAsOf,
        ) + (blockedBy ? t.laterRunsBlocked(blockedBy) : ''),
      )}</p>`
    : ''
}
${table(
  'low-performers',
  [t.channel, t.unclicked, t.ctr, t.sends, t.clicks, t.decision, t.owner, t.category],
  [false, true, true, true, true, false, false, false],
  report.lowPerformers.map(
    (row) =>
      `<tr data-channel="${esc(row.channelId)}">${channelCell(row)}<td class="num"${raw(row.unclickedSends)}><b>${f.int(row.unclickedSends)}</b></td><td class="num"${raw(row.ctr)}>${f.pctBelow(row.ctr)}</td><td class="num"${raw(row.sends)}>${f.int(row.sends)}</td><td class="num"${raw(row.clicks)}>${f.int(row.clicks)}</td><td>${decisionCell(row)}</td><td>${esc(owner(row.owner))}</td><td>${category(row.category)}</td></tr>`,
  ),
  report.lowPerformersAsOf ? t.noLowPerformers : unranked,
)}

<h2>${esc(t.reviewQueue)} (${report.reviewQueue.length})</h2>
<p class="note">${esc(t.reviewQueueNote)}</p>
${table(
  'review-queue',
  [t.owner, t.openDecisions, t.unclicked, t.channels],
  [false, true, true, false],
  queueByOwner(report.reviewQueue).map(
    (group) =>
      `<tr><td>${esc(owner(group.owner))}</td><td class="num"${raw(group.rows.length)}>${f.int(group.rows.length)}</td><td class="num"${raw(group.unclicked)}>${f.int(group.unclicked)}</td>
<td class="wrap">${group.rows
        .slice(0, QUEUE_NAMES)
        .map((row) => esc(row.name))
        .join(
          ', ',
        )}${group.rows.length > QUEUE_NAMES ? ` ${esc(t.andMore(group.rows.length - QUEUE_NAMES))}` : ''}</td></tr>`,
  ),
  !report.lowPerformersAsOf ? unranked : report.lowPerformers.length ? t.noOpenDecisions : t.noLowPerformers,
)}

<h2>${esc(t.changeImpact)} (${report.changeImpact.length})</h2>
<p class="note">${esc(t.changeImpactNote)}</p>
${table(
  'change-impact',
  [t.channel, t.lift, t.ci95, t.test, t.before, t.after, t.volume, t.changeDay, t.change, t.owner],
  [false, true, true, false, true, true, true, false, false, false],
  report.changeImpact.map(impactRow),
  t.noChanges,
)}

${
  report.verdicts.total.confirmed + report.verdicts.total.falseAlarm + report.verdicts.total.expected
    ? `<h2>${esc(t.verdicts)} (${report.verdicts.total.confirmed + report.verdicts.total.falseAlarm + report.verdicts.total.expected})</h2>
<p class="note">${esc(t.verdictsNote)} ${esc(t.precision)}: <b>${report.verdicts.total.precision === null ? '-' : f.pct(report.verdicts.total.precision)}</b></p>
${table(
  'verdicts',
  [t.rule, t.confirmed, t.falseAlarm, t.expectedVerdict, t.precision],
  [false, true, true, true, true],
  report.verdicts.byRule.map(
    (row) =>
      `<tr><td>${esc(row.rule)}</td><td class="num"${raw(row.confirmed)}>${row.confirmed}</td><td class="num"${raw(row.falseAlarm)}>${row.falseAlarm}</td><td class="num"${raw(row.expected)}>${row.expected}</td><td class="num"${raw(row.precision)}>${row.precision === null ? '-' : f.pct(row.precision)}</td></tr>`,
  ),
  '-',
)}
${table(
  'verdicts-by-channel',
  [t.channel, t.confirmed, t.falseAlarm, t.expectedVerdict, t.precision],
  [false, true, true, true, true],
  report.verdicts.byChannel.map(
    (row) =>
      `<tr data-channel="${esc(row.channelId)}"><td>${esc(row.channelId)}</td><td class="num"${raw(row.confirmed)}>${row.confirmed}</td><td class="num"${raw(row.falseAlarm)}>${row.falseAlarm}</td><td class="num"${raw(row.expected)}>${row.expected}</td><td class="num"${raw(row.precision)}>${row.precision === null ? '-' : f.pct(row.precision)}</td></tr>`,
  ),
  '-',
)}`
    : ''
}

${
  report.muted.length
    ? `<h2>${esc(t.muted)} (${report.muted.length})</h2>
<p class="note">${esc(t.mutedNote)}</p>
${table(
  'muted',
  [t.channel, t.mutedFrom, t.mutedUntil, t.reason, t.mutedBy, t.owner],
  [false, false, false, false, false, false],
  report.muted.map(
    (row) => `<tr data-channel="${esc(row.channelId)}">${channelCell(row)}
<td>${esc(row.from)}</td><td>${esc(row.until ?? t.untilUnmuted)}</td><td class="wrap">${esc(row.reason)}</td><td>${esc(row.by)}</td><td>${esc(owner(row.owner))}</td></tr>`,
  ),
  '-',
)}`
    : ''
}

<h2>${esc(t.health)} (${report.health.length})</h2>
${table(
  'health',
  [t.channel, t.status, t.sends, t.trend, t.ctr, t.trend, t.chart8w, t.owner, t.category, t.type],
  [false, false, true, true, true, true, false, false, false, false],
  report.health.map(healthRow),
  '-',
)}

<h2>${esc(t.freshness)}</h2>
<p class="note">${freshnessLine}</p>
${table(
  'freshness',
  [t.runDay, t.finishedAt, t.findings, t.alerts],
  [false, false, true, true],
  fresh.runs.map(
    (run) =>
      `<tr><td>${run.day}</td><td>${run.finishedAt ? esc(seoulClock(run.finishedAt)) : `<span class="pill open">${esc(t.notRun)}</span>`}</td><td class="num"${raw(run.findings)}>${run.findings === null ? '-' : f.int(run.findings)}</td><td class="num"${raw(run.alerts)}>${run.alerts === null ? '-' : f.int(run.alerts)}</td></tr>`,
  ),
  '-',
)}
<footer>crm-guard · ${esc(t.files)}</footer>
</main>
<script data-filter="${esc(t.filterRows)}" data-rows="${esc(t.rowsShown)}">${TABLE_SCRIPT}</script>
</body></html>
`;
}

export type { Labels };
