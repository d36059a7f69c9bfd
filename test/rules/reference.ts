/**
 * A slow, obviously-correct reading of the detection spec, for the property tests: per day, every
 * window is rebuilt from scratch out of a plain dense series built with a Map. Nothing is shared with
 * the production code but the config type and the Finding shape.
 */

import type { Finding, MetricName, RuleName } from '#shared/domain/finding.ts';
import { lookbackDays, type RuleConfig } from '#shared/domain/rules/config.ts';
import { isoDay } from '#shared/time/seoul.ts';

export interface Row {
  channelId: string;
  day: number;
  sends: number;
  clicks: number;
}

export interface ReferenceRun {
  findings: Finding[];
  /** Keys (date|channel|rule|metric) whose decision sits within rounding of a threshold. */
  borderline: Set<string>;
  judgedChannelDays: number;
  insufficient: Map<string, string[]>;
  lateDays: string[];
}

const EPS = 1e-9;
const near = (a: number, b: number) => Math.abs(a - b) <= EPS * Math.max(1, Math.abs(a), Math.abs(b));

export function findingKey(f: { date: string; channelId: string; rule: string; metric: string }): string {
  return `${f.date}|${f.channelId}|${f.rule}|${f.metric}`;
}

function quantile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const h = (sorted.length - 1) * p;
  const lo = sorted[Math.floor(h)]!;
  const hi = sorted[Math.min(Math.floor(h) + 1, sorted.length - 1)]!;
  return lo + (hi - lo) * (h - Math.floor(h));
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

