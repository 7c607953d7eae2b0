import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveTopology, type LocalHttpRoute } from '../../local/cfn/index.js';
import { matchRoute } from '../../local/gateway/route-match.js';
import { startHttpGateway, type HttpGateway } from '../../local/gateway/http-gateway.js';
import { localJwtAuthorizer } from '../../local/gateway/jwt-authorizer.js';
import { LocalLambdaRuntime } from '../../local/lambda/runtime.js';
import { ACCOUNT, REGION, loadFixtureTemplate, repoRoot } from './fixtures/runtime-fixture.js';

const topology = resolveTopology(loadFixtureTemplate(), { region: REGION, accountId: ACCOUNT, sqsEndpoint: 'http://127.0.0.1:1' });
let gateway: HttpGateway;
const failures: string[] = [];
/** Events that reached a function: a request the authorizer refuses must never show up here. */
const invoked: Array<{ functionRef: string; event: APIGatewayProxyEventV2 }> = [];
const OPERATORS = [
  { name: 'wu.viewer', role: 'viewer', token: 'viewer-token-0001' },
  { name: 'jane', role: 'agent', token: 'agent-token-0002' },
  { name: 'ops-token', role: 'supervisor', token: 'supervisor-token-0003' },
] as const;
const AGENT_AUTH = { authorization: `Bearer ${OPERATORS[1].token}` };

beforeAll(async () => {
  const lambda = new LocalLambdaRuntime({ topology, repoRoot });
  gateway = await startHttpGateway({
    topology,
    lambda: {
      invoke: (functionRef, event, opts) => {
        invoked.push({ functionRef, event: event as APIGatewayProxyEventV2 });
        return lambda.invoke(functionRef, event, opts);
      },
    },
    jwtAuthorizer: localJwtAuthorizer(OPERATORS.map((o) => ({ ...o }))),
    host: '127.0.0.1',
    port: 0,
    onError: (err, routeKey) => failures.push(`${routeKey}: ${(err as Error).name}`),
    extraRoutes: async (req, res) => {
      if (req.url !== '/_local/health') return false;
      res.end('ok');
      return true;
    },
  });
});

afterAll(async () => {
  await gateway?.close();
});

async function echo(path: string, init?: RequestInit): Promise<{ status: number; event: APIGatewayProxyEventV2; res: Response }> {
  const res = await fetch(`${gateway.url}${path}`, init);
  const body = (await res.json()) as { event: APIGatewayProxyEventV2 };
  return { status: res.status, event: body.event, res };
}

