import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import chineseDays from 'chinese-days';
import { startCarrierSimulator, type CarrierSimulator, type TrackingResponse } from '../../local/simulators/carrier.js';
import { startOrderPlatformSimulator, type OrderPlatformSimulator } from '../../local/simulators/order-platform.js';
import { addCalendarDays, addChinaWorkdays, isChinaWorkday } from '../../local/simulators/china-workdays.js';
import { TRACKING_STATUSES } from '../../local/simulators/tracking-status.js';

// 2025-10-20 12:00 in Shanghai: after the 2025 National Day holiday, so every scenario below is in the past.
const NOW = new Date('2025-10-20T04:00:00Z');

/**
 * Oracle from chinese-days' own API. Its findWorkday is only right in processes at or east of UTC
 * (see china-workdays.ts); west of UTC the literal dates asserted below still pin the behaviour.
 */
const libraryIsReliable = new Date(2025, 0, 1).getTimezoneOffset() <= 0;
const workdayAfter = (n: number, date: string): string => (libraryIsReliable ? chineseDays.findWorkday(n, date) : addChinaWorkdays(date, n));

describe('carrier tracking simulator', () => {
  let carrier: CarrierSimulator;
  const track = async (number: string, query = '', headers: Record<string, string> = {}) => {
    const res = await fetch(`${carrier.url}/v1/trackings/sf-express/${encodeURIComponent(number)}${query}`, { headers });
    return { res, body: (await res.json()) as TrackingResponse & { error?: string; exceptionCode?: string } };
  };

  beforeAll(async () => {
    carrier = await startCarrierSimulator({ now: () => NOW });
  });
  afterAll(() => carrier.close());
  beforeEach(() => carrier.reset());

  function expectSaneTimeline(body: TrackingResponse): void {
    const times = body.checkpoints.map((c) => Date.parse(c.time));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(Math.max(...times)).toBeLessThanOrEqual(NOW.getTime());
    expect(body.lastEventAt).toBe(body.checkpoints.at(-1)!.time);
    for (const c of body.checkpoints) expect(TRACKING_STATUSES).toContain(c.status);
    expect(TRACKING_STATUSES).toContain(body.status);
  }

  it('delivers SIM-DELIVERED on the promised day at 14:00 Shanghai time', async () => {
    const { res, body } = await track('SIM-DELIVERED-0001', '?shipped_at=2025-10-14T02:00:00Z&promised_by=2025-10-16');
    expect(res.status).toBe(200);
    expect(body).toMatchObject({ trackingNumber: 'SIM-DELIVERED-0001', carrier: 'sf-express', status: 'delivered' });
    expect(body.deliveredAt).toBe('2025-10-16T06:00:00.000Z');
    expect(body.checkpoints.at(-1)!.status).toBe('delivered');
    expectSaneTimeline(body);
  });

  it('never reports a delivery in the future, and defaults the hints from the clock', async () => {
    const future = await track('SIM-DELIVERED-0002', '?shipped_at=2025-10-19T00:00:00Z&promised_by=2025-10-25');
    expect(Date.parse(future.body.deliveredAt!)).toBeLessThanOrEqual(NOW.getTime());
    // Defaults: shipped now-3d (Oct 17), promised shipped+2d (Oct 19 Shanghai).
    const defaults = await track('sim-delivered-0003');
    expect(defaults.body.status).toBe('delivered');
    expect(defaults.body.deliveredAt).toBe('2025-10-19T06:00:00.000Z');
    expectSaneTimeline(defaults.body);
  });

  it('is deterministic for the same inputs and clock', async () => {
    const query = '?shipped_at=2025-10-14T02:00:00Z&promised_by=2025-10-16';
    expect((await track('SIM-LATE1-7', query)).body).toEqual((await track('SIM-LATE1-7', query)).body);
  });

  it('counts SIM-LATE working days across the National Day holiday with chinese-days', async () => {
    const { body } = await track('SIM-LATE2-0001', '?shipped_at=2025-09-28T02:00:00Z&promised_by=2025-09-30');
    const expectedDay = workdayAfter(2, '2025-09-30');
    expect(expectedDay).toBe('2025-10-10'); // Oct 1-8 are the holiday; Oct 9 and 10 are the two working days.
    expect(body.status).toBe('delivered');
    expect(body.deliveredAt).toBe(`${expectedDay}T06:00:00.000Z`);
    expectSaneTimeline(body);
  });

  it.runIf(libraryIsReliable)('agrees with chinese-days isWorkday on every day of 2024-2026', () => {
    for (let date = '2024-01-01'; date < '2027-01-01'; date = addCalendarDays(date, 1)) {
      expect([date, isChinaWorkday(date)]).toEqual([date, chineseDays.isWorkday(date)]);
    }
  });

  it('counts a weekend make-up day as a working day', async () => {
    expect(isChinaWorkday('2025-10-11')).toBe(true); // Saturday 2025-10-11 is a make-up day
    const { body } = await track('sim-late1-x', '?shipped_at=2025-10-09T02:00:00Z&promised_by=2025-10-10');
    expect(body.deliveredAt).toBe('2025-10-11T06:00:00.000Z');
  });

  it('reports a late parcel still on its way as in_transit with the new estimate', async () => {
    const { body } = await track('SIM-LATE3-0002', '?shipped_at=2025-10-17T02:00:00Z&promised_by=2025-10-20');
    expect(body.status).toBe('in_transit');
    expect(body.deliveredAt).toBeUndefined();
    expect(body.estimatedDelivery).toBe(`${workdayAfter(3, '2025-10-20')}T06:00:00.000Z`);
    expectSaneTimeline(body);
  });

  it('keeps SIM-TRANSIT moving with a scan a few hours ago', async () => {
    const { body } = await track('SIM-TRANSIT-9');
    expect(body.status).toBe('in_transit');
    expect(body.lastEventAt).toBe(new Date(NOW.getTime() - 3 * 3600_000).toISOString());
    expect(Date.parse(body.estimatedDelivery!)).toBeGreaterThan(NOW.getTime());
    expectSaneTimeline(body);
  });

  it('reports SIM-LOST as a carrier exception with exceptionCode lost', async () => {
    const { body } = await track('SIM-LOST-1');
    expect(body.status).toBe('exception');
    expect(body.exceptionCode).toBe('lost');
    expect(body.checkpoints.at(-1)).toMatchObject({ status: 'exception', message: expect.stringMatching(/lost/i) });
    expectSaneTimeline(body);
  });

  it('answers SIM-DOWN<n>-<REST> with n 503s, then behaves as SIM-<REST>', async () => {
    for (let i = 0; i < 3; i++) {
      const { res, body } = await track('SIM-DOWN3-LOST-0042');
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('1');
      expect(body.error).toBe('service_unavailable');
    }
    const recovered = await track('SIM-DOWN3-LOST-0042');
    expect(recovered.res.status).toBe(200);
    expect(recovered.body).toMatchObject({ trackingNumber: 'SIM-DOWN3-LOST-0042', status: 'exception', exceptionCode: 'lost' });
    expect(carrier.lookupCount('SIM-DOWN3-LOST-0042')).toBe(4);
  });

  it('defaults SIM-DOWN to two failures and recovering as delivered', async () => {
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await track('SIM-DOWN-0001')).res.status);
    expect(statuses).toEqual([503, 503, 200]);
    expect((await track('SIM-DOWN-0001')).body.status).toBe('delivered');
  });

  it('fails every lookup during a global outage and recovers after it', async () => {
    const outage = (down: boolean) => fetch(`${carrier.url}/_control/outage`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ down }) });
    expect((await outage(true)).status).toBe(200);
    expect((await track('SIM-DELIVERED-1')).res.status).toBe(503);
    expect((await track('SIM-TRANSIT-1')).res.status).toBe(503);
    await outage(false);
    expect((await track('SIM-DELIVERED-1')).res.status).toBe(200);
    const stats = await (await fetch(`${carrier.url}/_control/stats`)).json();
    expect(stats).toEqual({ outage: false, totalLookups: 3, lookups: { 'SIM-DELIVERED-1': 2, 'SIM-TRANSIT-1': 1 } });
    expect((await fetch(`${carrier.url}/_control/outage`, { method: 'POST', body: '{"down":"yes"}' })).status).toBe(422);
  });

  it('returns clear errors for unknown numbers, bad hints and unknown routes', async () => {
    const missing = await track('1Z999AA10123456784');
    expect(missing.res.status).toBe(404);
    expect(missing.body.error).toBe('tracking_not_found');
    const badHint = await track('SIM-DELIVERED-1', '?shipped_at=yesterday');
    expect(badHint.res.status).toBe(400);
    expect(badHint.body.error).toBe('invalid_query');
    const future = await track('SIM-DELIVERED-1', '?shipped_at=2030-01-01T00:00:00Z');
    expect(future.res.status).toBe(422);
    const route = await fetch(`${carrier.url}/v2/nothing`);
    expect(route.status).toBe(404);
    expect(await route.json()).toMatchObject({ error: 'route_not_found' });
  });

  it('requires the bearer API key when constructed with one', async () => {
    const secured = await startCarrierSimulator({ apiKey: 'k-123', now: () => NOW });
    try {
      const url = `${secured.url}/v1/trackings/sf/SIM-DELIVERED-1`;
      const denied = await fetch(url);
      expect(denied.status).toBe(401);
      expect(await denied.json()).toMatchObject({ error: 'unauthorized' });
      expect((await fetch(url, { headers: { Authorization: 'Bearer k-123' } })).status).toBe(200);
      expect(secured.lookupCount('SIM-DELIVERED-1')).toBe(1);
    } finally {
      await secured.close();
    }
  });
});

