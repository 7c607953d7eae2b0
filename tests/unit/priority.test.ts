import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CASE_TYPES, CUSTOMER_TIERS } from '../../functions/domain/case.js';
import { priorityOf, type PriorityInput } from '../../functions/domain/priority.js';
import { cnPolicy } from '../../functions/policies/cn.js';
import { timingsFor, type TimingOverrides } from '../../functions/use-cases/steps/classify.js';
import { oneMarket } from '../markets.js';

/** The formula as documented in priority.ts and docs/priority.md. */
const TIER = { standard: 0, silver: 10, gold: 20, vip: 35 } as const;
const TYPE = { lost: 30, damaged: 25, quality: 20, delayed: 15, missing_part: 15, repair: 10, return: 10, exchange: 5 } as const;

const base: PriorityInput = { tier: 'standard', type: 'exchange', expedited: false, orderValue: 0 };

/** The deployment's fixed durations (what the Classify function reads from its environment on AWS). */
const TIMINGS: TimingOverrides = {
  carrierRecheckSeconds: 6 * 3600,
  evidenceWaitSeconds: 7 * 86_400,
  returnWaitSeconds: 30 * 86_400,
  surveyDelaySeconds: 86_400,
  surveyExpirySeconds: 7 * 86_400,
  compensationConfirmSeconds: 3600,
};

describe('priorityOf', () => {
  it.each(Object.entries(TIER))('tier %s adds %d points', (tier, points) => {
    expect(priorityOf({ ...base, tier: tier as PriorityInput['tier'] }).score).toBe(TYPE.exchange + points);
  });

  it.each(Object.entries(TYPE))('type %s adds %d points', (type, points) => {
    expect(priorityOf({ ...base, type: type as PriorityInput['type'] }).score).toBe(points);
  });

  it('expedited handling adds 20 points', () => {
    expect(priorityOf({ ...base, expedited: true }).score - priorityOf(base).score).toBe(20);
  });

  it.each([
    [0, 0],
    [4_999, 0],
    [5_000, 5],
    [19_999, 5],
    [20_000, 10],
    [99_999, 10],
    [100_000, 15],
    [10_000_000, 15],
  ])('an order worth %d minor units adds %d points', (orderValue, points) => {
    expect(priorityOf({ ...base, orderValue }).score).toBe(TYPE.exchange + points);
  });

  it.each([
    // tier, type, expedited, value, score, band
    ['standard', 'exchange', false, 0, 5, 'low'],
    ['gold', 'repair', false, 0, 30, 'low'],
    ['gold', 'delayed', false, 0, 35, 'normal'],
    ['silver', 'damaged', false, 0, 35, 'normal'],
    ['vip', 'quality', false, 0, 55, 'normal'],
    ['vip', 'damaged', false, 0, 60, 'high'],
    ['standard', 'lost', true, 5_000, 55, 'normal'],
    ['standard', 'lost', true, 20_000, 60, 'high'],
    ['vip', 'lost', true, 100_000, 100, 'high'],
  ] as const)('%s %s expedited=%s value=%d → %d (%s)', (tier, type, expedited, orderValue, score, band) => {
    expect(priorityOf({ tier, type, expedited, orderValue })).toEqual({ score, band });
  });

  it('lost and damaged rank above exchange, VIP above standard, expedited above not (docs/domain.md "Priority")', () => {
    const score = (input: Partial<PriorityInput>) => priorityOf({ ...base, ...input }).score;
    expect(score({ type: 'lost' })).toBeGreaterThan(score({ type: 'exchange' }));
    expect(score({ type: 'damaged' })).toBeGreaterThan(score({ type: 'exchange' }));
    expect(score({ tier: 'vip' })).toBeGreaterThan(score({ tier: 'standard' }));
    expect(score({ expedited: true })).toBeGreaterThan(score({ expedited: false }));
  });

  it('follows the formula for every combination and never leaves 0..100; bands at 35 and 60', () => {
    const values = [
      [0, 0],
      [5_000, 5],
      [20_000, 10],
      [100_000, 15],
    ] as const;
    let maximum = 0;
    for (const tier of CUSTOMER_TIERS)
      for (const type of CASE_TYPES)
        for (const expedited of [false, true])
          for (const [orderValue, valuePoints] of values) {
            const expected = Math.min(100, TIER[tier] + TYPE[type] + (expedited ? 20 : 0) + valuePoints);
            const { score, band } = priorityOf({ tier, type, expedited, orderValue });
            expect(score, `${tier}/${type}/${expedited}/${orderValue}`).toBe(expected);
            expect(score).toBeGreaterThanOrEqual(0);
            expect(score).toBeLessThanOrEqual(100);
            expect(band).toBe(score >= 60 ? 'high' : score >= 35 ? 'normal' : 'low');
            maximum = Math.max(maximum, score);
          }
    // With the documented weights the highest sum is exactly the cap.
    expect(maximum).toBe(100);
  });
});

