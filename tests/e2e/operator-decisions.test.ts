import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { requestedEvent } from '../../scripts/example-cases.js';
import { isSettled, startHarness, type Harness } from './harness.js';

/**
 * Issue 9's "Done when" through the public HTTP API of the local runtime (`npm start`), as its default operators:
 * ten concurrent decisions yield one accepted decision and one payout that matches it; an approval above the order's
 * value is refused; a viewer cannot decide; an approval above the four-eyes threshold pays only after a second,
 * different supervisor confirms; each action is on the timeline with the operator's name; the case is found by its
 * order id.
 */
vi.setConfig({ testTimeout: 90_000 });
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

/** The local runtime's default operators (local/operators.ts): one of each role, plus the OPS_TOKEN supervisor. */
const supervisor = () => h.opsAs('dev-supervisor');
const secondSupervisor = () => h.opsAs('ops-token');

const instructions = (caseId: string) => h.pipeline.orderPlatform.instructions().filter((i) => i.caseId === caseId);

async function decide(caseId: string, body: Record<string, unknown>, who = supervisor()) {
  const res = await who.post(`/ops/cases/${caseId}/decision`, body);
  return { status: res.status, body: res.body as Record<string, any> };
}

/** A return the policy sends to an operator (above its ¥500 approval threshold), worth `unitPrice`. */
async function returnInReview(unitPrice: number) {
  const event = requestedEvent({ caseType: 'return', locale: 'en' });
  event.data.order.items[0]!.unitPrice = unitPrice;
  const res = await h.platform.send(event);
  expect(res.status).toBe(202);
  const caseId = String(res.body.caseId);
  await h.ops.waitFor(caseId, (v) => v.status === 'awaiting_review');
  return caseId;
}

describe('intake: repeated SKUs and over-claims', () => {
  it('a claim for more units than the order has is refused at the webhook, naming the path; nothing is opened', async () => {
    const event = requestedEvent({ caseType: 'return', locale: 'en' });
    event.data.items = [
      { sku: 'SKU-KETTLE-1', quantity: 1 },
      { sku: 'SKU-KETTLE-1', quantity: 1 },
    ];
    const res = await h.platform.send(event);
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ error: 'invalid_data', issues: [{ path: 'data.items.1.quantity', message: 'more units of this SKU than the order has' }] });
  });

  it('repeated claims and a repeated order line of one SKU are paid once per unit on the automatic path', async () => {
    const event = requestedEvent({ caseType: 'return', locale: 'en' });
    const mug = event.data.order.items[1]!;
    event.data.order.items.push({ ...mug, quantity: 1 });
    event.data.items = [
      { sku: mug.sku, quantity: 2 },
      { sku: mug.sku, quantity: 1 },
    ];
    const res = await h.platform.send(event);
    expect(res.status).toBe(202);
    const caseId = String(res.body.caseId);
    await h.ops.waitFor(caseId, (v) => v.status === 'awaiting_return');
    await h.platform.send({ type: 'return.received', data: { requestId: event.data.requestId, receivedAt: new Date().toISOString() } });
    await h.ops.waitFor(caseId, isSettled, 60_000);
    expect(instructions(caseId).filter((i) => i.kind === 'refund')).toEqual([expect.objectContaining({ amount: 3 * mug.unitPrice })]);
  });
});

