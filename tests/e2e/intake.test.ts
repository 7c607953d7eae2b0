import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { caseIdFor } from '../../functions/domain/case-id.js';
import { DEV_WEBHOOK_SECRET } from '../../local/config.js';
import { requestedEvent } from '../../scripts/example-cases.js';
import { isSettled, startHarness, type Harness } from './harness.js';

/** The webhook edge: signatures, contract errors, duplicates; and the ops API's access rules. */
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

describe('signatures', () => {
  it('refuses a request signed with another secret', async () => {
    const res = await h.platform.send(requestedEvent({ caseType: 'lost' }), { secret: 'whsec_' + Buffer.from('not-the-secret').toString('base64') });
    expect(res).toEqual({ status: 401, body: { error: 'invalid_signature', message: expect.any(String) } });
  });

  it('refuses a stale timestamp', async () => {
    const res = await h.platform.send(requestedEvent({ caseType: 'lost' }), { signedAt: new Date(Date.now() - 10 * 60_000) });
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('stale_timestamp');
  });

  it('refuses an unsigned request', async () => {
    const res = await fetch(`${h.pipeline.urls.api}/webhooks/order-platform`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: 'missing_signature_headers' });
  });

  it('refuses a body changed after signing', async () => {
    const body = JSON.stringify({ ...requestedEvent({ caseType: 'lost' }), timestamp: new Date().toISOString() });
    const timestamp = new Date();
    const signature = new Webhook(DEV_WEBHOOK_SECRET).sign('msg_tamper', timestamp, body);
    const res = await fetch(`${h.pipeline.urls.api}/webhooks/order-platform`, {
      method: 'POST',
      headers: { 'webhook-id': 'msg_tamper', 'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)), 'webhook-signature': signature },
      body: body.replace('"quantity":1', '"quantity":9'),
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: 'invalid_signature' });
  });
});

describe('malformed bodies', () => {
  it('answers 400 for a body that is not JSON', async () => {
    const res = await h.platform.sendRaw('{"type": "aftersales.requested", ');
    expect(res).toEqual({ status: 400, body: { error: 'invalid_json', message: expect.any(String) } });
  });

  it('answers 422 with the paths of every broken field and never echoes values', async () => {
    const event = requestedEvent({ caseType: 'lost', email: 'not-an-email' });
    (event.data.order.items[0] as any).unitPrice = -5;
    delete (event.data as any).customer.tier;
    const res = await h.platform.send(event);
    expect(res.status).toBe(422);
    expect(res.body.error).toBe('invalid_data');
    const paths = (res.body.issues as Array<{ path: string }>).map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['data.order.items.0.unitPrice', 'data.customer.tier', 'data.customer.email']));
    expect(JSON.stringify(res.body)).not.toContain('not-an-email');
  });

  it('answers 422 for an unknown event type', async () => {
    const res = await h.platform.send({ type: 'order.exploded', data: { requestId: 'x' } });
    expect(res.status).toBe(422);
    expect(res.body.error).toBe('unsupported_event_type');
  });
});

