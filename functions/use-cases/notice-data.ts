import type { CaseRecord } from '../domain/case-record.js';
import type { CaseType, Locale, Outcome, RemedyChoice } from '../domain/case.js';
import { concernedLines, valueOf } from '../domain/money.js';
import {
  DEFAULT_TIME_ZONE,
  DELAY_REASONS,
  NoticeDataError,
  operatorNoteOf,
  REJECTION_REASONS,
  type ApprovalBasis,
  type ApprovalNext,
  type CloseReason,
  type DelayReason,
  type EvidenceKind,
  type NoticeBase,
  type NoticeData,
  type RejectionReason,
  type ReturnMethod,
} from '../domain/notices.js';
import type { AftersalesPolicy } from '../domain/policy.js';
import { proactiveFindingOf } from '../domain/notice-rules.js';
import { customerReplyBy } from '../domain/response-target.js';
import { expectedDueAfterPause } from '../domain/sla.js';
import { CalendarDataMissing, endOfLocalDay, localDateOf, type WorkingDayCalendar } from '../domain/working-days.js';
import type { NoticeMessage } from '../schemas/messages.js';

/** Links a notice may carry, built by the notifier from its configuration and the signed status token. */
export interface NoticeLinks {
  /** The case's status page (signed, expiring). */
  status: string;
  /** The survey form, once the survey is open. */
  survey?: string;
  /** The order platform's page where the customer adds photos to this request. */
  evidenceUpload: string;
  /** The order platform's page that records the customer's remedy choice. */
  remedyChoice(choice: RemedyChoice): string;
}

export interface NoticeInputs {
  record: CaseRecord;
  customerName: string;
  locale: Locale;
  policy: AftersalesPolicy;
  links: NoticeLinks;
  /** When the milestone was reached: deadlines (`dueInSeconds`) count from it. */
  at: Date;
  /** The survey's expiry, for survey notices. */
  surveyExpiresAt?: string;
  /** The market's working days: a pause's expected end gives the case's new due time. */
  calendar?: WorkingDayCalendar;
}

/**
 * The typed data of one queued milestone, built from the case record: what the customer already knows or needs,
 * nothing else. A value the milestone needs but the case lacks throws a `NoticeDataError` naming it: the notice
 * fails visibly (on the case, then the DLQ) instead of reaching the customer with a blank.
 */
