import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import { startDynamoDb } from '../../../local/emulators/dynamodb.js';
import { startSqs } from '../../../local/emulators/sqs.js';
import { serveEmulatorPort } from './in-process-http.js';

/**
 * The bench's storage thread (started through local/workers/bootstrap.mjs): dynalite on disk and local-aws-sqs as the
 * runtime's storage thread runs them, over HTTP, and also answering requests on the MessagePorts the bench sends it.
 */
export type ToEmulatorThread = { port: MessagePort } | { stop: true };
export interface EmulatorThreadReady {
  dynamodb: string;
  sqs: string;
}

const { dir, region, accountId } = (workerData as { data: { dir: string; region: string; accountId: string } }).data;
const dynamo = await startDynamoDb({ dataDir: dir });
const sqs = await startSqs({ region, accountId });
const listeners = { dynamodb: dynamo.listener, sqs: sqs.listener };
const served = new Set<ReturnType<typeof serveEmulatorPort>>();
parentPort!.on('message', async (message: ToEmulatorThread) => {
  if ('port' in message) {
    const serving = serveEmulatorPort(message.port, listeners);
    served.add(serving);
    message.port.on('close', () => served.delete(serving));
    return;
  }
  await Promise.all([...served].map((serving) => serving.drain()));
  await sqs.close();
  await dynamo.close();
  parentPort!.postMessage('stopped');
  parentPort!.close();
});
parentPort!.postMessage({ dynamodb: dynamo.endpoint, sqs: sqs.endpoint } satisfies EmulatorThreadReady);
