import { execFileSync, spawn } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_WEBHOOK_SECRET } from '../../local/config.js';
import { requestedEvent } from '../../scripts/example-cases.js';
import { startHarness, type Harness } from '../e2e/harness.js';
import { freePortBlock } from './free-ports.js';

/**
 * Issue 13, item 2: the order platform's webhooks are answered on a thread of their own (local/workers/front.ts), with
 * DynamoDB and SQS on another (local/workers/storage.ts), so the answer never waits for the main thread, where the
 * workflow engine and the other functions run. Correctness only: no timing is asserted (timing is `npm run bench --
 * --load`'s business).
 */
describe('the intake thread', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  }, 240_000);
  afterAll(async () => {
    await h?.stop();
  });

  it('accepts a signed webhook while the main thread (engine, functions, pollers) cannot run at all', async () => {
    const body = JSON.stringify({ ...requestedEvent({ caseType: 'lost', trackingNumber: 'SIM-LOST-THREAD1' }), timestamp: new Date().toISOString() });
    // The request goes out from a worker; this thread then blocks, as a saturated event loop would, until it is answered.
    const answer = postWhileBlocked(`${h.pipeline.urls.api}/webhooks/order-platform`, body, 120_000);
    expect(answer.status).toBe(202);
    expect(answer.body.caseId).toMatch(/^AS-/);
    // Accepted means queued: once the main thread runs again, the case is created from the message.
    const view = await h.ops.waitFor(String(answer.body.caseId), (v) => typeof v.status === 'string', 120_000);
    expect(view.caseId).toBe(answer.body.caseId);
  }, 300_000);

  it('still passes every other route to the main thread: the ops API, the local pages, a 404', async () => {
    const ops = await h.opsAs('viewer').get('/ops/cases/AS-000000000000');
    expect(ops.status).toBe(404);
    const unauthorized = await fetch(`${h.pipeline.urls.api}/ops/cases/AS-000000000000`);
    expect(unauthorized.status).toBe(401);
    const index = await fetch(`${h.pipeline.urls.api}/`);
    expect(index.status).toBe(200);
    expect(await index.text()).toContain('local runtime');
    const missing = await fetch(`${h.pipeline.urls.api}/no-such-route`);
    expect(missing.status).toBe(404);
  }, 60_000);
});

describe('npm start stopped with Ctrl-C or SIGTERM', () => {
  const root = resolve(import.meta.dirname, '../..');
  const dataDir = mkdtempSync(join(tmpdir(), 'aftersales-stop-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it.each(['SIGINT', 'SIGTERM'] as const)(
    '%s ends the runtime with its threads and leaves no process behind',
    async (signal) => {
      const { child, port, output, exited } = await startRuntime(root, join(dataDir, signal));
      try {
        expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(200);
        child.kill(signal);
        expect(await exited).toBe(0);
        expect(output()).toContain('[local] stopping');
        expect(processesInGroup(child.pid!)).toEqual([]);
        expect(await accepts(port)).toBe(false);
      } finally {
        if (child.exitCode === null) process.kill(-child.pid!, 'SIGKILL');
      }
    },
    300_000,
  );
});

/**
 * `npm start` in its own process group (so every process it starts can be looked for afterwards), on a free port. A
 * port found free can be taken again before the runtime binds it (another process's outgoing connection on this busy
 * machine): then it is started again on another.
 */
async function startRuntime(root: string, dataDir: string) {
  for (let attempt = 1; ; attempt += 1) {
    const port = await freePortBlock();
    const child = spawn(process.execPath, ['--import', 'tsx', 'local/main.ts'], {
      cwd: root,
      detached: true,
      env: { ...process.env, PORT: String(port), LOCAL_DATA_DIR: join(dataDir, String(attempt)), POWERTOOLS_LOG_LEVEL: 'CRITICAL', OPS_USERS: undefined, OPS_TOKEN: undefined },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((ok) => child.once('exit', (code) => ok(code)));
    while (!output.includes('running locally')) {
      if (child.exitCode !== null) {
        if (attempt < 3 && output.includes('is in use')) break;
        throw new Error(`npm start exited early:\n${output}`);
      }
      await new Promise((ok) => setTimeout(ok, 250));
    }
    if (output.includes('running locally')) return { child, port, output: () => output, exited };
  }
}

/**
 * POSTs a Standard Webhooks-signed body from a worker thread while this thread waits in Atomics.wait (its event loop
 * stopped, timers and I/O included) until the worker has the answer or `capMs` passes.
 */
function postWhileBlocked(url: string, body: string, capMs: number): { status: number; body: Record<string, unknown> } {
  const id = `msg_${randomUUID()}`;
  const timestamp = Math.floor(Date.now() / 1000);
  const key = Buffer.from(DEV_WEBHOOK_SECRET.replace(/^whsec_/, ''), 'base64');
  const signature = `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
  const shared = new SharedArrayBuffer(4 + 8192);
  const flag = new Int32Array(shared, 0, 1);
  const worker = new Worker(
    `const { workerData: d } = require('node:worker_threads');
     const done = (text) => { const bytes = Buffer.from(text); new Uint8Array(d.shared, 4, bytes.length).set(bytes); Atomics.store(new Int32Array(d.shared, 0, 1), 0, bytes.length); Atomics.notify(new Int32Array(d.shared, 0, 1), 0); };
     fetch(d.url, { method: 'POST', headers: d.headers, body: d.body })
       .then(async (res) => done(JSON.stringify({ status: res.status, body: await res.json() })))
       .catch((error) => done(JSON.stringify({ status: 0, body: { error: String(error) } })));`,
    {
      eval: true,
      workerData: { shared, url, body, headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signature } },
    },
  );
  try {
    const outcome = Atomics.wait(flag, 0, 0, capMs);
    if (outcome === 'timed-out') throw new Error(`no answer in ${capMs} ms while the main thread was blocked`);
    const length = Atomics.load(flag, 0);
    return JSON.parse(Buffer.from(new Uint8Array(shared, 4, length)).toString()) as { status: number; body: Record<string, unknown> };
  } finally {
    void worker.terminate();
  }
}

/** Processes of the group still alive: one that has exited and waits to be reaped (state Z) is not running. */
function processesInGroup(groupId: number): string[] {
  const table = execFileSync('ps', ['-eo', 'pid=,pgid=,stat=,args=']).toString();
  return table
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((cols) => Number(cols[1]) === groupId && !cols[2]?.startsWith('Z'))
    .map((cols) => cols.join(' '));
}

function accepts(port: number): Promise<boolean> {
  return new Promise((ok) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), ok(true)));
    socket.once('error', () => ok(false));
  });
}
