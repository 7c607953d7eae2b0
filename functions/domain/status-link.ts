import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The customer's link to their case's status page: `GET /cases/{caseId}/status?token=…`. The token is
 * `<expiry as unix seconds>.<HMAC-SHA256 of "caseId.expiry", base64url>`, so it names no personal data, works
 * without a database read, can't be moved to another case, and stops working at its expiry.
 */
export interface StatusToken {
  caseId: string;
  expiresAt: Date;
}

export type StatusTokenCheck = { ok: true; expiresAt: Date } | { ok: false; reason: 'malformed' | 'bad_signature' | 'expired' };

export function signStatusToken({ caseId, expiresAt }: StatusToken, secret: string): string {
  const expiry = Math.floor(expiresAt.getTime() / 1000);
  return `${expiry}.${mac(caseId, expiry, secret)}`;
}

export function verifyStatusToken(token: string, caseId: string, now: Date, secret: string): StatusTokenCheck {
  const match = /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!match) return { ok: false, reason: 'malformed' };
  const expiry = Number(match[1]);
  const expected = Buffer.from(mac(caseId, expiry, secret));
  const given = Buffer.from(match[2]!);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'bad_signature' };
  if (expiry * 1000 <= now.getTime()) return { ok: false, reason: 'expired' };
  return { ok: true, expiresAt: new Date(expiry * 1000) };
}

export function statusPageUrl(publicBaseUrl: string, caseId: string, token: string): string {
  const base = publicBaseUrl.endsWith('/') ? publicBaseUrl : `${publicBaseUrl}/`;
  return `${base}cases/${encodeURIComponent(caseId)}/status?token=${encodeURIComponent(token)}`;
}

function mac(caseId: string, expiry: number, secret: string): string {
  return createHmac('sha256', secret).update(`${caseId}.${expiry}`).digest('base64url');
}
