import { beforeEach, describe, expect, it } from 'vitest';
import type { CaseRecord, WaitKind, WaitSignal } from '../../../functions/domain/case-record.js';
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

/** The workflow's next step after a resume, as the review leaves the case (status in_review, waiting for nothing). */
function goesOnWhenResumed(): void {
  const resume = workflow.resume.bind(workflow);
  workflow.resume = async (taskToken, output) => {
    const outcome = await resume(taskToken, output);
    if (outcome === 'resumed') await cases.update(CASE, { status: 'in_review', waitingFor: '' });
    return outcome;
  };
}

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

/**
 * The ingest queues an event before it records the delivery (one write, issue 13), so a crash between the two, or two
 * deliveries of one webhook-id at the same instant, queue it twice (as before, and as SQS may deliver it twice). The
 * second application must change nothing the customer, the workflow or the money sees: the case's fields, the signals
 * its workflow got, the executions started, the order slots, the counts, and which notices go out (the notifier sends
 * each milestone once per case: its notice slot). What it may add is a timeline entry saying it was received again.
 */
describe('applyIntakeEvent: an intake message applied twice changes nothing more than once', () => {
  const rejected = { status: 'closed', outcome: 'rejected', decision: { decision: 'reject', rule: 'window.expired', reasonCode: 'window_expired', at } } as const;
  const compensation = { instructionId: 'ins_000042', kind: 'refund', amount: 39900, currency: 'CNY', idempotencyKey: 'k-1', at, status: 'instructed' } as const;
  // [event, set-up, message, the timeline entry the replay adds (recorded only: the case is unchanged), the notice
  // messages the replay queues, the signal the replay leaves on a WAIT# item]
  type Scenario = [string, () => Promise<void>, () => IntakeMessage, string[], string[]?, [WaitKind, WaitSignal]?];
  const scenarios: Scenario[] = [
    ['aftersales.requested', async () => {}, () => requested(), []],
    // The workflow goes on once resumed: its review clears waitingFor (functions/use-cases/steps/review.ts).
    ['aftersales.evidence_added', () => waiting({ status: 'awaiting_evidence' }, 'evidence').then(goesOnWhenResumed), () => other('aftersales.evidence_added'), []],
    // The replay finds the wait ended already: the request is noted again, and its `cancelled` is left on the WAIT#
    // item. Harmless: the case's cancelRequested, never cleared, ends every later cancellable wait the same way at once
    // (awaitEvent), and no other kind is ever signalled `cancelled`.
    [
      'aftersales.cancelled',
      () => waiting({ status: 'awaiting_evidence' }, 'evidence'),
      () => other('aftersales.cancelled'),
      ['cancellation_requested'],
      [],
      ['evidence', { signal: 'cancelled' }],
    ],
    // The replay finds a choice made: recorded as not applied (the first answer wins).
    ['aftersales.remedy_chosen', () => waiting({ type: 'damaged', status: 'awaiting_choice' }, 'remedy_choice'), () => other('aftersales.remedy_chosen'), ['choice_not_applied']],
    // The replay finds the case reopened, in review: recorded for the operator, acknowledged no more.
    ['aftersales.disputed (a rejection)', async () => cases.seed(storedCase(rejected)), () => other('aftersales.disputed'), ['dispute_received']],
    // Acknowledged again: a dispute of a case in progress leaves no mark on the case but its timeline, so the second
    // message is queued, and the notifier's slot (`dispute_received`, once per case) drops it: proven in
    // tests/handlers/notifier-wording.test.ts ("of a case not reopened (still in progress) is acknowledged once").
    [
      'aftersales.disputed (in progress)',
      async () => cases.seed(storedCase({ status: 'in_review' })),
      () => other('aftersales.disputed'),
      ['dispute_received'],
      ['dispute_received'],
    ],
    ['return.shipped', async () => cases.seed(storedCase({ status: 'awaiting_return', waitingFor: 'return' })), () => other('return.shipped'), ['return_shipped']],
    ['compensation.completed', () => waiting({ status: 'compensating', compensation }, 'compensation'), () => other('compensation.completed'), []],
  ];

  /** What the second application must not change (the version and updatedAt of a write that changed nothing aside). */
  const observed = async () => {
    const { version: _version, updatedAt: _updatedAt, ...record } = (await cases.get(CASE))!;
    return {
      record,
      resumed: structuredClone(workflow.resumed),
      started: [...workflow.started],
      slots: [...slots.holders],
      opened: [...opened],
      // The WAIT# items: a signal a replay leaves there would resume the case's next wait of its kind at once.
      waits: structuredClone([...waits.items]),
    };
  };

  it.each(scenarios)('%s', async (_name, setUp, message, replayAdds, replayQueues = [], replayLeaves) => {
    await setUp();
    await applyIntakeEvent(deps, message(), NOW);
    const [once, timeline, queued] = [await observed(), cases.events(CASE), notices.sent.map((n) => n.milestone)];
    await applyIntakeEvent(deps, message(), new Date(NOW.getTime() + 1_000));
    if (replayLeaves) {
      const [kind, left] = replayLeaves;
      once.waits = once.waits.map(([key, item]) => [key, key === `${CASE}#${kind}` ? { ...item, pendingSignal: left } : item]);
    }
    expect(await observed()).toEqual(once);
    expect(cases.events(CASE)).toEqual([...timeline, ...replayAdds]);
    expect(notices.sent.map((n) => n.milestone)).toEqual([...queued, ...replayQueues]);
  });
});

