import type { CaseType, Locale, MinorUnits, Outcome, Remedy } from '../case.js';
import { checkNoticeData, NoticeDataError } from './check.js';
import type { NoticeContent } from './layout.js';
import { COPY, layoutContent, renderChecked } from './render.js';
import { REJECTION_REASONS, type ApprovalBasis, type ApprovalNext, type CloseReason, type NoticeData, type RejectionReason, type RenderedNotice } from './types.js';

/**
 * The milestone names on the notice queue today, and the facts the notifier reads from a case record. Kept so
 * send-notice.ts works unchanged while it moves to `renderCaseNotice` with typed `NoticeData`: milestones whose
 * facts are enough delegate to the typed templates; the others (no return address, tracking number or survey expiry
 * in these facts) use shorter wording that promises nothing the facts cannot back.
 */
export type LegacyMilestone =
  | 'received'
  | 'evidence_needed'
  | 'decided'
  | 'remedy_choice_needed'
  | 'ship_back'
  | 'resolved'
  | 'cancelled'
  | 'charged_back'
  | 'survey_invitation'
  | 'survey_reminder'
  | 'closed';

/** Everything a notice may say: only what the customer already knows or needs, nothing else about them. */
export interface NoticeFacts {
  caseId: string;
  type: CaseType;
  customerName: string;
  outcome?: Outcome;
  reasonCode?: string;
  remedy?: Remedy;
  amount?: MinorUnits;
  currency?: string;
  dueAt?: string;
  surveyUrl?: string;
  /** The signed status-page link; rendered in every part when given. */
  statusUrl?: string;
  /** The customer's time zone; default Asia/Shanghai. */
  timeZone?: string;
  /** The rule behind the decision (review policy, carrier verdict, or `operator`). */
  rule?: string;
}

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

/** What follows an approval when nothing more specific is known, by case type. */
export function defaultApprovalNext(type: CaseType): ApprovalNext {
  switch (type) {
    case 'return':
    case 'exchange':
    case 'repair':
    case 'quality':
      return 'return_instructions';
    case 'damaged':
      return 'choose_remedy';
    case 'lost':
    case 'delayed':
      return 'carrier_check';
    case 'missing_part':
      return 'replacement';
  }
}

const CLOSE_REASON: Partial<Record<Outcome, CloseReason>> = { approved: 'completed', rejected: 'rejected', cancelled: 'cancelled' };

/**
 * Renders one queue milestone from a case's facts. A value the milestone needs but the facts lack throws a
 * `NoticeDataError` naming it: a blank in a customer's inbox is worse than a retried message.
 */
export function renderNotice(milestone: LegacyMilestone, locale: Locale, f: NoticeFacts): RenderedNotice {
  const need = <T>(value: T | undefined | null, field: string): T => {
    if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) throw new NoticeDataError(milestone, field, 'missing');
    return value;
  };
  const base = { caseId: f.caseId, caseType: f.type, customerName: f.customerName, statusUrl: f.statusUrl ?? '' };
  const options = { locale, ...(f.timeZone ? { timeZone: f.timeZone } : {}) };
  const typed = (data: NoticeData) => renderChecked(data, options, { statusUrlOptional: true });
  const plain = (content: (w: LegacyWords, request: string) => NoticeContent) => {
    try {
      // The fields every notice has, checked as the typed notices check them.
      checkNoticeData({ ...base, milestone: 'cancelled' }, { statusUrlOptional: true });
    } catch (error) {
      throw error instanceof NoticeDataError ? new NoticeDataError(milestone, error.field, error.problem) : error;
    }
    return layoutContent(content(LEGACY[locale], COPY[locale].request[f.type]), base, locale);
  };

  const resolved = (remedy: Remedy): RenderedNotice => {
    switch (remedy) {
      case 'refund':
      case 'partial_refund':
        return typed({ ...base, milestone: 'refund_issued', amount: need(f.amount, 'amount'), currency: need(f.currency, 'currency'), refundTo: 'original_payment' });
      case 'delay_subsidy':
      case 'coupon':
        return typed({
          ...base,
          milestone: 'compensation_issued',
          amount: need(f.amount, 'amount'),
          currency: need(f.currency, 'currency'),
          reason: remedy === 'delay_subsidy' ? 'delay' : 'goodwill',
        });
      case 'exchange':
      case 'reship':
      case 'repair':
        return plain((w, request) => w.shipped(f.caseId, remedy, request));
    }
  };

  switch (milestone) {
    case 'received':
      return typed({ ...base, milestone: 'received' });
    case 'decided': {
      if (f.outcome === 'approved') {
        const basis = f.rule ? APPROVAL_BASIS_OF_RULE[f.rule] : undefined;
        return typed({ ...base, milestone: 'approved', next: defaultApprovalNext(f.type), ...(basis ? { basis } : {}) });
      }
      const code = need(f.reasonCode, 'reasonCode');
      return typed({ ...base, milestone: 'rejected', reasonCode: need(toRejectionReason(code), `reason text for ${code}`) });
    }
    case 'resolved':
      return resolved(need(f.remedy, 'remedy'));
    case 'cancelled':
      return typed({ ...base, milestone: 'cancelled' });
    case 'closed':
      return typed({ ...base, milestone: 'case_closed', ...(f.outcome && CLOSE_REASON[f.outcome] ? { closeReason: CLOSE_REASON[f.outcome] } : {}) });
    // Until the notifier renders the typed reminder (it needs the survey's expiry), the reminder repeats the invitation.
    case 'survey_invitation':
    case 'survey_reminder': {
      const url = need(f.surveyUrl, 'surveyUrl');
      return plain((w, request) => w.survey(f.caseId, url, request));
    }
    case 'evidence_needed':
      return plain((w, request) => w.evidence(f.caseId, request));
    case 'ship_back':
      return plain((w) => w.shipBack(f.caseId));
    case 'remedy_choice_needed':
      return plain((w, request) => w.choose(f.caseId, request));
    case 'charged_back':
      return plain((w) => w.chargedBack(f.caseId));
  }
}

