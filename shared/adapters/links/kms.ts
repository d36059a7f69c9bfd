import { GenerateMacCommand, type KMSClient, VerifyMacCommand } from '@aws-sdk/client-kms';
import type { LinkSigner } from '#shared/ports/link-signer.ts';

/** HMAC-SHA256 on a KMS HMAC key: the key never leaves KMS, so there is no secret to keep or rotate by hand. */
export function createKmsLinkSigner(options: { client: KMSClient; keyId: string }): LinkSigner {
  const { client, keyId } = options;
  return {
    async sign(message) {
      const { Mac } = await client.send(
        new GenerateMacCommand({
          KeyId: keyId,
          MacAlgorithm: 'HMAC_SHA_256',
          Message: new TextEncoder().encode(message),
        }),
      );
      return Buffer.from(Mac ?? new Uint8Array()).toString('base64url');
    },
    async verify(message, signature) {
      try {
        const { MacValid } = await client.send(
          new VerifyMacCommand({
            KeyId: keyId,
            MacAlgorithm: 'HMAC_SHA_256',
            Message: new TextEncoder().encode(message),
            Mac: Buffer.from(signature, 'base64url'),
          }),
        );
        return MacValid === true;
      } catch (error) {
        // KMS answers a wrong MAC with KMSInvalidMacException: a forged or altered link.
        if ((error as Error).name === 'KMSInvalidMacException') return false;
        throw error;
      }
    },
  };
}
