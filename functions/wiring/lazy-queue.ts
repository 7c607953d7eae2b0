import type { QueueSender } from '../adapters/queues.js';

/**
 * A queue the function sends to only on rare paths (a pause, a dispute's acknowledgement), and may lack: failing on
 * use if unset. The SQS client's code (wiring/queues.ts, 23 KiB minified) is imported at the first send, not at every
 * cold start, as the SNS client for alerts is (wiring/alerts.ts). A failed import is not kept: the next send retries.
 */
export function lazyQueue<T>(url: string | undefined, variable: string): () => Pick<QueueSender<T>, 'send'> {
  let sender: Promise<QueueSender<T>> | undefined;
  const made = (queueUrl: string) => {
    sender ??= import('./queues.js')
      .then(({ queueSender }) => queueSender<T>(queueUrl))
      .catch((error: unknown) => {
        sender = undefined;
        throw error;
      });
    return sender;
  };
  return () => {
    if (url === undefined) throw new Error(`${variable} is not configured for this function`);
    return { send: async (message, messageGroupId) => (await made(url)).send(message, messageGroupId) };
  };
}
