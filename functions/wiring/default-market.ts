import { assertDefaultMarketKnown } from '../domain/default-market.js';
import { SHIPPED_POLICIES } from '../policies/shipped.js';

/**
 * Stops the ops API at cold start when its default market (POLICY_MARKET) has no policy, from the shipped policies
 * alone: it builds its markets (functions/wiring.ts) with the first route-group request. Not from wiring.ts or
 * policies/index.ts, which reach the calendars and their holiday data, nor validating the policy, which loads its schema
 * (zod): a shipped policy that fails validation stops every other function at cold start, and the ops API's route
 * groups answer 500 and log its problems.
 */
export function checkDefaultMarket(config: { readonly POLICY_MARKET: string }): void {
  assertDefaultMarketKnown(SHIPPED_POLICIES, config.POLICY_MARKET);
}
