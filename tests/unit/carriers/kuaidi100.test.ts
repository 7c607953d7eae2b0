import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CarrierAuthError, CarrierUnavailableError, TrackingNotFoundError } from '../../../functions/adapters/carriers/errors.js';
import { Kuaidi100Tracker, kuaidi100Status } from '../../../functions/adapters/carriers/kuaidi100.js';
import { DELIVERED_PARCEL, fixture, hangingStep, json, scriptedFetch } from './fake-fetch.js';

const query = { carrier: 'SF', trackingNumber: 'SF1234567890123' };

function tracker(fetch: ReturnType<typeof scriptedFetch>['fetch'], extra: { phone?: string; timeoutMs?: number } = {}) {
  return new Kuaidi100Tracker({
    baseUrl: 'https://poll.kuaidi100.test',
    apiKey: 'kd-key',
    customer: 'CUSTOMER01',
    coms: { SF: 'shunfeng' },
    fetch,
    timeoutMs: extra.timeoutMs ?? 5000,
    ...(extra.phone ? { phoneFor: () => extra.phone } : {}),
  });
}

describe('Kuaidi100 adapter', () => {
  it('posts customer, param and the upper-case MD5 sign of param + key + customer as a form', async () => {
    const fake = scriptedFetch(json(fixture('kuaidi100', 'delivered')));
    await tracker(fake.fetch, { phone: '5678' }).track(query);
    const [call] = fake.calls;
    expect(call!.url.toString()).toBe('https://poll.kuaidi100.test/poll/query.do');
    expect(call!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const form = new URLSearchParams(call!.body!);
    const param = form.get('param')!;
    expect(JSON.parse(param)).toEqual({ com: 'shunfeng', num: 'SF1234567890123', phone: '5678', resultv2: '4', show: '0', order: 'asc' });
    expect(form.get('customer')).toBe('CUSTOMER01');
    const expected = createHash('md5').update(`${param}kd-keyCUSTOMER01`).digest('hex').toUpperCase();
    expect(form.get('sign')).toBe(expected);
  });

  it('reads Beijing times without offset as Asia/Shanghai and sorts the trace oldest first', async () => {
    const snapshot = await tracker(scriptedFetch(json(fixture('kuaidi100', 'delivered'))).fetch).track(query);
    // 2025-10-16 14:00:00 in Shanghai is 06:00 UTC.
    expect(snapshot).toMatchObject(DELIVERED_PARCEL.snapshot);
    expect(snapshot.checkpoints!.map((c) => [c.time, c.status])).toEqual(DELIVERED_PARCEL.checkpoints);
    expect(snapshot.checkpoints![0]).toEqual({ time: '2025-10-14T02:00:00.000Z', status: 'info_received', message: '顺丰速运 已收取快件信息', location: '广东,深圳市' });
    expect(snapshot.checkpoints![4]!.location).toBe('上海徐汇营业点');
  });

  it('maps in transit, returning and damaged (an exception, never a loss: Kuaidi100 has no lost state)', async () => {
    expect(await tracker(scriptedFetch(json(fixture('kuaidi100', 'in-transit'))).fetch).track(query)).toMatchObject({ status: 'in_transit', lost: false });
    expect(await tracker(scriptedFetch(json(fixture('kuaidi100', 'returning'))).fetch).track(query)).toMatchObject({ status: 'returned_to_sender', lost: false });
    const damaged = await tracker(scriptedFetch(json(fixture('kuaidi100', 'damaged'))).fetch).track(query);
    expect(damaged).toMatchObject({ status: 'exception', lost: false, lastEventAt: '2025-10-17T10:30:00.000Z' });
  });

  it('maps basic and advanced state values, and unknown ones by family', () => {
    expect(['0', '1', '2', '3', '4', '5', '6', '7', '8', '14'].map(kuaidi100Status)).toEqual([
      'in_transit',
      'in_transit',
      'exception',
      'delivered',
      'returned_to_sender',
      'out_for_delivery',
      'returned_to_sender',
      'in_transit',
      'in_transit',
      'exception',
    ]);
    expect(['101', '501', '204', '304', '1001', '1009', '399', '42'].map(kuaidi100Status)).toEqual([
      'info_received',
      'available_for_pickup',
      'failed_attempt',
      'delivered',
      'in_transit',
      'in_transit',
      'delivered',
      'exception',
    ]);
  });

  it('raises TrackingNotFoundError for returnCode 500 (no result) and for an unmapped carrier', async () => {
    await expect(tracker(scriptedFetch(json(fixture('kuaidi100', 'not-found'))).fetch).track(query)).rejects.toBeInstanceOf(TrackingNotFoundError);
    await expect(tracker(scriptedFetch().fetch).track({ carrier: 'EMS', trackingNumber: 'E1' })).rejects.toThrow(/carrier "EMS" has no Kuaidi100 carrier code/);
  });

  it('turns server busy (502), HTTP 429/5xx and timeouts into CarrierUnavailableError', async () => {
    await expect(tracker(scriptedFetch(json(fixture('kuaidi100', 'server-busy'))).fetch).track(query)).rejects.toBeInstanceOf(CarrierUnavailableError);
    await expect(tracker(scriptedFetch(json('', 429, { 'retry-after': '30' })).fetch).track(query)).rejects.toMatchObject({ retryAfterSeconds: 30 });
    await expect(tracker(scriptedFetch(json('<html>', 502)).fetch).track(query)).rejects.toBeInstanceOf(CarrierUnavailableError);
    await expect(tracker(scriptedFetch(hangingStep).fetch, { timeoutMs: 20 }).track(query)).rejects.toBeInstanceOf(CarrierUnavailableError);
  });

  it('raises CarrierAuthError for a bad signature (503) and an expired key (601)', async () => {
    await expect(tracker(scriptedFetch(json(fixture('kuaidi100', 'auth-error'))).fetch).track(query)).rejects.toBeInstanceOf(CarrierAuthError);
    await expect(tracker(scriptedFetch(json(fixture('kuaidi100', 'key-expired'))).fetch).track(query)).rejects.toThrow(/601/);
  });
});
