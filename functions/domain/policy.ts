import type { CaseType, MinorUnits } from './case.js';

/**
 * The after-sales policy as data (DOMAIN.md; seeds 000 §4-§5, 002, 003). The deployer may change the values;
 * the shape is fixed so every rule in review-policy.ts can name the window it applied.
 */
export interface AftersalesPolicy {
  version: string;
  market: string;
  /** Calendar days after delivery, per rule. */
  windows: {
    noReasonReturnDays: number;
    qualityReturnDays: number;
    qualityExchangeDays: number;
    exchangeDays: number;
    warrantyDays: number;
    damagedReportDays: number;
    missingPartReportDays: number;
  };
  /** Categories the 7-day no-reason return excludes (custom-made, perishable, opened digital, periodicals). */
  noReasonExcludedCategories: string[];
  /** Working days (standard, expedited) counted from arrival at the service center (000 §5). */
  serviceLimits: Record<'return' | 'exchange' | 'repair', { standard: number; expedited: number }>;
  delaySubsidy: { perWorkingDay: MinorUnits; cap: MinorUnits };
  /** Carrier lookups for an unconfirmed lost or still-moving delayed parcel before the case is decided. */
  carrierMaxChecks: number;
}

export const defaultPolicy: AftersalesPolicy = {
  version: '2026-11-cn-1',
  market: 'CN',
  windows: {
    noReasonReturnDays: 7,
    qualityReturnDays: 7,
    qualityExchangeDays: 15,
    exchangeDays: 15,
    warrantyDays: 365,
    damagedReportDays: 7,
    missingPartReportDays: 15,
  },
  noReasonExcludedCategories: ['custom_made', 'perishable', 'digital_opened', 'audio_visual_opened', 'periodical'],
  serviceLimits: {
    return: { standard: 7, expedited: 3 },
    exchange: { standard: 15, expedited: 7 },
    repair: { standard: 20, expedited: 10 },
  },
  delaySubsidy: { perWorkingDay: 500, cap: 5000 },
  carrierMaxChecks: 3,
};

/** Case types whose item travels back to the service center before the remedy. */
export const RETURN_FIRST_TYPES: ReadonlySet<CaseType> = new Set(['return', 'exchange', 'repair', 'quality']);
/** Case types decided by what the carrier's tracking says. */
export const CARRIER_TYPES: ReadonlySet<CaseType> = new Set(['lost', 'delayed']);
