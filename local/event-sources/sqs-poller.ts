import { DeleteMessageBatchCommand, ReceiveMessageCommand, type Message, type QueueAttributeName, type SQSClient } from '@aws-sdk/client-sqs';
import type { LocalEventSource, LocalQueue, LocalTopology } from '../cfn/types.js';
import type { LambdaInvoker } from '../lambda/runtime.js';
import { buildSqsEvent } from './sqs-event.js';

/**
 * A batch handled after its visibility timeout ran out: SQS had already made the messages visible again (a FIFO queue
 * then refuses the old receipt handle), so they are delivered once more. Expected when a function runs longer than the
 * local visibility timeout (LOCAL_VISIBILITY_TIMEOUT_SECONDS, 3 s; 180 s in AWS) on a busy machine: the functions are
 * idempotent (notices are claimed once, steps write conditionally), so the second delivery changes nothing.
 */
export class HandledAfterVisibilityTimeout extends Error {
  override readonly name = 'HandledAfterVisibilityTimeout';
  constructor(readonly count: number) {
    super(`${count} message(s) took longer than the local visibility timeout and were delivered again; the function handles the repeat idempotently`);
  }
}

export interface PollerErrorContext {
  phase: 'receive' | 'invoke' | 'delete' | 'response';
  queueLogicalId: string;
  functionLogicalId: string;
}

/** One processed batch, for logs: ids and counts only, never message bodies (they may hold personal data). */
export interface BatchRecord {
  queueLogicalId: string;
  functionLogicalId: string;
  size: number;
  /** Messages left on the queue to come back after the visibility timeout. */
  failed: number;
  outcome: 'success' | 'partial' | 'error';
}

export interface SqsPollerOptions {
  sqsClient: SQSClient;
  topology: Pick<LocalTopology, 'queues' | 'eventSources'>;
  lambda: LambdaInvoker;
  /** Pause between empty receives. */
  pollIntervalMs?: number;
  /**
   * Awaited before each receive: backpressure. The pipeline holds the pollers while the workflow engine has a backlog
   * of invocations, so new work stays in its queue instead of piling up in memory (local/lambda/concurrency.ts).
   */
  admit?: (mapping: LocalEventSource) => Promise<void>;
  onError?: (err: unknown, where: PollerErrorContext) => void;
  onBatch?: (batch: BatchRecord) => void;
}

export interface SqsPollers {
  stop(): Promise<void>;
  /** Resolves when no batch is in flight (received and not yet settled). */
  idle(): Promise<void>;
}

// The legacy AttributeNames form is what local-aws-sqs honours for system attributes.
const ALL_ATTRIBUTES = ['All'] as QueueAttributeName[];

/**
 * Stands in for Lambda's SQS event source mappings: receive a batch, invoke the function, delete
 * what succeeded. A thrown error deletes nothing, so the whole batch returns after the visibility
 * timeout and the queue's redrive policy eventually moves it to the DLQ, exactly as in AWS.
 *
 * Receives use WaitTimeSeconds 0 plus our own sleep: local-aws-sqs holds a long poll for its full
 * wait and can hand back a message whose visibility expired meanwhile.
 */
