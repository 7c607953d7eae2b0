import type { CaseFacts, CaseStatus, Channel, Locale, Outcome, Remedy, RemedyChoice } from './case.js';
import type { OperatorRole } from './operators.js';
import type { CasePause } from './pause.js';
import type { RedactionCause } from './privacy.js';
import type { FollowUp } from './satisfaction.js';
import type { ServiceSla } from './sla.js';

/**
 * The case entity as the pipeline keeps it (stored by functions/adapters/case-store.ts, which only maps it to and from
 * DynamoDB items). Its state rules are in functions/domain/case-rules.ts.
 */

/** The stored case: facts from the request plus what the pipeline has learnt and decided. No contact data. */
export interface CaseRecord extends CaseFacts {
  status: CaseStatus;
  /** `proactive`: the pipeline opened the case from carrier tracking; the customer made no claim (notices say so). */
  origin?: 'proactive';
  outcome?: Outcome;
  remedy?: Remedy;
  priority?: number;
  priorityBand?: string;
  /** Internal target for the first response, from the priority band. */
  responseDueAt?: string;
  locale: Locale;
  /** The latest decision; `market` and `policyVersion` name the rules it was made under (absent on older cases). */
  decision?: { decision: string; rule: string; reasonCode?: string; at: string; by?: string; reason?: string; market?: string; policyVersion?: string };
  /** What the review rule granted (quality: refund, exchange or repair by window). */
  grantedRemedy?: Remedy;
  /** Operator review: when it opened, its targets, and why it is manual. */
  review?: {
    openedAt: string;
    reminderAt: string;
    escalateAt: string;
    reasonCode: string;
    remindedAt?: string;
    escalatedAt?: string;
    /** The one accepted decision of this review (functions/adapters/review-store.ts); set once. */
    decided?: ReviewDecided;
    /** An approval above the four-eyes threshold, waiting for a second supervisor. */
    proposal?: ReviewProposal;
  };
  /** Set by an operator's request for evidence or a dispute: the next review is a person's, not the policy's. */
  reviewMode?: 'policy' | 'manual';
  operatorDecision?: { decision: string; reason: string; remedy?: Remedy; amount?: number; operator: string; at: string };
  choice?: { remedy: RemedyChoice; refundTo?: 'original_payment' | 'store_balance'; by: 'customer' | 'default'; at: string };
  dispute?: { count: number; lastAt: string };
  carrier?: { status: string; checks: number; lastCheckedAt: string; rule?: string; delayWorkingDays?: number };
  /** The carrier API stayed down through the lookup's retries: since when, and when it answered again. */
  carrierOutage?: { since: string; error: string; endedAt?: string };
  returnShipment?: { carrier: string; trackingNumber: string };
  /** The carrier does not know a parcel of this case (functions/use-cases/tracking/tracking-issue.ts). */
  trackingIssue?: { reason: string; role: string; carrier: string; trackingNumber: string; at: string };
  returnReceivedAt?: string;
  dueAt?: string;
  serviceWorkingDays?: number;
  /** Service clock (docs/sla.md): its due times, pauses and thresholds; `dueAt` mirrors its due time. */
  sla?: ServiceSla;
  slaBreachedAt?: string;
  /** Present while an operator has paused the case (the clock stands still); `pauseCount` counts every pause. */
  pause?: CasePause;
  pauseCount?: number;
  /** The internal first-response target (`responseDueAt`) passed without a decision. */
  firstResponseMissedAt?: string;
  cancelRequested?: boolean;
  waitingFor?: string;
  /**
   * Secret link credential for the survey, on the case item: a survey opened by an earlier release, or for a case
   * created before cases drew their token at intake. Never returned by the ops API.
   */
  surveyToken?: string;
  /**
   * The survey link's credential drawn at intake and kept with the facts (`CASE#FACTS`, cases created from 5 December
   * 2026): the survey uses it when it opens, so the case item, rewritten at every step, does not carry it (one write
   * unit, not two, for its last writes). Never returned by the ops API. A name of its own, so the previous release (which
   * would take a `surveyToken` for a survey already opened) ignores it after a rollback and opens its survey as before.
   */
  surveyLinkToken?: string;
  /** When the survey link stops working, on surveys opened with a `surveyToken` (else read from the survey item). */
  surveyExpiresAt?: string;
  survey?: { rating: number; answeredAt: string; speed?: number; resolution?: number; attitude?: number } | { expiredAt: string };
  /** Operator call-back after a low survey score (functions/adapters/follow-up-store.ts). */
  followUp?: FollowUp;
  compensation?: {
    instructionId: string;
    kind: string;
    amount?: number;
    currency?: string;
    idempotencyKey: string;
    at: string;
    status?: 'instructed' | 'completed' | 'failed';
    completedAt?: string;
    /** The parcel of a reship, as the platform reported it (told to the customer). */
    shipment?: { carrier: string; trackingNumber: string; trackingUrl?: string };
  };
  chargeBack?: { instructionId: string; amount: number; currency: string; at: string };
  /** The prepaid return label, and its carrier and link when the platform issued them. */
  returnLabel?: { instructionId: string; at: string; carrier?: string; labelUrl?: string };
  failure?: { error: string; at: string };
  closedAt?: string;
  /** Its personal data was redacted (functions/adapters/case-redactor.ts): when, and why (a request or retention). */
  redactedAt?: string;
  redaction?: RedactionCause;
  /** The operator who holds the case (claimed or assigned through POST /ops/cases/{id}/assign), and since when. */
  assignee?: string;
  assignedAt?: string;
  version: number;
  updatedAt: string;
}

export interface ReviewDecided {
  by: string;
  role: OperatorRole;
  decision: 'approve' | 'reject' | 'request_evidence';
  at: string;
  remedy?: Remedy;
  amount?: number;
  /** A confirmed proposal: who proposed it. */
  proposedBy?: string;
}

export interface ReviewProposal {
  by: string;
  role: OperatorRole;
  reason: string;
  remedy?: Remedy;
  /** The amount at stake: the operator's amount, or what the plan would pay. */
  amount: number;
  /** The operator's explicit amount, if any (what is paid once confirmed). */
  explicitAmount?: number;
  at: string;
}

/** Personal data, kept in its own item and read only by the notice sender. */
export interface CaseContact {
  name: string;
  email?: string;
  phone?: string;
  locale: Locale;
  channels: Channel[];
  description: string;
  /** IANA zone from the intake, when the order platform knows it. */
  timeZone?: string;
}

/** What a waiting workflow step waits for (one wait item per kind, functions/adapters/wait-store.ts). */
export type WaitKind = 'evidence' | 'return' | 'survey' | 'manual_review' | 'remedy_choice' | 'compensation';

/** What resumes a waiting workflow step: the event that arrived, as a small non-personal JSON value. */
export interface WaitSignal {
  signal: string;
  [detail: string]: string | number | boolean;
}

/** The case's survey link credential, wherever it is kept (undefined: none drawn yet, a case of an earlier release). */
export const surveyTokenOf = (c: Pick<CaseRecord, 'surveyToken' | 'surveyLinkToken'>): string | undefined => c.surveyToken ?? c.surveyLinkToken;
