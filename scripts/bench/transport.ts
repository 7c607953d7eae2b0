/**
 * CPU per AWS SDK call between a caller and the local emulators, by how the call travels (docs/performance.md,
 * "In-process transport to the emulators"):
 *   http  — over HTTP on loopback to the storage thread, as the runtime's functions call the emulators;
 *   local — the emulator's request listener called in the caller's own thread with no socket (no thread hop);
 *   port  — through a MessagePort to the storage thread, which calls the listener (transport/port-handler.ts);
 *   sdk   — the SDK's own work alone: a request handler that answers at once with a fixed response.
 * One process; CPU is process.cpuUsage() (every thread). Modes alternate round by round so load falls on all alike.
 *   npx tsx scripts/bench/transport.ts [--rounds 6] [--calls 2000] [--concurrency 8] [--mix all|dynamodb|sqs]
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { MessageChannel, Worker } from 'node:worker_threads';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { CreateQueueCommand, DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { Readable } from 'node:stream';
import { once } from 'node:events';
import { startDynamoDb } from '../../local/emulators/dynamodb.js';
import { startSqs } from '../../local/emulators/sqs.js';
import type { EmulatorThreadReady, ToEmulatorThread } from './transport/emulator-thread.js';
import type { RequestListener } from 'node:http';
import { answerInProcess } from './transport/in-process-http.js';
import { installEmulatorTransport, lowerCased } from './transport/port-handler.js';

const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '6' },
    calls: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '8' },
    mix: { type: 'string', default: 'all' },
    /** Which modes to run (comma-separated), to see one without the others' garbage in the same heap. */
    modes: { type: 'string', default: 'http,port,local,sdk' },
  },
});
/** all: 5 DynamoDB and 3 SQS calls a unit; dynamodb or sqs: that service's calls alone. */
const mix = args.mix as 'all' | 'dynamodb' | 'sqs';
const rounds = Number(args.rounds);
const callsPerRound = Number(args.calls);
const concurrency = Number(args.concurrency);
const config = { region: 'eu-west-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
const TABLE = 'bench';
const dir = mkdtempSync(join(tmpdir(), 'transport-bench-'));

type Handler = { handle(request: { hostname: string; method: string; path: string; headers: Record<string, string>; body?: string | Uint8Array }): Promise<{ response: unknown }> };
const direct = (listener: RequestListener): Handler => ({
  async handle(request) {
    const wire = await answerInProcess(listener, { method: request.method, path: request.path, headers: lowerCased(request.headers), body: bytes(request.body) });
    const body = new Readable({ read() {} });
    body.push(Buffer.from(wire.body));
    body.push(null);
    return { response: { statusCode: wire.statusCode, reason: wire.statusMessage, headers: wire.headers, body } };
  },
});
/** Fixed answers, shaped as each call's real one, so the SDK parses as much as it would. */
const canned = (answer: (target: string, body: string) => string): Handler => ({
  async handle(request) {
    const text = answer(request.headers['x-amz-target'] ?? '', bytes(request.body).toString());
    return {
      response: {
        statusCode: 200,
        headers: { 'content-type': 'application/x-amz-json-1.0', 'content-length': String(Buffer.byteLength(text)) },
        body: Readable.from([Buffer.from(text)]),
      },
    };
  },
});
/** The SDK's JSON body is a Uint8Array that warns when read as a string: read its bytes. */
const bytes = (body: string | Uint8Array | undefined) => (body instanceof Uint8Array ? Buffer.from(body.buffer, body.byteOffset, body.byteLength) : Buffer.from(body ?? ''));

const storageThread = new Worker(new URL('../../local/workers/bootstrap.mjs', import.meta.url), {
  workerData: { entry: new URL('./transport/emulator-thread.ts', import.meta.url).href, data: { dir: join(dir, 'storage'), region: config.region, accountId: '000000000000' } },
});
const [endpoints] = (await once(storageThread, 'message')) as [EmulatorThreadReady];
/** A new channel to the storage thread, its other end served there. */
const connect = () => {
  const channel = new MessageChannel();
  storageThread.postMessage({ port: channel.port1 } satisfies ToEmulatorThread, [channel.port1]);
  return channel.port2;
};
const localDynamo = await startDynamoDb({ dataDir: join(dir, 'local') });
const localSqs = await startSqs({ region: config.region, accountId: '000000000000' });

interface Clients {
  doc: DynamoDBDocumentClient;
  sqs: SQSClient;
  queueUrl: string;
}
async function clients(dynamoEndpoint: string, sqsEndpoint: string, handlers: { dynamo?: Handler; sqs?: Handler } = {}): Promise<Clients> {
  const dynamo = new DynamoDBClient({ ...config, endpoint: dynamoEndpoint, ...(handlers.dynamo ? { requestHandler: handlers.dynamo as never } : {}) });
  const sqs = new SQSClient({ ...config, endpoint: sqsEndpoint, ...(handlers.sqs ? { requestHandler: handlers.sqs as never } : {}) });
  await dynamo
    .send(
      new CreateTableCommand({
        TableName: TABLE,
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    )
    .catch(() => undefined);
  const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'bench' }))).QueueUrl!;
  return { doc: DynamoDBDocumentClient.from(dynamo), sqs, queueUrl };
}