export function referenceRun(
  rows: Row[],
  seenBefore: Set<string>,
  loaded: { from: number; to: number },
  judged: { from: number; to: number },
  rulesFor: (channelId: string) => RuleConfig,
): ReferenceRun {
  const arrived = new Set(rows.map((r) => r.day));
  const byChannel = new Map<string, Map<number, Row>>();
  for (const row of rows) {
    if (!byChannel.has(row.channelId)) byChannel.set(row.channelId, new Map());
    byChannel.get(row.channelId)!.set(row.day, row);
  }
  const channelIds = [...new Set([...byChannel.keys(), ...seenBefore])].sort();
  const run: ReferenceRun = {
    findings: [],
    borderline: new Set(),
    judgedChannelDays: 0,
    insufficient: new Map(),
    lateDays: [],
  };
  for (let t = judged.from; t <= judged.to; t++) {
    if (!arrived.has(t)) run.lateDays.push(isoDay(t));
    else run.insufficient.set(isoDay(t), []);
  }

  for (let t = judged.from; t <= judged.to; t++) {
    if (!arrived.has(t)) continue;
    for (const channelId of channelIds) {
      const own = byChannel.get(channelId) ?? new Map<number, Row>();
      const first = seenBefore.has(channelId) ? loaded.from : Math.min(...own.keys());
      if (first > t) continue;
      const rules = rulesFor(channelId);
      // The dense series, by day number: a row, else 0 on an arrived day, else NaN (late), else outside.
      const value = (metric: 'sends' | 'clicks', d: number): number | undefined => {
        if (d < first || d > loaded.to) return undefined;
        const row = own.get(d);
        if (row) return row[metric];
        return arrived.has(d) ? 0 : Number.NaN;
      };
      const ctr = (d: number): number => {
        const s = value('sends', d);
        const c = value('clicks', d);
        return s !== undefined && s >= rules.minSendsForRatio ? c! / s : Number.NaN;
      };
      const present = (get: (d: number) => number | undefined, from: number, to: number): number[] => {
        const out: number[] = [];
        for (let d = from; d <= to; d++) {
          const v = get(d);
          if (v !== undefined && !Number.isNaN(v)) out.push(v);
        }
        return out;
      };
      const date = isoDay(t);
      type Body = Omit<Finding, 'date' | 'channelId' | 'channelType' | 'rule' | 'metric' | 'status'> & {
        status: Finding['status'] | undefined;
      };
      // A finding when `status` is set; either way a decision near its threshold is marked borderline.
      const emit = (rule: RuleName, metric: MetricName, body: Body, border: boolean) => {
        if (border) run.borderline.add(findingKey({ date, channelId, rule, metric }));
        if (body.status)
          run.findings.push({ date, channelId, channelType: 'push', rule, metric, ...body } as Finding);
      };
      const tooShort = first > t - rules.minHistoryDays;
      if (tooShort) run.insufficient.get(date)!.push(channelId);
      else {
        run.judgedChannelDays++;
        const pending: Array<{ rule: RuleName; metric: MetricName; body: Body; border: boolean }> = [];
        for (const metric of ['sends', 'clicks'] as const) {
          const get = (d: number) => value(metric, d);
          const x = get(t)!;
          // Rule 0.
          const p = rules.periodicity;
          const win = present(get, t - p.window, t - 1);
          let r7 = 0;
          if (win.length >= p.minDays) {
            const m = mean(win);
            let num = 0;
            let den = 0;
            for (let d = t - p.window; d <= t - 1; d++) {
              const a = get(d);
              if (a === undefined || Number.isNaN(a)) continue;
              den += (a - m) ** 2;
              if (d + p.lag <= t - 1) {
                const b = get(d + p.lag);
                if (b !== undefined && !Number.isNaN(b)) num += (a - m) * (b - m);
              }
            }
            r7 = den === 0 ? 0 : num / den;
          }
          const periodicBorder = near(r7, p.threshold);
          if (r7 > p.threshold) {
            // Rule 1.
            const { windows, lower, upper } = rules.ma;
            const baselines = windows.map((w) => {
              const days: number[] = [];
              if (rules.ma.baseline === 'same-weekday')
                for (let back = 7; back <= w; back += 7) days.push(...present(get, t - back, t - back));
              else days.push(...present(get, t - w, t - 1));
              return days.length ? mean(days) : Number.NaN;
            });
            // Ratios are computed exactly as the fast path does: only the periodicity call can differ.
            const border = periodicBorder;
            const outs = baselines.map((b) => {
              if (Number.isNaN(b)) return false;
              if (b === 0) return x > 0;
              return x / b < lower || x / b > upper;
            });
            const nOut = outs.filter(Boolean).length;
            let widest = -1;
            outs.forEach((o, k) => {
              if (o && (widest < 0 || windows[k]! > windows[widest]!)) widest = k;
            });
            // No window out (widest -1, no finding): the body is dropped, so NaN only fills its place.
            const b = baselines[widest] ?? Number.NaN;
            const detail: Record<string, number> = { r7, windowsOut: nOut };
            windows.forEach((w, k) => {
              detail[`baseline${w}`] = baselines[k]!;
              detail[`ratio${w}`] = x / baselines[k]!;
            });
            for (const key of Object.keys(detail)) if (!Number.isFinite(detail[key])) delete detail[key];
            pending.push({
              rule: 'ma_ratio',
              metric,
              body: {
                status: nOut === 0 ? undefined : nOut === windows.length ? 'confirmed' : 'candidate',
                direction: x > b ? 'up' : 'down',
                actual: x,
                expected: b,
                lower: lower * b,
                upper: upper * b,
                detail,
              },
              border,
            });
          } else {
            // Rule 2, after every rule 1 of the day (findings go rule first, then metric).
            const zs = rules.zscore;
            const w = present(get, t - zs.window, t - 1);
            if (w.length >= 2) {
              const m = mean(w);
              const sd = Math.sqrt(w.reduce((a, v) => a + (v - m) ** 2, 0) / (w.length - 1));
              const z = (x - m) / sd;
              const hit = sd === 0 ? x !== m : Math.abs(z) > zs.threshold;
              const border = periodicBorder || (sd > 0 && near(Math.abs(z), zs.threshold));
              const detail: Record<string, number> = { z, sd, r7, days: w.length };
              if (!Number.isFinite(z)) delete detail.z;
              pending.push({
                rule: 'zscore',
                metric,
                body: {
                  status: hit ? 'confirmed' : undefined,
                  direction: x > m ? 'up' : 'down',
                  actual: x,
                  expected: m,
                  lower: m - zs.threshold * sd,
                  upper: m + zs.threshold * sd,
                  detail,
                },
                border,
              });
            }
          }
          if (periodicBorder) {
            run.borderline.add(findingKey({ date, channelId, rule: 'ma_ratio', metric }));
            run.borderline.add(findingKey({ date, channelId, rule: 'zscore', metric }));
          }
        }
        // Findings go rule first, then metric: every ma_ratio of the day before any zscore.
        pending.sort((a, b) => (a.rule === b.rule ? 0 : a.rule === 'ma_ratio' ? -1 : 1));
        for (const p of pending) emit(p.rule, p.metric, p.body, p.border);

        // Rule 3.
        const rb = rules.robust;
        const c = ctr(t);
        const hist = present(ctr, t - rb.window, t - 1);
        if (!Number.isNaN(c) && hist.length >= rb.minDays) {
          const med = quantile(hist, 0.5);
          const mad = quantile(
            hist.map((v) => Math.abs(v - med)),
            0.5,
          );
          const pLow = quantile(hist, rb.lowerPercentile / 100);
          const pHigh = quantile(hist, rb.upperPercentile / 100);
          let rz: number;
          let meanAD = Number.NaN;
          if (mad > 0) rz = (0.6745 * (c - med)) / mad;
          else {
            meanAD = mean(hist.map((v) => Math.abs(v - med)));
            rz = meanAD > 0 ? (c - med) / (1.253314 * meanAD) : c === med ? 0 : Number.POSITIVE_INFINITY;
          }
          const hit = Math.abs(rz) > rb.rz && (c < pLow || c > pHigh);
          // Order statistics are exact; only the meanAD fallback sums in another order.
          const border = mad === 0 && near(Math.abs(rz), rb.rz);
          const detail: Record<string, number> = {
            rz,
            median: med,
            mad,
            meanAD,
            [`p${rb.lowerPercentile}`]: pLow,
            [`p${rb.upperPercentile}`]: pHigh,
            days: hist.length,
          };
          for (const key of Object.keys(detail)) if (!Number.isFinite(detail[key])) delete detail[key];
          emit(
            'robust_ratio',
            'ctr',
            {
              status: hit ? 'confirmed' : undefined,
              direction: c > med ? 'up' : 'down',
              actual: c,
              expected: med,
              lower: pLow,
              upper: pHigh,
              detail,
            },
            border,
          );
        }

        // Rule 4.
        const dc = rules.decline;
        for (const metric of ['sends', 'ctr'] as const) {
          const get = metric === 'ctr' ? ctr : (d: number) => value('sends', d);
          const minDays = metric === 'ctr' ? Math.max(1, dc.ctrMinDays) : 1;
          let border = false;
          const windowMean = (d: number) => {
            if (d - dc.window < first) return Number.NaN;
            const w = present(get, d - dc.window, d - 1);
            return w.length >= minDays ? mean(w) : Number.NaN;
          };
          const below = (d: number) => {
            const v = get(d);
            const m = windowMean(d);
            // Integer sends sum exactly in both; the rolling CTR sum may differ in the last bits.
            if (metric === 'ctr' && v !== undefined && near(v, dc.fraction * m)) border = true;
            return v !== undefined && v < dc.fraction * m;
          };
          let streak = 0;
          while (t - streak >= first && below(t - streak)) streak++;
          if (streak >= dc.days || border) {
            const m = windowMean(t);
            emit(
              'decline',
              metric,
              {
                status: streak >= dc.days ? 'confirmed' : undefined,
                direction: 'down',
                actual: get(t)!,
                expected: m,
                lower: dc.fraction * m,
                upper: m,
                detail: {
                  daysBelow: Math.min(streak, lookbackDays(rules) - dc.window + 1),
                  windowMean: m,
                  fraction: dc.fraction,
                },
              },
              border,
            );
          }
        }
      }

      // Rule 5.
      const lp = rules.lowPerformer;
      const week = [];
      for (let d = t - lp.days + 1; d <= t; d++) week.push(d);
      const sends = week.map((d) => value('sends', d));
      const clicks = week.map((d) => value('clicks', d));
      if (sends.every((v) => v !== undefined && !Number.isNaN(v))) {
        const s7 = sends.reduce((a, b) => a! + b!, 0)!;
        const k7 = clicks.reduce((a, b) => a! + b!, 0)!;
        if (s7 >= lp.minSends && k7 / s7 < lp.maxCtr)
          emit(
            'low_performer',
            'ctr',
            {
              status: 'confirmed',
              direction: 'down',
              actual: k7 / s7,
              expected: lp.maxCtr,
              lower: 0,
              upper: lp.maxCtr,
              detail: { sends: s7, clicks: k7, days: lp.days },
            },
            false,
          );
      }
    }
  }
  return run;
}
