import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient, type Message } from '@aws-sdk/client-sqs';
import { afterAll, describe, expect, it } from 'vitest';
import type { LocalQueue } from '../../local/cfn/types.js';
import { ensureQueues, startSqs, type SqsEmulator } from '../../local/emulators/sqs.js';
import { ACCOUNT, REGION, fakeAws, waitFor } from './fixtures/runtime-fixture.js';

/** The local queues' journal: what a run leaves queued is there after a restart, as in SQS (the process is gone between). */
const dir = mkdtempSync(join(tmpdir(), 'sqs-journal-'));
const file = join(dir, 'sqs.jsonl');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function queuesOf(sqs: SqsEmulator): Record<string, LocalQueue> {
  const queue = (logicalId: string, name: string, redrive?: LocalQueue['redrive']): LocalQueue => ({
    logicalId,
    name,
    url: `${sqs.endpoint}/${ACCOUNT}/${name}`,
    arn: `arn:aws:sqs:${REGION}:${ACCOUNT}:${name}`,
    fifo: false,
    visibilityTimeoutSeconds: 30,
    ...(redrive ? { redrive } : {}),
  });
  return {
    Dlq: queue('Dlq', 'journal-dlq'),
    Main: queue('Main', 'journal-main', { deadLetterQueueLogicalId: 'Dlq', maxReceiveCount: 5 }),
    Redrive: queue('Redrive', 'journal-redrive', { deadLetterQueueLogicalId: 'Dlq', maxReceiveCount: 1 }),
  };
}

async function start() {
  const sqs = await startSqs({ region: REGION, accountId: ACCOUNT });
  const client = new SQSClient({ ...fakeAws, endpoint: sqs.endpoint });
  const queues = queuesOf(sqs);
  await ensureQueues(client, queues);
  const restored = sqs.persistTo(file);
  const url = (id: string) => queues[id]!.url;
  const receive = async (id: string, visibility = 30): Promise<Message[]> =>
    (await client.send(new ReceiveMessageCommand({ QueueUrl: url(id), MaxNumberOfMessages: 10, WaitTimeSeconds: 0, VisibilityTimeout: visibility, AttributeNames: ['All'] })))
      .Messages ?? [];
  const stop = async () => {
    client.destroy();
    await sqs.close();
  };
  return { client, url, receive, restored, stop };
}

describe('local SQS journal', () => {
  it('puts back what was queued or in flight, with receive counts and DLQ moves; not what was deleted', async () => {
    const first = await start();
    expect(first.restored).toBe(0);
    const send = (id: string, body: string) => first.client.send(new SendMessageCommand({ QueueUrl: first.url(id), MessageBody: body }));
    await send('Main', 'never-received');
    const inFlight = (await first.receive('Main')).find((m) => m.Body === 'never-received');
    expect(inFlight).toBeDefined(); // received once, left in flight by the "crash"
    await send('Main', 'deleted');
    const toDelete = (await first.receive('Main')).find((m) => m.Body === 'deleted');
    await first.client.send(new DeleteMessageCommand({ QueueUrl: first.url('Main'), ReceiptHandle: toDelete!.ReceiptHandle! }));
    await send('Main', 'queued'); // never received
    // A message that fails its only receive goes to the DLQ (visibility 0: at once).
    await send('Redrive', 'dead-lettered');
    expect((await first.receive('Redrive', 0)).map((m) => m.Body)).toEqual(['dead-lettered']);
    await waitFor(async () => readFileSync(file, 'utf8').includes('"queue":"journal-dlq"'), 5_000);
    await first.stop();
    appendFileSync(file, '{"op":"put","queue":"journal-ma'); // a line cut short by a kill

    const second = await start();
    expect(second.restored).toBe(3);
    const main = await second.receive('Main');
    expect(main.map((m) => [m.Body, m.Attributes?.ApproximateReceiveCount]).sort()).toEqual([
      ['never-received', '2'], // its receive count carried over: it still reaches the DLQ after maxReceiveCount
      ['queued', '1'],
    ]);
    expect(main.find((m) => m.Body === 'never-received')!.MessageId).toBe(inFlight!.MessageId);
    expect((await second.receive('Dlq')).map((m) => m.Body)).toEqual(['dead-lettered']);
    expect(await second.receive('Redrive')).toEqual([]);
    await second.stop();
  });

  it('keeps in the journal the messages of a queue this topology no longer has, instead of dropping them at start', async () => {
    appendFileSync(file, `${JSON.stringify({ op: 'put', queue: 'journal-renamed', id: 'kept-1', body: 'accepted before the rename' })}\n`);
    const run = await start();
    await run.stop();
    expect(readFileSync(file, 'utf8')).toContain('"id":"kept-1"');
  });
});
