import { type IsoDay, isIsoDay } from '#shared/time/seoul.ts';
import { VERDICTS, type VerdictName } from './feedback.ts';

/**
 * One-click feedback from the digest: a link names the channel, the day and the verdict, expires,
 * and carries a MAC over all of it (KMS in AWS, a local key on one machine), so no secret travels and
 * nobody can forge a vote. The link opens a page that asks to confirm with a button: mail scanners
 * that fetch links never vote.
 */

/** How long a digest's links work. */
export const FEEDBACK_LINK_DAYS = 14;

export interface FeedbackLinkClaim {
  channelId: string;
  day: IsoDay;
  verdict: VerdictName;
  /** Epoch seconds after which the link no longer works. */
  expires: number;
}

/** What the MAC is computed over: every field, versioned, in a fixed order. */
export function feedbackLinkMessage(claim: FeedbackLinkClaim): string {
  return `crm-guard-feedback|v1|${claim.channelId}|${claim.day}|${claim.verdict}|${claim.expires}`;
}

export function feedbackLinkUrl(base: string, claim: FeedbackLinkClaim, signature: string): string {
  const query = new URLSearchParams({
    c: claim.channelId,
    d: claim.day,
    v: claim.verdict,
    e: String(claim.expires),
    s: signature,
  });
  return `${base.replace(/\/+$/, '')}/v1/feedback?${query.toString()}`;
}

/**
 * An HMAC-SHA256 in base64url (32 bytes, 43 characters). Anything else is refused before the signer
 * sees it: KMS answers an empty or oversized MAC with an error, not with "invalid".
 */
export function isLinkSignature(signature: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(signature);
}

/** The claim and signature of a link's parameters, or what is wrong with them. */
export function readFeedbackLink(
  params: Record<string, string | undefined>,
): { ok: true; claim: FeedbackLinkClaim; signature: string } | { ok: false; problem: string } {
  const { c, d, v, e, s } = params;
  if (!c || !d || !v || !e || !s) return { ok: false, problem: 'the link is incomplete' };
  if (!isIsoDay(d)) return { ok: false, problem: 'the link names no valid day' };
  if (!(VERDICTS as readonly string[]).includes(v))
    return { ok: false, problem: 'the link names no valid verdict' };
  if (!/^\d{1,12}$/.test(e)) return { ok: false, problem: 'the link has no valid expiry' };
  if (c.length > 200) return { ok: false, problem: 'the link names no valid channel' };
  if (!isLinkSignature(s)) return { ok: false, problem: 'the link has no valid signature' };
  return {
    ok: true,
    claim: { channelId: c, day: d, verdict: v as VerdictName, expires: Number(e) },
    signature: s,
  };
}
