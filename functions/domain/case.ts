/** The case model shared by every stage. Nothing here holds personal data: contacts live apart (see CaseContact). */

export const CASE_TYPES = ['return', 'exchange', 'repair', 'damaged', 'lost', 'delayed', 'quality', 'missing_part'] as const;
export type CaseType = (typeof CASE_TYPES)[number];

/**
 * Where a case stands. Documented for operators in docs/case-status.md; keep the two in step.
 * Terminal: `closed`. Every other status is either moving (a workflow step runs) or visibly waiting.
 */
export const CASE_STATUSES = [
  'received', // accepted from the order platform, workflow starting
  'in_review', // policy review running
  'awaiting_review', // in front of an operator (manual review, dispute); reminded, then escalated, at its targets
  'awaiting_evidence', // customer asked for photos; waits for aftersales.evidence_added
  'awaiting_choice', // customer chooses the remedy; waits for aftersales.remedy_chosen, then the policy default
  'checking_carrier', // carrier lookup (retrying while the carrier API is down)
  'awaiting_carrier', // the carrier API stayed down through the lookup's retries; looked up again periodically
  'awaiting_return', // customer ships the item back; waits for return.received
  'compensating', // instruction sent to the order platform
  'resolved', // remedy issued; survey pending
  'awaiting_survey', // survey sent; waits for an answer or expiry
  'closed', // finished; see outcome
  'needs_attention', // a step failed for good; an operator must look (execution failed, can be redriven)
] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

export const OUTCOMES = ['approved', 'rejected', 'cancelled', 'expired', 'duplicate'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const REMEDIES = ['refund', 'reship', 'exchange', 'repair', 'delay_subsidy', 'partial_refund', 'coupon'] as const;
export type Remedy = (typeof REMEDIES)[number];

/**
 * What a customer may choose where the documents give the choice (002 §3.2-3.3, §4.2-4.3): return the item for a
 * refund, exchange it, a refund without sending the item back, or the parcel shipped again.
 */
export const REMEDY_CHOICES = ['return', 'exchange', 'refund', 'reship'] as const;
export type RemedyChoice = (typeof REMEDY_CHOICES)[number];

export const CUSTOMER_TIERS = ['standard', 'silver', 'gold', 'vip'] as const;
export type CustomerTier = (typeof CUSTOMER_TIERS)[number];

export type Locale = 'zh-CN' | 'en' | 'de';
export type Channel = 'email' | 'sms';

/** Integer minor units (fen, cents) to keep money exact. */
export type MinorUnits = number;

export interface OrderItem {
  sku: string;
  name: string;
  category: string;
  quantity: number;
  unitPrice: MinorUnits;
}

export interface Shipment {
  carrier: string;
  trackingNumber: string;
  shippedAt: string;
  promisedBy: string;
  deliveredAt?: string;
}

export interface Evidence {
  kind: string;
  url: string;
}

export interface ItemRef {
  sku: string;
  quantity: number;
}

/** The facts a decision needs: what the order platform told us, minus anything that identifies the person. */
export interface CaseFacts {
  caseId: string;
  requestId: string;
  type: CaseType;
  reason: string;
  expedited: boolean;
  customerId: string;
  tier: CustomerTier;
  orderId: string;
  orderPlacedAt: string;
  currency: string;
  /**
   * ISO 3166-1 alpha-2 code of the market whose consumer rules apply (order.market); its policy and working-day
   * calendar decide the case. Absent on cases opened before markets existed: the deployment's default market.
   */
  market?: string;
  orderItems: OrderItem[];
  items: ItemRef[];
  shipment: Shipment;
  evidence: Evidence[];
  createdAt: string;
}

/** A review outcome, always with the rule that produced it; `remedy` is what the rule grants, when it decides that. */
export type ReviewDecision =
  | { decision: 'approve'; rule: string; remedy?: Remedy }
  | { decision: 'reject'; rule: string; reasonCode: string }
  | { decision: 'manual'; rule: string; reasonCode: string }
  | { decision: 'needs_evidence'; rule: string; what: string };

export interface TimelineEntry {
  at: string;
  actor: string;
  event: string;
  detail?: Record<string, string | number | boolean>;
}