export function startSqsPollers(opts: SqsPollerOptions): SqsPollers {
  const pollIntervalMs = opts.pollIntervalMs ?? 200;
  let stopped = false;
  let inFlight = 0;
  let idleWaiters: Array<() => void> = [];
  const sleepers = new Set<() => void>();
  let wakeOnStop: () => void = () => {};
  const stopping = new Promise<void>((resolve) => (wakeOnStop = resolve));

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      sleepers.add(wake);
    });
  const settle = () => {
    inFlight -= 1;
    if (inFlight === 0) {
      const waiters = idleWaiters;
      idleWaiters = [];
      waiters.forEach((resolve) => resolve());
    }
  };
  const report = (err: unknown, where: PollerErrorContext) => {
    try {
      opts.onError?.(err, where);
    } catch {
      // a failing error hook must not stop the poller
    }
  };

  const receive = async (queue: LocalQueue, max: number): Promise<Message[]> => {
    const response = await opts.sqsClient.send(
      new ReceiveMessageCommand({
        QueueUrl: queue.url,
        MaxNumberOfMessages: Math.max(1, Math.min(max, 10)),
        WaitTimeSeconds: 0,
        AttributeNames: ALL_ATTRIBUTES,
        MessageAttributeNames: ['All'],
      }),
    );
    return response.Messages ?? [];
  };

  const loop = async (mapping: LocalEventSource): Promise<void> => {
    const queue = opts.topology.queues[mapping.queueLogicalId];
    if (!queue) throw new Error(`Event source ${mapping.logicalId} reads unknown queue ${mapping.queueLogicalId}`);
    const where = { queueLogicalId: mapping.queueLogicalId, functionLogicalId: mapping.functionLogicalId };
    while (!stopped) {
      if (opts.admit) await Promise.race([opts.admit(mapping), stopping]);
      if (stopped) break;
      let first: Message[];
      try {
        first = await receive(queue, mapping.batchSize);
      } catch (err) {
        report(err, { phase: 'receive', ...where });
        await sleep(pollIntervalMs);
        continue;
      }
      if (first.length === 0) {
        await sleep(pollIntervalMs);
        continue;
      }
      inFlight += 1;
      try {
        const batch = await fillBatch(queue, mapping, first);
        await processBatch(queue, mapping, batch);
      } finally {
        settle();
      }
    }
  };

  /** Honours MaximumBatchingWindowInSeconds; a MessageId the emulator repeats keeps its latest receipt handle. */
  const fillBatch = async (queue: LocalQueue, mapping: LocalEventSource, first: Message[]): Promise<Message[]> => {
    const byId = new Map<string, Message>();
    const add = (messages: Message[]) => messages.forEach((m) => byId.set(m.MessageId ?? m.ReceiptHandle ?? '', m));
    add(first);
    const windowEnds = Date.now() + mapping.maxBatchingWindowSeconds * 1000;
    while (!stopped && byId.size < mapping.batchSize && Date.now() < windowEnds) {
      await sleep(Math.min(pollIntervalMs, windowEnds - Date.now()));
      try {
        add(await receive(queue, mapping.batchSize - byId.size));
      } catch (err) {
        report(err, { phase: 'receive', queueLogicalId: mapping.queueLogicalId, functionLogicalId: mapping.functionLogicalId });
        break;
      }
    }
    return [...byId.values()];
  };

  const processBatch = async (queue: LocalQueue, mapping: LocalEventSource, batch: Message[]): Promise<void> => {
    const where = { queueLogicalId: mapping.queueLogicalId, functionLogicalId: mapping.functionLogicalId };
    const record = (failed: number, outcome: BatchRecord['outcome']) => opts.onBatch?.({ ...where, size: batch.length, failed, outcome });
    let response: unknown;
    try {
      response = await opts.lambda.invoke(mapping.functionLogicalId, buildSqsEvent(queue, batch));
    } catch (err) {
      report(err, { phase: 'invoke', ...where });
      record(batch.length, 'error');
      return;
    }
    const failures = mapping.reportBatchItemFailures ? failedItems(response, batch) : new Set<string>();
    if (failures === 'all') {
      report(new Error('Invalid batchItemFailures in the function response: the whole batch is retried'), { phase: 'response', ...where });
      record(batch.length, 'error');
      return;
    }
    const done = batch.filter((m) => !failures.has(m.MessageId ?? ''));
    for (let i = 0; i < done.length; i += 10) {
      const chunk = done.slice(i, i + 10);
      try {
        const result = await opts.sqsClient.send(
          new DeleteMessageBatchCommand({
            QueueUrl: queue.url,
            Entries: chunk.map((m, j) => ({ Id: String(j), ReceiptHandle: m.ReceiptHandle ?? '' })),
          }),
        );
        const expired = (result.Failed ?? []).filter((f) => f.Code === 'ReceiptHandleIsInvalid' || /expired/i.test(f.Message ?? ''));
        if (expired.length) report(new HandledAfterVisibilityTimeout(expired.length), { phase: 'delete', ...where });
        const failed = (result.Failed ?? []).filter((f) => !expired.includes(f));
        if (failed.length) report(new Error(`DeleteMessageBatch failed for ${failed.length} message(s): ${failed[0]?.Code ?? ''}`), { phase: 'delete', ...where });
      } catch (err) {
        report(err, { phase: 'delete', ...where });
      }
    }
    record(failures.size, failures.size ? 'partial' : 'success');
  };

  const loops = opts.topology.eventSources.map((mapping) =>
    loop(mapping).catch((err: unknown) => report(err, { phase: 'receive', queueLogicalId: mapping.queueLogicalId, functionLogicalId: mapping.functionLogicalId })),
  );

  return {
    async stop() {
      stopped = true;
      wakeOnStop();
      [...sleepers].forEach((wake) => wake());
      await Promise.all(loops);
    },
    idle() {
      if (inFlight === 0) return Promise.resolve();
      return new Promise<void>((resolve) => idleWaiters.push(resolve));
    },
  };
}

/**
 * Lambda's partial batch response rules: an empty or missing list means all succeeded; an entry
 * with an empty or unknown itemIdentifier makes Lambda treat the whole batch as failed.
 */
function failedItems(response: unknown, batch: Message[]): Set<string> | 'all' {
  const list = (response as { batchItemFailures?: unknown } | null)?.batchItemFailures;
  if (!Array.isArray(list) || list.length === 0) return new Set();
  const ids = new Set(batch.map((m) => m.MessageId));
  const failed = new Set<string>();
  for (const item of list) {
    const id = (item as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || !ids.has(id)) return 'all';
    failed.add(id);
  }
  return failed;
}