export function noticeDataFor(message: Pick<NoticeMessage, 'milestone' | 'dueInSeconds' | 'reason' | 'pause' | 'round'>, inputs: NoticeInputs): NoticeData {
  const { record, links } = inputs;
  const { milestone } = message;
  const need = <T>(value: T | undefined | null, field: string): T => {
    if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) throw new NoticeDataError(milestone, field, 'missing');
    return value;
  };
  const proactive = proactiveFindingOf(record);
  const deadline = () => new Date(inputs.at.getTime() + need(message.dueInSeconds, 'dueInSeconds') * 1000).toISOString();
  const base: NoticeBase = {
    caseId: record.caseId,
    caseType: record.type,
    customerName: inputs.customerName,
    statusUrl: links.status,
    orderId: record.orderId,
    itemSummary: itemSummary(record),
    ...(proactive ? { proactive } : {}),
  };

  // An operator's request or rejection quotes their words, read here from the case record, never from the message.
  const note = operatorNoteOf(record);

  switch (milestone) {
    case 'received': {
      const replyBy = replyByOf(record, inputs);
      return { ...base, milestone: 'received', ...(replyBy ? { replyBy } : {}) };
    }
    case 'dispute_received':
      // A reopened case's round acknowledges an appeal; without a round the dispute was added to a case left as it was.
      return { ...base, milestone: 'dispute_received', about: message.round ? 'appeal' : 'message' };
    case 'evidence_needed':
      return {
        ...base,
        milestone: 'evidence_needed',
        requested: EVIDENCE_REQUESTED[record.type],
        respondBy: deadline(),
        uploadUrl: links.evidenceUpload,
        ...(note?.kind === 'evidence_request' ? { operatorNote: note.text } : {}),
      };
    case 'decided': {
      if (record.outcome === 'rejected' || record.decision?.decision === 'reject') {
        const code = need(record.decision?.reasonCode, 'reasonCode');
        return {
          ...base,
          milestone: 'rejected',
          reasonCode: need(toRejectionReason(code), `reason text for ${code}`),
          ...(note?.kind === 'rejection' ? { operatorNote: note.text } : {}),
        };
      }
      if (record.outcome !== 'approved' && record.decision?.decision !== 'approve') need(undefined, 'decision');
      const basis = record.decision?.rule ? APPROVAL_BASIS_OF_RULE[record.decision.rule] : undefined;
      return { ...base, milestone: 'approved', next: approvalNext(record, inputs.policy), ...(basis ? { basis } : {}) };
    }
    case 'remedy_choice_needed': {
      const choice = need(inputs.policy.customerChoice[record.type], 'the policy’s remedy options');
      const offersRefund = choice.options.some((o) => o === 'refund' || o === 'return');
      return {
        ...base,
        milestone: 'remedy_choice_needed',
        options: choice.options.map((option) => ({ choice: option, url: links.remedyChoice(option) })),
        defaultChoice: choice.default,
        decideBy: deadline(),
        ...(offersRefund ? { refund: { amount: valueOf(concernedLines(record.orderItems, record.items)), currency: record.currency } } : {}),
      };
    }
    case 'ship_back':
      return { ...base, milestone: 'ship_back', serviceCenter: inputs.policy.serviceCenter[inputs.locale], method: returnMethod(record, inputs.policy), shipBy: deadline() };
    case 'resolved':
      return resolved(base, record, need);
    case 'cancelled':
      return { ...base, milestone: 'cancelled' };
    case 'charged_back': {
      const chargeBack = need(record.chargeBack, 'chargeBack');
      // The charge-back runs when the return deadline passes, so its time is the deadline the item missed.
      return { ...base, milestone: 'charged_back', amount: chargeBack.amount, currency: chargeBack.currency, returnWasDueBy: chargeBack.at };
    }
    case 'survey_invitation':
    case 'survey_reminder':
      return { ...base, milestone, surveyUrl: need(links.survey, 'surveyUrl'), expiresAt: need(inputs.surveyExpiresAt, 'expiresAt') };
    case 'closed': {
      const closeReason = message.reason ?? (record.outcome ? CLOSE_REASON_OF_OUTCOME[record.outcome] : undefined);
      return { ...base, milestone: 'case_closed', ...(closeReason ? { closeReason } : {}) };
    }
    case 'delay_notice': {
      // The pause the message announces; messages queued before it carried one fall back to the case's own pause of that round.
      const pause = need(message.pause ?? (record.pause && record.pause.count === (message.round ?? record.pause.count) ? record.pause : undefined), 'pause');
      if (!(DELAY_REASONS as readonly string[]).includes(pause.reason)) throw new NoticeDataError(milestone, 'pause.reason', `not one of ${DELAY_REASONS.join(', ')}`);
      // The status page offers both buttons where `#choice` points.
      const choiceUrl = `${links.status}#choice`;
      // The new date is when the service should now be done (the clock resumes at the expected end of the pause);
      // without a running clock or an expected end, the notice says the date will follow.
      const newExpectedBy =
        record.sla && pause.expectedResumeBy && inputs.calendar
          ? expectedDueAfterPause(record.sla, new Date(pause.since), new Date(pause.expectedResumeBy), inputs.calendar)
          : undefined;
      return {
        ...base,
        milestone: 'delay_notice',
        reason: pause.reason as DelayReason,
        ...(newExpectedBy ? { newExpectedBy } : {}),
        keepWaitingUrl: choiceUrl,
        cancelUrl: choiceUrl,
      };
    }
  }
}

/**
 * The day the customer hears back by: the band's first-response hours counted in working time from the milestone.
 * Without a calendar (or past its data) the internal target's own day, rounded up the same way; none without a band.
 */
function replyByOf(record: CaseRecord, inputs: NoticeInputs): string | undefined {
  const band = record.priorityBand as keyof AftersalesPolicy['sla']['firstResponseHours'] | undefined;
  const hours = band ? inputs.policy.sla.firstResponseHours[band] : undefined;
  if (hours !== undefined && inputs.calendar) {
    try {
      return customerReplyBy(inputs.at, hours, inputs.calendar);
    } catch (error) {
      if (!(error instanceof CalendarDataMissing) && !(error instanceof RangeError)) throw error;
    }
  }
  if (!record.responseDueAt) return undefined;
  const zone = inputs.calendar?.timeZone ?? DEFAULT_TIME_ZONE;
  return endOfLocalDay(localDateOf(new Date(Date.parse(record.responseDueAt) - 1), zone), zone).toISOString();
}

type Need = <T>(value: T | undefined | null, field: string) => T;

function resolved(base: NoticeBase, record: CaseRecord, need: Need): NoticeData {
  const compensation = need(record.compensation, 'compensation');
  const remedy = need(record.remedy, 'remedy');
  const parcel = () => {
    const shipment = need(compensation.shipment, 'shipment');
    return {
      carrier: need(shipment.carrier, 'shipment.carrier'),
      trackingNumber: need(shipment.trackingNumber, 'shipment.trackingNumber'),
      ...(shipment.trackingUrl ? { trackingUrl: shipment.trackingUrl } : {}),
    };
  };
  const money = () => ({ amount: need(compensation.amount, 'amount'), currency: need(compensation.currency, 'currency') });
  switch (remedy) {
    case 'refund':
    case 'partial_refund':
      return { ...base, milestone: 'refund_issued', ...money(), refundTo: record.choice?.refundTo ?? 'original_payment' };
    case 'delay_subsidy':
    case 'coupon':
      return { ...base, milestone: 'compensation_issued', ...money(), reason: remedy === 'delay_subsidy' ? 'delay' : 'goodwill' };
    case 'exchange':
    case 'reship':
      return { ...base, milestone: 'replacement_shipped', ...parcel() };
    case 'repair':
      return { ...base, milestone: 'repair_done', ...parcel() };
  }
}

