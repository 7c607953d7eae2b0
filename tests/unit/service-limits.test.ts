import { describe, expect, it } from 'vitest';
import { CASE_TYPES } from '../../functions/domain/case.js';
import { cnPolicy } from '../../functions/policies/cn.js';
import { describeServiceLimit, serviceFor, serviceLimitName } from '../../functions/domain/service-limits.js';

describe('service limits of the CN policy (docs/domain.md "Service time limits")', () => {
  it('are 7/3 working days for returns, 15/7 for exchanges, 20/10 for repairs', () => {
    expect(cnPolicy.serviceLimits).toEqual({
      return: { standard: 7, expedited: 3 },
      exchange: { standard: 15, expedited: 7 },
      repair: { standard: 20, expedited: 10 },
    });
  });
});

describe('serviceFor', () => {
  it.each([
    ['return', 'return'],
    ['quality', 'return'],
    ['exchange', 'exchange'],
    ['repair', 'repair'],
    ['lost', undefined],
    ['delayed', undefined],
    ['damaged', undefined],
    ['missing_part', undefined],
  ] as const)('%s → %s', (type, service) => {
    expect(serviceFor(type)).toBe(service);
  });

  it('covers every case type', () => {
    expect(
      CASE_TYPES.map((type) => [type, serviceFor(type)])
        .filter(([, service]) => service !== undefined)
        .map(([type]) => type)
        .sort(),
    ).toEqual(['exchange', 'quality', 'repair', 'return']);
  });
});

describe('each case type’s limit named for what it is', () => {
  it.each([
    ['return', 'return service (review + refund), 7 working days from arrival'],
    ['quality', 'return service (review + refund), 7 working days from arrival'],
    ['exchange', 'exchange service (review + reship), 7 working days from arrival'],
    ['repair', 'repair service (repair + ship back), 7 working days from arrival'],
    ['lost', 'claim settlement (no return leg: review + remedy), 7 working days from acceptance'],
    ['delayed', 'claim settlement (no return leg: review + remedy), 7 working days from acceptance'],
    ['damaged', 'claim settlement (no return leg: review + remedy), 7 working days from acceptance'],
    ['missing_part', 'claim settlement (no return leg: review + remedy), 7 working days from acceptance'],
  ] as const)('%s: %s', (type, words) => {
    expect(describeServiceLimit(type, { workingDays: 7, expedited: false })).toBe(words);
    expect(describeServiceLimit(type, { workingDays: 7, expedited: false })).not.toMatch(serviceFor(type) ? /claim/ : /return service/);
  });

  it('names no type a return service unless it has a return leg', () => {
    for (const type of CASE_TYPES) expect(serviceLimitName(type) === 'claim_settlement').toBe(serviceFor(type) === undefined);
    expect(describeServiceLimit('lost', { workingDays: 3, expedited: true })).toBe('claim settlement (no return leg: review + remedy), 3 working days from acceptance, expedited');
  });
});