/**
 * A signal is left on the WAIT# item for a step not waiting yet (the early-signal path), never by an event the case
 * shows applied already: the next wait of that kind would take it and go on at once.
 */
describe('applyIntakeEvent: a replay leaves no signal for the next wait', () => {
  const instructed = { instructionId: 'ins_000042', kind: 'refund', amount: 39900, currency: 'CNY', idempotencyKey: 'k-1', at, status: 'instructed' } as const;
  const later = new Date(NOW.getTime() + 1_000);

  it('a compensation confirmed twice: the next compensation wait (another instruction) still waits', async () => {
    await waiting({ status: 'compensating', compensation: instructed }, 'compensation');
    await applyIntakeEvent(deps, other('compensation.completed'), NOW);
    await applyIntakeEvent(deps, other('compensation.completed'), later);
    // The advance exchange's final compensation is instructed and its step waits.
    await cases.update(CASE, { status: 'compensating', compensation: { ...instructed, instructionId: 'ins_000043', idempotencyKey: 'k-2' } });
    expect(await waits.registerToken(CASE, 'compensation', 'token-final', at)).toBeUndefined();
    expect(workflow.resumed).toHaveLength(1);
  });

  it('a confirmation after the step’s own check settled the instruction leaves no signal either', async () => {
    await waiting({ status: 'resolved', compensation: { ...instructed, status: 'completed', completedAt: at } }, 'compensation');
    workflow.waiting.clear();
    await waits.consume(CASE, 'compensation', 'token-compensation');
    await applyIntakeEvent(deps, other('compensation.completed'), NOW);
    expect(waits.items.get(`${CASE}#compensation`)?.pendingSignal).toBeUndefined();
    expect(cases.events(CASE)).toEqual([]);
  });

  it('evidence delivered twice: the next evidence wait still waits', async () => {
    await waiting({ status: 'awaiting_evidence' }, 'evidence');
    goesOnWhenResumed();
    await applyIntakeEvent(deps, other('aftersales.evidence_added'), NOW);
    await applyIntakeEvent(deps, other('aftersales.evidence_added'), later);
    expect(await waits.registerToken(CASE, 'evidence', 'token-again', at)).toBeUndefined();
    expect(workflow.resumed).toEqual([{ taskToken: 'token-evidence', output: { signal: 'evidence_added' } }]);
  });

  it('evidence stored but never signalled (the first application stopped in between): the replay resumes the wait', async () => {
    await waiting({ status: 'awaiting_evidence', evidence: [{ kind: 'photo', url: 'https://cdn.example.com/evidence/box-corner.jpg' }] }, 'evidence');
    await applyIntakeEvent(deps, other('aftersales.evidence_added'), NOW);
    expect(workflow.resumed).toEqual([{ taskToken: 'token-evidence', output: { signal: 'evidence_added' } }]);
    expect(waits.items.get(`${CASE}#evidence`)?.pendingSignal).toBeUndefined();
  });

  it.each([
    ['compensation', () => other('compensation.completed'), { status: 'compensating', compensation: instructed }, { signal: 'completed' }],
    ['evidence', () => other('aftersales.evidence_added'), { status: 'in_review' }, { signal: 'evidence_added' }],
  ] as const)('a first %s signal before its step waits is kept for that step (the early signal)', async (kind, message, record, expected) => {
    cases.seed(storedCase(record));
    await applyIntakeEvent(deps, message(), NOW);
    expect(await waits.registerToken(CASE, kind, `token-${kind}`, at)).toEqual(expected);
  });

  it.each([
    [
      'compensation',
      () => other('compensation.completed'),
      { status: 'compensating', compensation: { ...instructed, status: 'completed', completedAt: at } },
      { signal: 'completed' },
    ],
    [
      'evidence',
      () => other('aftersales.evidence_added'),
      { status: 'awaiting_evidence', evidence: [{ kind: 'photo', url: 'https://cdn.example.com/evidence/box-corner.jpg' }] as CaseRecord['evidence'] },
      { signal: 'evidence_added' },
    ],
  ] as const)('a replay hands on a %s signal the first application recorded next to the token but did not deliver', async (kind, message, record, expected) => {
    await waiting(record, kind);
    await waits.recordSignal(CASE, kind, expected);
    await applyIntakeEvent(deps, message(), NOW);
    expect(workflow.resumed).toEqual([{ taskToken: `token-${kind}`, output: expected }]);
    expect(waits.items.get(`${CASE}#${kind}`)?.pendingSignal).toBeUndefined();
  });
});
