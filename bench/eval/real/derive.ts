/**
 * `npx node bench/eval/real/derive.ts <prophet examples dir>`: writes this folder's `dt,sends` files from
 * facebook/prophet's example series (see README.md). Wikipedia page views are stored as log(views):
 * sends = round(exp(y)); the pedestrian counts are stored as counts. Rows sorted by day, gaps kept.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const SOURCES = [
  { from: 'example_wp_log_peyton_manning.csv', to: 'wp_peyton_manning.csv', log: true },
  { from: 'example_wp_log_R.csv', to: 'wp_r.csv', log: true },
  { from: 'example_pedestrians_covid.csv', to: 'pedestrians_covid.csv', log: false },
];

const dir = process.argv[2];
if (!dir) throw new Error('usage: derive.ts <directory holding the prophet example CSVs>');
for (const source of SOURCES) {
  const rows = readFileSync(join(dir, source.from), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => {
      const [ds, y] = line.replaceAll('"', '').split(',');
      const value = Number(y);
      if (!/^\d{4}-\d{2}-\d{2}$/.test(ds ?? '') || !Number.isFinite(value))
        throw new Error(`${source.from}: ${line}`);
      return { dt: ds!, sends: Math.round(source.log ? Math.exp(value) : value) };
    })
    .sort((a, b) => (a.dt < b.dt ? -1 : 1));
  writeFileSync(
    join(import.meta.dirname, source.to),
    `dt,sends\n${rows.map((row) => `${row.dt},${row.sends}`).join('\n')}\n`,
  );
  console.log(source.to, rows.length, rows[0]!.dt, rows.at(-1)!.dt);
}
