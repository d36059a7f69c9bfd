import { loadCrmGuardConfig } from '#shared/config/crm-guard-config.ts';
import { directedChange, plannedChanges, rankAlerts, stillOpen } from '#shared/domain/digest.ts';
import { findingForOutput } from '#shared/domain/finding.ts';
import type { RunRecord } from '#shared/domain/run-record.ts';
import { seoulIsoTimestamp, seoulTimestamp, seoulYesterday } from '#shared/time/seoul.ts';
import { type DetectDayResult, detectDay } from '#shared/use-cases/detect-day.ts';
import { openLocalDetection } from '../local-wiring.ts';
import { openStackStores, stackEnvironment } from '../stack-wiring.ts';
import { alertTable } from './alert-table.ts';
import type { Command } from './command.ts';
import {
  commonOptions,
  configFlag,
  dataDirFlag,
  dayFlag,
  FLAG_DEFAULTS,
  inputFlag,
  profileFlag,
  shownPath,
} from './options.ts';

/** Runs the daily job for one day on this machine and prints what pages. */
export async function runDetect(request: {
  day: string;
  input: string;
  dataDir: string;
  profile: 'default' | 'seed';
  configPath?: string;
  /** Store and send; a run of the `seed` profile is a look unless asked. */
  send?: boolean;
  /** Print the run and its alerts as JSON on stdout, and nothing else there. */
  json?: boolean;
}): Promise<number> {
  const config = loadCrmGuardConfig(request.configPath);
  const local = await openLocalDetection({ input: request.input, dataDir: request.dataDir });
  try {
    const send = request.send ?? request.profile === 'default';
    const result = await detectDay(
      {
        day: request.day,
        profile: request.profile,
        config,
        // A folder of database files is no place to read findings: say what reads them.
        findingsAt: `the embedded DynamoDB under ${local.paths.dynamo} (read by crm-guard incidents and crm-guard report)`,
        send,
      },
      local.ports,
    );
    const { run } = result;
    if (request.json) {
      console.log(JSON.stringify(detectJson(result, request.input), null, 2));
      return 0;
    }
    console.log(`crm-guard detect ${run.day} (profile ${run.profile}) on ${shownPath(request.input)}\n`);
    const missing = run.missingDays.length ? `; data missing for ${run.missingDays.join(', ')}` : '';
    if (!result.stored && result.digestAlreadySent) {
      // Told in full before and now partial or missing: the day is being rewritten, not looked at.
      console.log(
        `The digest for ${run.day} went out on an earlier run, and its data now reads partial or missing: ` +
          'what the digest paged stays stored; re-run the day once the data has landed.',
      );
      return 0;
    }
    if (!result.stored) {
      // A look at a day whose data has not arrived says so, rather than "no alerts".
      if (run.missingDays.includes(run.day))
        console.log(`The data for ${run.day} has not arrived yet: nothing was judged.`);
      else console.log(alertTable(result.findings, result.channels));
      console.log(
        `\n${run.channelsJudged} channels judged, ${run.findings} findings, ${run.alerts} would page${missing}. ` +
          'A look: nothing stored or sent (add --send to store these findings and send their digest).',
      );
      return 0;
    }
    if (run.missingDays.includes(run.day)) {
      console.log(`The data for ${run.day} has not arrived yet: nothing was judged. Re-run once it lands.`);
      if (result.digest) console.log(`Provisional digest appended to ${shownPath(local.paths.alertsJsonl)}.`);
      return 0;
    }
    if (run.partialData)
      console.log(
        `Far fewer channels sent on ${run.day} than on this weekday lately: the data is still landing, or sends ` +
          'stopped across many channels. Drops are held; re-run the day once the data has landed.\n',
      );
    console.log(alertTable(result.findings, result.channels));
    const open = stillOpen(result.findings);
    if (open.length)
      console.log(
        `\nStill open (paged on an earlier day, not paged again): ${open.map((finding) => `${finding.channelId} (${finding.severity})`).join(', ')}.`,
      );
    // As the digest's EXPECTED section: what the owners said would move, and did not page.
    const expected = plannedChanges(result.findings);
    if (expected.length)
      console.log(
        `\nExpected (changes the owners recorded for the day, not paged): ${expected.map((finding) => `${finding.channelId} (${directedChange(finding)})`).join(', ')}.`,
      );
    console.log(
      `\n${run.channelsJudged} channels judged, ${run.findings} findings recorded, ${run.alerts} paging` +
        (run.insufficientHistory.length
          ? `, ${run.insufficientHistory.length} with too little history to judge`
          : '') +
        missing +
        '.',
    );
    const where = shownPath(local.paths.dynamo);
    console.log(
      `Findings stored in the embedded DynamoDB under ${where}/ (table crm-guard-findings, day ${run.day}).`,
    );
    if (result.digest && result.correction)
      console.log(
        `The digest for this day went out on an earlier run; this run pages channels it did not: a correction appended to ${shownPath(local.paths.alertsJsonl)}.`,
      );
    else if (result.digest)
      console.log(
        `${run.partialData ? 'Provisional digest' : 'Digest'} appended to ${shownPath(local.paths.alertsJsonl)}.`,
      );
    else if (result.digestAlreadySent) {
      // When: the team can find the digest they already have.
      const sentAt = run.digestSentAt ?? run.provisionalSentAt;
      const when = sentAt ? ` at ${seoulTimestamp(sentAt)}` : '';
      console.log(`The digest for this day went out on an earlier run${when}: not sent again.`);
    }
    return 0;
  } finally {
    await local.close();
  }
}

