import { beforeEach, describe, expect, it } from 'vitest';
import type { CaseRecord, WaitKind } from '../../../functions/domain/case-record.js';
import type { IntakeMessage } from '../../../functions/schemas/messages.js';
import { applyIntakeEvent, type IntakeDeps } from '../../../functions/use-cases/apply-intake-event.js';
import { FakeWorkflow, InMemoryCases, InMemorySlots, InMemoryWaits } from '../../fakes/case-table.js';
import { noticeQueue, storedCase, unused } from '../../fakes/deps.js';
import { oneMarket } from '../../markets.js';
import { NOW, otherEvent, type OtherEventType, requestedEvent } from '../fixtures.js';

const CASE = 'AS-0123456789AB';
const at = NOW.toISOString();

let cases: InMemoryCases;
let waits: InMemoryWaits;
let workflow: FakeWorkflow;
let slots: InMemorySlots;
let notices: ReturnType<typeof noticeQueue>;
let opened: string[];
let deps: IntakeDeps;

beforeEach(() => {
  cases = new InMemoryCases();
  waits = new InMemoryWaits();
  workflow = new FakeWorkflow();
  slots = new InMemorySlots();
  notices = noticeQueue();
  opened = [];
  deps = {
    cases,
    waits,
    workflow,
    dedupe: slots,
    markets: oneMarket(),
    notices: notices.queue,
    reports: {
      countOpened: async (caseId) => (opened.includes(caseId) ? 'exists' : (opened.push(caseId), 'counted')),
      countShipment: async () => 'counted',
    },
    sla: unused('sla'),
    alerts: unused('alerts'),
  };
});

const requested = (caseId = CASE, webhookId = 'wh-1'): IntakeMessage => ({ webhookId, caseId, receivedAt: at, event: requestedEvent() as IntakeMessage['event'] });
const other = (type: OtherEventType, data = {}): IntakeMessage => ({
  webhookId: `wh-${type}`,
  caseId: CASE,
  receivedAt: at,
  event: otherEvent(type, data) as IntakeMessage['event'],
});

/** A case whose workflow step waits for `kind` (its token registered, as the await-event step leaves it). */
async function waiting(record: Partial<CaseRecord>, kind: WaitKind): Promise<void> {
  cases.seed(storedCase({ ...record, waitingFor: kind }));
  await waits.registerToken(CASE, kind, `token-${kind}`, at);
  workflow.waiting.add(`token-${kind}`);
}

describe('applyIntakeEvent: a request opens its case once', () => {
  it('creates the case, takes its order slot, counts it and starts its workflow', async () => {
    await applyIntakeEvent(deps, requested(), NOW);
    expect(await cases.get(CASE)).toMatchObject({ status: 'received', market: 'CN', locale: 'zh-CN', type: 'return', version: 1 });
    expect(cases.events(CASE)).toEqual(['case_received']);
    expect(slots.holders.get('ORD-2026-0001234#return')).toBe(CASE);
    expect(opened).toEqual([CASE]);
    expect(workflow.started).toEqual([CASE]);
  });

  it('a redelivery adds nothing: one case, one timeline entry, one count, one execution', async () => {
    await applyIntakeEvent(deps, requested(), NOW);
    await applyIntakeEvent(deps, requested(), NOW);
    expect(cases.events(CASE)).toEqual(['case_received']);
    expect(opened).toEqual([CASE]);
    expect(workflow.started).toEqual([CASE]);
  });

  // Regression: the open was counted only by the call whose create said 'created'; a throttle on a write after the
  // create (here the order's slot) failed the message, and its redelivery, finding the case, never counted it.
  it('a redelivery after a failure between the create and the count still counts the case, once', async () => {
    const claim = slots.claimOpenCase.bind(slots);
    let throttled = false;
    slots.claimOpenCase = async (...args) => {
      if (!throttled) {
        throttled = true;
        throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
      }
      return claim(...args);
    };
    await expect(applyIntakeEvent(deps, requested(), NOW)).rejects.toThrow('Rate exceeded');
    expect(opened).toEqual([]);
    await applyIntakeEvent(deps, requested(), NOW);
    await applyIntakeEvent(deps, requested(), NOW);
    expect(opened).toEqual([CASE]);
    expect(workflow.started).toEqual([CASE]);
  });

  it('CASE-DUPLICATE-1: a replay of a case under way does not take its order slot again', async () => {
    await applyIntakeEvent(deps, requested(), NOW);
    await cases.update(CASE, { status: 'closed', outcome: 'approved' });
    await slots.releaseOpenCase('ORD-2026-0001234', 'return', CASE);
    await applyIntakeEvent(deps, requested(), NOW);
    expect(slots.holders.size).toBe(0);
    expect((await cases.get(CASE))?.status).toBe('closed');
  });

  it('CASE-DUPLICATE-2: a second request for the same order and problem closes as a duplicate of the open case', async () => {
    await applyIntakeEvent(deps, requested(), NOW);
    await applyIntakeEvent(deps, requested('AS-FEDCBA987654', 'wh-2'), NOW);
    expect(await cases.get('AS-FEDCBA987654')).toMatchObject({ status: 'closed', outcome: 'duplicate', closedAt: at });
    expect(cases.timeline('AS-FEDCBA987654').at(-1)).toMatchObject({ event: 'closed_as_duplicate', detail: { duplicateOf: CASE } });
    expect(workflow.started).toEqual([CASE]);
    expect(opened).toEqual([CASE]);
  });
});