describe('HTTP gateway', () => {
  it('builds a payload 2.0 event with path parameters, query strings, headers and cookies', async () => {
    const { status, event, res } = await echo('/ops/cases/C%2D42?status=open&status=late&q=a%20b', {
      headers: { 'x-trace': 'abc', authorization: 'Bearer t0ken', cookie: 'a=1; b=2', 'user-agent': 'vitest' },
    });
    expect(status).toBe(200);
    expect(res.headers.get('x-fixture')).toBe('echo');
    expect(res.headers.get('apigw-requestid')).toBeTruthy();
    expect(res.headers.getSetCookie()).toEqual(['session=abc; HttpOnly', 'theme=dark']);
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'GET /ops/cases/{caseId}',
      rawPath: '/ops/cases/C%2D42',
      rawQueryString: 'status=open&status=late&q=a%20b',
      cookies: ['a=1', 'b=2'],
      pathParameters: { caseId: 'C-42' },
      queryStringParameters: { status: 'open,late', q: 'a b' },
      isBase64Encoded: false,
    });
    expect(event.headers).toMatchObject({ 'x-trace': 'abc', authorization: 'Bearer t0ken', 'user-agent': 'vitest', 'x-forwarded-proto': 'http' });
    expect(event.headers.cookie).toBeUndefined();
    expect(event.body).toBeUndefined();
    expect(event.requestContext).toMatchObject({
      accountId: ACCOUNT,
      apiId: 'HttpApiF5A9A8A7',
      routeKey: 'GET /ops/cases/{caseId}',
      stage: '$default',
      http: { method: 'GET', path: '/ops/cases/C%2D42', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'vitest' },
    });
    expect(event.requestContext.time).toMatch(/^\d{2}\/\w{3}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
    expect(Math.abs(event.requestContext.timeEpoch - Date.now())).toBeLessThan(5000);
  });

  it('routes the most specific match: literal and {param} beat {proxy+}', async () => {
    expect((await echo('/surveys/tok123')).event.pathParameters).toEqual({ token: 'tok123' });
    const proxied = await echo('/ops/cases/C-1/decision', { method: 'POST', headers: { 'content-type': 'application/json', ...AGENT_AUTH }, body: '{"approve":true}' });
    expect(proxied.event).toMatchObject({
      routeKey: 'ANY /ops/{proxy+}',
      pathParameters: { proxy: 'cases/C-1/decision' },
      body: '{"approve":true}',
      isBase64Encoded: false,
    });
    expect(proxied.event.queryStringParameters).toBeUndefined();
  });

  it('answers 404 for unmatched routes and methods', async () => {
    for (const [method, path] of [
      ['GET', '/nope'],
      ['DELETE', '/surveys/t'],
      ['GET', '/ops'],
    ]) {
      const res = await fetch(`${gateway.url}${path}`, { method });
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ message: 'Not Found' });
    }
  });

  it('hides handler crashes behind a 500 without details', async () => {
    const res = await fetch(`${gateway.url}/crash`);
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ message: 'Internal Server Error' });
    expect(text).not.toMatch(/CaseNotFound|internal detail|at /);
    expect(failures).toContain('GET /crash: CaseNotFound');
  });

  it('answers 503 when the integration times out', async () => {
    const res = await fetch(`${gateway.url}/slow`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ message: 'Service Unavailable' });
  });

  it('maps a non-structured result to 200 application/json', async () => {
    const res = await fetch(`${gateway.url}/plain`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toMatchObject({ ok: true, at: '1970-01-01T00:00:00.000Z' });
  });

  it('passes binary bodies base64-encoded and returns binary responses', async () => {
    const bytes = Buffer.from([0, 255, 1, 254, 137, 80, 78, 71]);
    const res = await fetch(`${gateway.url}/uploads`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: bytes });
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    expect(Buffer.from(await res.arrayBuffer())).toEqual(bytes);
  });

  it('rejects bodies over 10 MB with 413', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        `${gateway.url}/webhooks/orders`,
        { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(11 * 1024 * 1024) } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
          req.destroy();
        },
      );
      req.on('error', reject);
      req.write('{"x":"');
    });
    expect(status).toBe(413);
  });

  it('serves local-only pages through extraRoutes first', async () => {
    const res = await fetch(`${gateway.url}/_local/health`);
    expect(await res.text()).toBe('ok');
  });
});

