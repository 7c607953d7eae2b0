import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestedEvent } from '../../scripts/example-cases.js';
import { isSettled, startHarness, type Harness, type Mail } from './harness.js';

/** Real cases through the HTTP API of the local runtime, from webhook to closed case. */
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

async function instructionsFor(caseId: string) {
  const response = await fetch(`${h.pipeline.orderPlatform.url}/v1/instructions?caseId=${caseId}`, {
    headers: { authorization: `Bearer ${h.pipeline.config.orderPlatformToken}` },
  });
  return ((await response.json()) as { instructions: Array<Record<string, any>> }).instructions;
}

describe('a lost parcel', () => {
  it('is confirmed by the carrier, reshipped once, notified by email and SMS, and closed', async () => {
    const event = requestedEvent({ caseType: 'lost', trackingNumber: 'SIM-LOST-E2E1', email: 'lost.customer@example.com', phone: '+8613900000001' });
    const accepted = await h.platform.send(event);
    expect(accepted.status).toBe(202);
    const caseId = String(accepted.body.caseId);

    const view = await h.ops.waitFor(caseId, isSettled, 60_000);
    expect(view).toMatchObject({ status: 'closed', outcome: 'approved', remedy: 'reship', type: 'lost' });
    expect(view.decision.rule).toBe('lost.carrier_confirmed');
    expect(view.timeline.map((e: any) => e.event)).toEqual(
      expect.arrayContaining(['case_received', 'classified', 'review_approve', 'carrier_confirmed', 'compensation_instructed', 'survey_sent', 'case_closed']),
    );

    const instructions = await instructionsFor(caseId);
    expect(instructions).toHaveLength(1);
    expect(instructions[0]).toMatchObject({ kind: 'reship', orderId: event.data.order.orderId, items: [{ sku: 'SKU-KETTLE-1', quantity: 1 }] });

    const bothSent = (all: Mail[]) => ['已收到', '重新发货'].every((words) => all.some((m) => m.subject.includes(words)));
    const mails = await h.emailsWhen('lost.customer@example.com', bothSent);
    expect(mails.map((m) => m.subject)).toEqual(expect.arrayContaining([expect.stringContaining('已收到'), expect.stringContaining('重新发货')]));
    expect(mails.every((m) => m.body.text?.includes(caseId))).toBe(true);
    const sms = h.pipeline.sms.messages({ to: '+8613900000001' });
    expect(sms.length).toBeGreaterThanOrEqual(4);
    expect(sms[0]!.body).toContain('已收到');

    // Notices of one case arrive in milestone order (FIFO per case), each once per channel.
    const emailOrder = view.notices.filter((n: any) => n.channel === 'email').map((n: any) => n.milestone);
    expect(emailOrder.slice(0, 4), JSON.stringify(view.notices)).toEqual(['received', 'decided', 'remedy_choice_needed', 'resolved']);
    expect(new Set(view.notices.map((n: any) => `${n.milestone}/${n.channel}`)).size).toBe(view.notices.length);
    // The operator view carries no contact details.
    expect(JSON.stringify(view)).not.toMatch(/lost\.customer|\+8613900000001|陈小明/);
  });
});

describe('a late delivery', () => {
  it('is measured in working days and compensated with a capped subsidy', async () => {
    const event = requestedEvent({ caseType: 'delayed', trackingNumber: 'SIM-LATE3-E2E2' });
    event.data.order.shipment.shippedAt = new Date(Date.now() - 20 * 86_400_000).toISOString();
    event.data.order.shipment.promisedBy = new Date(Date.now() - 15 * 86_400_000).toISOString();
    const { body } = await h.platform.send(event);
    const caseId = String(body.caseId);
    const view = await h.ops.waitFor(caseId, isSettled);
    expect(view).toMatchObject({ status: 'closed', outcome: 'approved', remedy: 'delay_subsidy' });
    expect(view.carrier.delayWorkingDays).toBe(3);
    const [instruction] = await instructionsFor(caseId);
    expect(instruction).toMatchObject({ kind: 'coupon', amount: 1500, currency: 'CNY' });
  });
});

