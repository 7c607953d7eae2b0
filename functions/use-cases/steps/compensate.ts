import type { CaseStore } from '../../adapters/case-store.js';
import type { OrderPlatform } from '../../adapters/order-platform.js';
import { planCompensation } from '../../domain/compensation.js';
import type { AftersalesPolicy } from '../../domain/policy.js';

export type CompensateResult = { status: 'instructed'; remedy: string; instructionId: string } | { status: 'cancelled' };

/**
 * Instructs the remedy through the order platform under the key `<caseId>:<remedy>`: a retried step replays the
 * same instruction and the platform pays once. A cancelled case is never paid.
 */
export async function compensate(
  deps: { cases: CaseStore; orderPlatform: OrderPlatform; policy: AftersalesPolicy },
  caseId: string,
  now: Date,
): Promise<CompensateResult> {
  const record = await deps.cases.require(caseId);
  if (record.cancelRequested && !record.compensation) return { status: 'cancelled' };
  const plan = planCompensation(record, deps.policy, record.carrier?.delayWorkingDays);
  await deps.cases.update(caseId, { status: 'compensating', remedy: plan.remedy, waitingFor: '' }, ['received', 'in_review', 'checking_carrier', 'awaiting_return', 'compensating']);
  const idempotencyKey = `${caseId}:${plan.remedy}`;
  const receipt = await deps.orderPlatform.instruct(idempotencyKey, {
    caseId,
    orderId: record.orderId,
    kind: plan.kind,
    amount: plan.amount,
    currency: plan.currency,
    items: plan.items,
    refundTo: plan.refundTo,
  });
  const at = now.toISOString();
  const moved = await deps.cases.update(
    caseId,
    {
      status: 'resolved',
      outcome: 'approved',
      remedy: plan.remedy,
      compensation: { instructionId: receipt.instructionId, kind: plan.kind, amount: plan.amount, currency: plan.currency, idempotencyKey, at },
    },
    ['compensating'],
  );
  if (moved) {
    await deps.cases.appendTimeline(caseId, {
      at,
      actor: 'pipeline',
      event: 'compensation_instructed',
      detail: { remedy: plan.remedy, kind: plan.kind, instructionId: receipt.instructionId, ...(plan.amount !== undefined ? { amount: plan.amount, currency: plan.currency ?? '' } : {}) },
    });
  }
  return { status: 'instructed', remedy: plan.remedy, instructionId: receipt.instructionId };
}
