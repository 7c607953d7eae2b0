import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_OPS_TOKEN } from '../../local/config.js';
import { requestedEvent } from '../../scripts/example-cases.js';
import { startHarness, type Harness } from './harness.js';

/** An operator finds a case the order platform sent, through the public HTTP API, as `npm start` serves it. */
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

const ops = (path: string, init: RequestInit = {}) =>
  fetch(`${h.pipeline.urls.api}${path}`, { ...init, headers: { authorization: `Bearer ${DEV_OPS_TOKEN}`, ...(init.headers as Record<string, string>) } });

async function findByOrder(orderId: string, timeoutMs = 20_000): Promise<Array<Record<string, any>>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await ops(`/ops/cases?orderId=${encodeURIComponent(orderId)}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { cases: Array<Record<string, any>> };
    if (body.cases.length > 0 || Date.now() > deadline) return body.cases;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('finding a case', () => {
  it('a case sent as a signed webhook is found by its order id, exported as CSV, claimed, and its view is in the access log', async () => {
    const orderId = `ord_${randomUUID().slice(0, 8)}`;
    const sent = await h.platform.send(requestedEvent({ caseType: 'damaged', orderId }));
    expect(sent.status).toBe(202);
    const caseId = sent.body.caseId as string;

    const found = await findByOrder(orderId);
    expect(found).toEqual([expect.objectContaining({ caseId, orderId, type: 'damaged', createdAt: expect.any(String) })]);
    expect(JSON.stringify(found)).not.toMatch(/@|\+86|"name"/);

    const csv = await ops(`/ops/cases?orderId=${orderId}`, { headers: { accept: 'text/csv' } });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const lines = (await csv.text()).trimEnd().split('\r\n');
    expect(lines[0]).toBe('caseId,type,status,outcome,orderId,requestId,customerId,createdAt,priority,assignee,dueAt');
    expect(lines[1]).toMatch(new RegExp(`^${caseId},damaged,`));

    // The harness's token is a supervisor named ops-token: it claims the case and reads its view, which is logged.
    // A damaged parcel without photos waits for the customer's evidence, so the case is open to claim.
    const claim = await ops(`/ops/cases/${caseId}/assign`, { method: 'POST' });
    expect(claim.status).toBe(200);
    expect(await claim.json()).toEqual({ caseId, assignee: 'ops-token' });
    expect((await ops(`/ops/cases/${caseId}`)).status).toBe(200);
    const audit = await ops(`/ops/audit?caseId=${caseId}`);
    expect(audit.status).toBe(200);
    expect(((await audit.json()) as { entries: Array<Record<string, any>> }).entries[0]).toMatchObject({ caseId, operator: 'ops-token', read: ['description'] });
  });
});
