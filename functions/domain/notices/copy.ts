import type { CaseType, Locale } from '../case.js';
import type { DateFormats } from './format.js';
import type { NoticeContent } from './layout.js';
import type { Amount, ApprovalBasis, DelayReason, EvidenceKind, NoticeDataFor, NoticeMilestone, RejectionReason } from './types.js';

/** What a template needs besides its data: the locale's number and date formats, in the customer's time zone. */
export interface Formats {
  money(amount: Amount): string;
  dates: DateFormats;
}

export type Template<M extends NoticeMilestone> = (data: NoticeDataFor<M>, f: Formats) => NoticeContent;

/** Everything one language says. Every milestone and every code has its words, or this does not compile. */
export interface Copy {
  locale: Locale;
  /** The request in plain words, e.g. "return request", "退货申请". */
  request: Record<CaseType, string>;
  /** Why a request was turned down: a full clause for email and a short one for SMS. */
  rejection: Record<RejectionReason, { text: string; sms: string }>;
  /** Why a request was approved: the rule, in a sentence. */
  approval: Record<ApprovalBasis, string>;
  delay: Record<DelayReason, { text: string; sms: string }>;
  evidence: Record<EvidenceKind, { text: string; sms: string }>;
  /** Labels of the details every notice may show. */
  context: { orderId: string; itemSummary: string };
  templates: { [M in NoticeMilestone]: Template<M> };
}
