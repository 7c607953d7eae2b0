import type { CaseReader, CaseRepository, CaseWriter, LedgerEntry, LedgerPort, RefundPort } from '../ports.js';
import type { MetricSink } from '../../adapters/business-metrics.js';
import type { CaseRecord } from '../../domain/case-record.js';
import type { OrderPlatform, ShipmentRef } from '../../adapters/order-platform.js';
import type { CompensationPlan } from '../../domain/compensation.js';
import { concernedLines, valueOf } from '../../domain/money.js';
import type { Markets } from '../../domain/markets.js';
import { localDateOf } from '../../domain/working-days.js';
import { reserveRefund } from '../reserve-refund.js';
import { compensationFor } from './plan-remedy.js';

export interface CompensateDeps {
  cases: CaseRepository;
  ledger: LedgerPort;
  /** The per-order record of money instructions: nothing is paid beyond what the order paid for the items. */
  refunds: RefundPort;
  orderPlatform: OrderPlatform;
  /** The case's market: its policy plans the remedy, its zone dates the cost ledger's entries. */
  markets: Markets;
  /** Counts each remedy instructed (Payouts by remedy); absent: not counted. */
  metrics?: MetricSink;
}

export type CompensateResult = { status: 'instructed'; remedy: string; instructionId: string } | { status: 'cancelled' };

const COST_KIND: Record<CompensationPlan['kind'], LedgerEntry['kind']> = { refund: 'refund', reship: 'goods', coupon: 'coupon' };

/**
 * Instructs the remedy through the order platform under the key `<caseId>:<remedy>`: a retried step replays the
 * same instruction and the platform pays once. Its cost, and a prepaid return label where the platform pays the
 * shipping, go to the cost ledger once. A cancelled case is never paid.
 */
export async function compensate(deps: CompensateDeps, caseId: string, now: Date): Promise<CompensateResult> {
  const record = await deps.cases.require(caseId);
  if (record.cancelRequested && !record.compensation) return { status: 'cancelled' };
  const market = deps.markets.of(record);
  const { policy, calendar } = market;
  const planned = compensationFor(record, policy);
  const idempotencyKey = `${caseId}:${planned.remedy}`;
  const plan = await boundedPlan(deps, record, planned, idempotencyKey, now);
  await deps.cases.update(caseId, { status: 'compensating', remedy: plan.remedy, waitingFor: '' });
  const receipt = await deps.orderPlatform.instruct(idempotencyKey, {
    caseId,
    requestId: record.requestId,
    orderId: record.orderId,
    kind: plan.kind,
    amount: plan.amount,
    currency: plan.currency,
    items: plan.items,
    refundTo: plan.refundTo,
  });
  const at = now.toISOString();
  const entry = (key: string, kind: LedgerEntry['kind'], amount: number): LedgerEntry => ({
    caseId,
    key,
    kind,
    amount,
    currency: plan.currency ?? record.currency,
    caseType: record.type,
    remedy: plan.remedy,
    carrier: record.shipment.carrier,
    market: market.code,
    day: localDateOf(now, calendar.timeZone),
    at,
  });
  await deps.ledger.record(entry(idempotencyKey, plan.remedy === 'delay_subsidy' ? 'subsidy' : COST_KIND[plan.kind], plan.cost));

  if (!record.compensation) {
    await deps.cases.update(caseId, {
      // What the case waits for next (the platform's confirmation): AwaitCompensation then has nothing to write.
      waitingFor: 'compensation',
      outcome: 'approved',
      compensation: { instructionId: receipt.instructionId, kind: plan.kind, amount: plan.amount, currency: plan.currency, idempotencyKey, at, status: 'instructed' },
    });
    await deps.cases.appendTimeline(caseId, {
      at,
      actor: 'pipeline',
      event: 'compensation_instructed',
      detail: {
        remedy: plan.remedy,
        kind: plan.kind,
        instructionId: receipt.instructionId,
        ...(plan.amount !== undefined ? { amount: plan.amount, currency: plan.currency ?? '' } : {}),
      },
    });
    deps.metrics?.count('Payouts', { Remedy: plan.remedy });
  }
  return { status: 'instructed', remedy: plan.remedy, instructionId: receipt.instructionId };
}

/** A money instruction that may not be paid: the case goes to an operator (needs_attention), nothing is paid. */
export class RefundBoundError extends Error {
  override readonly name = 'RefundBoundError';
}

/**
 * The plan with its money bounded before anything moves: a refund, coupon or subsidy is reserved on the order's
 * refund record (once per instruction key, so a rerun replays the same amount). An amount the policy computed is
 * lowered to what is left; an operator's own amount above it, or nothing left at all, is refused: the timeline says
 * why and the step fails into needs_attention.
 */
async function boundedPlan(deps: CompensateDeps, record: CaseRecord, plan: CompensationPlan, key: string, now: Date): Promise<CompensationPlan> {
  if (plan.kind === 'reship' || plan.amount === undefined || plan.amount <= 0) return plan;
  const operatorAmount = record.operatorDecision?.decision === 'approve' && record.operatorDecision.amount !== undefined;
  const reservation = await reserveRefund(deps.refunds, record, key, plan.amount, now.toISOString(), !operatorAmount);
  if (reservation.status === 'reserved') return { ...plan, amount: reservation.amount, cost: reservation.amount };
  const reason = reservation.bound === 0 ? 'nothing_left_to_refund' : 'above_refundable';
  // Step Functions retries the failed step before it records the failure: the timeline says it once.
  const told = (await deps.cases.view(record.caseId))?.timeline.some((e) => e.event === 'compensation_refused' && e.detail?.remedy === plan.remedy);
  if (!told) {
    await deps.cases.appendTimeline(record.caseId, {
      at: now.toISOString(),
      actor: 'pipeline',
      event: 'compensation_refused',
      detail: { reason, remedy: plan.remedy, amount: plan.amount, bound: reservation.bound },
    });
  }
  throw new RefundBoundError(`${reason}: ${plan.amount} asked, ${reservation.bound} left for the items of case ${record.caseId}`);
}

