import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { JwtAuthorizerContext } from './jwt-authorizer.js';
import type { RouteMatch } from './route-match.js';

// Bodies of these types reach the function as text; anything else arrives base64-encoded.
const TEXT_TYPES = [/^text\//, /json/, /xml/, /javascript/, /x-www-form-urlencoded/, /graphql/, /yaml/];

export interface EventInput {
  req: IncomingMessage;
  body: Buffer;
  match: RouteMatch;
  accountId: string;
  apiId: string;
  /** What the route's authorizer verified (JWT routes), as `requestContext.authorizer`. */
  authorizer?: JwtAuthorizerContext;
}

/** The payload format 2.0 event API Gateway HTTP APIs send to a Lambda proxy integration. */
export function buildApiEvent({ req, body, match, accountId, apiId, authorizer }: EventInput): APIGatewayProxyEventV2 {
  const url = req.url ?? '/';
  const queryAt = url.indexOf('?');
  const rawPath = queryAt < 0 ? url : url.slice(0, queryAt);
  const rawQueryString = queryAt < 0 ? '' : url.slice(queryAt + 1);
  const now = new Date();
  const sourceIp = (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');

  // Duplicate headers are comma-joined; cookies move to their own field.
  const headers: Record<string, string> = {};
  let cookies: string[] = [];
  for (const [name, values] of Object.entries(req.headersDistinct)) {
    if (!values) continue;
    if (name === 'cookie') cookies = values.flatMap((v) => v.split(/;\s*/)).filter(Boolean);
    else headers[name] = values.join(',');
  }
  const host = headers.host ?? '127.0.0.1';
  headers['x-forwarded-for'] ??= sourceIp;
  headers['x-forwarded-proto'] ??= 'http';
  headers['x-forwarded-port'] ??= String(req.socket.localPort ?? '');

  const query: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(rawQueryString)) {
    query[key] = key in query ? `${query[key]},${value}` : value;
  }

  const text = isText(headers['content-type']);
  const event: APIGatewayProxyEventV2 = {
    version: '2.0',
    routeKey: match.route.routeKey,
    rawPath,
    rawQueryString,
    ...(cookies.length ? { cookies } : {}),
    headers,
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId,
      apiId,
      domainName: host,
      domainPrefix: host.split('.')[0] ?? host,
      http: {
        method: (req.method ?? 'GET').toUpperCase(),
        path: rawPath,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: newRequestId(),
      routeKey: match.route.routeKey,
      stage: '$default',
      time: clfTime(now),
      timeEpoch: now.getTime(),
      ...(authorizer ? { authorizer } : {}),
    },
    ...(Object.keys(match.pathParameters).length ? { pathParameters: match.pathParameters } : {}),
    ...(body.length ? { body: text ? body.toString('utf8') : body.toString('base64') } : {}),
    isBase64Encoded: body.length > 0 && !text,
  };
  return event;
}

export interface HttpReply {
  statusCode: number;
  headers: Record<string, string>;
  cookies: string[];
  body: Buffer;
}

/**
 * How API Gateway (payload 2.0) turns a function result into a response: a structured result is
 * used as is; anything else is a 200 application/json whose body is the result (strings verbatim).
 */
export function replyFromResult(result: unknown): HttpReply {
  if (result && typeof result === 'object' && 'statusCode' in result) {
    const structured = result as APIGatewayProxyStructuredResultV2;
    const statusCode = Number(structured.statusCode);
    if (!Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) throw new Error('Malformed Lambda proxy response');
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(structured.headers ?? {})) headers[name.toLowerCase()] = String(value);
    headers['content-type'] ??= 'application/json';
    const raw = structured.body;
    const bodyText = raw === undefined ? '' : typeof raw === 'string' ? raw : JSON.stringify(raw);
    return {
      statusCode,
      headers,
      cookies: structured.cookies ?? [],
      body: structured.isBase64Encoded ? Buffer.from(bodyText, 'base64') : Buffer.from(bodyText, 'utf8'),
    };
  }
  const body = typeof result === 'string' ? result : JSON.stringify(result);
  return { statusCode: 200, headers: { 'content-type': 'application/json' }, cookies: [], body: Buffer.from(body, 'utf8') };
}

export function isText(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  return TEXT_TYPES.some((pattern) => pattern.test(type));
}

/** API Gateway request ids look like "JkCqhgYsFiAEJhQ=". */
export function newRequestId(): string {
  return randomBytes(10).toString('base64');
}

/** requestContext.time uses the Common Log Format: 12/Mar/2020:19:03:58 +0000. */
function clfTime(date: Date): string {
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(date.getUTCDate())}/${months[date.getUTCMonth()]}/${date.getUTCFullYear()}:${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
}
