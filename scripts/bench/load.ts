/**
 * `npm run bench -- --load`: the local intake under load, measured against `npm start` itself (local/main.ts started
 * as a child process on a free port, with its own throw-away data directory and the workflow's waits at 0).
 *  1. Fixed-rate load: signed webhooks at 50, 100 and 200 req/s (open loop: each request leaves at its scheduled time
 *     whatever the earlier ones are doing, and its latency counts from that time), while the cases they start run.
 *     In the same phases, unsigned requests to the same route at 10 req/s give the server's 401 floor.
 *  2. End to end, on a fresh runtime: 1,000 signed lost-parcel cases sent as fast as the intake takes them (at most 50
 *     in flight), timed until every execution has ended (counted from the runtime's own `execution … SUCCEEDED`
 *     lines). Past `--load-e2e-timeout` seconds (default 600) it reports how many had ended by then.
 * The API's throttle is off (LOCAL_THROTTLE=off): 200 req/s is above the route's deployed limit of 100 req/s.
 * LOAD_CPU_PROF=<dir> runs the runtime under `node --cpu-prof`: one .cpuprofile per thread, written as it stops.
 * LOAD_NODE_FLAGS="<flags>" passes node/V8 flags to the runtime (A/B runs, e.g. `--single-threaded-gc`).
 * `--load 0 --load-cases N` runs only the end-to-end part, with N cases.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { join, resolve } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { LOCAL_SERVICE_PORTS } from '../../local/config.js';
import { requestedEvent } from '../example-cases.js';

const REPO_ROOT = resolve(import.meta.dirname, '..', '..');
const DEV_SECRET = 'whsec_ZGV2LW9ubHktYWZ0ZXJzYWxlcy13ZWJob29rLXNlY3JldA=='; // local/config.ts DEV_WEBHOOK_SECRET
const REQUEST_TIMEOUT_MS = 30_000; // API Gateway's longest integration timeout: a client waiting longer has given up
/**
 * The workflow's waits at 0 (local/config.ts timings), so a case's time is its work. A task that waits for a token
 * (the customer's remedy choice, the survey, the platform's confirmation) takes a TimeoutSeconds, which Step Functions
 * wants at least 1: those stay at 1 s.
 */
const ZERO_WAITS = {
  CARRIER_RECHECK_SECONDS: '0',
  SURVEY_DELAY_SECONDS: '0',
  SURVEY_EXPIRY_SECONDS: '1',
  SURVEY_REMINDER_SECONDS: '1',
  COMPENSATION_CONFIRM_SECONDS: '1',
  CHOICE_TIMEOUT_SECONDS: '1',
  CARRIER_OUTAGE_WAIT_SECONDS: '0',
  TRACKING_BACKOFF_BASE_SECONDS: '0',
};

export interface LoadOptions {
  rates: number[];
  secondsPerRate: number;
  cases: number;
  endToEndTimeoutSeconds: number;
}

