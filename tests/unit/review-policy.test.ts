import { describe, expect, it } from 'vitest';
import type { CaseType } from '../../functions/domain/case.js';
import { defaultPolicy } from '../../functions/domain/policy.js';
import { reviewCase } from '../../functions/domain/review-policy.js';
import { addCalendarDays } from '../../functions/domain/working-days.js';
import { caseFacts } from './fixtures.js';

const ZONE = 'Asia/Shanghai';
const sh = (local: string) => new Date(`${local}+08:00`);
/**
 * Delivered 2026-11-05 01:00 in Shanghai, which is still 2026-11-04 in UTC: counting in UTC days would give a
 * different answer at every boundary below.
 */
const DELIVERED_AT = '2026-11-04T17:00:00.000Z';
const DELIVERY_DAY = '2026-11-05';
const photo = { kind: 'photo', url: 'https://cdn.example.com/evidence/box-corner.jpg' };

/** The first and last instant of the N-th calendar day after the delivery day, in Shanghai. */
const startOfDay = (n: number) => sh(`${addCalendarDays(DELIVERY_DAY, n)}T00:00:00`);
const endOfDay = (n: number) => sh(`${addCalendarDays(DELIVERY_DAY, n)}T23:59:59.999`);

const review = (type: CaseType, now: Date, overrides: Parameters<typeof caseFacts>[0] = {}) =>
  reviewCase(caseFacts({ type, shipment: { deliveredAt: DELIVERED_AT }, ...overrides }), defaultPolicy, now, ZONE);

describe('policy windows (calendar days after the local delivery day)', () => {
  it('are the documented defaults', () => {
    expect(defaultPolicy.windows).toEqual({
      noReasonReturnDays: 7,
      qualityReturnDays: 7,
      qualityExchangeDays: 15,
      exchangeDays: 15,
      warrantyDays: 365,
      damagedReportDays: 7,
      missingPartReportDays: 15,
    });
  });

  // type, window (days), approving rule, refusing rule, reason code, extra facts
  const windows: Array<[CaseType, number, string, string, string, Parameters<typeof caseFacts>[0]]> = [
    ['return', 7, 'return.no_reason_window', 'return.no_reason_window', 'window_expired', {}],
    ['quality', 15, 'quality.window', 'quality.window', 'window_expired', {}],
    ['exchange', 15, 'exchange.window', 'exchange.window', 'window_expired', {}],
    ['repair', 365, 'repair.warranty', 'repair.warranty', 'warranty_expired', {}],
    ['damaged', 7, 'damaged.photo_and_window', 'damaged.report_window', 'window_expired', { evidence: [photo] }],
    ['missing_part', 15, 'missing_part.report_window', 'missing_part.report_window', 'window_expired', {}],
  ];

  it.each(windows)('%s: the day of delivery is allowed', (type, _days, approveRule, _rejectRule, _reason, extra) => {
    expect(review(type, sh(`${DELIVERY_DAY}T09:00:00`), extra)).toEqual({ decision: 'approve', rule: approveRule });
  });

  it.each(windows)('%s: day %d is allowed up to its last millisecond in Shanghai', (type, days, approveRule, _rejectRule, _reason, extra) => {
    expect(review(type, startOfDay(days), extra)).toEqual({ decision: 'approve', rule: approveRule });
    expect(review(type, endOfDay(days), extra)).toEqual({ decision: 'approve', rule: approveRule });
  });

  it.each(windows)('%s: day %d + 1 is refused from its first millisecond in Shanghai', (type, days, _approveRule, rejectRule, reasonCode, extra) => {
    expect(review(type, startOfDay(days + 1), extra)).toEqual({ decision: 'reject', rule: rejectRule, reasonCode });
    expect(review(type, endOfDay(days + 30), extra)).toEqual({ decision: 'reject', rule: rejectRule, reasonCode });
  });

  it('counts from the Shanghai delivery day, not the UTC one', () => {
    // Day 7 ends 2026-11-12 23:59:59.999 Shanghai = 15:59:59.999Z. In UTC days the delivery day would be 11-04,
    // making 2026-11-12 day 8 and refusing the return.
    expect(review('return', new Date('2026-11-12T15:59:59.999Z'))).toMatchObject({ decision: 'approve' });
    expect(review('return', new Date('2026-11-12T16:00:00.000Z'))).toMatchObject({ decision: 'reject', reasonCode: 'window_expired' });
  });

  it('uses the windows of the policy it is given', () => {
    const strict = { ...defaultPolicy, windows: { ...defaultPolicy.windows, noReasonReturnDays: 1 } };
    const facts = caseFacts({ type: 'return', shipment: { deliveredAt: DELIVERED_AT } });
    expect(reviewCase(facts, strict, endOfDay(1), ZONE)).toMatchObject({ decision: 'approve' });
    expect(reviewCase(facts, strict, startOfDay(2), ZONE)).toMatchObject({ decision: 'reject', reasonCode: 'window_expired' });
  });
});

