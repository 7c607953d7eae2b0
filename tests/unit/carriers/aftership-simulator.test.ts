import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AfterShipTracker } from '../../../functions/adapters/carriers/aftership.js';
import { CarrierAuthError, CarrierUnavailableError, TrackingNotFoundError } from '../../../functions/adapters/carriers/errors.js';
import { startCarrierSimulator, type CarrierSimulator, type TrackingResponse } from '../../../local/simulators/carrier.js';

// 2025-10-20 12:00 in Shanghai, as in tests/local/simulators.test.ts: every scenario below is in the past.
const NOW = new Date('2025-10-20T04:00:00Z');

describe('AfterShip adapter against the carrier simulator', () => {
  let sim: CarrierSimulator;
  let tracker: AfterShipTracker;

  beforeAll(async () => {
    sim = await startCarrierSimulator({ now: () => NOW });
    tracker = new AfterShipTracker({ baseUrl: sim.url, apiKey: 'any', slugs: { SF: 'sf-express' }, now: () => NOW });
  });
  afterAll(() => sim.close());
  beforeEach(() => sim.reset());

  /** The same scenario through the simulator's own /v1 route, for comparison. */
  async function v1(number: string, shippedAt?: string, promisedBy?: string): Promise<TrackingResponse> {
    const url = new URL(`/v1/trackings/sf-express/${encodeURIComponent(number)}`, sim.url);
    if (shippedAt) url.searchParams.set('shipped_at', shippedAt);
    if (promisedBy) url.searchParams.set('promised_by', promisedBy);
    return (await (await fetch(url)).json()) as TrackingResponse;
  }

  async function expectSameAsV1(number: string, shippedAt?: string, promisedBy?: string) {
    const snapshot = await tracker.track({ carrier: 'SF', trackingNumber: number, ...(shippedAt ? { shippedAt } : {}), ...(promisedBy ? { promisedBy } : {}) });
    const reference = await v1(number, shippedAt, promisedBy);
    expect(snapshot.status).toBe(reference.status);
    expect(snapshot.lost).toBe(reference.exceptionCode === 'lost');
    expect(snapshot.deliveredAt).toBe(reference.deliveredAt);
    expect(snapshot.lastEventAt).toBe(reference.lastEventAt);
    expect(snapshot.checkpoints).toEqual(reference.checkpoints);
    return snapshot;
  }

  it('SIM-DELIVERED: created with the shipping hints, delivered on the promised day at 14:00 Shanghai', async () => {
    const snapshot = await expectSameAsV1('SIM-DELIVERED-0001', '2025-10-14T02:00:00Z', '2025-10-16');
    expect(snapshot).toMatchObject({ status: 'delivered', lost: false, deliveredAt: '2025-10-16T06:00:00.000Z' });
    // The second lookup finds the created tracking: one GET, no POST.
    const before = sim.lookupCount('SIM-DELIVERED-0001');
    expect((await tracker.track({ carrier: 'SF', trackingNumber: 'SIM-DELIVERED-0001' })).deliveredAt).toBe('2025-10-16T06:00:00.000Z');
    expect(sim.lookupCount('SIM-DELIVERED-0001')).toBe(before + 1);
  });

  it('SIM-LATE<n>: late by n China working days across the National Day holiday, or still on its way', async () => {
    const late = await expectSameAsV1('SIM-LATE2-0001', '2025-09-28T02:00:00Z', '2025-09-30');
    expect(late).toMatchObject({ status: 'delivered', deliveredAt: '2025-10-10T06:00:00.000Z' });
    const notYet = await expectSameAsV1('SIM-LATE3-0002', '2025-10-17T02:00:00Z', '2025-10-20');
    expect(notYet.status).toBe('in_transit');
    expect(notYet.deliveredAt).toBeUndefined();
  });

  it('SIM-TRANSIT: in transit with a scan three hours ago (default hints)', async () => {
    const snapshot = await expectSameAsV1('SIM-TRANSIT-9');
    expect(snapshot).toMatchObject({ status: 'in_transit', lost: false, lastEventAt: new Date(NOW.getTime() - 3 * 3600_000).toISOString() });
  });

  it('SIM-LOST: an exception AfterShip tags Exception_013, read as lost', async () => {
    const snapshot = await expectSameAsV1('SIM-LOST-1');
    expect(snapshot).toMatchObject({ status: 'exception', lost: true });
    const raw = await fetch(new URL('/tracking/2026-07/trackings?tracking_numbers=SIM-LOST-1&slug=sf-express', sim.url));
    const body = (await raw.json()) as { meta: { code: number }; data: { trackings: Array<{ tag: string; subtag: string }> } };
    expect(body.meta.code).toBe(200);
    expect(body.data.trackings[0]).toMatchObject({ tag: 'Exception', subtag: 'Exception_013' });
  });

  it('SIM-DOWN<n>-<REST>: n lookups fail as CarrierUnavailableError with Retry-After, then it behaves as SIM-<REST>', async () => {
    for (let i = 0; i < 3; i++) {
      const attempt = tracker.track({ carrier: 'SF', trackingNumber: 'SIM-DOWN3-LOST-0042' });
      await expect(attempt).rejects.toBeInstanceOf(CarrierUnavailableError);
      await expect(attempt).rejects.toMatchObject({ retryAfterSeconds: 1 });
    }
    expect(await tracker.track({ carrier: 'SF', trackingNumber: 'SIM-DOWN3-LOST-0042' })).toMatchObject({ status: 'exception', lost: true });
    // Three failed GETs, then the GET that finds nothing yet and the POST that creates it.
    expect(sim.lookupCount('SIM-DOWN3-LOST-0042')).toBe(5);
    await expect(tracker.track({ carrier: 'SF', trackingNumber: 'SIM-DOWN-0001' })).rejects.toBeInstanceOf(CarrierUnavailableError);
    await expect(tracker.track({ carrier: 'SF', trackingNumber: 'SIM-DOWN-0001' })).rejects.toBeInstanceOf(CarrierUnavailableError);
    expect((await tracker.track({ carrier: 'SF', trackingNumber: 'SIM-DOWN-0001' })).status).toBe('delivered');
  });

  it('fails every lookup during an outage (control route or setOutage) and recovers after it', async () => {
    const outage = (down: boolean) => fetch(new URL('/_control/outage', sim.url), { method: 'POST', body: JSON.stringify({ down }) });
    expect((await outage(true)).status).toBe(200);
    await expect(tracker.track({ carrier: 'SF', trackingNumber: 'SIM-DELIVERED-7' })).rejects.toBeInstanceOf(CarrierUnavailableError);
    await outage(false);
    expect((await tracker.track({ carrier: 'SF', trackingNumber: 'SIM-DELIVERED-7' })).status).toBe('delivered');
    sim.setOutage(true);
    await expect(tracker.track({ carrier: 'SF', trackingNumber: 'SIM-DELIVERED-7' })).rejects.toThrow(/AfterShip API answered 503/);
    sim.setOutage(false);
  });

  it('refuses a number that is no SIM scenario as an invalid tracking number: TrackingNotFoundError', async () => {
    await expect(tracker.track({ carrier: 'SF', trackingNumber: '1Z999AA10123456784' })).rejects.toBeInstanceOf(TrackingNotFoundError);
  });

  it('answers in AfterShip envelopes and requires as-api-key when the simulator has a key', async () => {
    const secured = await startCarrierSimulator({ apiKey: 'k-123', now: () => NOW });
    try {
      const wrong = new AfterShipTracker({ baseUrl: secured.url, apiKey: 'nope', slugs: { SF: 'sf-express' } });
      await expect(wrong.track({ carrier: 'SF', trackingNumber: 'SIM-DELIVERED-1' })).rejects.toBeInstanceOf(CarrierAuthError);
      const denied = await fetch(new URL('/tracking/2026-07/trackings?tracking_numbers=SIM-DELIVERED-1', secured.url));
      expect(denied.status).toBe(401);
      expect(await denied.json()).toEqual({ meta: { code: 401, message: 'Invalid API key.', type: 'Unauthorized' }, data: {} });
      const right = new AfterShipTracker({ baseUrl: secured.url, apiKey: 'k-123', slugs: { SF: 'sf-express' } });
      expect((await right.track({ carrier: 'SF', trackingNumber: 'SIM-DELIVERED-1' })).status).toBe('delivered');
      // The /v1 route keeps its bearer scheme.
      expect((await fetch(new URL('/v1/trackings/sf/SIM-DELIVERED-1', secured.url), { headers: { Authorization: 'Bearer k-123' } })).status).toBe(200);
    } finally {
      await secured.close();
    }
  });

  it('answers a duplicate create with meta 4003 and a malformed create with a 4xxx code', async () => {
    const post = (body: unknown) =>
      fetch(new URL('/tracking/2026-07/trackings', sim.url), { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const first = await post({ tracking_number: 'SIM-TRANSIT-2', slug: 'sf-express' });
    expect(first.status).toBe(201);
    expect(((await first.json()) as { meta: unknown }).meta).toEqual({ code: 201, message: 'Created', type: 'Created' });
    expect(await (await post({ tracking_number: 'SIM-TRANSIT-2', slug: 'sf-express' })).json()).toMatchObject({ meta: { code: 4003 } });
    expect(await (await post({ slug: 'sf-express' })).json()).toMatchObject({ meta: { code: 4007 } });
    expect(await (await post({ tracking_number: 'SIM-TRANSIT-3', slug: 'sf-express', tracking_ship_date: 'yesterday' })).json()).toMatchObject({ meta: { code: 4008 } });
  });
});
