import { CreateQueueCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalQueue } from '../../local/cfn/types.js';
import { startSqs, type SqsEmulator } from '../../local/emulators/sqs.js';
import { HandledAfterVisibilityTimeout, startSqsPollers } from '../../local/event-sources/index.js';
import { ACCOUNT, REGION, fakeAws, waitFor } from './fixtures/runtime-fixture.js';

let sqs: SqsEmulator;
let client: SQSClient;

beforeAll(async () => {
  sqs = await startSqs({ region: REGION, accountId: ACCOUNT });
  client = new SQSClient({ ...fakeAws, endpoint: sqs.endpoint });
});

afterAll(async () => {
  client?.destroy();
  await sqs?.close();
});

describe('SQS poller, a batch slower than the visibility timeout', () => {
  it('reports it as handled after the timeout (not a failed delete), and the message is delivered again as SQS does', async () => {
    const name = 'late-notices.fifo';
    const url = (await client.send(new CreateQueueCommand({ QueueName: name, Attributes: { FifoQueue: 'true', VisibilityTimeout: '1' } }))).QueueUrl!;
    const queue: LocalQueue = { logicalId: 'LateQueue', name, url, arn: `arn:aws:sqs:${REGION}:${ACCOUNT}:${name}`, fifo: true, visibilityTimeoutSeconds: 1 };
    const receiveCounts: string[] = [];
    const errors: unknown[] = [];
    const pollers = startSqsPollers({
      sqsClient: client,
      topology: {
        queues: { LateQueue: queue },
        eventSources: [
          { logicalId: 'LateMapping', queueLogicalId: 'LateQueue', functionLogicalId: 'SlowFn', batchSize: 10, maxBatchingWindowSeconds: 0, reportBatchItemFailures: true },
        ],
      },
      lambda: {
        invoke: async (_fn: string, event: unknown) => {
          const records = (event as { Records: Array<{ attributes: { ApproximateReceiveCount: string } }> }).Records;
          receiveCounts.push(...records.map((r) => r.attributes.ApproximateReceiveCount));
          // The first delivery outlasts the 1 s visibility timeout; the second is quick.
          if (receiveCounts.length === 1) await new Promise((resolve) => setTimeout(resolve, 1_800));
          return { batchItemFailures: [] };
        },
      },
      pollIntervalMs: 50,
      onError: (error) => errors.push(error),
    });
    try {
      await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: '{"notice":1}', MessageGroupId: 'case-1', MessageDeduplicationId: 'n-1' }));
      await waitFor(() => (receiveCounts.length >= 2 && errors.length >= 1 ? true : undefined), 10_000);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toBeInstanceOf(HandledAfterVisibilityTimeout);
      expect((errors[0] as Error).message).toBe(
        '1 message(s) took longer than the local visibility timeout and were delivered again; the function handles the repeat idempotently',
      );
      expect(receiveCounts.slice(0, 2)).toEqual(['1', '2']);
    } finally {
      await pollers.stop();
    }
  });
});
