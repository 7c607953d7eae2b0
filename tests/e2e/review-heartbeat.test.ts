import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CaseStore } from '../../functions/adapters/case-store.js';
import { documentClient } from '../../functions/adapters/dynamo.js';
import { RefundStore } from '../../functions/adapters/refund-store.js';
import { ReviewStore } from '../../functions/adapters/review-store.js';
import { WaitStore } from '../../functions/adapters/wait-store.js';
import { CaseWorkflow } from '../../functions/adapters/workflow.js';
import { SFNClient } from '@aws-sdk/client-sfn';
import { decideCase, type DecideDeps } from '../../functions/use-cases/decide-case.js';
import { requestedEvent } from '../../scripts/example-cases.js';
import { isSettled, startHarness, type Harness } from './harness.js';
import { caseStateMachine } from '../../local/pipeline.js';
import { oneMarket } from '../markets.js';

/**
 * The escalated review's heartbeat (docs/operations.md "One decision per review"), on the local runtime with the
 * synthesized state machine: a decision recorded on the case whose signal never went out (the ops function died
 * between its write and signal()) is found when ManualReviewEscalated re-registers its token, and the case is paid
 * and closed by it; without a decision the heartbeat only keeps the review waiting, with no new alert.
 */
vi.setConfig({ testTimeout: 90_000 });
// Reminder after 1 s, escalation after 3 s; the escalated wait then beats every 3 s (reviewEscalationSeconds).
const ESCALATION_SECONDS = 3;
let h: Harness;
let deps: DecideDeps;

beforeAll(async () => {
  h = await startHarness({ REVIEW_REMINDER_SECONDS: '1', REVIEW_ESCALATION_SECONDS: String(ESCALATION_SECONDS) });
  // The pipeline runs in this process and has pointed the SDK's endpoint variables at its emulators.
  const db = documentClient();
  const table = Object.values(h.pipeline.topology.tables)[0]!.name;
  const waits = new WaitStore(db, table);
  deps = {
    cases: new CaseStore(db, table),
    reviews: new ReviewStore(db, table),
    refunds: new RefundStore(db, table),
    // The ops function dies at signal(): after the decision's conditional write and its timeline entry, before
    // anything reaches the wait (no pending signal, no SendTaskSuccess).
    waits: Object.assign(Object.create(waits) as WaitStore, {
      recordSignal: async () => {
        throw new Error('Task timed out after 10.00 seconds');
      },
    }),
    workflow: new CaseWorkflow(new SFNClient({}), undefined),
    markets: oneMarket(),
  };
});
afterAll(async () => {
  await h?.stop();
});

const stateMachineArn = () => caseStateMachine(h.pipeline.topology).arn;
const instructions = (caseId: string) => h.pipeline.orderPlatform.instructions().filter((i) => i.caseId === caseId);
const alertKinds = async (caseId: string) =>
  ((await h.opsAs('supervisor').get('/ops/alerts')).body.alerts as Array<{ kind: string; caseId: string }>)
    .filter((a) => a.caseId === caseId)
    .map((a) => a.kind)
    .sort();
const timelineEvents = (view: Record<string, any>, event: string) => (view.timeline as Array<{ event: string }>).filter((e) => e.event === event);

function history(caseId: string): HistoryEvent[] {
  const execution = h.pipeline.stepFunctions.listExecutions({ stateMachineArn: stateMachineArn(), maxResults: 1000 }).executions!.find((e) => e.name === caseId);
  return execution ? h.pipeline.stepFunctions.getExecutionHistory({ executionArn: execution.executionArn!, maxResults: 1000 }).events! : [];
}

/** Each entry into ManualReviewEscalated and how that wait ended so far (task events follow their state's entry). */
function escalatedWaits(caseId: string): Array<{ submitted: boolean; end?: string }> {
  const waits: Array<{ submitted: boolean; end?: string }> = [];
  let current: { submitted: boolean; end?: string } | undefined;
  for (const event of history(caseId)) {
    if (event.type === 'TaskStateEntered') {
      current = event.stateEnteredEventDetails?.name === 'ManualReviewEscalated' ? { submitted: false } : undefined;
      if (current) waits.push(current);
    } else if (current && event.type === 'TaskSubmitted') current.submitted = true;
    else if (current && (event.type === 'TaskTimedOut' || event.type === 'TaskSucceeded' || event.type === 'TaskFailed')) current.end = event.type;
  }
  return waits;
}

