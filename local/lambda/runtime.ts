import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { LocalFunction, LocalTopology } from '../cfn/types.js';
import { createLambdaContext } from './context.js';
import { functionEnvironment, functionVariables, importWithEnvironment, type LocalValues } from './environment.js';
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
  /**
   * The local stand-ins for secrets, parameters and URLs, and the local timings (local/lambda/environment.ts). A
   * promise holds every cold start until it resolves (the pipeline knows some only once the API listens).
   */
  localValues?: LocalValues | Promise<LocalValues>;
}

type Handler = (event: unknown, context: unknown, callback?: (err?: unknown, result?: unknown) => void) => unknown;

/**
 * Runs the functions' handler modules in this process, the way the Lambda Node.js runtime would:
 * the module is imported once (its top level is the cold start), the event and the result cross a
 * JSON boundary, the function's Timeout is enforced and errors keep their name.
 *
 * Each function sees only its own environment, as in AWS: its module is imported with process.env holding the
 * process's variables plus exactly that function's (local/lambda/environment.ts), and handlers read their
 * configuration at module scope, so a variable only another function has is absent for it.
 */
export class LocalLambdaRuntime implements LambdaInvoker {
  private readonly modules = new Map<string, Promise<Record<string, unknown>>>();

  constructor(private readonly opts: LocalLambdaRuntimeOptions) {}

  /** The environment a function's cold start sees on top of the process's own: its template's, with the local values. */
  async environmentOf(functionRef: string): Promise<Record<string, string>> {
    return functionEnvironment(this.findFunction(functionRef), await this.opts.localValues);
  }

  /** A function by logical id, name, or ARN (a version or alias qualifier is ignored). */
  findFunction(functionRef: string): LocalFunction {
    return findLocalFunction(this.opts.topology.functions, functionRef);
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

  private async importOwn(fn: LocalFunction, path: string): Promise<Record<string, unknown>> {
    const local = await this.opts.localValues;
    const env = functionEnvironment(fn, local);
    const sharing = Object.values(this.opts.topology.functions).filter((other) => other.entry === fn.entry && other.logicalId !== fn.logicalId);
    const clash = sharing.find((other) => !sameEnvironment(functionEnvironment(other, local), env));
    if (clash) throw new Error(`functions ${fn.logicalId} and ${clash.logicalId} run the same module ${fn.entry} with different environments`);
    return importWithEnvironment(pathToFileURL(path).href, env, functionVariables(Object.values(this.opts.topology.functions), local));
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
      loading = this.importOwn(fn, path);
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

/** A function by logical id, name, or ARN (a version or alias qualifier is ignored); Lambda's error if there is none. */
export function findLocalFunction(functions: Record<string, LocalFunction>, functionRef: string): LocalFunction {
  const direct = functions[functionRef];
  if (direct) return direct;
  const arn = /^arn:[^:]+:lambda:[^:]*:[^:]*:function:([^:]+)(?::[^:]+)?$/.exec(functionRef);
  const name = arn ? arn[1] : functionRef;
  const found = Object.values(functions).find((fn) => fn.name === name || fn.arn === functionRef);
  if (!found) throw lambdaError('ResourceNotFoundException', `Function not found: ${functionRef}`);
  return found;
}

/** Functions sharing one entry share its module, so they must share its environment too. */
function sameEnvironment(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
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
