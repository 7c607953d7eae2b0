import { createHash, createHmac } from 'node:crypto';
import { DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CaseStore } from '../../functions/adapters/case-store.js';
import { OpsAlerts } from '../../functions/adapters/ops-alerts.js';
import { ShipmentStore } from '../../functions/adapters/shipment-store.js';
import { shipmentKey } from '../../functions/domain/shipment-watch.js';
import { watchReturn } from '../../functions/use-cases/tracking/watch-shipment.js';
import { fixture, fixtureText } from '../unit/carriers/fake-fetch.js';
import { apiEvent, importFresh, STACK_TRACE, TABLE_NAME } from './env.js';
import { seedCase, unique } from './fixtures.js';
import { startTrackingEnv, type TrackingEnv } from './tracking-env.js';

type Handler = typeof import('../../functions/handlers/carrier-webhook.js')['handler'];

const AFTERSHIP_SECRET = 'aftership-webhook-secret';
const KUAIDI100_SALT = 'kuaidi100-salt';
const SEVENTEEN_KEY = '17track-security-key';
let env: TrackingEnv;
let handler: Handler;
let shipments: ShipmentStore;

// Signatures computed here from each provider's documented algorithm, not with the code under test.
const afterShipSign = (body: string) => createHmac('sha256', AFTERSHIP_SECRET).update(body).digest('base64');
const seventeenSign = (body: string) => createHash('sha256').update(`${body}/${SEVENTEEN_KEY}`).digest('hex');
const kuaidi100Sign = (param: string) =>
  createHash('md5')
    .update(param + KUAIDI100_SALT)
    .digest('hex')
    .toUpperCase();

/** The provider's published delivered push (tests/fixtures), for another tracking number. */
function afterShipDelivered(trackingNumber: string): string {
  const body = fixture<Record<string, any>>('aftership', 'webhook-delivered');
  body.msg.tracking_number = trackingNumber;
  return JSON.stringify(body);
}

/** The same push for a parcel still on its way (two scans, in transit). */
function afterShipInTransit(trackingNumber: string): string {
  const body = fixture<Record<string, any>>('aftership', 'webhook-delivered');
  body.msg.tracking_number = trackingNumber;
  body.msg.tag = 'InTransit';
  body.msg.subtag = 'InTransit_001';
  body.msg.checkpoints = body.msg.checkpoints.slice(0, 2);
  return JSON.stringify(body);
}

const push = async (provider: string, body: string, headers: Record<string, string>) => {
  const res = await handler(
    apiEvent({ method: 'POST', path: `/webhooks/carriers/${provider}`, routeKey: 'POST /webhooks/carriers/{provider}', pathParameters: { provider }, headers, body }),
  );
  return { ...res, json: JSON.parse(String(res.body)) as Record<string, any> };
};

/** A return case waiting for its parcel, whose return shipment is watched. */
async function watchedReturn(trackingNumber: string) {
  const { caseId, record } = await seedCase(env.db, { record: { status: 'awaiting_return', waitingFor: 'return' } });
  const key = await shipments.watch({ carrier: 'SF', trackingNumber, provider: 'aftership', watcher: { role: 'return', caseId } }, new Date());
  return { caseId, record, key };
}

beforeAll(async () => {
  env = await startTrackingEnv();
  shipments = new ShipmentStore(env.db, TABLE_NAME);
  const tracking = {
    routing: { default: 'aftership', byCarrier: { ZTO: 'kuaidi100', CHINAPOST: '17track' } },
    providers: {
      aftership: { baseUrl: 'https://api.aftership.com/', codes: { SF: 'sf-express' } },
      kuaidi100: { baseUrl: 'https://poll.kuaidi100.com/', codes: { SF: 'shunfeng' }, customer: 'c' },
      '17track': { baseUrl: 'https://api.17track.net/' },
    },
  };
  handler = (
    await importFresh(() => import('../../functions/handlers/carrier-webhook.js'), {
      CARRIER_TRACKING: JSON.stringify(tracking),
      // One secret per provider, as the CarrierWebhookSecret may hold them.
      CARRIER_WEBHOOK_SECRET: JSON.stringify({ aftership: AFTERSHIP_SECRET, kuaidi100: KUAIDI100_SALT, '17track': SEVENTEEN_KEY }),
    })
  ).handler;
});

afterAll(async () => {
  await env?.close();
});

