import { describe, expect, it } from 'vitest';
import { CASE_ID_PATTERN, caseIdFor } from '../../functions/domain/case-id.js';

describe('caseIdFor', () => {
  it('is deterministic: every copy of a request names the same case', () => {
    expect(caseIdFor('req-20261110-000123')).toBe(caseIdFor('req-20261110-000123'));
  });

  it('is stable across releases (stored cases and dedupe records depend on it)', () => {
    // sha256("aftersales-request:req-20261110-000123"), first 60 bits, Crockford base32 (computed independently, in Python). Changing the derivation
    // would give redelivered requests of existing cases a new id.
    expect(caseIdFor('req-20261110-000123')).toBe('AS-6T7Y94954VZ2');
  });

  it.each(['req-1', 'a', 'ORD-2026-0001234/return', '请求-001', 'x'.repeat(128)])('%s gives an id of the documented format', (requestId) => {
    expect(caseIdFor(requestId)).toMatch(/^AS-[0-9A-HJKMNP-TV-Z]{12}$/);
    expect(caseIdFor(requestId)).toMatch(CASE_ID_PATTERN);
  });

  it('different requestIds give different ids', () => {
    expect(caseIdFor('req-1')).not.toBe(caseIdFor('req-2'));
    expect(caseIdFor('req-1')).not.toBe(caseIdFor('req-1 '));
    const ids = new Set(Array.from({ length: 20_000 }, (_, i) => caseIdFor(`req-${i}`)));
    expect(ids.size).toBe(20_000);
  });

  it('uses the whole Crockford alphabet and nothing else', () => {
    const seen = new Set(Array.from({ length: 2_000 }, (_, i) => caseIdFor(`r${i}`).slice(3)).join(''));
    expect([...seen].sort().join('')).toBe('0123456789ABCDEFGHJKMNPQRSTVWXYZ');
  });
});

describe('CASE_ID_PATTERN', () => {
  it.each([
    ['AS-0123456789AB', true],
    ['AS-ZZZZZZZZZZZZ', true],
    ['AS-0123456789A', false], // 11 characters
    ['AS-0123456789ABC', false], // 13 characters
    ['AS-0123456789AI', false], // I is not Crockford
    ['AS-0123456789AL', false], // L
    ['AS-0123456789AO', false], // O
    ['AS-0123456789AU', false], // U
    ['as-0123456789ab', false],
    ['XX-0123456789AB', false],
    [' AS-0123456789AB', false],
  ])('%s → %s', (id, valid) => {
    expect(CASE_ID_PATTERN.test(id)).toBe(valid);
  });
});
