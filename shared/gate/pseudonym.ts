import { createHmac } from 'node:crypto';

/**
 * How user ids appear in decision logs: a keyed hash (HMAC-SHA256), so one user's lines still join up
 * across requests and days, while the logs alone neither hold the id nor let anyone without the key
 * test a guess against them.
 */
export function userIdPseudonym(key: string): (userId: string) => string {
  return (userId) => `u_${createHmac('sha256', key).update(userId).digest('base64url').slice(0, 22)}`;
}
