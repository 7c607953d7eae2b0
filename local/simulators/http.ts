// Small node:http toolkit shared by the local simulators and fakes: JSON in/out, uniform
// error bodies, and a start/close lifecycle that tests can await.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { closeServer, listen } from '../net.js';

export interface ListenOptions {
  /** 0 (the default) picks an ephemeral port, which keeps parallel tests from colliding. */
  port?: number;
  host?: string;
}

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

/** Thrown by handlers to produce `{ error, message }` with the given status instead of a 500. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}

const MAX_BODY_BYTES = 1024 * 1024;

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, 'payload_too_large', `Body exceeds ${MAX_BODY_BYTES} bytes`);
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function readJson(req: IncomingMessage): Promise<unknown> {
  const text = await readBody(req);
  if (text.trim() === '') throw new HttpError(400, 'invalid_json', 'Request body must be a JSON document');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HttpError(400, 'invalid_json', 'Request body is not valid JSON');
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}, contentType = 'application/json; charset=utf-8'): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(payload), ...headers });
  res.end(payload);
}

export function sendError(res: ServerResponse, err: HttpError): void {
  sendJson(res, err.status, { error: err.code, message: err.message, ...err.details }, err.headers);
}

export type Handler = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> | void;

/**
 * Wraps a handler so that HttpErrors become JSON error bodies and anything unexpected becomes a
 * bare 500: the simulators must never leak a stack trace to the code under test.
 */
export function startServer(handler: Handler, options: ListenOptions = {}): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    Promise.resolve()
      .then(() => handler(req, res, url))
      .catch((err: unknown) => {
        if (res.headersSent) return void res.end();
        if (err instanceof HttpError) return sendError(res, err);
        sendJson(res, 500, { error: 'internal_error', message: 'Unexpected simulator error' });
      });
  });
  // Keep-alive sockets would otherwise hold close() open until clients time out.
  server.keepAliveTimeout = 1000;
  return listen(server, options.port, host).then((port) => ({
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    close: () => closeServer(server),
  }));
}

export function notFound(method: string | undefined, path: string): HttpError {
  return new HttpError(404, 'route_not_found', `No route for ${method ?? 'GET'} ${path}`);
}

/** Accepts `Bearer <secret>` only; the simulators use a single shared secret. */
export function hasBearer(req: IncomingMessage, secret: string): boolean {
  return req.headers.authorization === `Bearer ${secret}`;
}

export function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpError(400, 'invalid_path', 'Path segment is not valid percent-encoding');
  }
}
