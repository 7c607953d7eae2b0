import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { LocalFunction, LocalTopology } from '../cfn/types.js';
import { createLambdaContext } from './context.js';
import { asLambdaError, lambdaError, timeoutError } from './errors.js';

/** What event sources and the gateway need from a Lambda service. */
export interface LambdaInvoker {
  invoke(functionRef: string, event: unknown, opts?: { timeoutMs?: number }): Promise<unknown>;
}

/** One finished invocation, for logs. Carries no event or result: those may hold personal data. */
export interface InvocationRecord {
  functionLogicalId: string;
  requestId: string;
  coldStart: boolean;
  durationMs: number;
  outcome: 'success' | 'error' | 'timeout';
  errorName?: string;
}

export interface LocalLambdaRuntimeOptions {
  topology: Pick<LocalTopology, 'functions'>;
  /** Directory the functions' `entry` paths are relative to. */
  repoRoot: string;
  onInvoke?: (record: InvocationRecord) => void;
}

type Handler = (event: unknown, context: unknown, callback?: (err?: unknown, result?: unknown) => void) => unknown;

/**
 * Runs the functions' handler modules in this process, the way the Lambda Node.js runtime would:
 * the module is imported once (its top level is the cold start), the event and the result cross a
 * JSON boundary, the function's Timeout is enforced and errors keep their name.
 *
 * All functions share one process, so their environments are merged into process.env once,
 * before the first import (handlers read config at module scope).
 */
export class LocalLambdaRuntime implements LambdaInvoker {
  private readonly modules = new Map<string, Promise<Record<string, unknown>>>();

  constructor(private readonly opts: LocalLambdaRuntimeOptions) {}

  /** Sets every function's resolved environment in process.env; throws on a variable two functions set differently. */
  applyEnvironment(): Record<string, string> {
    const merged: Record<string, { value: string; setBy: string }> = {};
    for (const fn of Object.values(this.opts.topology.functions)) {
      for (const [key, value] of Object.entries(fn.environment)) {
        const seen = merged[key];
        if (seen && seen.value !== value) {
          throw new Error(
            `Environment variable ${key} differs between functions ${seen.setBy} and ${fn.logicalId}; ` +
              'they share one process locally, so each variable must have a single value',
          );
        }
        merged[key] = { value, setBy: seen?.setBy ?? fn.logicalId };
      }
    }
    const applied = Object.fromEntries(Object.entries(merged).map(([k, v]) => [k, v.value]));
    Object.assign(process.env, applied);
    return applied;
  }

  /** A function by logical id, name, or ARN (a version or alias qualifier is ignored). */
  findFunction(functionRef: string): LocalFunction {
    const functions = this.opts.topology.functions;
    const direct = functions[functionRef];
    if (direct) return direct;
    const arn = /^arn:[^:]+:lambda:[^:]*:[^:]*:function:([^:]+)(?::[^:]+)?$/.exec(functionRef);
    const name = arn ? arn[1] : functionRef;
    const found = Object.values(functions).find((fn) => fn.name === name || fn.arn === functionRef);
    if (!found) throw lambdaError('ResourceNotFoundException', `Function not found: ${functionRef}`);
    return found;
  }

  async invoke(functionRef: string, event: unknown, opts: { timeoutMs?: number } = {}): Promise<unknown> {
    const fn = this.findFunction(functionRef);
    const requestId = randomUUID();
    const timeoutMs = opts.timeoutMs ?? fn.timeoutSeconds * 1000;
    const started = Date.now();
    const deadline = started + timeoutMs;
    const coldStart = !fn.entry || !this.modules.has(resolve(this.opts.repoRoot, fn.entry));
    const record = (outcome: InvocationRecord['outcome'], errorName?: string) =>
      this.opts.onInvoke?.({
        functionLogicalId: fn.logicalId,
        requestId,
        coldStart,
        durationMs: Date.now() - started,
        outcome,
        ...(errorName ? { errorName } : {}),
      });

    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(timeoutError(requestId, timeoutMs)), timeoutMs);
    });
    try {
      // Init counts against the timeout, as in Lambda; the handler cannot be killed in process,
      // so after a timeout it may still finish in the background (its result is dropped).
      const run = this.load(fn).then((handler) => {
        const context = createLambdaContext(fn, requestId, deadline);
        return callHandler(handler, JSON.parse(JSON.stringify(event ?? null)) as unknown, context);
      });
      run.catch(() => undefined); // a late rejection after a timeout must not become unhandled
      const result = await Promise.race([run, timedOut]);
      record('success');
      // The result crosses Lambda's JSON boundary: undefined becomes null, Dates become strings.
      return JSON.parse(JSON.stringify(result ?? null)) as unknown;
    } catch (thrown) {
      const err = asLambdaError(thrown);
      record(err.name === 'Sandbox.Timedout' ? 'timeout' : 'error', err.name);
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  private entryPath(fn: LocalFunction): string {
    if (!fn.entry) {
      throw lambdaError('Runtime.ImportModuleError', `Function ${fn.logicalId} has no "aftersales:entry" metadata, so it cannot run locally`);
    }
    return resolve(this.opts.repoRoot, fn.entry);
  }

  private async load(fn: LocalFunction): Promise<Handler> {
    const path = this.entryPath(fn);
    let loading = this.modules.get(path);
    if (!loading) {
      loading = import(pathToFileURL(path).href) as Promise<Record<string, unknown>>;
      this.modules.set(path, loading);
    }
    let mod: Record<string, unknown>;
    try {
      mod = await loading;
    } catch (err) {
      this.modules.delete(path); // Lambda retries init on the next invocation
      const failure = lambdaError('Runtime.ImportModuleError', `Error: Cannot load ${fn.entry}: ${(err as Error).message}`);
      failure.cause = err;
      throw failure;
    }
    const handler = mod[fn.handlerExport];
    if (typeof handler !== 'function') {
      throw lambdaError('Runtime.HandlerNotFound', `${fn.entry}.${fn.handlerExport} is undefined or not exported`);
    }
    return handler as Handler;
  }
}

/** Supports async handlers and, like the Node.js 20/22 runtimes, callback-style ones. */
function callHandler(handler: Handler, event: unknown, context: unknown): Promise<unknown> {
  return new Promise((resolvePromise, reject) => {
    const callback = (err?: unknown, result?: unknown) => (err ? reject(err) : resolvePromise(result));
    try {
      const returned = handler(event, context, callback);
      if (returned && typeof (returned as Promise<unknown>).then === 'function') {
        (returned as Promise<unknown>).then(resolvePromise, reject);
      } else if (handler.length < 3) {
        resolvePromise(returned);
      }
    } catch (err) {
      reject(err);
    }
  });
}
