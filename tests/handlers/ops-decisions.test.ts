/**
 * Decisions and money (issue 9; docs/operations.md "Decisions and money"): one decision per review, bounded amounts,
 * the agent limit, four eyes, and the compensate step's own bound, through the ops API handler and the real
 * await-event and compensate use cases on dynalite, the local Step Functions service and the order-platform simulator.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CaseStore } from '../../functions/adapters/case-store.js';
import type { CaseRecord } from '../../functions/domain/case-record.js';
import { LedgerStore } from '../../functions/adapters/ledger-store.js';
import { OpsAlerts } from '../../functions/adapters/ops-alerts.js';
import { HttpOrderPlatform } from '../../functions/adapters/order-platform.js';
import { RefundStore } from '../../functions/adapters/refund-store.js';
import { WaitStore } from '../../functions/adapters/wait-store.js';
import { cnPolicy } from '../../functions/policies/cn.js';
import { compensate, type CompensateDeps } from '../../functions/use-cases/steps/compensate.js';
import { reviewTimer } from '../../functions/use-cases/steps/review-timer.js';
import { startOrderPlatformSimulator, type OrderPlatformSimulator } from '../../local/simulators/order-platform.js';
import { opsApiConfig, readConfig } from '../../functions/config/functions.js';
import { callOpsApi, eventually, startHandlerEnv, TABLE_NAME, withEnv, type HandlerEnv } from './env.js';
import { seedCase } from './fixtures.js';
import { addManualReviewMachine, sentToManualReview, startManualReview } from './manual-review.js';
import { oneMarket } from '../markets.js';

type Handler = typeof import('../../functions/handlers/ops-api.js')['handler'];
type Role = 'viewer' | 'agent' | 'supervisor';

const OPS_TOKEN = 'ops-token-for-decision-tests-91bc';
let env: HandlerEnv;
let handler: Handler;
let cases: CaseStore;
let waits: WaitStore;
let refunds: RefundStore;
let platform: OrderPlatformSimulator;
let compensateDeps: CompensateDeps;
let reviewMachine: string;
let restoreEnv: (() => void) | undefined;

/** A decision by a named operator with a role, as the JWT authorizer would hand them over. */
const decideAs = (name: string, role: Role, id: string, body: Record<string, unknown>) =>
  callOpsApi(handler, OPS_TOKEN, 'POST', `/ops/cases/${id}/decision`, { operator: { name, role }, body: JSON.stringify(body) });

/** Every decision names the market and policy version it was made under (issue 12); these cases have the default market. */
const UNDER_CN = { market: 'CN', policyVersion: cnPolicy.version };
const TV = { sku: 'TV-65', name: '65-inch television', category: 'electronics', quantity: 1, unitPrice: 800000 };
const forCase = (id: string) => platform.instructions().filter((i) => i.caseId === id);
const timeline = async (id: string) => (await cases.view(id))!.timeline;

/** A case in front of an operator, its ManualReview step waiting on the real await-event use case. */
async function waitingForReview(record: Partial<CaseRecord> = {}) {
  const seeded = await seedCase(env.db, { record: sentToManualReview(record) });
  const executionArn = await startManualReview(env, reviewMachine, seeded.caseId, `${seeded.caseId}-${Date.now()}`);
  return { ...seeded, executionArn };
}

beforeAll(async () => {
  env = await startHandlerEnv({ sfn: true });
  cases = new CaseStore(env.db, TABLE_NAME);
  waits = new WaitStore(env.db, TABLE_NAME);
  refunds = new RefundStore(env.db, TABLE_NAME);
  platform = await startOrderPlatformSimulator({ token: 'tok', completeAfterMs: -1 });
  compensateDeps = { cases, ledger: new LedgerStore(env.db, TABLE_NAME), refunds, orderPlatform: new HttpOrderPlatform(`${platform.url}/`, 'tok'), markets: oneMarket() };
  // Metrics on: Powertools reads its own switch from the environment (each count builds a single metric), so it stays
  // set while this file runs. The ops API is built from an explicit configuration (the test table, default market).
  restoreEnv = withEnv({ POWERTOOLS_METRICS_DISABLED: 'false' });
  handler = (await import('../../functions/handlers/ops-api.js')).createHandler(readConfig(opsApiConfig, { TABLE_NAME }));
  reviewMachine = addManualReviewMachine(env, cases, waits);
});

afterAll(async () => {
  restoreEnv?.();
  await platform?.close();
  await env?.close();
});

