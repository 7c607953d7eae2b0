import { AsyncLocalStorage } from 'node:async_hooks';
import { readlinkSync } from 'node:fs';
import http from 'node:http';
import { setPriority } from 'node:os';
import type { LocalFunction } from '../cfn/types.js';
import type { LocalValues } from '../lambda/environment.js';
import { type InvocationRecord, LocalLambdaRuntime } from '../lambda/runtime.js';
import { serveWorker } from './serve.js';

export interface FunctionsData {
  repoRoot: string;
  /**
   * Every function of the template, for its environment's rules (local/lambda/environment.ts); this thread imports
   * only those the pool sends it (local/lambda/pool.ts), each of them in no other thread.
   */
  functions: Record<string, LocalFunction>;
  /**
   * Niceness of this thread (0–19): above the intake's, so on a busy machine the kernel gives the webhook's answer the
   * CPU before the workflow's functions, as in AWS, where the pipeline's work runs on other machines than the intake.
   */
  nice: number;
  /** Hold every cold start until the local values come (method `localValues`), as the main thread's runtime does. */
  waitForLocalValues: boolean;
  /** Send each invocation's record back (the cost benchmark's meter); off otherwise, it costs a context per call. */
  recordInvocations: boolean;
}

/** One invocation's outcome as it crosses back to the calling thread: errors keep the name Step Functions matches on. */
export type InvocationOutcome = ({ result: unknown } | { error: { name: string; message: string } }) & { record?: InvocationRecord };

/**
 * A thread that runs functions, as Lambda execution environments of their own: the same LocalLambdaRuntime as the main
 * thread (each module imported once, its top level the cold start; the same timeout and JSON boundary). The thread has
 * its own copy of process.env (worker_threads' default, not SHARE_ENV), so the runtime's setting of a function's
 * variables around its cold start is seen by this thread's functions only, never by another thread's.
 */
serveWorker<FunctionsData, Record<string, never>>(async (data) => {
  if (data.nice > 0) lowerThisThreadsPriority(data.nice);
  let provideLocalValues: (values: LocalValues) => void = () => {};
  const localValues = new Promise<LocalValues>((resolve) => (provideLocalValues = resolve));
  const records = new AsyncLocalStorage<{ record?: InvocationRecord; invocation?: string }>();
  if (data.recordInvocations) tagRequestsWithInvocation(() => records.getStore()?.invocation);
  let invocations = 0;
  const lambda = new LocalLambdaRuntime({
    topology: { functions: data.functions },
    repoRoot: data.repoRoot,
    ...(data.waitForLocalValues ? { localValues } : {}),
    ...(data.recordInvocations ? { onInvoke: (record: InvocationRecord) => void Object.assign(records.getStore() ?? {}, { record }) } : {}),
  });
  const invoke = async (functionRef: string, event: unknown, timeoutMs?: number): Promise<InvocationOutcome> => {
    try {
      return { result: await lambda.invoke(functionRef, event, timeoutMs === undefined ? {} : { timeoutMs }) };
    } catch (error) {
      return { error: { name: (error as Error).name, message: (error as Error).message } };
    }
  };
  return {
    ready: {},
    methods: {
      localValues: (values: LocalValues) => provideLocalValues(values),
      invoke: (functionRef: string, event: unknown, timeoutMs?: number) => {
        if (!data.recordInvocations) return invoke(functionRef, event, timeoutMs);
        const holder: { record?: InvocationRecord; invocation: string } = { invocation: `${functionRef}#${++invocations}` };
        return records.run(holder, async () => ({ ...(await invoke(functionRef, event, timeoutMs)), ...(holder.record ? { record: holder.record } : {}) }));
      },
    },
    stop: async () => {},
  };
});

/**
 * For the cost benchmark's meters: every HTTP request a function makes (its AWS SDK calls, to the local emulators)
 * carries `x-local-invocation: <function>#<n>`, so a metering proxy can tell which invocation made it. The SDK's Node
 * handler takes node:http's `request` at its first call, after this runs (threads start before any function). The
 * header is not signed and the emulators ignore it.
 */
const INVOCATION_HEADER = 'x-local-invocation';
function tagRequestsWithInvocation(current: () => string | undefined): void {
  const original = http.request;
  http.request = ((options: http.RequestOptions | string | URL, ...rest: unknown[]) => {
    const invocation = current();
    const tagged = invocation && typeof options === 'object' && !(options instanceof URL) ? { ...options, headers: withInvocation(options.headers, invocation) } : options;
    return (original as (...args: unknown[]) => http.ClientRequest)(tagged, ...rest);
  }) as typeof http.request;
}

/** The request's headers and the invocation's; headers given as a flat `[name, value, …]` list get the pair appended. */
function withInvocation(headers: http.RequestOptions['headers'], invocation: string): http.RequestOptions['headers'] {
  return Array.isArray(headers) ? [...headers, INVOCATION_HEADER, invocation] : { ...headers, [INVOCATION_HEADER]: invocation };
}

/**
 * Linux gives each thread its own nice value, and setpriority on a thread id changes that thread only
 * (/proc/thread-self names it). Raising one's own niceness needs no privilege. Elsewhere the thread keeps its priority.
 */
function lowerThisThreadsPriority(nice: number): void {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, nice);
  } catch {
    // not Linux, or no /proc: the functions run at the intake's priority
  }
}
