import { describe, expect, it } from 'vitest';
import type { SeventeenTrackRegistry } from '../../local/simulators/carrier-17track.js';
import type { AfterShipRecord } from '../../local/simulators/carrier-aftership.js';
import { ChinaPusher, type ChinaPushable, kuaidi100Pushables, seventeenTrackPushables, undatedFabrication } from '../../local/simulators/carrier-china-push.js';
import type { Kuaidi100Subscriptions } from '../../local/simulators/carrier-kuaidi100.js';
import { AfterShipPusher, afterShipPushables, type PushableTracking } from '../../local/simulators/carrier-push.js';
import { fabricateTracking, parseScenario, scenarioForLookup, timelineFinalFrom, timelineUnchangedUntil } from '../../local/simulators/carrier-scenarios.js';
import { startReceiver } from './push-receiver.js';

/**
 * A push tick fabricates only the trackings whose pushed state may have changed: for AfterShip, 17TRACK and Kuaidi100,
 * side by side with plain fabrication (every tracking on every tick), and counted.
 */
const SECRET = 'due-secret';
const HOUR = 3600_000;
const SHIPPED = new Date('2026-11-10T01:00:00Z');
const at = (ms: number) => new Date(SHIPPED.getTime() + ms);
const SCENARIOS = [
  'SIM-DELIVERED',
  'SIM-TRANSIT',
  'SIM-LOST',
  'SIM-RETURN',
  'SIM-RETURN9',
  'SIM-RETURN0',
  'SIM-LATE',
  'SIM-LATE3',
  'SIM-DOWN-TRANSIT',
  'SIM-DOWN2-LOST',
  'SIM-DOWN1-RETURN5',
  'SIM-DOWN3-LATE2',
];
/** What any provider's push compares: status (lost or not) and number of checkpoints. */
const printOf = (t: ReturnType<typeof fabricateTracking>) => `${t.status}/${t.exceptionCode ?? ''}/${t.checkpoints.length}`;
/** Instants (ms after SHIPPED) at which some scenario's state flips, one before and one after: the edges to step on. */
const EDGES = [0, 500, 1000, 2500, 4500, 5000, 9000, 3 * HOUR, 4 * HOUR, 6 * HOUR, 7 * HOUR, 23 * HOUR, 26 * HOUR, 27 * HOUR, 30 * HOUR, 43 * HOUR, 46 * HOUR, 47 * HOUR]
  .concat([63, 66, 67, 83, 86, 87].map((h) => h * HOUR))
  .flatMap((t) => [t - 1, t, t + 1])
  .filter((t) => t >= 0);