describe('the case view shows what is at stake', () => {
  it('a claim without items is the whole order: every line is an item of the case, valued as the bound values it', async () => {
    const MUG = { sku: 'MUG-1', name: 'Mug', category: 'home', quantity: 2, unitPrice: 4500 };
    const { caseId: id } = await seedCase(env.db, { record: { orderItems: [TV, MUG, { ...MUG }], items: [] } });
    const view = await callOpsApi(handler, OPS_TOKEN, 'GET', `/ops/cases/${id}`, { operator: { name: 'vic', role: 'viewer' } });
    expect(view.json.items).toEqual([
      { sku: 'TV-65', name: TV.name, category: TV.category, quantity: 1, unitPrice: 800000 },
      { sku: 'MUG-1', name: 'Mug', category: 'home', quantity: 4, unitPrice: 4500 },
    ]);
    expect(view.json.order).toMatchObject({ value: 800000 + 4 * 4500 });
  });
});

describe('exactly one decision per review', () => {
  it("12 concurrent approvals with different amounts: one 202, eleven 409 already_decided naming the winner, one payout of the winner's amount", async () => {
    const { caseId: id, executionArn } = await waitingForReview();
    const amounts = Array.from({ length: 12 }, (_, i) => 1000 * (i + 1));
    const answers = await Promise.all(
      amounts.map((amount, i) => decideAs(`agent-${i}`, 'agent', id, { decision: 'approve', reason: `offer ${amount}`, remedy: 'partial_refund', amount })),
    );

    const accepted = answers.filter((a) => a.status === 202);
    expect(accepted).toHaveLength(1);
    const winner = answers.indexOf(accepted[0]!);
    const refusedAnswers = answers.filter((a) => a.status !== 202);
    expect(refusedAnswers.map((a) => a.status)).toEqual(Array(11).fill(409));
    for (const refusal of refusedAnswers) expect(refusal.json).toMatchObject({ error: 'already_decided', decidedBy: `agent-${winner}`, decision: 'approve' });

    expect(JSON.parse((await env.sfn!.service.waitForExecution(executionArn, 5000)).output!)).toEqual({ signal: 'approve' });
    expect(await cases.get(id)).toMatchObject({
      outcome: 'approved',
      operatorDecision: { decision: 'approve', remedy: 'partial_refund', amount: amounts[winner], operator: `agent-${winner}` },
      review: { decided: { by: `agent-${winner}`, role: 'agent', decision: 'approve', amount: amounts[winner] } },
    });
    expect((await timeline(id)).filter((e) => e.event.startsWith('operator_'))).toEqual([
      {
        at: expect.any(String),
        actor: `operator:agent-${winner}`,
        event: 'operator_approve',
        detail: { role: 'agent', reason: `offer ${amounts[winner]}`, remedy: 'partial_refund', amount: amounts[winner], ...UNDER_CN },
      },
    ]);

    // The compensate step, run twice as a retried Lambda would: one instruction, the accepted decision's amount.
    await compensate(compensateDeps, id, new Date());
    await compensate(compensateDeps, id, new Date());
    expect(forCase(id)).toHaveLength(1);
    expect(forCase(id)[0]).toMatchObject({ kind: 'refund', amount: amounts[winner], currency: 'CNY' });
  });

  it('approvals and rejections racing: the outcome, the signal and the timeline all follow the one accepted decision', async () => {
    const { caseId: id, executionArn } = await waitingForReview();
    const bodies = Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? { decision: 'approve', reason: 'fine' } : { decision: 'reject', reason: 'not fine' }));
    const answers = await Promise.all(bodies.map((body, i) => decideAs(`op-${i}`, 'supervisor', id, body)));
    expect(answers.filter((a) => a.status === 202)).toHaveLength(1);
    const winner = answers.findIndex((a) => a.status === 202);
    const decision = bodies[winner]!.decision;
    const { output } = await env.sfn!.service.waitForExecution(executionArn, 5000);
    expect(JSON.parse(output!)).toEqual({ signal: decision });
    expect(await cases.get(id)).toMatchObject({ outcome: decision === 'approve' ? 'approved' : 'rejected', operatorDecision: { decision, operator: `op-${winner}` } });
    expect((await timeline(id)).filter((e) => e.event.startsWith('operator_')).map((e) => e.actor)).toEqual([`operator:op-${winner}`]);
  });

  it('a later decision on a decided review is refused, even after the case moved on', async () => {
    const { caseId: id, executionArn } = await waitingForReview();
    expect((await decideAs('amy', 'agent', id, { decision: 'reject', reason: 'outside the window' })).status).toBe(202);
    await env.sfn!.service.waitForExecution(executionArn, 5000);
    await cases.update(id, { status: 'closed' });
    const later = await decideAs('bob', 'supervisor', id, { decision: 'approve', reason: 'changed my mind' });
    expect(later.status).toBe(409);
    expect(later.json).toMatchObject({ error: 'already_decided', decidedBy: 'amy', decision: 'reject' });
  });

  it('a new review round (after evidence) starts afresh', async () => {
    const { caseId: id, executionArn } = await waitingForReview();
    expect((await decideAs('amy', 'agent', id, { decision: 'request_evidence', reason: 'serial number photo' })).status).toBe(202);
    await env.sfn!.service.waitForExecution(executionArn, 5000);
    // The evidence arrived; the policy review hands the case back to an operator: a new round opens.
    await cases.update(id, { status: 'in_review' });
    const round2 = env.sfn!.service.startExecution({ stateMachineArn: reviewMachine, name: `${id}-round2`, input: JSON.stringify({ caseId: id }) });
    await eventually(async () => ((await cases.get(id))?.status === 'awaiting_review' && !(await cases.get(id))?.review?.decided ? true : undefined), 5000, 'the second review');
    expect((await decideAs('bob', 'agent', id, { decision: 'approve', reason: 'photo received' })).status).toBe(202);
    expect(JSON.parse((await env.sfn!.service.waitForExecution(round2.executionArn!, 5000)).output!)).toEqual({ signal: 'approve' });
  });

  it('a viewer cannot decide', async () => {
    const { caseId: id, executionArn } = await waitingForReview();
    const res = await decideAs('vic', 'viewer', id, { decision: 'approve', reason: 'x' });
    expect(res.status).toBe(403);
    expect(res.json).toMatchObject({ error: 'forbidden', needs: 'agent' });
    env.sfn!.service.stopExecution({ executionArn });
  });
});

