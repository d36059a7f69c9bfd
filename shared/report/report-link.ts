import { isLinkSignature } from '#shared/domain/feedback-link.ts';
import { type IsoDay, isIsoDay } from '#shared/time/seoul.ts';
import { LOCALES, type Locale } from './labels.ts';

/**
 * The weekly report's link in its e-mail: the week and the language, an expiry and a MAC over them
 * (the feedback links' KMS key). The page behind it presigns the report for a few minutes when the
 * link is opened, so the link works for weeks: an S3 link presigned by the report job would die with
 * the job's credentials within hours, before the weekly review.
 */

/** How long a report's link works: the week's review and the three after it. */
export const REPORT_LINK_DAYS = 28;

export interface ReportLinkClaim {
  /** Last day of the reported week. */
  day: IsoDay;
  locale: Locale;
  /** Epoch seconds after which the link no longer works. */
  expires: number;
}

/** What the MAC is computed over: every field, versioned, in a fixed order (not a feedback link's). */
export function reportLinkMessage(claim: ReportLinkClaim): string {
  return `crm-guard-report|v1|${claim.day}|${claim.locale}|${claim.expires}`;
}

export function reportLinkUrl(base: string, claim: ReportLinkClaim, signature: string): string {
  const query = new URLSearchParams({
    d: claim.day,
    l: claim.locale,
    e: String(claim.expires),
    s: signature,
  });
  return `${base.replace(/\/+$/, '')}/v1/report?${query.toString()}`;
}

/** The claim and signature of a link's parameters, or what is wrong with them. */
export function readReportLink(
  params: Record<string, string | undefined>,
): { ok: true; claim: ReportLinkClaim; signature: string } | { ok: false; problem: string } {
  const { d, l, e, s } = params;
  if (!d || !l || !e || !s) return { ok: false, problem: 'the link is incomplete' };
  if (!isIsoDay(d)) return { ok: false, problem: 'the link names no valid week' };
  if (!(LOCALES as readonly string[]).includes(l))
    return { ok: false, problem: 'the link names no valid language' };
  if (!/^\d{1,12}$/.test(e)) return { ok: false, problem: 'the link has no valid expiry' };
  if (!isLinkSignature(s)) return { ok: false, problem: 'the link has no valid signature' };
  return { ok: true, claim: { day: d, locale: l as Locale, expires: Number(e) }, signature: s };
}

/** The report's folder, as the report job wrote it: `<day>/<locale>`. */
export function reportFolder(claim: Pick<ReportLinkClaim, 'day' | 'locale'>): string {
  return `${claim.day}/${claim.locale}`;
}
