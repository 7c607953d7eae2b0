import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LocalTopology } from '../cfn/types.js';
import type { LambdaInvoker } from '../lambda/runtime.js';
import { buildApiEvent, newRequestId, replyFromResult, type HttpReply } from './api-event.js';
import type { JwtAuthorizerContext, LocalJwtAuthorizer } from './jwt-authorizer.js';
import { matchRoute } from './route-match.js';
import { StageThrottle } from './throttle.js';
import { closeServer, listen } from '../net.js';

const MAX_BODY_BYTES = 10 * 1024 * 1024; // API Gateway's payload limit

export interface HttpGatewayOptions {
  port?: number;
  host?: string;
  topology: Pick<LocalTopology, 'httpRoutes' | 'accountId'>;
  lambda: LambdaInvoker;
  /** Serve only this API's routes when the template has several. */
  apiLogicalId?: string;
  /**
   * Where a request no route matches goes instead of a 404: the intake thread's gateway serves the webhook route and
   * hands every other request to the main thread's (local/workers/front.ts).
   */
  fallback?: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  /** Local-only pages, tried before the API's routes; resolve true when the request was handled. */
  extraRoutes?: (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;
  /** Checks bearer tokens on routes whose template authorizer is JWT; without it those routes answer 401. */
  jwtAuthorizer?: LocalJwtAuthorizer;
  /**
   * Enforce the stage's throttle (each route's RouteSettings from the template; lib/route-limits.ts). On unless set
   * false: `npm start` throttles as the deployed API does.
   */
  throttle?: boolean;
  /** Function failures; the client only ever sees a generic 500. */
  onError?: (err: unknown, routeKey: string) => void;
}

export interface HttpGateway {
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * An API Gateway HTTP API (payload format 2.0) in front of the local functions.
 *
 * Routes with a JWT authorizer are checked as API Gateway checks them, before the function runs: no token or an
 * unknown one gets 401 {"message":"Unauthorized"}; a known one reaches the function with the claims in
 * `requestContext.authorizer.jwt` (jwtAuthorizer: the local operators stand in for Cognito). AWS_IAM routes are not
 * checked: SigV4 means nothing locally, and this stack has none.
 *
 * Throttled as the stage is: a route key past its bucket gets 429 before the authorizer or the function runs. The body
 * is API Gateway's `{"message":"Too Many Requests"}` plus this project's machine-readable `error`; the `retry-after`
 * header (seconds until the bucket has a token again) is the local gateway's own, AWS sends none.
 */
export async function startHttpGateway(opts: HttpGatewayOptions): Promise<HttpGateway> {
  const routes = opts.topology.httpRoutes.filter((r) => !opts.apiLogicalId || r.apiLogicalId === opts.apiLogicalId);
  const throttle = new StageThrottle();

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      opts.onError?.(err, 'gateway');
      if (!res.headersSent) send(res, json(500, { message: 'Internal Server Error' }));
      else res.destroy();
    });
  });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (opts.extraRoutes && (await opts.extraRoutes(req, res))) return;
    const rawPath = (req.url ?? '/').split('?')[0]!;
    const match = matchRoute(routes, req.method ?? 'GET', rawPath);
    if (!match) {
      if (opts.fallback) return opts.fallback(req, res);
      await drain(req);
      return send(res, json(404, { message: 'Not Found' }));
    }
    const verdict = throttle.take(match.route.routeKey, opts.throttle === false ? undefined : match.route.throttle);
    if (!verdict.allowed) {
      await drain(req);
      return send(res, tooManyRequests(verdict.retryAfterSeconds));
    }
    const body = await readBody(req);
    if (!body) return send(res, json(413, { message: 'Request Entity Too Large' }), true);

    let authorizer: JwtAuthorizerContext | undefined;
    if (match.route.authorizationType === 'JWT') {
      const verdict = opts.jwtAuthorizer?.(req.headers.authorization) ?? { denied: 'invalid' as const };
      if ('denied' in verdict) return send(res, unauthorized(verdict.denied));
      authorizer = verdict.context;
    }
    const event = buildApiEvent({ req, body, match, accountId: opts.topology.accountId, apiId: match.route.apiLogicalId, ...(authorizer ? { authorizer } : {}) });
    let reply: HttpReply;
    try {
      const result = await withTimeout(opts.lambda.invoke(match.route.functionLogicalId, event), match.route.timeoutMs);
      reply = result === TIMED_OUT ? json(503, { message: 'Service Unavailable' }) : replyFromResult(result);
    } catch (err) {
      // Function errors, timeouts and malformed responses all look the same to the client.
      opts.onError?.(err, match.route.routeKey);
      reply = json(500, { message: 'Internal Server Error' });
    }
    reply.headers['apigw-requestid'] = event.requestContext.requestId;
    send(res, reply);
  };

  await listen(server, opts.port, opts.host);
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    close: () => closeServer(server),
  };
}

function json(statusCode: number, body: unknown): HttpReply {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', 'apigw-requestid': newRequestId() },
    cookies: [],
    body: Buffer.from(JSON.stringify(body)),
  };
}

/** API Gateway's answer when a JWT authorizer refuses: the function is never invoked. */
function unauthorized(reason: 'missing' | 'invalid'): HttpReply {
  const reply = json(401, { message: 'Unauthorized' });
  reply.headers['www-authenticate'] = reason === 'missing' ? 'Bearer' : 'Bearer scope="" error="invalid_token" error_description="the token is not a known operator\'s"';
  return reply;
}

function tooManyRequests(retryAfterSeconds: number): HttpReply {
  const reply = json(429, { message: 'Too Many Requests', error: 'too_many_requests', retryAfterSeconds });
  reply.headers['retry-after'] = String(retryAfterSeconds);
  return reply;
}

function send(res: ServerResponse, reply: HttpReply, closeConnection = false): void {
  res.statusCode = reply.statusCode;
  for (const [name, value] of Object.entries(reply.headers)) res.setHeader(name, value);
  if (reply.cookies.length) res.setHeader('set-cookie', reply.cookies);
  res.setHeader('content-length', reply.body.length);
  if (closeConnection) res.setHeader('connection', 'close');
  res.end(reply.body);
}

/** The request body, or undefined when it exceeds the limit (the rest is discarded, not buffered). */
async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES) {
    req.resume();
    return undefined;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) tooLarge = true;
    if (!tooLarge) chunks.push(chunk);
  }
  return tooLarge ? undefined : Buffer.concat(chunks);
}

async function drain(req: IncomingMessage): Promise<void> {
  for await (const _ of req) {
    // discard
  }
}

const TIMED_OUT = Symbol('integration timeout');

/** HTTP APIs give up on an integration after its timeout (30 s at most) and answer 503. */
async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), ms);
  });
  promise.catch(() => undefined); // a failure after the gateway gave up is not an unhandled rejection
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
