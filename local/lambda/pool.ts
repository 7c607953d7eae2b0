import { randomUUID } from 'node:crypto';
import type { LocalFunction } from '../cfn/types.js';
import type { FunctionsData, InvocationOutcome } from '../workers/functions.js';
import { type LocalWorker, startLocalWorker } from '../workers/host.js';
import type { LocalValues } from './environment.js';
import { lambdaError, timeoutError } from './errors.js';
import { findLocalFunction, type InvocationRecord, type LambdaInvoker } from './runtime.js';

export interface LambdaThreadPoolOptions {
  /** Threads the functions are spread over. */
  size: number;
  functions: Record<string, LocalFunction>;
  repoRoot: string;
  /** Niceness of the pool's threads (Linux; 0 = as the rest of the process). */
  nice?: number;
  /**
   * Young generation of each thread's heap, in MB (V8's semi-spaces; its default is 16 MB a thread). A case allocates
   * many short-lived objects (the SDK's requests and responses); a larger nursery lets more of them die young.
   */
  youngGenerationMb?: number;
  /**
   * The local stand-ins for secrets, parameters and URLs, and the local timings (local/lambda/environment.ts). A
   * promise holds every cold start until it resolves, as LocalLambdaRuntime's option does.
   */
  localValues?: LocalValues | Promise<LocalValues>;
  onInvoke?: (record: InvocationRecord) => void;
  log?: (line: string) => void;
}

interface Slot {
  worker?: Promise<LocalWorker<unknown>>;
  /** Invocations sent to this thread so far: a new function goes to the thread with the fewest. */
  invocations: number;
}

const FUNCTIONS_WORKER = new URL('../workers/functions.ts', import.meta.url);
/**
 * A thread answers a timed-out invocation itself (Sandbox.Timedout, from its own timer). One that has not answered this
 * long after the function's timeout is stuck (a loop that never yields keeps its timer from firing): the pool ends it,
 * as Lambda ends an execution environment whose invocation timed out.
 */
const STUCK_AFTER_TIMEOUT_MS = 5_000;

/**
 * Runs the functions on a few worker threads (local/workers/functions.ts), so their work uses every core while the
 * calling thread (the workflow engine, the pollers, the gateway) only moves events along. Each function lives in
 * exactly one thread: its module is imported there once (its cold start), never twice, and every invocation of it
 * goes there, as one Lambda execution environment takes them in turn. A function is placed on its first invocation,
 * on the thread that has run the fewest invocations so far; functions sharing a module share a thread.
 *
 * Each thread has its own copy of process.env, so a function's variables, set around its cold start, reach no
 * function of another thread (local/lambda/environment.ts). Events and results cross as structured clones; each
 * thread's runtime does Lambda's JSON round trip, timeout and error naming itself. A thread that dies (an uncaught
 * error in a function's background work) fails the invocations under way as Lambda does when its service fails
 * (`Lambda.ServiceException`, which the workflow retries), and its functions start cold on a new thread next time;
 * one stuck past an invocation's timeout is ended the same way, that invocation answered `Sandbox.Timedout`.
 */
export class LambdaThreadPool implements LambdaInvoker {
  private readonly slots: Slot[];
  private readonly placed = new Map<string, Slot>();
  private values?: LocalValues;
  private stopped = false;

  private constructor(private readonly opts: LambdaThreadPoolOptions) {
    this.slots = Array.from({ length: opts.size }, () => ({ invocations: 0 }));
  }

  static async start(opts: LambdaThreadPoolOptions): Promise<LambdaThreadPool> {
    if (!Number.isInteger(opts.size) || opts.size < 1) throw new Error(`a pool of function threads needs at least 1 thread, got ${opts.size}`);
    const pool = new LambdaThreadPool(opts);
    if (opts.localValues)
      Promise.resolve(opts.localValues).then(
        (values) => pool.provideLocalValues(values),
        () => undefined,
      );
    // Started at once, so a thread that cannot start stops the runtime's start, and no cold start waits for a thread.
    const started = await Promise.allSettled(pool.slots.map((slot) => pool.workerOf(slot)));
    const failed = started.find((s) => s.status === 'rejected');
    if (failed) {
      await pool.stop();
      throw failed.reason;
    }
    return pool;
  }

  get size(): number {
    return this.slots.length;
  }

