/**
 * The DE policy (functions/policies/de.ts) beside CN's on a fixed clock: the same facts, each market's policy and zone.
 * Delivered Thursday 2026-11-05 10:00 in Berlin (17:00 in Shanghai), so day N after delivery is the same local date in
 * both zones.
 */
import { describe, expect, it } from 'vitest';
import type { CaseFacts, CaseType } from '../../functions/domain/case.js';
import { planCompensation } from '../../functions/domain/compensation.js';
import { calendarFor } from '../../functions/domain/market-calendar.js';
import type { AftersalesPolicy } from '../../functions/domain/policy.js';
import { reviewCase } from '../../functions/domain/review-policy.js';
import { resumeServiceSla, startServiceSla } from '../../functions/domain/sla.js';
import { cnPolicy } from '../../functions/policies/cn.js';
import { dePolicy } from '../../functions/policies/de.js';
import { caseFacts, type Overrides } from './fixtures.js';

const DELIVERED_AT = '2026-11-05T09:00:00.000Z';
/** Noon UTC on the N-th day after delivery: afternoon in Berlin, evening in Shanghai, the same date in both. */
const dayAfterDelivery = (n: number) => new Date(Date.parse('2026-11-05T12:00:00.000Z') + n * 86_400_000);

/** A €49 / ¥49 single-item order: below both markets' approval thresholds, so the rule alone decides. */
const facts = (type: CaseType, overrides: Overrides<CaseFacts> = {}, category = 'electronics') =>
  caseFacts({
    type,
    currency: 'EUR',
    market: 'DE',
    orderItems: [{ sku: 'HP-1', name: 'Headphones', category, quantity: 1, unitPrice: 4900 }],
    items: [{ sku: 'HP-1', quantity: 1 }],
    shipment: { carrier: 'SF', deliveredAt: DELIVERED_AT },
    ...overrides,
  });
const review = (policy: AftersalesPolicy, type: CaseType, day: number, overrides: Overrides<CaseFacts> = {}, category?: string) =>
  reviewCase(facts(type, overrides, category), policy, dayAfterDelivery(day), calendarFor(policy).timeZone);

describe('a no-reason return 10 days after delivery', () => {
  it('is refused under CN (7-day no-reason return) and approved under DE (14-day withdrawal)', () => {
    expect(review(cnPolicy, 'return', 10)).toEqual({ decision: 'reject', rule: 'return.no_reason_window', reasonCode: 'window_expired' });
    expect(review(dePolicy, 'return', 10)).toEqual({ decision: 'approve', rule: 'return.no_reason_window', remedy: 'refund' });
  });

  it('DE: day 14 is the last day of the withdrawal period, day 15 is too late', () => {
    expect(review(dePolicy, 'return', 14).decision).toBe('approve');
    expect(review(dePolicy, 'return', 15)).toEqual({ decision: 'reject', rule: 'return.no_reason_window', reasonCode: 'window_expired' });
  });

  it('DE: above €100 an operator approves it (manualReview.approvalThreshold, in cent)', () => {
    const dear = { orderItems: [{ sku: 'HP-1', name: 'Headphones', category: 'electronics', quantity: 1, unitPrice: 10001 }] };
    expect(review(dePolicy, 'return', 10, dear)).toEqual({ decision: 'manual', rule: 'manual.above_approval_threshold', reasonCode: 'high_value' });
  });
});

describe('DE: a withdrawal period ending on a weekend or holiday ends on the next working day (Reg. 1182/71 art. 3(4); §193 BGB)', () => {
  // Delivered Friday 2027-03-12 in Berlin: day 14 is Good Friday (26 Mar), then the weekend and Easter Monday (29 Mar).
  const delivered = { shipment: { carrier: 'SF', deliveredAt: '2027-03-12T10:00:00.000Z' } };
  const on = (date: string) => new Date(`${date}T15:00:00+01:00`);
  const calendar = calendarFor(dePolicy);
  const withdraw = (date: string, policy: AftersalesPolicy = dePolicy) => reviewCase(facts('return', delivered), policy, on(date), calendar.timeZone, calendar);

  it('a withdrawal on Tuesday after Easter (day 18) is in time; Wednesday (day 19) is late', () => {
    expect(withdraw('2027-03-30')).toEqual({ decision: 'approve', rule: 'return.no_reason_window', remedy: 'refund' });
    expect(withdraw('2027-03-31')).toEqual({ decision: 'reject', rule: 'return.no_reason_window', reasonCode: 'window_expired' });
  });

  it('without the policy flag, or without a calendar, the window ends on day 14 as before', () => {
    const plain: AftersalesPolicy = { ...dePolicy, withdrawal: { ...dePolicy.withdrawal!, periodEndsOnWorkingDay: false } };
    expect(withdraw('2027-03-30', plain).decision).toBe('reject');
    expect(reviewCase(facts('return', delivered), dePolicy, on('2027-03-30'), calendar.timeZone).decision).toBe('reject');
  });

  it('a window ending on a working day is not lengthened', () => {
    // Delivered Thursday 2026-11-05: day 14 is Thursday 19 November.
    expect(reviewCase(facts('return'), dePolicy, dayAfterDelivery(15), calendar.timeZone, calendar).decision).toBe('reject');
  });
});

describe('DE: the statutory exceptions to the withdrawal (§312g(2) BGB) are refused', () => {
  it.each(['custom_made', 'perishable', 'hygiene_opened', 'audio_visual_opened', 'digital_opened', 'periodical'])('%s', (category) => {
    expect(review(dePolicy, 'return', 3, {}, category)).toEqual({ decision: 'reject', rule: 'return.excluded_category', reasonCode: 'category_excluded' });
  });

  it('but a defect in such an item goes to an operator (a defect claim, not a withdrawal)', () => {
    expect(review(dePolicy, 'return', 3, { reason: 'defective' }, 'hygiene_opened')).toEqual({
      decision: 'manual',
      rule: 'return.excluded_category_with_defect',
      reasonCode: 'possible_quality_issue',
    });
  });
});

