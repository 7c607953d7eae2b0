import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { verifyAndParsePush } from '../../functions/adapters/carriers/push.js';
import { startCarrierSimulator, type CarrierSimulator } from '../../local/simulators/carrier.js';
import { afterShipFingerprint, toAfterShipTracking, type AfterShipRecord, type AfterShipTrackingBody } from '../../local/simulators/carrier-aftership.js';
import { AfterShipPusher, afterShipPushables, type PushableTracking } from '../../local/simulators/carrier-push.js';
import { fabricateTracking, parseScenario, scenarioForLookup, timelineFinalFrom } from '../../local/simulators/carrier-scenarios.js';
import { startReceiver } from './push-receiver.js';

/** The carrier simulator's AfterShip pushes and its SIM-RETURN parcels, against a real HTTP receiver. */
const SECRET = 'sim-push-secret';
const START = new Date('2026-11-10T02:00:00Z');
let clock = START;
let sim: CarrierSimulator;
let receiver: Server;
let receiverUrl: string;
let answer = 200;
const received: Array<{ body: string; signature: string }> = [];

const waitFor = async <T>(probe: () => T | undefined, what: string): Promise<T> => {
  const deadline = Date.now() + 5000;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};
const create = (trackingNumber: string) =>
  fetch(new URL('/tracking/2026-07/trackings', sim.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ tracking_number: trackingNumber, slug: 'sf-express', tracking_ship_date: '2026-11-10T01:00:00Z' }),
  });
