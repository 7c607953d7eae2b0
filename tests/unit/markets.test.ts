/** The deployment's markets (functions/domain/markets.ts): each market's policy and calendar, built once, by code. */
import { describe, expect, it, vi } from 'vitest';
import { createMarketPolicies, createMarkets, marketCatalog } from '../../functions/domain/markets.js';
import { cnPolicy } from '../../functions/policies/cn.js';
import { MARKET_ZONES as ZONES } from '../../functions/domain/market-zones.js';
import { MARKET_REGISTRY, POLICIES } from '../../functions/policies/index.js';
import { createTestMarketCalendar, TEST_MARKET, testMarketPolicy, withTestMarket } from '../test-market.js';

const registry = withTestMarket(MARKET_REGISTRY);

describe('createMarkets', () => {
  it('resolves a case by its own market, and a case without one by the default market', () => {
    const markets = createMarkets(registry, 'CN');
    expect(markets.of({ market: TEST_MARKET }).policy).toEqual(testMarketPolicy);
    expect(markets.of({ market: TEST_MARKET }).calendar.timeZone).toBe('Europe/Berlin');
    expect(markets.of({ market: 'CN' }).policy).toEqual(cnPolicy);
    expect(markets.of({}).code).toBe('CN');
    expect(markets.of({}).calendar.timeZone).toBe('Asia/Shanghai');
    expect(createMarkets(registry, TEST_MARKET).of({}).code).toBe(TEST_MARKET);
    // The shipped markets (CN, DE) and the test-only one.
    expect(markets.codes).toEqual([...Object.keys(POLICIES), TEST_MARKET].sort());
    expect(markets.currencyOf(TEST_MARKET)).toBe('EUR');
    expect(markets.currencyOf()).toBe('CNY');
  });

  it('builds each market once, on first use (the default at once), and tells the hook once per market', () => {
    const calendars = { ...registry.calendars, [TEST_MARKET]: vi.fn(createTestMarketCalendar) };
    const built = vi.fn();
    const markets = createMarkets({ ...registry, calendars }, 'CN', built);
    expect(built.mock.calls.map(([m]) => m.code)).toEqual(['CN']);
    const first = markets.market(TEST_MARKET);
    expect(markets.of({ market: TEST_MARKET })).toBe(first);
    expect(calendars[TEST_MARKET]).toHaveBeenCalledTimes(1);
    expect(built.mock.calls.map(([m]) => m.code)).toEqual(['CN', TEST_MARKET]);
  });

  it('refuses a market without a policy, a default market without one (at once), and a policy filed under another code', () => {
    const markets = createMarkets(registry, 'CN');
    expect(() => markets.of({ market: 'ZZ' })).toThrow(`no after-sales policy for market ZZ; known: ${[...Object.keys(POLICIES), TEST_MARKET].sort().join(', ')}`);
    expect(() => markets.of({ market: 'constructor' })).toThrow(/no after-sales policy/);
    expect(() => createMarkets(registry, 'ZZ')).toThrow(/no after-sales policy for the default market ZZ/);
    expect(() => createMarkets({ ...registry, policies: { ...registry.policies, FR: testMarketPolicy } }, 'FR')).toThrow('the policy registered for market FR is for market QZ');
  });

  it('validates each policy as a cold start does', () => {
    const broken = { ...testMarketPolicy, manualReview: { ...testMarketPolicy.manualReview, agentLimit: 20_000 } };
    const markets = createMarkets({ ...registry, policies: { ...registry.policies, [TEST_MARKET]: broken } }, 'CN');
    expect(() => markets.market(TEST_MARKET)).toThrow(/agentLimit must not exceed secondApprovalAbove/);
  });
});

describe('createMarketPolicies (the markets without calendars: status page, survey)', () => {
  const testZones = { ...ZONES, [TEST_MARKET]: 'Europe/Berlin' };

  it("gives each market the same policy as createMarkets and its calendar's zone", () => {
    const policies = createMarketPolicies({ policies: registry.policies, zones: testZones }, 'CN');
    const markets = createMarkets(registry, 'CN');
    for (const code of [...Object.keys(POLICIES), TEST_MARKET]) {
      expect(policies.market(code).policy).toEqual(markets.market(code).policy);
      expect(policies.market(code).timeZone).toBe(markets.market(code).calendar.timeZone);
      expect(markets.market(code).timeZone).toBe(markets.market(code).calendar.timeZone);
    }
    expect(policies.of({}).code).toBe('CN');
    expect(policies.of({ market: 'DE' }).timeZone).toBe('Europe/Berlin');
    expect(policies.market(TEST_MARKET)).toBe(policies.of({ market: TEST_MARKET }));
    expect(policies.currencyOf(TEST_MARKET)).toBe('EUR');
  });

  it('refuses what createMarkets refuses, the default market at once, and a market without a zone', () => {
    const policies = createMarketPolicies({ policies: registry.policies, zones: testZones }, 'CN');
    expect(() => policies.of({ market: 'ZZ' })).toThrow(`no after-sales policy for market ZZ; known: ${[...Object.keys(POLICIES), TEST_MARKET].sort().join(', ')}`);
    expect(() => createMarketPolicies({ policies: registry.policies, zones: testZones }, 'ZZ')).toThrow(/no after-sales policy for the default market ZZ/);
    expect(() => createMarketPolicies({ policies: { ...registry.policies, FR: testMarketPolicy }, zones: testZones }, 'FR')).toThrow(
      'the policy registered for market FR is for market QZ',
    );
    // A policy is validated as a cold start does: the default market's at once.
    const broken = { ...testMarketPolicy, manualReview: { ...testMarketPolicy.manualReview, agentLimit: 20_000 } };
    expect(() => createMarketPolicies({ policies: { ...registry.policies, [TEST_MARKET]: broken }, zones: testZones }, TEST_MARKET)).toThrow(
      /agentLimit must not exceed secondApprovalAbove/,
    );
    expect(() => createMarketPolicies({ policies: registry.policies, zones: ZONES }, 'CN').market(TEST_MARKET)).toThrow(`no time zone for market ${TEST_MARKET}; known: CN, DE`);
  });
});

describe('marketCatalog (what the intake checks, nothing built)', () => {
  it('knows the shipped markets and their currencies', () => {
    const catalog = marketCatalog(MARKET_REGISTRY, 'CN');
    expect(catalog.codes).toEqual(Object.keys(POLICIES).sort());
    expect(catalog.knows('CN')).toBe(true);
    expect(catalog.knows('ZZ')).toBe(false);
    expect(catalog.knows('toString')).toBe(false);
    expect(catalog.currencyOf('CN')).toBe('CNY');
    expect(catalog.currencyOf()).toBe('CNY');
    expect(() => marketCatalog(MARKET_REGISTRY, 'ZZ')).toThrow(/no after-sales policy for the default market ZZ/);
  });
});

describe('shipped markets', () => {
  it('every shipped policy validates, is filed under its own code, and has a calendar', () => {
    const markets = createMarkets(MARKET_REGISTRY, 'CN');
    for (const code of markets.codes) {
      const market = markets.market(code);
      expect(market.policy.market).toBe(code);
      expect(market.calendar.covers.to >= '2026-12-31').toBe(true);
    }
  });
});
