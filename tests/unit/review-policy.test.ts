/**
 * The policy matrix (issue 3: "table-driven tests over the policy matrix: every rule, both sides of every window, on a
 * fixed clock"). reviewCase is pure: every instant below is fixed, counted in Asia/Shanghai calendar days from the
 * local day of delivery (the day after delivery is day 1, 自签收次日起).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { CaseFacts, CaseType, OrderItem, Remedy, ReviewDecision } from '../../functions/domain/case.js';
import type { AftersalesPolicy } from '../../functions/domain/policy.js';
import { exposure, reviewCase } from '../../functions/domain/review-policy.js';
import { addCalendarDays } from '../../functions/domain/working-days.js';
import { cnPolicy } from '../../functions/policies/cn.js';
import { caseFacts, type Overrides } from './fixtures.js';

const ZONE = 'Asia/Shanghai';
const sh = (local: string) => new Date(`${local}+08:00`);
/**
 * Delivered 2026-11-05 01:00 in Shanghai, which is still 2026-11-04 in UTC: counting in UTC days would give a
 * different answer at every boundary below.
 */
const DELIVERED_AT = '2026-11-04T17:00:00.000Z';
const DELIVERY_DAY = '2026-11-05';
const photo = { kind: 'photo', url: 'https://cdn.example.com/evidence/box-corner.jpg' };
const THRESHOLD = cnPolicy.manualReview.approvalThreshold;

/** The first and last instant of the N-th calendar day after the delivery day, in Shanghai. */
const startOfDay = (n: number) => sh(`${addCalendarDays(DELIVERY_DAY, n)}T00:00:00`);
const endOfDay = (n: number) => sh(`${addCalendarDays(DELIVERY_DAY, n)}T23:59:59.999`);

type Facts = Overrides<CaseFacts>;
const factsFor = (type: CaseType, overrides: Facts = {}) => caseFacts({ type, shipment: { deliveredAt: DELIVERED_AT }, ...overrides });
const review = (type: CaseType, now: Date, overrides: Facts = {}, policy: AftersalesPolicy = cnPolicy) => reviewCase(factsFor(type, overrides), policy, now, ZONE);

const approve = (rule: string, remedy?: Remedy): ReviewDecision => ({ decision: 'approve', rule, ...(remedy ? { remedy } : {}) });
const reject = (rule: string, reasonCode: string): ReviewDecision => ({ decision: 'reject', rule, reasonCode });
const manual = (rule: string, reasonCode: string): ReviewDecision => ({ decision: 'manual', rule, reasonCode });
const needsEvidence = (rule: string, what: string): ReviewDecision => ({ decision: 'needs_evidence', rule, what });

/** One line of a single-item order priced `unitPrice` (the case concerns it alone). */
const single = (unitPrice: number, category = 'electronics', quantity = 1): Facts => ({
  orderItems: [{ sku: 'ONE-1', name: 'One item', category, quantity, unitPrice }],
  items: [{ sku: 'ONE-1', quantity }],
});

interface Example {
  name: string;
  type: CaseType;
  now: Date;
  facts?: Facts;
  policy?: AftersalesPolicy;
  expected: ReviewDecision;
}

// ---------------------------------------------------------------------------------------------------------------
// Windows: both sides of each, at the first and the last millisecond of the Shanghai day.
// ---------------------------------------------------------------------------------------------------------------

interface Window {
  type: CaseType;
  window: keyof AftersalesPolicy['windows'];
  /** Decision on the last day inside the window, and on the first day after it. */
  inside: ReviewDecision;
  outside: ReviewDecision;
  facts?: Facts;
}

