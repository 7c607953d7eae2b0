import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { threadId } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveTopology } from '../../local/cfn/index.js';
import type { LocalFunction } from '../../local/cfn/types.js';
import { LambdaThreadPool } from '../../local/lambda/pool.js';
import { closeServerGracefully, listen } from '../../local/net.js';
import type { InvocationRecord } from '../../local/lambda/runtime.js';
import { ACCOUNT, REGION, loadFixtureTemplate, repoRoot } from './fixtures/runtime-fixture.js';
import type { ThreadProbe } from './fixtures/handlers/thread-seen.js';

const topology = resolveTopology(loadFixtureTemplate(), { region: REGION, accountId: ACCOUNT, sqsEndpoint: 'http://127.0.0.1:1' });
const base = topology.functions.ClassifyFn1D3F5B7A!;
const fn = (id: string, handler: string, environment: Record<string, string> = {}): LocalFunction => ({
  ...base,
  logicalId: id,
  name: id,
  arn: `${base.arn}-${id}`,
  entry: `tests/local/fixtures/handlers/${handler}.ts`,
  handlerExport: 'handler',
  environment,
});
const functions: Record<string, LocalFunction> = {
  ...topology.functions,
  ProbeA: fn('ProbeA', 'thread-probe-a', { ONLY_A: 'a', SHARED: 'from-a' }),
  ProbeB: fn('ProbeB', 'thread-probe-b', { ONLY_B: 'b', SHARED: 'from-b' }),
  Dies: fn('Dies', 'dies'),
  Spin: fn('Spin', 'spin'),
  HttpCall: fn('HttpCall', 'http-call'),
};
const probe = (pool: LambdaThreadPool, id: string, event: object = {}) => pool.invoke(id, event) as Promise<ThreadProbe>;

