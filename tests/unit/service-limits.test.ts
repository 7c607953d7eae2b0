import { describe, expect, it } from 'vitest';
import { CASE_TYPES } from '../../functions/domain/case.js';
import { cnPolicy } from '../../functions/policies/cn.js';
import { serviceFor } from '../../functions/domain/service-limits.js';

describe('service limits of the CN policy (DOMAIN.md "Service time limits")', () => {
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
    expect(CASE_TYPES.map((type) => [type, serviceFor(type)]).filter(([, service]) => service !== undefined).map(([type]) => type).sort()).toEqual(
      ['exchange', 'quality', 'repair', 'return'],
    );
  });
});
