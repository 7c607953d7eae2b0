import { parsePolicy, type AftersalesPolicy } from '../domain/policy.js';
import { cnPolicy } from './cn.js';
import { dePolicy } from './de.js';

/** The policies this deployment knows, by market. Add a market by adding its file here. */
const POLICIES: Record<string, AftersalesPolicy> = { CN: cnPolicy, DE: dePolicy };

/** The markets this deployment ships a policy for (each also needs a calendar: functions/domain/market-calendar.ts). */
export const SHIPPED_MARKETS: readonly string[] = Object.keys(POLICIES);

/** The market's policy, validated; a function that cannot load a valid policy fails at cold start. */
export function loadPolicy(market = 'CN'): AftersalesPolicy {
  const policy = POLICIES[market];
  if (!policy) throw new Error(`no after-sales policy for market ${market}; known: ${Object.keys(POLICIES).join(', ')}`);
  return parsePolicy(policy);
}
