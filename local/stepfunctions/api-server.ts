import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { StepFunctionsError } from './errors.js';
import type { LocalStepFunctionsService } from './service.js';
import { closeServer, listen } from '../net.js';

export interface SfnApiServer {
  /** e.g. http://127.0.0.1:4321, for `new SFNClient({ endpoint })`. */
  endpoint: string;
  close(): Promise<void>;
}

type Operation = (service: LocalStepFunctionsService, body: never) => unknown;

// The request bodies are the SDK's input shapes; the service validates what it relies on.
const OPERATIONS: Record<string, Operation> = {
  StartExecution: (s, b) => s.startExecution(b),
  DescribeExecution: (s, b) => s.describeExecution(b),
  ListExecutions: (s, b) => s.listExecutions(b),
  StopExecution: (s, b) => s.stopExecution(b),
  GetExecutionHistory: (s, b) => s.getExecutionHistory(b),
  SendTaskSuccess: (s, b) => s.sendTaskSuccess(b),
  SendTaskFailure: (s, b) => s.sendTaskFailure(b),
  SendTaskHeartbeat: (s, b) => s.sendTaskHeartbeat(b),
  DescribeStateMachine: (s, b) => s.describeStateMachine(b),
  ListStateMachines: (s, b) => s.listStateMachines(b),
};

/** AWS JSON 1.0 sends timestamps as epoch seconds. */
function toWire(value: unknown): unknown {
  if (value instanceof Date) return value.getTime() / 1000;
  if (Array.isArray(value)) return value.map(toWire);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, toWire(v)]),
    );
  }
  return value;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/x-amz-json-1.0', 'x-amzn-RequestId': randomUUID() });
  res.end(JSON.stringify(toWire(body)));
}

async function handle(service: LocalStepFunctionsService, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const target = String(req.headers['x-amz-target'] ?? '');
  const operationName = target.startsWith('AWSStepFunctions.') ? target.slice('AWSStepFunctions.'.length) : '';
  const operation = req.method === 'POST' ? OPERATIONS[operationName] : undefined;
  if (!operation) return send(res, 400, { __type: 'UnknownOperationException', message: `Unknown operation: ${target || req.method}` });
  let body: unknown;
  try {
    const text = await readBody(req);
    body = text ? JSON.parse(text) : {};
  } catch {
    return send(res, 400, { __type: 'SerializationException', message: 'Request body is not valid JSON' });
  }
  try {
    send(res, 200, await operation(service, body as never));
  } catch (error) {
    if (error instanceof StepFunctionsError) return send(res, 400, { __type: error.name, message: error.message });
    console.error(`local Step Functions ${operationName} failed`, error);
    send(res, 500, { __type: 'InternalFailure', message: error instanceof Error ? error.message : String(error) });
  }
}

/** Serves the Step Functions wire protocol (AWS JSON 1.0, X-Amz-Target: AWSStepFunctions.<Operation>) for the SDK. */
export async function startSfnApiServer(service: LocalStepFunctionsService, options: { port?: number; host?: string } = {}): Promise<SfnApiServer> {
  const host = options.host ?? '127.0.0.1';
  const server = createServer((req, res) => {
    handle(service, req, res).catch((error: unknown) => {
      console.error('local Step Functions request failed', error);
      res.destroy();
    });
  });
  const port = await listen(server, options.port, host);
  return {
    endpoint: `http://${host}:${port}`,
    close: () => closeServer(server),
  };
}
