import type { AlertPort, CaseRepository } from '../ports.js';
import type { ShipmentRecord, ShipmentStore } from '../../adapters/shipment-store.js';
import { watcherId, type WatchRole } from '../../domain/shipment-watch.js';

/**
 * - `tracking_not_found`: the carrier (or the provider) does not know the number (17TRACK `NotFound_InvalidCode`,
 *   a lookup's TrackingNotFoundError).
 * - `tracking_stopped`: the provider stopped following the number (17TRACK `TRACKING_STOPPED`): no more pushes, and
 *   its silence says nothing about the parcel, so no "no scan for days" verdict is drawn from it (polling continues).
 */
export type TrackingIssueReason = 'tracking_not_found' | 'tracking_stopped';

export interface TrackingIssue {
  reason: TrackingIssueReason;
  /** Which parcel of the case: the order's (`outbound`), the customer's return, or one watched proactively. */
  role: WatchRole;
  carrier: string;
  trackingNumber: string;
  at: string;
}

/**
 * Flags a case whose parcel the carrier does not know: `trackingIssue` on the case (shown by GET /ops/cases/{id})
 * and a timeline entry. Returns false when the case does not exist or already carries this flag.
 */
export async function flagCaseTrackingIssue(cases: CaseRepository, caseId: string, issue: TrackingIssue): Promise<boolean> {
  const record = await cases.get(caseId);
  if (!record) return false;
  const known = record.trackingIssue;
  if (known && known.role === issue.role && known.trackingNumber === issue.trackingNumber && known.reason === issue.reason) return false;
  await cases.update(caseId, { trackingIssue: issue });
  await cases.appendTimeline(caseId, { at: issue.at, actor: 'carrier', event: 'tracking_issue', detail: { reason: issue.reason, role: issue.role, carrier: issue.carrier } });
  return true;
}

export interface ShipmentIssueDeps {
  shipments: ShipmentStore;
  cases: CaseRepository;
  alerts: AlertPort;
}

const WHAT: Record<TrackingIssueReason, string> = {
  tracking_not_found: 'does not know a watched tracking number',
  tracking_stopped: 'stopped following a watched tracking number (no more pushes; its silence is not read as a lost parcel)',
};

/** Once per shipment: the watching cases carry a `trackingIssue`, their timelines say so, operators are alerted once. */
export async function flagShipmentIssue(deps: ShipmentIssueDeps, shipment: ShipmentRecord, reason: TrackingIssueReason, now: Date): Promise<boolean> {
  if (!(await deps.shipments.flagTrackingIssue(shipment.key, reason, now))) return false;
  const at = now.toISOString();
  const open = shipment.watchers.filter((w) => !shipment.handled.includes(watcherId(w)));
  const caseIds: string[] = [];
  for (const watcher of open) {
    const issue = { reason, role: watcher.role, carrier: shipment.carrier, trackingNumber: shipment.trackingNumber, at };
    if (await flagCaseTrackingIssue(deps.cases, watcher.caseId, issue)) caseIds.push(watcher.caseId);
  }
  await deps.alerts.raise({
    kind: reason,
    ...(caseIds.length === 1 ? { caseId: caseIds[0] } : {}),
    at,
    // No tracking number in alerts (carriers' public lookups show the recipient's masked name and phone): the cases have it.
    message: `Carrier ${shipment.carrier} (provider ${shipment.provider}) ${WHAT[reason]}; watched for ${open.map((w) => `${w.role} ${w.caseId}`).join(', ') || 'no open case'}. Polling continues with backoff.`,
    detail: { carrier: shipment.carrier, provider: shipment.provider },
  });
  return true;
}
