import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import type { MessagePort } from 'node:worker_threads';
import type { HttpHandlerOptions, HttpRequest, HttpResponse } from '@smithy/types';
import type { PortReply, PortRequest } from './in-process-http.js';

/**
 * The versions this transport was tested with (scripts/bench/transport.ts): it replaces the HTTP handler's
 * `handle` and calls the emulators' request listeners with a stand-in for Node's request and response, so another
 * version of any of them falls back to HTTP rather than risk answering differently.
 */
const TESTED_VERSIONS: Record<string, string[]> = {
  '@smithy/node-http-handler': ['4.14.2'],
  dynalite: ['4.0.0'],
  'local-aws-sqs': ['2.0.2'],
};

/** Where the emulators listen (`http://127.0.0.1:<port>`), by the name the storage thread serves them under. */
export type EmulatorEndpoints = Record<string, string>;

type NodeHttpHandlerConfig = { requestTimeout?: number; throwOnRequestTimeout?: boolean; logger?: { warn?: (message: string) => void } };
interface NodeHttpHandlerLike {
  config?: NodeHttpHandlerConfig;
  configProvider: Promise<NodeHttpHandlerConfig>;
  handle(request: HttpRequest, options?: HttpHandlerOptions): Promise<{ response: HttpResponse }>;
}

export interface EmulatorTransport {
  /** Requests sent through the port so far (evidence that a call did not go over HTTP). */
  readonly sent: number;
  /** Puts the HTTP handler back as it was. */
  uninstall(): void;
}

/**
 * Sends this thread's AWS SDK requests for the local emulators (and only those: matched by host and port) through
 * `port` to the emulators' thread (emulator-thread.ts), which answers them with the emulators' own request
 * listeners: no socket, no HTTP client or server. Every other request, and every request once the port has closed,
 * goes over HTTP as before. The SDK still builds, signs and parses each request; the status, headers and body bytes
 * it reads back are those the emulator wrote.
 *
 * It is installed by replacing `handle` on @smithy/node-http-handler's NodeHttpHandler (the SDK's default request
 * handler in Node), because in the runtime the clients would be made by the functions' own wiring, which must not
 * know it runs locally. A measuring harness: the runtime does not use it (docs/performance.md, "In-process transport
 * to the emulators"). Returns undefined, after one log line, when a package is not at a version it was tested with.
 */