describe('LambdaThreadPool (the functions on threads of their own, each function in one)', () => {
  const records: InvocationRecord[] = [];
  let pool: LambdaThreadPool;

  beforeAll(async () => {
    pool = await LambdaThreadPool.start({ size: 2, functions, repoRoot, onInvoke: (r) => records.push(r) });
  }, 60_000);
  afterAll(() => pool?.stop());

  it('runs every invocation of a function on its one thread, after one cold start, never on the calling thread', async () => {
    const results = await Promise.all([
      ...Array.from({ length: 6 }, () => probe(pool, 'ProbeA', { sleepMs: 20 })),
      ...Array.from({ length: 6 }, () => probe(pool, 'ProbeB', { sleepMs: 20 })),
    ]);
    const threadsOf = (from: number, to: number) => new Set(results.slice(from, to).map((r) => r.threadId));
    expect(threadsOf(0, 6).size).toBe(1);
    expect(threadsOf(6, 12).size).toBe(1);
    expect([...threadsOf(0, 6)][0]).not.toBe([...threadsOf(6, 12)][0]); // the second function went to the idle thread
    expect(results.map((r) => r.threadId)).not.toContain(threadId);
    const coldStarts = (id: string) => records.filter((r) => r.functionLogicalId === id && r.coldStart).length;
    expect([coldStarts('ProbeA'), coldStarts('ProbeB')]).toEqual([1, 1]);
    expect(pool.placement()).toMatchObject({ ProbeA: 0, ProbeB: 1 });
  });

  it('tags each HTTP request a function makes with its invocation, for the cost meters (x-local-invocation)', async () => {
    const seen: Array<string | undefined> = [];
    const server = createServer((req, res) => {
      seen.push(req.headers['x-local-invocation'] as string | undefined);
      req.resume();
      res.end('{}');
    });
    const port = await listen(server, undefined);
    try {
      const url = `http://127.0.0.1:${port}`;
      await Promise.all([pool.invoke('HttpCall', { url }), pool.invoke('HttpCall', { url })]);
      expect(seen).toHaveLength(2);
      expect(seen.every((tag) => /^HttpCall#\d+$/.test(tag ?? ''))).toBe(true);
      expect(new Set(seen).size).toBe(2); // two invocations, told apart
    } finally {
      await closeServerGracefully(server);
    }
  });

  it('tags a request whose headers are a flat [name, value, …] list too, keeping its own headers', async () => {
    const seen: Array<Record<string, unknown>> = [];
    const server = createServer((req, res) => {
      seen.push(req.headers);
      req.resume();
      res.end('{}');
    });
    const port = await listen(server, undefined);
    try {
      expect(await pool.invoke('HttpCall', { url: `http://127.0.0.1:${port}`, flatHeaders: true })).toMatchObject({ status: 200 });
      expect(seen).toEqual([expect.objectContaining({ 'content-type': 'application/json', 'x-local-invocation': expect.stringMatching(/^HttpCall#\d+$/) })]);
    } finally {
      await closeServerGracefully(server);
    }
  });

  it('gives each function only its own environment, in its thread; the calling thread’s process.env is untouched', async () => {
    const [a, b] = await Promise.all([probe(pool, 'ProbeA'), probe(pool, 'ProbeB')]);
    expect(a).toMatchObject({ atColdStart: { ONLY_A: 'a', SHARED: 'from-a' }, atInvoke: {} });
    expect(b).toMatchObject({ atColdStart: { ONLY_B: 'b', SHARED: 'from-b' }, atInvoke: {} });
    expect([process.env.ONLY_A, process.env.ONLY_B, process.env.SHARED]).toEqual([undefined, undefined, undefined]);
  });

  it('keeps functions that share a module on one thread (they share its module, as locally they always have)', async () => {
    await pool.invoke('SlaFn4C6E8A0B', {});
    await pool.invoke(topology.functions.ClassifyFn1D3F5B7A!.arn, 'text');
    const placed = pool.placement();
    expect(placed.SlaFn4C6E8A0B).toBe(placed.ClassifyFn1D3F5B7A);
  });

  it('keeps an error its name and message, which Step Functions Retry and Catch match on', async () => {
    await expect(pool.invoke('CrashFnE2C4A6B8', {})).rejects.toMatchObject({ name: 'CaseNotFound', message: 'case C-1 does not exist (internal detail)' });
    await expect(pool.invoke('SlowFn3A5C7E9B', { sleepMs: 400 }, { timeoutMs: 100 })).rejects.toMatchObject({ name: 'Sandbox.Timedout' });
    expect(records.at(-1)).toMatchObject({ functionLogicalId: 'SlowFn3A5C7E9B', outcome: 'timeout', errorName: 'Sandbox.Timedout' });
    await expect(pool.invoke('NoSuchFunction', {})).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('when a thread dies, fails what was under way there as Lambda.ServiceException, and runs the function again cold on a new thread', async () => {
    const first = (await pool.invoke('Dies', {})) as { threadId: number };
    const underWay = pool.invoke('Dies', { sleepMs: 5_000 });
    await pool.invoke('Dies', { die: true });
    await expect(underWay).rejects.toMatchObject({ name: 'Lambda.ServiceException' });
    records.length = 0;
    const again = (await pool.invoke('Dies', {})) as { threadId: number };
    expect(again.threadId).not.toBe(first.threadId);
    expect(records).toMatchObject([{ functionLogicalId: 'Dies', coldStart: true, outcome: 'success' }]);
  }, 30_000);

  it('ends a thread stuck past the timeout (its own timer cannot fire), answers Sandbox.Timedout, and runs the function on a new thread', async () => {
    const first = (await pool.invoke('Spin', {})) as { threadId: number };
    const started = Date.now();
    await expect(pool.invoke('Spin', { spinMs: 60_000 }, { timeoutMs: 200 })).rejects.toMatchObject({ name: 'Sandbox.Timedout' });
    expect(Date.now() - started).toBeLessThan(15_000);
    const again = (await pool.invoke('Spin', {})) as { threadId: number };
    expect(again.threadId).not.toBe(first.threadId);
  }, 30_000);
});

describe('LambdaThreadPool, one thread for several functions', () => {
  it('imports each function with its own variables, one cold start at a time, in that thread', async () => {
    const pool = await LambdaThreadPool.start({ size: 1, functions, repoRoot, localValues: Promise.resolve({ replacing: {}, settings: {} }) });
    try {
      const [a, b] = await Promise.all([probe(pool, 'ProbeA'), probe(pool, 'ProbeB')]);
      expect(a.threadId).toBe(b.threadId);
      expect(a).toMatchObject({ atColdStart: { ONLY_A: 'a', SHARED: 'from-a' }, atInvoke: {} });
      expect(b).toMatchObject({ atColdStart: { ONLY_B: 'b', SHARED: 'from-b' }, atInvoke: {} });
    } finally {
      await pool.stop();
    }
  }, 60_000);

  it('holds cold starts until the local values come', async () => {
    let provide: (values: { replacing: Record<string, string>; settings: Record<string, string> }) => void = () => {};
    const localValues = new Promise<{ replacing: Record<string, string>; settings: Record<string, string> }>((resolve) => (provide = resolve));
    const pool = await LambdaThreadPool.start({ size: 1, functions, repoRoot, localValues });
    try {
      let answered = false;
      const result = probe(pool, 'ProbeA').then((r) => {
        answered = true;
        return r;
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(answered).toBe(false);
      provide({ replacing: {}, settings: {} });
      await expect(result).resolves.toMatchObject({ atColdStart: { ONLY_A: 'a' } });
    } finally {
      await pool.stop();
    }
  }, 60_000);

  it.runIf(existsSync('/proc/thread-self'))(
    'runs its threads at the niceness asked for, the rest of the process at its own',
    async () => {
      const nicenessOfThreads = () =>
        readdirSync('/proc/self/task').map((tid) =>
          Number(
            readFileSync(`/proc/self/task/${tid}/stat`, 'utf8')
              .replace(/^.*\) /, '')
              .split(' ')[16],
          ),
        );
      const before = nicenessOfThreads().filter((nice) => nice === 7).length;
      const nice = await LambdaThreadPool.start({ size: 2, functions, repoRoot, nice: 7 });
      try {
        expect(nicenessOfThreads().filter((n) => n === 7).length).toBe(before + 2);
        expect(nicenessOfThreads()[0]).toBe(0); // the calling thread keeps its priority
      } finally {
        await nice.stop();
      }
    },
    60_000,
  );

  it('once stopped, answers as Lambda does when its service fails', async () => {
    const stopped = await LambdaThreadPool.start({ size: 1, functions, repoRoot });
    await stopped.stop();
    await expect(stopped.invoke('ClassifyFn1D3F5B7A', {})).rejects.toMatchObject({ name: 'Lambda.ServiceException' });
  }, 60_000);
});