describe('timelineUnchangedUntil', () => {
  it('keeps what a push compares the same at every instant up to it, in every scenario', () => {
    const inputs = [
      { shippedAt: SHIPPED, promisedBy: '2026-11-12', registeredAt: SHIPPED },
      { shippedAt: SHIPPED, promisedBy: '2026-11-09', registeredAt: at(50 * HOUR) },
      { shippedAt: SHIPPED, promisedBy: '2026-11-11', registeredAt: at(7 * HOUR) },
    ];
    const instants = [...EDGES, ...Array.from({ length: 24 * 20 }, (_, h) => h * HOUR + 17), ...[51, 52, 60, 90, 200].map((h) => h * HOUR)].sort((a, b) => a - b);
    let checked = 0;
    for (const prefix of SCENARIOS) {
      const resolved = scenarioForLookup(parseScenario(`${prefix}-U`)!, 10)!;
      for (const base of inputs) {
        const input = (now: number) => ({ trackingNumber: `${prefix}-U`, carrier: 'sf-express', ...base, now: at(now) });
        const prints = instants.map((now) => printOf(fabricateTracking(resolved, input(now))));
        for (const [i, now] of instants.entries()) {
          const until = timelineUnchangedUntil(resolved, input(now))?.getTime() ?? Infinity;
          expect(until, `${prefix} at ${now}`).toBeGreaterThan(at(now).getTime());
          const print = prints[i]!;
          for (let j = i + 1; j < instants.length && at(instants[j]!).getTime() < until; j++) {
            if (prints[j] !== print) expect(prints[j], `${prefix} from ${now} to ${instants[j]}`).toBe(print);
            checked++;
          }
          // Exact, not merely safe: where it says a change comes, what a push compares does change (but at the final
          // instant, from which nothing changes, which need not change anything compared: a loss between two scans).
          if (Number.isFinite(until) && until !== timelineFinalFrom(resolved, input(now))?.getTime()) {
            expect(printOf(fabricateTracking(resolved, { ...input(now), now: new Date(until) })), `${prefix} at ${until}`).not.toBe(print);
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(100_000);
  });
});

const recordOf = (trackingNumber: string, shippedAt = SHIPPED, promisedBy = '2026-11-12', createdAt = SHIPPED): AfterShipRecord => ({
  trackingNumber,
  slug: 'sf-express',
  shippedAt,
  promisedBy,
  createdAt,
});

/** Wraps pushables so each fabrication (a `state()` call) is counted; `plain` also drops what says how long a state holds. */
function wrap<P extends { state(): unknown }>(pushables: P[], fabricated: string[], name: (p: P) => string, plain = false): P[] {
  return pushables.map((p) => ({
    ...p,
    state: () => {
      fabricated.push(name(p));
      const state = p.state() as object | undefined;
      return state && (plain ? { ...state, finalFrom: undefined, unchangedUntil: undefined } : state);
    },
  }));
}

/** The clock steps: seconds (returns), then edges and hours over two weeks, one step back, and some steps twice. */
function clockSteps(): number[] {
  const steps = [...EDGES];
  for (let h = 1; h <= 24 * 14; h += 5) steps.push(h * HOUR + 123);
  steps.sort((a, b) => a - b);
  steps.splice(70, 0, 20 * HOUR, 20 * HOUR); // back to 20 h, twice, then on from where it was
  return steps;
}

const comparable = (body: string) => {
  const { event_id, ts, ...rest } = JSON.parse(body) as Record<string, unknown>;
  return [typeof event_id, typeof ts, rest];
};

describe('an AfterShip push tick fabricates only the trackings due', () => {
  it('pushes exactly what plain fabrication pushes, in the same order, across every scenario, refusals, an outage and a step back', async () => {
    const refuse = (n: number) => n % 4 === 1;
    const receivers = [await startReceiver(refuse), await startReceiver(refuse)];
    const longAgo = new Date(SHIPPED.getTime() - 20 * 24 * HOUR);
    const records = SCENARIOS.flatMap((prefix, i) => [recordOf(`${prefix}-${i}`), recordOf(`${prefix}-L${i}`, longAgo, '2026-10-23', i % 2 ? SHIPPED : longAgo)]);
    const lookups = new Map<string, number>();
    let now = SHIPPED;
    const due = new AfterShipPusher(() => now);
    const plain = new AfterShipPusher(() => now);
    due.setTarget({ url: receivers[0]!.url, secret: SECRET });
    plain.setTarget({ url: receivers[1]!.url, secret: SECRET });
    const fabricated: string[] = [];
    const plainFabricated: string[] = [];
    const steps = clockSteps();
    try {
      for (const [i, step] of steps.entries()) {
        now = at(step);
        if (i % 9 === 0) for (const r of records.filter((r) => r.trackingNumber.includes('DOWN'))) lookups.set(r.trackingNumber, (lookups.get(r.trackingNumber) ?? 0) + 1);
        const count = (key: string) => lookups.get(key) ?? 0;
        // An outage from step 100 to 119: the simulator lists nothing while down.
        const down = i >= 100 && i < 120;
        const name = (p: PushableTracking) => p.trackingNumber;
        await due.tick((t) => (down ? [] : wrap(afterShipPushables(records, count, t), fabricated, name)));
        await plain.tick((t) => (down ? [] : wrap(afterShipPushables(records, count, t), plainFabricated, name, true)));
      }
      expect(receivers[0]!.bodies.length).toBeGreaterThan(100);
      expect(receivers[0]!.bodies.map(comparable)).toEqual(receivers[1]!.bodies.map(comparable));
      expect(due.history().map(({ at: _, ...p }) => p)).toEqual(plain.history().map(({ at: _, ...p }) => p));
      expect(new Set(due.history().map((p) => p.status))).toEqual(new Set([200, 503]));
      expect(fabricated.length).toBeLessThan(plainFabricated.length / 5);
    } finally {
      await Promise.all(receivers.map((r) => r.close()));
    }
  });

  it('fabricates a parcel in transit only at the ticks after one of its scans showed', async () => {
    const receiver = await startReceiver();
    let now = SHIPPED;
    const pusher = new AfterShipPusher(() => now);
    pusher.setTarget({ url: receiver.url, secret: SECRET });
    // Shipped 0, 1, …, 9 h after SHIPPED: each shows its shipping scan, then one every 20 h from 3 h + 3 h (a scan
    // shows once it is 3 h old), then nothing new after its fifth hub.
    const shipped = Array.from({ length: 10 }, (_, i) => i * HOUR);
    const records = shipped.map((s, i) => recordOf(`SIM-TRANSIT-${i}`, at(s), '2026-11-12', at(s)));
    const shows = (s: number) => [s + 3 * HOUR, ...[0, 1, 2, 3, 4].map((k) => s + 6 * HOUR + k * 20 * HOUR)];
    let previous = -1;
    try {
      for (let t = 9 * HOUR; t <= 120 * HOUR; t += HOUR / 2) {
        now = at(t);
        const fabricated: string[] = [];
        await pusher.tick((n) =>
          wrap(
            afterShipPushables(records, () => 0, n),
            fabricated,
            (p) => p.trackingNumber,
          ),
        );
        const expected =
          previous < 0 ? records.map((r) => r.trackingNumber) : records.filter((_, i) => shows(shipped[i]!).some((x) => x >= previous && x < t)).map((r) => r.trackingNumber);
        expect(fabricated, `${t / HOUR} h`).toEqual(expected);
        previous = t;
      }
      // Every parcel was pushed once, then once per scan that showed: 10 × (1 + 5 hubs … less those shown by 9 h).
      expect(receiver.bodies.length).toBe(10 + shipped.reduce((n, s) => n + shows(s).filter((x) => x >= 9 * HOUR && x < 120 * HOUR).length, 0));
    } finally {
      await receiver.close();
    }
  });
});

/** 17TRACK and Kuaidi100 numbers as the simulator keeps them, their fabrications counted. */
function chinaWorld(receiverUrl: string, prefixes: string[]) {
  const registry: SeventeenTrackRegistry = new Map();
  const subs: Kuaidi100Subscriptions = new Map();
  const firstSeen = new Map<string, Date>();
  prefixes.forEach((prefix, i) => {
    const number = `${prefix}-${i}`;
    registry.set(number.toUpperCase(), { number, carrier: 100003, registeredAt: at(i * 1000) });
    const k = `${prefix.replace('STOPPED-', '')}-K${i}`;
    subs.set(k.toUpperCase(), { number: k, company: 'shunfeng', callbackUrl: receiverUrl, salt: `salt${i}` });
    firstSeen.set(k.toUpperCase(), at(i * 2000));
  });
  return { registry, subs, firstSeen };
}

const CHINA = [...SCENARIOS, 'SIM-STOPPED-TRANSIT', 'SIM-STOPPED-DELIVERED'];

describe('17TRACK and Kuaidi100 push ticks fabricate only the numbers due', () => {
  it('push exactly what plain fabrication pushes, in the same order, across every scenario, refusals, an outage, a retrack and a step back', async () => {
    const refuse = (n: number) => n % 4 === 1;
    const receivers = [await startReceiver(refuse), await startReceiver(refuse)];
    let now = SHIPPED;
    const lookups = new Map<string, number>();
    const worlds = receivers.map((r) => chinaWorld(r.url, CHINA));
    const pushers = [new ChinaPusher(() => now), new ChinaPusher(() => now)];
    const fabricated: string[][] = [[], []];
    const sent: Array<Array<[number, string]>> = [[], []];
    const current =
      (w: number) =>
      (tickAt: Date): ChinaPushable[] => {
        const { registry, subs, firstSeen } = worlds[w]!;
        const fabricate = (number: string, carrier: string, seen: Date, lostDays?: number) =>
          undatedFabrication(number, carrier, seen, lookups.get(number.toUpperCase()) ?? 1, tickAt, lostDays);
        const pushables = [
          ...seventeenTrackPushables(registry, { url: receivers[w]!.url, secret: SECRET }, fabricate),
          ...kuaidi100Pushables(subs, (number, company) => fabricate(number, company, firstSeen.get(number.toUpperCase())!, 12)),
        ];
        return wrap(pushables, fabricated[w]!, (p) => p.id, w === 1);
      };
    // Undated parcels ship 3 days before first seen (i s or 2i s after SHIPPED): their last hub scan shows at 14 h + that.
    const lastHub = Array.from({ length: 2 * CHINA.length }, (_, k) => 14 * HOUR + k * 1000).flatMap((t) => [t, t + 1, t + 2]);
    const steps = clockSteps()
      .concat(lastHub)
      .sort((a, b) => a - b);
    steps.splice(70, 0, 20 * HOUR, 20 * HOUR);
    try {
      for (const [i, step] of steps.entries()) {
        now = at(step);
        if (i % 9 === 0)
          for (const number of [...worlds[0]!.registry.keys(), ...worlds[0]!.subs.keys()]) if (number.includes('DOWN')) lookups.set(number, (lookups.get(number) ?? 0) + 1);
        if (i === 80) for (const w of worlds) w.registry.get('SIM-STOPPED-TRANSIT-12')!.retrackedAt = now;
        if (i >= 100 && i < 120) continue; // down: the simulator runs no tick
        for (const w of [0, 1]) {
          const before = receivers[w]!.bodies.length;
          await pushers[w]!.tick(current(w));
          for (const body of receivers[w]!.bodies.slice(before)) sent[w]!.push([i, body]);
        }
      }
      // Each body with the step that sent it: the same push one tick later is a difference.
      const [due, plain] = sent;
      expect(due!.length).toBeGreaterThan(60);
      expect(due).toEqual(plain);
      expect(pushers[0]!.history().map(({ at: _, ...p }) => p)).toEqual(pushers[1]!.history().map(({ at: _, ...p }) => p));
      const tags = new Set(pushers[0]!.history().map((p) => p.tag));
      for (const tag of ['TRACKING_STOPPED', 'InTransit', 'Delivered', 'Exception', '0', '3', '2']) expect(tags, tag).toContain(tag);
      expect(fabricated[0]!.length).toBeLessThan(fabricated[1]!.length / 4);
    } finally {
      await Promise.all(receivers.map((r) => r.close()));
    }
  });

  it('fabricates a registered number or a subscription in transit only at the ticks after one of its scans showed', async () => {
    const receiver = await startReceiver();
    let now = SHIPPED;
    const pusher = new ChinaPusher(() => now);
    const { registry, subs, firstSeen } = chinaWorld(receiver.url, ['SIM-TRANSIT', 'SIM-TRANSIT', 'SIM-TRANSIT']);
    // Undated: shipped 3 days before first seen (registered at i s, subscribed at 2i s), so the hub scans show at
    // 3 h + 3 h + 20 k h after that shipping: -66 h, -46 h, -26 h, -6 h and 14 h (plus i or 2i s) from SHIPPED.
    const fabricated: string[] = [];
    const current = (tickAt: Date): ChinaPushable[] => {
      const fabricate = (number: string, carrier: string, seen: Date) => undatedFabrication(number, carrier, seen, 1, tickAt);
      return wrap(
        [
          ...seventeenTrackPushables(registry, { url: receiver.url, secret: SECRET }, fabricate),
          ...kuaidi100Pushables(subs, (number, company) => fabricate(number, company, firstSeen.get(number.toUpperCase())!)),
        ],
        fabricated,
        (p) => p.id,
      );
    };
    try {
      await pusher.tick(current);
      expect(fabricated).toHaveLength(6);
      for (const [ms, expected] of [
        [HOUR, []],
        [14 * HOUR - 1, []],
        // 14 h + 1 ms: the last hub scan of the numbers seen at 0 s shows; the others' at 14 h + 1, 2, 4 s (+ 1 ms).
        [14 * HOUR + 1, ['17track:SIM-TRANSIT-0', 'kuaidi100:SIM-TRANSIT-K0']],
        [14 * HOUR + 1500, ['17track:SIM-TRANSIT-1']],
        [14 * HOUR + 5000, ['17track:SIM-TRANSIT-2', 'kuaidi100:SIM-TRANSIT-K1', 'kuaidi100:SIM-TRANSIT-K2']],
        [200 * HOUR, []],
      ] as const) {
        now = at(ms);
        fabricated.length = 0;
        await pusher.tick(current);
        expect(fabricated, `${ms} ms`).toEqual(expected);
      }
      expect(receiver.bodies).toHaveLength(12);
    } finally {
      await receiver.close();
    }
  });

  it('keeps no window, after the numbers were forgotten during its push, for a number then registered anew', async () => {
    const receiver = await startReceiver(() => false, 200);
    const now = at(10 * HOUR);
    const pusher = new ChinaPusher(() => now);
    let world = chinaWorld(receiver.url, ['SIM-TRANSIT']);
    const fabricated: string[] = [];
    const current = (tickAt: Date): ChinaPushable[] =>
      wrap(
        seventeenTrackPushables(world.registry, { url: receiver.url, secret: SECRET }, (number, carrier, seen) => undatedFabrication(number, carrier, seen, 1, tickAt)),
        fabricated,
        (p) => p.id,
      );
    try {
      const inFlight = pusher.tick(current);
      await new Promise((r) => setTimeout(r, 50)); // the push is out, its answer 150 ms away
      pusher.forgetWindows();
      world = chinaWorld(receiver.url, ['SIM-TRANSIT']);
      world.registry.get('SIM-TRANSIT-0')!.registeredAt = at(-24 * HOUR); // registered anew, as seen a day earlier
      await inFlight;
      fabricated.length = 0;
      await pusher.tick(current);
      expect(fabricated).toEqual(['17track:SIM-TRANSIT-0']);
    } finally {
      await receiver.close();
    }
  });
});

describe('a 17TRACK push tick fabricates at the instant that decided which numbers are due', () => {
  it('with a clock that moves on every read, pushes each state as of its tick and a change in the tick at its instant', async () => {
    const receiver = await startReceiver();
    const { registry } = chinaWorld(receiver.url, ['SIM-TRANSIT']);
    const target = { url: receiver.url, secret: SECRET };
    const fabricateAt = (at: Date) => (number: string, carrier: string, seen: Date) => undatedFabrication(number, carrier, seen, 1, at);
    const bodyAt = (at: number) =>
      seventeenTrackPushables(registry, target, fabricateAt(new Date(at)))[0]!
        .state()!
        .send().body;
    // Its last hub scan shows at `change`: a tick that reads the clock 1 ms before must push the state before it.
    const change = undatedFabrication('SIM-TRANSIT-0', '100003', at(0), 1, at(10 * HOUR))!.unchangedUntil!;
    expect(bodyAt(change - 1)).not.toBe(bodyAt(change));
    let next = change - 1;
    const pusher = new ChinaPusher(() => new Date(next++));
    const pushedAt: number[] = [];
    try {
      for (let tick = 0; tick < 3; tick++) {
        const before = receiver.bodies.length;
        await pusher.tick((now) => seventeenTrackPushables(registry, target, fabricateAt(now)));
        for (let i = before; i < receiver.bodies.length; i++) pushedAt.push(tick);
      }
      expect(receiver.bodies.map((body, i) => [pushedAt[i], body])).toEqual([
        [0, bodyAt(change - 1)],
        [1, bodyAt(change)],
      ]);
    } finally {
      await receiver.close();
    }
  });
});

describe('a 17TRACK push that was out when the pusher forgot what it pushed', () => {
  const inTransit = (registry: SeventeenTrackRegistry, target: { url: string; secret: string }, now: Date) =>
    seventeenTrackPushables(registry, target, (number, carrier, seen) => undatedFabrication(number, carrier, seen, 1, now));

  it('counts as pushed for no new target: the new target receives the state', async () => {
    const [old, fresh] = [await startReceiver(() => false, 200), await startReceiver()];
    const pusher = new ChinaPusher(() => at(10 * HOUR));
    const { registry } = chinaWorld(old.url, ['SIM-TRANSIT']);
    let target = { url: old.url, secret: SECRET };
    try {
      const inFlight = pusher.tick((now) => inTransit(registry, target, now));
      await new Promise((r) => setTimeout(r, 50)); // the push is out, its answer 150 ms away
      target = { url: fresh.url, secret: SECRET }; // as setSeventeenTrackPushTarget does
      pusher.forgetPushed();
      await inFlight;
      await pusher.tick((now) => inTransit(registry, target, now));
      expect(old.bodies).toHaveLength(1);
      expect(fresh.bodies).toEqual(old.bodies);
    } finally {
      await Promise.all([old.close(), fresh.close()]);
    }
  });

  it('counts as pushed for no number registered anew after a reset: it is pushed', async () => {
    const receiver = await startReceiver(() => false, 200);
    const pusher = new ChinaPusher(() => at(10 * HOUR));
    let { registry } = chinaWorld(receiver.url, ['SIM-TRANSIT']);
    const target = { url: receiver.url, secret: SECRET };
    try {
      const inFlight = pusher.tick((now) => inTransit(registry, target, now));
      await new Promise((r) => setTimeout(r, 50));
      pusher.forgetWindows(); // as reset() does; the same number is then registered anew, in the same state
      ({ registry } = chinaWorld(receiver.url, ['SIM-TRANSIT']));
      await inFlight;
      await pusher.tick((now) => inTransit(registry, target, now));
      expect(receiver.bodies).toHaveLength(2);
      expect(receiver.bodies[1]).toBe(receiver.bodies[0]);
    } finally {
      await receiver.close();
    }
  });
});
