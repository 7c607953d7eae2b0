import { describe, expect, it } from 'vitest';
import { AfterShipTracker } from '../../../functions/adapters/carriers/aftership.js';
import { CarrierAuthError, CarrierUnavailableError, ProviderUnavailableError, TrackingNotFoundError } from '../../../functions/adapters/carriers/errors.js';
import { DELIVERED_PARCEL, fixture, hangingStep, json, scriptedFetch } from './fake-fetch.js';

const NOW = new Date('2025-10-20T04:00:00Z');
const query = { carrier: 'SF', trackingNumber: 'SF1234567890123' };

function tracker(fetch: ReturnType<typeof scriptedFetch>['fetch'], timeoutMs = 5000) {
  return new AfterShipTracker({ baseUrl: 'https://api.aftership.test', apiKey: 'as-key', slugs: { SF: 'sf-express' }, fetch, timeoutMs, now: () => NOW });
}

describe('AfterShip adapter', () => {
  it('gets a tracking by slug and number with the as-api-key header and maps a delivered parcel', async () => {
    const fake = scriptedFetch(json(fixture('aftership', 'delivered')));
    const snapshot = await tracker(fake.fetch).track(query);

    expect(fake.calls).toHaveLength(1);
    const [call] = fake.calls;
    expect(call!.method).toBe('GET');
    expect(call!.url.pathname).toBe('/tracking/2026-07/trackings');
    expect(Object.fromEntries(call!.url.searchParams)).toEqual({ tracking_numbers: 'SF1234567890123', slug: 'sf-express' });
    expect(call!.headers['as-api-key']).toBe('as-key');

    expect(snapshot).toMatchObject(DELIVERED_PARCEL.snapshot);
    // The carrier sent the third checkpoint's time without an offset: it is read as Shanghai time.
    expect(snapshot.checkpoints!.map((c) => [c.time, c.status])).toEqual(DELIVERED_PARCEL.checkpoints);
    expect(snapshot.checkpoints![2]).toMatchObject({ message: '快件已发车', location: 'Guangzhou, China' });
    expect(snapshot.checkpoints![4]).toMatchObject({ location: 'Shanghai' });
  });

  it('maps a parcel in transit without a delivery time', async () => {
    const snapshot = await tracker(scriptedFetch(json(fixture('aftership', 'in-transit'))).fetch).track(query);
    expect(snapshot).toMatchObject({ status: 'in_transit', lost: false, lastEventAt: '2025-10-15T01:00:00.000Z' });
    expect(snapshot.deliveredAt).toBeUndefined();
  });

  it('reads Exception_013 (Shipment lost) as lost, and returning/returned subtags as returned_to_sender', async () => {
    const lost = await tracker(scriptedFetch(json(fixture('aftership', 'lost'))).fetch).track(query);
    expect(lost).toMatchObject({ status: 'exception', lost: true, lastEventAt: '2025-10-17T10:30:00.000Z' });
    expect(lost.checkpoints!.at(-1)).toMatchObject({ status: 'exception', message: '快件遗失，已启动理赔' });
    const returned = await tracker(scriptedFetch(json(fixture('aftership', 'returned'))).fetch).track(query);
    expect(returned).toMatchObject({ status: 'returned_to_sender', lost: false });
  });

  it('creates the tracking when the account does not have it yet, passing the shipping hints', async () => {
    const fake = scriptedFetch(json(fixture('aftership', 'not-listed')), json(fixture('aftership', 'created-pending'), 201));
    const snapshot = await tracker(fake.fetch).track({ ...query, shippedAt: '2025-10-14T02:00:00Z', promisedBy: '2025-10-16' });
    expect(snapshot).toEqual({ status: 'pending', lost: false, checkpoints: [] });
    expect(fake.calls[1]!.method).toBe('POST');
    expect(fake.calls[1]!.url.pathname).toBe('/tracking/2026-07/trackings');
    expect(JSON.parse(fake.calls[1]!.body!)).toEqual({
      tracking_number: 'SF1234567890123',
      slug: 'sf-express',
      tracking_ship_date: '2025-10-14T02:00:00Z',
      order_promised_delivery_date: '2025-10-16',
    });
  });

  it('reads the tracking again when another caller created it in between (meta 4003)', async () => {
    const fake = scriptedFetch(json(fixture('aftership', 'not-listed')), json(fixture('aftership', 'already-exists'), 400), json(fixture('aftership', 'in-transit')));
    expect((await tracker(fake.fetch).track(query)).status).toBe('in_transit');
    expect(fake.calls.map((c) => c.method)).toEqual(['GET', 'POST', 'GET']);
  });

  it('raises TrackingNotFoundError for a number AfterShip refuses, and for an unmapped carrier without calling out', async () => {
    const fake = scriptedFetch(json(fixture('aftership', 'not-listed')), json(fixture('aftership', 'invalid-number'), 400));
    await expect(tracker(fake.fetch).track(query)).rejects.toBeInstanceOf(TrackingNotFoundError);
    const none = scriptedFetch();
    const unmapped = tracker(none.fetch).track({ carrier: 'YTO', trackingNumber: 'YT1' });
    await expect(unmapped).rejects.toThrow(TrackingNotFoundError);
    await expect(unmapped).rejects.toThrow(/carrier "YTO" has no AfterShip carrier code/);
    expect(none.calls).toHaveLength(0);
  });

  it('turns 429 into CarrierUnavailableError with Retry-After, or with the X-RateLimit-Reset delay', async () => {
    const retryAfter = tracker(scriptedFetch(json(fixture('aftership', 'rate-limited'), 429, { 'retry-after': '7' })).fetch).track(query);
    await expect(retryAfter).rejects.toBeInstanceOf(CarrierUnavailableError);
    await expect(retryAfter).rejects.toMatchObject({ name: 'CarrierUnavailableError', retryAfterSeconds: 7 });
    const resetAt = String(NOW.getTime() / 1000 + 3);
    const reset = tracker(scriptedFetch(json(fixture('aftership', 'rate-limited'), 429, { 'x-ratelimit-reset': resetAt })).fetch).track(query);
    await expect(reset).rejects.toMatchObject({ retryAfterSeconds: 3 });
  });

  it('turns 5xx, network errors and timeouts into CarrierUnavailableError', async () => {
    const server = tracker(scriptedFetch(json({ meta: { code: 503, message: 'Something went wrong', type: 'InternalError' }, data: {} }, 503)).fetch);
    await expect(server.track(query)).rejects.toBeInstanceOf(ProviderUnavailableError);
    const network = tracker(scriptedFetch(new TypeError('fetch failed')).fetch);
    await expect(network.track(query)).rejects.toThrow(/AfterShip API unreachable/);
    const hung = tracker(scriptedFetch(hangingStep).fetch, 20);
    await expect(hung.track(query)).rejects.toThrow(/AfterShip API timed out after 20 ms/);
    await expect(tracker(scriptedFetch(hangingStep).fetch, 20).track(query)).rejects.toBeInstanceOf(CarrierUnavailableError);
  });

  it('raises CarrierAuthError on 401 and 403', async () => {
    const denied = tracker(scriptedFetch(json(fixture('aftership', 'auth-error'), 401)).fetch).track(query);
    await expect(denied).rejects.toBeInstanceOf(CarrierAuthError);
    await expect(denied).rejects.toMatchObject({ name: 'CarrierAuthError' });
    await expect(tracker(scriptedFetch(json({ meta: { code: 403 }, data: {} }, 403)).fetch).track(query)).rejects.toBeInstanceOf(CarrierAuthError);
  });
});