describe('no-reason returns of excluded categories', () => {
  it('the default policy excludes custom-made, perishable, opened digital/audio-visual goods and periodicals', () => {
    expect(defaultPolicy.noReasonExcludedCategories).toEqual(['custom_made', 'perishable', 'digital_opened', 'audio_visual_opened', 'periodical']);
  });

  it.each(defaultPolicy.noReasonExcludedCategories)('a %s item is refused even inside the window', (category) => {
    const decision = review('return', endOfDay(1), {
      orderItems: [{ sku: 'X-1', name: 'Excluded item', category, quantity: 1, unitPrice: 9900 }],
      items: [{ sku: 'X-1', quantity: 1 }],
    });
    expect(decision).toEqual({ decision: 'reject', rule: 'return.excluded_category', reasonCode: 'category_excluded' });
  });

  it('the category is reported before an expired window', () => {
    const decision = review('return', endOfDay(30), {
      orderItems: [{ sku: 'X-1', name: 'Fresh lychees', category: 'perishable', quantity: 1, unitPrice: 9900 }],
      items: [{ sku: 'X-1', quantity: 1 }],
    });
    expect(decision).toMatchObject({ rule: 'return.excluded_category', reasonCode: 'category_excluded' });
  });

  const mixedOrder = [
    { sku: 'KB-87-BLK', name: 'Keyboard', category: 'electronics', quantity: 1, unitPrice: 39900 },
    { sku: 'MAG-2026-11', name: 'Magazine', category: 'periodical', quantity: 1, unitPrice: 2500 },
  ];

  it('only the items the request concerns count', () => {
    expect(review('return', endOfDay(1), { orderItems: mixedOrder, items: [{ sku: 'KB-87-BLK', quantity: 1 }] })).toEqual({
      decision: 'approve',
      rule: 'return.no_reason_window',
    });
    expect(review('return', endOfDay(1), { orderItems: mixedOrder, items: [{ sku: 'MAG-2026-11', quantity: 1 }] })).toMatchObject({
      decision: 'reject',
      reasonCode: 'category_excluded',
    });
  });

  it('a request for the whole order (no items) is refused if any line is excluded', () => {
    expect(review('return', endOfDay(1), { orderItems: mixedOrder, items: [] })).toMatchObject({ decision: 'reject', reasonCode: 'category_excluded' });
  });

  it.each(['quality', 'exchange', 'damaged', 'missing_part'] as const)('the exclusion is specific to no-reason returns: %s of a perishable item is not refused for it', (type) => {
    const decision = review(type, endOfDay(1), {
      orderItems: [{ sku: 'X-1', name: 'Fresh lychees', category: 'perishable', quantity: 1, unitPrice: 9900 }],
      items: [{ sku: 'X-1', quantity: 1 }],
      evidence: [photo],
    });
    expect(decision.decision).toBe('approve');
  });
});

describe('damaged claims need a photo', () => {
  it('without any evidence the customer is asked for a photo', () => {
    expect(review('damaged', endOfDay(2), { evidence: [] })).toEqual({ decision: 'needs_evidence', rule: 'damaged.photo_required', what: 'photo' });
  });

  it('a video or document is not a photo', () => {
    const evidence = [
      { kind: 'video', url: 'https://cdn.example.com/evidence/unboxing.mp4' },
      { kind: 'document', url: 'https://cdn.example.com/evidence/receipt.pdf' },
    ];
    expect(review('damaged', endOfDay(2), { evidence })).toMatchObject({ decision: 'needs_evidence' });
  });

  it('one photo among other evidence is enough', () => {
    expect(review('damaged', endOfDay(2), { evidence: [{ kind: 'video', url: 'https://cdn.example.com/v.mp4' }, photo] })).toEqual({
      decision: 'approve',
      rule: 'damaged.photo_and_window',
    });
  });

  it('a late report is refused rather than asked for evidence', () => {
    expect(review('damaged', startOfDay(8), { evidence: [] })).toEqual({ decision: 'reject', rule: 'damaged.report_window', reasonCode: 'window_expired' });
  });
});

describe('lost and delayed parcels', () => {
  it('a lost claim for a parcel marked delivered is refused', () => {
    expect(review('lost', endOfDay(1))).toEqual({ decision: 'reject', rule: 'lost.marked_delivered', reasonCode: 'carrier_delivered' });
  });

  it('a lost claim for an undelivered parcel goes to the carrier lookup', () => {
    const facts = caseFacts({ type: 'lost', shipment: { deliveredAt: undefined } });
    expect(reviewCase(facts, defaultPolicy, sh('2026-11-20T10:00:00'), ZONE)).toEqual({ decision: 'approve', rule: 'lost.pending_carrier' });
  });

  it.each([
    ['delivered', { deliveredAt: DELIVERED_AT }],
    ['not delivered', { deliveredAt: undefined }],
  ])('a delayed claim (%s) goes to the carrier lookup', (_name, shipment) => {
    const facts = caseFacts({ type: 'delayed', shipment });
    expect(reviewCase(facts, defaultPolicy, sh('2026-12-30T10:00:00'), ZONE)).toEqual({ decision: 'approve', rule: 'delayed.pending_carrier' });
  });
});

describe('types that need a delivered order', () => {
  it.each(['return', 'quality', 'exchange', 'repair', 'damaged', 'missing_part'] as const)('%s of an undelivered order is refused', (type) => {
    const facts = caseFacts({ type, shipment: { deliveredAt: undefined }, evidence: [photo] });
    expect(reviewCase(facts, defaultPolicy, sh('2026-11-06T10:00:00'), ZONE)).toEqual({
      decision: 'reject',
      rule: `${type}.requires_delivery`,
      reasonCode: 'not_delivered',
    });
  });
});