describe('docs/priority.md', () => {
  const doc = readFileSync('docs/priority.md', 'utf8');
  const pointRows = new Map([...doc.matchAll(/^\| `(\w+)` \| (\d+) \|$/gm)].map((m) => [m[1]!, Number(m[2])]));
  const score = (input: Partial<PriorityInput>) => priorityOf({ ...base, type: 'return', ...input }).score;

  it('lists the points of every tier and case type as the code computes them', () => {
    for (const tier of CUSTOMER_TIERS) expect(pointRows.get(tier), tier).toBe(score({ tier }) - score({}));
    for (const type of CASE_TYPES) expect(pointRows.get(type), type).toBe(score({ type }));
    expect(doc).toMatch(/^\| yes \| 20 \|$/m);
    expect(score({ expedited: true }) - score({})).toBe(20);
  });

  it('its value thresholds are the code’s', () => {
    const rows = [...doc.matchAll(/^\| ≥ ([\d ]+) \(¥[\d ,.]+\) \| (\d+) \|$/gm)].map((m) => [Number(m[1]!.replace(/ /g, '')), Number(m[2])] as const);
    expect(rows).toHaveLength(3);
    for (const [threshold, points] of rows) {
      expect(score({ orderValue: threshold }) - score({}), `≥ ${threshold}`).toBe(points);
      expect(score({ orderValue: threshold - 1 }) - score({}), `< ${threshold}`).toBeLessThan(points);
    }
  });

  it('its examples are what priorityOf gives', () => {
    const examples = [...doc.matchAll(/^\| (standard|silver|gold|VIP) customer, (\w+), (not expedited, |expedited, )?¥([\d ,]+) order[^|]*\| [\d +]+= (\d+) \| `(\w+)` \|$/gm)];
    expect(examples).toHaveLength(5);
    for (const [row, tier, type, expedited, yuan, documentedScore, band] of examples) {
      const input: PriorityInput = {
        tier: tier!.toLowerCase() as PriorityInput['tier'],
        type: type as PriorityInput['type'],
        expedited: expedited === 'expedited, ',
        orderValue: Number(yuan!.replace(/[ ,]/g, '')) * 100,
      };
      expect(priorityOf(input), row).toEqual({ score: Number(documentedScore), band });
    }
  });

  it('its response targets are what the Classify step sets', async () => {
    const { classify } = await import('../../functions/use-cases/steps/classify.js');
    const targets = new Map([...doc.matchAll(/^\| `(high|normal|low)` \| (\d+) hours \|$/gm)].map((m) => [m[1]!, Number(m[2])]));
    expect([...targets.keys()].sort()).toEqual(['high', 'low', 'normal']);
    const now = new Date('2026-11-10T02:00:00Z');
    // One case per band; the case store is an in-memory stand-in, classify itself is real.
    const cases: Record<string, Partial<PriorityInput>> = {
      high: { tier: 'vip', type: 'lost' },
      normal: { tier: 'gold', type: 'delayed' },
      low: { tier: 'standard', type: 'exchange' },
    };
    for (const [band, hours] of targets) {
      const c = cases[band]!;
      const updates: Array<Record<string, unknown>> = [];
      const store = {
        require: async () => ({
          caseId: 'AS-0123456789AB',
          tier: c.tier,
          type: c.type,
          expedited: false,
          orderItems: [{ sku: 's', name: 'n', category: 'c', quantity: 1, unitPrice: 1000 }],
          createdAt: now.toISOString(),
          version: 1,
        }),
        update: async (_id: string, patch: Record<string, unknown>) => void updates.push(patch),
        appendTimeline: async () => undefined,
      };
      // The SLA side (targets, clocks) is stood in for too; tests/handlers/sla-monitor.test.ts runs it for real. Where
      // the clock starts at acceptance, the priority is written with it (one write of the case item): collected too.
      const sla = { putTarget: async () => undefined, write: async (_id: string, _version: number, change: { set: Record<string, unknown> }) => (updates.push(change.set), true) };
      const deps = { cases: store as never, sla: sla as never, alerts: { raise: async () => undefined } as never, markets: oneMarket(), overrides: TIMINGS };
      const result = await classify(deps, 'AS-0123456789AB', now);
      expect(result.band).toBe(band);
      expect(updates[0]).toMatchObject({ priorityBand: band, responseDueAt: new Date(now.getTime() + hours * 3_600_000).toISOString() });
    }
  });
});