// Over HTTP, then through the port (the same storage thread, the same clients' settings).
const http = await clients(endpoints.dynamodb, endpoints.sqs);
const local = await clients(localDynamo.endpoint, localSqs.endpoint, { dynamo: direct(localDynamo.listener), sqs: direct(localSqs.listener) });
const sdkOnly = await clients('http://127.0.0.1:9', 'http://127.0.0.1:9', {
  dynamo: canned((target) =>
    target.endsWith('GetItem')
      ? '{"Item":{"pk":{"S":"p"},"sk":{"S":"s"},"n":{"N":"3"},"status":{"S":"open"},"text":{"S":"x"}}}'
      : target.endsWith('Query')
        ? '{"Count":1,"ScannedCount":1,"Items":[{"pk":{"S":"p"},"sk":{"S":"s"},"n":{"N":"3"},"status":{"S":"open"},"text":{"S":"x"}}]}'
        : target.endsWith('UpdateItem')
          ? '{"Attributes":{"n":{"N":"3"}}}'
          : '{}',
  ),
  sqs: canned((target, body) =>
    target.endsWith('SendMessage')
      ? JSON.stringify({ MessageId: '6f0e5bd3-61e0-4b0e-9e1a-7a3a5b8d6d0a', MD5OfMessageBody: createHash('md5').update(JSON.parse(body).MessageBody).digest('hex') })
      : target.endsWith('ReceiveMessage')
        ? '{"Messages":[{"MessageId":"m","ReceiptHandle":"r","MD5OfBody":"99914b932bd37a50b983c5e7c90ae93b","Body":"{}"}]}'
        : target.endsWith('CreateQueue')
          ? '{"QueueUrl":"http://127.0.0.1:9/000000000000/bench"}' // a queue URL, so the later calls carry one as in the other modes
          : '{}',
  ),
}).catch(() => undefined);
const transport = installEmulatorTransport(connect(), { ...endpoints }, console.log);
if (!transport) throw new Error('transport not installed');
const portClients = await clients(endpoints.dynamodb, endpoints.sqs);

let sequence = 0;
/** One unit of work: 8 calls, as a case's (conditional put, two updates, a consistent read, a query, send/receive/delete). */
async function unit(c: Clients): Promise<number> {
  const pk = `CASE#${++sequence}`;
  const text = 'x'.repeat(300);
  if (mix !== 'sqs') await dynamoUnit(c, pk, text);
  if (mix === 'dynamodb') return 5;
  await c.sqs.send(new SendMessageCommand({ QueueUrl: c.queueUrl, MessageBody: JSON.stringify({ pk, text }) }));
  const received = await c.sqs.send(new ReceiveMessageCommand({ QueueUrl: c.queueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 0 }));
  const handle = received.Messages?.[0]?.ReceiptHandle;
  if (handle) await c.sqs.send(new DeleteMessageCommand({ QueueUrl: c.queueUrl, ReceiptHandle: handle }));
  return (mix === 'sqs' ? 2 : 7) + (handle ? 1 : 0);
}

