import { describe, expect, it } from 'vitest';
import type { CaseType } from '../../functions/domain/case.js';
import { planCompensation } from '../../functions/domain/compensation.js';
import { concernedLines, valueOf } from '../../functions/domain/money.js';
import { defaultPolicy } from '../../functions/domain/policy.js';
import { ORDER_ITEMS, caseFacts } from './fixtures.js';

// ORDER_ITEMS: KB-87-BLK 1 × 39900, CBL-USBC-1M 2 × 2900 (whole order 45700).

describe('concernedLines / valueOf', () => {
  it('an empty selection is the whole order', () => {
    expect(concernedLines(ORDER_ITEMS, [])).toEqual(ORDER_ITEMS);
    expect(valueOf(concernedLines(ORDER_ITEMS, []))).toBe(45_700);
  });

  it.each([
    [[{ sku: 'KB-87-BLK', quantity: 1 }], 39_900],
    [[{ sku: 'CBL-USBC-1M', quantity: 1 }], 2_900],
    [[{ sku: 'CBL-USBC-1M', quantity: 2 }], 5_800],
    [[{ sku: 'CBL-USBC-1M', quantity: 5 }], 5_800], // never more than was ordered
    [[{ sku: 'CBL-USBC-1M', quantity: 1 }, { sku: 'KB-87-BLK', quantity: 1 }], 42_800],
  ])('%o is worth %d minor units', (items, value) => {
    expect(valueOf(concernedLines(ORDER_ITEMS, items))).toBe(value);
  });

  it('keeps the line data and caps the quantity at the ordered quantity', () => {
    expect(concernedLines(ORDER_ITEMS, [{ sku: 'CBL-USBC-1M', quantity: 9 }])).toEqual([{ ...ORDER_ITEMS[1], quantity: 2 }]);
  });

  it('an item that is not part of the order throws', () => {
    expect(() => concernedLines(ORDER_ITEMS, [{ sku: 'NOT-IN-ORDER', quantity: 1 }])).toThrow('item NOT-IN-ORDER is not part of the order');
  });

  it('valueOf sums quantity × unit price exactly in minor units', () => {
    expect(valueOf([])).toBe(0);
    expect(valueOf([{ quantity: 3, unitPrice: 1999 }, { quantity: 1, unitPrice: 1 }])).toBe(5998);
  });
});

describe('planCompensation: the remedy per case type', () => {
  const plan = (type: CaseType, items = [{ sku: 'KB-87-BLK', quantity: 1 }], delay = 0) => planCompensation(caseFacts({ type, items }), defaultPolicy, delay);

  it.each([
    ['return', false],
    ['quality', true],
    ['damaged', true],
  ] as const)('%s is a refund of the concerned items to the original payment method (platform pays return shipping: %s)', (type, platformPays) => {
    expect(plan(type)).toEqual({
      remedy: 'refund',
      kind: 'refund',
      amount: 39_900,
      currency: 'CNY',
      refundTo: 'original_payment',
      platformPaysReturnShipping: platformPays,
    });
  });

  it.each([
    ['exchange', 'exchange'],
    ['repair', 'repair'],
    ['lost', 'reship'],
    ['missing_part', 'reship'],
  ] as const)('%s reships the concerned items (remedy %s), no money moves', (type, remedy) => {
    const result = plan(type, [{ sku: 'CBL-USBC-1M', quantity: 1 }]);
    expect(result).toEqual({ remedy, kind: 'reship', items: [{ sku: 'CBL-USBC-1M', quantity: 1 }], platformPaysReturnShipping: false });
    expect(result.amount).toBeUndefined();
  });

  it('a refund covers quantity × unit price, never more than ordered', () => {
    expect(plan('return', [{ sku: 'CBL-USBC-1M', quantity: 5 }]).amount).toBe(5_800);
    expect(plan('return', [{ sku: 'CBL-USBC-1M', quantity: 1 }, { sku: 'KB-87-BLK', quantity: 1 }]).amount).toBe(42_800);
  });

  it('an empty item list means the whole order', () => {
    expect(plan('damaged', []).amount).toBe(45_700);
    expect(plan('lost', []).items).toEqual([
      { sku: 'KB-87-BLK', quantity: 1 },
      { sku: 'CBL-USBC-1M', quantity: 2 },
    ]);
  });

  it('the refund is in the order currency', () => {
    expect(planCompensation(caseFacts({ type: 'return', currency: 'USD' }), defaultPolicy).currency).toBe('USD');
  });

  it.each(['return', 'exchange', 'lost'] as const)('%s with an item that is not part of the order throws', (type) => {
    expect(() => plan(type, [{ sku: 'GHOST-SKU', quantity: 1 }])).toThrow(/not part of the order/);
  });
});

describe('planCompensation: the delay subsidy', () => {
  it('the default policy pays 500 minor units per working day, capped at 5000', () => {
    expect(defaultPolicy.delaySubsidy).toEqual({ perWorkingDay: 500, cap: 5000 });
  });

  it.each([
    [0, 0],
    [1, 500],
    [3, 1_500],
    [9, 4_500],
    [10, 5_000],
    [11, 5_000],
    [40, 5_000],
  ])('%d working day(s) late → a %d credit', (days, amount) => {
    expect(planCompensation(caseFacts({ type: 'delayed', items: [] }), defaultPolicy, days)).toEqual({
      remedy: 'delay_subsidy',
      kind: 'coupon',
      amount,
      currency: 'CNY',
      platformPaysReturnShipping: false,
    });
  });

  it('defaults to no delay when none is given', () => {
    expect(planCompensation(caseFacts({ type: 'delayed' }), defaultPolicy).amount).toBe(0);
  });

  it('follows the rates of the policy it is given', () => {
    const generous = { ...defaultPolicy, delaySubsidy: { perWorkingDay: 1_000, cap: 2_500 } };
    expect(planCompensation(caseFacts({ type: 'delayed' }), generous, 2).amount).toBe(2_000);
    expect(planCompensation(caseFacts({ type: 'delayed' }), generous, 3).amount).toBe(2_500);
  });
});
