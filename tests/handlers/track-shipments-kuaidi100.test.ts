import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ShipmentStore } from '../../functions/adapters/shipment-store.js';
import { startCarrierSimulator, type CarrierSimulator } from '../../local/simulators/carrier.js';
import { importFresh, TABLE_NAME } from './env.js';
import { seedCase, unique } from './fixtures.js';
import { startTrackingEnv, type TrackingEnv } from './tracking-env.js';

type Handler = (typeof import('../../functions/handlers/track-shipments.js'))['handler'];

/**
 * The poller with CarrierProvider=kuaidi100 against the carrier simulator's Kuaidi100 protocol: its own key and the
 * configured customer id sign the queries, and a watched shipment is subscribed (订阅) once, on its first poll, with
 * our push route as callbackurl and the Kuaidi100 webhook secret as salt.
 */
const KEY = 'kd-key-test';
const CUSTOMER = 'KD-CUSTOMER-TEST';
let env: TrackingEnv;
let carrier: CarrierSimulator;
let shipments: ShipmentStore;
let handler: Handler;

const scheduled = (time: Date) => ({ 'detail-type': 'Scheduled Event', source: 'aws.events', time: time.toISOString().replace(/\.\d{3}Z$/, 'Z'), detail: {} });
const wholeSecond = (d = new Date()) => new Date(Math.floor(d.getTime() / 1000) * 1000);

beforeAll(async () => {
  env = await startTrackingEnv();
  carrier = await startCarrierSimulator({ kuaidi100: { key: KEY, customer: CUSTOMER } });
  shipments = new ShipmentStore(env.db, TABLE_NAME);
  handler = (
    await importFresh(() => import('../../functions/handlers/track-shipments.js'), {
      CARRIER_PROVIDER: 'kuaidi100',
      CARRIER_API_URL: `${carrier.url}/`,
      CARRIER_CODES: '{}',
      KUAIDI100_CUSTOMER: CUSTOMER,
      // Another provider's key must not be the one sent: each provider reads its own.
      CARRIER_API_KEY: 'shared-key-not-for-kuaidi100',
      CARRIER_API_KEY_KUAIDI100: KEY,
      CARRIER_WEBHOOK_SECRET: JSON.stringify({ kuaidi100: 'kd-salt' }),
      CARRIER_CALLBACK_BASE_URL: 'https://pipeline.example/',
      TRACKING_POLL_SECONDS: '3600',
      TRACKING_BACKOFF_BASE_SECONDS: '60',
      TRACKING_BACKOFF_CAP_SECONDS: '600',
      CARRIER_OUTAGE_ALERT_SECONDS: '600',
      PROACTIVE_DETECTION: 'off',
    })
  ).handler;
});

afterAll(async () => {
  await carrier?.close();
  await env?.close();
});

describe('track-shipments with Kuaidi100', () => {
  it('subscribes a watched shipment on its first poll, then looks it up with its own key and customer id', async () => {
    const now = wholeSecond();
    const trackingNumber = unique('SIM-TRANSIT').toUpperCase();
    const { caseId } = await seedCase(env.db, { record: { status: 'awaiting_return', waitingFor: 'return' } });
    const key = await shipments.watch({ carrier: 'SF', trackingNumber, provider: 'kuaidi100', watcher: { role: 'return', caseId } }, now);

    expect(await handler(scheduled(new Date(now.getTime() + 1000)))).toMatchObject({ polled: 1, updated: 1, failed: 0, unavailable: [] });
    expect(carrier.kuaidi100Subscriptions()).toContain(trackingNumber);
    const shipment = (await shipments.get(key))!;
    expect(shipment.subscribedAt).toBe(new Date(now.getTime() + 1000).toISOString());
    expect(shipment.status).toBe('in_transit');
    // One subscription, one query so far (a query signed with the wrong key would have answered 503 and failed).
    expect(carrier.lookupCount(trackingNumber)).toBe(1);
  });
});
