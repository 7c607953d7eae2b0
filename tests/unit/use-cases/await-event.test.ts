import { beforeEach, describe, expect, it } from 'vitest';
import { type AwaitDeps, awaitEvent } from '../../../functions/use-cases/steps/await-event.js';
import { FakeWorkflow, InMemoryCases, InMemoryWaits } from '../../fakes/case-table.js';
import { storedCase } from '../../fakes/deps.js';
import { NOW } from '../fixtures.js';

const CASE = 'AS-0123456789AB';

let cases: InMemoryCases;
let waits: InMemoryWaits;
let workflow: FakeWorkflow;
let deps: AwaitDeps;

beforeEach(() => {
  cases = new InMemoryCases();
  waits = new InMemoryWaits();
  workflow = new FakeWorkflow();
  deps = { cases, waits, workflow };
});

/** The step parks its token; the fake workflow counts it as waiting, as Step Functions does. */
async function park(kind: Parameters<typeof awaitEvent>[2], token = `token-${kind}`) {
  workflow.waiting.add(token);
  await awaitEvent(deps, CASE, kind, token, NOW);
}

describe('awaitEvent against the ports’ fakes', () => {
  it('a wait nothing has answered yet: the case shows it, the token stays parked', async () => {
    cases.seed(storedCase({ status: 'in_review' }));
    await park('evidence');
    expect(await cases.require(CASE)).toMatchObject({ status: 'awaiting_evidence', waitingFor: 'evidence' });
    expect(workflow.resumed).toEqual([]);
    expect(waits.items.get(`${CASE}#evidence`)?.taskToken).toBe('token-evidence');
  });

  it('a re-registration (the survey after its reminder) writes nothing to a case that shows the wait already', async () => {
    cases.seed(storedCase({ status: 'resolved' }));
    await park('survey');
    const { version } = await cases.require(CASE);
    await park('survey', 'token-survey-2');
    expect(await cases.require(CASE)).toMatchObject({ status: 'awaiting_survey', waitingFor: 'survey', version });
    expect(waits.items.get(`${CASE}#survey`)?.taskToken).toBe('token-survey-2');
  });

  it('a signal that came first resumes the step at once, and the wait is consumed', async () => {
    cases.seed(storedCase({ status: 'in_review' }));
    await waits.recordSignal(CASE, 'evidence', { signal: 'evidence_added' });
    await park('evidence');
    expect(workflow.resumed).toEqual([{ taskToken: 'token-evidence', output: { signal: 'evidence_added' } }]);
    expect(waits.items.get(`${CASE}#evidence`)?.taskToken).toBeUndefined();
  });

  it('CASE-CANCEL-1: a cancellation recorded before a cancellable wait ends it at once', async () => {
    cases.seed(storedCase({ status: 'in_review', cancelRequested: true }));
    await park('return');
    expect(workflow.resumed).toEqual([{ taskToken: 'token-return', output: { signal: 'cancelled' } }]);
  });

  it('CASE-CANCEL-1: once money has moved the cancellation does not end the wait', async () => {
    cases.seed(storedCase({ status: 'compensating', cancelRequested: true }));
    await park('compensation');
    expect(workflow.resumed).toEqual([]);
  });

  it('CASE-SIGNAL-1: a confirmation that came first resumes the step; a failure the platform reported fails it as CompensationFailed', async () => {
    cases.seed(storedCase({ status: 'compensating' }));
    await waits.recordSignal(CASE, 'compensation', { signal: 'failed' });
    await park('compensation');
    expect(workflow.resumed).toEqual([]);
    expect(workflow.failed).toEqual([{ taskToken: 'token-compensation', error: 'CompensationFailed', cause: 'The order platform reported the instruction failed.' }]);
    expect(waits.items.get(`${CASE}#compensation`)?.taskToken).toBeUndefined();

    await waits.recordSignal(CASE, 'compensation', { signal: 'completed' });
    await park('compensation', 'token-again');
    expect(workflow.resumed).toEqual([{ taskToken: 'token-again', output: { signal: 'completed' } }]);
  });

  it('an operator review opens on the case with its targets, once', async () => {
    cases.seed(storedCase({ status: 'in_review' }));
    await park('manual_review');
    const review = (await cases.require(CASE)).review;
    expect(review).toEqual({ openedAt: NOW.toISOString(), reminderAt: '2026-11-10T06:00:00.000Z', escalateAt: '2026-11-10T10:00:00.000Z', reasonCode: 'manual' });
    await park('manual_review', 'token-again');
    expect((await cases.require(CASE)).review).toEqual(review);
    expect(cases.events(CASE)).toHaveLength(1);
  });
});