/** Prepaid label when the platform issued one; otherwise the customer ships, reimbursed where the platform pays. */
function returnMethod(record: CaseRecord, policy: AftersalesPolicy): ReturnMethod {
  const label = record.returnLabel;
  if (label?.labelUrl && label.carrier) return { kind: 'prepaid_label', carrier: label.carrier, labelUrl: label.labelUrl };
  const platformPays = Boolean(label) || policy.returnShipping.platformPays.includes(record.type);
  return { kind: 'self_ship', postage: platformPays ? 'reimbursed' : 'customer_pays' };
}

/** "Kettle ×1", or the first two lines and how many more: the item names, never anything about the person. */
function itemSummary(record: CaseRecord): string | undefined {
  const lines = concernedLines(record.orderItems, record.items);
  if (lines.length === 0) return undefined;
  const named = lines.slice(0, 2).map((line) => `${line.name} ×${line.quantity}`);
  return lines.length > 2 ? `${named.join(', ')} +${lines.length - 2}` : named.join(', ');
}

/** What we ask for when a case needs evidence, by case type. */
const EVIDENCE_REQUESTED: Record<CaseType, EvidenceKind[]> = {
  damaged: ['damage_photo', 'packaging_photo'],
  quality: ['product_photo', 'damage_photo'],
  repair: ['product_photo', 'serial_photo'],
  missing_part: ['product_photo', 'packaging_photo'],
  return: ['product_photo'],
  exchange: ['product_photo'],
  lost: ['receipt'],
  delayed: ['receipt'],
};

const CLOSE_REASON_OF_OUTCOME: Partial<Record<Outcome, CloseReason>> = { approved: 'completed', rejected: 'rejected', cancelled: 'cancelled' };

/** The policy rules behind an approval, as the customer reads them. */
const APPROVAL_BASIS_OF_RULE: Record<string, ApprovalBasis> = {
  'return.no_reason_window': 'no_reason_return',
  'quality.return_window': 'quality_refund',
  'quality.exchange_window': 'quality_exchange',
  'quality.warranty': 'warranty_repair',
  'repair.warranty': 'warranty_repair',
  'exchange.window': 'exchange_window',
  'damaged.photo_and_window': 'damage_reported',
  'missing_part.report_window': 'missing_part',
  'lost.carrier_confirmed': 'loss_confirmed',
  'lost.no_scan': 'loss_presumed',
  'delayed.working_days_late': 'delay_confirmed',
  'delayed.late_so_far': 'delay_confirmed',
  operator: 'team_review',
};

/** Codes that only say why a case went to a person: a rejection after such a review reads as the team's decision. */
const OPERATOR_REVIEW_CODES = new Set(['possible_quality_issue', 'operator_review', 'manual', 'dispute']);

/** The rejection reason a stored reason code stands for, or undefined for a code no notice explains. */
export function toRejectionReason(code: string): RejectionReason | undefined {
  if ((REJECTION_REASONS as readonly string[]).includes(code)) return code as RejectionReason;
  return OPERATOR_REVIEW_CODES.has(code) ? 'manual_rejected' : undefined;
}

/**
 * What follows an approval: the customer's choice where the policy gives one, a replacement shipped ahead for the
 * tiers that get it, the item back first where the service center needs it, else the remedy itself. (A lost or
 * delayed parcel is approved once the carrier has confirmed, so the carrier check is behind it.)
 */
export function approvalNext(record: Pick<CaseRecord, 'type' | 'tier' | 'choice'>, policy: AftersalesPolicy): ApprovalNext {
  if (policy.customerChoice[record.type]) {
    if (!record.choice) return 'choose_remedy';
    return ({ return: 'return_instructions', exchange: 'replacement', reship: 'replacement', refund: 'refund' } as const)[record.choice.remedy];
  }
  switch (record.type) {
    case 'exchange':
      return policy.advanceExchange.tiers.includes(record.tier) ? 'replacement' : 'return_instructions';
    case 'return':
    case 'repair':
    case 'quality':
      return 'return_instructions';
    case 'missing_part':
      return 'replacement';
    case 'damaged':
    case 'lost':
    case 'delayed':
      return 'compensation';
  }
}
