import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { VerdictName } from '#shared/domain/feedback.ts';
import { feedbackLinkMessage, readFeedbackLink } from '#shared/domain/feedback-link.ts';
import type { FeedbackStore } from '#shared/ports/feedback-store.ts';
import type { LinkSigner } from '#shared/ports/link-signer.ts';
import type { ReportOpener } from '#shared/report/render-data.ts';
import { readReportLink, reportFolder, reportLinkMessage } from '#shared/report/report-link.ts';

/**
 * The pages behind the e-mails' links. The one-click feedback page (`GET /v1/feedback?...`) checks
 * the link's signature and expiry and asks to confirm with a button; only the button's POST records
 * the verdict, so a mail scanner that opens every link never votes. The weekly report's link
 * (`GET /v1/report?...`) is checked the same way, then redirected to the report for a few minutes. No
 * login: the signature is the key.
 */

export interface FeedbackPageDeps {
  signer: LinkSigner;
  feedback: Pick<FeedbackStore, 'record' | 'verdicts'>;
  /** Where the weekly reports are; absent: report links answer that they are not served here. */
  reports?: ReportOpener;
  now?: () => Date;
}

const LABEL: Record<VerdictName, string> = {
  confirmed: 'confirmed: a real incident',
  'false-alarm': 'a false alarm: nothing was wrong',
  expected: 'expected: a change we knew about',
};

const esc = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

function page(status: number, title: string, body: string): APIGatewayProxyResult {
  return {
    statusCode: status,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy':
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
    },
    body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(title)}</title></head><body style="font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem"><h1 style="font-size:1.3rem">${esc(title)}</h1>${body}</body></html>`,
  };
}

/** 405 with the page's own headers (its content type, CSP and no-store) and the methods allowed. */
function notAllowed(allow: string, body: string): APIGatewayProxyResult {
  const answer = page(405, 'Not here', body);
  return { ...answer, headers: { ...answer.headers, allow } };
}

function formValues(event: APIGatewayProxyEvent): URLSearchParams {
  const raw = event.body
    ? event.isBase64Encoded
      ? Buffer.from(event.body, 'base64').toString('utf8')
      : event.body
    : '';
  return new URLSearchParams(raw);
}

export function createFeedbackPageHandler(deps: FeedbackPageDeps) {
  const now = deps.now ?? (() => new Date());
  /** A signed link's claim, or the page that says why it does not work: malformed, expired, forged. */
  const verified = async <C extends { expires: number }>(
    link: { ok: true; claim: C; signature: string } | { ok: false; problem: string },
    message: (claim: C) => string,
    instead: string,
  ): Promise<{ ok: true; claim: C } | { ok: false; result: APIGatewayProxyResult }> => {
    if (!link.ok)
      return { ok: false, result: page(400, 'This link does not work', `<p>${esc(link.problem)}.</p>`) };
    if (now().getTime() / 1000 > link.claim.expires)
      return { ok: false, result: page(410, 'This link has expired', `<p>${instead}</p>`) };
    if (!(await deps.signer.verify(message(link.claim), link.signature)))
      return {
        ok: false,
        result: page(403, 'This link is not valid', '<p>It was altered or not made by crm-guard.</p>'),
      };
    return { ok: true, claim: link.claim };
  };
  const checked = (event: APIGatewayProxyEvent) =>
    verified(
      readFeedbackLink(event.queryStringParameters ?? {}),
      feedbackLinkMessage,
      'Give the verdict with <code>crm-guard feedback</code> instead.',
    );

  /** A weekly report's link: checked, then a redirect to the report, presigned for minutes. */
  const openReport = async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    if ((event.httpMethod ?? 'GET').toUpperCase() !== 'GET')
      return notAllowed('GET', '<p>Open the link from the e-mail.</p>');
    const link = await verified(
      readReportLink(event.queryStringParameters ?? {}),
      reportLinkMessage,
      "Open a later week's e-mail, or make the report again with <code>crm-guard report</code>.",
    );
    if (!link.ok) return link.result;
    if (!deps.reports)
      return page(404, 'Reports are not served here', '<p>Open the report where it was written.</p>');
    const url = await deps.reports.open(reportFolder(link.claim));
    if (!url)
      return page(
        404,
        'This report is no longer kept',
        `<p>The report of the week ending ${esc(link.claim.day)} was removed after the reports' retention period.</p>`,
      );
    return {
      statusCode: 302,
      headers: { location: url, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' },
      body: '',
    };
  };

  return async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    if ((event.resource ?? event.path ?? '').endsWith('/v1/report')) return openReport(event);
    const method = (event.httpMethod ?? 'GET').toUpperCase();
    if (method !== 'GET' && method !== 'POST')
      return notAllowed('GET, POST', '<p>Open the link from the digest.</p>');
    const link = await checked(event);
    if (!link.ok) return link.result;
    const { claim } = link;
    const what = `${esc(claim.channelId)} on ${esc(claim.day)}`;
    const earlier = (await deps.feedback.verdicts({ from: claim.day, to: claim.day })).find(
      (verdict) => verdict.channelId === claim.channelId,
    );
    const earlierLine = earlier
      ? `<p>Already recorded as <b>${esc(LABEL[earlier.verdict])}</b> by ${esc(earlier.by)}${earlier.note ? `: “${esc(earlier.note)}”` : ''}.</p>`
      : '';
    if (method === 'GET')
      return page(
        200,
        `Record the alert on ${claim.channelId} as ${claim.verdict}?`,
        // A question until the button is pressed: the page must not read as if it were already recorded.
        `${earlierLine}<p>${earlier ? 'Record it again' : 'Record the alert on'} <b>${what}</b> as <b>${esc(LABEL[claim.verdict])}</b>?${earlier ? ' This replaces what was recorded.' : ''}</p>
<form method="post"><p><label>Your name (optional) <input name="by" maxlength="100"></label></p>
<p><label>Note (optional) <input name="note" maxlength="500" style="width:100%"></label></p>
<p><button type="submit" style="font-size:1rem;padding:.5rem 1rem">Record it</button></p></form>
<p style="color:#666">${claim.verdict === 'confirmed' ? '' : 'This closes the incident: it is not paged again while it lasts. '}Nothing is recorded until you press the button.</p>`,
      );
    const form = formValues(event);
    const name = form.get('by')?.trim().slice(0, 100);
    const note = form.get('note')?.trim().slice(0, 500);
    // A second press of the same verdict with nothing to add (a double click, a colleague's click on
    // the same mail) keeps who recorded it and their note.
    if (earlier?.verdict === claim.verdict && !name && !note)
      return page(200, 'Already recorded', `${earlierLine}<p>Nothing was changed.</p>`);
    const by = name || 'one-click link';
    await deps.feedback.record({
      channelId: claim.channelId,
      day: claim.day,
      verdict: claim.verdict,
      ...(note ? { note } : {}),
      by,
      at: now().toISOString(),
    });
    return page(
      200,
      'Recorded, thank you',
      `<p>The alert on <b>${what}</b>: <b>${esc(LABEL[claim.verdict])}</b>.</p>`,
    );
  };
}
