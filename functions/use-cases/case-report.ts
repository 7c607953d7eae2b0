import type { CaseRepository, CaseView } from './ports.js';
import type { AccessLog } from '../adapters/access-log.js';
import type { CaseRecord } from '../domain/case-record.js';
import { concernedLines, valueOf } from '../domain/money.js';
import type { Operator } from '../domain/operators.js';

/**
 * The case view an operator decides from (GET /ops/cases/{caseId}). The customer's description is personal data:
 * the read is put in the access log first, and only then is the description read. Name, email, phone and address
 * are never read here.
 */
export async function readCaseForOperator(
  deps: { cases: Pick<CaseRepository, 'view' | 'contact'>; accessLog: Pick<AccessLog, 'record'> },
  caseId: string,
  operator: Operator,
  route: string,
  now: Date,
) {
  return (await readCaseAndMarket(deps, caseId, operator, route, now))?.report;
}

/**
 * readCaseForOperator's report and the case's own market (the record's top-level `market`, absent on a case from
 * before markets; the report names it only beside an order), for the console to show it in that market's zone.
 */
export async function readCaseAndMarket(
  deps: { cases: Pick<CaseRepository, 'view' | 'contact'>; accessLog: Pick<AccessLog, 'record'> },
  caseId: string,
  operator: Operator,
  route: string,
  now: Date,
) {
  const view = await deps.cases.view(caseId);
  if (!view) return undefined;
  await deps.accessLog.record({ at: now.toISOString(), operator: operator.name, role: operator.role, caseId, read: ['description'], route });
  const contact = await deps.cases.contact(caseId);
  return { report: caseReport(view, contact?.description), market: view.case.market };
}

/**
 * The operator's view of a case: where it stands, how it got there, and the facts to decide from (items, order value,
 * tier, reason and description, evidence, carrier facts, what was paid). No contact details, no message bodies,
 * no secrets (the survey link is a credential).
 */
export function caseReport(view: CaseView, description?: string) {
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
    // Opened by the pipeline from carrier tracking: its notices have their own wording, a refutation closes silently.
    ...(c.origin ? { origin: c.origin } : {}),
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
    assignee: c.assignee,
    assignedAt: c.assignedAt,
    reason: c.reason,
    description,
    // Personal data redacted (docs/privacy.md): the words and links shown here are the marker.
    ...(c.redactedAt
      ? { redacted: { at: c.redactedAt, cause: c.redaction?.kind ?? 'request', ...(c.redaction?.kind === 'request' ? { privacyRequestId: c.redaction.privacyRequestId } : {}) } }
      : {}),
    customer: { customerId: c.customerId, tier: c.tier },
    // The items of the case, with what the order says about each: what a decision may pay for.
    // A claim with no items is the whole order; a SKU sold at several prices is counted cheapest units first, as the
    // money bound counts it (functions/domain/money.ts).
    items: caseLines(c).map(({ sku, name, category, quantity, unitPrice }) => ({ sku, name, category, quantity, unitPrice })),
    // The market the case is decided under (absent on a case from before markets: the deployment's default).
    order: c.orderItems
      ? { orderId: c.orderId, placedAt: c.orderPlacedAt, currency: c.currency, ...(c.market ? { market: c.market } : {}), value: valueOf(c.orderItems), items: c.orderItems }
      : undefined,
    evidence: c.evidence,
    shipment: c.shipment,
    returnShipment: c.returnShipment,
    returnLabel: c.returnLabel,
    // What the case already cost, one entry per cost from the ledger (refunds, subsidies, coupons, goods reshipped,
    // return labels; charge-backs negative), with totals per currency. `compensation` and `chargeBack` say the latest.
    costs: costsSoFar(view),
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

function costsSoFar(view: CaseView) {
  const entries = (view.ledger ?? []).map((e) => ({ kind: e.kind, amount: e.amount, currency: e.currency, remedy: e.remedy, at: e.at })).sort((a, b) => a.at.localeCompare(b.at));
  const totals: Record<string, number> = {};
  for (const e of entries) totals[e.currency] = (totals[e.currency] ?? 0) + e.amount;
  return { entries, totals };
}

/** One line of the operators' review list: enough to pick the next case, nothing personal. */
/** The order lines the case concerns; a case stored before the intake checked its items shows its claims as sent. */
function caseLines(c: CaseRecord): Array<{ sku: string; name?: string; category?: string; quantity: number; unitPrice?: number }> {
  try {
    return concernedLines(c.orderItems ?? [], c.items ?? []);
  } catch {
    return (c.items ?? []).map((ref) => ({ ...c.orderItems?.find((item) => item.sku === ref.sku), ...ref }));
  }
}

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
    assignee: c.assignee,
    // What the case's items are worth (claimed units at the order's prices): what a decision may pay at most.
    ...(c.orderItems && c.currency ? { value: valueOf(caseLines(c).map(({ quantity, unitPrice }) => ({ quantity, unitPrice: unitPrice ?? 0 }))), currency: c.currency } : {}),
    // The service clock's state, for the queue's colour when the case is near or past its service due time.
    ...(c.sla?.state ? { slaState: c.pause ? 'paused' : c.sla.state, dueAt: c.dueAt } : {}),
    // A four-eyes proposal waiting for a second supervisor: the checker finds it from the queue.
    ...(c.review?.proposal
      ? {
          proposal: {
            by: c.review.proposal.by,
            amount: c.review.proposal.amount,
            ...(c.review.proposal.remedy ? { remedy: c.review.proposal.remedy } : {}),
            at: c.review.proposal.at,
          },
        }
      : {}),
  };
}
