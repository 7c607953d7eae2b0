import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSBatchResponse } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaseStore } from '../../functions/adapters/case-store.js';
import { WaitStore } from '../../functions/adapters/wait-store.js';
import { CaseWorkflow } from '../../functions/adapters/workflow.js';
import { signal as deliverSignal } from '../../functions/use-cases/case-signals.js';
import { awaitEventConfig, readConfig, startCaseConfig } from '../../functions/config/functions.js';
import { addWaitForTokenMachine, eventually, lambdaContext, sleep, sqsEvent, startHandlerEnv, TABLE_NAME, type HandlerEnv, taskTokenRegistered } from './env.js';
import { seedCase, unique } from './fixtures.js';

type AwaitHandler = typeof import('../../functions/handlers/await-event.js')['handler'];
type StartCaseHandler = typeof import('../../functions/handlers/start-case.js')['handler'];

const STATE_MACHINE_ARN = 'arn:aws:states:us-east-1:000000000000:stateMachine:CaseWorkflow';
let env: HandlerEnv;
let awaitEvent: AwaitHandler;
let startCase: StartCaseHandler;
let waits: WaitStore;
let cases: CaseStore;
type Kind = 'return' | 'evidence' | 'manual_review' | 'remedy_choice' | 'compensation' | 'survey';
const machines: Record<Kind, string> = { return: '', evidence: '', manual_review: '', remedy_choice: '', compensation: '', survey: '' };
/** The review targets the ManualReview states pass (from $.facts.timings): remind after 1 h, escalate after 2 h. */
const REVIEW_TARGETS = { reminderSeconds: 3600, escalationSeconds: 7200 };
const invocations: Array<{ payload: Record<string, unknown>; result?: unknown; error?: unknown }> = [];

/** The workflow's waiting step: the state machine calls the real await-event handler with its task token. */
function startWaiting(caseId: string, kind: Kind = 'return') {
  const { executionArn } = env.sfn!.service.startExecution({ stateMachineArn: machines[kind], name: `${caseId}-${randomUUID().slice(0, 8)}`, input: JSON.stringify({ caseId }) });
  return executionArn!;
}

const waitItem = async (caseId: string, kind = 'return') =>
  (await env.db.send(new GetCommand({ TableName: TABLE_NAME, Key: { pk: `CASE#${caseId}`, sk: `WAIT#${kind}` }, ConsistentRead: true }))).Item;

const tokenRegistered = (caseId: string, kind = 'return') => taskTokenRegistered(env, caseId, kind);

/** An order-platform event as the intake queue delivers it to start-case. */
function intake(caseId: string, type: string, data: Record<string, unknown>) {
  return { body: { webhookId: unique('msg'), caseId, receivedAt: new Date().toISOString(), event: { type, timestamp: new Date().toISOString(), data } }, messageId: randomUUID() };
}
const deliver = (...records: Array<ReturnType<typeof intake>>) => startCase(sqsEvent('aftersales-intake', records), lambdaContext('StartCase')) as Promise<SQSBatchResponse>;

const outputOf = async (executionArn: string) => {
  const done = await env.sfn!.service.waitForExecution(executionArn, 5000);
  expect(done.status).toBe('SUCCEEDED');
  return JSON.parse(done.output!) as Record<string, unknown>;
};

/** How many times the waiting task was resumed (TaskSucceeded events in the execution's history). */
const resumes = (executionArn: string) => env.sfn!.service.getExecutionHistory({ executionArn }).events!.filter((e) => e.type === 'TaskSucceeded').length;

beforeAll(async () => {
  // start-case's own handler reads the environment when imported, and its schema requires STATE_MACHINE_ARN.
  env = await startHandlerEnv({ sfn: true, env: { STATE_MACHINE_ARN } });
  waits = new WaitStore(env.db, TABLE_NAME);
  cases = new CaseStore(env.db, TABLE_NAME);
  // Both built from explicit configurations (the test table; start-case's workflow ARN, which no execution uses here).
  awaitEvent = (await import('../../functions/handlers/await-event.js')).createHandler(readConfig(awaitEventConfig, { TABLE_NAME }));
  startCase = (await import('../../functions/handlers/start-case.js')).createHandler(readConfig(startCaseConfig, { TABLE_NAME, STATE_MACHINE_ARN }));
  for (const kind of ['return', 'evidence', 'manual_review', 'remedy_choice', 'compensation', 'survey'] as const) {
    const extra = kind === 'manual_review' ? { review: REVIEW_TARGETS } : {};
    machines[kind] = addWaitForTokenMachine(env.sfn!.service, `Await${kind}`, { 'caseId.$': '$.caseId', kind, 'taskToken.$': '$$.Task.Token', ...extra }, async (payload) => {
      const entry: (typeof invocations)[number] = { payload };
      invocations.push(entry);
      try {
        entry.result = await awaitEvent(payload);
        return entry.result;
      } catch (error) {
        entry.error = error;
        throw error;
      }
    });
  }
});

