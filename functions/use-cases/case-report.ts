import type { CaseRecord, CaseView } from '../adapters/case-store.js';

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
    review: c.review,
    choice: c.choice,
    dispute: c.dispute,
    carrier: c.carrier,
    trackingIssue: c.trackingIssue,
    carrierOutage: c.carrierOutage,
    compensation: c.compensation,
    chargeBack: c.chargeBack,
    returnReceivedAt: c.returnReceivedAt,
    dueAt: c.dueAt,
    // A due date counted on holidays predicted by rule (sla.provisionalFrom on): estimated until its year is published.
    ...(c.sla?.provisional ? { dueProvisional: true } : {}),
    sla: c.sla,
    slaBreachedAt: c.slaBreachedAt,
    pause: c.pause,
    responseDueAt: c.responseDueAt,
    firstResponseMissedAt: c.firstResponseMissedAt,
    waitingFor: c.waitingFor || undefined,
    cancelRequested: c.cancelRequested,
    failure: c.failure,
    survey: c.survey,
    followUp: c.followUp,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    closedAt: c.closedAt,
    timeline: [...view.timeline].sort((a, b) => a.at.localeCompare(b.at)),
    // Every notice but one being sent this instant: sent, deferred (quiet hours), failed, suppressed, undeliverable.
    notices: view.notices
      .filter((n) => n.status !== 'sending')
      .map((n) => ({
        milestone: n.milestone,
        channel: n.channel,
        status: n.status,
        at: n.at,
        ...(n.status === 'deferred' && n.sendAt ? { sendAt: n.sendAt } : {}),
        ...(n.reason || n.error ? { reason: n.reason ?? n.error } : {}),
      }))
      .sort((a, b) => a.at.localeCompare(b.at)),
  };
}

/** One line of the operators' review list: enough to pick the next case, nothing personal. */
export function reviewListEntry(c: CaseRecord) {
  return {
    caseId: c.caseId,
    type: c.type,
    priority: c.priority,
    priorityBand: c.priorityBand,
    reasonCode: c.review?.reasonCode,
    openedAt: c.review?.openedAt,
    reminderAt: c.review?.reminderAt,
    escalateAt: c.review?.escalateAt,
    escalated: Boolean(c.review?.escalatedAt),
    dispute: c.dispute?.count ?? 0,
  };
}
