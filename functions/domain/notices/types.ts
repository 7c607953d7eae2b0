import type { CaseType, Locale, MinorUnits, RemedyChoice } from '../case.js';

/**
 * Typed data for every customer notice. One variant per milestone, each listing exactly what its template needs:
 * a field the notifier forgets is a compile error here and a `NoticeDataError` at run time (see check.ts), never a
 * blank in a customer's inbox. Dates are ISO 8601 instants; they are shown in the customer's time zone.
 */

/** An ISO 8601 instant, e.g. `2026-11-24T15:59:59.999Z`. */
export type Instant = string;

export const NOTICE_MILESTONES = [
  'received',
  'evidence_needed',
  'approved',
  'rejected',
  'remedy_choice_needed',
  'ship_back',
  'item_received',
  'refund_issued',
  'compensation_issued',
  'replacement_shipped',
  'repair_done',
  'delay_notice',
  'cancelled',
  'charged_back',
  'case_closed',
  'survey_invitation',
  'survey_reminder',
  'dispute_received',
] as const;
export type NoticeMilestone = (typeof NOTICE_MILESTONES)[number];

/**
 * What the pipeline noticed when it opened a case itself from carrier tracking (a proactive case): the customer made
 * no claim, so its notices say what we noticed and what we are doing, never "thank you for your request".
 */
export const PROACTIVE_FINDINGS = ['late_delivery', 'carrier_lost', 'no_scan'] as const;
export type ProactiveFinding = (typeof PROACTIVE_FINDINGS)[number];

/** What every notice carries. */
export interface NoticeBase {
  /** The case reference the customer quotes, e.g. `AS-6T7Y94954VZ2`. */
  caseId: string;
  caseType: CaseType;
  customerName: string;
  /** Signed link to the case's status page (built elsewhere); shown in every email and SMS except the survey SMS. */
  statusUrl: string;
  /** Order number, shown in the email's details when given. */
  orderId?: string;
  /** What the case is about in a few words (e.g. "Mechanical keyboard ×1"), shown in the email's details when given. */
  itemSummary?: string;
  /** Set when the pipeline opened the case from carrier tracking, not the customer. */
  proactive?: ProactiveFinding;
}

/** Reasons a request is turned down: the review policy, the carrier verdict and operator decisions. */
export const REJECTION_REASONS = [
  'window_expired',
  'category_excluded',
  'not_delivered',
  'no_delivery_record',
  'warranty_expired',
  'carrier_delivered',
  'loss_not_confirmed',
  'delivered_on_time',
  'not_late',
  'evidence_missing',
  'high_value',
  'manual_rejected',
] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];

/** Special circumstances that extend the service time (000 §5.3). */
export const DELAY_REASONS = ['force_majeure', 'factory_service', 'awaiting_parts', 'carrier_disruption', 'beyond_our_control'] as const;
export type DelayReason = (typeof DELAY_REASONS)[number];

export const EVIDENCE_KINDS = ['damage_photo', 'packaging_photo', 'label_photo', 'product_photo', 'serial_photo', 'receipt'] as const;
export type EvidenceKind = (typeof EVIDENCE_KINDS)[number];

/** What follows an approval. */
export const APPROVAL_NEXT_STEPS = ['return_instructions', 'choose_remedy', 'refund', 'replacement', 'carrier_check', 'compensation'] as const;
export type ApprovalNext = (typeof APPROVAL_NEXT_STEPS)[number];

/** What the service center does once the item has arrived. */
export const AFTER_ARRIVAL_STEPS = ['refund', 'replacement', 'repair', 'inspection'] as const;
export type AfterArrival = (typeof AFTER_ARRIVAL_STEPS)[number];

export const REFUND_DESTINATIONS = ['original_payment', 'store_balance'] as const;
export type RefundDestination = (typeof REFUND_DESTINATIONS)[number];

export const COMPENSATION_REASONS = ['delay', 'goodwill'] as const;
export type CompensationReason = (typeof COMPENSATION_REASONS)[number];

export const CLOSE_REASONS = ['completed', 'rejected', 'cancelled', 'evidence_expired', 'return_expired'] as const;
export type CloseReason = (typeof CLOSE_REASONS)[number];

export interface ServiceCenter {
  /** Also the recipient on the parcel, e.g. "Aftersales Service Center". */
  name: string;
  /** Full postal address on one line, as the courier needs it. */
  address: string;
  /** The service center's phone number (couriers require one for the recipient). */
  phone: string;
}

/** How the item travels back: a prepaid label, a courier pickup in a time window, or the customer's own courier. */
export type ReturnMethod =
  | { kind: 'prepaid_label'; carrier: string; labelUrl: string }
  | { kind: 'pickup'; carrier: string; pickupFrom: Instant; pickupUntil: Instant }
  | { kind: 'self_ship'; postage: 'customer_pays' | 'reimbursed' };

export interface RemedyOption {
  choice: RemedyChoice;
  /** The link that records this choice. */
  url: string;
}

export interface Amount {
  /** Integer minor units of `currency` (fen, cents; yen have none). */
  amount: MinorUnits;
  /** ISO 4217 code, e.g. CNY. */
  currency: string;
}

export type ReceivedNotice = NoticeBase & {
  milestone: 'received';
  /**
   * The day the customer will hear back by at the latest: the first-response target counted in the market's working
   * time and rounded up to the end of that local day (notice-data.ts), so it is shown as a day, never a clock time.
   */
  replyBy?: Instant;
};

