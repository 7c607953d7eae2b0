import { createHash } from 'node:crypto';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * The case id is derived from the order platform's requestId, so every copy of a request (a retried webhook, a
 * replay with a new webhook-id) names the same case without a lookup, and creating it twice is a no-op.
 * 12 Crockford base32 characters = 60 bits: readable over the phone, collision-safe at after-sales volumes.
 */
export function caseIdFor(requestId: string): string {
  const digest = createHash('sha256').update(`aftersales-request:${requestId}`).digest();
  let bits = 0n;
  for (const byte of digest.subarray(0, 8)) bits = (bits << 8n) | BigInt(byte);
  let id = '';
  for (let i = 0; i < 12; i += 1) {
    id += CROCKFORD[Number((bits >> BigInt(64 - 5 * (i + 1))) & 31n)];
  }
  return `AS-${id}`;
}

export const CASE_ID_PATTERN = /^AS-[0-9A-HJKMNP-TV-Z]{12}$/;