async function until<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A return the policy sends to an operator (above its approval threshold), left undecided until it is escalated. */
async function escalatedReturn(unitPrice: number) {
  const event = requestedEvent({ caseType: 'return', locale: 'en' });
  event.data.order.items[0]!.unitPrice = unitPrice;
  const res = await h.platform.send(event);
  expect(res.status).toBe(202);
  const caseId = String(res.body.caseId);
  // Parked in the escalated wait: entered, its token registered, not (yet) timed out.
  await until('the escalated wait', () => escalatedWaits(caseId).some((w) => w.submitted && !w.end));
  return caseId;
}

describe('the escalated review beats every escalation interval', () => {
  it('a decision recorded but never signalled resumes the case at the next beat, and what is paid is that decision', async () => {
    const caseId = await escalatedReturn(79900);
    const operator = { name: 'dev-agent', role: 'agent' as const };
    const decision = { decision: 'approve' as const, reason: 'goodwill', remedy: 'partial_refund' as const, amount: 12_300 };
    await expect(decideCase(deps, caseId, decision, operator, new Date())).rejects.toThrow('Task timed out');
    const recorded = (await h.ops.getCase(caseId)).body;
    expect(recorded).toMatchObject({ status: 'awaiting_review', review: { decided: { by: 'dev-agent', decision: 'approve', amount: 12_300 } } });
    // Every retry of the operator is refused: only the workflow itself can pick the decision up.
    const retry = await h.opsAs('dev-agent').post(`/ops/cases/${caseId}/decision`, decision);
    expect(retry).toMatchObject({ status: 409, body: { error: 'already_decided', decidedBy: 'dev-agent' } });

    const view = await h.ops.waitFor(caseId, isSettled, 60_000);
    expect(view).toMatchObject({ status: 'closed', outcome: 'approved', remedy: 'partial_refund' });
    expect(instructions(caseId)).toEqual([expect.objectContaining({ kind: 'refund', amount: 12_300, currency: 'CNY' })]);
    // Resumed by the heartbeat: the wait that held the token timed out, and its re-entry ended with the decision.
    const waits = escalatedWaits(caseId);
    expect(waits.length).toBeGreaterThanOrEqual(2);
    expect(waits.at(-2)!.end).toBe('TaskTimedOut');
    expect(waits.at(-1)!.end).toBe('TaskSucceeded');
    expect(timelineEvents(view, 'operator_approve')).toHaveLength(1);
    expect(timelineEvents(view, 'review_escalated')).toHaveLength(1);
  });

  it('without a decision the heartbeat keeps the review waiting as it was: no new alert, no new escalation, and a later decision still resumes it', async () => {
    const caseId = await escalatedReturn(79900);
    const atEscalation = (await h.ops.getCase(caseId)).body;
    expect(atEscalation).toMatchObject({ status: 'awaiting_review', priority: expect.any(Number), review: { escalatedAt: expect.any(String) } });
    expect(await alertKinds(caseId)).toEqual(['review_escalated', 'review_reminder']);

    // Two beats: two timed-out waits and a third one parked.
    await until(
      'two heartbeats',
      () => {
        const waits = escalatedWaits(caseId);
        return waits.filter((w) => w.end === 'TaskTimedOut').length >= 2 && waits.at(-1)!.submitted && !waits.at(-1)!.end;
      },
      6 * ESCALATION_SECONDS * 1000,
    );

    const waiting = (await h.ops.getCase(caseId)).body;
    expect(waiting).toMatchObject({ status: 'awaiting_review', waitingFor: 'manual_review', priority: atEscalation.priority, review: atEscalation.review });
    expect(await alertKinds(caseId)).toEqual(['review_escalated', 'review_reminder']);
    expect(timelineEvents(waiting, 'review_opened')).toHaveLength(1);
    expect(timelineEvents(waiting, 'review_escalated')).toHaveLength(1);
    expect(h.pipeline.stepFunctions.listExecutions({ stateMachineArn: stateMachineArn(), maxResults: 1000 }).executions!.find((e) => e.name === caseId)?.status).toBe('RUNNING');

    // The re-registered token is the one a decision now reaches.
    expect((await h.opsAs('dev-agent').post(`/ops/cases/${caseId}/decision`, { decision: 'reject', reason: 'not eligible' })).status).toBe(202);
    const view = await h.ops.waitFor(caseId, isSettled, 60_000);
    expect(view).toMatchObject({ status: 'closed', outcome: 'rejected' });
    expect(instructions(caseId)).toEqual([]);
    expect(escalatedWaits(caseId).at(-1)!.end).toBe('TaskSucceeded');
  });
});
