import { parsePolicy, type AftersalesPolicy } from '../domain/policy.js';
import { cnPolicy } from './cn.js';

/** The policies this deployment knows, by market. Add a market by adding its file here. */
const POLICIES: Record<string, AftersalesPolicy> = { CN: cnPolicy };

/** The market's policy, validated; a function that cannot load a valid policy fails at cold start. */
export function loadPolicy(market = 'CN'): AftersalesPolicy {
  const policy = POLICIES[market];
  if (!policy) throw new Error(`no after-sales policy for market ${market}; known: ${Object.keys(POLICIES).join(', ')}`);
  return parsePolicy(policy);
}