describe('carrier-webhook: refusals', () => {
  it('an unknown provider is 404 unknown_provider', async () => {
    const res = await push('dhl', '{}', {});
    expect(res.statusCode).toBe(404);
    expect(res.json.error).toBe('unknown_provider');
  });

  it('a wrong or missing signature is 401 invalid_signature, with the reason and no stack trace', async () => {
    const body = afterShipDelivered('SF-SIG-1');
    for (const headers of [{}, { 'aftership-hmac-sha256': createHmac('sha256', 'other').update(body).digest('base64') }] as Array<Record<string, string>>) {
      const res = await push('aftership', body, headers);
      expect(res.statusCode).toBe(401);
      expect(res.json).toEqual({ error: 'invalid_signature', message: expect.stringContaining('aftership') });
      expect(String(res.body)).not.toMatch(STACK_TRACE);
    }
  });

  it('a correctly signed body that is no tracking push is 422 malformed_push', async () => {
    const body = '{"event":"tracking_update","msg":{"tag":42}}';
    const res = await push('aftership', body, { 'aftership-hmac-sha256': afterShipSign(body) });
    expect(res.statusCode).toBe(422);
    expect(res.json.error).toBe('malformed_push');
  });
});

describe('carrier-webhook: updates', () => {
  it('a delivered return parcel: return.received goes to the intake queue (source carrier, delivery scan time), the shipment stops polling', async () => {
    const trackingNumber = unique('SF').toUpperCase();
    const { caseId, record, key } = await watchedReturn(trackingNumber);
    await env.drainIntake();
    const body = afterShipDelivered(trackingNumber);
    const res = await push('aftership', body, { 'aftership-hmac-sha256': afterShipSign(body) });
    expect(res.statusCode).toBe(200);
    expect(res.json).toEqual({ received: 1, applied: 1, ignored: 0 });

    const messages = await env.drainIntake();
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({
      caseId,
      source: 'carrier',
      event: { type: 'return.received', data: { requestId: record.requestId, receivedAt: '2025-10-16T06:00:00.000Z' } },
    });
    const item = await env.shipmentItem(key);
    expect(item).toMatchObject({ status: 'delivered', deliveredAt: '2025-10-16T06:00:00.000Z', lastSource: 'push' });
    expect(item?.gsi2pk).toBeUndefined();
    expect([...(item?.handled as Set<string>)]).toEqual([`return#${caseId}`]);
  });

  it('the same push again (providers retry) acts no more', async () => {
    const trackingNumber = unique('SF').toUpperCase();
    await watchedReturn(trackingNumber);
    const body = afterShipDelivered(trackingNumber);
    await push('aftership', body, { 'aftership-hmac-sha256': afterShipSign(body) });
    await env.drainIntake();
    const again = await push('aftership', body, { 'aftership-hmac-sha256': afterShipSign(body) });
    expect(again.statusCode).toBe(200);
    expect(await env.drainIntake()).toEqual([]);
  });

  /** The writes `run` makes to the shipment item, as their update expressions. */
  async function shipmentWrites(key: string, run: () => Promise<unknown>): Promise<string[]> {
    const send = vi.spyOn(DynamoDBDocumentClient.prototype, 'send');
    try {
      await run();
      return send.mock.calls.flatMap(([command]) => {
        if (!(command instanceof UpdateCommand || command instanceof PutCommand)) return [];
        const input = command.input as { Key?: Record<string, string>; Item?: Record<string, string>; UpdateExpression?: string };
        return (input.Key ?? input.Item)?.pk === `SHIPMENT#${key}` ? [input.UpdateExpression ?? 'Put'] : [];
      });
    } finally {
      send.mockRestore();
    }
  }

  it('a delivered return parcel is written once (state and handled watcher together); the same state again writes nothing', async () => {
    const trackingNumber = unique('SF').toUpperCase();
    const { caseId, key } = await watchedReturn(trackingNumber);
    const body = afterShipDelivered(trackingNumber);
    const signed = { 'aftership-hmac-sha256': afterShipSign(body) };
    const first = await shipmentWrites(key, () => push('aftership', body, signed));
    expect(first).toHaveLength(1);
    expect(first[0]).toMatch(/^SET .*lastSource = :source.* REMOVE .* ADD handled :h$/);
    const recorded = await env.shipmentItem(key);
    expect(recorded).toMatchObject({ status: 'delivered', lastSource: 'push' });
    expect([...(recorded?.handled as Set<string>)]).toEqual([`return#${caseId}`]);
    expect(await env.drainIntake()).toHaveLength(1);

    // The provider's retry, or the poll finding what the push brought: the item already says all of it.
    expect(await shipmentWrites(key, () => push('aftership', body, signed))).toEqual([]);
    expect(await env.shipmentItem(key)).toEqual(recorded);
    expect(await env.drainIntake()).toEqual([]);
  });

  it('the same state is still written while it changes something: a parcel on its way is due again, a failed poll is cleared', async () => {
    const trackingNumber = unique('SF').toUpperCase();
    const { key } = await watchedReturn(trackingNumber);
    const text = afterShipInTransit(trackingNumber);
    await push('aftership', text, { 'aftership-hmac-sha256': afterShipSign(text) });
    expect(await shipmentWrites(key, () => push('aftership', text, { 'aftership-hmac-sha256': afterShipSign(text) }))).toHaveLength(1);

    // Delivered, then a failed poll written over it (dc65987's failure write was unconditional, so its poll racing the
    // push could leave this, during a deploy too): the repeated state clears the failure.
    const body = afterShipDelivered(trackingNumber);
    await push('aftership', body, { 'aftership-hmac-sha256': afterShipSign(body) });
    await env.drainIntake();
    expect(await shipments.recordPollFailure({ key, provider: 'aftership' }, 1, new Date().toISOString(), 'CarrierUnavailableError')).toBe(true);
    expect(await env.shipmentItem(key)).toMatchObject({ failures: 1, gsi2pk: 'POLL#aftership' });
    expect(await shipmentWrites(key, () => push('aftership', body, { 'aftership-hmac-sha256': afterShipSign(body) }))).toHaveLength(1);
    const item = await env.shipmentItem(key);
    expect(item).toMatchObject({ status: 'delivered', failures: 0 });
    expect(item?.lastError).toBeUndefined();
    expect(item?.gsi2pk).toBeUndefined();
    expect(await env.drainIntake()).toEqual([]);
  });

  it('a delivered parcel put back in the poll index (a redelivered return.shipped) is taken out by the same state again', async () => {
    const trackingNumber = unique('SF').toUpperCase();
    const { caseId, key } = await watchedReturn(trackingNumber);
    const body = afterShipDelivered(trackingNumber);
    const signed = { 'aftership-hmac-sha256': afterShipSign(body) };
    await push('aftership', body, signed);
    expect(await env.drainIntake()).toHaveLength(1);
    // The intake's redelivery of return.shipped registers the parcel again: due for a poll at once.
    await watchReturn({ shipments, providerFor: () => 'aftership', proactiveEnabled: () => false }, { caseId }, 'SF', trackingNumber, new Date());
    expect((await env.shipmentItem(key))?.gsi2pk).toBe('POLL#aftership');

    expect(await shipmentWrites(key, () => push('aftership', body, signed))).toHaveLength(1);
    const item = await env.shipmentItem(key);
    expect(item).toMatchObject({ status: 'delivered' });
    expect(item?.gsi2pk).toBeUndefined();
    expect(item?.nextPollAt).toBeUndefined();
    expect(await env.drainIntake()).toEqual([]);
  });

  it('a parcel still on its way is recorded and stays in the poll index; nothing is queued', async () => {
    const trackingNumber = unique('SF').toUpperCase();
    const { key } = await watchedReturn(trackingNumber);
    await env.drainIntake();
    const text = afterShipInTransit(trackingNumber);
    const res = await push('aftership', text, { 'aftership-hmac-sha256': afterShipSign(text) });
    expect(res.json).toEqual({ received: 1, applied: 1, ignored: 0 });
    expect(await env.drainIntake()).toEqual([]);
    const item = await env.shipmentItem(key);
    expect(item).toMatchObject({ status: 'in_transit', gsi2pk: 'POLL#aftership' });
    expect(Date.parse(item!.nextPollAt)).toBeGreaterThan(Date.now());
  });

  it('a push older than the stored state (providers do not guarantee order) changes nothing', async () => {
    const trackingNumber = unique('SF').toUpperCase();
    const { key } = await watchedReturn(trackingNumber);
    const delivered = afterShipDelivered(trackingNumber);
    await push('aftership', delivered, { 'aftership-hmac-sha256': afterShipSign(delivered) });
    const older = fixture<Record<string, any>>('aftership', 'webhook-delivered');
    Object.assign(older.msg, { tracking_number: trackingNumber, tag: 'InTransit', subtag: 'InTransit_001', checkpoints: older.msg.checkpoints.slice(0, 2) });
    const text = JSON.stringify(older);
    expect((await push('aftership', text, { 'aftership-hmac-sha256': afterShipSign(text) })).statusCode).toBe(200);
    expect(await env.shipmentItem(key)).toMatchObject({ status: 'delivered' });
    expect((await env.shipmentItem(key))?.gsi2pk).toBeUndefined();
    expect(await env.drainIntake()).toHaveLength(1);
  });

  it('a push about a parcel nobody watches is acknowledged (200) and ignored', async () => {
    const body = afterShipDelivered(unique('SF').toUpperCase());
    const res = await push('aftership', body, { 'aftership-hmac-sha256': afterShipSign(body) });
    expect(res.statusCode).toBe(200);
    expect(res.json).toEqual({ received: 1, applied: 0, ignored: 1 });
    expect(await env.drainIntake()).toEqual([]);
  });

  it('Kuaidi100: a form-encoded push signed with the salt, answered the way Kuaidi100 expects', async () => {
    const trackingNumber = unique('SF').toUpperCase();
    const { caseId, key } = await watchedReturn(trackingNumber);
    await env.drainIntake();
    const param = JSON.parse(fixtureText('kuaidi100', 'push-delivered')) as Record<string, any>;
    param.lastResult.nu = trackingNumber;
    const paramText = JSON.stringify(param);
    const form = new URLSearchParams({ sign: kuaidi100Sign(paramText), param: paramText }).toString();
    const res = await push('kuaidi100', form, { 'content-type': 'application/x-www-form-urlencoded' });
    expect(res.statusCode).toBe(200);
    expect(res.json).toEqual({ result: true, returnCode: '200', message: '成功' });
    expect((await env.drainIntake()).map((m) => m.caseId)).toEqual([caseId]);
    expect(shipmentKey('SF', trackingNumber)).toBe(key);

    const bad = await push('kuaidi100', new URLSearchParams({ sign: 'X', param: paramText }).toString(), {});
    expect(bad.statusCode).toBe(401);
  });
});