export function installEmulatorTransport(port: MessagePort, endpoints: EmulatorEndpoints, log: (line: string) => void = () => {}): EmulatorTransport | undefined {
  const require = createRequire(import.meta.url);
  const untested = Object.entries(TESTED_VERSIONS)
    .map(([name, versions]) => [name, (require(`${name}/package.json`) as { version: string }).version, versions] as const)
    .filter(([, version, versions]) => !versions.includes(version));
  if (untested.length > 0) {
    log(`emulator calls stay on HTTP: not tested with ${untested.map(([name, version]) => `${name} ${version}`).join(', ')}`);
    port.close();
    return undefined;
  }
  const { NodeHttpHandler } = require('@smithy/node-http-handler') as { NodeHttpHandler: { prototype: NodeHttpHandlerLike } };
  const targets = new Map(Object.entries(endpoints).map(([target, endpoint]) => [new URL(endpoint).host, target]));
  const pending = new Map<number, (reply: PortReply) => void>();
  let nextId = 0;
  let open = true;
  let sent = 0;
  port.on('message', (reply: PortReply) => {
    const answer = pending.get(reply.id);
    pending.delete(reply.id);
    answer?.(reply);
  });
  // The storage thread is gone: what was under way fails as a reset connection would, the rest goes over HTTP.
  port.on('close', () => {
    open = false;
    for (const answer of pending.values()) answer({ id: -1, error: 'socket hang up' });
    pending.clear();
  });
  port.unref(); // a thread with nothing else to do may end; the port does not hold it

  const overHttp = NodeHttpHandler.prototype.handle;
  async function handle(this: NodeHttpHandlerLike, request: HttpRequest, options: HttpHandlerOptions & { requestTimeout?: number } = {}) {
    const target = open && carried(request) ? targets.get(`${request.hostname}:${request.port}`) : undefined;
    if (target === undefined) return overHttp.call(this, request, options);
    this.config ??= await this.configProvider;
    const config = this.config;
    return new Promise<{ response: HttpResponse }>((resolve, reject) => {
      const { abortSignal } = options;
      if (abortSignal?.aborted) return reject(abortError(abortSignal));
      const id = ++nextId;
      let timer: NodeJS.Timeout | undefined;
      const onAbort = () => settle({ id, error: '' }, abortError(abortSignal));
      const settle = (reply: PortReply, failure?: Error) => {
        pending.delete(id);
        clearTimeout(timer);
        (abortSignal as AbortSignal | undefined)?.removeEventListener?.('abort', onAbort);
        if (failure) reject(failure);
        else if ('error' in reply) reject(Object.assign(new Error(reply.error), { code: 'ECONNRESET', name: 'TimeoutError' }));
        else resolve({ response: toHttpResponse(reply.response) });
      };
      pending.set(id, settle);
      (abortSignal as AbortSignal | undefined)?.addEventListener?.('abort', onAbort, { once: true });
      // As NodeHttpHandler: past requestTimeout, an error if throwOnRequestTimeout is set, else only a warning.
      const timeoutMs = options.requestTimeout ?? config.requestTimeout;
      if (timeoutMs) {
        timer = setTimeout(() => {
          const message = `@smithy/node-http-handler - [${config.throwOnRequestTimeout ? 'ERROR' : 'WARN'}] a request has exceeded the configured ${timeoutMs} ms requestTimeout.`;
          if (config.throwOnRequestTimeout) settle({ id, error: '' }, Object.assign(new Error(message), { name: 'TimeoutError', code: 'ETIMEDOUT' }));
          else (config.logger ?? console).warn?.(`${message} Init client requestHandler with throwOnRequestTimeout=true to turn this into an error.`);
        }, timeoutMs);
      }
      sent += 1;
      const body = portable(request.body);
      port.postMessage(
        { id, target, method: request.method, path: request.path, headers: lowerCased(request.headers), body } satisfies PortRequest,
        body instanceof Uint8Array ? [body.buffer as ArrayBuffer] : [],
      );
    });
  }
  NodeHttpHandler.prototype.handle = handle;
  return {
    get sent() {
      return sent;
    },
    uninstall() {
      if (NodeHttpHandler.prototype.handle === handle) NodeHttpHandler.prototype.handle = overHttp;
      port.close();
    },
  };
}

/** What this transport carries: plain HTTP, no query string, no fragment, bytes or a string or no body (the AWS JSON protocols). */
function carried(request: HttpRequest): boolean {
  const body: unknown = request.body;
  return (
    request.protocol === 'http:' &&
    Object.keys(request.query ?? {}).length === 0 &&
    !request.fragment &&
    (body === undefined || body === null || typeof body === 'string' || body instanceof Uint8Array)
  );
}

/**
 * The body as it crosses the port. The SDK's JSON serializer writes into a slice of Node's shared buffer pool; posting
 * that view would copy the whole pool, so the body's own bytes are copied into a buffer of their own (and moved).
 */
function portable(body: unknown): string | Uint8Array | undefined {
  if (body instanceof Uint8Array) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength).slice();
  return (body as string | null | undefined) ?? undefined;
}

export function lowerCased(headers: Record<string, string>): Record<string, string> {
  const lower: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) lower[name.toLowerCase()] = value;
  return lower;
}

/** A response as NodeHttpHandler gives it: the body a stream the SDK reads to its end. */
function toHttpResponse(wire: { statusCode: number; statusMessage: string; headers: Record<string, string>; body: Uint8Array }): HttpResponse {
  const body = new Readable({ read() {} });
  if (wire.body.byteLength > 0) body.push(Buffer.from(wire.body.buffer, wire.body.byteOffset, wire.body.byteLength));
  body.push(null);
  return { statusCode: wire.statusCode, reason: wire.statusMessage, headers: wire.headers, body };
}

/** NodeHttpHandler's abort error: name AbortError, the signal's reason as cause or message. */
function abortError(signal: HttpHandlerOptions['abortSignal']): Error {
  const reason = (signal as { reason?: unknown } | undefined)?.reason;
  if (reason instanceof Error) return Object.assign(new Error('Request aborted'), { name: 'AbortError', cause: reason });
  return Object.assign(new Error(reason ? String(reason) : 'Request aborted'), { name: 'AbortError' });
}