export interface Percentiles {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export interface RatePhase {
  rate: number;
  seconds: number;
  /** Signed webhooks: latency of those answered 202. */
  ack: Percentiles;
  /** Signed webhooks not answered 202 in time: status code (or `timeout`, `network:<socket error code>`) → count. */
  errors: Record<string, number>;
  /** Unsigned requests in the same phase: latency of those answered 401 (the same server's floor). */
  floor401: Percentiles;
  floorErrors: Record<string, number>;
  /** p99 of the acks over p99 of the 401s. */
  p99OverFloor: number;
  /** CPU time the runtime process used during the phase, per request sent (signed and unsigned), in ms. */
  serverCpuMsPerRequest?: number;
  /** The load generator's own event-loop delay, p99 in ms: a request leaves this late after its scheduled time. */
  generatorLagP99: number;
}

export interface LoadReport {
  date: string;
  machine: { cpus: number; model: string; node: string; loadAverageBefore: number[]; loadAverageAfter: number[] };
  endToEnd: {
    /** Cases accepted (202), and how many of their executions had ended when the clock stopped. */
    cases: number;
    ended: number;
    seconds: number;
    /** Ended executions per second, from the first webhook sent. */
    casesPerSecond: number;
    /**
     * CPU time the runtime process used (every thread) while the cases ran, and ended cases per CPU second: what a
     * case costs whatever else the machine runs. An idle machine with n cores ends at most n × that many a second.
     */
    cpuSeconds?: number;
    casesPerCpuSecond?: number;
    /** The same CPU seconds by thread (the busiest first; `main` is the engine's, the others by their Linux thread id). */
    cpuByThread?: Record<string, number>;
    /** Status (error) → count of ended executions that did not succeed. */
    failedExecutions: Record<string, number>;
    errors: Record<string, number>;
  };
  rates: RatePhase[];
}

/** `--load [rates]` (e.g. `--load 50,100,200`), `--load-seconds N` per rate, `--load-cases N` end to end. */
export function loadOptionsFrom(argv: string[]): LoadOptions | undefined {
  const at = argv.indexOf('--load');
  if (at < 0) return undefined;
  const value = (flag: string) => (argv.includes(flag) ? Number(argv[argv.indexOf(flag) + 1]) : undefined);
  const rates = /^\d+(,\d+)*$/.test(argv[at + 1] ?? '')
    ? argv[at + 1]!.split(',')
        .map(Number)
        .filter((rate) => rate > 0)
    : [50, 100, 200];
  return { rates, secondsPerRate: value('--load-seconds') || 10, cases: value('--load-cases') ?? 1000, endToEndTimeoutSeconds: value('--load-e2e-timeout') || 600 };
}

export async function loadBenchmark(options: LoadOptions): Promise<LoadReport> {
  const loadAverageBefore = loadavg().map(round2);
  const rates: RatePhase[] = [];
  if (options.rates.length) {
    const runtime = await startRuntimeOnFreePort();
    try {
      // Warm: the ingest function's cold start (its first import) is not what the phases measure.
      for (let i = 0; i < 5; i += 1) await Promise.all([post(runtime.apiUrl, true), post(runtime.apiUrl, false)]);
      for (const rate of options.rates) {
        rates.push(await runRatePhase(runtime, rate, options.secondsPerRate));
        progress(`load: ${rate} req/s done`);
      }
    } finally {
      await runtime.stop();
    }
  }
  const runtime = options.cases > 0 ? await startRuntimeOnFreePort() : undefined;
  try {
    const endToEnd = runtime
      ? await runEndToEnd(runtime, options.cases, options.endToEndTimeoutSeconds)
      : { cases: 0, ended: 0, seconds: 0, casesPerSecond: 0, failedExecutions: {}, errors: {} };
    return {
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown', node: process.version, loadAverageBefore, loadAverageAfter: loadavg().map(round2) },
      endToEnd,
      rates,
    };
  } finally {
    await runtime?.stop();
  }
}

export function printLoad(report: LoadReport): void {
  const ms = (v: number) => `${v.toFixed(0)} ms`.padStart(9);
  const errors = (e: Record<string, number>) =>
    Object.keys(e).length
      ? Object.entries(e)
          .map(([k, v]) => `${k}×${v}`)
          .join(' ')
      : '0';
  console.log(
    `\nLocal intake under load (npm start as a child process; ${report.machine.cpus} cores, load average ${report.machine.loadAverageBefore.join(' ')} before, ${report.machine.loadAverageAfter.join(' ')} after)`,
  );
  const e2e = report.endToEnd;
  const ended = e2e.ended === e2e.cases ? 'all ended' : `${e2e.ended} ended (the rest still running)`;
  console.log(
    `  end to end: ${e2e.cases} lost cases, waits at 0, ${ended} after ${e2e.seconds.toFixed(1)} s = ${e2e.casesPerSecond.toFixed(1)} cases/s${e2e.cpuSeconds === undefined ? '' : `, ${e2e.cpuSeconds.toFixed(0)} CPU s in the runtime = ${e2e.casesPerCpuSecond?.toFixed(2)} cases per CPU second`} (failed executions ${errors(e2e.failedExecutions)}, webhook errors ${errors(e2e.errors)})`,
  );
  console.log('  rate/s   ack p50   ack p95   ack p99   errors        401 p50   401 p99   ack p99 / 401 p99   sender lag p99   server CPU/request');
  for (const phase of report.rates) {
    console.log(
      `  ${String(phase.rate).padStart(6)} ${ms(phase.ack.p50)} ${ms(phase.ack.p95)} ${ms(phase.ack.p99)}   ${errors(phase.errors).padEnd(12)} ${ms(phase.floor401.p50)} ${ms(phase.floor401.p99)}   ${`${phase.p99OverFloor.toFixed(1)}×`.padEnd(19)} ${ms(phase.generatorLagP99)}   ${phase.serverCpuMsPerRequest === undefined ? '' : ms(phase.serverCpuMsPerRequest)}`,
    );
  }
}

interface Runtime {
  apiUrl: string;
  /** CPU seconds the runtime process has used so far, every thread (Linux: /proc; undefined elsewhere). */
  cpuSeconds(): number | undefined;
  /** The same, thread by thread. */
  cpuByThread(): Record<string, number>;
  /** Resolves when every named execution has ended; counts those that did not succeed. */
  waitForExecutions(names: string[], timeoutMs: number): Promise<{ ended: number; failed: Record<string, number> }>;
  stop(): Promise<void>;
}

/** A free port can be taken by another process before the runtime listens on it: then it tries another, twice. */
async function startRuntimeOnFreePort(): Promise<Runtime> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await startRuntime();
    } catch (error) {
      if (attempt >= 3 || !/is in use/.test((error as Error).message)) throw error;
    }
  }
}

