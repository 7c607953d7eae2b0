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

  it('builds the page URL under the API base', () => {
    expect(statusPageUrl('https://api.example.com/', 'AS 1', 'a.b')).toBe('https://api.example.com/cases/AS%201/status?token=a.b');
  });
});
