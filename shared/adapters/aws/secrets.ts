import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ConfigError } from '#shared/errors.ts';
import { awsRegion } from './region.ts';

/** The Secrets Manager client, reused across warm invocations. */
export const secretsClient = new SecretsManagerClient({ region: awsRegion() });

/** A secret's string, read once at cold start: it never sits in the function's configuration. */
export async function readSecretString(client: SecretsManagerClient, secretId: string): Promise<string> {
  const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
  if (!SecretString) throw new ConfigError(secretId, 'the secret holds no string');
  return SecretString;
}
