/**
 * A second market for tests only, never shipped: built from the CN policy with other windows, another currency and
 * another calendar, so a test can show that each case is decided under its own market. Registered in a test file by
 * mocking the deployment's policies module (functions/policies/index.ts): both `MARKET_REGISTRY` (what `markets()`
 * builds from) and `POLICIES` (what the intake's `knownMarkets()` reads). The ops API's cold-start check and the
 * markets without calendars (wiring/market-policies.ts: status page, survey, survey API, console pages) read the
 * shipped policies (functions/policies/shipped.ts): the mock does not reach them (an ops API whose POLICY_MARKET is the
 * test market does not start).
 *
 *   vi.mock('../../functions/policies/index.js', async (importOriginal) =>
 *     (await import('../test-market.js')).withTestMarketPolicies(await importOriginal<typeof import('../../functions/policies/index.js')>()),
 *   );
 *
 * QZ is in ISO 3166-1's user-assigned range: no country will ever have it.
 */
import type { MarketCalendar } from '../functions/domain/market-calendar.js';
import type { MarketRegistry } from '../functions/domain/markets.js';
import type { AftersalesPolicy } from '../functions/domain/policy.js';
import type * as policiesModule from '../functions/policies/index.js';
import { cnPolicy } from '../functions/policies/cn.js';

export const TEST_MARKET = 'QZ';

export const testMarketPolicy: AftersalesPolicy = {
  ...cnPolicy,
  version: 'qz-test-2026.1',
  market: TEST_MARKET,
  currency: 'EUR',
  // Twice CN's no-reason window: the same request 10 days after delivery is refused in CN and approved here.
  windows: { ...cnPolicy.windows, noReasonReturnDays: 14 },
  manualReview: { ...cnPolicy.manualReview, agentLimit: 5_000, secondApprovalAbove: 10_000 },
  privacy: { retentionDays: 90 },
  calendar: { extraYears: [] },
};

const COVERS = { from: '2020-01-01', to: '2035-12-31' };

/** Monday to Friday, no holidays, in Europe/Berlin: unlike CN's calendar in zone, weekends and holidays. */
export function createTestMarketCalendar(): MarketCalendar {
  return {
    timeZone: 'Europe/Berlin',
    covers: COVERS,
    provisionalThrough: COVERS.to,
    isWorkingDay(localDate: string) {
      const day = new Date(`${localDate}T00:00:00Z`).getUTCDay();
      return day !== 0 && day !== 6;
    },
  };
}

/** The deployment's registry with the test market added. */
export function withTestMarket(registry: MarketRegistry): MarketRegistry {
  return {
    policies: { ...registry.policies, [TEST_MARKET]: testMarketPolicy },
    calendars: { ...registry.calendars, [TEST_MARKET]: () => createTestMarketCalendar() },
  };
}

/** The policies module with the test market added to both the policies and the registry (the header shows the mock). */
export function withTestMarketPolicies(real: typeof policiesModule): typeof policiesModule {
  const registry = withTestMarket(real.MARKET_REGISTRY);
  return { ...real, POLICIES: registry.policies, MARKET_REGISTRY: registry };
}
