import type { CaseType, CustomerTier, MinorUnits } from './case.js';

/**
 * Priority 0-100, higher first (001 §3.2). Documented in docs/priority.md:
 *   tier (standard 0, silver 10, gold 20, vip 35)
 * + type (lost 30, damaged 25, quality 20, delayed 15, missing_part 15, repair 10, return 10, exchange 5)
 * + expedited 20
 * + order value (≥ 100000 minor units 15, ≥ 20000 10, ≥ 5000 5)
 * capped at 100. Bands: ≥ 60 high, ≥ 35 normal, else low.
 */
const TIER_POINTS: Record<CustomerTier, number> = { standard: 0, silver: 10, gold: 20, vip: 35 };
const TYPE_POINTS: Record<CaseType, number> = {
  lost: 30,
  damaged: 25,
  quality: 20,
  delayed: 15,
  missing_part: 15,
  repair: 10,
  return: 10,
  exchange: 5,
};

export interface PriorityInput {
  tier: CustomerTier;
  type: CaseType;
  expedited: boolean;
  orderValue: MinorUnits;
}

export type PriorityBand = 'high' | 'normal' | 'low';

export function priorityOf(input: PriorityInput): { score: number; band: PriorityBand } {
  const valuePoints = input.orderValue >= 100_000 ? 15 : input.orderValue >= 20_000 ? 10 : input.orderValue >= 5_000 ? 5 : 0;
  const score = Math.min(100, TIER_POINTS[input.tier] + TYPE_POINTS[input.type] + (input.expedited ? 20 : 0) + valuePoints);
  return { score, band: score >= 60 ? 'high' : score >= 35 ? 'normal' : 'low' };
}
