import { createHmac, timingSafeEqual } from 'node:crypto';
import type { KeyRing } from './key-ring.js';

/**
 * The customer's link to their case's status page: `GET /cases/{caseId}/status?token=…`. The token is
 * `<expiry as unix seconds>.<HMAC-SHA256 of "caseId.expiry", base64url>`, so it names no personal data, works
 * without a database read, can't be moved to another case, and stops working at its expiry.
 *
 * Rotation: links are signed with the key ring's current key; a link signed with the previous key still opens if
 * its expiry is no later than `rotatedAt + link lifetime` (so every link sent before the rotation works until it
 * expires, and nobody holding a leaked old key can mint a link that outlives that window).
 */
/** How long a status link works unless STATUS_LINK_DAYS says otherwise. */
export const DEFAULT_STATUS_LINK_DAYS = 90;

export interface StatusToken {
  caseId: string;
  expiresAt: Date;
}

export type StatusTokenCheck =
  | { ok: true; expiresAt: Date /** signed with the key before the last rotation */; previousKey?: true }
  | { ok: false; reason: 'malformed' | 'bad_signature' | 'expired' };

export function signStatusToken({ caseId, expiresAt }: StatusToken, secret: string): string {
  const expiry = Math.floor(expiresAt.getTime() / 1000);
  return `${expiry}.${mac(caseId, expiry, secret)}`;
}

/**
 * Checks a link's token. `keys` is the key ring (or one key); `linkLifetimeMs` bounds what the previous key may
 * still open: links expiring by `rotatedAt + linkLifetimeMs` (give the lifetime plus the signers' cache age).
 */
export function verifyStatusToken(token: string, caseId: string, now: Date, keys: string | KeyRing, linkLifetimeMs = 0): StatusTokenCheck {
  const match = /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!match) return { ok: false, reason: 'malformed' };
  const ring = typeof keys === 'string' ? { current: keys } : keys;
  const expiry = Number(match[1]);
  const given = Buffer.from(match[2]!);
  const previous = ring.previous && expiry * 1000 <= ring.previous.rotatedAt.getTime() + linkLifetimeMs ? ring.previous.key : undefined;
  const byCurrent = macMatches(given, caseId, expiry, ring.current);
  if (!byCurrent && !(previous !== undefined && macMatches(given, caseId, expiry, previous))) return { ok: false, reason: 'bad_signature' };
  if (expiry * 1000 <= now.getTime()) return { ok: false, reason: 'expired' };
  return byCurrent ? { ok: true, expiresAt: new Date(expiry * 1000) } : { ok: true, expiresAt: new Date(expiry * 1000), previousKey: true };
}

function macMatches(given: Buffer, caseId: string, expiry: number, secret: string): boolean {
  const expected = Buffer.from(mac(caseId, expiry, secret));
  return expected.length === given.length && timingSafeEqual(expected, given);
}

export function statusPageUrl(publicBaseUrl: string, caseId: string, token: string): string {
  const base = publicBaseUrl.endsWith('/') ? publicBaseUrl : `${publicBaseUrl}/`;
  return `${base}cases/${encodeURIComponent(caseId)}/status?token=${encodeURIComponent(token)}`;
}

function mac(caseId: string, expiry: number, secret: string): string {
  return createHmac('sha256', secret).update(`${caseId}.${expiry}`).digest('base64url');
}