describe('decisions and money on the running pipeline', () => {
  it('ten concurrent decisions by three operators on one review: one accepted, nine 409 already_decided naming its operator, one payout that matches it', async () => {
    const caseId = await returnInReview(79900);
    const deciders = ['dev-agent', 'dev-supervisor', 'ops-token'];
    const tries = Array.from({ length: 10 }, (_, i) => ({ who: deciders[i % 3]!, amount: 1000 * (i + 1) }));
    const answers = await Promise.all(
      tries.map(({ who, amount }) => decide(caseId, { decision: 'approve', reason: `goodwill ${amount}`, remedy: 'partial_refund', amount }, h.opsAs(who))),
    );
    const accepted = answers.filter((a) => a.status === 202);
    expect(accepted).toHaveLength(1);
    const winner = tries[answers.indexOf(accepted[0]!)]!;
    const refusals = answers.filter((a) => a.status !== 202);
    expect(refusals).toHaveLength(9);
    for (const refusal of refusals) expect(refusal).toMatchObject({ status: 409, body: { error: 'already_decided', decidedBy: winner.who, decision: 'approve' } });

    const view = await h.ops.waitFor(caseId, isSettled, 60_000);
    expect(view).toMatchObject({ status: 'closed', outcome: 'approved', remedy: 'partial_refund' });
    expect(instructions(caseId)).toEqual([expect.objectContaining({ kind: 'refund', amount: winner.amount, currency: 'CNY' })]);
    expect(view.timeline.filter((e: any) => e.event.startsWith('operator_'))).toEqual([
      expect.objectContaining({ actor: `operator:${winner.who}`, event: 'operator_approve', detail: expect.objectContaining({ remedy: 'partial_refund', amount: winner.amount }) }),
    ]);
  });

  it('a viewer cannot decide; an approval above what the order paid for the items is refused, and nothing moves', async () => {
    const caseId = await returnInReview(67000);
    expect(await decide(caseId, { decision: 'approve', reason: 'looks fine' }, h.opsAs('dev-viewer'))).toMatchObject({ status: 403, body: { error: 'forbidden', needs: 'agent' } });
    const res = await decide(caseId, { decision: 'approve', reason: 'typo', remedy: 'refund', amount: 900_000_000_000 });
    expect(res).toMatchObject({ status: 422, body: { error: 'invalid_amount', reason: 'above_refundable' } });
    expect((await h.ops.getCase(caseId)).body.status).toBe('awaiting_review');
    expect((await decide(caseId, { decision: 'reject', reason: 'closing the test case' }, h.opsAs('dev-agent'))).status).toBe(202);
    const view = await h.ops.waitFor(caseId, isSettled);
    expect(instructions(caseId)).toHaveLength(0);
    expect(view.timeline.filter((e: any) => e.event.startsWith('operator_'))).toEqual([
      expect.objectContaining({ actor: 'operator:dev-agent', event: 'operator_reject', detail: expect.objectContaining({ role: 'agent' }) }),
    ]);
  });

  it('above the four-eyes threshold an approval pays only after a second, different supervisor confirms; the case is found by its order id', async () => {
    const caseId = await returnInReview(800000);
    const proposed = await decide(caseId, { decision: 'approve', reason: 'screen cracked', remedy: 'refund' });
    expect(proposed).toMatchObject({ status: 202, body: { proposal: { amount: 800000, remedy: 'refund' } } });
    expect(await decide(caseId, { decision: 'confirm' })).toMatchObject({ status: 403, body: { error: 'four_eyes' } });
    expect(await decide(caseId, { decision: 'confirm' }, h.opsAs('dev-agent'))).toMatchObject({ status: 403, body: { error: 'forbidden', needs: 'supervisor' } });
    expect(await decide(caseId, { decision: 'approve', reason: 'again' })).toMatchObject({ status: 409, body: { error: 'proposal_pending' } });
    const waiting = (await h.ops.getCase(caseId)).body;
    expect(waiting).toMatchObject({ status: 'awaiting_review', review: { proposal: { by: 'dev-supervisor', amount: 800000 } } });
    expect(instructions(caseId)).toHaveLength(0);

    expect(await decide(caseId, { decision: 'confirm' }, secondSupervisor())).toMatchObject({ status: 202 });
    expect(await decide(caseId, { decision: 'confirm' }, secondSupervisor())).toMatchObject({ status: 409, body: { error: 'already_decided', decidedBy: 'ops-token' } });
    await h.ops.waitFor(caseId, (v) => v.status === 'awaiting_return');
    const orderId = String(waiting.order.orderId);
    const found = await h.opsAs('dev-viewer').get(`/ops/cases?orderId=${encodeURIComponent(orderId)}`);
    expect(found).toMatchObject({ status: 200, body: { cases: [expect.objectContaining({ caseId, orderId })] } });
    const requestId = String(waiting.requestId);
    await h.platform.send({ type: 'return.received', data: { requestId, receivedAt: new Date().toISOString() } });
    const view = await h.ops.waitFor(caseId, isSettled, 60_000);
    expect(view).toMatchObject({ status: 'closed', outcome: 'approved', remedy: 'refund' });
    expect(instructions(caseId)).toEqual([expect.objectContaining({ kind: 'refund', amount: 800000, currency: 'CNY' })]);
    expect(view.timeline.filter((e: any) => e.event.startsWith('operator_'))).toEqual([
      expect.objectContaining({ actor: 'operator:dev-supervisor', event: 'operator_proposed', detail: expect.objectContaining({ role: 'supervisor', amount: 800000 }) }),
      expect.objectContaining({
        actor: 'operator:ops-token',
        event: 'operator_confirmed',
        detail: expect.objectContaining({ role: 'supervisor', proposedBy: 'dev-supervisor', amount: 800000 }),
      }),
    ]);
  });
});
