/**
 * Rotates a secret in Secrets Manager without breaking what is in flight: puts
 * {"current": <new>, "previous": <the current one>, "rotatedAt": <now>} (functions/domain/key-ring.ts), which the
 * functions read within 5 minutes and then accept the previous key for its grace period (docs/operations.md,
 * "Rotating secrets").
 *
 *   npx tsx scripts/rotate-secret.ts <secret ARN>                          a new random key (status-link key)
 *   npx tsx scripts/rotate-secret.ts <secret ARN> --value 'whsec_…'        a value agreed with the other side
 *   npx tsx scripts/rotate-secret.ts <CarrierWebhookSecret ARN> --provider kuaidi100 --value '<salt>'
 *   … --revoke                                                             no previous: the old key stops at once
 *
 * Uses the AWS credentials and region of the environment; prints no secret.
 */
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { keyRingFrom, parseKeyRing, rotatedKeyRing } from '../functions/domain/key-ring.js';

/** The secret's next value: `provider` rotates one entry of a per-provider JSON secret (the carriers' webhook secret). */
export function rotateValue(value: string, opts: { newKey: string; now: Date; provider?: string; revoke?: boolean }): string {
  const next = (ring: ReturnType<typeof parseKeyRing>) => (opts.revoke ? JSON.stringify({ current: opts.newKey }) : rotatedKeyRing(ring, opts.newKey, opts.now));
  if (!opts.provider) return next(parseKeyRing(value));
  const all = value.trimStart().startsWith('{') ? (JSON.parse(value) as Record<string, unknown>) : {};
  if ('current' in all) throw new Error('this secret holds one key for every provider: rotate it without --provider');
  const own = all[opts.provider] === undefined ? { current: '' } : keyRingFrom(all[opts.provider], opts.provider);
  return JSON.stringify({ ...all, [opts.provider]: own.current ? JSON.parse(next(own)) : { current: opts.newKey } });
}

async function main() {
  const { positionals, values } = parseArgs({ allowPositionals: true, options: { value: { type: 'string' }, provider: { type: 'string' }, revoke: { type: 'boolean' } } });
  const secretId = positionals[0];
  if (!secretId) throw new Error('usage: rotate-secret.ts <secret ARN> [--value <new value>] [--provider <name>] [--revoke]');
  const client = new SecretsManagerClient({});
  const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
  const newKey = values.value ?? randomBytes(36).toString('base64url');
  const now = new Date();
  const next = rotateValue(SecretString ?? '', { newKey, now, ...(values.provider ? { provider: values.provider } : {}), ...(values.revoke ? { revoke: true } : {}) });
  await client.send(new PutSecretValueCommand({ SecretId: secretId, SecretString: next }));
  console.log(
    `${values.revoke ? 'Revoked and replaced' : 'Rotated'} ${secretId}${values.provider ? ` (${values.provider})` : ''} at ${now.toISOString()}; functions use the new value within 5 minutes.`,
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error: Error) => {
    console.error(error.message);
    process.exit(1);
  });
}