const WINDOWS: Window[] = [
  { type: 'return', window: 'noReasonReturnDays', inside: approve('return.no_reason_window', 'refund'), outside: reject('return.no_reason_window', 'window_expired') },
  // Quality: a refund within 7 days, then an exchange within 15, then a repair within the warranty (003 §3.1).
  { type: 'quality', window: 'qualityReturnDays', inside: approve('quality.return_window', 'refund'), outside: approve('quality.exchange_window', 'exchange') },
  { type: 'quality', window: 'qualityExchangeDays', inside: approve('quality.exchange_window', 'exchange'), outside: approve('quality.warranty', 'repair') },
  { type: 'quality', window: 'warrantyDays', inside: approve('quality.warranty', 'repair'), outside: reject('quality.warranty', 'warranty_expired') },
  { type: 'exchange', window: 'exchangeDays', inside: approve('exchange.window', 'exchange'), outside: reject('exchange.window', 'window_expired') },
  { type: 'repair', window: 'warrantyDays', inside: approve('repair.warranty', 'repair'), outside: reject('repair.warranty', 'warranty_expired') },
  {
    type: 'damaged',
    window: 'damagedReportDays',
    inside: approve('damaged.photo_and_window'),
    outside: reject('damaged.report_window', 'window_expired'),
    facts: { evidence: [photo] },
  },
  {
    type: 'missing_part',
    window: 'missingPartReportDays',
    inside: approve('missing_part.report_window', 'reship'),
    outside: reject('missing_part.report_window', 'window_expired'),
  },
];

const windowExamples = (w: Window): Example[] => {
  const n = cnPolicy.windows[w.window];
  const label = `${w.type} ${w.window} (${n})`;
  return [
    { name: `${label}: day ${n}, first millisecond`, type: w.type, now: startOfDay(n), facts: w.facts, expected: w.inside },
    { name: `${label}: day ${n}, last millisecond`, type: w.type, now: endOfDay(n), facts: w.facts, expected: w.inside },
    { name: `${label}: day ${n + 1}, first millisecond`, type: w.type, now: startOfDay(n + 1), facts: w.facts, expected: w.outside },
    { name: `${label}: day ${n + 1}, last millisecond`, type: w.type, now: endOfDay(n + 1), facts: w.facts, expected: w.outside },
  ];
};

// ---------------------------------------------------------------------------------------------------------------
// The matrix: every rule id reviewCase can return, with examples that produce it.
// ---------------------------------------------------------------------------------------------------------------

const DEFECT_REASONS = ['defective', 'quality', 'not_as_described', 'damaged', 'broken'];
const DELIVERY_TYPES = ['return', 'quality', 'exchange', 'repair', 'damaged', 'missing_part'] as const;
const notDelivered: Facts = { shipment: { deliveredAt: undefined } };