describe('carrier-webhook: the provider stops following a number, or does not know it', () => {
  it("17TRACK's TRACKING_STOPPED flags the watching case (tracking_stopped) and alerts operators once; the parcel stays polled", async () => {
    const cases = new CaseStore(env.db, TABLE_NAME);
    const alerts = new OpsAlerts(env.db, TABLE_NAME);
    // 17TRACK's published TRACKING_STOPPED sample: China Post (17TRACK carrier 3011) RR123456789CN.
    const body = fixtureText('17track', 'webhook-stopped');
    const { caseId } = await seedCase(env.db, { record: { status: 'awaiting_return', waitingFor: 'return' } });
    const key = await shipments.watch({ carrier: 'CHINAPOST', trackingNumber: 'RR123456789CN', provider: '17track', watcher: { role: 'return', caseId } }, new Date());
    for (let i = 0; i < 2; i++) expect((await push('17track', body, { sign: seventeenSign(body) })).statusCode).toBe(200);

    const view = (await cases.view(caseId))!;
    expect(view.case.trackingIssue).toMatchObject({ reason: 'tracking_stopped', role: 'return', carrier: 'CHINAPOST', trackingNumber: 'RR123456789CN' });
    expect((await alerts.recent(100)).filter((a) => a.kind === 'tracking_stopped' && a.caseId === caseId)).toHaveLength(1);
    const shipment = (await shipments.get(key))!;
    expect(shipment.trackingIssue).toMatchObject({ reason: 'tracking_stopped' });
    expect(shipment.nextPollAt).toBeDefined();
  });

  it('a TRACKING_UPDATED whose number is NotFound_InvalidCode flags tracking_not_found instead of recording a pending parcel', async () => {
    const cases = new CaseStore(env.db, TABLE_NAME);
    const trackingNumber = unique('RR').toUpperCase();
    const data = { ...fixture<Record<string, any>>('17track', 'invalid-code').data.accepted[0], number: trackingNumber, carrier: 3011 };
    const body = JSON.stringify({ event: 'TRACKING_UPDATED', data });
    const { caseId } = await seedCase(env.db, { record: { status: 'awaiting_return', waitingFor: 'return' } });
    const key = await shipments.watch({ carrier: 'CHINAPOST', trackingNumber, provider: '17track', watcher: { role: 'return', caseId } }, new Date());
    expect((await push('17track', body, { sign: seventeenSign(body) })).statusCode).toBe(200);
    expect((await cases.view(caseId))!.case.trackingIssue).toMatchObject({ reason: 'tracking_not_found', trackingNumber });
    expect((await shipments.get(key))!.status).toBeUndefined();
  });

  it("Kuaidi100's comNew is recorded on the shipment watched under comOld", async () => {
    const param = JSON.stringify(JSON.parse(fixtureText('kuaidi100', 'push-corrected-com')));
    const { caseId } = await seedCase(env.db, { record: { status: 'awaiting_return', waitingFor: 'return' } });
    const key = await shipments.watch({ carrier: 'YTO', trackingNumber: 'V030344422', provider: 'kuaidi100', watcher: { role: 'return', caseId } }, new Date());
    const res = await push('kuaidi100', new URLSearchParams({ sign: kuaidi100Sign(param), param }).toString(), { 'content-type': 'application/x-www-form-urlencoded' });
    expect(res.statusCode).toBe(200);
    expect(await shipments.get(key)).toMatchObject({ correctedCarrier: 'EMS', status: 'in_transit' });
  });
});
