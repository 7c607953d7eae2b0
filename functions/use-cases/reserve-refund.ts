import type { RefundPort } from './ports.js';
import type { CaseFacts, MinorUnits } from '../domain/case.js';
import { refundableBound } from '../domain/decision-rules.js';
import { concernedLines } from '../domain/money.js';

export type Reservation = { status: 'reserved'; amount: MinorUnits; replayed: boolean } | { status: 'exceeds'; bound: MinorUnits };

const ATTEMPTS = 8;

/**
 * Reserves a money instruction against the order's refund record before it is sent: at most what is still
 * refundable for the case's items (refundableBound). With `capToBound` (an amount the policy computed, not one an
 * operator chose) a larger amount is lowered to the bound; otherwise it is refused. Written once per instruction
 * key: a rerun of the step finds its own reservation and replays exactly that amount. Concurrent cases of the same
 * order serialise on the record's version; the loser reads again and re-checks.
 */
export async function reserveRefund(
  refunds: RefundPort,
  facts: Pick<CaseFacts, 'caseId' | 'orderId' | 'orderItems' | 'items' | 'currency'>,
  key: string,
  amount: MinorUnits,
  at: string,
  capToBound: boolean,
): Promise<Reservation> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt += 1) {
    const record = await refunds.get(facts.orderId);
    const own = record.entries[key];
    if (own) return { status: 'reserved', amount: own.amount, replayed: true };
    const bound = refundableBound(facts, record.entries, key);
    const reserved = amount <= bound ? amount : capToBound ? bound : 0;
    if (reserved <= 0) return { status: 'exceeds', bound };
    const skus = [...new Set(concernedLines(facts.orderItems, facts.items).map((line) => line.sku))];
    if (await refunds.add(facts.orderId, key, { caseId: facts.caseId, amount: reserved, currency: facts.currency, skus, at }, record.version)) {
      return { status: 'reserved', amount: reserved, replayed: false };
    }
  }
  throw new Error(`the refund record of the order stayed busy through ${ATTEMPTS} attempts`);
}

/** What may still be paid for the case's items, from the order's refund record. */
export async function refundableNow(refunds: RefundPort, facts: Pick<CaseFacts, 'orderId' | 'orderItems' | 'items'>): Promise<MinorUnits> {
  return refundableBound(facts, (await refunds.get(facts.orderId)).entries);
}