/** The run's timestamps with Seoul's offset, as every --json prints them. */
function runJson(run: RunRecord) {
  const { startedAt, finishedAt, digestSentAt, provisionalSentAt } = run;
  return {
    ...run,
    startedAt: seoulIsoTimestamp(startedAt),
    finishedAt: seoulIsoTimestamp(finishedAt),
    ...(digestSentAt ? { digestSentAt: seoulIsoTimestamp(digestSentAt) } : {}),
    ...(provisionalSentAt ? { provisionalSentAt: seoulIsoTimestamp(provisionalSentAt) } : {}),
  };
}

/** `detect --json`: the run, whether it stored and sent, and what pages (worst first, with name and owner). */
function detectJson(result: DetectDayResult, input: string) {
  const { run } = result;
  return {
    input,
    stored: result.stored,
    digest: result.digest
      ? result.correction
        ? 'correction'
        : run.missingDays.includes(run.day) || run.partialData
          ? 'provisional'
          : 'sent'
      : result.digestAlreadySent
        ? 'already-sent'
        : 'none',
    run: runJson(run),
    alerts: rankAlerts(result.findings).map((finding) => {
      const card = result.channels.get(finding.channelId);
      return { ...findingForOutput(finding), ...(card ? { name: card.name, owner: card.owner } : {}) };
    }),
  };
}

const detect: Command = {
  name: 'detect',
  example: 'crm-guard detect --date 2026-11-30',
  summary: 'The daily job: judge one day of every channel, store the findings, send one digest.',
  usage:
    'crm-guard detect [--date YYYY-MM-DD] [--input PATH] [--profile default|seed] [--send] [--json] [--config FILE] [--data DIR]',
  defaults: {
    '--date': FLAG_DEFAULTS.yesterday,
    '--input': FLAG_DEFAULTS.input,
    '--profile': FLAG_DEFAULTS.profile,
    '--send': 'on with --profile default (store and send), off with seed (a look)',
    '--config': FLAG_DEFAULTS.config,
    '--data': FLAG_DEFAULTS.data,
  },
  options: {
    ...commonOptions,
    date: { type: 'string' },
    send: { type: 'boolean' },
    json: { type: 'boolean' },
  },
  async run(values) {
    const stack = stackEnvironment();
    if (stack) {
      // In AWS the detect function reads the lake through Athena: the CLI asks it to run the day.
      const stores = await openStackStores(stack);
      const day = dayFlag(values, 'date') ?? seoulYesterday(new Date());
      const result = (await stores.invoke('detect', {
        day,
        ...(values.profile ? { profile: profileFlag(values) } : {}),
      })) as RunRecord & { digestSent: boolean };
      if (values.json) {
        console.log(JSON.stringify({ stack, ...runJson(result) }, null, 2));
        return 0;
      }
      console.log(
        `crm-guard detect ${result.day} in ${stack}: ${result.channelsJudged} channels judged, ${result.findings} findings, ` +
          `${result.alerts} paging; digest ${result.digestSent ? 'sent' : 'not sent (already sent, or nothing to send)'}.`,
      );
      return 0;
    }
    const dataDir = dataDirFlag(values);
    return runDetect({
      day: dayFlag(values, 'date') ?? seoulYesterday(new Date()),
      input: inputFlag(values, dataDir),
      dataDir,
      profile: profileFlag(values),
      configPath: configFlag(values),
      ...(values.send === true ? { send: true } : {}),
      ...(values.json === true ? { json: true } : {}),
    });
  },
};

export default detect;