const examples: Example[] = [
  ...WINDOWS.flatMap(windowExamples),
  { name: 'return on the day of delivery', type: 'return', now: sh(`${DELIVERY_DAY}T09:00:00`), expected: approve('return.no_reason_window', 'refund') },
  { name: 'quality on the day of delivery', type: 'quality', now: sh(`${DELIVERY_DAY}T09:00:00`), expected: approve('quality.return_window', 'refund') },
  { name: 'exchange on the day of delivery', type: 'exchange', now: sh(`${DELIVERY_DAY}T09:00:00`), expected: approve('exchange.window', 'exchange') },
  { name: 'repair on the day of delivery', type: 'repair', now: sh(`${DELIVERY_DAY}T09:00:00`), expected: approve('repair.warranty', 'repair') },
  {
    name: 'damaged with a photo on the day of delivery',
    type: 'damaged',
    now: sh(`${DELIVERY_DAY}T09:00:00`),
    facts: { evidence: [photo] },
    expected: approve('damaged.photo_and_window'),
  },
  { name: 'missing part on the day of delivery', type: 'missing_part', now: sh(`${DELIVERY_DAY}T09:00:00`), expected: approve('missing_part.report_window', 'reship') },

  // Excluded categories of the no-reason return, inside the window and after it.
  ...cnPolicy.noReasonExcludedCategories.map(
    (category): Example => ({
      name: `return of a ${category} item inside the window`,
      type: 'return',
      now: endOfDay(1),
      facts: single(9900, category),
      expected: reject('return.excluded_category', 'category_excluded'),
    }),
  ),
  {
    name: 'return of a perishable item after the window: the category is the reason',
    type: 'return',
    now: endOfDay(30),
    facts: single(9900, 'perishable'),
    expected: reject('return.excluded_category', 'category_excluded'),
  },
  // The exclusion covers returns without a reason: a defect in an excluded item is a quality matter for a person.
  ...DEFECT_REASONS.map(
    (reason): Example => ({
      name: `return of a perishable item, reason ${reason}`,
      type: 'return',
      now: endOfDay(1),
      facts: { ...single(9900, 'perishable'), reason },
      expected: manual('return.excluded_category_with_defect', 'possible_quality_issue'),
    }),
  ),

  // A late "no-reason" return whose reason suggests a defect goes to a person; other late returns are refused.
  ...DEFECT_REASONS.map(
    (reason): Example => ({
      name: `late return, reason ${reason}`,
      type: 'return',
      now: startOfDay(8),
      facts: { reason },
      expected: manual('return.late_with_defect_reason', 'possible_quality_issue'),
    }),
  ),
  {
    name: 'late return, reason defective, long after the window',
    type: 'return',
    now: endOfDay(200),
    facts: { reason: 'defective' },
    expected: manual('return.late_with_defect_reason', 'possible_quality_issue'),
  },
  {
    name: 'late return, reason no_longer_needed',
    type: 'return',
    now: startOfDay(8),
    facts: { reason: 'no_longer_needed' },
    expected: reject('return.no_reason_window', 'window_expired'),
  },
  { name: 'late return, reason wrong_size', type: 'return', now: startOfDay(8), facts: { reason: 'wrong_size' }, expected: reject('return.no_reason_window', 'window_expired') },
  {
    name: 'return inside the window with a defect reason: the no-reason return applies',
    type: 'return',
    now: endOfDay(7),
    facts: { reason: 'defective' },
    expected: approve('return.no_reason_window', 'refund'),
  },

  // Damaged claims need a photo, inside the report window.
  { name: 'damaged without evidence', type: 'damaged', now: endOfDay(2), facts: { evidence: [] }, expected: needsEvidence('damaged.photo_required', 'photo') },
  {
    name: 'damaged with a video and a document only',
    type: 'damaged',
    now: endOfDay(2),
    facts: {
      evidence: [
        { kind: 'video', url: 'https://cdn.example.com/evidence/unboxing.mp4' },
        { kind: 'document', url: 'https://cdn.example.com/evidence/receipt.pdf' },
      ],
    },
    expected: needsEvidence('damaged.photo_required', 'photo'),
  },
  {
    name: 'damaged without evidence on the last day of the window',
    type: 'damaged',
    now: endOfDay(7),
    facts: { evidence: [] },
    expected: needsEvidence('damaged.photo_required', 'photo'),
  },
  {
    name: 'damaged with a photo among other evidence',
    type: 'damaged',
    now: endOfDay(2),
    facts: { evidence: [{ kind: 'video', url: 'https://cdn.example.com/v.mp4' }, photo] },
    expected: approve('damaged.photo_and_window'),
  },
  {
    name: 'damaged reported late without a photo: refused, not asked for evidence',
    type: 'damaged',
    now: startOfDay(8),
    facts: { evidence: [] },
    expected: reject('damaged.report_window', 'window_expired'),
  },

  // Lost and delayed parcels are decided by the carrier's tracking afterwards.
  { name: 'lost, but marked delivered', type: 'lost', now: endOfDay(1), expected: reject('lost.marked_delivered', 'carrier_delivered') },
  { name: 'lost, not delivered', type: 'lost', now: sh('2026-11-20T10:00:00'), facts: notDelivered, expected: approve('lost.pending_carrier') },
  { name: 'delayed, delivered late', type: 'delayed', now: sh('2026-12-30T10:00:00'), expected: approve('delayed.pending_carrier', 'delay_subsidy') },
  { name: 'delayed, not delivered yet', type: 'delayed', now: sh('2026-12-30T10:00:00'), facts: notDelivered, expected: approve('delayed.pending_carrier', 'delay_subsidy') },

  // No delivery record for a type about a delivered item: an operator checks with the carrier.
  ...DELIVERY_TYPES.map(
    (type): Example => ({
      name: `${type} without a delivery record`,
      type,
      now: sh('2026-11-06T10:00:00'),
      facts: { ...notDelivered, evidence: [photo] },
      expected: manual(`${type}.no_delivery_record`, 'no_delivery_record'),
    }),
  ),
  {
    name: 'return of an excluded category without a delivery record: the record is checked first',
    type: 'return',
    now: sh('2026-11-06T10:00:00'),
    facts: { ...single(9900, 'perishable'), ...notDelivered },
    expected: manual('return.no_delivery_record', 'no_delivery_record'),
  },
  {
    name: 'damaged without a photo and without a delivery record',
    type: 'damaged',
    now: sh('2026-11-06T10:00:00'),
    facts: { ...notDelivered, evidence: [] },
    expected: manual('damaged.no_delivery_record', 'no_delivery_record'),
  },

  // The approval threshold: exactly at it is approved, one minor unit above goes to an operator.
  ...(
    [
      ['return', {}, approve('return.no_reason_window', 'refund')],
      ['quality', {}, approve('quality.return_window', 'refund')],
      ['exchange', {}, approve('exchange.window', 'exchange')],
      ['repair', {}, approve('repair.warranty', 'repair')],
      ['damaged', { evidence: [photo] }, approve('damaged.photo_and_window')],
      ['missing_part', {}, approve('missing_part.report_window', 'reship')],
      ['lost', notDelivered, approve('lost.pending_carrier')],
    ] as Array<[CaseType, Facts, ReviewDecision]>
  ).flatMap(([type, facts, atThreshold]): Example[] => [
    { name: `${type} worth exactly the threshold`, type, now: endOfDay(1), facts: { ...facts, ...single(THRESHOLD) }, expected: atThreshold },
    {
      name: `${type} worth the threshold + 1`,
      type,
      now: endOfDay(1),
      facts: { ...facts, ...single(THRESHOLD + 1) },
      expected: manual('manual.above_approval_threshold', 'high_value'),
    },
  ]),
  {
    name: 'return of 2 × half the threshold',
    type: 'return',
    now: endOfDay(1),
    facts: single(THRESHOLD / 2, 'electronics', 2),
    expected: approve('return.no_reason_window', 'refund'),
  },
  {
    name: 'return of 3 × half the threshold',
    type: 'return',
    now: endOfDay(1),
    facts: single(THRESHOLD / 2, 'electronics', 3),
    expected: manual('manual.above_approval_threshold', 'high_value'),
  },
  // A delay's exposure is the subsidy cap, not the order's value.
  {
    name: 'delayed, subsidy cap at the threshold',
    type: 'delayed',
    now: endOfDay(3),
    facts: single(10 * THRESHOLD),
    policy: withThreshold(cnPolicy.delaySubsidy.cap),
    expected: approve('delayed.pending_carrier', 'delay_subsidy'),
  },
  {
    name: 'delayed, subsidy cap above the threshold',
    type: 'delayed',
    now: endOfDay(3),
    facts: single(100),
    policy: withThreshold(cnPolicy.delaySubsidy.cap - 1),
    expected: manual('manual.above_approval_threshold', 'high_value'),
  },
  {
    name: 'delayed, a high-value order under the CN threshold',
    type: 'delayed',
    now: endOfDay(3),
    facts: single(10 * THRESHOLD),
    expected: approve('delayed.pending_carrier', 'delay_subsidy'),
  },
];