/**
 * Where the platform pays the return shipping (damaged, quality, repair), the order platform issues the customer a
 * prepaid return label before they send the item back: instructed once (`<caseId>:return_label`), its cost recorded.
 */
export async function issueReturnLabel(deps: CompensateDeps, caseId: string, now: Date): Promise<{ instructionId: string }> {
  const record = await deps.cases.require(caseId);
  const market = deps.markets.of(record);
  const { policy, calendar } = market;
  const plan = compensationFor(record, policy);
  const key = `${caseId}:return_label`;
  const cost = policy.returnShipping.prepaidLabelCost;
  const receipt = await deps.orderPlatform.instruct(key, {
    caseId,
    requestId: record.requestId,
    orderId: record.orderId,
    kind: 'return_label',
    amount: cost,
    currency: record.currency,
    items: concernedLines(record.orderItems, record.items).map(({ sku, quantity }) => ({ sku, quantity })),
    note: 'prepaid return shipping to the service center',
  });
  const at = now.toISOString();
  await deps.ledger.record({
    caseId,
    key,
    kind: 'return_shipping',
    amount: cost,
    currency: record.currency,
    caseType: record.type,
    remedy: plan.remedy,
    carrier: record.shipment.carrier,
    market: market.code,
    day: localDateOf(now, calendar.timeZone),
    at,
  });
  if (!record.returnLabel) {
    // The label's link goes into the ship-back notice; a platform that issues none leaves the customer to ship and be reimbursed.
    const label = receipt.label ? { carrier: receipt.label.carrier, labelUrl: receipt.label.url } : {};
    await deps.cases.update(caseId, { returnLabel: { instructionId: receipt.instructionId, at, ...label } });
    await deps.cases.appendTimeline(caseId, { at, actor: 'pipeline', event: 'return_label_instructed', detail: { instructionId: receipt.instructionId, amount: cost } });
  }
  return { instructionId: receipt.instructionId };
}

/**
 * An exchange shipped ahead of the return, whose return never came in time: the replacement is charged back
 * (once, key `<caseId>:charge_back`) and the credit recorded in the ledger.
 */
export async function chargeBack(deps: CompensateDeps, caseId: string, now: Date): Promise<{ instructionId: string; amount: number }> {
  const record = await deps.cases.require(caseId);
  const amount = valueOf(concernedLines(record.orderItems, record.items));
  const key = `${caseId}:charge_back`;
  const receipt = await deps.orderPlatform.instruct(key, {
    caseId,
    requestId: record.requestId,
    orderId: record.orderId,
    kind: 'charge_back',
    amount,
    currency: record.currency,
    note: 'replacement shipped ahead; the original item was not returned in time',
  });
  const at = now.toISOString();
  await deps.ledger.record({
    caseId,
    key,
    kind: 'charge_back',
    amount: -amount,
    currency: record.currency,
    caseType: record.type,
    remedy: record.remedy ?? 'exchange',
    carrier: record.shipment.carrier,
    market: deps.markets.of(record).code,
    day: localDateOf(now, deps.markets.of(record).calendar.timeZone),
    at,
  });
  if (!record.chargeBack) {
    await deps.cases.update(caseId, { chargeBack: { instructionId: receipt.instructionId, amount, currency: record.currency, at } });
    await deps.cases.appendTimeline(caseId, { at, actor: 'pipeline', event: 'charged_back', detail: { amount, currency: record.currency, instructionId: receipt.instructionId } });
  }
  return { instructionId: receipt.instructionId, amount };
}

/** Marks the remedy issued once the platform confirms it (webhook or polling), with the parcel of a reship. */
export async function confirmCompensation(cases: CaseReader & CaseWriter, record: CaseRecord, status: 'completed' | 'failed', now: Date, shipment?: ShipmentRef): Promise<void> {
  if (!record.compensation || record.compensation.status === status) return;
  const at = now.toISOString();
  await cases.update(record.caseId, {
    compensation: { ...record.compensation, status, completedAt: at, ...(shipment ? { shipment } : {}) },
    ...(status === 'completed' && record.status === 'compensating' ? { status: 'resolved' as const } : {}),
  });
  await cases.appendTimeline(record.caseId, { at, actor: 'order_platform', event: `compensation_${status}`, detail: { instructionId: record.compensation.instructionId } });
}

/** The platform has not confirmed yet: Step Functions retries the check with backoff. */
export class CompensationPendingError extends Error {
  override readonly name = 'CompensationPendingError';
}

/** No confirmation arrived in time: ask the platform where the instruction stands. */
export async function checkCompensation(deps: CompensateDeps, caseId: string, now: Date): Promise<{ signal: 'completed' | 'failed' }> {
  const record = await deps.cases.require(caseId);
  if (!record.compensation) throw new Error(`case ${caseId} has no compensation to check`);
  const state = record.compensation.status === 'completed' ? { status: 'completed' as const } : await deps.orderPlatform.status(record.compensation.instructionId);
  const { status } = state;
  if (status === 'accepted') throw new CompensationPendingError(`instruction ${record.compensation.instructionId} is not confirmed yet`);
  await confirmCompensation(deps.cases, record, status, now, state.shipment);
  return { signal: status };
}
