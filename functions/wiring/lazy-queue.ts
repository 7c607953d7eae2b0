import type { QueueSender } from '../adapters/queues.js';
import { onFirstUse } from './on-first-use.js';

/**
 * A queue the function sends to only on rare paths (a pause, a dispute's acknowledgement), and may lack: failing on
 * use if unset. The SQS client's code (wiring/queues.ts, 23 KiB minified) is imported at the first send, not at every
 * cold start, as the SNS client for alerts is (wiring/alerts.ts). A failed import is not kept: the next send retries.
 */
export function lazyQueue<T>(url: string | undefined, variable: string): () => Pick<QueueSender<T>, 'send'> {
  if (url === undefined)
    return () => {
      throw new Error(`${variable} is not configured for this function`);
    };
  const made = onFirstUse(() => import('./queues.js').then(({ queueSender }) => queueSender<T>(url)));
  return () => ({ send: async (message, messageGroupId) => (await made()).send(message, messageGroupId) });
}
