import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { requestedEvent } from '../../scripts/example-cases.js';
import { isSettled, startHarness, type Harness } from './harness.js';

/**
 * Operators on `npm start`: the local gateway checks bearer tokens as the deployed JWT authorizer checks Cognito's,
 * and the ops handler applies each role (docs/operations.md, "Operators, roles and sign-in").
 */
vi.setConfig({ testTimeout: 60_000 });
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

const today = new Date().toISOString().slice(0, 10);
const costs = `/ops/reports/costs?from=${today}&to=${today}&groupBy=type`;

/** A return above the approval threshold (¥500): it waits for an operator. */
async function caseInReview(): Promise<string> {
  const event = requestedEvent({ caseType: 'return', locale: 'en' });
  event.data.order.items[0]!.unitPrice = 79900;
  const res = await h.platform.send(event);
  expect(res.status).toBe(202);
  const caseId = String(res.body.caseId);
  await h.ops.waitFor(caseId, (v) => v.status === 'awaiting_review');
  return caseId;
}

describe('operators on the local runtime', () => {
  it('the gateway answers 401 {"message":"Unauthorized"} without a token or with an unknown one', async () => {
    for (const headers of [{}, { authorization: 'Bearer not-a-local-operator' }, { authorization: 'Bearer dev-viewer-tokenx' }] as Array<Record<string, string>>) {
      const res = await fetch(`${h.pipeline.urls.api}/ops/reviews`, { headers });
      expect(res.status, JSON.stringify(headers)).toBe(401);
      expect(await res.json()).toEqual({ message: 'Unauthorized' });
    }
  });

  it('the default operators are one viewer, one agent and one supervisor, plus ops-token for scripts', () => {
    expect(h.pipeline.operators.map(({ name, role }) => `${name}:${role}`)).toEqual(['dev-viewer:viewer', 'dev-agent:agent', 'dev-supervisor:supervisor', 'ops-token:supervisor']);
    expect(h.opsAs('agent')).toMatchObject({ name: 'dev-agent', token: 'dev-agent-token' });
    expect(h.opsAs('ops-token')).toMatchObject({ role: 'supervisor', token: 'dev-ops-token' });
  });

  it('a viewer reads but cannot decide; an agent decides but cannot pause or read reports; the decision names the agent', async () => {
    const caseId = await caseInReview();
    const viewer = h.opsAs('viewer');
    const agent = h.opsAs('agent');
    expect((await viewer.get(`/ops/cases/${caseId}`)).status).toBe(200);
    expect((await viewer.get('/ops/reviews')).body.reviews.map((r: { caseId: string }) => r.caseId)).toContain(caseId);

    const refused = await viewer.post(`/ops/cases/${caseId}/decision`, { decision: 'reject', reason: 'not my call' });
    expect(refused).toMatchObject({ status: 403, body: { error: 'forbidden', needs: 'agent' } });
    expect((await agent.post(`/ops/cases/${caseId}/pause`, { reason: 'force_majeure', note: 'typhoon' })).body).toMatchObject({ error: 'forbidden', needs: 'supervisor' });
    expect((await agent.get(costs)).body).toMatchObject({ error: 'forbidden', needs: 'supervisor' });
    expect((await agent.get(`/ops/cases/${caseId}`)).body.status).toBe('awaiting_review');

    expect((await agent.post(`/ops/cases/${caseId}/decision`, { decision: 'reject', reason: 'the item shows signs of use' })).status).toBe(202);
    const view = await h.ops.waitFor(caseId, isSettled);
    expect(view).toMatchObject({ outcome: 'rejected', decision: { by: 'dev-agent' } });
    expect(view.timeline).toContainEqual(expect.objectContaining({ actor: 'operator:dev-agent', event: 'operator_reject', detail: expect.objectContaining({ role: 'agent' }) }));
    expect(view.timeline.map((e: { actor: string }) => e.actor)).not.toContain('operator:dev-viewer');
  });

  it('a supervisor, and OPS_TOKEN, read the reports', async () => {
    expect((await h.opsAs('supervisor').get(costs)).status).toBe(200);
    expect((await h.opsAs('ops-token').get(costs)).status).toBe(200);
  });
});