afterAll(async () => {
  await env?.close();
});

describe('await-event / wait-store race', () => {
  it('token first, signal second: the return.received event resumes the waiting step once', async () => {
    const { caseId, record } = await seedCase(env.db, { record: { status: 'received' } });
    const executionArn = startWaiting(caseId);
    await tokenRegistered(caseId);
    expect(await cases.get(caseId)).toMatchObject({ status: 'awaiting_return', waitingFor: 'return' });
    expect(env.sfn!.service.describeExecution({ executionArn }).status).toBe('RUNNING');

    const receivedAt = new Date().toISOString();
    const arrival = intake(caseId, 'return.received', { requestId: record.requestId, receivedAt });
    expect(await deliver(arrival)).toEqual({ batchItemFailures: [] });
    expect(await outputOf(executionArn)).toEqual({ signal: 'return_received', receivedAt });
    expect(resumes(executionArn)).toBe(1);
    expect(await cases.get(caseId)).toMatchObject({ returnReceivedAt: receivedAt, dueAt: expect.any(String) });

    // The same event redelivered finds no waiting token: nothing is resumed twice, nothing fails.
    expect(await deliver(arrival)).toEqual({ batchItemFailures: [] });
    expect(resumes(executionArn)).toBe(1);
  });

  it('signal first, token second: registering the token resumes the step at once with the waiting signal', async () => {
    const { caseId } = await seedCase(env.db);
    const signal = { signal: 'evidence_added' };
    expect(await waits.recordSignal(caseId, 'evidence', signal)).toBeUndefined();

    const executionArn = startWaiting(caseId, 'evidence');
    expect(await outputOf(executionArn)).toEqual(signal);
    expect(resumes(executionArn)).toBe(1);
    const wait = await waitItem(caseId, 'evidence');
    expect(wait?.taskToken).toBeUndefined();
    expect(wait?.pendingSignal).toBeUndefined();
    expect(invocations.find((i) => i.payload.caseId === caseId)?.result).toEqual({ registered: 'evidence' });
  });

  it('signal first through start-case: an arrival recorded before the step waits is not lost', async () => {
    const { caseId, record } = await seedCase(env.db);
    const receivedAt = new Date().toISOString();
    expect(await deliver(intake(caseId, 'return.received', { requestId: record.requestId, receivedAt }))).toEqual({ batchItemFailures: [] });
    const executionArn = startWaiting(caseId);
    expect(await outputOf(executionArn)).toEqual({ signal: 'return_received', receivedAt });
  });

  it('a rerun after the signal was consumed resumes from the case itself (returnReceivedAt)', async () => {
    const receivedAt = new Date(Date.now() - 3_600_000).toISOString();
    const { caseId } = await seedCase(env.db, { record: { returnReceivedAt: receivedAt } });
    const executionArn = startWaiting(caseId);
    expect(await outputOf(executionArn)).toEqual({ signal: 'return_received', receivedAt });
  });

  it('a case with cancelRequested is resumed at once with {signal: cancelled}', async () => {
    const { caseId } = await seedCase(env.db, { record: { cancelRequested: true } });
    const executionArn = startWaiting(caseId);
    expect(await outputOf(executionArn)).toEqual({ signal: 'cancelled' });
    expect(resumes(executionArn)).toBe(1);
  });

  it('a cancellation while the step waits resumes it with {signal: cancelled}', async () => {
    const { caseId, record } = await seedCase(env.db);
    const executionArn = startWaiting(caseId);
    await tokenRegistered(caseId);
    expect(await deliver(intake(caseId, 'aftersales.cancelled', { requestId: record.requestId, reason: 'changed my mind' }))).toEqual({ batchItemFailures: [] });
    expect(await outputOf(executionArn)).toEqual({ signal: 'cancelled' });
    expect(await cases.get(caseId)).toMatchObject({ cancelRequested: true });
  });

  it('signal and registration racing each other resume the step exactly once, every time', async () => {
    for (let round = 0; round < 6; round += 1) {
      const { caseId } = await seedCase(env.db);
      const signal = { signal: 'return_received', receivedAt: new Date().toISOString() };
      const executionArn = startWaiting(caseId);
      // Let the step start in some rounds, race it head-on in others.
      if (round % 2 === 1) await sleep(round);
      await deliverSignal({ waits, workflow: new CaseWorkflow(env.sfn!.client, undefined) }, caseId, 'return', signal);
      expect(await outputOf(executionArn)).toEqual(signal);
      expect(resumes(executionArn)).toBe(1);
    }
  });

  it('a token that is no longer live (timed out) is not an error for the step', async () => {
    const { caseId } = await seedCase(env.db, { record: { cancelRequested: true } });
    const deadToken = `AQ${'x'.repeat(60)}`;
    await expect(awaitEvent({ caseId, kind: 'return', taskToken: deadToken })).resolves.toEqual({ registered: 'return' });
  });

  it('refuses input without a task token or with an unknown kind', async () => {
    const { caseId } = await seedCase(env.db);
    await expect(awaitEvent({ caseId, kind: 'return' })).rejects.toMatchObject({ name: expect.stringMatching(/ZodError$/) });
    await expect(awaitEvent({ caseId, kind: 'payment', taskToken: 'AQx' })).rejects.toMatchObject({ name: expect.stringMatching(/ZodError$/) });
  });
});