interface LegacyWords {
  evidence(ref: string, request: string): NoticeContent;
  shipBack(ref: string): NoticeContent;
  choose(ref: string, request: string): NoticeContent;
  chargedBack(ref: string): NoticeContent;
  shipped(ref: string, remedy: 'exchange' | 'reship' | 'repair', request: string): NoticeContent;
  survey(ref: string, url: string, request: string): NoticeContent;
}

const LEGACY: Record<Locale, LegacyWords> = {
  en: {
    evidence: (ref, request) => ({
      title: 'We need a few photos to continue',
      blocks: [
        { p: `To continue with your ${request}, we need at least one photo of the damaged item and its packaging.` },
        { p: 'Please add them to your request in the app. As soon as they’re in, we’ll carry on.' },
      ],
      sms: `Case ${ref}: please add a photo of the damage and the packaging in the app so we can continue.`,
    }),
    shipBack: (ref) => ({
      title: 'Please send the item back to us',
      blocks: [
        { p: 'Please pack the item with all its accessories, send it to our service center, and add the tracking number in the app.' },
        { p: 'We’ll let you know as soon as it reaches us.' },
      ],
      sms: `Case ${ref}: please send the item back and add the tracking number in the app.`,
    }),
    choose: (ref, request) => ({
      title: 'How would you like us to put this right?',
      blocks: [{ p: `Your ${request} is approved. Please choose in the app how you’d like us to resolve it.` }],
      sms: `Case ${ref}: approved. Please choose in the app how we resolve it.`,
    }),
    chargedBack: (ref) => ({
      title: 'We’ve charged for your replacement',
      blocks: [
        { p: 'We sent your replacement before your original item came back. As the original didn’t reach us in time, we’ve charged for the replacement.' },
        { p: 'If you’ve already sent it, please add the tracking number in the app and we’ll look into it straight away.' },
      ],
      sms: `Case ${ref}: the original item was not returned in time, so we've charged for the replacement.`,
    }),
    shipped: (ref, remedy) => {
      const title = { exchange: 'Your replacement is on its way', reship: 'We’ve sent the items again', repair: 'Your repaired item is on its way back' }[remedy];
      return {
        title,
        blocks: [{ p: `${title}. You can follow the parcel in the app.` }],
        sms: `Case ${ref}: ${{ exchange: 'your replacement has shipped', reship: 'we have sent the items again', repair: 'your repaired item has shipped' }[remedy]}.`,
      };
    },
    survey: (ref, url, request) => ({
      title: 'How did we do?',
      blocks: [
        { p: `Your ${request} is complete. Would you take a minute to tell us how it went?` },
        { actions: [{ label: 'Rate our service', url }] },
      ],
      sms: `How did we do with case ${ref}? Tell us in 1 minute: ${url}`,
      smsLink: false,
    }),
  },
  'zh-CN': {
    evidence: (ref, request) => ({
      title: '请补充照片，以便继续处理',
      blocks: [{ p: `为继续处理您的${request}，请上传至少一张商品破损处及外包装的照片。` }, { p: '请在App内为申请补充照片，收到后我们会立即继续处理。' }],
      sms: `售后单${ref}：请在App内上传商品破损及外包装照片，以便继续处理。`,
    }),
    shipBack: (ref) => ({
      title: '请将商品寄回',
      blocks: [{ p: '请将商品连同配件包装好寄至售后服务中心，并在App内填写退货物流单号。' }, { p: '商品到达后我们会通知您。' }],
      sms: `售后单${ref}：请寄回商品并在App内填写物流单号。`,
    }),
    choose: (ref, request) => ({
      title: '请选择您希望的处理方式',
      blocks: [{ p: `您的${request}已通过审核，请在App内选择您希望的处理方式。` }],
      sms: `售后单${ref}已通过审核，请在App内选择处理方式。`,
    }),
    chargedBack: (ref) => ({
      title: '已收取换新商品费用',
      blocks: [
        { p: '我们在收到原商品之前已提前为您寄出换新商品。由于原商品未按约定时间寄回，我们已收取换新商品的费用。' },
        { p: '如您已经寄出，请在App内填写物流单号，我们会立即核实处理。' },
      ],
      sms: `售后单${ref}：原商品未按时寄回，已收取换新商品费用。`,
    }),
    shipped: (ref, remedy) => {
      const title = { exchange: '换新商品已寄出', reship: '已为您重新发货', repair: '维修好的商品已寄回' }[remedy];
      return { title, blocks: [{ p: `${title}，可在App内查看物流进度。` }], sms: `售后单${ref}：${title}。` };
    },
    survey: (ref, url, request) => ({
      title: '邀请您评价本次售后服务',
      blocks: [{ p: `您的${request}已处理完成，诚邀您花1分钟评价本次服务。` }, { actions: [{ label: '去评价', url }] }],
      sms: `售后单${ref}已处理完成，邀您花1分钟评价服务：${url}`,
      smsLink: false,
    }),
  },
};
