/**
 * `npm run bench`: every figure the issues set a goal for, printed. Detection scenarios run in
 * child processes (peak memory per scenario); the gate and the report run here after them.
 */
import { printDetectFigures, runDetectBench } from './detect.ts';
import { runGateBench } from './gate.ts';
import { runReportBench } from './report.ts';

const only = process.argv.slice(2);
const wants = (part: string) => only.length === 0 || only.includes(part);

console.log(`crm-guard bench on Node ${process.version}, ${new Date().toISOString()}`);
if (wants('detect')) {
  printDetectFigures(runDetectBench());
  console.log(
    'Goals: 400-channel year (default) under 0.6 s of compute, its whole backfill process under 1 s; ' +
      '100,000 channels daily (default) under 8 s and 1.2 GB.',
  );
}
if (wants('gate')) {
  console.log('\nFatigue gate');
  await runGateBench();
}
if (wants('report')) {
  const figures = await runReportBench();
  console.log(
    `\nWeekly report: ${figures.channels} channels x ${figures.days} days (${figures.rows.toLocaleString('en-US')} rows)`,
  );
  console.log(
    `  built from memory in ${figures.inMemoryMs.toFixed(0)} ms; through DuckDB (CSV) in ${figures.duckDbMs.toFixed(0)} ms (goal: under 5,000 ms)`,
  );
  console.log(
    `  HTML ${(figures.htmlBytes / 1024).toFixed(0)} KiB, ${figures.incidents} incidents, ${figures.lowPerformers} low performers`,
  );
}
