import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import type { SecretSource } from '../config/read.js';
import { parseKeyRing, type KeyRing } from '../domain/key-ring.js';

/** How long a secret read from Secrets Manager is cached: the documented rotation delay (SECRETS_MAX_AGE_SECONDS). */
const SECRET_MAX_AGE_SECONDS = 300;

/** The part of a function's configuration about reading secrets. */
export interface SecretsConfig {
  readonly SECRETS_MAX_AGE_SECONDS?: number;
}

/**
 * A secret given directly (local runtime: `NAME`) or by Secrets Manager ARN (AWS: `NAME_SECRET_ARN`), as the
 * function's configuration found it. Read it per use, never keep it: Powertools caches it for 5 minutes, so a value
 * rotated in Secrets Manager is used within 5 minutes without a cold start, and it never sits in the function's
 * configuration.
 */
export async function secretValue(source: SecretSource, config: SecretsConfig, opts: { fresh?: boolean } = {}): Promise<string> {
  if (source.value) return source.value;
  if (!source.arn) throw new Error(`secret ${source.name} is not configured`);
  const value = await getSecret(source.arn, { maxAge: secretsMaxAgeSeconds(config), ...(opts.fresh ? { forceFetch: true } : {}) });
  if (typeof value !== 'string' || value === '') throw new Error(`secret for ${source.name} is empty`);
  return value;
}

/** How long a function may keep using a secret's old value after it changed (the cache age). */
export function secretsMaxAgeSeconds(config: SecretsConfig): number {
  return config.SECRETS_MAX_AGE_SECONDS ?? SECRET_MAX_AGE_SECONDS;
}

/** A secret that rotates with a grace period for its previous key (functions/domain/key-ring.ts), read per use. */
export async function keyRing(source: SecretSource, config: SecretsConfig, opts: { fresh?: boolean } = {}): Promise<KeyRing> {
  return parseKeyRing(await secretValue(source, config, opts), source.name);
}

/**
 * Something built from a secret (a signature verifier, an API client), for handlers to call per use: the secret is
 * read through `secretValue` each time (cached 5 minutes), and the thing is built again only when the value changed.
 */
export function fromSecret<T>(source: SecretSource, config: SecretsConfig, build: (value: string) => T): () => Promise<T> {
  let current: { value: string; built: T } | undefined;
  return async () => {
    const value = await secretValue(source, config);
    if (current?.value !== value) current = { value, built: build(value) };
    return current.built;
  };
}
