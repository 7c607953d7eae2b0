import { EventEmitter } from 'node:events';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { MessagePort } from 'node:worker_threads';

/** An HTTP request as it crosses a MessagePort: the bytes a client would send, without the socket. */
export interface WireRequest {
  method: string;
  /** Path with its query string, as a request line carries it. */
  path: string;
  /** Lower-case names, as Node's server gives them to a listener. */
  headers: Record<string, string>;
  body: string | Uint8Array | undefined;
}

/** An HTTP response as it crosses back: what a client would read off the socket. */
export interface WireResponse {
  statusCode: number;
  statusMessage: string;
  headers: Record<string, string>;
  body: Uint8Array;
}

/**
 * Answers `request` with an emulator's own HTTP request listener (dynalite's, local-aws-sqs's), with no socket and no
 * HTTP parsing: the listener gets a request that emits the body as `data` then `end`, and a response that collects
 * what it writes. Only the parts of Node's request and response these listeners use are there (headers, method, url,
 * data/end events; statusCode, setHeader, end). The response gets the headers Node's server would add
 * (Date, Connection, Keep-Alive, Content-Length when the listener sets none and does not stream), so a client reads
 * the same status, headers and bytes as over HTTP.
 */
export function answerInProcess(listener: RequestListener, request: WireRequest): Promise<WireResponse> {
  return new Promise((resolve, reject) => {
    const req = Object.assign(new EventEmitter(), {
      method: request.method,
      url: request.path,
      headers: { connection: 'keep-alive', ...request.headers },
      httpVersion: '1.1',
    });
    const res = new CollectedResponse(resolve);
    try {
      listener(req as unknown as IncomingMessage, res as unknown as ServerResponse);
    } catch (error) {
      reject(error);
      return;
    }
    // Emitted after the listener has subscribed, as a socket's data arrives after the request event.
    process.nextTick(() => {
      const body = request.body;
      if (body !== undefined && body.length > 0) req.emit('data', typeof body === 'string' ? Buffer.from(body) : Buffer.from(body.buffer, body.byteOffset, body.byteLength));
      req.emit('end');
    });
  });
}

/** The part of ServerResponse the emulators use, collecting the answer instead of writing it to a socket. */
class CollectedResponse {
  statusCode = 200;
  private ended = false;
  private readonly headers = new Map<string, string>();
  private readonly chunks: Buffer[] = [];

  constructor(private readonly done: (response: WireResponse) => void) {}

  setHeader(name: string, value: string | number | readonly string[]): this {
    this.headers.set(name.toLowerCase(), Array.isArray(value) ? value.join(', ') : String(value));
    return this;
  }

  write(chunk: string | Uint8Array): boolean {
    if (chunk.length > 0) this.chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk));
    return true;
  }

  end(chunk?: string | Uint8Array | (() => void)): this {
    if (this.ended) return this;
    const streamed = this.chunks.length > 0 || this.headers.get('transfer-encoding') === 'chunked';
    if (chunk !== undefined && typeof chunk !== 'function') this.write(chunk);
    // A body of its own (not a slice of Node's shared pool), so it can be moved to another thread rather than copied.
    const body = new Uint8Array(this.chunks.reduce((sum, c) => sum + c.byteLength, 0));
    let at = 0;
    for (const c of this.chunks) {
      body.set(c, at);
      at += c.byteLength;
    }
    // What Node's ServerResponse adds to a kept-alive HTTP/1.1 answer.
    if (!this.headers.has('date')) this.headers.set('date', new Date().toUTCString());
    this.headers.set('connection', 'keep-alive');
    this.headers.set('keep-alive', 'timeout=5');
    if (!streamed && !this.headers.has('content-length')) this.headers.set('content-length', String(body.byteLength));
    this.ended = true;
    this.done({ statusCode: this.statusCode, statusMessage: STATUS_TEXT[this.statusCode] ?? '', headers: Object.fromEntries(this.headers), body });
    return this;
  }
}

const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  413: 'Payload Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** A request on an emulator port: `target` names the emulator (dynamodb, sqs). */
export interface PortRequest extends WireRequest {
  id: number;
  target: string;
}
export type PortReply = { id: number; response: WireResponse } | { id: number; error: string };

/**
 * Serves emulator requests arriving on `port` (port-handler.ts on the calling thread) with the
 * emulators' own listeners. `drain()` stops taking new requests and resolves once those under way are answered, so a
 * database is never closed under a request.
 */
export function serveEmulatorPort(port: MessagePort, listeners: Record<string, RequestListener>): { drain(): Promise<void> } {
  let underWay = 0;
  let draining = false;
  let drained: () => void = () => {};
  const settled = () => {
    underWay -= 1;
    if (draining && underWay === 0) drained();
  };
  port.on('message', (message: PortRequest) => {
    const listener = listeners[message.target];
    if (draining || !listener) {
      port.postMessage({ id: message.id, error: draining ? 'the emulators are stopping' : `no emulator ${message.target}` } satisfies PortReply);
      return;
    }
    underWay += 1;
    answerInProcess(listener, message).then(
      (response) => {
        settled();
        port.postMessage({ id: message.id, response } satisfies PortReply, [response.body.buffer as ArrayBuffer]);
      },
      (error: unknown) => {
        settled();
        port.postMessage({ id: message.id, error: (error as Error).message } satisfies PortReply);
      },
    );
  });
  return {
    drain() {
      draining = true;
      if (underWay === 0) return Promise.resolve();
      return new Promise((resolve) => (drained = resolve));
    },
  };
}