async function dynamoUnit(c: Clients, pk: string, text: string): Promise<void> {
  await c.doc.send(new PutCommand({ TableName: TABLE, Item: { pk, sk: 'CASE', n: 1, status: 'open', text }, ConditionExpression: 'attribute_not_exists(pk)' }));
  await c.doc.send(
    new UpdateCommand({
      TableName: TABLE,
      Key: { pk, sk: 'CASE' },
      UpdateExpression: 'SET #s = :s ADD n :one',
      ConditionExpression: 'attribute_exists(pk) AND #s = :open',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':s': 'classified', ':one': 1, ':open': 'open' },
      ReturnValues: 'UPDATED_NEW',
    }),
  );
  await c.doc.send(
    new UpdateCommand({
      TableName: TABLE,
      Key: { pk, sk: 'CASE' },
      UpdateExpression: 'SET #s = :s ADD n :one',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':s': 'open', ':one': 1 },
    }),
  );
  await c.doc.send(new GetCommand({ TableName: TABLE, Key: { pk, sk: 'CASE' }, ConsistentRead: true }));
  await c.doc.send(new QueryCommand({ TableName: TABLE, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk } }));
}

async function run(c: Clients): Promise<{ calls: number; cpuMs: number; wallMs: number }> {
  let calls = 0;
  const start = process.cpuUsage();
  const wallStart = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (calls < callsPerRound) {
        const made = await unit(c); // not `calls += await unit(c)`: that reads `calls` before the await and loses the other callers' counts
        calls += made;
      }
    }),
  );
  const cpu = process.cpuUsage(start);
  return { calls, cpuMs: (cpu.user + cpu.system) / 1000, wallMs: performance.now() - wallStart };
}

const modes: Array<[string, Clients | undefined, boolean]> = [
  ['http', http, false],
  ['port', portClients, true],
  ['local', local, false],
  ['sdk', sdkOnly, false],
];
// Nothing may burn CPU between calls (a poller, a timer): it would be counted to whichever mode runs.
{
  const idle = process.cpuUsage();
  await new Promise((r) => setTimeout(r, 2000));
  const c = process.cpuUsage(idle);
  console.log(`idle: ${((c.user + c.system) / 2000 / 1000).toFixed(3)} of a core`);
}
const totals = new Map<string, { calls: number; cpuMs: number; wallMs: number }>();
let installed: typeof transport | undefined = transport;
for (let round = 0; round <= rounds; round++) {
  for (const [name, c, viaPort] of modes) {
    if (!c || !args.modes.split(',').includes(name)) continue;
    // The patch is process-wide and would carry http's calls too (same endpoints): off for them, on again (a fresh
    // channel) for the port's. The other modes use handlers of their own, which the patch does not touch.
    if (name === 'http' && installed) {
      installed.uninstall();
      installed = undefined;
    }
    if (viaPort && !installed) installed = installEmulatorTransport(connect(), { ...endpoints });
    const sentBefore = viaPort ? installed!.sent : 0;
    const result = await run(c);
    // Every call of the port's round went through the port, none fell back to HTTP.
    if (viaPort && installed!.sent - sentBefore !== result.calls) throw new Error(`port: ${installed!.sent - sentBefore} of ${result.calls} calls through the port`);
    if (round === 0) continue; // warm-up
    const total = totals.get(name) ?? { calls: 0, cpuMs: 0, wallMs: 0 };
    totals.set(name, { calls: total.calls + result.calls, cpuMs: total.cpuMs + result.cpuMs, wallMs: total.wallMs + result.wallMs });
    console.log(`round ${round} ${name.padEnd(5)} ${(result.cpuMs / result.calls).toFixed(3)} ms CPU/call, ${((result.calls / result.wallMs) * 1000).toFixed(0)} calls/s`);
  }
}
console.log('\nmode   calls   ms CPU per call   calls/s');
for (const [name, t] of totals)
  console.log(`${name.padEnd(6)} ${String(t.calls).padStart(6)}   ${(t.cpuMs / t.calls).toFixed(3).padStart(15)}   ${((t.calls / t.wallMs) * 1000).toFixed(0).padStart(7)}`);
installed?.uninstall();
storageThread.postMessage({ stop: true } satisfies ToEmulatorThread);
await once(storageThread, 'message');
await storageThread.terminate();
await localDynamo.close();
await localSqs.close();
rmSync(dir, { recursive: true, force: true });
