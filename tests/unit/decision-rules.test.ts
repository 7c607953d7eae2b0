import { describe, expect, it } from 'vitest';
import type { OrderItem } from '../../functions/domain/case.js';
import { approvalGate, checkApproval, checkerGate, refundableBound, type RefundEntry } from '../../functions/domain/decision-rules.js';
import { concernedLines, mergeOrderLines, sumClaims, valueOf } from '../../functions/domain/money.js';
import { parsePolicy } from '../../functions/domain/policy.js';
import { cnPolicy } from '../../functions/policies/cn.js';

const line = (sku: string, quantity: number, unitPrice: number): OrderItem => ({ sku, name: sku, category: 'home', quantity, unitPrice });
const entry = (amount: number, skus: string[], caseId = 'AS-OTHER'): RefundEntry => ({ caseId, amount, currency: 'CNY', skus, at: '2026-11-10T02:00:00Z' });
const order = [line('KETTLE', 1, 26900), line('CUP', 2, 1500)];

describe('order lines and claims (functions/domain/money.ts)', () => {
  it('repeated lines of one SKU at one price are one line; at different prices they stay apart', () => {
    expect(mergeOrderLines([line('A', 1, 100), line('A', 2, 100), line('B', 1, 50), line('A', 1, 90)])).toEqual([line('A', 3, 100), line('B', 1, 50), line('A', 1, 90)]);
  });

  it('repeated claims of one SKU are summed', () => {
    expect(
      sumClaims([
        { sku: 'A', quantity: 1 },
        { sku: 'B', quantity: 2 },
        { sku: 'A', quantity: 2 },
      ]),
    ).toEqual([
      { sku: 'A', quantity: 3 },
      { sku: 'B', quantity: 2 },
    ]);
  });

  it("a repeated item line is valued once: the issue's ¥269 order is never worth ¥490", () => {
    const repeated = [line('KETTLE', 1, 26900)];
    expect(
      valueOf(
        concernedLines(repeated, [
          { sku: 'KETTLE', quantity: 1 },
          { sku: 'KETTLE', quantity: 1 },
        ]),
      ),
    ).toBe(26900);
  });

  it("a claim is allocated across one SKU's prices cheapest first, never beyond the units ordered", () => {
    const lines = [line('A', 3, 150), line('A', 1, 100)];
    expect(concernedLines(lines, [{ sku: 'A', quantity: 2 }])).toEqual([line('A', 1, 100), line('A', 1, 150)]);
    expect(valueOf(concernedLines(lines, [{ sku: 'A', quantity: 9 }]))).toBe(100 + 3 * 150);
  });

  it('no selection means the whole order, merged', () => {
    expect(valueOf(concernedLines([line('A', 1, 100), line('A', 1, 100)], []))).toBe(200);
  });
});

describe('refundableBound', () => {
  it("is the value of the case's items when nothing was paid yet", () => {
    expect(refundableBound({ orderItems: order, items: [{ sku: 'KETTLE', quantity: 1 }] }, {})).toBe(26900);
  });

  it("less what was already refunded for those SKUs; other SKUs' refunds do not count", () => {
    const entries = { 'AS-1:refund': entry(10000, ['KETTLE']), 'AS-2:refund': entry(1500, ['CUP']) };
    expect(refundableBound({ orderItems: order, items: [{ sku: 'KETTLE', quantity: 1 }] }, entries)).toBe(16900);
    expect(refundableBound({ orderItems: order, items: [{ sku: 'CUP', quantity: 2 }] }, entries)).toBe(1500);
  });

  it('a unit refunded before leaves the other units of the SKU refundable', () => {
    expect(refundableBound({ orderItems: [line('CUP', 2, 1500)], items: [{ sku: 'CUP', quantity: 1 }] }, { 'AS-1:refund': entry(1500, ['CUP']) })).toBe(1500);
    expect(refundableBound({ orderItems: [line('CUP', 2, 1500)], items: [{ sku: 'CUP', quantity: 1 }] }, { 'AS-1:refund': entry(3000, ['CUP']) })).toBe(0);
  });

  it("an instruction over several SKUs counts up to the overlap's value (errs low, never high)", () => {
    const entries = { 'AS-1:delay_subsidy': entry(5000, ['KETTLE', 'CUP']) };
    expect(refundableBound({ orderItems: order, items: [{ sku: 'CUP', quantity: 2 }] }, entries)).toBe(0);
    expect(refundableBound({ orderItems: order, items: [{ sku: 'KETTLE', quantity: 1 }] }, entries)).toBe(21900);
  });

  it('the instruction being reissued does not count against itself (a retried step)', () => {
    const entries = { 'AS-ME:refund': entry(26900, ['KETTLE']) };
    expect(refundableBound({ orderItems: order, items: [{ sku: 'KETTLE', quantity: 1 }] }, entries, 'AS-ME:refund')).toBe(26900);
    expect(refundableBound({ orderItems: order, items: [{ sku: 'KETTLE', quantity: 1 }] }, entries)).toBe(0);
  });
});