function withThreshold(approvalThreshold: number): AftersalesPolicy {
  return { ...cnPolicy, manualReview: { ...cnPolicy.manualReview, approvalThreshold } };
}

/** The rule ids in functions/domain/review-policy.ts; `*.<suffix>` for a rule named after the case type. */
function ruleIdsInSource(): string[] {
  const source = readFileSync('functions/domain/review-policy.ts', 'utf8');
  const literal = [...source.matchAll(/\b(?:approve|reject|manual)\(\s*'([a-z_.]+)'|\brule: '([a-z_.]+)'/g)].map((m) => m[1] ?? m[2]!);
  const templated = [...source.matchAll(/\b(?:approve|reject|manual)\(\s*`\$\{facts\.type\}\.([a-z_]+)`/g)].map((m) => `*.${m[1]}`);
  // Any other way of building a rule id would escape this list: fail loudly rather than miss it.
  expect(source.match(/\b(?:approve|reject|manual)\(\s*[^'`\s]/g) ?? [], 'rule ids are literals or `${facts.type}.…`').toEqual([]);
  return [...new Set([...literal, ...templated])].sort();
}

const TEMPLATED = new Set(
  ruleIdsInSource()
    .filter((r) => r.startsWith('*.'))
    .map((r) => r.slice(2)),
);
const ruleKey = (rule: string) => {
  const [type, suffix] = rule.split('.') as [string, string];
  return TEMPLATED.has(suffix) && type !== 'manual' ? `*.${suffix}` : rule;
};

describe('the policy matrix', () => {
  it.each(examples.map((e) => [e.name, e] as const))('%s', (_name, example) => {
    expect(review(example.type, example.now, example.facts, example.policy)).toEqual(example.expected);
  });

  it('covers every rule id reviewCase can return (a new rule without an example fails here)', () => {
    const inSource = ruleIdsInSource();
    expect(inSource.length).toBeGreaterThanOrEqual(17);
    const covered = [...new Set(examples.map((e) => ruleKey(e.expected.rule)))].sort();
    expect(covered).toEqual(inSource);
  });

  it('covers each decision kind', () => {
    expect([...new Set(examples.map((e) => e.expected.decision))].sort()).toEqual(['approve', 'manual', 'needs_evidence', 'reject']);
  });

  it('covers both sides of every window of the policy', () => {
    const windows = new Set(WINDOWS.map((w) => w.window));
    expect([...windows].sort()).toEqual(Object.keys(cnPolicy.windows).sort());
  });

  it('covers every defect reason of review-policy.ts', () => {
    const source = readFileSync('functions/domain/review-policy.ts', 'utf8');
    const listed = /DEFECT_REASONS = new Set\(\[([^\]]*)\]\)/.exec(source)?.[1] ?? '';
    expect([...listed.matchAll(/'([a-z_]+)'/g)].map((m) => m[1]).sort()).toEqual([...DEFECT_REASONS].sort());
  });

  it('the rules named after the case type are covered for every type they apply to', () => {
    expect(TEMPLATED).toEqual(new Set(['no_delivery_record']));
    const types = examples.filter((e) => e.expected.rule.endsWith('.no_delivery_record')).map((e) => e.type);
    expect([...new Set(types)].sort()).toEqual([...DELIVERY_TYPES].sort());
  });
});

describe('calendar days in Asia/Shanghai from the local delivery day', () => {
  it('counts from the Shanghai delivery day, not the UTC one', () => {
    // Day 7 ends 2026-11-12 23:59:59.999 Shanghai = 15:59:59.999Z. In UTC days the delivery day would be 11-04,
    // making 2026-11-12 day 8 and refusing the return.
    expect(review('return', new Date('2026-11-12T15:59:59.999Z'))).toMatchObject({ decision: 'approve' });
    expect(review('return', new Date('2026-11-12T16:00:00.000Z'))).toMatchObject({ decision: 'reject', reasonCode: 'window_expired' });
  });

  it('a delivery late in the Shanghai evening counts from that day, though it is early in UTC', () => {
    const lateEvening = { shipment: { deliveredAt: '2026-11-05T15:30:00.000Z' } }; // 23:30 Shanghai, 11-05
    expect(review('return', endOfDay(7), lateEvening)).toMatchObject({ decision: 'approve' });
    expect(review('return', startOfDay(8), lateEvening)).toMatchObject({ decision: 'reject' });
  });

  it('uses the windows of the policy it is given', () => {
    const strict = { ...cnPolicy, windows: { ...cnPolicy.windows, noReasonReturnDays: 1 } };
    expect(review('return', endOfDay(1), {}, strict)).toMatchObject({ decision: 'approve' });
    expect(review('return', startOfDay(2), {}, strict)).toMatchObject({ decision: 'reject', reasonCode: 'window_expired' });
  });

  it('uses the time zone it is given', () => {
    // Delivered 11-05 01:00 in Shanghai = 11-04 09:00 in Los Angeles. 2026-11-12T20:00Z is 11-13 in Shanghai (day 8);
    // 2026-11-12T07:00Z is 11-11 23:00 in Los Angeles (day 7 from 11-04).
    const facts = factsFor('return');
    expect(reviewCase(facts, cnPolicy, new Date('2026-11-12T20:00:00Z'), ZONE)).toMatchObject({ decision: 'reject' });
    expect(reviewCase(facts, cnPolicy, new Date('2026-11-12T07:00:00Z'), 'America/Los_Angeles')).toMatchObject({ decision: 'approve' });
  });
});

describe('no-reason returns of excluded categories', () => {
  const mixedOrder: OrderItem[] = [
    { sku: 'KB-87-BLK', name: 'Keyboard', category: 'electronics', quantity: 1, unitPrice: 39900 },
    { sku: 'MAG-2026-11', name: 'Magazine', category: 'periodical', quantity: 1, unitPrice: 2500 },
  ];

  it('only the items the request concerns count', () => {
    expect(review('return', endOfDay(1), { orderItems: mixedOrder, items: [{ sku: 'KB-87-BLK', quantity: 1 }] })).toEqual(approve('return.no_reason_window', 'refund'));
    expect(review('return', endOfDay(1), { orderItems: mixedOrder, items: [{ sku: 'MAG-2026-11', quantity: 1 }] })).toEqual(
      reject('return.excluded_category', 'category_excluded'),
    );
  });

  it('a request for the whole order (no items) is refused if any line is excluded', () => {
    expect(review('return', endOfDay(1), { orderItems: mixedOrder, items: [] })).toEqual(reject('return.excluded_category', 'category_excluded'));
  });

  it.each(['quality', 'exchange', 'damaged', 'missing_part'] as const)('the exclusion is specific to no-reason returns: %s of a perishable item is not refused for it', (type) => {
    expect(review(type, endOfDay(1), { ...single(9900, 'perishable'), evidence: [photo] }).decision).toBe('approve');
  });

  it('uses the exclusions of the policy it is given', () => {
    const none = { ...cnPolicy, noReasonExcludedCategories: [] };
    expect(review('return', endOfDay(1), single(9900, 'perishable'), none)).toEqual(approve('return.no_reason_window', 'refund'));
    const books = { ...cnPolicy, noReasonExcludedCategories: ['books'] };
    expect(review('return', endOfDay(1), single(9900, 'books'), books)).toEqual(reject('return.excluded_category', 'category_excluded'));
  });
});

describe('the approval threshold', () => {
  it('exposure is the value of the concerned items, or the subsidy cap for a delay', () => {
    expect(exposure(factsFor('return'), cnPolicy)).toBe(39_900);
    expect(exposure(factsFor('lost', { items: [] }), cnPolicy)).toBe(45_700);
    expect(exposure(factsFor('damaged', { items: [{ sku: 'CBL-USBC-1M', quantity: 9 }] }), cnPolicy)).toBe(5_800);
    expect(exposure(factsFor('delayed', { items: [] }), cnPolicy)).toBe(cnPolicy.delaySubsidy.cap);
  });

  it('applies only to approvals: a refusal, a request for evidence or another manual reason stays what it is', () => {
    const expensive = single(THRESHOLD * 3);
    expect(review('exchange', startOfDay(16), expensive)).toEqual(reject('exchange.window', 'window_expired'));
    expect(review('damaged', endOfDay(1), { ...expensive, evidence: [] })).toEqual(needsEvidence('damaged.photo_required', 'photo'));
    expect(review('return', startOfDay(8), { ...expensive, reason: 'broken' })).toEqual(manual('return.late_with_defect_reason', 'possible_quality_issue'));
    expect(review('repair', endOfDay(1), { ...expensive, ...notDelivered })).toEqual(manual('repair.no_delivery_record', 'no_delivery_record'));
  });

  it('follows the threshold of the policy it is given', () => {
    expect(review('return', endOfDay(1), {}, withThreshold(39_899))).toEqual(manual('manual.above_approval_threshold', 'high_value'));
    expect(review('return', endOfDay(1), {}, withThreshold(39_900))).toEqual(approve('return.no_reason_window', 'refund'));
  });

  it('counts only the concerned items of an expensive order', () => {
    const order = [
      { sku: 'TV-85', name: 'TV', category: 'electronics', quantity: 1, unitPrice: 3 * THRESHOLD },
      { sku: 'CBL-HDMI', name: 'HDMI cable', category: 'accessories', quantity: 1, unitPrice: 4900 },
    ];
    expect(review('missing_part', endOfDay(1), { orderItems: order, items: [{ sku: 'CBL-HDMI', quantity: 1 }] })).toEqual(approve('missing_part.report_window', 'reship'));
    expect(review('missing_part', endOfDay(1), { orderItems: order, items: [] })).toEqual(manual('manual.above_approval_threshold', 'high_value'));
  });
});
