import type { CaseStore } from '../../adapters/case-store.js';
import type { WatchRole } from '../../domain/shipment-watch.js';

export interface TrackingIssue {
  reason: 'tracking_not_found';
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
export async function flagCaseTrackingIssue(cases: CaseStore, caseId: string, issue: TrackingIssue): Promise<boolean> {
  const record = await cases.get(caseId);
  if (!record) return false;
  const known = record.trackingIssue;
  if (known && known.role === issue.role && known.trackingNumber === issue.trackingNumber) return false;
  await cases.update(caseId, { trackingIssue: issue });
  await cases.appendTimeline(caseId, { at: issue.at, actor: 'carrier', event: 'tracking_issue', detail: { reason: issue.reason, role: issue.role, carrier: issue.carrier } });
  return true;
}