describe('hostile but signed input (issue 11): refused with a 4xx, nothing created', () => {
  it('a requestId with a lone UTF-16 surrogate or a control character → 422 naming the field; no case', async () => {
    for (const requestId of [`req_\ud83d_${Date.now()}`, `req_\u0007_${Date.now()}`]) {
      const res = await h.platform.send(requestedEvent({ caseType: 'lost', requestId }));
      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({ error: 'invalid_data', issues: [{ path: 'data.requestId', message: expect.any(String) }] });
      expect((await h.ops.getCase(caseIdFor(requestId))).status).toBe(404);
    }
  });

  it.each(['XXX', 'ABC'])('currency %s → 422 on data.order.currency', async (currency) => {
    const event = requestedEvent({ caseType: 'return' });
    (event.data.order as { currency: string }).currency = currency;
    const res = await h.platform.send(event);
    expect(res.status).toBe(422);
    expect(res.body.issues).toEqual([{ path: 'data.order.currency', message: expect.stringContaining('ISO 4217') }]);
  });

  it('a 2 KB webhook-id → 400 invalid_webhook_id (not a retryable 503)', async () => {
    const res = await h.platform.send(requestedEvent({ caseType: 'lost' }), { webhookId: `msg_${'k'.repeat(2048)}` });
    expect(res).toEqual({ status: 400, body: { error: 'invalid_webhook_id', message: expect.any(String) } });
  });

  it('events for a request that does not exist → 404 unknown_request at once', async () => {
    const requestId = `req_never_${Date.now()}`;
    const at = new Date().toISOString();
    const events = [
      { type: 'aftersales.evidence_added', data: { requestId, evidence: [{ kind: 'photo', url: 'https://cdn.example.com/e/1.jpg' }] } },
      { type: 'aftersales.cancelled', data: { requestId } },
      { type: 'aftersales.remedy_chosen', data: { requestId, remedy: 'refund' } },
      { type: 'aftersales.disputed', data: { requestId, reason: 'please look again' } },
      { type: 'return.shipped', data: { requestId, carrier: 'SF', trackingNumber: 'SF9876543210987' } },
      { type: 'return.received', data: { requestId, receivedAt: at } },
      { type: 'compensation.completed', data: { requestId, instructionId: 'ins_1', status: 'completed', completedAt: at } },
    ];
    for (const event of events) {
      expect(await h.platform.send(event), event.type).toEqual({ status: 404, body: { error: 'unknown_request', message: expect.any(String) } });
    }
  });

  it('a dispute of a case still in progress is noted and acknowledged to the customer once; the case goes on as it was', async () => {
    const email = `disputer.${Date.now()}@example.com`;
    // A damaged-item claim without photos waits for them.
    const request = requestedEvent({ caseType: 'damaged', email, channels: ['email'], locale: 'en', evidence: [] });
    const caseId = String((await h.platform.send(request)).body.caseId);
    expect(await h.ops.waitFor(caseId, (v) => v.status === 'awaiting_evidence')).toMatchObject({ status: 'awaiting_evidence' });
    for (const reason of ['you should not need photos', 'still no photos from me']) {
      expect((await h.platform.send({ type: 'aftersales.disputed', data: { requestId: request.data.requestId, reason } })).status).toBe(202);
    }
    const view = await h.ops.waitFor(
      caseId,
      (v) =>
        v.timeline.filter((e: { event: string }) => e.event === 'dispute_received').length === 2 &&
        v.notices.some((n: { milestone: string; status: string }) => n.milestone === 'dispute_received' && n.status === 'sent'),
    );
    expect(view.status).toBe('awaiting_evidence');
    expect(view.timeline.map((e: { event: string }) => e.event)).not.toContain('dispute_opened');
    await h.pipeline.idle();
    const acks = (await h.emails(email)).filter((m) => m.subject.includes('added your message'));
    expect(acks).toHaveLength(1);
    expect(acks[0]!.body.text).not.toMatch(/appeal|again/);
  }, 90_000);

  it('an event sent right after its request’s 202 is accepted and applied once the case exists', async () => {
    const request = requestedEvent({ caseType: 'damaged', evidence: [] });
    const accepted = await h.platform.send(request);
    expect(accepted.status).toBe(202);
    const photo = { kind: 'photo', url: 'https://cdn.example.com/e/right-after.jpg' };
    const evidence = await h.platform.send({ type: 'aftersales.evidence_added', data: { requestId: request.data.requestId, evidence: [photo] } });
    expect(evidence).toEqual({ status: 202, body: { caseId: accepted.body.caseId } });
    const view = await h.ops.waitFor(String(accepted.body.caseId), isSettled);
    expect(view).toMatchObject({ status: 'closed', outcome: 'approved' });
    expect(view.timeline.map((e: { event: string }) => e.event)).toContain('evidence_added');
  });
});

describe('duplicates', () => {
  it('the same webhook-id or the same requestId returns the same case and creates nothing new', async () => {
    const event = requestedEvent({ caseType: 'lost', trackingNumber: 'SIM-LOST-DUP' });
    const first = await h.platform.send(event, { webhookId: 'msg_dup_1' });
    const again = await h.platform.send(event, { webhookId: 'msg_dup_1' });
    const resent = await h.platform.send(event, { webhookId: 'msg_dup_2' });
    expect(first).toEqual({ status: 202, body: { caseId: expect.stringMatching(/^AS-/) } });
    expect(again.body).toEqual({ caseId: first.body.caseId, duplicate: true });
    expect(resent.body.caseId).toBe(first.body.caseId);

    const view = await h.ops.waitFor(String(first.body.caseId), isSettled);
    expect(view.timeline.filter((e: any) => e.event === 'case_received')).toHaveLength(1);
    const executions = h.pipeline.stepFunctions
      .listStateMachines({})
      .stateMachines!.flatMap((m) => h.pipeline.stepFunctions.listExecutions({ stateMachineArn: m.stateMachineArn }).executions ?? []);
    expect(executions.filter((e) => e.name === first.body.caseId)).toHaveLength(1);
    const instructions = h.pipeline.orderPlatform.instructions().filter((i) => i.caseId === first.body.caseId);
    expect(instructions).toHaveLength(1);
  });

  it('a second open case for the same order and type is closed as a duplicate of the first', async () => {
    const first = requestedEvent({ caseType: 'exchange', orderId: 'ord_same_order' });
    const second = requestedEvent({ caseType: 'exchange', orderId: 'ord_same_order' });
    const firstId = String((await h.platform.send(first)).body.caseId);
    await h.ops.waitFor(firstId, (v) => v.status === 'awaiting_return');
    const secondId = String((await h.platform.send(second)).body.caseId);
    const view = await h.ops.waitFor(secondId, isSettled);
    expect(view).toMatchObject({ status: 'closed', outcome: 'duplicate' });
    expect(view.timeline.at(-1)).toMatchObject({ event: 'closed_as_duplicate', detail: { duplicateOf: firstId } });
  });
});

describe('the ops API', () => {
  it('requires the operator token and answers 404 for an unknown case', async () => {
    const anonymous = await fetch(`${h.pipeline.urls.api}/ops/cases/AS-0000000000AB`);
    expect(anonymous.status).toBe(401);
    const wrong = await fetch(`${h.pipeline.urls.api}/ops/cases/AS-0000000000AB`, { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    const unknown = await h.ops.getCase('AS-0000000000AB');
    expect(unknown).toEqual({ status: 404, body: { error: 'case_not_found', message: expect.any(String) } });
  });
});