describe('checkApproval', () => {
  const check = (input: Partial<Parameters<typeof checkApproval>[0]>, bound = 26900) =>
    checkApproval({ remedy: 'refund', goodsValue: 26900, plannedAmount: 26900, ...input }, 'CNY', cnPolicy, bound);

  it('an explicit amount within the bound is what is at stake', () => {
    expect(check({ remedy: 'partial_refund', amount: 10000 })).toEqual({ ok: true, atStake: 10000 });
    expect(check({ remedy: 'refund', amount: 26900, currency: 'CNY' })).toEqual({ ok: true, atStake: 26900 });
  });

  it.each([
    ['zero', 0],
    ['negative', -1],
    ['fractional', 10.5],
    ['a string', '100'],
    ['unsafe', 2 ** 60],
  ])('refuses a %s amount', (_name, amount) => {
    expect(check({ amount })).toMatchObject({ ok: false, reason: 'not_positive_integer' });
  });

  it("refuses another currency than the order's", () => {
    expect(check({ amount: 100, currency: 'USD' })).toMatchObject({ ok: false, reason: 'currency_mismatch' });
  });

  it("refuses more than is left for the items: the issue's ¥9,000,000,000 on a ¥670 order", () => {
    expect(check({ amount: 900_000_000_000 }, 67000)).toMatchObject({ ok: false, reason: 'above_refundable', message: expect.stringContaining('67000') });
    expect(check({ amount: 26901 })).toMatchObject({ ok: false, reason: 'above_refundable' });
  });

  it('refuses a refund when nothing is left, even without an amount', () => {
    expect(check({}, 0)).toMatchObject({ ok: false, reason: 'nothing_left_to_refund' });
  });

  it('without an amount, what the plan would pay (capped by the bound) is at stake', () => {
    expect(check({})).toEqual({ ok: true, atStake: 26900 });
    expect(check({}, 20000)).toEqual({ ok: true, atStake: 20000 });
  });

  it('a delay subsidy stays within the policy cap', () => {
    expect(check({ remedy: 'delay_subsidy', amount: cnPolicy.delaySubsidy.cap })).toEqual({ ok: true, atStake: cnPolicy.delaySubsidy.cap });
    expect(check({ remedy: 'delay_subsidy', amount: cnPolicy.delaySubsidy.cap + 1 })).toMatchObject({ ok: false, reason: 'above_subsidy_cap' });
  });

  it.each(['reship', 'exchange', 'repair'] as const)("%s takes no amount; without one, the goods' value is at stake", (remedy) => {
    expect(check({ remedy, amount: 100 })).toMatchObject({ ok: false, reason: 'not_a_money_remedy' });
    expect(check({ remedy, plannedAmount: undefined }, 0)).toEqual({ ok: true, atStake: 26900 });
  });

  it('a coupon needs an amount', () => {
    expect(check({ remedy: 'coupon', plannedAmount: 0 })).toMatchObject({ ok: false, reason: 'amount_required' });
  });
});

describe('approvalGate and checkerGate', () => {
  const { agentLimit, secondApprovalAbove } = cnPolicy.manualReview;
  const agent = { name: 'amy', role: 'agent' as const };
  const supervisor = { name: 'sam', role: 'supervisor' as const };

  it('an agent decides up to the agent limit, and needs a supervisor above it', () => {
    expect(approvalGate(agent, agentLimit, cnPolicy)).toEqual({ gate: 'decide' });
    expect(approvalGate(agent, agentLimit + 1, cnPolicy)).toEqual({ gate: 'forbidden', needs: 'supervisor' });
  });

  it('a viewer decides nothing', () => {
    expect(approvalGate({ name: 'vic', role: 'viewer' }, 1, cnPolicy)).toEqual({ gate: 'forbidden', needs: 'agent' });
  });

  it('a supervisor decides up to the four-eyes threshold; above it the approval is a proposal', () => {
    expect(approvalGate(supervisor, secondApprovalAbove, cnPolicy)).toEqual({ gate: 'decide' });
    expect(approvalGate(supervisor, secondApprovalAbove + 1, cnPolicy)).toEqual({ gate: 'propose' });
  });

  it('a proposal is confirmed or rejected by another supervisor only', () => {
    expect(checkerGate(supervisor, 'sam')).toEqual({ gate: 'four_eyes' });
    expect(checkerGate({ name: 'sue', role: 'supervisor' }, 'sam')).toEqual({ gate: 'allowed' });
    expect(checkerGate(agent, 'sam')).toEqual({ gate: 'forbidden', needs: 'supervisor' });
  });

  it('the CN limits: ¥2,000 for an agent, four eyes above ¥5,000', () => {
    expect({ agentLimit, secondApprovalAbove }).toEqual({ agentLimit: 200000, secondApprovalAbove: 500000 });
  });

  it('parsePolicy refuses an agent limit above the four-eyes threshold, and limits that are not positive', () => {
    const withReview = (patch: Record<string, number>) => ({ ...cnPolicy, manualReview: { ...cnPolicy.manualReview, ...patch } });
    expect(() => parsePolicy(withReview({ agentLimit: 600000 }))).toThrow(/manualReview\.agentLimit must not exceed secondApprovalAbove/);
    expect(() => parsePolicy(withReview({ agentLimit: 0 }))).toThrow(/manualReview\.agentLimit: too_small/);
    expect(() => parsePolicy(withReview({ secondApprovalAbove: -1 }))).toThrow(/manualReview\.secondApprovalAbove: too_small/);
    expect(parsePolicy(cnPolicy).manualReview.agentLimit).toBe(200000);
  });
});
