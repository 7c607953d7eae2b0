import { GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { resolveTopology, type LocalTopology } from '../../local/cfn/index.js';
import { ensureQueues, startSqs, type SqsEmulator } from '../../local/emulators/sqs.js';
import { startSqsPollers, type BatchRecord, type SqsPollers } from '../../local/event-sources/sqs-poller.js';
import { LocalLambdaRuntime } from '../../local/lambda/runtime.js';
import type { BatchLogEntry } from './fixtures/handlers/sqs-batch.js';
import { ACCOUNT, REGION, fakeAws, loadFixtureTemplate, repoRoot, waitFor } from './fixtures/runtime-fixture.js';

const shared = globalThis as { __sqsBatchLog?: BatchLogEntry[]; __sqsBatchSizes?: number[] };

let sqs: SqsEmulator;
let client: SQSClient;
let topology: LocalTopology;
let pollers: SqsPollers;
const batches: BatchRecord[] = [];
const errors: Array<{ phase: string; name: string }> = [];

beforeAll(async () => {
  sqs = await startSqs({ region: REGION, accountId: ACCOUNT });
  topology = resolveTopology(loadFixtureTemplate(), { region: REGION, accountId: ACCOUNT, sqsEndpoint: sqs.endpoint });
  client = new SQSClient({ ...fakeAws, endpoint: sqs.endpoint });
  // A 1 s visibility timeout locally: a failed message is back within a second.
  await ensureQueues(client, topology.queues, { visibilityTimeoutSeconds: 1 });
  const lambda = new LocalLambdaRuntime({ topology, repoRoot });
  pollers = startSqsPollers({
    sqsClient: client,
    topology,
    lambda,
    pollIntervalMs: 50,
    onBatch: (b) => batches.push(b),
    onError: (err, where) => errors.push({ phase: where.phase, name: (err as Error).name }),
  });
});

afterAll(async () => {
  await pollers?.stop();
  client?.destroy();
  await sqs?.close();
});

beforeEach(() => {
  shared.__sqsBatchLog = [];
  shared.__sqsBatchSizes = [];
});

const intake = () => topology.queues.IntakeQueue4B2F7C1D!;
const dlq = () => topology.queues.IntakeDLQ9A1B3C5E!;
const send = (body: unknown, attrs = {}) => client.send(new SendMessageCommand({ QueueUrl: intake().url, MessageBody: JSON.stringify(body), MessageAttributes: attrs }));
const log = () => shared.__sqsBatchLog ?? [];

async function drainDlq(): Promise<string[]> {
  const bodies: string[] = [];
  for (;;) {
    const r = await client.send(new ReceiveMessageCommand({ QueueUrl: dlq().url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, VisibilityTimeout: 30 }));
    if (!r.Messages?.length) return bodies;
    bodies.push(...r.Messages.map((m) => m.Body ?? ''));
  }
}

describe('queues', () => {
  it('creates the DLQ and wires the redrive policy as AWS expects', async () => {
    expect(intake().url).toBe(`${sqs.endpoint}/${ACCOUNT}/local-intake`);
    const attrs = (await client.send(new GetQueueAttributesCommand({ QueueUrl: intake().url, AttributeNames: ['All'] }))).Attributes!;
    expect(attrs.QueueArn).toBe(intake().arn);
    expect(attrs.VisibilityTimeout).toBe('1');
    expect(JSON.parse(attrs.RedrivePolicy!)).toEqual({ deadLetterTargetArn: dlq().arn, maxReceiveCount: 2 });
    const fifo = (await client.send(new GetQueueAttributesCommand({ QueueUrl: topology.queues.NoticeQueue7E9A1C3D!.url, AttributeNames: ['All'] }))).Attributes!;
    expect(fifo.FifoQueue).toBe('true');
    // Idempotent: running it again (say, after a restart with another override) updates in place.
    await expect(ensureQueues(client, topology.queues, { visibilityTimeoutSeconds: 2 })).resolves.toMatchObject({ IntakeQueue4B2F7C1D: intake().url });
    const updated = (await client.send(new GetQueueAttributesCommand({ QueueUrl: intake().url, AttributeNames: ['VisibilityTimeout'] }))).Attributes!;
    expect(updated.VisibilityTimeout).toBe('2');
    await ensureQueues(client, topology.queues, { visibilityTimeoutSeconds: 1 });
  });
});

describe('SQS emulator', () => {
  it('rejects a port that is already taken instead of crashing', async () => {
    await expect(startSqs({ port: sqs.port })).rejects.toMatchObject({ code: 'EADDRINUSE' });
  });
});

describe('SQS poller', () => {
  it('delivers a real SQSEvent and deletes successful messages', async () => {
    await send(
      { caseId: 'C-1' },
      {
        kind: { DataType: 'String', StringValue: 'order.return_requested' },
        blob: { DataType: 'Binary', BinaryValue: new Uint8Array([1, 2, 3]) },
      },
    );
    const entry = await waitFor(() => log()[0]);
    expect(entry).toMatchObject({
      body: '{"caseId":"C-1"}',
      receiveCount: '1',
      eventSourceARN: intake().arn,
      stringAttribute: 'order.return_requested',
      binaryAttribute: Buffer.from([1, 2, 3]).toString('base64'),
    });
    await pollers.idle();
    await new Promise((r) => setTimeout(r, 1500)); // past the visibility timeout: a deleted message stays gone
    expect(log()).toHaveLength(1);
    expect(batches.at(-1)).toMatchObject({ functionLogicalId: 'IntakeWorkerFn6B8D0F2A', failed: 0, outcome: 'success' });
  });

  it('returns only the failed record of a batch, then moves it to the DLQ after maxReceiveCount', async () => {
    for (const body of [{ n: 1 }, { n: 2, fail: true }, { n: 3 }]) await send(body);
    await waitFor(() => (log().length >= 3 ? true : undefined));
    // The failing record comes back (receive count 2) and fails again; the third receive moves it to the DLQ.
    const dead = await waitFor(
      async () => {
        const bodies = await drainDlq();
        return bodies.length ? bodies : undefined;
      },
      15_000,
      200,
    );
    expect(dead).toEqual(['{"n":2,"fail":true}']);
    const counts = (n: number) =>
      log()
        .filter((e) => JSON.parse(e.body).n === n)
        .map((e) => e.receiveCount);
    expect(counts(1)).toEqual(['1']);
    expect(counts(3)).toEqual(['1']);
    expect(counts(2)).toEqual(['1', '2']);
    expect(errors).toEqual([]);
  });

  it('retries the whole batch when the handler throws, without crashing', async () => {
    await send({ throw: true });
    const dead = await waitFor(
      async () => {
        const bodies = await drainDlq();
        return bodies.length ? bodies : undefined;
      },
      15_000,
      200,
    );
    expect(dead).toEqual(['{"throw":true}']);
    expect(log().map((e) => e.receiveCount)).toEqual(['1', '2']);
    expect(errors.filter((e) => e.phase === 'invoke')).toHaveLength(2);
    // The poller still runs.
    await send({ after: 'crash' });
    await waitFor(() => log().find((e) => e.body.includes('after')));
  });

  it('batches up to BatchSize messages', async () => {
    for (let i = 0; i < 8; i++) await send({ i });
    await waitFor(() => (log().length >= 8 ? true : undefined));
    expect(Math.max(...(shared.__sqsBatchSizes ?? []))).toBeLessThanOrEqual(5);
  });
});