describe('order platform simulator', () => {
  const TOKEN = 'platform-token';
  let platform: OrderPlatformSimulator;
  const refund = { caseId: 'case-1', orderId: 'order-1', kind: 'refund', amount: 1999, currency: 'CNY', refundTo: 'original_payment' };

  const post = async (body: unknown, key: string | null = 'key-1', token = TOKEN) => {
    const headers: Record<string, string> = { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` };
    if (key !== null) headers['Idempotency-Key'] = key;
    const res = await fetch(`${platform.url}/v1/instructions`, {
      method: 'POST',
      headers,
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { res, body: (await res.json()) as Record<string, unknown> };
  };
  const get = async (path: string) => {
    const res = await fetch(`${platform.url}${path}`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    return { res, body: (await res.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    platform = await startOrderPlatformSimulator({ token: TOKEN, now: () => NOW });
  });
  afterAll(() => platform.close());
  beforeEach(() => platform.reset());

  it('accepts an instruction and echoes it back', async () => {
    const { res, body } = await post(refund);
    expect(res.status).toBe(201);
    expect(body).toEqual({ instructionId: expect.stringMatching(/^ins_/), status: 'accepted', receivedAt: NOW.toISOString(), ...refund });
    expect(platform.instructions()).toEqual([body]);
  });

  it('replays the same key and body without recording again', async () => {
    const first = await post(refund);
    // Same content, different key order: still the same request.
    const reordered = Object.fromEntries(Object.entries(refund).reverse());
    const replay = await post(reordered);
    expect(replay.res.status).toBe(200);
    expect(replay.res.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toEqual(first.body);
    expect(platform.instructions()).toHaveLength(1);
  });

  it('rejects a reused key with a different body', async () => {
    await post(refund);
    const conflict = await post({ ...refund, amount: 2999 });
    expect(conflict.res.status).toBe(409);
    expect(conflict.body.error).toBe('idempotency_key_reused');
    expect(platform.instructions()).toHaveLength(1);
  });

  it('requires a bearer token and an Idempotency-Key', async () => {
    const unauthorized = await post(refund, 'key-1', 'wrong');
    expect(unauthorized.res.status).toBe(401);
    expect(unauthorized.body.error).toBe('unauthorized');
    expect((await fetch(`${platform.url}/v1/instructions`)).status).toBe(401);
    const noKey = await post(refund, null);
    expect(noKey.res.status).toBe(400);
    expect(noKey.body.error).toBe('missing_idempotency_key');
  });

  it.each([
    ['refund without amount', { caseId: 'c', orderId: 'o', kind: 'refund' }, 'amount'],
    ['amount without currency', { caseId: 'c', orderId: 'o', kind: 'coupon', amount: 500 }, 'currency'],
    ['lower-case currency', { ...refund, currency: 'cny' }, 'currency'],
    ['fractional amount', { ...refund, amount: 19.99 }, 'amount'],
    ['reship without items', { caseId: 'c', orderId: 'o', kind: 'reship' }, 'items'],
    ['zero quantity', { caseId: 'c', orderId: 'o', kind: 'reship', items: [{ sku: 'A', quantity: 0 }] }, 'items.0.quantity'],
    ['unknown kind', { ...refund, kind: 'cash' }, 'kind'],
  ])('rejects %s with 422', async (_name, body, path) => {
    const { res, body: error } = await post(body);
    expect(res.status).toBe(422);
    expect(error.error).toBe('validation_failed');
    expect(error.issues).toEqual(expect.arrayContaining([expect.objectContaining({ path })]));
    expect(platform.instructions()).toHaveLength(0);
  });

  it('rejects malformed JSON with 400', async () => {
    const { res, body } = await post('{not json');
    expect(res.status).toBe(400);
    expect(body.error).toBe('invalid_json');
  });

  it('lists instructions in order, filtered by case and order, and fetches one', async () => {
    const reship = { caseId: 'case-2', orderId: 'order-2', kind: 'reship', items: [{ sku: 'SKU-1', quantity: 1 }] };
    const a = await post(refund, 'k-a');
    const b = await post(reship, 'k-b');
    const c = await post({ ...refund, kind: 'coupon', amount: 500 }, 'k-c');
    expect((await get('/v1/instructions')).body.instructions).toEqual([a.body, b.body, c.body]);
    expect((await get('/v1/instructions?caseId=case-1')).body.instructions).toEqual([a.body, c.body]);
    expect((await get('/v1/instructions?caseId=case-1&orderId=order-2')).body.instructions).toEqual([]);
    const one = await get(`/v1/instructions/${String(b.body.instructionId)}`);
    expect(one.body).toEqual(b.body);
    const missing = await get('/v1/instructions/ins_nope');
    expect(missing.res.status).toBe(404);
    expect(missing.body.error).toBe('instruction_not_found');
  });

  it('fails the next n POSTs on demand without recording them', async () => {
    const fault = await fetch(`${platform.url}/_control/faults`, { method: 'POST', body: JSON.stringify({ failNext: 2, status: 503 }) });
    expect(fault.status).toBe(200);
    expect((await post(refund)).res.status).toBe(503);
    expect((await post(refund)).res.status).toBe(503);
    expect(platform.instructions()).toHaveLength(0);
    expect((await post(refund)).res.status).toBe(201);
    platform.failNext(1);
    expect((await post(refund)).res.status).toBe(500);
    expect((await post(refund)).res.status).toBe(200); // the retry after a fault replays the earlier success
    expect(platform.instructions()).toHaveLength(1);
    const bad = await fetch(`${platform.url}/_control/faults`, { method: 'POST', body: JSON.stringify({ failNext: -1 }) });
    expect(bad.status).toBe(422);
  });
});
