import { DeleteCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TrackingNotFoundError, type CarrierTracker } from '../../functions/adapters/carrier-tracker.js';
import type { ProviderLimit } from '../../functions/adapters/carriers/limits.js';
import { CaseStore } from '../../functions/adapters/case-store.js';
import { OpsAlerts } from '../../functions/adapters/ops-alerts.js';
import { ProviderHealthStore } from '../../functions/adapters/provider-health.js';
import { QueueSender } from '../../functions/adapters/queues.js';
import { ShipmentStore } from '../../functions/adapters/shipment-store.js';
import type { TrackingSnapshot } from '../../functions/domain/carrier-verdict.js';
import { caseIdFor } from '../../functions/domain/case-id.js';
import { proactiveRequestId } from '../../functions/domain/shipment-watch.js';
import type { IntakeMessage } from '../../functions/schemas/messages.js';
import { applyTracking } from '../../functions/use-cases/tracking/apply-tracking.js';
import { pollShipments, type PollDeps } from '../../functions/use-cases/tracking/poll-shipments.js';
import { watchProactive } from '../../functions/use-cases/tracking/watch-shipment.js';
import { startCarrierSimulator, type CarrierSimulator } from '../../local/simulators/carrier.js';
import { importFresh, TABLE_NAME } from './env.js';
import { PERSON, seedCase, unique } from './fixtures.js';
import { startTrackingEnv, type TrackingEnv } from './tracking-env.js';
import { oneMarket } from '../markets.js';

type Handler = typeof import('../../functions/handlers/track-shipments.js')['handler'];
type Summary = Awaited<ReturnType<Handler>>;

const DAY = 86_400_000;
let env: TrackingEnv;
let carrier: CarrierSimulator;
let shipments: ShipmentStore;
let cases: CaseStore;
let alerts: OpsAlerts;
let handler: Handler;
let carrierEnv: Record<string, string>;

/** An EventBridge Scheduled Event at `time` (the handler's "now"). */
const scheduled = (time: Date) => ({
  version: '0',
  id: unique('evt'),
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '000000000000',
  time: time.toISOString().replace(/\.\d{3}Z$/, 'Z'),
  region: 'us-east-1',
  resources: ['arn:aws:events:us-east-1:000000000000:rule/TrackShipmentsSchedule'],
  detail: {},
});
const run = (time: Date) => handler(scheduled(time)) as Promise<Summary>;
const at = (base: Date, seconds: number) => new Date(base.getTime() + seconds * 1000);
/** Whole seconds, as EventBridge sends them. */
const wholeSecond = (d = new Date()) => new Date(Math.floor(d.getTime() / 1000) * 1000);

/** A return case waiting for its parcel, the parcel watched from `now`. */
async function watchedReturn(trackingNumber: string, now: Date) {
  const { caseId, record } = await seedCase(env.db, { record: { status: 'awaiting_return', waitingFor: 'return' } });
  const key = await shipments.watch({ carrier: 'SF', trackingNumber, provider: 'aftership', watcher: { role: 'return', caseId } }, now);
  return { caseId, record, key };
}

/** The poll's dependencies as the handler wires them (the test's intake queue), with the lookup given. */
function pollDeps(tracker: CarrierTracker, limit: ProviderLimit = { requestsPerSecond: 1000, lookupsPerRun: 50 }): PollDeps {
  return {
    shipments,
    cases,
    intake: new QueueSender<IntakeMessage>(env.sqs!, env.intakeUrl),
    markets: oneMarket(),
    proactiveEnabled: () => true,
    pollIntervalSeconds: 3600,
    tracker,
    health: new ProviderHealthStore(env.db, TABLE_NAME),
    alerts,
    outageAlertSeconds: 600,
    providers: ['aftership'],
    limits: { aftership: limit },
    backoff: { baseSeconds: 60, capSeconds: 600 },
    random: () => 0.5,
    sleep: async () => undefined,
  };
}

beforeAll(async () => {
  env = await startTrackingEnv();
  carrier = await startCarrierSimulator();
  shipments = new ShipmentStore(env.db, TABLE_NAME);
  cases = new CaseStore(env.db, TABLE_NAME);
  alerts = new OpsAlerts(env.db, TABLE_NAME);
  carrierEnv = {
    CARRIER_PROVIDER: 'aftership',
    CARRIER_API_URL: `${carrier.url}/`,
    CARRIER_CODES: JSON.stringify({ SF: 'sf-express' }),
    CARRIER_API_KEY: 'dev-carrier-key',
    TRACKING_POLL_SECONDS: '3600',
    TRACKING_BACKOFF_BASE_SECONDS: '60',
    TRACKING_BACKOFF_CAP_SECONDS: '600',
    CARRIER_OUTAGE_ALERT_SECONDS: '600',
    PROACTIVE_DETECTION: 'on',
  };
  handler = (await importFresh(() => import('../../functions/handlers/track-shipments.js'), carrierEnv)).handler;
});

