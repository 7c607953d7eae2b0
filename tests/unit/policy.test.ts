/**
 * The after-sales policy as data: the CN policy's values (what the rules and documents promise), parsePolicy's
 * validation (a wrong policy stops the function at cold start, naming what is wrong) and loadPolicy by market.
 */
import { describe, expect, it } from 'vitest';
import { parsePolicy, type AftersalesPolicy } from '../../functions/domain/policy.js';
import { loadPolicy } from '../../functions/policies/index.js';
import { cnPolicy } from '../../functions/policies/cn.js';

/** cnPolicy with one part changed (deep copies: the shared policy object is never mutated). */
const withPart = (change: (policy: Record<string, any>) => void): unknown => {
  const copy = structuredClone(cnPolicy) as unknown as Record<string, any>;
  change(copy);
  return copy;
};

const problemOf = (input: unknown): string => {
  try {
    parsePolicy(input);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('parsePolicy accepted the policy');
};

describe('the CN policy (functions/policies/cn.ts)', () => {
  it('is valid, and parsing gives back the same values', () => {
    expect(parsePolicy(cnPolicy)).toEqual(cnPolicy);
    expect(parsePolicy(structuredClone(cnPolicy))).toEqual(cnPolicy);
  });

  it('is for the CN market in CNY, with a version recorded on every decision', () => {
    expect(cnPolicy).toMatchObject({ market: 'CN', currency: 'CNY', version: expect.stringMatching(/\S/) });
  });

  it('windows: 7-day no-reason return, quality refund 7 / exchange 15, exchange 15, warranty 365, damage report 7, missing part 15', () => {
    expect(cnPolicy.windows).toEqual({
      noReasonReturnDays: 7,
      qualityReturnDays: 7,
      qualityExchangeDays: 15,
      exchangeDays: 15,
      warrantyDays: 365,
      damagedReportDays: 7,
      missingPartReportDays: 15,
    });
  });

  it('the no-reason return excludes custom-made, perishable, opened digital/audio-visual goods and periodicals', () => {
    expect(cnPolicy.noReasonExcludedCategories).toEqual(['custom_made', 'perishable', 'digital_opened', 'audio_visual_opened', 'periodical']);
  });

  it('the platform pays the return shipping of damaged, quality and repair cases (a ¥12 prepaid label)', () => {
    expect(cnPolicy.returnShipping).toEqual({ platformPays: ['damaged', 'quality', 'repair'], prepaidLabelCost: 1200 });
  });

  it('service limits (000 §5): return 7/3, exchange 15/7, repair 20/10 working days', () => {
    expect(cnPolicy.serviceLimits).toEqual({
      return: { standard: 7, expedited: 3 },
      exchange: { standard: 15, expedited: 7 },
      repair: { standard: 20, expedited: 10 },
    });
  });

  it('delay subsidy: ¥5 per working day for days 1-3, ¥8 from day 4, at most ¥50', () => {
    expect(cnPolicy.delaySubsidy).toEqual({
      tiers: [
        { fromDay: 1, perDay: 500 },
        { fromDay: 4, perDay: 800 },
      ],
      cap: 5000,
    });
  });

  it('manual review: payouts above ¥500 need an operator; reminders and escalations by priority band', () => {
    expect(cnPolicy.manualReview).toEqual({
      approvalThreshold: 50000,
      agentLimit: 200000,
      secondApprovalAbove: 500000,
      reminderHours: { high: 1, normal: 4, low: 12 },
      escalationHours: { high: 2, normal: 8, low: 24 },
    });
  });

  it('the customer chooses for damaged (return/exchange/refund, default refund) and lost (reship/refund, default reship), 72 hours', () => {
    expect(cnPolicy.customerChoice).toEqual({
      damaged: { options: ['return', 'exchange', 'refund'], default: 'refund', timeoutHours: 72 },
      lost: { options: ['reship', 'refund'], default: 'reship', timeoutHours: 72 },
    });
  });

  it('VIP exchanges ship ahead of the return, which must come back within 15 days', () => {
    expect(cnPolicy.advanceExchange).toEqual({ tiers: ['vip'], returnDeadlineDays: 15 });
    expect(cnPolicy.carrierMaxChecks).toBe(3);
  });
});

describe('parsePolicy refuses a wrong policy, naming what is wrong', () => {
  it.each<[string, (p: Record<string, any>) => void, RegExp]>([
    ['a negative window', (p) => (p.windows.noReasonReturnDays = -1), /windows\.noReasonReturnDays: too_small/],
    ['a fractional window', (p) => (p.windows.exchangeDays = 7.5), /windows\.exchangeDays/],
    ['a window given as text', (p) => (p.windows.warrantyDays = '365'), /windows\.warrantyDays/],
    ['a missing window', (p) => delete p.windows.damagedReportDays, /windows\.damagedReportDays/],
    ['a negative amount', (p) => (p.delaySubsidy.cap = -1), /delaySubsidy\.cap: too_small/],
    ['a negative threshold', (p) => (p.manualReview.approvalThreshold = -100), /manualReview\.approvalThreshold: too_small/],
    ['a zero reminder', (p) => (p.manualReview.reminderHours.low = 0), /manualReview\.reminderHours\.low: too_small/],
    ['a lower-case currency', (p) => (p.currency = 'cny'), /currency/],
    ['an empty version', (p) => (p.version = ''), /version: too_small/],
    ['a choice with one option', (p) => (p.customerChoice.lost.options = ['reship']), /customerChoice\.lost\.options: too_small/],
    ['a choice of an unknown remedy', (p) => (p.customerChoice.lost.options = ['reship', 'voucher']), /customerChoice\.lost\.options\.1/],
    ['no subsidy tier', (p) => (p.delaySubsidy.tiers = []), /delaySubsidy\.tiers: too_small/],
    ['a subsidy tier from day 0', (p) => (p.delaySubsidy.tiers[0].fromDay = 0), /delaySubsidy\.tiers\.0\.fromDay: too_small/],
    ['a platform-paid return shipping for an unknown case type', (p) => (p.returnShipping.platformPays = ['damaged', 'broken']), /returnShipping\.platformPays\.1/],
    ['zero carrier checks', (p) => (p.carrierMaxChecks = 0), /carrierMaxChecks: too_small/],
  ])('%s', (_name, change, message) => {
    const problem = problemOf(withPart(change));
    expect(problem).toMatch(/^invalid after-sales policy: /);
    expect(problem).toMatch(message);
  });

  it('an unknown key is refused where it is (strict objects at every level)', () => {
    expect(problemOf(withPart((p) => (p.surprise = true)))).toMatch(/^invalid after-sales policy: \(root\): unknown field\(s\) surprise/);
    expect(problemOf(withPart((p) => (p.windows.noReasonReturnDay = 7)))).toMatch(/windows: unknown field\(s\) noReasonReturnDay/);
    expect(problemOf(withPart((p) => (p.manualReview.approvalThreshhold = 1)))).toMatch(/manualReview: unknown field\(s\) approvalThreshhold/);
    expect(problemOf(withPart((p) => (p.customerChoice.damaged.timeout = 72)))).toMatch(/customerChoice\.damaged: unknown field\(s\) timeout/);
  });

  // Regression: the message names the unknown key, so a deployer sees which field is the typo.
  it('an unknown key is named in the message', () => {
    expect(problemOf(withPart((p) => (p.surprise = true)))).toContain('surprise');
    expect(problemOf(withPart((p) => (p.windows.noReasonReturnDay = 7)))).toContain('noReasonReturnDay');
  });

  it('a choice default that is not among its options', () => {
    const problem = problemOf(withPart((p) => (p.customerChoice.damaged = { options: ['return', 'exchange'], default: 'refund', timeoutHours: 72 })));
    expect(problem).toBe('invalid after-sales policy: customerChoice.damaged.default is not one of its options');
  });

  it('subsidy tiers out of order, or two tiers from the same day', () => {
    const swapped = problemOf(withPart((p) => p.delaySubsidy.tiers.reverse()));
    expect(swapped).toContain('delaySubsidy.tiers must be in increasing fromDay order');
    expect(swapped).toContain('delaySubsidy.tiers must start from day 1');
    const same = problemOf(withPart((p) => (p.delaySubsidy.tiers[1].fromDay = 1)));
    expect(same).toBe('invalid after-sales policy: delaySubsidy.tiers must be in increasing fromDay order');
  });

  it('subsidy tiers that do not start from day 1 (days before the first tier would pay nothing)', () => {
    expect(problemOf(withPart((p) => (p.delaySubsidy.tiers = [{ fromDay: 2, perDay: 500 }])))).toBe('invalid after-sales policy: delaySubsidy.tiers must start from day 1');
  });

  it.each(['high', 'normal', 'low'] as const)('a %s escalation not after its reminder (equal or earlier)', (band) => {
    const message = `invalid after-sales policy: manualReview.escalationHours.${band} must come after the reminder`;
    expect(problemOf(withPart((p) => (p.manualReview.escalationHours[band] = p.manualReview.reminderHours[band])))).toBe(message);
    expect(problemOf(withPart((p) => (p.manualReview.escalationHours[band] = p.manualReview.reminderHours[band] / 2)))).toBe(message);
  });

  it('a quality refund window longer than the quality exchange window', () => {
    expect(problemOf(withPart((p) => (p.windows.qualityReturnDays = 16)))).toBe('invalid after-sales policy: windows.qualityReturnDays must not exceed qualityExchangeDays');
  });

  it('lists every problem at once', () => {
    const problem = problemOf(
      withPart((p) => {
        p.manualReview.escalationHours.high = 1;
        p.customerChoice.lost.default = 'return';
        p.windows.qualityReturnDays = 20;
      }),
    );
    expect(problem.split('; ')).toHaveLength(3);
    expect(problem).toContain('customerChoice.lost.default');
    expect(problem).toContain('manualReview.escalationHours.high');
    expect(problem).toContain('windows.qualityReturnDays');
  });

  it('accepts a policy that differs only in its values', () => {
    const other: AftersalesPolicy = {
      ...structuredClone(cnPolicy),
      version: 'test-1',
      market: 'XX',
      currency: 'EUR',
      delaySubsidy: { tiers: [{ fromDay: 1, perDay: 100 }], cap: 100 },
      customerChoice: {},
      advanceExchange: { tiers: [], returnDeadlineDays: 0 },
    };
    expect(parsePolicy(other)).toEqual(other);
  });

  it('refuses what is not a policy at all', () => {
    expect(problemOf(undefined)).toMatch(/^invalid after-sales policy: \(root\)/);
    expect(problemOf({})).toMatch(/version/);
  });
});

describe('loadPolicy', () => {
  it('loads the CN policy by default and by name, validated', () => {
    expect(loadPolicy()).toEqual(cnPolicy);
    expect(loadPolicy('CN')).toEqual(cnPolicy);
  });

  it('an unknown market fails, naming the known markets', () => {
    expect(() => loadPolicy('XX')).toThrow('no after-sales policy for market XX; known: CN');
    expect(() => loadPolicy('cn')).toThrow(/known: CN/);
  });
});
