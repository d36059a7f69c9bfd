import { addDays, addSeoulYears, isIsoDay, seoulDay, seoulHour, seoulInstant } from '#shared/time/seoul.ts';
import type { DecisionKind, DecisionReason, DecisionRequest } from './decision.ts';
import type { ChannelRules } from './policy.ts';

/**
 * Korea's rules for advertising (정보통신망법 제50조), checked before any quota and without the store,
 * so they hold when the store is down. Fines run to KRW 30M a violation: every check fails closed.
 */

export interface LegalVerdict {
  decision: Exclude<DecisionKind, 'allow'>;
  reason: DecisionReason;
  deferUntil?: Date;
}

export const NIGHT_STARTS_HOUR = 21;
export const NIGHT_ENDS_HOUR = 8;

/** The instant ad consent given at `consentedAt` stops counting: two calendar years later, Seoul time. */
export function adConsentExpiry(consentedAt: Date): Date {
  return addSeoulYears(consentedAt, 2);
}

/** 21:00 to 08:00 Asia/Seoul. */
export function isNight(at: Date): boolean {
  const hour = seoulHour(at);
  return hour >= NIGHT_STARTS_HOUR || hour < NIGHT_ENDS_HOUR;
}

/** The next 08:00 Asia/Seoul at or after a night-time instant. */
export function nightEnds(at: Date): Date {
  const day = seoulDay(at);
  return seoulHour(at) >= NIGHT_STARTS_HOUR
    ? seoulInstant(addDays(day, 1), NIGHT_ENDS_HOUR)
    : seoulInstant(day, NIGHT_ENDS_HOUR);
}

/** A consent record: a calendar date is 00:00 Asia/Seoul that day; a date-time carries its offset. */
export function consentInstant(text: string): Date {
  return isIsoDay(text) ? seoulInstant(text) : new Date(text);
}

/**
 * The first instant at or after `from` when the night rule lets this send out: a deferral (an ad gap
 * that ends at 22:00) never points a caller into the night only to be deferred again.
 */
export function nextLawfulSend(request: DecisionRequest, from: Date): Date {
  const nightRuleHolds =
    request.messageClass === 'advertising' && request.channel !== 'email' && !request.consent?.nightAd;
  return nightRuleHolds && isNight(from) ? nightEnds(from) : from;
}

/** Whether an ad's consent (present, given by then) still counts at `at`. */
export function adConsentHolds(request: DecisionRequest, at: Date): boolean {
  const given = request.consent?.adConsentedAt;
  if (!request.consent?.ad || !given) return false;
  const consentedAt = consentInstant(given);
  return consentedAt.getTime() <= at.getTime() && at.getTime() <= adConsentExpiry(consentedAt).getTime();
}

/**
 * Undefined when the law and the channel's terms let the send through to the quota checks; else the
 * refusal or the deferral, judged at `at`: the gate passes the later of the planned send and now, as
 * nothing goes out before now (a send time in the past revives no consent and dodges no night).
 */
export function legalCheck(
  request: DecisionRequest,
  at: Date,
  channels: Readonly<Record<string, ChannelRules>>,
): LegalVerdict | undefined {
  // A channel the policy does not list carries nothing; alimtalk carries no advertising (KakaoTalk's terms).
  if (!channels[request.channel]?.carries.includes(request.messageClass))
    return {
      decision: 'deny',
      reason:
        request.channel === 'alimtalk' && request.messageClass === 'advertising'
          ? 'ad_on_alimtalk'
          : 'not_carried_by_channel',
    };
  if (request.messageClass !== 'advertising') return undefined;
  const { consent } = request;
  if (!consent?.ad || !consent.adConsentedAt) return { decision: 'deny', reason: 'no_ad_consent' };
  const consentedAt = consentInstant(consent.adConsentedAt);
  if (consentedAt.getTime() > at.getTime()) return { decision: 'deny', reason: 'no_ad_consent' };
  if (at.getTime() > adConsentExpiry(consentedAt).getTime())
    return { decision: 'deny', reason: 'ad_consent_expired' };
  // Night-time consent is required on every medium but email (제50조③); hold the send, do not drop it.
  if (request.channel !== 'email' && isNight(at) && !consent.nightAd) {
    const deferUntil = nightEnds(at);
    // Consent that lapses before 08:00 is no consent for the morning's send.
    if (!adConsentHolds(request, deferUntil)) return { decision: 'deny', reason: 'ad_consent_expired' };
    return { decision: 'defer', reason: 'night_ad_without_consent', deferUntil };
  }
  return undefined;
}
