import { describe, expect, it } from 'vitest';
import { caseProgress, type ProgressFacts } from '../../functions/domain/case-progress.js';

const facts = (f: Partial<ProgressFacts> & Pick<ProgressFacts, 'type' | 'status'>): ProgressFacts => ({ offersChoice: false, ...f });
/** The steps as `step:state`, current step marked with *. */
const line = (f: ProgressFacts) =>
  caseProgress(f)
    .steps.map((s) => (s.state === 'current' ? `*${s.step}` : s.state === 'done' ? `${s.step}✓` : s.step))
    .join(' ');

describe('caseProgress: the steps a customer sees', () => {
  it.each([
    ['a return being reviewed', facts({ type: 'return', status: 'in_review' }), 'received✓ *review return resolution closed', 'wait_review'],
    ['a new case (workflow starting)', facts({ type: 'exchange', status: 'received' }), 'received✓ *review return resolution closed', 'wait_review'],
    ['a damaged claim without photos', facts({ type: 'damaged', status: 'awaiting_evidence', offersChoice: true }), 'received✓ *review choice resolution closed', 'send_photos'],
    [
      'a lost parcel at the carrier',
      facts({ type: 'lost', status: 'checking_carrier', offersChoice: true }),
      'received✓ review✓ *carrier choice resolution closed',
      'wait_carrier',
    ],
    [
      'a lost parcel, remedy to choose',
      facts({ type: 'lost', status: 'awaiting_choice', offersChoice: true }),
      'received✓ review✓ carrier✓ *choice resolution closed',
      'choose_remedy',
    ],
    [
      'a damaged item chosen for exchange, to ship back',
      facts({ type: 'damaged', status: 'awaiting_return', offersChoice: true, choice: { remedy: 'exchange' } }),
      'received✓ review✓ choice✓ *return resolution closed',
      'ship_item',
    ],
    [
      'a damaged item refunded (no return)',
      facts({ type: 'damaged', status: 'compensating', offersChoice: true, choice: { remedy: 'refund' } }),
      'received✓ review✓ choice✓ *resolution closed',
      'wait_compensation',
    ],
    [
      'a return shipped back, on its way',
      facts({ type: 'return', status: 'awaiting_return', returnShipment: { carrier: 'SF', trackingNumber: '1' } }),
      'received✓ review✓ *return resolution closed',
      'wait_return_arrival',
    ],
    [
      'a refund being paid',
      facts({ type: 'return', status: 'compensating', returnReceivedAt: '2026-11-20T00:00:00Z' }),
      'received✓ review✓ return✓ *resolution closed',
      'wait_compensation',
    ],
    ['a late delivery, subsidy confirmed', facts({ type: 'delayed', status: 'resolved' }), 'received✓ review✓ carrier✓ resolution✓ *closed', 'wait_close'],
    ['a missing part, survey sent', facts({ type: 'missing_part', status: 'awaiting_survey' }), 'received✓ review✓ resolution✓ *closed', 'answer_survey'],
    ['a completed return', facts({ type: 'return', status: 'closed', outcome: 'approved' }), 'received✓ review✓ return✓ resolution✓ closed✓', 'none'],
    ['a rejected return (no return or remedy steps)', facts({ type: 'return', status: 'closed', outcome: 'rejected' }), 'received✓ review✓ closed✓', 'none'],
    [
      'a failed step after payment was instructed',
      facts({ type: 'lost', status: 'needs_attention', compensation: { status: 'instructed' } }),
      'received✓ review✓ carrier✓ *resolution closed',
      'wait_team',
    ],
    ['a failed step during review', facts({ type: 'quality', status: 'needs_attention' }), 'received✓ *review return resolution closed', 'wait_team'],
  ])('%s', (_what, f, expected, next) => {
    expect(line(f)).toBe(expected);
    expect(caseProgress(f).next).toBe(next);
  });

  it('exactly one step is current while the case is open, none once closed', () => {
    const open = caseProgress(facts({ type: 'exchange', status: 'awaiting_return' }));
    expect(open.steps.filter((s) => s.state === 'current')).toHaveLength(1);
    const closed = caseProgress(facts({ type: 'exchange', status: 'closed', outcome: 'cancelled' }));
    expect(closed.steps.every((s) => s.state === 'done')).toBe(true);
    expect(closed.outcome).toBe('cancelled');
  });

  it('on hold: the pause and its reason are shown and the next step is the customer’s choice; the current step stays', () => {
    const pause = { since: '2026-11-20T02:00:00Z', reason: 'factory_service', expectedResumeBy: '2026-12-01T02:00:00Z', count: 1 };
    const progress = caseProgress(facts({ type: 'repair', status: 'awaiting_return', returnReceivedAt: '2026-11-19T00:00:00Z', pause }));
    expect(progress.next).toBe('paused');
    expect(progress.pause).toEqual({ since: pause.since, reason: 'factory_service', expectedResumeBy: pause.expectedResumeBy });
    expect(progress.steps.find((s) => s.state === 'current')?.step).toBe('return');
  });

  it('a cancellation on the way is shown before the pause; a closed case shows no pause', () => {
    const pause = { since: '2026-11-20T02:00:00Z', reason: 'awaiting_parts' };
    expect(caseProgress(facts({ type: 'repair', status: 'awaiting_return', cancelRequested: true, pause })).next).toBe('cancelling');
    expect(caseProgress(facts({ type: 'repair', status: 'closed', outcome: 'cancelled', pause })).pause).toBeUndefined();
  });
});
