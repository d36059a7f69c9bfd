import type { BandChart } from './model.ts';

/** Small inline SVG charts: no script, no fonts fetched, they scale with the page and print. */

const round = (value: number) => Math.round(value * 10) / 10;

function extent(values: (number | null)[]): [number, number] {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const value of values)
    if (value !== null && Number.isFinite(value)) {
      min = Math.min(min, value);
      max = Math.max(max, value);
    }
  if (min === Number.POSITIVE_INFINITY) return [0, 1];
  if (min === max) return [min - 1, max + 1];
  return [min, max];
}

/** A path through the values; a null breaks the line (late data, or before the channel began). */
function linePath(values: (number | null)[], x: (i: number) => number, y: (v: number) => number): string {
  let path = '';
  let pen = false;
  values.forEach((value, i) => {
    if (value === null || !Number.isFinite(value)) {
      pen = false;
      return;
    }
    path += `${pen ? 'L' : 'M'}${round(x(i))} ${round(y(value))}`;
    pen = true;
  });
  return path;
}

/** A sparkline of daily values with the last `highlightDays` shaded (the report week). */
export function sparkline(
  values: (number | null)[],
  options: { label: string; highlightDays?: number },
): string {
  const width = 120;
  const height = 28;
  const [min, max] = extent([0, ...values]);
  const step = width / Math.max(1, values.length - 1);
  const x = (i: number) => i * step;
  const y = (v: number) => height - 2 - ((v - min) / (max - min)) * (height - 4);
  const highlight = options.highlightDays ?? 7;
  const shadeX = x(values.length - highlight) - step / 2;
  return (
    `<svg class="spark" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeXml(options.label)}">` +
    `<rect x="${round(shadeX)}" y="0" width="${round(width - shadeX)}" height="${height}" fill="#eef2ff"/>` +
    `<path d="${linePath(values, x, y)}" fill="none" stroke="#4f46e5" stroke-width="1.3" stroke-linejoin="round"/>` +
    '</svg>'
  );
}

/** The incident chart: the metric's days against the expected band, flagged days in red. */
export function bandChart(
  chart: BandChart,
  options: {
    label: string;
    format: (value: number) => string;
    /** The axis labels: short (146.7K), so they fit the margin on a phone. */
    tickFormat?: (value: number) => string;
    flaggedLabel?: string;
  },
): string {
  const width = 440;
  const height = 150;
  const left = 50;
  const right = 8;
  const top = 10;
  const bottom = 24;
  const [min, max] = extent([...chart.values, ...chart.lower, ...chart.upper, ...chart.expected]);
  const floor = Math.min(min, 0) === 0 && min >= 0 ? 0 : min;
  const span = max - floor || 1;
  const plotWidth = width - left - right;
  const plotHeight = height - top - bottom;
  const step = plotWidth / Math.max(1, chart.days.length - 1);
  const x = (i: number) => left + i * step;
  const y = (v: number) => top + plotHeight - ((v - floor) / span) * plotHeight;

  // The band on each day detection judged: runs of days as one shape, a lone day as a bar one day wide.
  let band = '';
  let segment: { i: number; lower: number; upper: number }[] = [];
  const flush = () => {
    if (segment.length === 1) {
      const { i, lower, upper } = segment[0]!;
      const half = Math.max(2, step * 0.4);
      band += `<rect x="${round(x(i) - half)}" y="${round(y(upper))}" width="${round(2 * half)}" height="${round(Math.max(1, y(lower) - y(upper)))}" fill="#d1d5db" opacity="0.7"/>`;
    } else if (segment.length > 1) {
      const upper = segment.map((p) => `${round(x(p.i))} ${round(y(p.upper))}`);
      const lower = segment.map((p) => `${round(x(p.i))} ${round(y(p.lower))}`).reverse();
      band += `<path d="M${upper.join('L')}L${lower.join('L')}Z" fill="#d1d5db" opacity="0.7"/>`;
    }
    segment = [];
  };
  chart.days.forEach((_, i) => {
    const lower = chart.lower[i];
    const upper = chart.upper[i];
    if (lower === null || upper === null || lower === undefined || upper === undefined) flush();
    else segment.push({ i, lower, upper });
  });
  flush();
  const expected = chart.expected.some((v) => v !== null)
    ? `<path d="${linePath(chart.expected, x, y)}" fill="none" stroke="#6b7280" stroke-width="1.2" stroke-dasharray="3 2"/>` +
      chart.expected
        .map((v, i) =>
          v === null || chart.expected[i - 1] != null || chart.expected[i + 1] != null
            ? ''
            : `<line x1="${round(x(i) - step * 0.4)}" x2="${round(x(i) + step * 0.4)}" y1="${round(y(v))}" y2="${round(y(v))}" stroke="#6b7280" stroke-width="1.2" stroke-dasharray="3 2"/>`,
        )
        .join('')
    : '';

  const flagged = new Set(chart.flagged);
  const dots = chart.days
    .map((day, i) => {
      const value = chart.values[i];
      if (!flagged.has(day) || value === null || value === undefined) return '';
      return `<circle cx="${round(x(i))}" cy="${round(y(value))}" r="3.5" fill="#dc2626"><title>${day}: ${escapeXml(options.format(value))}</title></circle>`;
    })
    .join('');
  const ticks = [floor, floor + span / 2, floor + span]
    .map(
      (value) =>
        `<line x1="${left}" x2="${width - right}" y1="${round(y(value))}" y2="${round(y(value))}" stroke="#e5e7eb"/>` +
        `<text x="${left - 4}" y="${round(y(value) + 3)}" text-anchor="end">${escapeXml((options.tickFormat ?? options.format)(value))}</text>`,
    )
    .join('');
  const first = chart.days[0] ?? '';
  const last = chart.days.at(-1) ?? '';
  return (
    `<svg class="band" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeXml(options.label)}" preserveAspectRatio="xMidYMid meet">` +
    ticks +
    band +
    expected +
    `<path d="${linePath(chart.values, x, y)}" fill="none" stroke="#1f2937" stroke-width="1.6" stroke-linejoin="round"/>` +
    dots +
    `<text x="${left}" y="${height - 6}">${first.slice(5)}</text>` +
    `<text x="${width - right}" y="${height - 6}" text-anchor="end">${last.slice(5)}</text>` +
    '</svg>'
  );
}

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
