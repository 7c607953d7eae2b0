import { describe, expect, it } from 'vitest';
import type { CaseStatus } from '../../functions/domain/case.js';
import type { CaseRecord, WaitKind } from '../../functions/domain/case-record.js';
import { CANCELLABLE, cancellationOf, choiceApplies, disputeStep, duplicateClosing, offeredChoices, replayChangesNothing } from '../../functions/domain/case-rules.js';
import { slaIndexPlace, type ServiceSla } from '../../functions/domain/sla.js';
import { cnPolicy } from '../../functions/policies/cn.js';

const AT = '2026-11-12T03:00:00.000Z';
const rejected = { decision: 'reject', rule: 'window.expired', reasonCode: 'window_expired', at: '2026-11-11T00:00:00.000Z' };

describe('CASE-CANCEL: what a withdrawal does', () => {
  it('a closed case has nothing left to withdraw', () => {
    expect(cancellationOf({ status: 'closed', waitingFor: 'evidence' })).toEqual({ apply: false });
  });

  it.each([
    ['evidence', true],
    ['return', true],
    ['manual_review', true],
    ['remedy_choice', true],
    ['compensation', false],
    ['survey', false],
  ] as Array<[WaitKind, boolean]>)('waiting for %s: the wait ends at once = %s', (kind, ends) => {
    expect(CANCELLABLE.has(kind)).toBe(ends);
    expect(cancellationOf({ status: 'awaiting_evidence', waitingFor: kind })).toEqual(ends ? { apply: true, endsWait: kind } : { apply: true });
  });

  it('a case not waiting is only marked: the next step checks the flag', () => {
    expect(cancellationOf({ status: 'in_review' })).toEqual({ apply: true });
  });
});

describe('CASE-CHOICE-1: a remedy choice applies once, while it matters', () => {
  const open: Pick<CaseRecord, 'choice' | 'compensation' | 'status'> = { status: 'awaiting_choice' };

  it('offers what the market policy lists for the case type, nothing for others', () => {
    expect(offeredChoices(cnPolicy, { type: 'damaged' })).toEqual(cnPolicy.customerChoice.damaged?.options);
    expect(offeredChoices({ customerChoice: {} }, { type: 'damaged' })).toEqual([]);
  });

  it('applies an offered choice on an open case with none recorded', () => {
    expect(choiceApplies(open, ['exchange', 'refund'], 'refund')).toBe(true);
  });

  it('refuses a remedy not offered', () => {
    expect(choiceApplies(open, ['exchange', 'refund'], 'reship')).toBe(false);
  });

  it('the first answer wins', () => {
    expect(choiceApplies({ ...open, choice: { remedy: 'exchange', by: 'customer', at: AT } }, ['exchange', 'refund'], 'refund')).toBe(false);
  });

  it('too late once compensation was instructed or the case closed', () => {
    const compensation = { instructionId: 'i-1', kind: 'refund', idempotencyKey: 'k', at: AT };
    expect(choiceApplies({ ...open, compensation }, ['exchange', 'refund'], 'refund')).toBe(false);
    expect(choiceApplies({ status: 'closed' }, ['exchange', 'refund'], 'refund')).toBe(false);
  });
});

describe('CASE-DISPUTE: reopen a rejection, record anything else', () => {
  it('CASE-DISPUTE-1: a case closed as rejected reopens for an operator in round 1, keeping the contested rule', () => {
    expect(disputeStep({ status: 'closed', outcome: 'rejected', decision: rejected }, AT)).toEqual({
      kind: 'reopen',
      round: 1,
      patch: { status: 'in_review', reviewMode: 'manual', dispute: { count: 1, lastAt: AT }, decision: { ...rejected, reasonCode: 'dispute', at: AT } },
      onlyIfStatusIn: ['closed'],
    });
  });

  it('CASE-DISPUTE-1: a second rejection disputed is round 2; a case without a stored decision names the rule unknown', () => {
    const step = disputeStep({ status: 'closed', outcome: 'rejected', dispute: { count: 1, lastAt: AT } }, AT);
    expect(step).toMatchObject({ kind: 'reopen', round: 2, patch: { dispute: { count: 2 }, decision: { decision: 'reject', rule: 'unknown', reasonCode: 'dispute' } } });
  });

  it.each([
    ['in_review', undefined],
    ['closed', 'approved'],
    ['closed', 'cancelled'],
  ] as Array<[CaseStatus, CaseRecord['outcome']]>)('CASE-DISPUTE-2: %s/%s is recorded and acknowledged once', (status, outcome) => {
    expect(disputeStep({ status, outcome }, AT)).toEqual({ kind: 'record', acknowledge: true });
    expect(disputeStep({ status, outcome, dispute: { count: 1, lastAt: AT } }, AT)).toEqual({ kind: 'record', acknowledge: false });
  });
});

describe('CASE-DUPLICATE: one open case per order and type', () => {
  it('CASE-DUPLICATE-1: a replay changes nothing once the case is under way; a new case or one still received goes on', () => {
    expect(replayChangesNothing('exists', 'in_review')).toBe(true);
    expect(replayChangesNothing('exists', 'closed')).toBe(true);
    expect(replayChangesNothing('exists', 'received')).toBe(false);
    expect(replayChangesNothing('created', 'received')).toBe(false);
  });

  it('CASE-DUPLICATE-2: the slot held by another case closes this one as its duplicate, only while received', () => {
    expect(duplicateClosing('c-2', 'c-1', AT)).toEqual({
      patch: { status: 'closed', outcome: 'duplicate', closedAt: AT },
      onlyIfStatusIn: ['received'],
      timeline: { at: AT, actor: 'pipeline', event: 'closed_as_duplicate', detail: { duplicateOf: 'c-1' } },
    });
  });

  it('CASE-DUPLICATE-2: its own slot is no duplicate', () => {
    expect(duplicateClosing('c-1', 'c-1', AT)).toBeUndefined();
  });
});

describe('SLA-INDEX-1: a clock’s place in the due index', () => {
  const clock = (over: Partial<ServiceSla>): ServiceSla =>
    ({ service: 'return', startsAt: 'arrival', startedAt: '2026-11-10T00:00:00.000Z', expedited: false, workingDays: 7, state: 'running', ...over }) as ServiceSla;
  const due = '2026-11-19T15:59:59.999Z';

  it('no clock, or one met or stopped: nowhere', () => {
    expect(slaIndexPlace(undefined, undefined)).toBeUndefined();
    expect(slaIndexPlace(clock({ state: 'met', dueAt: due }), undefined)).toBeUndefined();
    expect(slaIndexPlace(clock({ state: 'stopped', dueAt: due }), { since: AT })).toBeUndefined();
  });

  it('paused: on the paused list by the pause’s start, whatever its state', () => {
    expect(slaIndexPlace(clock({ state: 'breached', dueAt: due }), { since: AT })).toEqual({ state: 'paused', at: AT });
  });

  it('unknown: by its start', () => {
    expect(slaIndexPlace(clock({ state: 'unknown' }), undefined)).toEqual({ state: 'unknown', at: '2026-11-10T00:00:00.000Z' });
  });

  it.each(['running', 'due_soon', 'breached'] as const)('%s: in its own partition by due time', (state) => {
    expect(slaIndexPlace(clock({ state, dueAt: due }), undefined)).toEqual({ state, at: due });
  });

  it('a running clock without a due time is not listed', () => {
    expect(slaIndexPlace(clock({ state: 'running' }), undefined)).toBeUndefined();
  });
});
