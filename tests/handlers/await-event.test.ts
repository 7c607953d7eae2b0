import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSBatchResponse } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaseStore } from '../../functions/adapters/case-store.js';
import { WaitStore } from '../../functions/adapters/wait-store.js';
import { CaseWorkflow } from '../../functions/adapters/workflow.js';
import { signal as deliverSignal } from '../../functions/use-cases/apply-intake-event.js';
import { addWaitForTokenMachine, eventually, importFresh, lambdaContext, sleep, sqsEvent, startHandlerEnv, TABLE_NAME, type HandlerEnv } from './env.js';
import { seedCase, unique } from './fixtures.js';

type AwaitHandler = (typeof import('../../functions/handlers/await-event.js'))['handler'];
type StartCaseHandler = (typeof import('../../functions/handlers/start-case.js'))['handler'];

let env: HandlerEnv;
let awaitEvent: AwaitHandler;
let startCase: StartCaseHandler;
let waits: WaitStore;
let cases: CaseStore;
const machines: Record<'return' | 'evidence', string> = { return: '', evidence: '' };
const invocations: Array<{ payload: Record<string, unknown>; result?: unknown; error?: unknown }> = [];

/** The workflow's waiting step: the state machine calls the real await-event handler with its task token. */
function startWaiting(caseId: string, kind: 'return' | 'evidence' = 'return') {
  const { executionArn } = env.sfn!.service.startExecution({ stateMachineArn: machines[kind], name: `${caseId}-${randomUUID().slice(0, 8)}`, input: JSON.stringify({ caseId }) });
  return executionArn!;
}

const waitItem = async (caseId: string, kind = 'return') =>
  (await env.db.send(new GetCommand({ TableName: TABLE_NAME, Key: { pk: `CASE#${caseId}`, sk: `WAIT#${kind}` }, ConsistentRead: true }))).Item;

const tokenRegistered = (caseId: string, kind = 'return') =>
  eventually(async () => ((await waitItem(caseId, kind))?.taskToken ? true : undefined), 5000, `the ${kind} task token`);

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
const resumes = (executionArn: string) =>
  env.sfn!.service.getExecutionHistory({ executionArn }).events!.filter((e) => e.type === 'TaskSucceeded').length;

beforeAll(async () => {
  env = await startHandlerEnv({ sfn: true });
  waits = new WaitStore(env.db, TABLE_NAME);
  cases = new CaseStore(env.db, TABLE_NAME);
  awaitEvent = (await importFresh(() => import('../../functions/handlers/await-event.js'))).handler;
  startCase = (await import('../../functions/handlers/start-case.js')).handler;
  for (const kind of ['return', 'evidence'] as const) {
    machines[kind] = addWaitForTokenMachine(env.sfn!.service, `Await${kind}`, { 'caseId.$': '$.caseId', kind, 'taskToken.$': '$$.Task.Token' }, async (payload) => {
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
    await expect(awaitEvent({ caseId, kind: 'survey', taskToken: 'AQx' })).rejects.toMatchObject({ name: expect.stringMatching(/ZodError$/) });
  });
});
