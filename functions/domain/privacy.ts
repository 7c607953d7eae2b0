import type { TimelineEntry } from './case.js';

/**
 * Personal data on the customer's terms (docs/privacy.md): what redaction removes and what it keeps, as pure rules.
 * Personal data here is whatever names or reaches the person — contact (name, email, phone, time zone), their own
 * words (description, dispute reasons, survey comments), evidence links, the words operators wrote about or to them,
 * links that lead to their address (return labels, parcel pages). Kept: case and order ids, types, decisions with
 * their rule ids, amounts, dates, carrier facts — the business record accounting and the reports need.
 */
export const REDACTED = '[redacted]';

/** Why a case's personal data went: a customer's request (through the order platform), or the market's retention period. */
export type RedactionCause = { kind: 'request'; privacyRequestId: string } | { kind: 'retention'; retentionDays: number };

export const PRIVACY_REQUEST_KINDS = ['export', 'redact'] as const;
export type PrivacyRequestKind = (typeof PRIVACY_REQUEST_KINDS)[number];

/** `pending` until processed; an export is then `ready`, a redaction `waiting_for_open_cases` until they close, then `completed`. */
export type PrivacyRequestStatus = 'pending' | 'ready' | 'waiting_for_open_cases' | 'completed';

/**
 * Timeline details that hold words rather than codes: the customer's own (a dispute's reason) and an operator's
 * (a decision's reason, a pause's note), which may quote or name the person. Every other detail is a code, an id, an
 * amount or a time, and stays.
 */
function freeTextKeys(entry: TimelineEntry): string[] {
  if (entry.actor === 'customer') return ['reason', 'comment', 'description', 'note'];
  if (entry.actor.startsWith('operator:')) return ['reason', 'note', 'comment'];
  return ['note', 'comment', 'description'];
}

/** The entry with its personal parts replaced by the marker, or undefined when it holds none (left as it is). */
export function redactTimelineEntry(entry: TimelineEntry): TimelineEntry | undefined {
  if (!entry.detail) return undefined;
  const keys = freeTextKeys(entry).filter((key) => typeof entry.detail![key] === 'string' && entry.detail![key] !== REDACTED);
  if (keys.length === 0) return undefined;
  return { ...entry, detail: { ...entry.detail, ...Object.fromEntries(keys.map((key) => [key, REDACTED])) } };
}

/** The parts of a case record that redaction rewrites; the input is the stored case, the output the fields to set. */
export interface RedactableCase {
  evidence?: Array<{ kind: string; url: string }>;
  decision?: { rule: string; reason?: string };
  operatorDecision?: { reason: string };
  review?: { proposal?: { reason: string } };
  followUp?: { note?: string };
  returnLabel?: { labelUrl?: string };
  compensation?: { shipment?: { trackingUrl?: string } };
}

/**
 * The case fields to set so nothing on the case item names or reaches the person: evidence keeps its kinds (how many
 * photos were sent stays a fact) without its links; operators' words become the marker; links to a label or a parcel
 * page (they show the address) are dropped. `surveyToken` is removed by the caller: it is a key to the survey answer.
 */
export function redactedCaseFields<T extends RedactableCase>(c: T): Partial<T> {
  const patch: Partial<RedactableCase> = {};
  if (c.evidence?.some((e) => e.url !== REDACTED)) patch.evidence = c.evidence.map((e) => ({ kind: e.kind, url: REDACTED }));
  if (c.decision?.reason !== undefined && c.decision.reason !== REDACTED) patch.decision = { ...c.decision, reason: REDACTED };
  if (c.operatorDecision && c.operatorDecision.reason !== REDACTED) patch.operatorDecision = { ...c.operatorDecision, reason: REDACTED };
  if (c.review?.proposal && c.review.proposal.reason !== REDACTED) patch.review = { ...c.review, proposal: { ...c.review.proposal, reason: REDACTED } };
  if (c.followUp?.note !== undefined && c.followUp.note !== REDACTED) patch.followUp = { ...c.followUp, note: REDACTED };
  if (c.returnLabel?.labelUrl) {
    const { labelUrl: _url, ...label } = c.returnLabel;
    patch.returnLabel = label;
  }
  if (c.compensation?.shipment?.trackingUrl) {
    const { trackingUrl: _url, ...shipment } = c.compensation.shipment;
    patch.compensation = { ...c.compensation, shipment };
  }
  return patch as Partial<T>;
}

/** When a closed case's personal data falls due for redaction: `retentionDays` whole days after it closed. */
export function retentionDueAt(closedAt: string, retentionDays: number): string {
  return new Date(Date.parse(closedAt) + retentionDays * 86_400_000).toISOString();
}