const pushesOf = (trackingNumber: string) => received.filter((p) => (JSON.parse(p.body) as { msg: { tracking_number: string } }).msg.tracking_number === trackingNumber);

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      received.push({ body, signature: String(req.headers['aftership-hmac-sha256']) });
      res.writeHead(answer, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/carriers/aftership`;
  sim = await startCarrierSimulator({ now: () => clock, pushIntervalMs: 20 });
  sim.setPushTarget({ url: receiverUrl, secret: SECRET });
});

afterEach(() => {
  answer = 200;
  sim.setOutage(false);
});

afterAll(async () => {
  await sim?.close();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

describe('carrier simulator pushes', () => {
  it('pushes a SIM-RETURN parcel at each change, signed as AfterShip signs, until it is delivered to the service center', async () => {
    clock = START;
    expect((await create('SIM-RETURN4-A')).status).toBe(201);
    await waitFor(() => pushesOf('SIM-RETURN4-A')[0], 'the first push');
    clock = new Date(START.getTime() + 2000);
    await waitFor(() => pushesOf('SIM-RETURN4-A')[1], 'the in-transit push');
    clock = new Date(START.getTime() + 4000);
    await waitFor(() => pushesOf('SIM-RETURN4-A')[2], 'the delivered push');
    await new Promise((r) => setTimeout(r, 100));

    const pushes = pushesOf('SIM-RETURN4-A');
    expect(pushes).toHaveLength(3);
    for (const push of pushes) expect(push.signature).toBe(createHmac('sha256', SECRET).update(push.body).digest('base64'));
    const parsed = pushes.map((p) => verifyAndParsePush('aftership', p.body, { 'aftership-hmac-sha256': p.signature }, SECRET, { carrierCodes: { SF: 'sf-express' } }));
    expect(parsed.map((r) => r.ok && r.updates[0]!.snapshot.status)).toEqual(['info_received', 'in_transit', 'delivered']);
    const delivered = parsed[2]!.ok ? parsed[2]!.updates[0]! : undefined;
    expect(delivered).toMatchObject({ carrier: 'SF', trackingNumber: 'SIM-RETURN4-A', snapshot: { deliveredAt: new Date(START.getTime() + 4000).toISOString() } });
    expect(delivered!.snapshot.checkpoints!.at(-1)!.location).toMatch(/service center/);
    expect(JSON.parse(pushes[0]!.body)).toMatchObject({ event: 'tracking_update', is_tracking_first_tag: true });
    expect(
      sim
        .pushes()
        .filter((p) => p.trackingNumber === 'SIM-RETURN4-A')
        .map((p) => p.tag),
    ).toEqual(['InfoReceived', 'InTransit', 'Delivered']);
  });

  it('a push the receiver refuses is sent again; none goes out during an outage or for numbers not created here', async () => {
    clock = START;
    answer = 503;
    await create('SIM-DELIVERED-B');
    await waitFor(() => pushesOf('SIM-DELIVERED-B')[1], 'a second attempt');
    answer = 200;
    await waitFor(() => sim.pushes().find((p) => p.trackingNumber === 'SIM-DELIVERED-B' && p.status === 200), 'an accepted push');
    const attempts = pushesOf('SIM-DELIVERED-B').length;
    await new Promise((r) => setTimeout(r, 100));
    // Accepted once, then nothing more while the tracking does not change.
    expect(pushesOf('SIM-DELIVERED-B').length).toBe(attempts);
    expect(
      sim
        .pushes()
        .filter((p) => p.trackingNumber === 'SIM-DELIVERED-B')
        .map((p) => p.status)
        .slice(0, 2),
    ).toEqual([503, 503]);

    sim.setOutage(true);
    const before = received.length;
    clock = new Date(START.getTime() + 60_000);
    await new Promise((r) => setTimeout(r, 100));
    expect(received.length).toBe(before);
    // A push is no lookup: it uses up no SIM-DOWN failure.
    expect(sim.lookupCount('SIM-DELIVERED-B')).toBe(1);
  });
});

describe('settled trackings on the simulator', () => {
  it('still answers lookups for a settled tracking, and pushes a number created anew after a reset', async () => {
    clock = START;
    expect((await create('SIM-RETURN4-R')).status).toBe(201);
    await waitFor(() => pushesOf('SIM-RETURN4-R')[0], 'the first push');
    clock = new Date(START.getTime() + 4000);
    await waitFor(() => pushesOf('SIM-RETURN4-R')[1], 'the delivered push');
    clock = new Date(START.getTime() + 9000);
    await new Promise((r) => setTimeout(r, 100));
    expect(pushesOf('SIM-RETURN4-R')).toHaveLength(2);
    const listed = (await (await fetch(new URL('/tracking/2026-07/trackings?tracking_numbers=SIM-RETURN4-R', sim.url))).json()) as {
      data: { trackings: Array<{ tag: string; updated_at: string }> };
    };
    expect(listed.data.trackings).toMatchObject([{ tag: 'Delivered', updated_at: '2026-11-10T02:00:09Z' }]);

    // Forgotten and created again at a later instant: a new tracking, info received only, pushed as AfterShip would.
    sim.reset();
    clock = new Date(START.getTime() + 10_000);
    expect((await create('SIM-RETURN4-R')).status).toBe(201);
    const again = await waitFor(() => pushesOf('SIM-RETURN4-R')[2], 'the push of the new tracking');
    expect(JSON.parse(again.body)).toMatchObject({ msg: { tag: 'InfoReceived', created_at: '2026-11-10T02:00:10Z' } });
  });
});

describe('SIM-RETURN over the plain lookup route', () => {
  it('counts its seconds from shipping when nothing registered it', async () => {
    clock = new Date('2026-11-10T01:00:05Z');
    const body = (await (await fetch(new URL('/v1/trackings/SF/SIM-RETURN3-C?shipped_at=2026-11-10T01:00:00Z', sim.url))).json()) as Record<string, unknown>;
    expect(body).toMatchObject({ status: 'delivered', deliveredAt: '2026-11-10T01:00:03.000Z' });
  });
});

describe('a push tick renders only what changed', () => {
  it("reads the same fingerprint off the timeline as off the rendered tracking, in every scenario's states", () => {
    const shippedAt = new Date('2026-11-01T01:00:00Z');
    const record: AfterShipRecord = { trackingNumber: '', slug: 'sf-express', shippedAt, promisedBy: '2026-11-03', createdAt: shippedAt };
    const seen = new Set<string>();
    for (const number of ['SIM-DELIVERED-F', 'SIM-TRANSIT-F', 'SIM-LOST-F', 'SIM-RETURN4-F', 'SIM-LATE2-F', 'SIM-DOWN2-LOST-F']) {
      const resolved = scenarioForLookup(parseScenario(number)!, 3)!;
      for (const hours of [0, 0.0005, 0.001, 2, 30, 24 * 20]) {
        const now = new Date(shippedAt.getTime() + hours * 3600_000);
        const timeline = fabricateTracking(resolved, { trackingNumber: number, carrier: 'sf-express', shippedAt, promisedBy: record.promisedBy, registeredAt: shippedAt, now });
        const body = toAfterShipTracking(timeline, { ...record, trackingNumber: number }, now);
        expect(afterShipFingerprint(timeline)).toBe(`${body.tag}/${body.subtag}/${body.checkpoints.length}`);
        seen.add(body.tag);
      }
    }
    expect([...seen].sort()).toEqual(['Delivered', 'Exception', 'InTransit', 'InfoReceived']);
  });

  it('renders and sends a tracking only when its fingerprint changed since the last accepted push', async () => {
    const bodies: string[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        bodies.push(body);
        res.writeHead(200).end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const pusher = new AfterShipPusher();
      pusher.setTarget({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, secret: SECRET });
      const rendered: string[] = [];
      const pushable = (trackingNumber: string, fingerprint: string): PushableTracking => ({
        trackingNumber,
        state: () => ({
          fingerprint,
          render: () => {
            rendered.push(trackingNumber);
            return { tracking_number: trackingNumber, tag: fingerprint.split('/')[0] } as AfterShipTrackingBody;
          },
        }),
      });
      const many = Array.from({ length: 50 }, (_, i) => pushable(`SIM-LOST-${i}`, 'Exception/Exception_013/3'));
      await pusher.tick(() => many);
      expect(rendered).toHaveLength(50);
      rendered.length = 0;
      await pusher.tick(() => [...many.slice(0, 49), pushable('SIM-LOST-49', 'Exception/Exception_013/4')]);
      expect(rendered).toEqual(['SIM-LOST-49']);
      expect(bodies).toHaveLength(51);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

/** Wraps pushables so each fabrication (a `state()` call) is counted by tracking number. */
const counting = (pushables: PushableTracking[], fabricated: string[]): PushableTracking[] =>
  pushables.map((p) => ({
    trackingNumber: p.trackingNumber,
    state: () => {
      fabricated.push(p.trackingNumber);
      return p.state();
    },
  }));

/** The same pushables, never final: the plain fabrication every tick did before trackings settled. */
const plain = (pushables: PushableTracking[]): PushableTracking[] =>
  pushables.map((p) => ({
    trackingNumber: p.trackingNumber,
    state: () => {
      const state = p.state();
      return state && { ...state, finalFrom: undefined, unchangedUntil: undefined };
    },
  }));

/** Runs one tick over `records` (no lookups made) and answers the numbers it fabricated. */
async function tickCounting(pusher: AfterShipPusher, records: AfterShipRecord[]): Promise<string[]> {
  const fabricated: string[] = [];
  await pusher.tick((at) =>
    counting(
      afterShipPushables(records, () => 0, at),
      fabricated,
    ),
  );
  return fabricated;
}

const HOUR = 3600_000;
const SHIPPED = new Date('2026-11-10T01:00:00Z');
const recordOf = (trackingNumber: string, shippedAt = SHIPPED, promisedBy = '2026-11-12', createdAt = SHIPPED): AfterShipRecord => ({
  trackingNumber,
  slug: 'sf-express',
  shippedAt,
  promisedBy,
  createdAt,
});

describe('a resolved timeline is final from timelineFinalFrom on', () => {
  it('fabricates the same timeline at that instant and at every later one, and a different one just before, in every scenario', () => {
    const inputs = [
      { shippedAt: SHIPPED, promisedBy: '2026-11-12', registeredAt: SHIPPED },
      // Promised before pickup could deliver it; registered long after shipping.
      { shippedAt: SHIPPED, promisedBy: '2026-11-09', registeredAt: new Date(SHIPPED.getTime() + 50 * HOUR) },
    ];
    for (const number of ['SIM-DELIVERED-F', 'SIM-LOST-F', 'SIM-RETURN-F', 'SIM-RETURN4-F', 'SIM-RETURN0-F', 'SIM-LATE-F', 'SIM-LATE3-F', 'SIM-DOWN2-LATE2-F']) {
      const resolved = scenarioForLookup(parseScenario(number)!, 10)!;
      for (const base of inputs) {
        const input = (now: Date) => ({ trackingNumber: number, carrier: 'sf-express', ...base, now });
        const finalFrom = timelineFinalFrom(resolved, input(SHIPPED))!;
        expect(finalFrom, number).toBeInstanceOf(Date);
        const final = fabricateTracking(resolved, input(finalFrom));
        for (const later of [1, 1000, HOUR, 7 * HOUR, 31 * HOUR, 24 * 40 * HOUR]) {
          expect(fabricateTracking(resolved, input(new Date(finalFrom.getTime() + later))), `${number} +${later} ms`).toEqual(final);
        }
        const before = new Date(finalFrom.getTime() - 1);
        if (before >= base.shippedAt) expect(fabricateTracking(resolved, input(before)), `${number} just before`).not.toEqual(final);
      }
    }
    // A parcel in transit scans on with the clock: never final.
    expect(timelineFinalFrom({ kind: 'transit' }, { trackingNumber: 'SIM-TRANSIT-F', carrier: 'sf-express', ...inputs[0]!, now: SHIPPED })).toBeUndefined();
  });
});

describe('a push tick leaves settled trackings out', () => {
  it('fabricates a tracking whose final state was accepted no more, one in transit only when a scan is due, and retries a refused final push', async () => {
    const receiver = await startReceiver((n) => n === 3); // the fourth push (SIM-LOST-S's final state, below) is refused once
    let now = new Date(SHIPPED.getTime() + 30 * HOUR);
    const pusher = new AfterShipPusher(() => now);
    pusher.setTarget({ url: receiver.url, secret: SECRET });
    const records = [recordOf('SIM-DELIVERED-S', SHIPPED, '2026-11-09'), recordOf('SIM-TRANSIT-S'), recordOf('SIM-LOST-S', new Date(SHIPPED.getTime() + 11 * HOUR))];
    let fabricated: string[] = [];
    const tick = async () => {
      fabricated = await tickCounting(pusher, records);
    };
    try {
      await tick(); // pushes DELIVERED (final) and TRANSIT; LOST, shipped 19 h ago, is lost as of now, not final yet
      expect(fabricated).toEqual(['SIM-DELIVERED-S', 'SIM-TRANSIT-S', 'SIM-LOST-S']);
      now = new Date(SHIPPED.getTime() + 41 * HOUR);
      await tick(); // LOST is final now (lost 30 h after shipping, one more scan); its push is refused
      // TRANSIT's next scan shows 3 h after the Changsha one (shipping + 43 h): nothing to fabricate before 46 h.
      expect(fabricated).toEqual(['SIM-LOST-S']);
      expect(pusher.history().map((p) => [p.trackingNumber, p.status])).toEqual([
        ['SIM-DELIVERED-S', 200],
        ['SIM-TRANSIT-S', 200],
        ['SIM-LOST-S', 200],
        ['SIM-LOST-S', 503],
      ]);
      await tick(); // the refused final push is fabricated and sent again
      expect(fabricated).toEqual(['SIM-LOST-S']);
      expect(pusher.history().at(-1)).toMatchObject({ trackingNumber: 'SIM-LOST-S', status: 200 });
      const msg = (body: string) => (JSON.parse(body) as { msg: unknown }).msg;
      expect(msg(receiver.bodies.at(-1)!)).toEqual(msg(receiver.bodies.at(-2)!));
      // 65 h and 89 h: a scan showed since the last tick (46 h, 66 h); from 86 h on TRANSIT has no scan left to show.
      for (const expected of [['SIM-TRANSIT-S'], ['SIM-TRANSIT-S'], []]) {
        now = new Date(now.getTime() + 24 * HOUR);
        await tick();
        expect(fabricated).toEqual(expected);
      }
      // A clock set back before a settled tracking's final instant, or before a quiet one was last fabricated, fabricates it again.
      now = new Date(SHIPPED.getTime() + 39 * HOUR);
      await tick();
      expect(fabricated).toEqual(['SIM-TRANSIT-S', 'SIM-LOST-S']);
    } finally {
      await receiver.close();
    }
  });

  it('pushes exactly what plain fabrication pushes, in the same order, across every scenario over a stepped clock', async () => {
    const refuse = (n: number) => n % 5 === 3;
    const receivers = [await startReceiver(refuse), await startReceiver(refuse)];
    const longAgo = new Date(SHIPPED.getTime() - 20 * 24 * HOUR);
    const records = [
      recordOf('SIM-DELIVERED-1'),
      recordOf('SIM-DELIVERED-2', longAgo, '2026-10-23'),
      recordOf('SIM-TRANSIT-3'),
      recordOf('SIM-LOST-4'),
      recordOf('SIM-LOST-5', longAgo, '2026-10-23'),
      recordOf('SIM-RETURN-6', longAgo, '2026-10-23', SHIPPED),
      recordOf('SIM-RETURN9-7'),
      recordOf('SIM-RETURN0-8'),
      recordOf('SIM-LATE-9'),
      recordOf('SIM-LATE3-10', SHIPPED, '2026-11-09'),
      recordOf('SIM-DOWN-11'),
      recordOf('SIM-DOWN2-LOST-12'),
      recordOf('SIM-DOWN1-RETURN5-13'),
      recordOf('SIM-DOWN3-LATE2-14'),
      recordOf('SIM-DOWN1-DOWN1-DELIVERED-15'),
    ];
    const lookups = new Map<string, number>();
    let now = SHIPPED;
    const settling = new AfterShipPusher(() => now);
    const before = new AfterShipPusher(() => now);
    settling.setTarget({ url: receivers[0]!.url, secret: SECRET });
    before.setTarget({ url: receivers[1]!.url, secret: SECRET });
    const fabricated: string[] = [];
    const plainFabricated: string[] = [];
    // Seconds first (returns), then hours over two weeks, with one step back; the pipeline looks the DOWN ones up now and then.
    const steps = [0, 1, 2, 2.5, 3, 4, 5, 6, 9, 10, 60].map((s) => s * 1000);
    for (let h = 1; h <= 24 * 14; h += 2) steps.push(h * HOUR);
    steps.splice(60, 0, 20 * HOUR);
    try {
      for (const [i, step] of steps.entries()) {
        now = new Date(SHIPPED.getTime() + step);
        if (i % 7 === 0) for (const r of records.filter((r) => r.trackingNumber.includes('DOWN'))) lookups.set(r.trackingNumber, (lookups.get(r.trackingNumber) ?? 0) + 1);
        const count = (key: string) => lookups.get(key) ?? 0;
        await settling.tick((at) => counting(afterShipPushables(records, count, at), fabricated));
        await before.tick((at) => counting(plain(afterShipPushables(records, count, at)), plainFabricated));
      }
      const comparable = (body: string) => {
        const { event_id, ts, ...rest } = JSON.parse(body) as Record<string, unknown>;
        return [typeof event_id, typeof ts, rest];
      };
      expect(receivers[0]!.bodies.length).toBeGreaterThan(40);
      expect(receivers[0]!.bodies.map(comparable)).toEqual(receivers[1]!.bodies.map(comparable));
      expect(settling.history().map(({ at: _, ...p }) => p)).toEqual(before.history().map(({ at: _, ...p }) => p));
      expect(new Set(settling.history().map((p) => p.tag))).toEqual(new Set(['InfoReceived', 'InTransit', 'Delivered', 'Exception']));
      // Plain fabrication fabricates every resolvable tracking on every tick; settling, far fewer.
      expect(plainFabricated.length).toBe(steps.length * records.length);
      expect(fabricated.length).toBeLessThan(plainFabricated.length / 3);
    } finally {
      await Promise.all(receivers.map((r) => r.close()));
    }
  });

  it('does not fabricate again a lost parcel whose final state was pushed before its final instant', async () => {
    const receiver = await startReceiver();
    let now = new Date(SHIPPED.getTime() + 25 * HOUR);
    const pusher = new AfterShipPusher(() => now);
    pusher.setTarget({ url: receiver.url, secret: SECRET });
    const records = [recordOf('SIM-LOST-E')];
    let fabricated: string[] = [];
    const tick = async () => {
      fabricated = await tickCounting(pusher, records);
    };
    try {
      await tick(); // lost as of now (25 h), with as many scans as at 30 h: the final fingerprint, not final yet
      now = new Date(SHIPPED.getTime() + 31 * HOUR);
      await tick(); // final now, nothing new to push: settled by the fingerprint already accepted
      expect(fabricated).toEqual(['SIM-LOST-E']);
      for (const hours of [32, 40, 24 * 10]) {
        now = new Date(SHIPPED.getTime() + hours * HOUR);
        await tick();
        expect(fabricated, `${hours} h`).toEqual([]);
      }
      expect(receiver.bodies).toHaveLength(1);
    } finally {
      await receiver.close();
    }
  });

  it('pushes a settled tracking again to a new target', async () => {
    const receivers = [await startReceiver(), await startReceiver()];
    const now = new Date(SHIPPED.getTime() + 41 * HOUR);
    const pusher = new AfterShipPusher(() => now);
    const records = [recordOf('SIM-LOST-T')];
    const tick = () => pusher.tick((at) => afterShipPushables(records, () => 0, at));
    try {
      pusher.setTarget({ url: receivers[0]!.url, secret: SECRET });
      await tick(); // final: pushed and settled
      await tick();
      expect(receivers[0]!.bodies).toHaveLength(1);
      pusher.setTarget({ url: receivers[1]!.url, secret: SECRET });
      await tick();
      expect(receivers[1]!.bodies).toHaveLength(1);
      expect(JSON.parse(receivers[1]!.bodies[0]!)).toMatchObject({ is_tracking_first_tag: true, msg: { tracking_number: 'SIM-LOST-T', tag: 'Exception' } });
    } finally {
      await Promise.all(receivers.map((r) => r.close()));
    }
  });

  it('does not settle, after a reset during its push, a number that is then created anew', async () => {
    const receiver = await startReceiver(() => false, 200);
    const now = new Date(SHIPPED.getTime() + 41 * HOUR);
    const pusher = new AfterShipPusher(() => now);
    pusher.setTarget({ url: receiver.url, secret: SECRET });
    let records = [recordOf('SIM-LOST-G')]; // lost 30 h after shipping: final
    const tick = () => pusher.tick((at) => afterShipPushables(records, () => 0, at));
    try {
      const inFlight = tick();
      await new Promise((r) => setTimeout(r, 50)); // the push is out, its answer 150 ms away
      pusher.unsettleAll();
      const shippedAgain = new Date(now.getTime() - 2 * HOUR);
      records = [recordOf('SIM-LOST-G', shippedAgain, '2026-11-14', shippedAgain)]; // created anew: lost 2 h after shipping
      await inFlight;
      await tick();
      const shipped = receiver.bodies.map((b) => (JSON.parse(b) as { msg: { tracking_ship_date: string } }).msg.tracking_ship_date);
      expect(shipped).toHaveLength(2);
      expect(new Date(shipped[1]!)).toEqual(shippedAgain);
    } finally {
      await receiver.close();
    }
  });
});
