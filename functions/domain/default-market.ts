import type { AftersalesPolicy } from './policy.js';

/**
 * Throws, naming the market, when a deployment has no policy for its default market: it would refuse every order that
 * names none, so a function stops at cold start instead. Apart from markets.ts (calendars) and policy.ts (its schema):
 * the ops API runs it at cold start and loads those only with its first route-group request.
 */
export function assertDefaultMarketKnown(policies: Readonly<Record<string, AftersalesPolicy>>, defaultMarket: string): void {
  if (!Object.hasOwn(policies, defaultMarket)) throw new Error(`no after-sales policy for the default market ${defaultMarket}; known: ${Object.keys(policies).sort().join(', ')}`);
}
