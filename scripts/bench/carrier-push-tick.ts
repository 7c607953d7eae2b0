/**
 * `npx tsx scripts/bench/carrier-push-tick.ts [--lost] [N…]`: the carrier simulator's AfterShip push tick after N trackings
 * were created (default 1000 and 4000), with settled trackings left out (as `npm start` runs it) and with every
 * tracking fabricated on every tick (as before): fabrications per tick and milliseconds per tick, once every
 * tracking's state was pushed, after one discarded warm-up run per size. The trackings cycle through the scenarios,
 * shipped five days before the ticks, so all but the parcels in transit (one in six) are final, as on a long
 * `npm start`; `--lost`: lost parcels only (the load bench's cases).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { AfterShipRecord } from '../../local/simulators/carrier-aftership.js';
import { AfterShipPusher, afterShipPushables, type PushableTracking } from '../../local/simulators/carrier-push.js';

const NOW = new Date('2026-11-20T02:00:00Z');
const SHIPPED = new Date(NOW.getTime() - 5 * 24 * 3600_000);
const PREFIXES = process.argv.includes('--lost') ? ['SIM-LOST'] : ['SIM-LOST', 'SIM-DELIVERED', 'SIM-RETURN', 'SIM-LATE', 'SIM-DOWN1-LOST', 'SIM-TRANSIT'];
const TICKS = 20;

async function measure(n: number, settle: boolean, url: string) {
  const records: AfterShipRecord[] = Array.from({ length: n }, (_, i) => ({
    trackingNumber: `${PREFIXES[i % PREFIXES.length]}-${i}`,
    slug: 'sf-express',
    shippedAt: SHIPPED,
    promisedBy: '2026-11-17',
    createdAt: SHIPPED,
  }));
  let fabricated = 0;
  const current = (now: Date): PushableTracking[] =>
    afterShipPushables(records, () => 1, now).map((p) => ({
      trackingNumber: p.trackingNumber,
      state: () => {
        fabricated++;
        const state = p.state();
        return state && (settle ? state : { ...state, finalFrom: undefined });
      },
    }));
  const pusher = new AfterShipPusher(() => NOW);
  pusher.setTarget({ url, secret: 'bench' });
  await pusher.tick(current); // pushes every tracking once
  fabricated = 0;
  const start = performance.now();
  for (let i = 0; i < TICKS; i++) await pusher.tick(current);
  return { trackings: n, settle, fabricationsPerTick: fabricated / TICKS, msPerTick: Number(((performance.now() - start) / TICKS).toFixed(2)) };
}

const server = createServer((req, res) => req.resume().on('end', () => res.writeHead(200).end('{}')));
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
const sizes = process.argv
  .slice(2)
  .map(Number)
  .filter((n) => n > 0);
for (const n of sizes.length ? sizes : [1000, 4000]) {
  await measure(n, true, url); // warm-up, discarded: the first run at a size pays for JIT compilation and sockets
  for (const settle of [false, true, false, true]) console.log(JSON.stringify(await measure(n, settle, url)));
}
server.close();