describe('bounded money', () => {
  it("422 invalid_amount above what the order paid for the items (the issue's ¥9,000,000,000); nothing recorded, nothing resumes", async () => {
    const { caseId: id, executionArn } = await waitingForReview();
    const res = await decideAs('sam', 'supervisor', id, { decision: 'approve', reason: 'x', remedy: 'refund', amount: 900_000_000_000 });
    expect(res.status).toBe(422);
    expect(res.json).toMatchObject({ error: 'invalid_amount', reason: 'above_refundable', message: expect.stringContaining('39900') });
    expect((await cases.get(id))!.review?.decided).toBeUndefined();
    expect(env.sfn!.service.describeExecution({ executionArn }).status).toBe('RUNNING');
    env.sfn!.service.stopExecution({ executionArn });
  });

  it.each([
    ['another currency', { remedy: 'refund', amount: 100, currency: 'USD' }, 'currency_mismatch'],
    ['an amount for a reship', { remedy: 'reship', amount: 100 }, 'not_a_money_remedy'],
    ['a subsidy above the policy cap', { remedy: 'delay_subsidy', amount: cnPolicy.delaySubsidy.cap + 1 }, 'above_subsidy_cap'],
    ['a zero amount', { remedy: 'refund', amount: 0 }, 'not_positive_integer'],
  ])('422 invalid_amount for %s', async (_name, body, reason) => {
    const { caseId: id, executionArn } = await waitingForReview();
    const res = await decideAs('sam', 'supervisor', id, { decision: 'approve', reason: 'x', ...body });
    expect(res.status).toBe(422);
    expect(res.json).toMatchObject({ error: 'invalid_amount', reason });
    env.sfn!.service.stopExecution({ executionArn });
  });

  it('what was already refunded for the items counts: the rest is the bound', async () => {
    const { caseId: id, record, executionArn } = await waitingForReview();
    await refunds.add(record.orderId, 'AS-EARLIER:partial_refund', { caseId: 'AS-EARLIER', amount: 30000, currency: 'CNY', skus: ['KB-87-BLK'], at: new Date().toISOString() }, 0);
    const over = await decideAs('amy', 'agent', id, { decision: 'approve', reason: 'x', remedy: 'partial_refund', amount: 9901 });
    expect(over.json).toMatchObject({ error: 'invalid_amount', reason: 'above_refundable', message: expect.stringContaining('9900') });
    expect((await decideAs('amy', 'agent', id, { decision: 'approve', reason: 'x', remedy: 'partial_refund', amount: 9900 })).status).toBe(202);
    await env.sfn!.service.waitForExecution(executionArn, 5000);
  });

  it('the auto path is capped: a policy refund is lowered to what is left, and a case with nothing left goes to an operator, unpaid', async () => {
    const approved = { status: 'compensating' as const, outcome: 'approved' as const };
    const first = await seedCase(env.db, { record: approved });
    const second = await seedCase(env.db, { record: { ...approved, orderId: first.record.orderId } });
    await refunds.add(first.record.orderId, 'AS-EARLIER:coupon', { caseId: 'AS-EARLIER', amount: 9900, currency: 'CNY', skus: ['KB-87-BLK'], at: new Date().toISOString() }, 0);

    await compensate(compensateDeps, first.caseId, new Date());
    expect(forCase(first.caseId)).toEqual([expect.objectContaining({ kind: 'refund', amount: 30000 })]);
    expect(await cases.get(first.caseId)).toMatchObject({ compensation: { amount: 30000 } });

    // The same keyboard claimed again on the same order: nothing is left for it.
    await expect(compensate(compensateDeps, second.caseId, new Date())).rejects.toMatchObject({
      name: 'RefundBoundError',
      message: expect.stringContaining('nothing_left_to_refund'),
    });
    expect(forCase(second.caseId)).toEqual([]);
    expect((await timeline(second.caseId)).find((e) => e.event === 'compensation_refused')).toMatchObject({ detail: { reason: 'nothing_left_to_refund', bound: 0 } });
  });

  it('two cases of one order compensated at once never pay more than the order paid for the item', async () => {
    const approved = { status: 'compensating' as const, outcome: 'approved' as const };
    const a = await seedCase(env.db, { record: approved });
    const b = await seedCase(env.db, { record: { ...approved, orderId: a.record.orderId } });
    const results = await Promise.allSettled([compensate(compensateDeps, a.caseId, new Date()), compensate(compensateDeps, b.caseId, new Date())]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const paid = [...forCase(a.caseId), ...forCase(b.caseId)].reduce((sum, i) => sum + (i.amount ?? 0), 0);
    expect(paid).toBe(39900);
  });
});

describe('the agent limit', () => {
  it('403 forbidden needs supervisor for an agent above ¥2,000, explicit or by the plan; within it the agent decides', async () => {
    const tv = { orderItems: [TV], items: [{ sku: TV.sku, quantity: 1 }] };
    const { caseId: id, executionArn } = await waitingForReview(tv);
    for (const body of [{ remedy: 'partial_refund', amount: 200001 }, {}]) {
      const res = await decideAs('amy', 'agent', id, { decision: 'approve', reason: 'x', ...body });
      expect(res.status).toBe(403);
      expect(res.json).toMatchObject({ error: 'forbidden', needs: 'supervisor' });
    }
    expect((await cases.get(id))!.review?.decided).toBeUndefined();
    expect((await decideAs('amy', 'agent', id, { decision: 'approve', reason: 'x', remedy: 'partial_refund', amount: 200000 })).status).toBe(202);
    await env.sfn!.service.waitForExecution(executionArn, 5000);
  });

  it('an agent may still reject or ask for evidence on a large case', async () => {
    const { caseId: id, executionArn } = await waitingForReview({ orderItems: [TV], items: [{ sku: TV.sku, quantity: 1 }] });
    expect((await decideAs('amy', 'agent', id, { decision: 'reject', reason: 'no proof of purchase' })).status).toBe(202);
    await env.sfn!.service.waitForExecution(executionArn, 5000);
  });
});

describe('four eyes above ¥5,000', () => {
  const tv = { orderItems: [TV], items: [{ sku: TV.sku, quantity: 1 }] };

  it("a proposal waits; the proposer cannot confirm; an agent cannot; another supervisor confirms and the proposal's amount is paid once", async () => {
    const { caseId: id, executionArn } = await waitingForReview(tv);
    const proposed = await decideAs('sam', 'supervisor', id, { decision: 'approve', reason: 'screen cracked on arrival', remedy: 'refund' });
    expect(proposed.status).toBe(202);
    expect(proposed.json).toMatchObject({ caseId: id, decision: 'approve', proposal: { amount: 800000, remedy: 'refund' } });
    expect(await cases.get(id)).toMatchObject({ status: 'awaiting_review', review: { proposal: { by: 'sam', role: 'supervisor', remedy: 'refund', amount: 800000 } } });
    expect((await cases.get(id))!.operatorDecision).toBeUndefined();
    expect(env.sfn!.service.describeExecution({ executionArn }).status).toBe('RUNNING');

    // The checker finds it from the review queue, with who proposed what; and the case view shows the item at stake.
    const queue = await callOpsApi(handler, OPS_TOKEN, 'GET', '/ops/reviews', { operator: { name: 'sue', role: 'supervisor' } });
    expect(queue.json.reviews.find((r: { caseId: string }) => r.caseId === id)).toMatchObject({ proposal: { by: 'sam', amount: 800000, remedy: 'refund' } });
    const view = await callOpsApi(handler, OPS_TOKEN, 'GET', `/ops/cases/${id}`, { operator: { name: 'sue', role: 'supervisor' } });
    expect(view.json.items).toEqual([expect.objectContaining({ sku: 'TV-65', quantity: 1, unitPrice: 800000 })]);

    // A reminder re-registers the wait meanwhile: the proposal survives it.
    await reviewTimer({ cases, alerts: new OpsAlerts(env.db, TABLE_NAME) }, id, 'reminder', new Date());
    expect((await cases.get(id))!.review).toMatchObject({ remindedAt: expect.any(String), proposal: { by: 'sam' } });

    for (const body of [
      { decision: 'approve', reason: 'x' },
      { decision: 'reject', reason: 'x' },
      { decision: 'request_evidence', reason: 'x' },
    ]) {
      const res = await decideAs('sue', 'supervisor', id, body);
      expect(res.status).toBe(409);
      expect(res.json).toMatchObject({ error: 'proposal_pending', proposedBy: 'sam' });
    }
    expect((await decideAs('sam', 'supervisor', id, { decision: 'confirm' })).json).toMatchObject({ error: 'four_eyes' });
    expect((await decideAs('sam', 'supervisor', id, { decision: 'confirm' })).status).toBe(403);
    expect((await decideAs('amy', 'agent', id, { decision: 'confirm' })).json).toMatchObject({ error: 'forbidden', needs: 'supervisor' });
    expect(env.sfn!.service.describeExecution({ executionArn }).status).toBe('RUNNING');

    const confirmations = await Promise.all(['sue', 'tom', 'una'].map((name) => decideAs(name, 'supervisor', id, { decision: 'confirm' })));
    expect(confirmations.filter((c) => c.status === 202)).toHaveLength(1);
    const confirmer = ['sue', 'tom', 'una'][confirmations.findIndex((c) => c.status === 202)]!;
    for (const c of confirmations.filter((c) => c.status !== 202)) expect(c.json).toMatchObject({ error: 'already_decided', decidedBy: confirmer, decision: 'approve' });

    expect(JSON.parse((await env.sfn!.service.waitForExecution(executionArn, 5000)).output!)).toEqual({ signal: 'approve' });
    expect(await cases.get(id)).toMatchObject({ outcome: 'approved', review: { decided: { by: confirmer, proposedBy: 'sam', decision: 'approve' } } });
    await compensate(compensateDeps, id, new Date());
    expect(forCase(id)).toEqual([expect.objectContaining({ kind: 'refund', amount: 800000 })]);

    const audit = (await timeline(id)).filter((e) => e.event.startsWith('operator_'));
    expect(audit).toEqual([
      {
        at: expect.any(String),
        actor: 'operator:sam',
        event: 'operator_proposed',
        detail: { role: 'supervisor', reason: 'screen cracked on arrival', remedy: 'refund', amount: 800000, ...UNDER_CN },
      },
      {
        at: expect.any(String),
        actor: `operator:${confirmer}`,
        event: 'operator_confirmed',
        detail: { role: 'supervisor', proposedBy: 'sam', remedy: 'refund', amount: 800000, ...UNDER_CN },
      },
    ]);
  });

  it('reject_proposal by another supervisor drops it and the review stays open; an explicit amount is what a confirmation pays', async () => {
    const { caseId: id, executionArn } = await waitingForReview(tv);
    expect((await decideAs('sam', 'supervisor', id, { decision: 'approve', reason: 'goodwill', remedy: 'partial_refund', amount: 700000 })).status).toBe(202);
    expect((await decideAs('sam', 'supervisor', id, { decision: 'reject_proposal', reason: 'mine' })).json).toMatchObject({ error: 'four_eyes' });
    const dropped = await decideAs('sue', 'supervisor', id, { decision: 'reject_proposal', reason: 'too generous' });
    expect(dropped.status).toBe(200);
    expect((await cases.get(id))!.review?.proposal).toBeUndefined();
    expect((await decideAs('sue', 'supervisor', id, { decision: 'confirm' })).json).toMatchObject({ error: 'no_proposal' });
    expect((await decideAs('sue', 'supervisor', id, { decision: 'reject_proposal', reason: 'x' })).json).toMatchObject({ error: 'no_proposal' });

    expect((await decideAs('sue', 'supervisor', id, { decision: 'approve', reason: 'half', remedy: 'partial_refund', amount: 550000 })).status).toBe(202);
    expect((await decideAs('sam', 'supervisor', id, { decision: 'confirm' })).status).toBe(202);
    await env.sfn!.service.waitForExecution(executionArn, 5000);
    await compensate(compensateDeps, id, new Date());
    expect(forCase(id)).toEqual([expect.objectContaining({ kind: 'refund', amount: 550000 })]);
    expect((await timeline(id)).filter((e) => e.event.startsWith('operator_')).map((e) => [e.event, e.actor, e.detail?.role])).toEqual([
      ['operator_proposed', 'operator:sam', 'supervisor'],
      ['operator_proposal_rejected', 'operator:sue', 'supervisor'],
      ['operator_proposed', 'operator:sue', 'supervisor'],
      ['operator_confirmed', 'operator:sam', 'supervisor'],
    ]);
  });

  it('a confirmation pays the proposed amount exactly: if money moved for the order meanwhile, it is refused and nothing is decided', async () => {
    const { caseId: id, record, executionArn } = await waitingForReview(tv);
    expect((await decideAs('sam', 'supervisor', id, { decision: 'approve', reason: 'dead on arrival', remedy: 'refund' })).status).toBe(202);
    await refunds.add(record.orderId, 'AS-EARLIER:coupon', { caseId: 'AS-EARLIER', amount: 100000, currency: 'CNY', skus: [TV.sku], at: new Date().toISOString() }, 0);
    const res = await decideAs('sue', 'supervisor', id, { decision: 'confirm' });
    expect(res).toMatchObject({ status: 422, json: { error: 'invalid_amount', reason: 'above_refundable' } });
    expect((await cases.get(id))!.review).toMatchObject({ proposal: { by: 'sam', amount: 800000 } });
    expect((await cases.get(id))!.review?.decided).toBeUndefined();
    expect(env.sfn!.service.describeExecution({ executionArn }).status).toBe('RUNNING');
    env.sfn!.service.stopExecution({ executionArn });
  });

  it('at or below the threshold a supervisor decides alone', async () => {
    const { caseId: id, executionArn } = await waitingForReview(tv);
    expect((await decideAs('sam', 'supervisor', id, { decision: 'approve', reason: 'x', remedy: 'partial_refund', amount: 500000 })).json).toEqual({
      caseId: id,
      decision: 'approve',
    });
    expect(JSON.parse((await env.sfn!.service.waitForExecution(executionArn, 5000)).output!)).toEqual({ signal: 'approve' });
  });

  it('422 invalid_decision for money fields on a non-approval, or a missing reason', async () => {
    const { caseId: id, executionArn } = await waitingForReview(tv);
    expect((await decideAs('sam', 'supervisor', id, { decision: 'reject', reason: 'x', amount: 100 })).json).toMatchObject({ error: 'invalid_decision', issues: ['amount'] });
    expect((await decideAs('sam', 'supervisor', id, { decision: 'reject_proposal' })).json).toMatchObject({ error: 'invalid_decision', issues: ['reason'] });
    env.sfn!.service.stopExecution({ executionArn });
  });
});

describe('the Decisions metric', () => {
  it('counts the accepted decision once, by operator and decision; a refused second decision is not counted', async () => {
    const lines: Array<Record<string, any>> = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      if (String(chunk).startsWith('{"_aws"')) lines.push(JSON.parse(String(chunk)));
      return true;
    });
    try {
      const { caseId } = await waitingForReview();
      expect((await decideAs('li.na', 'agent', caseId, { decision: 'reject', reason: 'Outside the return window.' })).status).toBe(202);
      expect((await decideAs('wang.fang', 'agent', caseId, { decision: 'reject', reason: 'Outside the return window.' })).status).toBe(409);
      expect(lines.filter((l) => 'Decisions' in l)).toEqual([expect.objectContaining({ DecidedBy: 'operator', Decision: 'reject', Decisions: 1 })]);
      expect(JSON.stringify(lines)).not.toMatch(/li\.na|wang\.fang/);
    } finally {
      spy.mockRestore();
    }
  });
});