describe('applyIntakeEvent: the customer’s choice (CASE-CHOICE-1)', () => {
  it('records an offered choice and resumes the waiting step', async () => {
    await waiting({ type: 'damaged', status: 'awaiting_choice' }, 'remedy_choice');
    await applyIntakeEvent(deps, other('aftersales.remedy_chosen'), NOW);
    expect((await cases.get(CASE))?.choice).toEqual({ remedy: 'refund', refundTo: 'store_balance', by: 'customer', at });
    expect(workflow.resumed).toEqual([{ taskToken: 'token-remedy_choice', output: { signal: 'chosen', remedy: 'refund' } }]);
  });

  it('the first answer wins; a later one is only recorded', async () => {
    await waiting({ type: 'damaged', status: 'awaiting_choice' }, 'remedy_choice');
    await applyIntakeEvent(deps, other('aftersales.remedy_chosen'), NOW);
    await applyIntakeEvent(deps, other('aftersales.remedy_chosen', { remedy: 'exchange', refundTo: undefined }), NOW);
    expect((await cases.get(CASE))?.choice?.remedy).toBe('refund');
    expect(cases.events(CASE)).toEqual(['remedy_chosen', 'choice_not_applied']);
    expect(workflow.resumed).toHaveLength(1);
  });

  it('a remedy the policy does not offer for the case type is not applied', async () => {
    await waiting({ type: 'lost', status: 'awaiting_choice' }, 'remedy_choice');
    await applyIntakeEvent(deps, other('aftersales.remedy_chosen', { remedy: 'exchange', refundTo: undefined }), NOW);
    expect((await cases.get(CASE))?.choice).toBeUndefined();
    expect(cases.timeline(CASE)).toEqual([{ at, actor: 'customer', event: 'choice_not_applied', detail: { remedy: 'exchange', offered: 'reship,refund' } }]);
    expect(workflow.resumed).toEqual([]);
  });
});

describe('applyIntakeEvent: disputes (CASE-DISPUTE-1/2)', () => {
  const rejected = { status: 'closed', outcome: 'rejected', decision: { decision: 'reject', rule: 'window.expired', reasonCode: 'window_expired', at } } as const;

  it('a rejection disputed reopens for an operator in a new execution, and takes the order slot again', async () => {
    cases.seed(storedCase(rejected));
    await applyIntakeEvent(deps, other('aftersales.disputed'), NOW);
    expect(await cases.get(CASE)).toMatchObject({
      status: 'in_review',
      reviewMode: 'manual',
      dispute: { count: 1, lastAt: at },
      decision: { rule: 'window.expired', reasonCode: 'dispute' },
    });
    expect(workflow.started).toEqual([`${CASE}-dispute-1`]);
    expect(slots.holders.get('ORD-2026-0001234#return')).toBe(CASE);
    expect(notices.sent).toEqual([]);
  });

  it('the same dispute delivered twice reopens once', async () => {
    cases.seed(storedCase(rejected));
    await applyIntakeEvent(deps, other('aftersales.disputed'), NOW);
    await applyIntakeEvent(deps, other('aftersales.disputed'), NOW);
    expect((await cases.get(CASE))?.dispute?.count).toBe(1);
    expect(workflow.started).toEqual([`${CASE}-dispute-1`]);
  });

  it('a dispute of a case in progress is recorded and acknowledged once', async () => {
    cases.seed(storedCase({ status: 'in_review' }));
    await applyIntakeEvent(deps, other('aftersales.disputed'), NOW);
    expect(cases.timeline(CASE)[0]).toMatchObject({ event: 'dispute_received', detail: { status: 'in_review' } });
    expect(notices.sent).toEqual([{ caseId: CASE, milestone: 'dispute_received', at }]);
    expect(workflow.started).toEqual([]);
  });
});

describe('applyIntakeEvent: cancellation (CASE-CANCEL-1/2)', () => {
  it('ends a cancellable wait at once', async () => {
    await waiting({ status: 'awaiting_evidence' }, 'evidence');
    await applyIntakeEvent(deps, other('aftersales.cancelled'), NOW);
    expect((await cases.get(CASE))?.cancelRequested).toBe(true);
    expect(workflow.resumed).toEqual([{ taskToken: 'token-evidence', output: { signal: 'cancelled' } }]);
  });

  it('marks a case waiting for its compensation, which runs to its end', async () => {
    await waiting({ status: 'compensating' }, 'compensation');
    await applyIntakeEvent(deps, other('aftersales.cancelled'), NOW);
    expect((await cases.get(CASE))?.cancelRequested).toBe(true);
    expect(workflow.resumed).toEqual([]);
  });

  it('leaves a closed case alone', async () => {
    cases.seed(storedCase({ status: 'closed', outcome: 'approved' }));
    await applyIntakeEvent(deps, other('aftersales.cancelled'), NOW);
    expect(await cases.get(CASE)).not.toHaveProperty('cancelRequested');
    expect(cases.timeline(CASE)).toEqual([]);
  });
});
