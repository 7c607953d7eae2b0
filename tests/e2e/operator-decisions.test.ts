import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEV_OPS_TOKEN } from '../../local/config.js';
import { requestedEvent } from '../../scripts/example-cases.js';
import { isSettled, startHarness, type Harness } from './harness.js';

/**
 * Issue 9's "Done when", money parts, through the public HTTP API of the local runtime (`npm start`): ten concurrent
 * decisions yield one accepted decision and one payout that matches it; an approval above the order's value is
 * refused; an approval above the four-eyes threshold is only a proposal, which its proposer cannot confirm, and
 * nothing is paid meanwhile. A second supervisor's confirmation is proven in tests/handlers/ops-decisions.test.ts:
 * here the only operator is the OPS_TOKEN supervisor `ops-token` until the local runtime honours OPS_USERS.
 */
vi.setConfig({ testTimeout: 90_000 });
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

type Role = 'viewer' | 'agent' | 'supervisor';

/**
 * An operator's bearer token: from OPS_USERS ("name:role:token,…", as the local runtime reads it), or the OPS_TOKEN
 * supervisor `ops-token`.
 */
function asOperator(name: string, role: Role): { authorization: string } {
  const users = (process.env.OPS_USERS ?? '').split(',').map((entry) => entry.trim().split(':'));
  const token = users.find(([n, r]) => n === name && r === role)?.[2] ?? (name === 'ops-token' && role === 'supervisor' ? DEV_OPS_TOKEN : undefined);
  if (!token) throw new Error(`no token for operator ${name} (${role}); define it in OPS_USERS`);
  return { authorization: `Bearer ${token}` };
}
const supervisor = () => asOperator('ops-token', 'supervisor');

const api = () => h.pipeline.urls.api;
const instructions = (caseId: string) => h.pipeline.orderPlatform.instructions().filter((i) => i.caseId === caseId);

async function decide(caseId: string, body: Record<string, unknown>, who = supervisor()) {
  const res = await fetch(`${api()}/ops/cases/${caseId}/decision`, { method: 'POST', headers: { 'content-type': 'application/json', ...who }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
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
    event.data.items = [{ sku: 'SKU-KETTLE-1', quantity: 1 }, { sku: 'SKU-KETTLE-1', quantity: 1 }];
    const res = await h.platform.send(event);
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ error: 'invalid_data', issues: [{ path: 'data.items.1.quantity', message: 'more units of this SKU than the order has' }] });
  });

  it('repeated claims and a repeated order line of one SKU are paid once per unit on the automatic path', async () => {
    const event = requestedEvent({ caseType: 'return', locale: 'en' });
    const mug = event.data.order.items[1]!;
    event.data.order.items.push({ ...mug, quantity: 1 });
    event.data.items = [{ sku: mug.sku, quantity: 2 }, { sku: mug.sku, quantity: 1 }];
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
  it('ten concurrent decisions on one review: one accepted, nine 409 already_decided, one payout that matches the accepted one', async () => {
    const caseId = await returnInReview(79900);
    const amounts = Array.from({ length: 10 }, (_, i) => 1000 * (i + 1));
    const answers = await Promise.all(amounts.map((amount) => decide(caseId, { decision: 'approve', reason: `goodwill ${amount}`, remedy: 'partial_refund', amount })));
    const accepted = answers.filter((a) => a.status === 202);
    expect(accepted).toHaveLength(1);
    const amount = amounts[answers.indexOf(accepted[0]!)]!;
    const refusals = answers.filter((a) => a.status !== 202);
    expect(refusals).toHaveLength(9);
    for (const refusal of refusals) expect(refusal).toMatchObject({ status: 409, body: { error: 'already_decided', decidedBy: 'ops-token', decision: 'approve' } });

    const view = await h.ops.waitFor(caseId, isSettled, 60_000);
    expect(view).toMatchObject({ status: 'closed', outcome: 'approved', remedy: 'partial_refund' });
    expect(instructions(caseId)).toEqual([expect.objectContaining({ kind: 'refund', amount, currency: 'CNY' })]);
    expect(view.timeline.filter((e: any) => e.event.startsWith('operator_'))).toEqual([
      expect.objectContaining({ actor: 'operator:ops-token', event: 'operator_approve', detail: expect.objectContaining({ role: 'supervisor', remedy: 'partial_refund', amount }) }),
    ]);
  });

  it('an approval above what the order paid for the items is refused, and nothing moves', async () => {
    const caseId = await returnInReview(67000);
    const res = await decide(caseId, { decision: 'approve', reason: 'typo', remedy: 'refund', amount: 900_000_000_000 });
    expect(res).toMatchObject({ status: 422, body: { error: 'invalid_amount', reason: 'above_refundable' } });
    expect((await h.ops.getCase(caseId)).body.status).toBe('awaiting_review');
    expect((await decide(caseId, { decision: 'reject', reason: 'closing the test case' })).status).toBe(202);
    await h.ops.waitFor(caseId, isSettled);
    expect(instructions(caseId)).toHaveLength(0);
  });

  it('above the four-eyes threshold an approval is a proposal: its proposer cannot confirm it and nothing is paid', async () => {
    const caseId = await returnInReview(800000);
    const proposed = await decide(caseId, { decision: 'approve', reason: 'screen cracked', remedy: 'refund' });
    expect(proposed).toMatchObject({ status: 202, body: { proposal: { amount: 800000, remedy: 'refund' } } });
    expect(await decide(caseId, { decision: 'confirm' })).toMatchObject({ status: 403, body: { error: 'four_eyes' } });
    expect(await decide(caseId, { decision: 'approve', reason: 'again' })).toMatchObject({ status: 409, body: { error: 'proposal_pending' } });

    const view = (await h.ops.getCase(caseId)).body;
    expect(view).toMatchObject({ status: 'awaiting_review', review: { proposal: { by: 'ops-token', amount: 800000 } } });
    expect(view.timeline).toContainEqual(expect.objectContaining({ actor: 'operator:ops-token', event: 'operator_proposed', detail: expect.objectContaining({ role: 'supervisor', amount: 800000 }) }));
    expect(instructions(caseId)).toHaveLength(0);
  });
});