  /** Which thread (0…size-1) runs each function placed so far, by logical id. */
  placement(): Record<string, number> {
    const byModule = new Map([...this.placed].map(([module, slot]) => [module, this.slots.indexOf(slot)]));
    const placedFunctions = Object.values(this.opts.functions).filter((fn) => byModule.has(moduleOf(fn)));
    return Object.fromEntries(placedFunctions.map((fn) => [fn.logicalId, byModule.get(moduleOf(fn))!]));
  }

  private async provideLocalValues(values: LocalValues): Promise<void> {
    this.values = values;
    await Promise.all(this.slots.map((slot) => slot.worker?.then((w) => w.call('localValues', values)).catch(() => undefined)));
  }

  async invoke(functionRef: string, event: unknown, opts: { timeoutMs?: number } = {}): Promise<unknown> {
    const fn = findLocalFunction(this.opts.functions, functionRef);
    const slot = this.slotOf(fn);
    slot.invocations += 1;
    const timeoutMs = opts.timeoutMs ?? fn.timeoutSeconds * 1000;
    let outcome: InvocationOutcome;
    try {
      const starting = this.workerOf(slot);
      const worker = await starting;
      const answer = worker.call<InvocationOutcome>('invoke', fn.logicalId, event, timeoutMs);
      outcome = await stuckGuard(answer, timeoutMs + STUCK_AFTER_TIMEOUT_MS, () => {
        if (slot.worker === starting) slot.worker = undefined; // the next invocation starts a new thread
        void worker.terminate();
      });
    } catch (error) {
      if (error instanceof StuckThread) throw timeoutError(randomUUID(), timeoutMs);
      // The thread itself failed (it died, or the pool was stopped): Lambda reports its own failure the same way.
      throw lambdaError('Lambda.ServiceException', `the function thread failed: ${(error as Error).message}`);
    }
    if (outcome.record) this.opts.onInvoke?.(outcome.record);
    if ('error' in outcome) throw lambdaError(outcome.error.name, outcome.error.message);
    return outcome.result;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.slots.map((slot) => slot.worker?.then((w) => w.stop()).catch(() => undefined)));
  }

  private slotOf(fn: LocalFunction): Slot {
    const module = moduleOf(fn);
    let slot = this.placed.get(module);
    if (!slot) {
      slot = this.slots.reduce((least, next) => (next.invocations < least.invocations ? next : least));
      this.placed.set(module, slot);
    }
    return slot;
  }

  /** The slot's thread, started (again, if it died) when needed. */
  private workerOf(slot: Slot): Promise<LocalWorker<unknown>> {
    if (this.stopped) return Promise.reject(new Error('the pool is stopped'));
    if (!slot.worker) {
      const data: FunctionsData = {
        repoRoot: this.opts.repoRoot,
        functions: this.opts.functions,
        nice: this.opts.nice ?? 0,
        waitForLocalValues: this.opts.localValues !== undefined,
        recordInvocations: Boolean(this.opts.onInvoke),
      };
      const limits = this.opts.youngGenerationMb ? { maxYoungGenerationSizeMb: this.opts.youngGenerationMb } : undefined;
      const starting = startLocalWorker<unknown>(FUNCTIONS_WORKER, data, this.opts.log, limits).then(async (worker) => {
        if (this.values) await worker.call('localValues', this.values);
        worker.exited.then(() => {
          if (slot.worker === starting) slot.worker = undefined;
        });
        return worker;
      });
      starting.catch(() => {
        if (slot.worker === starting) slot.worker = undefined;
      });
      slot.worker = starting;
    }
    return slot.worker;
  }
}

class StuckThread extends Error {}

/** The thread's answer, or, past `limitMs` without one, `onStuck()` called and StuckThread thrown. */
async function stuckGuard<T>(answer: Promise<T>, limitMs: number, onStuck: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const stuck = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onStuck();
      reject(new StuckThread());
    }, limitMs);
  });
  answer.catch(() => undefined); // its rejection once the thread is ended is the other invocations' concern
  try {
    return await Promise.race([answer, stuck]);
  } finally {
    clearTimeout(timer);
  }
}

/** Functions that run the same module share it, so they share a thread. */
function moduleOf(fn: LocalFunction): string {
  return fn.entry ?? fn.logicalId;
}