describe('timingsFor: the durations the workflow reads from $.facts.timings', () => {
  it.each([
    ['high', 1, 2],
    ['normal', 4, 8],
    ['low', 12, 24],
  ] as const)('an operator review of a %s case is reminded after %d h and escalated after %d h (CN policy)', (band, reminderHours, escalationHours) => {
    const timings = timingsFor('return', band, cnPolicy, TIMINGS);
    expect(timings).toMatchObject({
      reviewReminderSeconds: reminderHours * 3600,
      reviewEscalationSeconds: escalationHours * 3600,
      // ManualReviewReminded waits the rest of the way to the escalation target.
      reviewEscalateAfterReminderSeconds: (escalationHours - reminderHours) * 3600,
    });
  });

  it('keeps the deployment durations and adds the choice timeout and the advance-exchange deadline from the policy', () => {
    expect(timingsFor('damaged', 'normal', cnPolicy, TIMINGS)).toEqual({
      ...TIMINGS,
      reviewReminderSeconds: 4 * 3600,
      reviewEscalationSeconds: 8 * 3600,
      reviewEscalateAfterReminderSeconds: 4 * 3600,
      choiceTimeoutSeconds: 72 * 3600,
      advanceReturnDeadlineSeconds: 15 * 86_400,
      carrierOutageWaitSeconds: 1800,
      // Without a reminder time, the reminder goes out half-way through the survey's life.
      surveyReminderSeconds: 3.5 * 86_400,
      surveyExpiryAfterReminderSeconds: 3.5 * 86_400,
    });
  });

  it('the survey reminder splits the survey’s life: the reminded wait lasts the rest of it', () => {
    const timings = timingsFor('return', 'normal', cnPolicy, { ...TIMINGS, surveyReminderSeconds: 3 * 86_400 });
    expect(timings).toMatchObject({ surveyExpirySeconds: 7 * 86_400, surveyReminderSeconds: 3 * 86_400, surveyExpiryAfterReminderSeconds: 4 * 86_400 });
  });

  it.each([
    [10, 20, 10, 10],
    [20, 20, 19, 1],
    [600, 20, 19, 1],
    [0, 20, 1, 19],
    [3, 1, 1, 1],
  ])('a reminder at %d s of a %d s survey waits %d s, then %d s: both waits positive, the total never beyond the expiry', (reminder, expiry, first, rest) => {
    const timings = timingsFor('return', 'normal', cnPolicy, { ...TIMINGS, surveyReminderSeconds: reminder, surveyExpirySeconds: expiry });
    expect([timings.surveyReminderSeconds, timings.surveyExpiryAfterReminderSeconds]).toEqual([first, rest]);
    expect(timings.surveyReminderSeconds + timings.surveyExpiryAfterReminderSeconds).toBe(Math.max(2, expiry));
  });

  it('a carrier outage is looked at again after 30 minutes unless the deployment says otherwise', () => {
    expect(timingsFor('lost', 'normal', cnPolicy, TIMINGS).carrierOutageWaitSeconds).toBe(1800);
    expect(timingsFor('lost', 'normal', cnPolicy, { ...TIMINGS, carrierOutageWaitSeconds: 2 }).carrierOutageWaitSeconds).toBe(2);
  });

  it('deployment overrides win over the policy (the local runtime runs in seconds)', () => {
    const timings = timingsFor('lost', 'high', cnPolicy, {
      ...TIMINGS,
      reviewReminderSeconds: 3,
      reviewEscalationSeconds: 7,
      choiceTimeoutSeconds: 5,
      advanceReturnDeadlineSeconds: 9,
    });
    expect(timings).toMatchObject({
      reviewReminderSeconds: 3,
      reviewEscalationSeconds: 7,
      reviewEscalateAfterReminderSeconds: 4,
      choiceTimeoutSeconds: 5,
      advanceReturnDeadlineSeconds: 9,
    });
  });

  it('the escalation always comes after the reminder, so the reminded review waits a positive time', () => {
    const timings = timingsFor('return', 'normal', cnPolicy, { ...TIMINGS, reviewReminderSeconds: 10, reviewEscalationSeconds: 10 });
    expect(timings.reviewEscalationSeconds).toBe(11);
    expect(timings.reviewEscalateAfterReminderSeconds).toBe(1);
  });
});
