/**
 * Markets for tests that call use cases directly: the deployment's markets as a use case sees them (functions/domain/
 * markets.ts), here with one market built from the given policy (default CN) and calendar (default its own).
 */
import { cnCalendar } from '../functions/domain/cn-calendar.js';
import type { MarketCalendar } from '../functions/domain/market-calendar.js';
import { createMarkets, type Markets } from '../functions/domain/markets.js';
import type { AftersalesPolicy } from '../functions/domain/policy.js';
import { cnPolicy } from '../functions/policies/cn.js';

export function oneMarket(opts: { policy?: AftersalesPolicy; calendar?: MarketCalendar } = {}): Markets {
  const policy = opts.policy ?? cnPolicy;
  const calendar = opts.calendar ?? cnCalendar;
  return createMarkets({ policies: { [policy.market]: policy }, calendars: { [policy.market]: () => calendar } }, policy.market);
}
