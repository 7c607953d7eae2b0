/**
 * `npx tsx scripts/bench/carrier-push-tick.ts [--lost] [--china] [--simulator] [N…]`: the carrier simulator's push
 * tick after N trackings (default 1000 and 4000), once every tracking's state was pushed, after one discarded warm-up
 * run per size; the clock moves 500 ms per tick, as on `npm start`. Fabrications per tick and milliseconds per tick.
 *
 * - AfterShip (default): every tracking fabricated on every tick ("plain", before session 11), settled trackings left
 *   out ("settled", session 11), and only the trackings due ("due": settled ones and those whose next scan has not
 *   shown yet left out). The trackings cycle through the scenarios, shipped 2–5 days before the ticks (so the parcels
 *   in transit, one in six, are mid-route); `--lost`: lost parcels only (the load bench's cases).
 * - `--china`: 17TRACK's registered numbers and Kuaidi100's subscriptions (N of each, the same scenarios), "plain"
 *   (every number fabricated on every tick, as before session 12) and "due".
 * - `--simulator`: the whole simulator (`startCarrierSimulator`, pushing every 500 ms as on `npm start`) with N trackings of each
 *   provider, timed by the main thread's busy time (event-loop utilization) over 10 s, per tick. CARRIER_SIM=<path to
 *   carrier.ts> runs it against another checkout's simulator (e.g. the last release's).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import type { SeventeenTrackRegistry } from '../../local/simulators/carrier-17track.js';
import type { AfterShipRecord } from '../../local/simulators/carrier-aftership.js';
import { ChinaPusher, type ChinaPushable, kuaidi100Pushables, seventeenTrackPushables, undatedFabrication } from '../../local/simulators/carrier-china-push.js';
import type { Kuaidi100Subscriptions } from '../../local/simulators/carrier-kuaidi100.js';
import { AfterShipPusher, afterShipPushables, type PushableTracking } from '../../local/simulators/carrier-push.js';

const HOUR = 3600_000;
const NOW = new Date('2026-11-20T02:00:00Z');
const MIX = ['SIM-LOST', 'SIM-DELIVERED', 'SIM-RETURN', 'SIM-LATE', 'SIM-DOWN1-LOST', 'SIM-TRANSIT'];
const PREFIXES = process.argv.includes('--lost') ? ['SIM-LOST'] : MIX;
const TICKS = 20;
const TICK_MS = 500;
type Variant = 'plain' | 'settled' | 'due';

/** Drops what a variant does not use of a state's lifetime: plain fabricates all, settled leaves only final ones out. */
function asVariant<S extends { finalFrom?: number; unchangedUntil?: number }>(state: S | undefined, variant: Variant): S | undefined {
  if (!state || variant === 'due') return state;
  return { ...state, finalFrom: variant === 'plain' ? undefined : state.finalFrom, unchangedUntil: undefined };
}

/** Shipping spread over 2–5 days before NOW (one step per tracking), so parcels in transit are at every stage. */
const shippedAt = (i: number, n: number) => new Date(NOW.getTime() - 48 * HOUR - Math.floor((i / n) * 72 * HOUR));

async function timeTicks(tick: () => Promise<void>, advance: () => void, counted: { n: number }) {
  await tick(); // pushes every tracking once
  counted.n = 0;
  const start = performance.now();
  for (let i = 0; i < TICKS; i++) {
    advance();
    await tick();
  }
  return { fabricationsPerTick: counted.n / TICKS, msPerTick: Number(((performance.now() - start) / TICKS).toFixed(2)) };
}

async function afterShip(n: number, variant: Variant, url: string) {
  const records: AfterShipRecord[] = Array.from({ length: n }, (_, i) => {
    const shipped = shippedAt(i, n);
    return { trackingNumber: `${PREFIXES[i % PREFIXES.length]}-${i}`, slug: 'sf-express', shippedAt: shipped, promisedBy: '2026-11-17', createdAt: shipped };
  });
  const counted = { n: 0 };
  let now = NOW;
  const current = (at: Date): PushableTracking[] =>
    afterShipPushables(records, () => 1, at).map((p) => ({
      ...p,
      state: () => {
        counted.n++;
        return asVariant(p.state(), variant);
      },
    }));
  const pusher = new AfterShipPusher(() => now);
  pusher.setTarget({ url, secret: 'bench' });
  const advance = () => void (now = new Date(now.getTime() + TICK_MS));
  return { provider: 'aftership', trackings: n, variant, ...(await timeTicks(() => pusher.tick(current), advance, counted)) };
}