/**
 * The customer disputed: an `appeal` of a rejection reopened the case in front of a person (once per dispute round);
 * a `message` about a case not closed as rejected was added to it for the team (once per case). Absent: an appeal.
 */
export type DisputeReceivedNotice = NoticeBase & { milestone: 'dispute_received'; about?: 'appeal' | 'message' };

export type EvidenceNeededNotice = NoticeBase & {
  milestone: 'evidence_needed';
  requested: EvidenceKind[];
  respondBy: Instant;
  /** Where the customer adds the photos. */
  uploadUrl: string;
  /**
   * What the operator asks for, in their own words, when a person (not the policy) asked: quoted in place of the
   * list of photos by case type, cut to `NOTE_LIMIT` code points (operator-note.ts).
   */
  operatorNote?: string;
};

/** The rule an approval rests on, explained to the customer in plain words. */
export const APPROVAL_BASES = [
  'no_reason_return',
  'quality_refund',
  'quality_exchange',
  'warranty_repair',
  'exchange_window',
  'damage_reported',
  'missing_part',
  'loss_confirmed',
  'loss_presumed',
  'delay_confirmed',
  'team_review',
] as const;
export type ApprovalBasis = (typeof APPROVAL_BASES)[number];

export type ApprovedNotice = NoticeBase & {
  milestone: 'approved';
  next: ApprovalNext;
  /** Why the request is approved; absent, the notice just says it is. */
  basis?: ApprovalBasis;
  /** When the next step happens at the latest, if known. */
  nextBy?: Instant;
};

export type RejectedNotice = NoticeBase & {
  milestone: 'rejected';
  /** The plain-words reason; for an operator's rejection with a note, the note is quoted instead of its words. */
  reasonCode: RejectionReason;
  /** Why the operator rejected it, in their own words (the decision's reason). Absent for a policy's rejection. */
  operatorNote?: string;
};

export type RemedyChoiceNeededNotice = NoticeBase & {
  milestone: 'remedy_choice_needed';
  /** At least two, each once. */
  options: RemedyOption[];
  /** One of the options: what happens without an answer by `decideBy`. */
  defaultChoice: RemedyChoice;
  decideBy: Instant;
  /** The refund a return or refund option pays, shown beside those options when given. */
  refund?: Amount;
};

export type ShipBackNotice = NoticeBase & {
  milestone: 'ship_back';
  serviceCenter: ServiceCenter;
  method: ReturnMethod;
  /** Last day to send the item; after it the request is closed. */
  shipBy: Instant;
};

export type ItemReceivedNotice = NoticeBase & {
  milestone: 'item_received';
  receivedAt: Instant;
  next: AfterArrival;
  /** The service time limit, counted from arrival (000 §5). */
  dueBy: Instant;
};

export type RefundIssuedNotice = NoticeBase &
  Amount & {
    milestone: 'refund_issued';
    refundTo: RefundDestination;
    /** When the money should show up, if the payment provider says. */
    expectedBy?: Instant;
  };

export type CompensationIssuedNotice = NoticeBase &
  Amount & {
    milestone: 'compensation_issued';
    reason: CompensationReason;
    validUntil?: Instant;
  };

export type ReplacementShippedNotice = NoticeBase & {
  milestone: 'replacement_shipped';
  carrier: string;
  trackingNumber: string;
  trackingUrl?: string;
  expectedBy?: Instant;
  /** Advance exchange: the replacement left before the original came back, which is due by then. */
  returnOriginalBy?: Instant;
};

export type RepairDoneNotice = NoticeBase & {
  milestone: 'repair_done';
  carrier: string;
  trackingNumber: string;
  trackingUrl?: string;
  expectedBy?: Instant;
};

export type DelayNotice = NoticeBase & {
  milestone: 'delay_notice';
  reason: DelayReason;
  /** When the case should now be finished, if the service center can say yet. */
  newExpectedBy?: Instant;
  keepWaitingUrl: string;
  cancelUrl: string;
};

export type CancelledNotice = NoticeBase & { milestone: 'cancelled' };

export type ChargedBackNotice = NoticeBase &
  Amount & {
    milestone: 'charged_back';
    /** The deadline the original item missed. */
    returnWasDueBy: Instant;
  };

export type CaseClosedNotice = NoticeBase & {
  milestone: 'case_closed';
  closeReason?: CloseReason;
};

export type SurveyInvitationNotice = NoticeBase & { milestone: 'survey_invitation'; surveyUrl: string; expiresAt: Instant };
export type SurveyReminderNotice = NoticeBase & { milestone: 'survey_reminder'; surveyUrl: string; expiresAt: Instant };

export type NoticeData =
  | ReceivedNotice
  | EvidenceNeededNotice
  | ApprovedNotice
  | RejectedNotice
  | RemedyChoiceNeededNotice
  | ShipBackNotice
  | ItemReceivedNotice
  | RefundIssuedNotice
  | CompensationIssuedNotice
  | ReplacementShippedNotice
  | RepairDoneNotice
  | DelayNotice
  | CancelledNotice
  | ChargedBackNotice
  | CaseClosedNotice
  | SurveyInvitationNotice
  | SurveyReminderNotice
  | DisputeReceivedNotice;

export type NoticeDataFor<M extends NoticeMilestone> = Extract<NoticeData, { milestone: M }>;

export interface RenderOptions {
  locale: Locale;
  /** IANA time zone the customer's dates are shown in; default Asia/Shanghai. */
  timeZone?: string;
}

export interface RenderedNotice {
  subject: string;
  text: string;
  html: string;
  sms: string;
}

export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';