async function startRuntime(): Promise<Runtime> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'aftersales-load-'));
  const child = spawn(
    process.execPath,
    [
      ...(process.env.LOAD_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.LOAD_CPU_PROF}`] : []),
      ...(process.env.LOAD_NODE_FLAGS?.split(/\s+/).filter(Boolean) ?? []),
      '--import',
      'tsx',
      join(REPO_ROOT, 'local', 'main.ts'),
    ],
    {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        ...ZERO_WAITS,
        PORT: String(port),
        // Every other port any free one: PORT + 1…9 may be taken by another run or a client's ephemeral port.
        ...Object.fromEntries(Object.values(LOCAL_SERVICE_PORTS).map(({ variable }) => [variable, '0'])),
        LOCAL_DATA_DIR: dataDir,
        LOCAL_THROTTLE: 'off',
        POWERTOOLS_LOG_LEVEL: 'CRITICAL',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const ended = new Map<string, string>();
  const waiters = new Set<() => void>();
  let output = '';
  let buffered = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) {
      const end = /execution (\S+) (SUCCEEDED|FAILED|TIMED_OUT|ABORTED)( \(.*\))?/.exec(line);
      if (end) ended.set(end[1]!, `${end[2]!}${end[3] ?? ''}`);
      else if (output.length < 20_000) output += `${line}\n`;
    }
    waiters.forEach((wake) => wake());
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    if (output.length < 20_000) output += chunk;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // Ctrl-C on the bench stops the runtime it started first: no runtime is left running.
  const onSignal = () => void stop().then(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(killer);
    }
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await waitForStart(child, () => output, `http://127.0.0.1:${port}`);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    apiUrl: `http://127.0.0.1:${port}`,
    stop,
    cpuSeconds: () => cpuSecondsOf(`/proc/${child.pid}/stat`),
    cpuByThread: () => threadCpuSeconds(child.pid),
    async waitForExecutions(names, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      let lastProgress = Date.now();
      while (names.some((name) => !ended.has(name))) {
        if (Date.now() > deadline) break;
        if (child.exitCode !== null) throw new Error(`the runtime exited (${child.exitCode}):\n${output}`);
        if (Date.now() - lastProgress > 10_000) {
          lastProgress = Date.now();
          progress(`load: ${names.filter((name) => ended.has(name)).length} of ${names.length} executions ended`);
        }
        await new Promise<void>((resolve) => {
          const wake = () => {
            waiters.delete(wake);
            clearTimeout(timer);
            resolve();
          };
          const timer = setTimeout(wake, 1000);
          waiters.add(wake);
        });
      }
      const failed: Record<string, number> = {};
      for (const name of names) {
        const status = ended.get(name);
        if (status && status !== 'SUCCEEDED') failed[status] = (failed[status] ?? 0) + 1;
      }
      return { ended: names.filter((name) => ended.has(name)).length, failed };
    },
  };
}

