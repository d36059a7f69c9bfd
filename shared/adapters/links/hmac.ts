import { createHmac, timingSafeEqual } from 'node:crypto';
import type { LinkSigner } from '#shared/ports/link-signer.ts';

/** HMAC-SHA256 with a key the local data folder keeps (`crm-guard serve` and the local digest share it). */
export function createHmacLinkSigner(key: string): LinkSigner {
  const mac = (message: string) => createHmac('sha256', key).update(message).digest();
  return {
    async sign(message) {
      return mac(message).toString('base64url');
    },
    async verify(message, signature) {
      const expected = mac(message);
      const given = Buffer.from(signature, 'base64url');
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
  };
}