describe('await-event: the survey, waiting on after its reminder (SurveyReminded)', () => {
  it('parks the token as kind survey with the case awaiting_survey; the answer resumes it', async () => {
    const { caseId } = await seedCase(env.db, { record: { status: 'awaiting_survey', waitingFor: 'survey' } });
    const executionArn = startWaiting(caseId, 'survey');
    await tokenRegistered(caseId, 'survey');
    expect(await cases.get(caseId)).toMatchObject({ status: 'awaiting_survey', waitingFor: 'survey' });
    await deliverSignal({ waits, workflow: new CaseWorkflow(env.sfn!.client, undefined) }, caseId, 'survey', { signal: 'answered', rating: 4 });
    expect(await outputOf(executionArn)).toEqual({ signal: 'answered', rating: 4 });
  });

  it('an answer that came between the two waits (recorded on the case) resumes the reminded wait at once', async () => {
    const { caseId } = await seedCase(env.db, { record: { status: 'awaiting_survey', survey: { rating: 2, answeredAt: new Date().toISOString() } } });
    expect(await outputOf(startWaiting(caseId, 'survey'))).toEqual({ signal: 'answered', rating: 2 });
  });
});

describe('await-event: the waits of manual review, remedy choice and compensation', () => {
  const stillWaiting = async (executionArn: string) => {
    await sleep(150);
    expect(env.sfn!.service.describeExecution({ executionArn }).status).toBe('RUNNING');
    env.sfn!.service.stopExecution({ executionArn });
  };

  it('manual_review opens the review once: awaiting_review, targets from the step, the reason, on the review list', async () => {
    const { caseId } = await seedCase(env.db, {
      record: {
        status: 'in_review',
        priority: 70,
        decision: { decision: 'manual', rule: 'return.no_delivery_record', reasonCode: 'no_delivery_record', at: new Date().toISOString() },
      },
    });
    const first = startWaiting(caseId, 'manual_review');
    await tokenRegistered(caseId, 'manual_review');
    const opened = await cases.get(caseId);
    expect(opened).toMatchObject({ status: 'awaiting_review', waitingFor: 'manual_review', review: { reasonCode: 'no_delivery_record' } });
    const { openedAt, reminderAt, escalateAt } = opened!.review!;
    expect(Date.parse(reminderAt) - Date.parse(openedAt)).toBe(3_600_000);
    expect(Date.parse(escalateAt) - Date.parse(openedAt)).toBe(7_200_000);
    expect((await cases.listByStatus('awaiting_review', 100)).map((c) => c.caseId)).toContain(caseId);

    // The reminded review registers again: the same review, its targets kept, not opened twice.
    env.sfn!.service.stopExecution({ executionArn: first });
    const again = startWaiting(caseId, 'manual_review');
    await eventually(async () => (invocations.filter((i) => i.payload.caseId === caseId).length === 2 ? true : undefined), 5000, 'the second registration');
    await tokenRegistered(caseId, 'manual_review');
    expect((await cases.get(caseId))!.review).toEqual(opened!.review);
    expect((await cases.view(caseId))!.timeline.filter((e) => e.event === 'review_opened')).toEqual([
      expect.objectContaining({ actor: 'pipeline', detail: { reasonCode: 'no_delivery_record', escalateAt } }),
    ]);
    await stillWaiting(again);
  });

  it('manual_review: a decision already made on this review resumes the step with it (a rerun)', async () => {
    const openedAt = new Date(Date.now() - 60_000).toISOString();
    const { caseId } = await seedCase(env.db, {
      record: {
        status: 'awaiting_review',
        // As decide-case writes it: the round's decision on the review, and the operator's decision beside it.
        review: {
          openedAt,
          reminderAt: openedAt,
          escalateAt: openedAt,
          reasonCode: 'high_value',
          decided: { by: 'jane', role: 'agent', decision: 'reject', at: new Date().toISOString() },
        },
        operatorDecision: { decision: 'reject', reason: 'too late', operator: 'jane', at: new Date().toISOString() },
      },
    });
    expect(await outputOf(startWaiting(caseId, 'manual_review'))).toEqual({ signal: 'reject' });
  });

  it('manual_review: a signal an earlier round left on the wait item does not resume a new round, which waits for its own decision', async () => {
    const openedAt = new Date().toISOString();
    const { caseId } = await seedCase(env.db, {
      record: {
        status: 'awaiting_review',
        review: { openedAt, reminderAt: openedAt, escalateAt: openedAt, reasonCode: 'dispute' },
        operatorDecision: { decision: 'approve', reason: 'first round', amount: 1000, operator: 'jane', at: new Date(Date.now() - 86_400_000).toISOString() },
      },
    });
    // The first round's decision was delivered by a re-registration before signal() recorded it: no token took it.
    expect(await waits.recordSignal(caseId, 'manual_review', { signal: 'approve' })).toBeUndefined();
    await stillWaiting(startWaiting(caseId, 'manual_review'));
  });

  it('manual_review: a decision from an earlier review (before a dispute reopened it) does not count', async () => {
    const openedAt = new Date().toISOString();
    const { caseId } = await seedCase(env.db, {
      record: {
        status: 'awaiting_review',
        review: { openedAt, reminderAt: openedAt, escalateAt: openedAt, reasonCode: 'dispute' },
        operatorDecision: { decision: 'reject', reason: 'first round', operator: 'jane', at: new Date(Date.now() - 86_400_000).toISOString() },
      },
    });
    await stillWaiting(startWaiting(caseId, 'manual_review'));
  });

  it('remedy_choice: awaiting_choice; a choice already on the case resumes the step with it', async () => {
    const waiting = await seedCase(env.db, { type: 'damaged', record: { status: 'in_review' } });
    const executionArn = startWaiting(waiting.caseId, 'remedy_choice');
    await tokenRegistered(waiting.caseId, 'remedy_choice');
    expect(await cases.get(waiting.caseId)).toMatchObject({ status: 'awaiting_choice', waitingFor: 'remedy_choice' });
    await stillWaiting(executionArn);

    const chosen = await seedCase(env.db, { type: 'lost', record: { status: 'in_review', choice: { remedy: 'refund', by: 'customer', at: new Date().toISOString() } } });
    expect(await outputOf(startWaiting(chosen.caseId, 'remedy_choice'))).toEqual({ signal: 'chosen', remedy: 'refund' });
  });

  it('compensation: compensating; a confirmation already on the case resumes the step with it, a failure fails it (CompensationFailed)', async () => {
    const at = new Date().toISOString();
    const compensation = (status: 'instructed' | 'completed' | 'failed') => ({
      instructionId: 'ins_000001',
      kind: 'refund',
      amount: 39900,
      currency: 'CNY',
      idempotencyKey: 'k',
      at,
      status,
    });
    const waiting = await seedCase(env.db, { record: { status: 'compensating', compensation: compensation('instructed') } });
    const executionArn = startWaiting(waiting.caseId, 'compensation');
    await tokenRegistered(waiting.caseId, 'compensation');
    expect(await cases.get(waiting.caseId)).toMatchObject({ status: 'compensating', waitingFor: 'compensation' });
    await stillWaiting(executionArn);

    const confirmed = await seedCase(env.db, { record: { status: 'compensating', compensation: compensation('completed') } });
    expect(await outputOf(startWaiting(confirmed.caseId, 'compensation'))).toEqual({ signal: 'completed' });
    // Contract changed (flow, December 5): the platform's failure ends the step as an error (CASE-SIGNAL-1).
    const failed = await seedCase(env.db, { record: { status: 'compensating', compensation: compensation('failed') } });
    const done = await env.sfn!.service.waitForExecution(startWaiting(failed.caseId, 'compensation'), 5000);
    expect(done).toMatchObject({ status: 'FAILED', error: 'CompensationFailed' });
    expect(await waitItem(failed.caseId, 'compensation')).not.toHaveProperty('taskToken');
  });

  it.each(['manual_review', 'remedy_choice'] as const)('%s is ended by a cancellation', async (kind) => {
    const { caseId } = await seedCase(env.db, { type: 'damaged', record: { status: 'in_review', cancelRequested: true } });
    expect(await outputOf(startWaiting(caseId, kind))).toEqual({ signal: 'cancelled' });
  });

  it('compensation is not ended by a cancellation: once the platform was instructed the case runs to its end', async () => {
    const at = new Date().toISOString();
    const { caseId } = await seedCase(env.db, {
      record: { status: 'compensating', cancelRequested: true, compensation: { instructionId: 'ins_000002', kind: 'refund', idempotencyKey: 'k', at, status: 'instructed' } },
    });
    await stillWaiting(startWaiting(caseId, 'compensation'));
  });
});