async function china(n: number, variant: Variant, url: string) {
  const registry: SeventeenTrackRegistry = new Map();
  const subs: Kuaidi100Subscriptions = new Map();
  for (let i = 0; i < n; i++) {
    const number = `${PREFIXES[i % PREFIXES.length]}-${i}`;
    // Registered (first seen) over the last 3 days: undated parcels ship 3 days before that.
    const seen = new Date(NOW.getTime() - Math.floor((i / n) * 72 * HOUR));
    registry.set(number, { number, carrier: 100003, registeredAt: seen });
    subs.set(number, { number, company: 'shunfeng', callbackUrl: url, salt: 'bench' });
  }
  const counted = { n: 0 };
  let now = NOW;
  const fabricate = (at: Date, number: string, carrier: string, seen: Date, lostDays?: number) => {
    counted.n++;
    const made = undatedFabrication(number, carrier, seen, 2, at, lostDays);
    return made && asVariant(made, variant);
  };
  const current = (at: Date): ChinaPushable[] => [
    ...seventeenTrackPushables(registry, { url, secret: 'bench' }, (number, carrier, seen) => fabricate(at, number, carrier, seen)),
    ...kuaidi100Pushables(subs, (number, company) => fabricate(at, number, company, registry.get(number)!.registeredAt, 12)),
  ];
  const pusher = new ChinaPusher(() => now);
  const advance = () => void (now = new Date(now.getTime() + TICK_MS));
  return { provider: '17track+kuaidi100', numbers: n * 2, variant, ...(await timeTicks(() => pusher.tick(current), advance, counted)) };
}

/** The whole simulator, its own timer pushing every 500 ms; busy time of this thread per tick, over 10 s. */
async function simulator(n: number, url: string) {
  const modulePath = process.env.CARRIER_SIM ?? new URL('../../local/simulators/carrier.ts', import.meta.url).pathname;
  const { startCarrierSimulator } = (await import(pathToFileURL(modulePath).href)) as typeof import('../../local/simulators/carrier.js');
  const started = Date.now();
  const sim = await startCarrierSimulator({ now: () => new Date(NOW.getTime() + (Date.now() - started)), pushIntervalMs: TICK_MS });
  try {
    const post = (path: string, body: string, type = 'application/json') => fetch(new URL(path, sim.url), { method: 'POST', headers: { 'content-type': type }, body });
    for (let i = 0; i < n; i++) {
      const number = `${PREFIXES[i % PREFIXES.length]}-${i}`;
      const ship = shippedAt(i, n).toISOString();
      await post(
        '/tracking/2026-07/trackings',
        JSON.stringify({ tracking_number: number, slug: 'sf-express', tracking_ship_date: ship, order_promised_delivery_date: '2026-11-17' }),
      );
      const param = JSON.stringify({ company: 'shunfeng', number: `${PREFIXES[i % PREFIXES.length]}-K${i}`, parameters: { callbackurl: url, salt: 'bench', resultv2: '4' } });
      await post('/poll', new URLSearchParams({ schema: 'json', param }).toString(), 'application/x-www-form-urlencoded');
    }
    for (let i = 0; i < n; i += 40) {
      const batch = Array.from({ length: Math.min(40, n - i) }, (_, k) => ({ number: `${PREFIXES[(i + k) % PREFIXES.length]}-${i + k}`, carrier: 100003 }));
      await post('/track/v2.4/register', JSON.stringify(batch));
    }
    sim.setPushTarget({ url, secret: 'bench' });
    sim.setSeventeenTrackPushTarget({ url, secret: 'bench' });
    // Every first push sent (the count stops growing), then 5 s of ticks.
    for (let last = -1; sim.pushes().length !== last; ) {
      last = sim.pushes().length;
      await new Promise((r) => setTimeout(r, 3 * TICK_MS));
    }
    const before = performance.eventLoopUtilization();
    const pushes = sim.pushes().length;
    await new Promise((r) => setTimeout(r, 20 * TICK_MS));
    const busy = performance.eventLoopUtilization(before);
    return {
      simulator: modulePath,
      trackingsPerProvider: n,
      pushesSent: sim.pushes().length - pushes,
      busyMsPerTick: Number((busy.active / 20).toFixed(2)),
      utilization: Number(busy.utilization.toFixed(3)),
    };
  } finally {
    await sim.close();
  }
}

const server = createServer((req, res) => req.resume().on('end', () => res.writeHead(200).end('{}')));
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
const sizes = process.argv
  .slice(2)
  .map(Number)
  .filter((n) => n > 0);
for (const n of sizes.length ? sizes : [1000, 4000]) {
  if (process.argv.includes('--simulator')) {
    console.log(JSON.stringify(await simulator(n, url)));
  } else if (process.argv.includes('--china')) {
    await china(n, 'due', url); // warm-up, discarded: the first run at a size pays for JIT compilation and sockets
    for (const variant of ['plain', 'due', 'plain', 'due'] as const) console.log(JSON.stringify(await china(n, variant, url)));
  } else {
    await afterShip(n, 'due', url); // warm-up, discarded
    for (const variant of ['plain', 'settled', 'due', 'plain', 'settled', 'due'] as const) console.log(JSON.stringify(await afterShip(n, variant, url)));
  }
}
server.close();
