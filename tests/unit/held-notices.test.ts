import { describe, expect, it } from 'vitest';
import { heldExpired, heldInOrder, releasePlan, type HeldNotice } from '../../functions/domain/held-notices.js';
import { noticeSkip, proactiveFindingOf } from '../../functions/domain/notice-rules.js';

const NIGHT = '2026-12-04T14:30:00.000Z'; // 22:30 in Shanghai, inside 21:00-08:00
const MORNING = new Date('2026-12-05T00:00:00.000Z'); // 08:00
const held = (milestone: string, at: string, extra: Partial<HeldNotice> = {}): HeldNotice => ({ slot: milestone, milestone, at, ...extra });
const later = (minutes: number) => new Date(Date.parse(NIGHT) + minutes * 60_000).toISOString();

describe('held SMS released in the morning', () => {
  it('go out oldest first, whatever order the due index lists them in (it sorts by slot name)', () => {
    const listed = [held('decided', later(5)), held('ship_back', later(6), { dueInSeconds: 7 * 86_400 }), held('received', NIGHT)];
    expect(heldInOrder(listed).map((n) => n.milestone)).toEqual(['received', 'decided', 'ship_back']);
    // Reached in the same instant: the case's progression decides.
    expect(heldInOrder([held('decided', NIGHT), held('received', NIGHT)]).map((n) => n.milestone)).toEqual(['received', 'decided']);
  });

  it('a choice whose deadline passed during the night is dropped as expired, never sent', () => {
    const choice = held('remedy_choice_needed', NIGHT, { dueInSeconds: 3_600 });
    expect(releasePlan([choice], MORNING)).toEqual([{ notice: choice, verdict: { action: 'expired', reason: 'its deadline 2026-12-04T15:30:00.000Z passed while it was held' } }]);
    expect(heldExpired(choice, new Date('2026-12-04T15:29:59.999Z'))).toBeUndefined();
    // Still open in the morning: it goes.
    expect(releasePlan([{ ...choice, dueInSeconds: 3 * 86_400 }], MORNING)[0]!.verdict).toEqual({ action: 'send' });
    // A milestone without a deadline never expires.
    expect(heldExpired(held('received', NIGHT, { dueInSeconds: 1 }), MORNING)).toBeUndefined();
  });

  it('a step replaced by a later milestone held with it is dropped as superseded; the rest go in order', () => {
    const plan = releasePlan(
      [
        held('decided', later(10)),
        held('received', NIGHT),
        held('evidence_needed', later(5), { dueInSeconds: 3 * 86_400 }),
        held('delay_notice#r1', later(1), { milestone: 'delay_notice' }),
        held('delay_notice#r2', later(20), { milestone: 'delay_notice' }),
      ],
      MORNING,
    );
    expect(plan.map(({ notice, verdict }) => [notice.slot, verdict.action])).toEqual([
      ['received', 'superseded'],
      ['delay_notice#r1', 'superseded'],
      ['evidence_needed', 'superseded'],
      ['decided', 'send'],
      ['delay_notice#r2', 'send'],
    ]);
    expect(plan[0]!.verdict).toEqual({ action: 'superseded', reason: 'superseded by evidence_needed, held with it' });
    // An earlier milestone never supersedes a later one.
    expect(releasePlan([held('received', later(5)), held('decided', NIGHT)], MORNING).map((p) => p.verdict.action)).toEqual(['send', 'send']);
  });
});

describe('proactive cases', () => {
  const proactive = { type: 'lost', reason: 'proactive_carrier_lost', origin: 'proactive' as const };

  it('are known by their origin, not by a reason text a platform could send', () => {
    expect(proactiveFindingOf(proactive)).toBe('carrier_lost');
    expect(proactiveFindingOf({ ...proactive, origin: undefined })).toBeUndefined();
    expect(proactiveFindingOf({ type: 'delayed', reason: 'proactive_unknown_rule', origin: 'proactive' })).toBe('late_delivery');
  });

  it('close silently when refuted: the rejection is skipped with a reason; the customer’s own claims and approvals are not', () => {
    expect(noticeSkip('decided', { ...proactive, decision: { decision: 'reject' } })).toEqual({ status: 'skipped', reason: expect.stringMatching(/^proactive_refuted: /) });
    expect(noticeSkip('decided', { ...proactive, outcome: 'rejected' })).toBeDefined();
    expect(noticeSkip('decided', { ...proactive, decision: { decision: 'approve' } })).toBeUndefined();
    expect(noticeSkip('received', { ...proactive, decision: { decision: 'reject' } })).toBeUndefined();
    expect(noticeSkip('decided', { type: 'lost', reason: 'never_arrived', decision: { decision: 'reject' } })).toBeUndefined();
  });

  it('skip a survey reminder once the survey is answered (not while it is open or expired)', () => {
    const facts = { type: 'missing_part', reason: 'missing_part' };
    expect(noticeSkip('survey_reminder', { ...facts, survey: { rating: 4 } })).toEqual({ status: 'skipped', reason: expect.stringMatching(/^survey_answered: /) });
    expect(noticeSkip('survey_reminder', facts)).toBeUndefined();
    expect(noticeSkip('survey_reminder', { ...facts, survey: { expiredAt: '2026-12-05T00:00:00Z' } })).toBeUndefined();
    expect(noticeSkip('survey_invitation', { ...facts, survey: { rating: 4 } })).toBeUndefined();
  });
});