afterEach(async () => {
  carrier.setOutage(false);
  // Each test starts with nothing due: what a test leaves in the poll index would be polled by the next one.
  const due = await env.db.send(
    new QueryCommand({ TableName: TABLE_NAME, IndexName: 'gsi2', KeyConditionExpression: 'gsi2pk = :p', ExpressionAttributeValues: { ':p': 'POLL#aftership' } }),
  );
  for (const item of due.Items ?? []) {
    await env.db.send(new UpdateCommand({ TableName: TABLE_NAME, Key: { pk: item.pk, sk: item.sk }, UpdateExpression: 'REMOVE gsi2pk, gsi2sk, nextPollAt' }));
  }
  await env.drainIntake();
});

afterAll(async () => {
  await carrier?.close();
  await env?.close();
});

describe('track-shipments: polling', () => {
  it('a due shipment is looked up; its delivery queues return.received and it leaves the poll index', async () => {
    const now = wholeSecond();
    const trackingNumber = unique('SIM-DELIVERED').toUpperCase();
    const { caseId, record, key } = await watchedReturn(trackingNumber, now);

    expect(await run(at(now, 1))).toEqual({ polled: 1, updated: 1, failed: 0, notFound: 0, unavailable: [] });
    const [message, ...more] = await env.drainIntake();
    expect(more).toEqual([]);
    const item = await env.shipmentItem(key);
    expect(message).toMatchObject({ caseId, source: 'carrier', event: { type: 'return.received', data: { requestId: record.requestId, receivedAt: item?.deliveredAt } } });
    expect(item).toMatchObject({ status: 'delivered', lastSource: 'poll', failures: 0 });
    expect(item?.gsi2pk).toBeUndefined();
    expect(await run(at(now, 2))).toMatchObject({ polled: 0 });
  });

  it('a parcel still moving is due again after TRACKING_POLL_SECONDS, not before', async () => {
    const now = wholeSecond();
    const { key } = await watchedReturn(unique('SIM-TRANSIT').toUpperCase(), now);
    expect(await run(at(now, 1))).toMatchObject({ polled: 1, updated: 1 });
    expect((await env.shipmentItem(key))?.nextPollAt).toBe(at(now, 1 + 3600).toISOString());
    expect(await run(at(now, 3600))).toMatchObject({ polled: 0 });
    expect(await run(at(now, 3601))).toMatchObject({ polled: 1 });
    expect(await env.drainIntake()).toEqual([]);
  });

  it("an outage (503 + Retry-After) backs the shipment off with jitter and ends the provider's run; the rest stay due", async () => {
    const now = wholeSecond();
    const first = await watchedReturn(unique('SIM-DELIVERED').toUpperCase(), now);
    const second = await watchedReturn(unique('SIM-DELIVERED').toUpperCase(), at(now, 0.5));
    carrier.setOutage(true);

    expect(await run(at(now, 1))).toEqual({ polled: 1, updated: 0, failed: 1, notFound: 0, unavailable: ['aftership'] });
    const backedOff = await env.shipmentItem(first.key);
    expect(backedOff).toMatchObject({ failures: 1, lastError: 'CarrierUnavailableError', gsi2pk: 'POLL#aftership' });
    // Full jitter below the first ceiling (60 s), never before the simulator's Retry-After (1 s).
    const delay = (Date.parse(backedOff!.nextPollAt) - at(now, 1).getTime()) / 1000;
    expect(delay).toBeGreaterThanOrEqual(1);
    expect(delay).toBeLessThanOrEqual(60);
    expect((await env.shipmentItem(second.key))?.failures).toBeUndefined();

    // The second is still due; once the carrier answers, it is read, and the first when its backoff is over.
    carrier.setOutage(false);
    expect(await run(at(now, 1))).toMatchObject({ polled: 1, updated: 1 });
    expect((await env.drainIntake()).map((m) => m.caseId)).toEqual([second.caseId]);
    expect(await run(at(now, 62))).toMatchObject({ polled: 1, updated: 1 });
    expect((await env.drainIntake()).map((m) => m.caseId)).toEqual([first.caseId]);
  });

  it('a provider failing for longer than the threshold raises one "down" alert, closed (resolvedAt) when it answers', async () => {
    const now = wholeSecond(new Date(Date.now() + 10 * DAY));
    await watchedReturn(unique('SIM-DELIVERED').toUpperCase(), now);
    carrier.setOutage(true);
    const kinds = async () => (await alerts.recent(100)).filter((a) => a.at >= now.toISOString() && a.detail?.provider === 'aftership').map((a) => a.kind);

    for (const seconds of [1, 300]) expect(await run(at(now, seconds))).toMatchObject({ unavailable: ['aftership'] });
    expect(await kinds()).toEqual([]);
    for (const seconds of [700, 1400]) expect(await run(at(now, seconds))).toMatchObject({ unavailable: ['aftership'] });
    expect(await kinds()).toEqual(['carrier_provider_down']);
    const [down] = (await alerts.recent(100)).filter((a) => a.kind === 'carrier_provider_down' && a.at >= now.toISOString());
    expect(down!.detail).toMatchObject({ failingSince: at(now, 1).toISOString(), failures: 3 });

    carrier.setOutage(false);
    expect(await run(at(now, 2100))).toMatchObject({ updated: 1, unavailable: [] });
    // One alert per outage (issue 16): the same one, closed, rather than a second "recovered" alert in the list.
    const [closed, ...more] = (await alerts.recent(100)).filter((a) => a.at >= now.toISOString() && a.detail?.provider === 'aftership');
    expect(more).toEqual([]);
    expect(closed).toMatchObject({
      kind: 'carrier_provider_down',
      id: down!.id,
      resolvedAt: at(now, 2100).toISOString(),
      count: 0,
      message: expect.stringContaining('answers again'),
    });
  });

  it('a number the carrier does not know flags the watching case (trackingIssue, timeline) and alerts operators once', async () => {
    const now = wholeSecond();
    const trackingNumber = unique('SF').toUpperCase();
    const { caseId } = await watchedReturn(trackingNumber, now);
    expect(await run(at(now, 1))).toMatchObject({ polled: 1, notFound: 1, unavailable: [] });
    expect(await run(at(now, 700))).toMatchObject({ polled: 1, notFound: 1 });

    const view = (await cases.view(caseId))!;
    expect(view.case.trackingIssue).toMatchObject({ reason: 'tracking_not_found', role: 'return', carrier: 'SF', trackingNumber });
    expect(view.timeline.filter((e) => e.event === 'tracking_issue')).toHaveLength(1);
    const raised = (await alerts.recent(100)).filter((a) => a.kind === 'tracking_not_found' && a.caseId === caseId);
    expect(raised).toHaveLength(1);
    expect(JSON.stringify(raised)).not.toContain(PERSON.email);
  });
});

