import type { CaseStore } from '../../adapters/case-store.js';
import type { CarrierTracker } from '../../adapters/carrier-tracker.js';
import { carrierVerdict } from '../../domain/carrier-verdict.js';
import type { AftersalesPolicy } from '../../domain/policy.js';
import type { WorkingDayCalendar } from '../../domain/working-days.js';

export interface CarrierLookupResult {
  verdict: 'confirmed' | 'refuted' | 'pending';
  rule: string;
  trackingStatus: string;
  delayWorkingDays?: number;
  reasonCode?: string;
}

/**
 * Asks the carrier where the parcel is and what that means for the claim. A carrier outage throws
 * CarrierUnavailableError, which the workflow retries with backoff; the case waits, it is never dropped.
 */
export async function carrierLookup(
  deps: { cases: CaseStore; tracker: CarrierTracker; policy: AftersalesPolicy; calendar: WorkingDayCalendar },
  caseId: string,
  now: Date,
): Promise<CarrierLookupResult> {
  const record = await deps.cases.require(caseId);
  await deps.cases.update(caseId, { status: 'checking_carrier', waitingFor: '' }, ['received', 'in_review', 'awaiting_review', 'checking_carrier']);
  const { shipment } = record;
  const tracking = await deps.tracker.track({
    carrier: shipment.carrier,
    trackingNumber: shipment.trackingNumber,
    shippedAt: shipment.shippedAt,
    promisedBy: shipment.promisedBy,
  });
  const checks = (record.carrier?.checks ?? 0) + 1;
  const verdict = carrierVerdict(record.type, tracking, new Date(shipment.promisedBy), now, checks, deps.policy, deps.calendar);
  const at = now.toISOString();
  const delayWorkingDays = verdict.verdict === 'confirmed' ? verdict.delayWorkingDays : undefined;
  const reasonCode = verdict.verdict === 'refuted' ? verdict.reasonCode : undefined;
  await deps.cases.update(caseId, {
    carrier: { status: tracking.status, checks, lastCheckedAt: at, rule: verdict.rule, delayWorkingDays },
    ...(verdict.verdict === 'refuted'
      ? { outcome: 'rejected' as const, decision: { decision: 'reject', rule: verdict.rule, reasonCode, at } }
      : verdict.verdict === 'confirmed'
        ? { outcome: 'approved' as const, decision: { decision: 'approve', rule: verdict.rule, at } }
        : {}),
  });
  await deps.cases.appendTimeline(caseId, {
    at,
    actor: 'carrier',
    event: `carrier_${verdict.verdict}`,
    detail: { rule: verdict.rule, trackingStatus: tracking.status, check: checks, ...(delayWorkingDays ? { delayWorkingDays } : {}) },
  });
  return {
    verdict: verdict.verdict,
    rule: verdict.rule,
    trackingStatus: tracking.status,
    ...(delayWorkingDays !== undefined ? { delayWorkingDays } : {}),
    ...(reasonCode ? { reasonCode } : {}),
  };
}
