import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestedEvent } from '../../scripts/example-cases.js';
import { isSettled, startHarness, type Harness } from './harness.js';

/**
 * Carrier tracking through the whole local runtime: the carrier simulator pushes signed AfterShip webhooks to
 * /webhooks/carriers/aftership and the scheduler runs the TrackShipments poller every few seconds. Proactive
 * detection is switched on for this runtime (PROACTIVE_DETECTION=on, the stack parameter's local override).
 */
let h: Harness;
const saved = process.env.PROACTIVE_DETECTION;
beforeAll(async () => {
  process.env.PROACTIVE_DETECTION = 'on';
  // The provider-down alert after 2 s of failures (1 hour in AWS).
  h = await startHarness({ CARRIER_OUTAGE_ALERT_SECONDS: '2' });
});
afterAll(async () => {
  await h?.stop();
  if (saved === undefined) delete process.env.PROACTIVE_DETECTION;
  else process.env.PROACTIVE_DETECTION = saved;
});

const uniq = () => randomUUID().slice(0, 8).toUpperCase();
const events = (view: Record<string, any>) => (view.timeline as Array<{ event: string; actor: string }>).map((e) => e.event);
async function alerts(): Promise<Array<{ kind: string; caseId?: string; message: string; detail?: Record<string, unknown>; id?: string; count?: number; resolvedAt?: string }>> {
  const response = await fetch(`${h.pipeline.urls.api}/ops/alerts`, { headers: { authorization: `Bearer ${h.pipeline.config.opsToken}` } });
  return ((await response.json()) as { alerts: Awaited<ReturnType<typeof alerts>> }).alerts;
}
async function instructionsFor(caseId: string) {
  const response = await fetch(`${h.pipeline.orderPlatform.url}/v1/instructions?caseId=${caseId}`, {
    headers: { authorization: `Bearer ${h.pipeline.config.orderPlatformToken}` },
  });
  return ((await response.json()) as { instructions: Array<Record<string, any>> }).instructions;
}
async function until<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('a return whose arrival is detected from tracking', () => {
  it('resumes and closes without return.received: the carrier delivered it to the service center', async () => {
    const event = requestedEvent({ caseType: 'return', email: 'tracked.return@example.com' });
    const caseId = String((await h.platform.send(event)).body.caseId);
    await h.ops.waitFor(caseId, (v) => v.status === 'awaiting_return');

    const trackingNumber = `SIM-RETURN3-${uniq()}`;
    const shipped = await h.platform.send({ type: 'return.shipped', data: { requestId: event.data.requestId, carrier: 'SF', trackingNumber } });
    expect(shipped.status).toBe(202);

    const view = await h.ops.waitFor(caseId, isSettled, 90_000);
    expect(view).toMatchObject({ status: 'closed', outcome: 'approved', remedy: 'refund' });
    const arrival = view.timeline.find((e: any) => e.event === 'return_received');
    expect(arrival).toMatchObject({ actor: 'carrier' });
    // The arrival is the delivery scan's time, which the simulator puts 3 s after the parcel was registered.
    expect(view.returnReceivedAt).toBe(arrival.detail.receivedAt);
    expect(Date.parse(view.returnReceivedAt)).toBeLessThan(Date.parse(arrival.at));
    expect(events(view)).toEqual(expect.arrayContaining(['return_shipped', 'return_received', 'compensation_instructed', 'case_closed']));
    expect(await instructionsFor(caseId)).toHaveLength(1);

    // The simulator told the pipeline by push, signed, and the pipeline accepted it.
    const pushes = h.pipeline.carrier.pushes().filter((p) => p.trackingNumber === trackingNumber);
    expect(pushes.some((p) => p.tag === 'Delivered' && p.status === 200)).toBe(true);
    expect(pushes.every((p) => p.status === 200)).toBe(true);
  });

  it('a return.received from the service center as well changes nothing more', async () => {
    const event = requestedEvent({ caseType: 'return' });
    const caseId = String((await h.platform.send(event)).body.caseId);
    await h.ops.waitFor(caseId, (v) => v.status === 'awaiting_return');
    await h.platform.send({ type: 'return.shipped', data: { requestId: event.data.requestId, carrier: 'SF', trackingNumber: `SIM-RETURN2-${uniq()}` } });
    await h.ops.waitFor(caseId, (v) => Boolean(v.returnReceivedAt), 60_000);
    await h.platform.send({ type: 'return.received', data: { requestId: event.data.requestId, receivedAt: new Date().toISOString() } });
    const view = await h.ops.waitFor(caseId, isSettled, 60_000);
    expect(view).toMatchObject({ status: 'closed', outcome: 'approved' });
    expect(events(view).filter((e) => e === 'return_received')).toHaveLength(1);
    expect(await instructionsFor(caseId)).toHaveLength(1);
  });
});