describe('track-shipments: a poll racing a push', () => {
  it('a lookup failing after a push recorded the delivery leaves the parcel out of the index, unflagged; the retried push writes nothing', async () => {
    const now = wholeSecond();
    const trackingNumber = unique('SF').toUpperCase();
    const { caseId, key } = await watchedReturn(trackingNumber, now);
    const scanned = at(now, -3600).toISOString();
    const delivered: TrackingSnapshot = { status: 'delivered', lost: false, deliveredAt: scanned, lastEventAt: scanned };
    const deps = pollDeps({
      // The run has read the due list; before the lookup answers, the carrier's push records the delivery.
      track: async () => {
        await applyTracking(deps, key, delivered, 'push', at(now, 1));
        throw new TrackingNotFoundError('unknown number');
      },
    });
    expect(await pollShipments(deps, at(now, 1))).toMatchObject({ polled: 1, notFound: 1 });

    const item = await env.shipmentItem(key);
    expect(item).toMatchObject({ status: 'delivered', lastSource: 'push', failures: 0 });
    for (const field of ['lastError', 'nextPollAt', 'gsi2pk', 'trackingIssue']) expect(item?.[field]).toBeUndefined();
    expect((await cases.view(caseId))!.case.trackingIssue).toBeUndefined();
    expect((await alerts.recent(100)).filter((a) => a.kind === 'tracking_not_found' && a.caseId === caseId)).toEqual([]);
    expect((await env.drainIntake()).map((m) => m.caseId)).toEqual([caseId]);

    // The provider's retry of that push finds the delivery stored and the parcel out of the index: nothing to write.
    expect(await applyTracking(deps, key, delivered, 'push', at(now, 2))).toEqual({ known: true, actions: [], finished: true });
    expect(await env.shipmentItem(key)).toEqual(item);
    expect(await env.drainIntake()).toEqual([]);
  });
});

describe('the due index and the budget', () => {
  it("a run polls at most the provider's budget, soonest due first; reading more than 100 due shipments at once works", async () => {
    const base = wholeSecond(new Date(Date.now() + 20 * DAY));
    const keys: string[] = [];
    for (let i = 0; i < 130; i++) {
      keys.push(
        await shipments.watch(
          { carrier: 'SF', trackingNumber: unique('SIM-TRANSIT').toUpperCase(), provider: 'aftership', watcher: { role: 'return', caseId: `AS-${i}` } },
          at(base, i),
        ),
      );
    }
    const due = await shipments.due('aftership', at(base, 200), 500);
    expect(due.map((s) => s.key)).toEqual(keys);
    expect(await shipments.due('aftership', at(base, 9), 500)).toHaveLength(10);

    const tracked: string[] = [];
    const summary = await pollShipments(
      pollDeps({ track: async (q) => (tracked.push(q.trackingNumber), { status: 'in_transit', lost: false }) }, { requestsPerSecond: 1000, lookupsPerRun: 3 }),
      at(base, 200),
    );
    expect(summary).toMatchObject({ polled: 3, updated: 3 });
    expect(tracked).toEqual(await Promise.all(keys.slice(0, 3).map(async (k) => (await shipments.get(k))!.trackingNumber)));
  });
});

