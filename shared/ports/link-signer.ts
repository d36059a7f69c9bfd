/** Signs and verifies the one-click links of the digest: KMS HMAC in AWS, a local key on one machine. */
export interface LinkSigner {
  /** A MAC of `message`, URL-safe. */
  sign(message: string): Promise<string>;
  verify(message: string, signature: string): Promise<boolean>;
}
