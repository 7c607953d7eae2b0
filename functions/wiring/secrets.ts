import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { optional, required, seconds } from '../config.js';
import { parseKeyRing, type KeyRing } from '../domain/key-ring.js';

/** How long a secret read from Secrets Manager is cached: the documented rotation delay (SECRETS_MAX_AGE_SECONDS). */
const SECRET_MAX_AGE_SECONDS = 300;

/**
 * A secret given directly (local runtime: `NAME`) or by Secrets Manager ARN (AWS: `NAME_SECRET_ARN`). Read it per
 * use, never keep it: Powertools caches it for 5 minutes, so a value rotated in Secrets Manager is used within 5
 * minutes without a cold start, and it never sits in the function's configuration.
 */
export async function secretValue(name: string, opts: { fresh?: boolean } = {}): Promise<string> {
  const direct = optional(name);
  if (direct) return direct;
  const value = await getSecret(required(`${name}_SECRET_ARN`), { maxAge: secretsMaxAgeSeconds(), ...(opts.fresh ? { forceFetch: true } : {}) });
  if (typeof value !== 'string' || value === '') throw new Error(`secret for ${name} is empty`);
  return value;
}

/** How long a function may keep using a secret's old value after it changed (the cache age). */
export function secretsMaxAgeSeconds(): number {
  return seconds('SECRETS_MAX_AGE_SECONDS', SECRET_MAX_AGE_SECONDS);
}

/** A secret that rotates with a grace period for its previous key (functions/domain/key-ring.ts), read per use. */
export async function keyRing(name: string, opts: { fresh?: boolean } = {}): Promise<KeyRing> {
  return parseKeyRing(await secretValue(name, opts), name);
}

/**
 * Something built from a secret (a signature verifier, an API client), for handlers to call per use: the secret is
 * read through `secretValue` each time (cached 5 minutes), and the thing is built again only when the value changed.
 */
export function fromSecret<T>(name: string, build: (value: string) => T): () => Promise<T> {
  let current: { value: string; built: T } | undefined;
  return async () => {
    const value = await secretValue(name);
    if (current?.value !== value) current = { value, built: build(value) };
    return current.built;
  };
}
