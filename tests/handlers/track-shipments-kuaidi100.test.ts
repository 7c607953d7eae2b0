import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ShipmentStore } from '../../functions/adapters/shipment-store.js';
import { startCarrierSimulator, type CarrierSimulator } from '../../local/simulators/carrier.js';
import { importFresh, TABLE_NAME } from './env.js';
import { seedCase, unique } from './fixtures.js';
import { startTrackingEnv, type TrackingEnv } from './tracking-env.js';

type Handler = typeof import('../../functions/handlers/track-shipments.js')['handler'];

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
let refusingHandler: Handler;
let proxy: Server;
/** What the proxy answers Kuaidi100's /poll (订阅) with, one answer per subscription; then it passes them through. */
const subscribeAnswers: unknown[] = [];
let subscribeAttempts = 0;
const fixture = (name: string) => JSON.parse(readFileSync(`tests/fixtures/carriers/kuaidi100/${name}.json`, 'utf8')) as unknown;

const scheduled = (time: Date) => ({ 'detail-type': 'Scheduled Event', source: 'aws.events', time: time.toISOString().replace(/\.\d{3}Z$/, 'Z'), detail: {} });
const wholeSecond = (d = new Date()) => new Date(Math.floor(d.getTime() / 1000) * 1000);

const handlerEnv = (apiUrl: string) => ({
  CARRIER_PROVIDER: 'kuaidi100',
  CARRIER_API_URL: apiUrl,
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
});

beforeAll(async () => {
  env = await startTrackingEnv();
  carrier = await startCarrierSimulator({ kuaidi100: { key: KEY, customer: CUSTOMER } });
  shipments = new ShipmentStore(env.db, TABLE_NAME);
  handler = (await importFresh(() => import('../../functions/handlers/track-shipments.js'), handlerEnv(`${carrier.url}/`))).handler;
  // Kuaidi100 as it refuses subscriptions: /poll answers the scripted refusal, queries go to the simulator.
  proxy = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        if (req.url === '/poll' && subscribeAnswers.length > 0) {
          subscribeAttempts += 1;
          res.writeHead(200, { 'content-type': 'application/json;charset=UTF-8' }).end(JSON.stringify(subscribeAnswers.shift()));
          return;
        }
        if (req.url === '/poll') subscribeAttempts += 1;
        const upstream = await fetch(`${carrier.url}${req.url}`, {
          method: req.method,
          headers: { 'content-type': String(req.headers['content-type'] ?? '') },
          body: Buffer.concat(chunks),
        });
        res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' }).end(await upstream.text());
      })();
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/`;
  refusingHandler = (await importFresh(() => import('../../functions/handlers/track-shipments.js'), handlerEnv(proxyUrl))).handler;
});

afterAll(async () => {
  await new Promise((resolve) => proxy?.close(resolve));
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

describe('track-shipments with Kuaidi100 refusing the subscription', () => {
  /**
   * Kuaidi100's published answers of its 订阅 (poll) API (subscription document's returnCode table, as quoted by
   * integrations, e.g. the Go handler and Java DTOs indexed with "700: 订阅方的订阅数据存在错误（如不支持的快递公司、单号为空、
   * 单号超长等）或错误的回调地址" and "601: POLL:KEY已过期"): fixtures subscribe-refused-data.json and key-expired.json.
   */
  it.each([
    ['700 (subscription data refused)', 'subscribe-refused-data'],
    ['601 (key expired)', 'key-expired'],
  ])('%s: the shipment is still polled, and the subscription is asked again at the next poll', async (_name, refusal) => {
    const now = wholeSecond();
    const trackingNumber = unique('SIM-TRANSIT').toUpperCase();
    const { caseId } = await seedCase(env.db, { record: { status: 'awaiting_return', waitingFor: 'return' } });
    const key = await shipments.watch({ carrier: 'SF', trackingNumber, provider: 'kuaidi100', watcher: { role: 'return', caseId } }, now);
    subscribeAnswers.push(fixture(refusal));
    const before = subscribeAttempts;

    expect(await refusingHandler(scheduled(new Date(now.getTime() + 1000)))).toMatchObject({ polled: 1, updated: 1, failed: 0, unavailable: [] });
    expect(subscribeAttempts - before).toBe(1);
    let shipment = (await shipments.get(key))!;
    expect(shipment.status).toBe('in_transit');
    expect(shipment.subscribedAt).toBeUndefined();
    expect(carrier.lookupCount(trackingNumber)).toBe(1);

    // The next poll (an hour on, when earlier tests' shipments are due too): asked again, and this time accepted.
    expect(await refusingHandler(scheduled(new Date(now.getTime() + 3_601_000)))).toMatchObject({ failed: 0, unavailable: [] });
    expect(subscribeAttempts - before).toBe(2);
    shipment = (await shipments.get(key))!;
    expect(shipment.subscribedAt).toBe(new Date(now.getTime() + 3_601_000).toISOString());
    expect(carrier.kuaidi100Subscriptions()).toContain(trackingNumber);
    expect(carrier.lookupCount(trackingNumber)).toBe(2);
  });
});
