import { createServer } from 'node:http';
import { CreateQueueCommand, GetQueueUrlCommand, QueueNameExists, SetQueueAttributesCommand, type QueueAttributeName, type SQSClient } from '@aws-sdk/client-sqs';
import { createRequestHandler } from 'local-aws-sqs';
import type { LocalQueue } from '../cfn/types.js';
import { closeServer, listen } from '../net.js';
import type { RequestListener } from 'node:http';
import { journalQueues } from './sqs-journal.js';

export interface SqsEmulator {
  endpoint: string;
  port: number;
  /** local-aws-sqs's own request listener, for requests that come without a socket (scripts/bench/transport.ts). */
  listener: RequestListener;
  /**
   * Makes the queues created so far durable in `file` (local/emulators/sqs-journal.ts), putting back what a previous
   * run left in them; call it once the template's queues exist. Returns how many messages were put back.
   */
  persistTo(file: string): number;
  close(): Promise<void>;
}

/**
 * SQS on local-aws-sqs, bound to 127.0.0.1, in memory unless `persistTo` journals it to disk. `region` and `accountId` must be the ones
 * the topology was resolved with: the emulator puts them into queue URLs and ARNs, and a redrive
 * policy names its DLQ by ARN.
 */
export async function startSqs(opts: { port?: number; region?: string; accountId?: string } = {}): Promise<SqsEmulator> {
  const { service, requestHandler } = createRequestHandler({
    port: opts.port ?? 0,
    hostname: '127.0.0.1',
    ...(opts.region ? { region: opts.region } : {}),
    ...(opts.accountId ? { accountId: opts.accountId } : {}),
    // AWS makes you wait 60 s before re-creating a deleted queue; locally that only slows restarts.
    emulateQueueCreationLifecycle: false,
  });
  // Our own server rather than createSqsServer(), which crashes the process when the port is taken.
  const server = createServer((req, res) => void requestHandler(req, res));
  const port = await listen(server, opts.port);
  service.PORT = port; // queue URLs carry the real port once an ephemeral one is assigned
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    listener: requestHandler as unknown as RequestListener,
    persistTo: (file) => journalQueues(service.Queues as unknown as Parameters<typeof journalQueues>[0], file).restored,
    close: () => closeServer(server),
  };
}

/**
 * Creates the template's queues, dead-letter queues first so each redrive policy can name an
 * existing DLQ. `visibilityTimeoutSeconds` overrides every queue's timeout locally so a failed
 * message comes back in seconds rather than the deployed minutes. Returns queue URLs by logical id.
 */
export async function ensureQueues(client: SQSClient, queues: Record<string, LocalQueue>, opts: { visibilityTimeoutSeconds?: number } = {}): Promise<Record<string, string>> {
  const urls: Record<string, string> = {};
  for (const queue of dlqsFirst(queues)) {
    const attributes: Partial<Record<QueueAttributeName, string>> = {
      VisibilityTimeout: String(opts.visibilityTimeoutSeconds ?? queue.visibilityTimeoutSeconds),
      ...(queue.messageRetentionSeconds !== undefined ? { MessageRetentionPeriod: String(queue.messageRetentionSeconds) } : {}),
      ...(queue.delaySeconds !== undefined ? { DelaySeconds: String(queue.delaySeconds) } : {}),
      ...(queue.redrive
        ? {
            RedrivePolicy: JSON.stringify({
              deadLetterTargetArn: queues[queue.redrive.deadLetterQueueLogicalId]!.arn,
              maxReceiveCount: queue.redrive.maxReceiveCount,
            }),
          }
        : {}),
    };
    const fifoAttributes: Partial<Record<QueueAttributeName, string>> = queue.fifo
      ? { FifoQueue: 'true', ...(queue.contentBasedDeduplication ? { ContentBasedDeduplication: 'true' } : {}) }
      : {};
    let url: string | undefined;
    try {
      url = (await client.send(new CreateQueueCommand({ QueueName: queue.name, Attributes: { ...attributes, ...fifoAttributes } }))).QueueUrl;
    } catch (err) {
      // The queue exists with other attributes (say, a new visibility override): update it in place.
      if (!(err instanceof QueueNameExists)) throw err;
      url = (await client.send(new GetQueueUrlCommand({ QueueName: queue.name }))).QueueUrl;
      await client.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: attributes }));
    }
    if (url !== queue.url) {
      throw new Error(
        `SQS emulator gave queue ${queue.logicalId} the URL ${url}, but the topology expects ${queue.url}: ` +
          'resolve the topology with the emulator endpoint, region and account id',
      );
    }
    urls[queue.logicalId] = url;
  }
  return urls;
}

function dlqsFirst(queues: Record<string, LocalQueue>): LocalQueue[] {
  const ordered: LocalQueue[] = [];
  const visit = (queue: LocalQueue, chain: string[]): void => {
    if (ordered.includes(queue)) return;
    if (chain.includes(queue.logicalId)) throw new Error(`Redrive cycle: ${[...chain, queue.logicalId].join(' -> ')}`);
    const dlq = queue.redrive && queues[queue.redrive.deadLetterQueueLogicalId];
    if (queue.redrive && !dlq) throw new Error(`Queue ${queue.logicalId} names unknown DLQ ${queue.redrive.deadLetterQueueLogicalId}`);
    if (dlq) visit(dlq, [...chain, queue.logicalId]);
    ordered.push(queue);
  };
  for (const queue of Object.values(queues)) visit(queue, []);
  return ordered;
}
