import { closeSync, existsSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { openDuckDbMetrics } from '#shared/adapters/duckdb/metrics-source.ts';
import { readUtf8File } from '#shared/adapters/local/text-file.ts';
import { loadCrmGuardConfig } from '#shared/config/crm-guard-config.ts';
import { parseChannelFactsCsv } from '#shared/config/registry-input.ts';
import { findingForOutput, type JudgedFinding } from '#shared/domain/finding.ts';
import { UsageError } from '#shared/errors.ts';
import { seoulYesterday } from '#shared/time/seoul.ts';
import { backfill } from '#shared/use-cases/judge-range.ts';
import type { Command } from './command.ts';
import {
  configFlag,
  dataDirFlag,
  FLAG_DEFAULTS,
  inputFlag,
  outFlag,
  profileFlag,
  requiredDayFlag,
  stringFlag,
} from './options.ts';

const LINES_PER_WRITE = 1000;

/**
 * One JSON line a finding, a thousand lines a write: a write per line spends more on the call than on
 * the JSON. Synchronous: nothing else runs meanwhile, and a stream's buffering only cost time here.
 */
function writeJsonLines(path: string, findings: readonly JudgedFinding[]): void {
  const fd = openSync(path, 'w');
  try {
    for (let start = 0; start < findings.length; start += LINES_PER_WRITE) {
      let chunk = '';
      const end = Math.min(findings.length, start + LINES_PER_WRITE);
      for (let i = start; i < end; i++) chunk += `${JSON.stringify(findingForOutput(findings[i]!))}\n`;
      writeSync(fd, chunk);
    }
  } finally {
    closeSync(fd);
  }
}

const command: Command = {
  name: 'backfill',
  example:
    'crm-guard backfill --input .crm-guard/sample-lake --from 2026-09-01 --to 2026-09-30 --out findings.jsonl',
  summary: 'Judge every day of a range (sends nothing, stores nothing): one JSON line per finding.',
  usage:
    'crm-guard backfill [--input PATH] --from YYYY-MM-DD --to YYYY-MM-DD [--profile default|seed] [--channels FILE.csv] [--config FILE] --out FILE.jsonl',
  defaults: {
    '--input': FLAG_DEFAULTS.input,
    '--profile': FLAG_DEFAULTS.profile,
    '--channels': "the lake folder's own channels.csv if it has one, else none (no registry facts)",
    '--config': FLAG_DEFAULTS.config,
  },
  options: {
    input: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    profile: { type: 'string' },
    channels: { type: 'string' },
    config: { type: 'string' },
    out: { type: 'string' },
  },
  async run(values) {
    const input = inputFlag(values, dataDirFlag(values));
    const out = outFlag(values);
    if (!out) throw new UsageError('--out is required (a .jsonl file)');
    // Written by renaming over it: a folder or a device there would be replaced, or refuse half way.
    const there = statSync(out, { throwIfNoEntry: false });
    if (there && !there.isFile())
      throw new UsageError(
        `--out ${out} is ${there.isDirectory() ? 'a folder' : 'not a regular file'}: give the path of a .jsonl file`,
      );
    const from = requiredDayFlag(values, 'from');
    const to = requiredDayFlag(values, 'to');
    if (from > to) throw new UsageError(`--from ${from} is after --to ${to}`);
    // As detect: a day not over yet in Seoul has rows still landing; judged, its drops would page.
    const yesterday = seoulYesterday(new Date());
    if (to > yesterday)
      throw new UsageError(`--to ${to} is after yesterday (${yesterday}), the last day detection can judge`);
    const profile = profileFlag(values);
    const config = loadCrmGuardConfig(configFlag(values));
    // The registry's facts (category, status, schedule, recorded changes) come from a file here: a
    // backfill may judge any lake, and the local registry belongs to the sample's. A lake folder's own
    // `channels.csv` (as `sample-data` writes it) is read unless another file is named.
    const besideLake = join(input, 'channels.csv');
    const channelsFile =
      stringFlag(values, 'channels') ??
      (statSync(input, { throwIfNoEntry: false })?.isDirectory() && existsSync(besideLake)
        ? besideLake
        : undefined);
    const facts = channelsFile ? parseChannelFactsCsv(readUtf8File(channelsFile), channelsFile) : undefined;

    const metrics = await openDuckDbMetrics({ input });
    let result: Awaited<ReturnType<typeof backfill>>;
    try {
      result = await backfill({ from, to, profile, config, ...(facts ? { facts } : {}) }, { metrics });
    } finally {
      await metrics.close();
    }
    // Written beside the target and renamed into place: a failed run leaves no half file behind.
    const partial = `${out}.partial`;
    try {
      writeJsonLines(partial, result.findings);
      renameSync(partial, out);
    } catch (error) {
      if (statSync(partial, { throwIfNoEntry: false })?.isFile()) rmSync(partial);
      throw error;
    }
    const alerts = result.findings.filter((finding) => finding.alert).length;
    console.log(
      `${from}..${to} (profile ${profile}): ${result.findings.length} findings, ${alerts} paging, ` +
        `${result.judgedChannelDays} channel-days judged${result.lateDays.length ? `, late days not judged: ${result.lateDays.join(', ')}` : ''} -> ${out}` +
        (channelsFile ? ` (registry facts from ${channelsFile})` : ''),
    );
    return 0;
  },
};

export default command;