describe('a carrier API that stays down, then recovers', () => {
  it('keeps the case waiting visibly (awaiting_carrier), alerts operators, and carries on intact when the carrier answers', async () => {
    // Answers 503 to its first 20 lookups: longer than the lookup's retries, several rounds of waiting.
    const trackingNumber = `SIM-DOWN20-LOST-${uniq()}`;
    const event = requestedEvent({ caseType: 'lost', trackingNumber });
    const caseId = String((await h.platform.send(event)).body.caseId);

    const waiting = await h.ops.waitFor(caseId, (v) => v.status === 'awaiting_carrier', 60_000);
    expect(waiting.waitingFor).toBe('carrier');
    // One alert for the provider's outage, counting the waiting cases (issue 16), not one per case.
    const outage = await until(
      async () => (await alerts()).find((a) => a.kind === 'carrier_provider_down' && a.detail?.provider === 'aftership' && (a.count ?? 0) >= 1),
      'the provider outage alert counting the case',
    );
    expect(outage.message).not.toMatch(/example\.com|\+86/);

    const view = await h.ops.waitFor(caseId, isSettled, 120_000);
    expect(view).toMatchObject({ status: 'closed', outcome: 'approved', remedy: 'reship' });
    expect(view.decision.rule).toBe('lost.carrier_confirmed');
    expect(events(view)).toEqual(expect.arrayContaining(['carrier_unavailable', 'carrier_available', 'carrier_confirmed']));
    expect(events(view)).not.toContain('step_failed');
    // One outage of the case, however many rounds it waited: one timeline entry, and no alert of its own.
    expect(events(view).filter((e) => e === 'carrier_unavailable')).toHaveLength(1);
    expect((await alerts()).filter((a) => a.caseId === caseId && String(a.kind).startsWith('carrier'))).toEqual([]);
    expect(view.carrierOutage).toMatchObject({ since: expect.any(String), endedAt: expect.any(String) });
    expect(h.pipeline.carrier.lookupCount(trackingNumber)).toBeGreaterThan(20);
    expect(await instructionsFor(caseId)).toHaveLength(1);

    // The provider's outage: one alert, closed when the provider answered again.
    const provider = (await alerts()).filter((a) => a.detail?.provider === 'aftership');
    expect(provider).toEqual([expect.objectContaining({ kind: 'carrier_provider_down', id: outage.id, resolvedAt: expect.any(String) })]);
  });
});

describe('a tracking number the carrier does not know', () => {
  it('is flagged on the case (GET /ops/cases) and to operators, and the case waits for an operator', async () => {
    const trackingNumber = `NOSUCH${uniq()}`;
    const caseId = String((await h.platform.send(requestedEvent({ caseType: 'lost', trackingNumber }))).body.caseId);
    const view = await h.ops.waitFor(caseId, isSettled, 60_000);
    expect(view).toMatchObject({
      status: 'needs_attention',
      failure: { error: 'TrackingNotFoundError' },
      trackingIssue: { reason: 'tracking_not_found', role: 'outbound', trackingNumber },
    });
    expect(events(view)).toContain('tracking_issue');
    expect((await alerts()).filter((a) => a.kind === 'tracking_not_found' && a.caseId === caseId)).toHaveLength(1);
  });
});

describe('proactive detection (switched on)', () => {
  it('opens a delayed case from a shipment.created parcel delivered late, before the customer complains', async () => {
    const now = Date.now();
    const day = 86_400_000;
    const event = requestedEvent({ caseType: 'delayed', trackingNumber: `SIM-LATE2-${uniq()}`, email: 'proactive.customer@example.com' });
    const { order, customer } = event.data;
    order.shipment.shippedAt = new Date(now - 20 * day).toISOString();
    order.shipment.promisedBy = new Date(now - 14 * day).toISOString();
    const accepted = await h.platform.send({ type: 'shipment.created', data: { order, customer } });
    expect(accepted.status).toBe(202);
    const caseId = String(accepted.body.caseId);

    const view = await h.ops.waitFor(caseId, isSettled, 90_000);
    expect(view).toMatchObject({ type: 'delayed', status: 'closed', outcome: 'approved', remedy: 'delay_subsidy', orderId: order.orderId });
    expect(view.timeline.find((e: any) => e.event === 'case_received')).toMatchObject({ actor: 'pipeline', detail: { reason: 'proactive_late_delivery' } });
    expect(view.carrier.delayWorkingDays).toBeGreaterThan(0);
    // The customer hears of it by the contact the platform gave with the shipment.
    const mails = await h.emailsWhen('proactive.customer@example.com', (all) => all.length > 0);
    expect(mails.length).toBeGreaterThan(0);
    // In words for what the pipeline noticed: no thanks for a claim the customer never made.
    expect(view.origin).toBe('proactive');
    expect(mails.map((m) => m.subject).join('\n')).toMatch(/Your parcel arrived later than we promised|您的包裹晚于承诺时间送达/);
    expect(mails.map((m) => `${m.subject}\n${m.body.text ?? ''}`).join('\n')).not.toMatch(/感谢您的反馈|Thanks for getting in touch/);
    expect(JSON.stringify(view)).not.toContain('proactive.customer@example.com');

    // The same shipment announced again opens nothing new.
    expect((await h.platform.send({ type: 'shipment.created', data: { order, customer } })).body.caseId).toBe(caseId);
  });
});
