import type { CaseStore } from '../../adapters/case-store.js';
import type { OpsAlerts } from '../../adapters/ops-alerts.js';

/** Statuses a carrier lookup runs from; the outage takes the case from any of them to `awaiting_carrier`. */
export const CARRIER_LOOKUP_STATUSES = ['received', 'in_review', 'awaiting_review', 'checking_carrier', 'awaiting_carrier'] as const;

/**
 * The carrier lookup failed after all its retries because the provider is down or throttling: the case waits,
 * visibly (`awaiting_carrier`, waitingFor `carrier`, `carrierOutage` since when), and the workflow looks again after
 * a pause, for as long as it takes. Operators are alerted once per outage of the case, when it starts; the lookup
 * that gets an answer again ends it (carrier-lookup.ts).
 */
export async function carrierOutage(deps: { cases: CaseStore; alerts: OpsAlerts }, caseId: string, error: { Error?: string }, now: Date): Promise<{ waiting: true }> {
  const at = now.toISOString();
  const errorName = (error.Error ?? 'CarrierUnavailableError').slice(0, 128);
  const record = await deps.cases.require(caseId);
  const ongoing = record.carrierOutage && !record.carrierOutage.endedAt;
  const outage = ongoing ? record.carrierOutage : { since: at, error: errorName };
  const moved = await deps.cases.update(caseId, { status: 'awaiting_carrier', waitingFor: 'carrier', carrierOutage: outage }, [...CARRIER_LOOKUP_STATUSES]);
  if (moved && !ongoing) {
    await deps.cases.appendTimeline(caseId, { at, actor: 'carrier', event: 'carrier_unavailable', detail: { error: errorName } });
    await deps.alerts.raise({
      kind: 'carrier_unavailable',
      caseId,
      at,
      message: `The carrier lookup of case ${caseId} keeps failing (${errorName}); the case waits in awaiting_carrier and is looked up again periodically.`,
      detail: { error: errorName },
    });
  }
  return { waiting: true };
}
