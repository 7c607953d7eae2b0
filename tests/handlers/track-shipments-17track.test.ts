import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaseStore } from '../../functions/adapters/case-store.js';
import { ShipmentStore } from '../../functions/adapters/shipment-store.js';
import { startCarrierSimulator, type CarrierSimulator } from '../../local/simulators/carrier.js';
import { importFresh, TABLE_NAME } from './env.js';
import { seedCase, unique } from './fixtures.js';
import { startTrackingEnv, type TrackingEnv } from './tracking-env.js';

type Handler = typeof import('../../functions/handlers/track-shipments.js')['handler'];

/**
 * The poller with CarrierProvider=17track against the carrier simulator's 17TRACK protocol: a watched number 17TRACK
 * stopped following (TRACKING_STOPPED, SIM-STOPPED-…) is asked to be followed again with its `retrack` API, once.
 */
const KEY = '17track-key-test';
let env: TrackingEnv;
let carrier: CarrierSimulator;
let shipments: ShipmentStore;
let handler: Handler;

const scheduled = (time: Date) => ({ 'detail-type': 'Scheduled Event', source: 'aws.events', time: time.toISOString().replace(/\.\d{3}Z$/, 'Z'), detail: {} });
const wholeSecond = (d = new Date()) => new Date(Math.floor(d.getTime() / 1000) * 1000);
const HOUR = 3_600_000;

beforeAll(async () => {
  env = await startTrackingEnv();
  carrier = await startCarrierSimulator({ seventeenTrackKey: KEY });
  shipments = new ShipmentStore(env.db, TABLE_NAME);
  handler = (
    await importFresh(() => import('../../functions/handlers/track-shipments.js'), {
      CARRIER_PROVIDER: '17track',
      CARRIER_API_URL: `${carrier.url}/`,
      CARRIER_CODES: '{}',
      CARRIER_API_KEY_17TRACK: KEY,
      CARRIER_WEBHOOK_SECRET: JSON.stringify({ '17track': KEY }),
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

describe('track-shipments with 17TRACK: a stopped number', () => {
  it('is retracked once while a case still watches it; the outcome is on the shipment and the case', async () => {
    const now = wholeSecond();
    const trackingNumber = unique('SIM-STOPPED-TRANSIT').toUpperCase();
    const { caseId } = await seedCase(env.db, { record: { status: 'awaiting_return', waitingFor: 'return' } });
    const key = await shipments.watch({ carrier: 'SF', trackingNumber, provider: '17track', watcher: { role: 'return', caseId } }, now);
    // First poll: registered with 17TRACK and looked up; nothing to restart yet.
    expect(await handler(scheduled(new Date(now.getTime() + 1000)))).toMatchObject({ polled: 1, failed: 0 });
    expect((await shipments.get(key))!.retrack).toBeUndefined();

    // 17TRACK stopped following it (its TRACKING_STOPPED push flags the shipment).
    expect(await shipments.flagTrackingIssue(key, 'tracking_stopped', new Date(now.getTime() + 2000))).toBe(true);
    expect(await handler(scheduled(new Date(now.getTime() + HOUR + 2000)))).toMatchObject({ failed: 0 });
    const shipment = (await shipments.get(key))!;
    expect(shipment.retrack).toEqual({ outcome: 'restarted', at: new Date(now.getTime() + HOUR + 2000).toISOString() });
    // The stopped flag stays: the silence so far decides nothing; the case's timeline says a restart was asked.
    expect(shipment.trackingIssue).toMatchObject({ reason: 'tracking_stopped' });
    const timeline = (await new CaseStore(env.db, TABLE_NAME).view(caseId))!.timeline;
    expect(timeline.filter((e) => e.event === 'tracking_restart_requested')).toEqual([
      expect.objectContaining({ actor: 'carrier', detail: { outcome: 'restarted', role: 'return', carrier: 'SF' } }),
    ]);

    // Later polls do not ask again (17TRACK restarts a number once).
    expect(await handler(scheduled(new Date(now.getTime() + 2 * HOUR + 2000)))).toMatchObject({ failed: 0 });
    expect((await new CaseStore(env.db, TABLE_NAME).view(caseId))!.timeline.filter((e) => e.event === 'tracking_restart_requested')).toHaveLength(1);
  });
});
