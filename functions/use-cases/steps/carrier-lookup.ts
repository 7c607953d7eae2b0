import type { AlertPort, CaseRepository } from '../ports.js';
import type { CaseRecord } from '../../domain/case-record.js';
import { TrackingStoppedError, type CarrierTracker } from '../../adapters/carrier-tracker.js';
import type { ShipmentStore } from '../../adapters/shipment-store.js';
import type { TrackingSnapshot } from '../../domain/carrier-verdict.js';
import { carrierVerdict } from '../../domain/carrier-verdict.js';
import { shipmentKey } from '../../domain/shipment-watch.js';
import type { Markets } from '../../domain/markets.js';
import { flagCaseTrackingIssue } from '../tracking/tracking-issue.js';
import { CARRIER_LOOKUP_STATUSES } from './carrier-outage.js';

export interface CarrierLookupResult {
  verdict: 'confirmed' | 'refuted' | 'pending';
  rule: string;
  trackingStatus: string;
  delayWorkingDays?: number;
  reasonCode?: string;
}

/** How a lookup went, for the provider's health (the outage alert); the workflow never depends on it. */
export type LookupReport = (outcome: { ok: true } | { ok: false; error: string }) => Promise<void>;

/**
 * Asks the carrier where the parcel is and what that means for the claim. A carrier outage throws
 * CarrierUnavailableError, which the workflow retries with backoff, then waits in `awaiting_carrier` and looks
 * again (carrier-outage.ts); the case is never dropped. A number the carrier does not know is flagged on the case
 * (`trackingIssue`) before the error goes on to an operator. A parcel whose provider stopped tracking it (the case's
 * own `trackingIssue` or the watched shipment's flag, reason `tracking_stopped`) is never judged lost or not lost
 * from silence: the lookup records why and throws TrackingStoppedError, so the case goes to an operator.
 */
export async function carrierLookup(
  deps: { cases: CaseRepository; tracker: CarrierTracker; markets: Markets; report?: LookupReport; alerts?: AlertPort; shipments?: ShipmentStore },
  caseId: string,
  now: Date,
  /** The case as the step read it just before (to pick the provider): not read a second time. */
  read?: CaseRecord,
): Promise<CarrierLookupResult> {
  const record = read ?? (await deps.cases.require(caseId));
  const { policy, calendar } = deps.markets.of(record);
  const checking = { status: 'checking_carrier' as const, waitingFor: '' };
  const markChecking = () => deps.cases.update(caseId, checking, [...CARRIER_LOOKUP_STATUSES]);
  // From `in_review` (the review decided) or a recheck in `checking_carrier`, showing no wait, the status goes in the
  // same conditional write as the verdict: the case shows `in_review` while the carrier answers (seconds), one write
  // of the case item fewer; both are moving statuses nothing else tells apart. Otherwise it is written before the
  // carrier is asked, as always: a case that shows a wait (`awaiting_carrier`, `awaiting_review` after an operator's
  // decision) stops showing it, and a `received` case stops being one a duplicate request may close. A failed call
  // writes it before the error goes on, so the workflow's retries start from `checking_carrier` as before.
  const statusFirst = Boolean(record.waitingFor) || (record.status !== 'in_review' && record.status !== 'checking_carrier');
  if (statusFirst) await markChecking();
  const { shipment } = record;
  let tracking: TrackingSnapshot;
  try {
    tracking = await deps.tracker.track({
      carrier: shipment.carrier,
      trackingNumber: shipment.trackingNumber,
      shippedAt: shipment.shippedAt,
      promisedBy: shipment.promisedBy,
    });
  } catch (error) {
    if (!statusFirst) await markChecking();
    const { name, message } = error as Error;
    if (name === 'TrackingNotFoundError') {
      await deps.report?.({ ok: true });
      const at = now.toISOString();
      const flagged = await flagCaseTrackingIssue(deps.cases, caseId, {
        reason: 'tracking_not_found',
        role: 'outbound',
        carrier: shipment.carrier,
        trackingNumber: shipment.trackingNumber,
        at,
      });
      if (flagged) {
        await deps.alerts?.raise({
          kind: 'tracking_not_found',
          caseId,
          at,
          // No tracking number in alerts: carriers' public lookups show the recipient's masked name and phone for it.
          message: `Carrier ${shipment.carrier} does not know the outbound tracking number of case ${caseId} (see the case); the case goes to needs_attention.`,
          detail: { carrier: shipment.carrier },
        });
      }
    } else if (name === 'CarrierUnavailableError' || name === 'CarrierAuthError') {
      await deps.report?.({ ok: false, error: `${name}: ${message}` });
    }
    throw error;
  }
  await deps.report?.({ ok: true });
  if (record.carrierOutage && !record.carrierOutage.endedAt) {
    const at = now.toISOString();
    await deps.cases.update(caseId, { carrierOutage: { ...record.carrierOutage, endedAt: at } });
    await deps.cases.appendTimeline(caseId, { at, actor: 'carrier', event: 'carrier_available', detail: { since: record.carrierOutage.since } });
  }
  const checks = (record.carrier?.checks ?? 0) + 1;
  const trackingStopped = await trackingStoppedFor(record, deps.shipments);
  const verdict = carrierVerdict(record.type, tracking, new Date(shipment.promisedBy), now, checks, policy, calendar, shipment.carrier, { trackingStopped });
  const at = now.toISOString();
  /**
   * The verdict, with the status where it was not written before the call: while the case is still in a status a
   * lookup runs from (the condition the status write had), else on its own as before (a case that moved on meanwhile
   * keeps its status and still gets the verdict).
   */
  const recordVerdict = async (patch: Partial<CaseRecord>) => {
    if (statusFirst || !(await deps.cases.update(caseId, { ...checking, ...patch }, [...CARRIER_LOOKUP_STATUSES]))) await deps.cases.update(caseId, patch);
  };
  if (verdict.verdict === 'manual') {
    await recordVerdict({ carrier: { status: tracking.status, checks, lastCheckedAt: at, rule: verdict.rule } });
    await deps.cases.appendTimeline(caseId, { at, actor: 'carrier', event: 'carrier_manual', detail: { rule: verdict.rule, trackingStatus: tracking.status, check: checks } });
    await deps.alerts?.raise({
      kind: 'tracking_stopped',
      caseId,
      at,
      message: `The tracking provider stopped following the outbound parcel of case ${caseId} (carrier ${shipment.carrier}); its silence does not decide the claim, the case goes to needs_attention for an operator.`,
      detail: { carrier: shipment.carrier, rule: verdict.rule },
    });
    throw new TrackingStoppedError(`Tracking stopped for case ${caseId}: an operator decides (${verdict.rule})`);
  }
  const delayWorkingDays = verdict.verdict === 'confirmed' ? verdict.delayWorkingDays : undefined;
  const reasonCode = verdict.verdict === 'refuted' ? verdict.reasonCode : undefined;
  await recordVerdict({
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

/** Whether the provider stopped tracking the case's own parcel, by the case's flag or the watched shipment's. */
async function trackingStoppedFor(record: CaseRecord, shipments: ShipmentStore | undefined): Promise<boolean> {
  const { carrier, trackingNumber } = record.shipment;
  const issue = record.trackingIssue;
  if (issue?.reason === 'tracking_stopped' && issue.role === 'outbound' && shipmentKey(issue.carrier, issue.trackingNumber) === shipmentKey(carrier, trackingNumber)) return true;
  const watched = await shipments?.get(shipmentKey(carrier, trackingNumber));
  return watched?.trackingIssue?.reason === 'tracking_stopped';
}