describe('a return', () => {
  it('waits for the parcel, starts the service clock at arrival, refunds once and closes', async () => {
    const event = requestedEvent({ caseType: 'return', locale: 'en', email: 'return.customer@example.com' });
    const { body } = await h.platform.send(event);
    const caseId = String(body.caseId);
    await h.ops.waitFor(caseId, (v) => v.status === 'awaiting_return');
    expect(await instructionsFor(caseId)).toHaveLength(0);

    const requestId = event.data.requestId;
    expect((await h.platform.send({ type: 'return.shipped', data: { requestId, carrier: 'SF', trackingNumber: 'SIM-DELIVERED-RET1' } })).status).toBe(202);
    // A fixed arrival inside the calendar's data, so the due date never depends on the day the suite runs.
    const receivedAt = '2026-06-01T02:00:00.000Z';
    expect((await h.platform.send({ type: 'return.received', data: { requestId, receivedAt } })).status).toBe(202);

    const view = await h.ops.waitFor(caseId, isSettled);
    expect(view).toMatchObject({ status: 'closed', outcome: 'approved', remedy: 'refund', returnReceivedAt: receivedAt });
    expect(Date.parse(view.dueAt)).toBeGreaterThan(Date.parse(receivedAt) + 7 * 86_400_000);
    const instructions = await instructionsFor(caseId);
    expect(instructions).toHaveLength(1);
    expect(instructions[0]).toMatchObject({ kind: 'refund', amount: 19900, currency: 'CNY', refundTo: 'original_payment' });
    const bothSent = (all: Mail[]) => [/send .*back/i, /refund/i].every((words) => all.some((m) => words.test(m.subject)));
    const subjects = (await h.emailsWhen('return.customer@example.com', bothSent)).map((m) => m.subject);
    expect(subjects).toEqual(expect.arrayContaining([expect.stringMatching(/send .*back/i), expect.stringMatching(/refund/i)]));
  });

  it('of a perishable item is refused with the reason in plain words', async () => {
    const event = requestedEvent({ caseType: 'return', category: 'perishable', locale: 'en', email: 'perishable@example.com' });
    const caseId = String((await h.platform.send(event)).body.caseId);
    const view = await h.ops.waitFor(caseId, (v) => isSettled(v) && v.notices.some((n: any) => n.milestone === 'decided' && n.channel === 'email'));
    expect(view).toMatchObject({ status: 'closed', outcome: 'rejected' });
    expect(view.decision).toMatchObject({ rule: 'return.excluded_category', reasonCode: 'category_excluded' });
    const [mail] = (await h.emails('perishable@example.com')).filter((m) => m.subject.includes('approve'));
    expect(mail?.body.text).toContain('cannot be returned without a reason');
    expect(await instructionsFor(caseId)).toHaveLength(0);
  });

  it('cancelled while the parcel is awaited ends cleanly and pays nothing', async () => {
    const event = requestedEvent({ caseType: 'exchange' });
    const caseId = String((await h.platform.send(event)).body.caseId);
    await h.ops.waitFor(caseId, (v) => v.status === 'awaiting_return');
    await h.platform.send({ type: 'aftersales.cancelled', data: { requestId: event.data.requestId, reason: 'changed my mind' } });
    const view = await h.ops.waitFor(caseId, (v) => isSettled(v) && v.notices.some((n: any) => n.milestone === 'cancelled'));
    expect(view).toMatchObject({ status: 'closed', outcome: 'cancelled' });
    expect(await instructionsFor(caseId)).toHaveLength(0);
  });
});

describe('a damaged item without a photo', () => {
  it('waits for evidence, then is approved and refunded', async () => {
    const event = requestedEvent({ caseType: 'damaged' });
    const caseId = String((await h.platform.send(event)).body.caseId);
    const waiting = await h.ops.waitFor(caseId, (v) => v.status === 'awaiting_evidence' && v.waitingFor === 'evidence');
    expect(waiting.decision.rule).toBe('damaged.photo_required');
    await h.platform.send({
      type: 'aftersales.evidence_added',
      data: { requestId: event.data.requestId, evidence: [{ kind: 'photo', url: 'https://img.example.com/crack.jpg' }] },
    });
    const view = await h.ops.waitFor(caseId, isSettled);
    expect(view).toMatchObject({ status: 'closed', outcome: 'approved', remedy: 'refund' });
    expect(view.notices.map((n: any) => n.milestone)).toContain('evidence_needed');
    expect(await instructionsFor(caseId)).toHaveLength(1);
  });
});

describe('a carrier API that is down', () => {
  it('makes the case wait and retry, then recovers with the case intact', async () => {
    const event = requestedEvent({ caseType: 'lost', trackingNumber: 'SIM-DOWN2-LOST-E2E3' });
    const caseId = String((await h.platform.send(event)).body.caseId);
    const view = await h.ops.waitFor(caseId, isSettled);
    expect(view).toMatchObject({ status: 'closed', outcome: 'approved', remedy: 'reship' });
    // Two 503s, then the AfterShip adapter's first success: a list that finds nothing and the create that registers it.
    expect(h.pipeline.carrier.lookupCount('SIM-DOWN2-LOST-E2E3')).toBe(4);
    expect(await instructionsFor(caseId)).toHaveLength(1);
  });
});

describe('the survey', () => {
  it('is answered through its link and closes the case with the rating', async () => {
    const event = requestedEvent({ caseType: 'missing_part', locale: 'en', email: 'survey.customer@example.com', channels: ['email'] });
    const caseId = String((await h.platform.send(event)).body.caseId);
    await h.ops.waitFor(caseId, (v) => v.notices.some((n: any) => n.milestone === 'survey_invitation'));
    const isInvitation = (m: Mail) => m.subject.startsWith('How did we do');
    const invitation = (await h.emailsWhen('survey.customer@example.com', (all) => all.some(isInvitation))).find(isInvitation);
    const link = /https?:\/\/\S+\/surveys\/[A-Za-z0-9_-]+/.exec(invitation?.body.text ?? '')?.[0];
    expect(link).toBeDefined();
    const form = await fetch(link!);
    expect(form.status).toBe(200);
    expect(await form.text()).toContain('name="rating"');
    const answer = await fetch(link!, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'rating=2&comment=slow' });
    expect(answer.status).toBe(200);
    expect(await answer.text()).toContain('Thank you');
    const view = await h.ops.waitFor(caseId, isSettled);
    expect(view).toMatchObject({ status: 'closed', outcome: 'approved', survey: { rating: 2 } });
    expect((await fetch(link!, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'rating=5' })).status).toBe(410);
  });
});
