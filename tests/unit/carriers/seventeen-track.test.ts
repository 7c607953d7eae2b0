import { describe, expect, it } from 'vitest';
import { CarrierAuthError, CarrierUnavailableError, TrackingNotFoundError } from '../../../functions/adapters/carriers/errors.js';
import { SeventeenTrackTracker } from '../../../functions/adapters/carriers/seventeen-track.js';
import { DELIVERED_PARCEL, fixture, hangingStep, json, scriptedFetch } from './fake-fetch.js';

const query = { carrier: 'SF', trackingNumber: 'SF1234567890123' };

function tracker(fetch: ReturnType<typeof scriptedFetch>['fetch'], timeoutMs = 5000) {
  return new SeventeenTrackTracker({ baseUrl: 'https://api.17track.test', apiKey: '17-key', carriers: { SF: 100012 }, fetch, timeoutMs });
}

describe('17TRACK adapter', () => {
  it('asks gettrackinfo with the 17token header and maps a delivered parcel, events oldest first', async () => {
    const fake = scriptedFetch(json(fixture('17track', 'delivered')));
    const snapshot = await tracker(fake.fetch).track(query);

    const [call] = fake.calls;
    expect(call!.method).toBe('POST');
    expect(call!.url.pathname).toBe('/track/v2.4/gettrackinfo');
    expect(call!.headers['17token']).toBe('17-key');
    expect(JSON.parse(call!.body!)).toEqual([{ number: 'SF1234567890123', carrier: 100012 }]);

    expect(snapshot).toMatchObject(DELIVERED_PARCEL.snapshot);
    expect(snapshot.checkpoints!.map((c) => [c.time, c.status])).toEqual(DELIVERED_PARCEL.checkpoints);
    expect(snapshot.checkpoints![0]).toEqual({ time: '2025-10-14T02:00:00.000Z', status: 'info_received', message: '顺丰速运 已收取快件信息', location: 'Shenzhen' });
  });

  it('maps in transit, Exception_Lost as lost, and Exception_Destroyed as an exception that is not a loss', async () => {
    expect(await tracker(scriptedFetch(json(fixture('17track', 'in-transit'))).fetch).track(query)).toMatchObject({ status: 'in_transit', lost: false });
    const lost = await tracker(scriptedFetch(json(fixture('17track', 'lost'))).fetch).track(query);
    expect(lost).toMatchObject({ status: 'exception', lost: true, lastEventAt: '2025-10-17T10:30:00.000Z' });
    expect(lost.deliveredAt).toBeUndefined();
    expect(await tracker(scriptedFetch(json(fixture('17track', 'destroyed'))).fetch).track(query)).toMatchObject({ status: 'exception', lost: false });
  });

  it('registers a number 17TRACK does not track yet, then reads it again', async () => {
    const fake = scriptedFetch(json(fixture('17track', 'not-registered')), json(fixture('17track', 'register-accepted')), json(fixture('17track', 'no-info-yet')));
    const snapshot = await tracker(fake.fetch).track(query);
    expect(fake.calls.map((c) => c.url.pathname)).toEqual(['/track/v2.4/gettrackinfo', '/track/v2.4/register', '/track/v2.4/gettrackinfo']);
    expect(JSON.parse(fake.calls[1]!.body!)).toEqual([{ number: 'SF1234567890123', carrier: 100012 }]);
    expect(snapshot).toEqual({ status: 'pending', lost: false, checkpoints: [] });
  });

  it('raises TrackingNotFoundError for NotFound_InvalidCode and for an unmapped carrier', async () => {
    await expect(tracker(scriptedFetch(json(fixture('17track', 'invalid-code'))).fetch).track(query)).rejects.toBeInstanceOf(TrackingNotFoundError);
    await expect(tracker(scriptedFetch().fetch).track({ carrier: 'ZTO', trackingNumber: '7' })).rejects.toThrow(/carrier "ZTO" has no 17TRACK carrier code/);
  });

  it('turns HTTP 429 (with Retry-After), 5xx, the daily request limit and timeouts into CarrierUnavailableError', async () => {
    await expect(tracker(scriptedFetch(json({}, 429, { 'retry-after': '2' })).fetch).track(query)).rejects.toMatchObject({
      name: 'CarrierUnavailableError',
      retryAfterSeconds: 2,
    });
    await expect(tracker(scriptedFetch(json('', 500)).fetch).track(query)).rejects.toBeInstanceOf(CarrierUnavailableError);
    await expect(tracker(scriptedFetch(json(fixture('17track', 'daily-limit'))).fetch).track(query)).rejects.toThrow(/-18019907/);
    await expect(tracker(scriptedFetch(json(fixture('17track', 'daily-limit'))).fetch).track(query)).rejects.toBeInstanceOf(CarrierUnavailableError);
    await expect(tracker(scriptedFetch(hangingStep).fetch, 20).track(query)).rejects.toBeInstanceOf(CarrierUnavailableError);
  });

  it('raises CarrierAuthError for an invalid key, in the body or as HTTP 401', async () => {
    await expect(tracker(scriptedFetch(json(fixture('17track', 'auth-error'))).fetch).track(query)).rejects.toBeInstanceOf(CarrierAuthError);
    await expect(tracker(scriptedFetch(json(fixture('17track', 'auth-error'), 401)).fetch).track(query)).rejects.toMatchObject({ name: 'CarrierAuthError' });
  });
});

