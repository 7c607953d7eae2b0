import { createServer } from 'node:net';
import { LOCAL_SERVICE_PORTS } from '../../local/config.js';

/** The API's port and every emulator's and simulator's (PORT plus each offset, local/config.ts). */
const BLOCK = 1 + Math.max(...Object.values(LOCAL_SERVICE_PORTS).map((s) => s.offset));

/** Below Linux's ephemeral range (32768-60999): no other process's outgoing connection is given one of these. */
const LOWEST = 20_000;
const HIGHEST = 32_000;

function canListen(port: number): Promise<boolean> {
  return new Promise((ok) => {
    const server = createServer();
    server.once('error', () => ok(false));
    server.listen(port, '127.0.0.1', () => server.close(() => ok(true)));
  });
}

/**
 * A PORT for `npm start` in a test whose every derived port is free right now. A port picked with listen(0) is an
 * ephemeral one, and so are the ten after it: on a busy machine another test's outgoing connection can hold one of
 * them when the runtime starts (crash-recovery failed once so, "port … (SNS) is in use"). A block below the ephemeral
 * range is only ever taken by a server that asked for it.
 */
export async function freePortBlock(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const base = LOWEST + Math.floor(Math.random() * ((HIGHEST - LOWEST) / BLOCK)) * BLOCK;
    const ports = Array.from({ length: BLOCK }, (_, i) => base + i);
    if ((await Promise.all(ports.map(canListen))).every(Boolean)) return base;
  }
  throw new Error(`no block of ${BLOCK} free ports between ${LOWEST} and ${HIGHEST}`);
}
