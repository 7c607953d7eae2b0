import { Worker, type ResourceLimits } from 'node:worker_threads';

/** Messages a worker sends to the thread that started it (local/workers/serve.ts is the other side). */
export type FromWorker =
  | { kind: 'ready'; value: unknown }
  | { kind: 'failed'; message: string; code?: string }
  | { kind: 'log'; line: string }
  | { kind: 'reply'; id: number; value?: unknown; error?: string };
export type ToWorker = { kind: 'call'; id: number; method: string; args: unknown[] } | { kind: 'stop'; id: number };

export interface LocalWorker<Ready> {
  ready: Ready;
  threadId: number;
  /** Calls one of the methods the worker serves. */
  call<T>(method: string, ...args: unknown[]): Promise<T>;
  /** Lets the worker close what it opened, then ends the thread; resolves once it has exited. */
  stop(): Promise<void>;
  /** Ends the thread at once, whatever it is doing (a thread stuck in a loop answers no message). */
  terminate(): Promise<void>;
  /** Resolves when the thread has exited (stopped, or crashed). */
  exited: Promise<number>;
}

const BOOTSTRAP = new URL('./bootstrap.mjs', import.meta.url);

/**
 * Starts `entry` (a module calling serveWorker) on its own thread and resolves once it is ready. The worker gets a
 * copy of this process's environment as it is now (the SDK's endpoints and credentials); the functions it runs get
 * their own variables on top, as on the main thread (local/lambda/environment.ts), never another function's. A
 * thread cannot outlive the process, so no worker is ever left behind.
 */
export async function startLocalWorker<Ready>(entry: URL, data: unknown, log: (line: string) => void = () => {}, resourceLimits?: ResourceLimits): Promise<LocalWorker<Ready>> {
  const worker = new Worker(BOOTSTRAP, { workerData: { entry: entry.href, data }, env: process.env, execArgv: profilingFlags(), ...(resourceLimits ? { resourceLimits } : {}) });
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 0;
  let gone = false;
  const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
  exited.then(() => {
    gone = true;
    pending.forEach(({ reject }) => reject(new Error('the worker thread exited')));
  });

  const ready = await new Promise<Ready>((resolve, reject) => {
    worker.on('message', (message: FromWorker) => {
      if (message.kind === 'ready') resolve(message.value as Ready);
      else if (message.kind === 'failed') reject(Object.assign(new Error(message.message), message.code ? { code: message.code } : {}));
      else if (message.kind === 'log') log(message.line);
      else if (message.kind === 'reply') {
        const waiter = pending.get(message.id);
        pending.delete(message.id);
        if (message.error === undefined) waiter?.resolve(message.value);
        else waiter?.reject(new Error(message.error));
      }
    });
    worker.on('error', (error) => {
      log(`worker ${entry.pathname.split('/').pop()} failed (${error.name}: ${error.message})`);
      reject(error);
    });
    exited.then((code) => reject(new Error(`the worker exited (${code}) before it was ready`)));
  }).catch(async (error: unknown) => {
    await worker.terminate();
    throw error;
  });

  const send = <T>(message: { kind: 'call'; method: string; args: unknown[] } | { kind: 'stop' }): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      if (gone) return reject(new Error('the worker thread exited'));
      const id = ++nextId;
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      worker.postMessage({ ...message, id } satisfies ToWorker);
    });
  return {
    ready,
    threadId: worker.threadId,
    exited,
    call: (method, ...args) => send({ kind: 'call', method, args }),
    async stop() {
      await Promise.race([send({ kind: 'stop' }).catch(() => undefined), exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
      await worker.terminate();
    },
    async terminate() {
      await worker.terminate();
    },
  };
}

/** `node --cpu-prof` profiles every thread (one .cpuprofile each): the flags pass on, nothing else of execArgv does. */
function profilingFlags(): string[] {
  return process.execArgv.filter((flag) => flag.startsWith('--cpu-prof'));
}
