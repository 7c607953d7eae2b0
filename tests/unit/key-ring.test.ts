import { describe, expect, it } from 'vitest';
import { acceptedKeys, KeyRingError, parseKeyRing, rotatedKeyRing } from '../../functions/domain/key-ring.js';

const rotatedAt = '2026-12-04T10:00:00.000Z';
const HOUR = 3_600_000;

describe('key ring (a secret with its previous key)', () => {
  it('a plain value is the current key alone', () => {
    expect(parseKeyRing('whsec_abc')).toEqual({ current: 'whsec_abc' });
    expect(acceptedKeys(parseKeyRing('k1'), new Date(), HOUR)).toEqual(['k1']);
  });

  it('accepts the previous key only until rotatedAt + grace', () => {
    const ring = parseKeyRing(JSON.stringify({ current: 'new', previous: 'old', rotatedAt }));
    expect(ring).toEqual({ current: 'new', previous: { key: 'old', rotatedAt: new Date(rotatedAt) } });
    expect(acceptedKeys(ring, new Date(Date.parse(rotatedAt) + HOUR - 1), HOUR)).toEqual(['new', 'old']);
    expect(acceptedKeys(ring, new Date(Date.parse(rotatedAt) + HOUR), HOUR)).toEqual(['new']);
  });

  it('refuses a ring it cannot trust, without repeating the keys', () => {
    const bad = [
      '{"current": ""}',
      '{"current": "new", "previous": "old"}',
      '{"current": "new", "previous": "old", "rotatedAt": "yesterday"}',
      '{"current": "new", "prevous": "old"}',
      '{not json',
    ];
    for (const value of bad) {
      const error = (() => {
        try {
          parseKeyRing(value, 'STATUS_LINK_SECRET');
        } catch (e) {
          return e as Error;
        }
      })();
      expect(error, value).toBeInstanceOf(KeyRingError);
      expect(error!.message).toContain('STATUS_LINK_SECRET');
      expect(error!.message).not.toContain('"old"');
    }
  });

  it('rotating makes the current key the previous one, dropping the older one', () => {
    const ring = parseKeyRing(JSON.stringify({ current: 'k2', previous: 'k1', rotatedAt }));
    expect(JSON.parse(rotatedKeyRing(ring, 'k3', new Date('2026-12-05T00:00:00Z')))).toEqual({ current: 'k3', previous: 'k2', rotatedAt: '2026-12-05T00:00:00.000Z' });
  });
});

describe('scripts/rotate-secret.ts', async () => {
  const { rotateValue } = await import('../../scripts/rotate-secret.js');
  const now = new Date('2026-12-05T00:00:00Z');

  it('turns a plain value into {current, previous, rotatedAt}, and drops the key before the previous one', () => {
    const once = rotateValue('k1', { newKey: 'k2', now });
    expect(JSON.parse(once)).toEqual({ current: 'k2', previous: 'k1', rotatedAt: '2026-12-05T00:00:00.000Z' });
    expect(JSON.parse(rotateValue(once, { newKey: 'k3', now }))).toMatchObject({ current: 'k3', previous: 'k2' });
    expect(JSON.parse(rotateValue(once, { newKey: 'k3', now, revoke: true }))).toEqual({ current: 'k3' });
  });

  it("rotates one provider's entry of the carriers' webhook secret, leaving the others", () => {
    const value = JSON.stringify({ aftership: 'as-1', kuaidi100: 'salt-1' });
    expect(JSON.parse(rotateValue(value, { newKey: 'salt-2', now, provider: 'kuaidi100' }))).toEqual({
      aftership: 'as-1',
      kuaidi100: { current: 'salt-2', previous: 'salt-1', rotatedAt: '2026-12-05T00:00:00.000Z' },
    });
  });
});
