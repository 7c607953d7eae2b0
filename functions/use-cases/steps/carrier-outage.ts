import type { CaseRepository } from '../ports.js';
import { caseWaitsForProvider, type ProviderHealthDeps } from '../tracking/provider-health.js';

/** Statuses a carrier lookup runs from; the outage takes the case from any of them to `awaiting_carrier`. */
export const CARRIER_LOOKUP_STATUSES = ['received', 'in_review', 'awaiting_review', 'checking_carrier', 'awaiting_carrier'] as const;

export interface CarrierOutageDeps extends ProviderHealthDeps {
  cases: CaseRepository;
  /** The tracking provider that serves a carrier (routing). */
  providerFor: (carrier: string) => string;
}

/**
 * The carrier lookup failed after all its retries because the provider is down, throttling or refusing our key: the
 * case waits, visibly (`awaiting_carrier`, waitingFor `carrier`, `carrierOutage` since when), and the workflow looks
 * again after a pause, for as long as it takes (the lookup that gets an answer again ends it, carrier-lookup.ts).
 * Operators get no alert per case: the case is counted on its provider's one outage alert (provider-health.ts).
 */
export async function carrierOutage(deps: CarrierOutageDeps, caseId: string, error: { Error?: string }, now: Date): Promise<{ waiting: true }> {
  const at = now.toISOString();
  const errorName = (error.Error ?? 'CarrierUnavailableError').slice(0, 128);
  const record = await deps.cases.require(caseId);
  const ongoing = record.carrierOutage && !record.carrierOutage.endedAt;
  const outage = ongoing ? record.carrierOutage : { since: at, error: errorName };
  const moved = await deps.cases.update(caseId, { status: 'awaiting_carrier', waitingFor: 'carrier', carrierOutage: outage }, [...CARRIER_LOOKUP_STATUSES]);
  if (!moved) return { waiting: true };
  const provider = deps.providerFor(record.shipment.carrier);
  if (!ongoing) await deps.cases.appendTimeline(caseId, { at, actor: 'carrier', event: 'carrier_unavailable', detail: { error: errorName, provider } });
  // Every round, not only the first: a case still waiting when its provider fails again is counted on the new outage.
  await caseWaitsForProvider(deps, provider, caseId, now);
  return { waiting: true };
}
