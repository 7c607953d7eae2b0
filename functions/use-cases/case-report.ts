import type { CaseView } from '../adapters/case-store.js';

/**
 * The operator's view of a case: where it stands and how it got there. No contact details, no message bodies,
 * no secrets (the survey link is a credential).
 */
export function caseReport(view: CaseView) {
  const c = view.case;
  return {
    caseId: c.caseId,
    requestId: c.requestId,
    type: c.type,
    status: c.status,
    ...(c.outcome ? { outcome: c.outcome } : {}),
    ...(c.remedy ? { remedy: c.remedy } : {}),
    priority: c.priority,
    priorityBand: c.priorityBand,
    expedited: c.expedited,
    orderId: c.orderId,
    decision: c.decision,
    carrier: c.carrier,
    compensation: c.compensation,
    returnReceivedAt: c.returnReceivedAt,
    dueAt: c.dueAt,
    responseDueAt: c.responseDueAt,
    waitingFor: c.waitingFor || undefined,
    cancelRequested: c.cancelRequested,
    failure: c.failure,
    survey: c.survey,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    closedAt: c.closedAt,
    timeline: [...view.timeline].sort((a, b) => a.at.localeCompare(b.at)),
    notices: view.notices
      .filter((n) => n.status === 'sent' || n.status === 'failed')
      .map((n) => ({ milestone: n.milestone, channel: n.channel, status: n.status, at: n.at }))
      .sort((a, b) => a.at.localeCompare(b.at)),
  };
}
