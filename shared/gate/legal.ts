import { addDays, addSeoulYears, seoulDay, seoulHour, seoulInstant } from '#shared/time/seoul.ts';
import type { DecisionKind, DecisionReason, DecisionRequest } from './decision.ts';

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

/** Undefined when the law lets the send through to the quota checks; else the refusal or the deferral. */
export function legalCheck(request: DecisionRequest, at: Date): LegalVerdict | undefined {
  if (request.messageClass !== 'advertising') return undefined;
  // Alimtalk is an information-only channel by KakaoTalk's terms: advertising there is never allowed.
  if (request.channel === 'alimtalk') return { decision: 'deny', reason: 'ad_on_alimtalk' };
  if (!request.consent.ad || !request.consent.adConsentedAt)
    return { decision: 'deny', reason: 'no_ad_consent' };
  if (at.getTime() > adConsentExpiry(new Date(request.consent.adConsentedAt)).getTime())
    return { decision: 'deny', reason: 'ad_consent_expired' };
  // Night-time consent is required on every medium but email (제50조③); hold the send, do not drop it.
  if (request.channel !== 'email' && isNight(at) && !request.consent.nightAd)
    return { decision: 'defer', reason: 'night_ad_without_consent', deferUntil: nightEnds(at) };
  return undefined;
}