describe('track-shipments: proactive detection', () => {
  async function announced(trackingNumber: string, now: Date) {
    const requestId = proactiveRequestId('SF', trackingNumber);
    const caseId = caseIdFor(requestId);
    const data = {
      order: {
        orderId: unique('ORD'),
        placedAt: new Date(now.getTime() - 21 * DAY).toISOString(),
        currency: 'CNY',
        items: [{ sku: 'KB-87-BLK', name: 'Mechanical keyboard', category: 'electronics', quantity: 1, unitPrice: 39900 }],
        shipment: { carrier: 'SF', trackingNumber, shippedAt: new Date(now.getTime() - 20 * DAY).toISOString(), promisedBy: new Date(now.getTime() - 14 * DAY).toISOString() },
      },
      customer: {
        customerId: 'cust-1',
        tier: 'gold' as const,
        name: PERSON.name,
        email: PERSON.email,
        phone: PERSON.phone,
        locale: 'zh-CN' as const,
        channels: ['email' as const, 'sms' as const],
      },
    };
    await watchProactive({ shipments, providerFor: () => 'aftership', proactiveEnabled: () => true }, caseId, data, now);
    return { caseId, requestId, data };
  }

  it('a late delivery queues the delayed case the customer would have asked for, with the contact kept apart until then', async () => {
    const now = wholeSecond();
    const trackingNumber = unique('SIM-LATE2').toUpperCase();
    const { caseId, requestId, data } = await announced(trackingNumber, now);
    expect(JSON.stringify(await env.shipmentItem(`SF#${trackingNumber}`))).not.toContain(PERSON.email);

    expect(await run(at(now, 1))).toMatchObject({ polled: 1, updated: 1 });
    const [message, ...more] = await env.drainIntake();
    expect(more).toEqual([]);
    expect(message).toMatchObject({
      caseId,
      source: 'pipeline',
      event: {
        type: 'aftersales.requested',
        data: {
          requestId,
          caseType: 'delayed',
          reason: 'proactive_late_delivery',
          order: { orderId: data.order.orderId },
          customer: { email: PERSON.email, phone: PERSON.phone, name: PERSON.name },
        },
      },
    });
    expect((message!.event.data as any).order.shipment.deliveredAt).toEqual(expect.any(String));
  });

  it("switched off (the CN policy's default), a watched parcel opens nothing", async () => {
    const off = (await importFresh(() => import('../../functions/handlers/track-shipments.js'), { ...carrierEnv, PROACTIVE_DETECTION: undefined })).handler;
    const now = wholeSecond();
    const trackingNumber = unique('SIM-LATE2').toUpperCase();
    await announced(trackingNumber, now);
    expect(await off(scheduled(at(now, 1)))).toMatchObject({ polled: 1, updated: 1 });
    expect(await env.drainIntake()).toEqual([]);
    expect([...((await env.shipmentItem(`SF#${trackingNumber}`))?.handled ?? [])]).toEqual([]);
  });
  it('the same state again writes nothing and still reports what it found (a late parcel whose case facts are gone)', async () => {
    const now = wholeSecond();
    const trackingNumber = unique('SF').toUpperCase();
    await announced(trackingNumber, now);
    const key = `SF#${trackingNumber}`;
    // Without its facts no case can open: the action is found, the watcher stays open (tried again on the next update).
    await env.db.send(new DeleteCommand({ TableName: TABLE_NAME, Key: { pk: `SHIPMENT#${key}`, sk: 'PROACTIVE' } }));
    const delivered: TrackingSnapshot = { status: 'delivered', lost: false, deliveredAt: now.toISOString(), lastEventAt: now.toISOString() };
    const deps = pollDeps({ track: async () => delivered });
    const found = { known: true, actions: ['open_proactive_case'], finished: true };
    expect(await applyTracking(deps, key, delivered, 'push', now)).toEqual(found);
    const recorded = await env.shipmentItem(key);
    expect(recorded?.gsi2pk).toBeUndefined();

    expect(await applyTracking(deps, key, delivered, 'push', at(now, 1))).toEqual(found);
    expect(await env.shipmentItem(key)).toEqual(recorded);
    expect(await env.drainIntake()).toEqual([]);
  });
});
