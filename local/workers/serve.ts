import { parentPort, workerData } from 'node:worker_threads';
import type { FromWorker, ToWorker } from './host.js';

export interface WorkerService<Ready> {
  ready: Ready;
  // biome-ignore lint/suspicious/noExplicitAny: a method takes whatever structured-cloned arguments its caller posts
  methods?: Record<string, (...args: any[]) => unknown>;
  stop(): Promise<void>;
}

/** The worker's side of local/workers/host.ts: starts the service with the data it was given and answers calls. */
export function serveWorker<Data, Ready>(start: (data: Data, log: (line: string) => void) => Promise<WorkerService<Ready>>): void {
  const port = parentPort;
  if (!port) throw new Error('serveWorker runs in a worker thread (local/workers/host.ts)');
  const post = (message: FromWorker) => port.postMessage(message);
  const log = (line: string) => post({ kind: 'log', line });
  start((workerData as { data: Data }).data, log).then(
    (service) => {
      port.on('message', async (message: ToWorker) => {
        try {
          if (message.kind === 'stop') {
            await service.stop();
            post({ kind: 'reply', id: message.id });
            port.close(); // nothing else keeps the thread alive once its servers are closed
            return;
          }
          const method = service.methods?.[message.method];
          if (!method) throw new Error(`the worker has no method ${message.method}`);
          post({ kind: 'reply', id: message.id, value: await method(...message.args) });
        } catch (error) {
          post({ kind: 'reply', id: message.id, error: (error as Error).message });
        }
      });
      post({ kind: 'ready', value: service.ready });
    },
    (error: unknown) => post({ kind: 'failed', message: (error as Error).message, ...((error as { code?: string }).code ? { code: (error as { code: string }).code } : {}) }),
  );
}
