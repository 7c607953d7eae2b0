import type { CaseRepository } from '../ports.js';
import type { CaseContact } from '../../domain/case-record.js';
import type { ProactiveContact, ShipmentStore } from '../../adapters/shipment-store.js';
import type { SurveyStore } from '../../adapters/survey-store.js';

/** The export format's name and version, so the platform (and the customer) can read it without guessing. */
export const EXPORT_FORMAT = 'aftersales-privacy-export/1';

/**
 * One case as the customer's export shows it (docs/privacy.md): the contact as stored, their own words (description,
 * dispute reasons and other words on the timeline, the survey comment, the call-back note), evidence links, every
 * notice with its time, channel and milestone, survey answers, follow-ups, and the case's facts and decisions. Only
 * the survey link's token is left out: it is a credential, not data about the person.
 */
export async function caseExport(deps: { cases: Pick<CaseRepository, 'view' | 'contact'>; surveys: Pick<SurveyStore, 'get'> }, caseId: string) {
  const view = await deps.cases.view(caseId);
  if (!view) return undefined;
  const { surveyToken: _onCase, surveyLinkToken: _withFacts, ...record } = view.case;
  // Both tokens may have a survey (one opened again under the previous release after a rollback): the case item's
  // first, as the notices use it; the other one's answers are the customer's too.
  const tokens = [...new Set([view.case.surveyToken, view.case.surveyLinkToken])].filter((t): t is string => t !== undefined);
  const contact = await deps.cases.contact(caseId);
  const [survey, ...others] = (await Promise.all(tokens.map((t) => deps.surveys.get(t)))).filter((s) => s !== undefined);
  return {
    caseId: record.caseId,
    orderId: record.orderId,
    contact: contact ? contactAsStored(contact) : undefined,
    description: contact?.description,
    evidence: record.evidence,
    case: record,
    timeline: [...view.timeline].sort((a, b) => a.at.localeCompare(b.at)),
    notices: view.notices
      .map((n) => ({ milestone: n.milestone, channel: n.channel, status: n.status, at: n.at, ...(n.sendAt ? { sendAt: n.sendAt } : {}) }))
      .sort((a, b) => a.at.localeCompare(b.at)),
    survey: survey ? surveyExport(survey) : undefined,
    ...(others.length > 0 ? { otherSurveys: others.map(surveyExport) } : {}),
    followUp: record.followUp,
    costs: view.ledger.map((e) => ({ kind: e.kind, amount: e.amount, currency: e.currency, remedy: e.remedy, at: e.at })),
  };
}

export type CaseExport = NonNullable<Awaited<ReturnType<typeof caseExport>>>;

/** A survey's answers without its token (a credential). */
function surveyExport(survey: NonNullable<Awaited<ReturnType<SurveyStore['get']>>>) {
  return {
    createdAt: survey.createdAt,
    expiresAt: survey.expiresAt,
    ...(survey.answeredAt ? { answeredAt: survey.answeredAt } : {}),
    ...(survey.rating !== undefined ? { overall: survey.rating } : {}),
    ...(survey.speed !== undefined ? { speed: survey.speed } : {}),
    ...(survey.resolution !== undefined ? { resolution: survey.resolution } : {}),
    ...(survey.attitude !== undefined ? { attitude: survey.attitude } : {}),
    ...(survey.comment !== undefined ? { comment: survey.comment } : {}),
  };
}

function contactAsStored(contact: CaseContact) {
  const { description: _d, ...rest } = contact;
  return rest;
}

/** Parcels announced for proactive detection whose contact is kept for a case that may still open. */
export async function watchedParcelsExport(
  shipments: Pick<ShipmentStore, 'watchedContactsOf'> | undefined,
  customerId: string,
): Promise<Array<{ parcel: string; contact: ProactiveContact }>> {
  if (!shipments) return [];
  return (await shipments.watchedContactsOf(customerId)).map(({ key, contact }) => ({ parcel: key, contact }));
}
