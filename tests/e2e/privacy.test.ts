import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { requestedEvent } from '../../scripts/example-cases.js';
import { isSettled, startHarness, type Harness, type Mail } from './harness.js';

/**
 * Issue 16's "Done when" for privacy requests, on the local runtime `npm start` runs: a signed
 * `customer.data_requested` for a customer with a closed case yields an export a supervisor reads (a viewer gets 403),
 * then a signed `customer.redact_requested` leaves no trace of the person anywhere the API shows, while the case is
 * still found by its order id with its amounts (docs/privacy.md).
 */
vi.setConfig({ testTimeout: 90_000 });
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

/** Polls the privacy request as a supervisor until `done`. */
async function privacyRequest(id: string, done: (body: Record<string, any>) => boolean): Promise<Record<string, any>> {
  const supervisor = h.opsAs('supervisor');
  const deadline = Date.now() + 30_000;
  for (;;) {
    const res = await supervisor.get(`/ops/privacy/${id}`);
    if (res.status === 200 && done(res.body)) return res.body;
    if (Date.now() > deadline) throw new Error(`privacy request ${id} stayed ${JSON.stringify(res.body).slice(0, 300)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('privacy requests from the order platform', () => {
  it('export for a closed case, then redaction: gone from the case view, timeline, status page and a fresh export; found by order with its amounts', async () => {
    const suffix = randomUUID().slice(0, 8);
    const person = { name: `Privacy Person ${suffix}`, email: `privacy.${suffix}@example.com`, phone: '+8613911112222' };
    const words = `My neighbour ${suffix} signed for it but the box was already empty`;
    const customerId = `cus_privacy_${suffix}`;
    const event = requestedEvent({ caseType: 'delayed', trackingNumber: `SIM-LATE3-P${suffix.slice(0, 4)}`, locale: 'en', email: person.email, phone: person.phone });
    event.data.order.shipment.shippedAt = new Date(Date.now() - 20 * 86_400_000).toISOString();
    event.data.order.shipment.promisedBy = new Date(Date.now() - 15 * 86_400_000).toISOString();
    Object.assign(event.data.customer, { customerId, name: person.name });
    event.data.description = words;
    const sent = await h.platform.send(event);
    expect(sent.status).toBe(202);
    const caseId = String(sent.body.caseId);
    const closed = await h.ops.waitFor(caseId, isSettled);
    expect(closed).toMatchObject({ status: 'closed', outcome: 'approved', remedy: 'delay_subsidy', compensation: { amount: 1500 } });
    const hasStatusLink = (m: Mail) => /\/status\?token=/.test(m.body.text ?? '');
    const mail = (await h.emailsWhen(person.email, (all) => all.some(hasStatusLink))).find(hasStatusLink);
    const statusLink = new RegExp(`${h.pipeline.urls.api}/cases/${caseId}/status\\?token=[\\w.%-]+`).exec(mail!.body.text!)![0];

    // The customer asks for their data.
    const exportId = `pr-export-${suffix}`;
    const asked = await h.platform.send({ type: 'customer.data_requested', data: { privacyRequestId: exportId, customerId } });
    expect(asked).toMatchObject({ status: 202, body: { privacyRequestId: exportId } });
    expect((await h.opsAs('viewer').get(`/ops/privacy/${exportId}`)).body).toMatchObject({ error: 'forbidden', needs: 'supervisor' });
    const ready = await privacyRequest(exportId, (b) => b.status === 'ready');
    const exported = JSON.stringify(ready.export);
    expect(exported).toContain(person.email);
    expect(exported).toContain(words);
    expect(ready.export.cases.map((c: { caseId: string }) => c.caseId)).toEqual([caseId]);
    const audit = await h.opsAs('supervisor').get(`/ops/audit?caseId=${caseId}`);
    expect(audit.body.entries).toContainEqual(expect.objectContaining({ operator: 'dev-supervisor', read: ['privacy_export'] }));

    // Then to be forgotten.
    const redactId = `pr-redact-${suffix}`;
    const erase = await h.platform.send({ type: 'customer.redact_requested', data: { privacyRequestId: redactId, customerId } });
    expect(erase).toMatchObject({ status: 202, body: { privacyRequestId: redactId } });
    expect(await privacyRequest(redactId, (b) => b.status === 'completed')).toMatchObject({ caseIds: [caseId] });
    // The same request again: a duplicate, nothing new.
    expect(await h.platform.send({ type: 'customer.redact_requested', data: { privacyRequestId: redactId, customerId } })).toMatchObject({
      status: 202,
      body: { duplicate: true },
    });

    const traces = (text: string) => [person.name, person.email, person.phone, words].filter((s) => text.includes(s));
    const view = await h.opsAs('supervisor').get(`/ops/cases/${caseId}`);
    expect(traces(JSON.stringify(view.body))).toEqual([]);
    expect(view.body).toMatchObject({ description: '[redacted]', redacted: { cause: 'request', privacyRequestId: redactId } });
    const page = await (await fetch(statusLink)).text();
    expect(page).toMatch(/Redacted/);
    expect(traces(page)).toEqual([]);
    const freshId = `pr-export-again-${suffix}`;
    await h.platform.send({ type: 'customer.data_requested', data: { privacyRequestId: freshId, customerId } });
    const fresh = await privacyRequest(freshId, (b) => b.status === 'ready');
    expect(fresh.export.cases).toHaveLength(1);
    expect(traces(JSON.stringify(fresh))).toEqual([]);

    const byOrder = await h.opsAs('viewer').get(`/ops/cases?orderId=${encodeURIComponent(event.data.order.orderId)}`);
    expect(byOrder.body.cases.map((c: { caseId: string }) => c.caseId)).toEqual([caseId]);
    const after = await h.opsAs('viewer').get(`/ops/cases/${caseId}`);
    expect(after.body).toMatchObject({
      orderId: event.data.order.orderId,
      remedy: 'delay_subsidy',
      compensation: { amount: 1500, currency: 'CNY' },
      costs: { totals: closed.costs.totals },
    });
    expect(after.body.decision).toEqual(closed.decision);
  });

  it('a customer the pipeline never saw: an empty export and a completed redaction, never 404', async () => {
    const customerId = `cus_never_${randomUUID().slice(0, 8)}`;
    const a = await h.platform.send({ type: 'customer.data_requested', data: { privacyRequestId: `pr-${customerId}-a`, customerId } });
    const b = await h.platform.send({ type: 'customer.redact_requested', data: { privacyRequestId: `pr-${customerId}-b`, customerId } });
    expect([a.status, b.status]).toEqual([202, 202]);
    expect(await privacyRequest(`pr-${customerId}-a`, (x) => x.status === 'ready')).toMatchObject({ export: { cases: [] } });
    expect(await privacyRequest(`pr-${customerId}-b`, (x) => x.status === 'completed')).toMatchObject({ caseIds: [] });
  });

  it('a malformed request is refused 422 with the field named', async () => {
    const res = await h.platform.send({ type: 'customer.redact_requested', data: { customerId: 'cus_x' } });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ error: 'invalid_data', issues: [{ path: 'data.privacyRequestId', message: 'required' }] });
  });
});
