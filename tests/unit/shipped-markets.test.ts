/**
 * Every market the deployment ships (functions/policies/index.ts) is complete: its policy validates, its working-day
 * calendar exists and counts in the market's zone. A new market that misses a piece fails here (docs/markets.md).
 */
import { describe, expect, it } from 'vitest';
import { calendarFor } from '../../functions/domain/market-calendar.js';
import { parsePolicy } from '../../functions/domain/policy.js';
import { dePolicy } from '../../functions/policies/de.js';
import { loadPolicy, SHIPPED_MARKETS } from '../../functions/policies/index.js';

const ZONES: Record<string, string> = { CN: 'Asia/Shanghai', DE: 'Europe/Berlin' };
const CURRENCIES: Record<string, string> = { CN: 'CNY', DE: 'EUR' };

describe('shipped markets', () => {
  it('are CN and DE', () => {
    expect([...SHIPPED_MARKETS].sort()).toEqual(['CN', 'DE']);
  });

  it.each(SHIPPED_MARKETS)('%s: the policy validates, names its own market and currency', (market) => {
    const policy = loadPolicy(market);
    expect(parsePolicy(structuredClone(policy))).toEqual(policy);
    expect(policy.market).toBe(market);
    expect(policy.currency).toBe(CURRENCIES[market]);
  });

  it.each(SHIPPED_MARKETS)('%s: has a working-day calendar in its zone that knows the policy year ahead', (market) => {
    const calendar = calendarFor(loadPolicy(market));
    expect(calendar.timeZone).toBe(ZONES[market]);
    // A Wednesday that is no holiday in either market, and the data reaches at least the end of the next year.
    expect(calendar.isWorkingDay('2026-11-11')).toBe(true);
    expect(calendar.provisionalThrough >= '2027-12-31').toBe(true);
  });

  it('an unknown market is refused by name', () => {
    expect(() => loadPolicy('FR')).toThrow(/no after-sales policy for market FR; known: CN, DE/);
  });
});

describe('policy `withdrawal` (EU right of withdrawal)', () => {
  it('is optional: CN has none', () => {
    expect(loadPolicy('CN').withdrawal).toBeUndefined();
    expect(loadPolicy('DE').withdrawal).toEqual({ refundAwaitsReturn: true, periodEndsOnWorkingDay: true, refundWithinDays: 14 });
  });

  it('refuses a wrong or unknown field', () => {
    expect(() => parsePolicy({ ...dePolicy, withdrawal: { refundAwaitsReturn: 'yes' } })).toThrow(/withdrawal.refundAwaitsReturn: invalid_type/);
    expect(() => parsePolicy({ ...dePolicy, withdrawal: { ...dePolicy.withdrawal, refundDays: 14 } })).toThrow(/withdrawal: unknown field\(s\) refundDays/);
    expect(() => parsePolicy({ ...dePolicy, withdrawal: {} })).toThrow(/withdrawal.refundAwaitsReturn/);
  });
});