/**
 * 17TRACK "Restart tracking" (retrack): POST /track/<version>/retrack with `[{ number, carrier }]`, answered in the
 * `{ code, data: { accepted, rejected } }` envelope. retrack.json is the v2.2 reference's response sample
 * (https://asset.17track.net/api/document/v2.2_en/index.html, Retrack: RR123456789CN accepted, 21213123123230 rejected
 * -18019904); retrack-once.json is that envelope with the documented -18019905 ("Each tracking number can only be
 * re-tracked once", https://help.17track.net/hc/en-us/articles/37570440168473-Error-Codes-and-Troubleshooting;
 * https://help.17track.net/hc/en-us/articles/37524573677721: a number can be restarted once).
 */
describe('17TRACK retrack', () => {
  const stopped = { carrier: 'CHINAPOST', trackingNumber: 'RR123456789CN' };
  const retracker = (fetch: ReturnType<typeof scriptedFetch>['fetch']) =>
    new SeventeenTrackTracker({ baseUrl: 'https://api.17track.test', apiKey: '17-key', carriers: { CHINAPOST: 3011 }, fetch });

  it('posts [{ number, carrier }] to retrack with the 17token header; an accepted number is restarted', async () => {
    const fake = scriptedFetch(json(fixture('17track', 'retrack')));
    expect(await retracker(fake.fetch).retrack(stopped)).toBe('restarted');
    const [call] = fake.calls;
    expect(call!.method).toBe('POST');
    expect(call!.url.pathname).toBe('/track/v2.4/retrack');
    expect(call!.headers['17token']).toBe('17-key');
    expect(JSON.parse(call!.body!)).toEqual([{ number: 'RR123456789CN', carrier: 3011 }]);
  });

  it('a number 17TRACK still follows (-18019904) is `tracking`; one restarted before (-18019905) is `refused`', async () => {
    expect(await retracker(scriptedFetch(json(fixture('17track', 'retrack'))).fetch).retrack({ carrier: 'CHINAPOST', trackingNumber: '21213123123230' })).toBe('tracking');
    expect(await retracker(scriptedFetch(json(fixture('17track', 'retrack-once'))).fetch).retrack(stopped)).toBe('refused');
  });

  it('a refused key is an account problem, not an answer about the number', async () => {
    await expect(retracker(scriptedFetch(json(fixture('17track', 'auth-error'), 401)).fetch).retrack(stopped)).rejects.toBeInstanceOf(CarrierAuthError);
  });
});