describe('DE: defects within the 2-year legal guarantee (§438 BGB)', () => {
  it('a quality claim after 600 days is approved (replacement) under DE, refused under CN (1-year warranty)', () => {
    expect(review(dePolicy, 'quality', 600)).toEqual({ decision: 'approve', rule: 'quality.exchange_window', remedy: 'exchange' });
    expect(review(cnPolicy, 'quality', 600)).toEqual({ decision: 'reject', rule: 'quality.warranty', reasonCode: 'warranty_expired' });
  });

  it('the guarantee ends after day 730', () => {
    expect(review(dePolicy, 'quality', 730).decision).toBe('approve');
    expect(review(dePolicy, 'quality', 731)).toEqual({ decision: 'reject', rule: 'quality.warranty', reasonCode: 'warranty_expired' });
    expect(review(dePolicy, 'repair', 700)).toEqual({ decision: 'approve', rule: 'repair.warranty', remedy: 'repair' });
  });

  it('within the withdrawal period a defect is refunded', () => {
    expect(review(dePolicy, 'quality', 10)).toEqual({ decision: 'approve', rule: 'quality.return_window', remedy: 'refund' });
  });

  it('transport damage reported after a month is still a claim (no short report window for consumers)', () => {
    const photo = { evidence: [{ kind: 'photo', url: 'https://cdn.example.com/evidence/dent.jpg' }] };
    expect(review(dePolicy, 'damaged', 40, photo)).toEqual({ decision: 'approve', rule: 'damaged.photo_and_window' });
    expect(review(cnPolicy, 'damaged', 40, photo)).toEqual({ decision: 'reject', rule: 'damaged.report_window', reasonCode: 'window_expired' });
  });
});

describe('DE: the refund of a withdrawal waits for the item (policy withdrawal.refundAwaitsReturn, §357(4) BGB)', () => {
  it('plans the refund after the return, naming the rule', () => {
    expect(planCompensation(facts('return'), dePolicy)).toMatchObject({
      kind: 'refund',
      amount: 4900,
      currency: 'EUR',
      needsReturn: true,
      rule: 'withdrawal.refund_awaits_return',
    });
  });

  it('a policy that refunds before the item is back plans no return leg', () => {
    const early: AftersalesPolicy = { ...dePolicy, withdrawal: { ...dePolicy.withdrawal!, refundAwaitsReturn: false } };
    expect(planCompensation(facts('return'), early)).toMatchObject({ needsReturn: false, platformPaysReturnShipping: false, rule: 'withdrawal.refund_before_return' });
  });

  it('CN (no withdrawal in its policy) plans as before, without a rule', () => {
    const plan = planCompensation(facts('return', { currency: 'CNY', market: undefined }), cnPolicy);
    expect(plan.needsReturn).toBe(true);
    expect(plan).not.toHaveProperty('rule');
  });

  it('the delay subsidy is in cent: 5 working days late earn €1 × 3 + €2 × 2', () => {
    expect(planCompensation(facts('delayed'), dePolicy, { delayWorkingDays: 5 })).toMatchObject({ kind: 'coupon', amount: 700, currency: 'EUR' });
  });
});

describe('DE: the refund of a withdrawal is due 14 days after it, or on the arrival day if later (art. 13; §357 BGB)', () => {
  const calendar = calendarFor(dePolicy);
  // Withdrawal received Monday 2026-11-09 10:00 in Berlin: the refund is due by the end of Monday 23 November.
  const withdrawnAt = new Date('2026-11-09T09:00:00Z');
  const endOfBerlinDay = (date: string) => new Date(`${date}T23:59:59.999+01:00`).toISOString();
  const clock = (arrival: string, policy: AftersalesPolicy = dePolicy, type: CaseType = 'return') =>
    startServiceSla({ type, expedited: false, startedAt: new Date(`${arrival}T10:00:00+01:00`), paused: false, withdrawnAt }, policy, calendar);

  it('an item back early: the platform limit (5 working days from arrival) comes first', () => {
    const sla = clock('2026-11-12');
    expect(sla.statutoryDueAt).toBe(endOfBerlinDay('2026-11-23'));
    expect(sla.dueAt).toBe(endOfBerlinDay('2026-11-19'));
  });

  it('an item back on day 11: the law caps the clock at day 14', () => {
    expect(clock('2026-11-20').dueAt).toBe(endOfBerlinDay('2026-11-23'));
  });

  it('an item back after day 14: due at the end of its arrival day', () => {
    expect(clock('2026-11-25').dueAt).toBe(endOfBerlinDay('2026-11-25'));
  });

  it('a pause does not move the legal date', () => {
    const sla = clock('2026-11-20');
    const resumed = resumeServiceSla(sla, new Date('2026-11-20T12:00:00Z'), new Date('2026-11-24T12:00:00Z'), calendar);
    expect(resumed.dueAt).toBe(endOfBerlinDay('2026-11-23'));
  });

  it('only a no-reason return in a market with a withdrawal right has one', () => {
    expect(clock('2026-11-20', dePolicy, 'quality').statutoryDueAt).toBeUndefined();
    expect(
      startServiceSla({ type: 'return', expedited: false, startedAt: new Date('2026-11-20T02:00:00Z'), paused: false, withdrawnAt }, cnPolicy, calendarFor(cnPolicy)),
    ).not.toHaveProperty('statutoryDueAt');
  });
});
