import { describe, expect, it } from 'vitest';
import { signStatusToken, statusPageUrl, verifyStatusToken } from '../../functions/domain/status-link.js';

const secret = 'test-status-secret';
const now = new Date('2026-11-23T08:00:00Z');
const expiresAt = new Date('2026-12-23T08:00:00Z');

describe('status link tokens', () => {
  it('verifies for its own case until it expires', () => {
    const token = signStatusToken({ caseId: 'AS-1', expiresAt }, secret);
    expect(verifyStatusToken(token, 'AS-1', now, secret)).toEqual({ ok: true, expiresAt });
    expect(verifyStatusToken(token, 'AS-1', expiresAt, secret)).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuses another case, another secret, a changed expiry and garbage', () => {
    const token = signStatusToken({ caseId: 'AS-1', expiresAt }, secret);
    expect(verifyStatusToken(token, 'AS-2', now, secret)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifyStatusToken(token, 'AS-1', now, 'other')).toEqual({ ok: false, reason: 'bad_signature' });
    const [expiry, sig] = token.split('.');
    expect(verifyStatusToken(`${Number(expiry) + 86400}.${sig}`, 'AS-1', now, secret)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifyStatusToken('nope', 'AS-1', now, secret)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('after a rotation, accepts links of the previous key that expire within rotatedAt + lifetime', () => {
    const rotatedAt = new Date('2026-11-25T00:00:00Z');
    const ring = { current: 'new-key', previous: { key: secret, rotatedAt } };
    const lifetime = 90 * 86_400_000;
    const sent = signStatusToken({ caseId: 'AS-1', expiresAt }, secret);
    expect(verifyStatusToken(sent, 'AS-1', now, ring, lifetime)).toEqual({ ok: true, expiresAt, previousKey: true });
    expect(verifyStatusToken(signStatusToken({ caseId: 'AS-1', expiresAt }, 'new-key'), 'AS-1', now, ring, lifetime)).toEqual({ ok: true, expiresAt });
    // Past the link's own expiry it is expired, whichever key signed it.
    expect(verifyStatusToken(sent, 'AS-1', expiresAt, ring, lifetime)).toEqual({ ok: false, reason: 'expired' });
    // A link of the old key expiring after rotatedAt + lifetime was not sent by us before the rotation: refused.
    const late = signStatusToken({ caseId: 'AS-1', expiresAt: new Date(rotatedAt.getTime() + lifetime + 1000) }, secret);
    expect(verifyStatusToken(late, 'AS-1', now, ring, lifetime)).toEqual({ ok: false, reason: 'bad_signature' });
    // Without a previous key (revoked), the old links are refused.
    expect(verifyStatusToken(sent, 'AS-1', now, { current: 'new-key' }, lifetime)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('builds the page URL under the API base', () => {
    expect(statusPageUrl('https://api.example.com/', 'AS 1', 'a.b')).toBe('https://api.example.com/cases/AS%201/status?token=a.b');
  });
});