describe("HTTP gateway: JWT routes (the operators' authorizer, emulated)", () => {
  const opsFetch = (headers: Record<string, string> = {}) =>
    fetch(`${gateway.url}/ops/cases/C-9/decision`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{}' });

  it.each([
    ['no Authorization header', {}, 'Bearer'],
    ['an empty bearer token', { authorization: 'Bearer ' }, 'Bearer'],
    ['an unknown token', { authorization: 'Bearer not-a-known-token' }, 'invalid_token'],
    ['a known token with one character changed', { authorization: `Bearer ${OPERATORS[1].token.slice(0, -1)}3` }, 'invalid_token'],
    ['a known token with a suffix', { authorization: `Bearer ${OPERATORS[1].token}x` }, 'invalid_token'],
    ['another scheme', { authorization: `Basic ${Buffer.from(`jane:${OPERATORS[1].token}`).toString('base64')}` }, 'invalid_token'],
  ])('401 {"message":"Unauthorized"} for %s, without invoking the function', async (_what, headers, challenge) => {
    const before = invoked.length;
    const res = await opsFetch(headers);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ message: 'Unauthorized' });
    expect(res.headers.get('www-authenticate')).toContain(challenge);
    expect(res.headers.get('apigw-requestid')).toBeTruthy();
    expect(invoked.length).toBe(before);
  });

  it.each(OPERATORS.map((o) => [o.role, o] as const))(
    'the token of the %s reaches the function with the claims API Gateway builds from a Cognito access token',
    async (_role, operator) => {
      const { status, event } = await echo('/ops/reviews', { headers: { authorization: `Bearer ${operator.token}` } });
      expect(event.routeKey).toBe('ANY /ops/{proxy+}');
      expect(status).toBe(200);
      const authorizer = (event.requestContext as { authorizer?: { jwt?: { claims: Record<string, string> } } }).authorizer;
      expect(authorizer?.jwt?.claims).toMatchObject({ username: operator.name, 'cognito:groups': `[${operator.role}]`, token_use: 'access' });
      for (const value of Object.values(authorizer!.jwt!.claims)) expect(typeof value).toBe('string');
      expect(JSON.stringify(authorizer)).not.toContain(operator.token);
    },
  );

  it('accepts the token without "Bearer", as API Gateway takes the identity source either way', async () => {
    const { status, event } = await echo('/ops/reviews', { headers: { authorization: OPERATORS[0].token } });
    expect(status).toBe(200);
    expect(JSON.stringify(event.requestContext)).toContain('"username":"wu.viewer"');
  });

  it('leaves routes without an authorizer alone: no claims, no 401', async () => {
    const { status, event } = await echo('/surveys/tok123');
    expect(status).toBe(200);
    expect((event.requestContext as { authorizer?: unknown }).authorizer).toBeUndefined();
  });

  it('refuses every JWT route when no operators are configured (nothing is open by default)', async () => {
    const closed = await startHttpGateway({ topology, lambda: { invoke: async () => ({ statusCode: 200, body: 'reached' }) }, host: '127.0.0.1', port: 0 });
    try {
      const res = await fetch(`${closed.url}/ops/cases/C-9/decision`, { method: 'POST', headers: { authorization: `Bearer ${OPERATORS[2].token}` } });
      expect(res.status).toBe(401);
    } finally {
      await closed.close();
    }
  });
});

describe('matchRoute', () => {
  const route = (routeKey: string): LocalHttpRoute => {
    const [method, path] = routeKey === '$default' ? ['ANY', '$default'] : routeKey.split(' ');
    return { routeKey, method: method!, path: path!, functionLogicalId: routeKey, authorizationType: 'NONE', apiLogicalId: 'Api', timeoutMs: 30000 };
  };
  const routes = ['GET /pets/dog/1', 'GET /pets/dog/{id}', 'ANY /pets/{proxy+}', 'ANY /{proxy+}', 'POST /pets/dog/{id}', 'ANY /pets/dog/{id}', '$default'].map(route);
  const key = (method: string, path: string) => matchRoute(routes, method, path)?.route.routeKey;

  it('follows API Gateway precedence', () => {
    expect(key('GET', '/pets/dog/1')).toBe('GET /pets/dog/1');
    expect(key('GET', '/pets/dog/2')).toBe('GET /pets/dog/{id}');
    expect(key('POST', '/pets/dog/2')).toBe('POST /pets/dog/{id}');
    expect(key('PUT', '/pets/dog/2')).toBe('ANY /pets/dog/{id}');
    expect(key('GET', '/pets/cat/1')).toBe('ANY /pets/{proxy+}');
    expect(key('GET', '/pets')).toBe('ANY /{proxy+}');
    expect(key('GET', '/')).toBe('$default');
    expect(matchRoute(routes, 'GET', '/pets/cat/a%20b')?.pathParameters).toEqual({ proxy: 'cat/a b' });
  });
});