async function waitForStart(child: ChildProcess, output: () => string, apiUrl: string): Promise<void> {
  const deadline = Date.now() + 180_000;
  while (!output().includes('After-sales pipeline running locally')) {
    if (child.exitCode !== null) throw new Error(`npm start exited (${child.exitCode}) before it was ready:\n${output()}`);
    if (Date.now() > deadline) throw new Error(`npm start was not ready after 180 s:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const res = await fetch(`${apiUrl}/`);
  if (!res.ok) throw new Error(`the local API at ${apiUrl} answered ${res.status}`);
}

interface Sent {
  status: number | 'timeout' | `network:${string}`;
  ms: number;
  caseId?: string;
}

const signer = new Webhook(DEV_SECRET);

async function post(apiUrl: string, signed: boolean, scheduledAt = performance.now()): Promise<Sent> {
  const event = requestedEvent({ caseType: 'lost', trackingNumber: `SIM-LOST-LOAD${Math.random().toString(36).slice(2, 10)}` });
  const body = JSON.stringify({ type: event.type, timestamp: new Date().toISOString(), data: event.data });
  const id = `msg_${crypto.randomUUID()}`;
  const now = new Date();
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (signed) Object.assign(headers, { 'webhook-id': id, 'webhook-timestamp': String(Math.floor(now.getTime() / 1000)), 'webhook-signature': signer.sign(id, now, body) });
  try {
    const res = await fetch(`${apiUrl}/webhooks/order-platform`, { method: 'POST', headers, body, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    const answer = (await res.json().catch(() => ({}))) as { caseId?: string };
    return { status: res.status, ms: performance.now() - scheduledAt, ...(answer.caseId ? { caseId: answer.caseId } : {}) };
  } catch (error) {
    return { status: (error as Error).name === 'TimeoutError' ? 'timeout' : networkCause(error), ms: performance.now() - scheduledAt };
  }
}

/** What failed under fetch's "fetch failed": the socket error's code (ECONNRESET, ECONNREFUSED, UND_ERR_SOCKET…). */
function networkCause(error: unknown): `network:${string}` {
  for (let e = error as { code?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) if (e.code) return `network:${e.code}`;
  return `network:${(error as Error).message}`;
}

async function runEndToEnd(runtime: Runtime, cases: number, timeoutSeconds: number): Promise<LoadReport['endToEnd']> {
  const started = performance.now();
  const cpuAtStart = runtime.cpuSeconds();
  const threadsAtStart = runtime.cpuByThread();
  const results: Sent[] = [];
  let next = 0;
  const sender = async () => {
    while (next < cases) {
      next += 1;
      results.push(await post(runtime.apiUrl, true));
    }
  };
  await Promise.all(Array.from({ length: 50 }, sender));
  const ids = results.flatMap((r) => (r.status === 202 && r.caseId ? [r.caseId] : []));
  progress(`load: ${ids.length} cases accepted after ${((performance.now() - started) / 1000).toFixed(0)} s`);
  const { ended, failed } = await runtime.waitForExecutions(ids, timeoutSeconds * 1000 - (performance.now() - started));
  const seconds = (performance.now() - started) / 1000;
  const cpu = cpuAtStart === undefined ? undefined : (runtime.cpuSeconds() ?? cpuAtStart) - cpuAtStart;
  return {
    cases: ids.length,
    ended,
    seconds: round2(seconds),
    casesPerSecond: round2(ended / seconds),
    ...(cpu === undefined ? {} : { cpuSeconds: round2(cpu), casesPerCpuSecond: round2(ended / Math.max(cpu, 0.01)), cpuByThread: busiest(runtime.cpuByThread(), threadsAtStart) }),
    failedExecutions: failed,
    errors: countErrors(results, 202),
  };
}

async function runRatePhase(runtime: Runtime, rate: number, seconds: number): Promise<RatePhase> {
  const signed = schedule(rate, seconds);
  const unsigned = schedule(10, seconds);
  const fire = (plan: number[], isSigned: boolean) => {
    const t0 = performance.now();
    return Promise.all(
      plan.map(async (offset) => {
        const at = t0 + offset;
        const wait = at - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        return post(runtime.apiUrl, isSigned, at);
      }),
    );
  };
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  const cpuAtStart = runtime.cpuSeconds();
  const [acks, floors] = await Promise.all([fire(signed, true), fire(unsigned, false)]);
  const cpu = cpuAtStart === undefined ? undefined : (runtime.cpuSeconds() ?? cpuAtStart) - cpuAtStart;
  lag.disable();
  const ack = percentiles(acks.filter((r) => r.status === 202).map((r) => r.ms));
  const floor401 = percentiles(floors.filter((r) => r.status === 401).map((r) => r.ms));
  return {
    rate,
    seconds,
    ack,
    errors: countErrors(acks, 202),
    floor401,
    floorErrors: countErrors(floors, 401),
    p99OverFloor: round2(ack.p99 / Math.max(floor401.p99, 0.001)),
    ...(cpu === undefined ? {} : { serverCpuMsPerRequest: round2((cpu * 1000) / (acks.length + floors.length)) }),
    generatorLagP99: round2(lag.percentile(99) / 1e6),
  };
}

/** Offsets in ms of `rate` requests a second for `seconds`. */
function schedule(rate: number, seconds: number): number[] {
  return Array.from({ length: Math.round(rate * seconds) }, (_, i) => (i * 1000) / rate);
}

function countErrors(results: Sent[], expected: number): Record<string, number> {
  const errors: Record<string, number> = {};
  for (const r of results) if (r.status !== expected) errors[String(r.status)] = (errors[String(r.status)] ?? 0) + 1;
  return errors;
}

function percentiles(values: number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => round2(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? 0);
  return { count: sorted.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: round2(sorted.at(-1) ?? 0) };
}

function progress(line: string): void {
  process.stderr.write(`${line}\n`);
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

/** The fields of /proc/…/stat after the command name: [11] + [12] are utime + stime, [16] nice, [19] start time. */
function statFields(statFile: string): string[] | undefined {
  try {
    return readFileSync(statFile, 'utf8')
      .replace(/^.*\) /, '')
      .split(' ');
  } catch {
    return undefined;
  }
}

/** utime + stime of a process or thread (fields 14 and 15 of /proc/…/stat, in clock ticks of 1/100 s). */
function cpuSecondsOf(statFile: string): number | undefined {
  const fields = statFields(statFile);
  return fields && (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * A thread's id with what tells its role: its start, in seconds after the process's (V8's helpers and libuv's pool at
 * about 0, the runtime's workers after the template's synth, the storage thread first), and its niceness when raised
 * (the function threads, local/workers/functions.ts).
 */
function threadLabel(tid: string, fields: string[], main: string[] | undefined): string {
  const startedAfter = main ? (Number(fields[19]) - Number(main[19])) / 100 : 0;
  const nice = Number(fields[16]);
  return `thread ${tid} (+${startedAfter.toFixed(1)} s${nice > 0 ? `, nice ${nice}` : ''})`;
}

function threadCpuSeconds(pid: number | undefined): Record<string, number> {
  const threads: Record<string, number> = {};
  try {
    const main = statFields(`/proc/${pid}/stat`);
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const fields = statFields(`/proc/${pid}/task/${tid}/stat`);
      if (!fields) continue;
      threads[tid === String(pid) ? 'main' : threadLabel(tid, fields, main)] = (Number(fields[11]) + Number(fields[12])) / 100;
    }
  } catch {
    // not Linux, or the process has gone
  }
  return threads;
}

/** CPU seconds each thread used between two readings, the busiest twelve first. */
function busiest(now: Record<string, number>, before: Record<string, number>): Record<string, number> {
  const used = Object.entries(now).map(([thread, seconds]) => [thread, round2(seconds - (before[thread] ?? 0))] as const);
  return Object.fromEntries(used.sort((a, b) => b[1] - a[1]).slice(0, 12));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
