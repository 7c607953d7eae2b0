import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { verifyAndParsePush } from '../../functions/adapters/carriers/push.js';
import { startCarrierSimulator, type CarrierSimulator } from '../../local/simulators/carrier.js';
import { afterShipFingerprint, toAfterShipTracking, type AfterShipRecord } from '../../local/simulators/carrier-aftership.js';
import { AfterShipPusher, type PushableTracking } from '../../local/simulators/carrier-push.js';
import { fabricateTracking, parseScenario, scenarioForLookup } from '../../local/simulators/carrier-scenarios.js';

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
        fingerprint,
        render: () => {
          rendered.push(trackingNumber);
          return { tracking_number: trackingNumber, tag: fingerprint.split('/')[0] } as ReturnType<PushableTracking['render']>;
        },
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
