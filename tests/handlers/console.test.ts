/**
 * The operations console (functions/handlers/console.ts; docs/operations.md "Console"): sign-in by the authorization
 * code flow with PKCE against the local stand-in for Cognito's hosted sign-in (real RS256 access tokens, verified by
 * aws-jwt-verify through the JWKS), the session cookie, roles from the ops API's table, CSRF refusals, and the
 * use-cases' refusals shown in words.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaseStore } from '../../functions/adapters/case-store.js';
import { OpsAlerts } from '../../functions/adapters/ops-alerts.js';
import { SlaStore } from '../../functions/adapters/sla-store.js';
import { pauseCase, resumeCase } from '../../functions/use-cases/pause-case.js';
import { startServiceClock, type SlaDeps } from '../../functions/use-cases/sla-clock.js';
import { LOCAL_CONSOLE_CLIENT_ID, LOCAL_SIGN_IN_PATH, localOperatorSignIn } from '../../local/operator-sign-in.js';
import { DEFAULT_OPS_USERS } from '../../local/operators.js';
import { apiEvent, importFresh, startHandlerEnv, TABLE_NAME, type HandlerEnv } from './env.js';
import { seedCase } from './fixtures.js';
import { oneMarket } from '../markets.js';

type Handler = typeof import('../../functions/handlers/console.js')['handler'];
type Role = 'viewer' | 'agent' | 'supervisor';

const HOST = 'abc123.execute-api.us-east-1.amazonaws.com';
const ORIGIN = `https://${HOST}`;
let env: HandlerEnv;
let handler: Handler;
let cases: CaseStore;
let signInServer: Server;
let signInBase: string;

const call = async (method: 'GET' | 'POST', path: string, opts: { query?: string; cookies?: string[]; body?: string; headers?: Record<string, string> } = {}) => {
  const event = apiEvent({
    method,
    path,
    query: opts.query ?? '',
    headers: { 'accept-language': 'en-US,en;q=0.9', ...(opts.body !== undefined ? { 'content-type': 'application/x-www-form-urlencoded' } : {}), ...opts.headers },
    ...(opts.body !== undefined ? { body: opts.body } : {}),
  });
  if (opts.cookies) event.cookies = opts.cookies;
  return (await handler(event)) as APIGatewayProxyStructuredResultV2 & { cookies?: string[]; body: string };
};
const cookieNamed = (result: { cookies?: string[] }, name: string) => result.cookies?.find((c) => c.startsWith(`${name}=`));
const valueOf = (cookie: string | undefined) => cookie?.split(';')[0]!;

/** Signs in as the local operator of that role, through the whole flow; returns the session cookie. */
async function signIn(role: Role): Promise<string[]> {
  const start = await call('GET', '/console/cases/AS-0000000000AA');
  expect(start.statusCode).toBe(303);
  const authorize = new URL(String(start.headers!.location));
  const attempt = valueOf(cookieNamed(start, '__Host-console-sign-in'));
  const form = new URLSearchParams(authorize.search);
  form.set('token', DEFAULT_OPS_USERS.find((u) => u.role === role)!.token);
  const answer = await fetch(authorize.origin + authorize.pathname, { method: 'POST', body: form, redirect: 'manual' });
  expect(answer.status).toBe(302);
  const back = new URL(answer.headers.get('location')!);
  const callback = await call('GET', '/console', { query: back.search.slice(1), cookies: [attempt] });
  expect(callback.statusCode).toBe(200);
  return [valueOf(cookieNamed(callback, '__Host-console-session'))];
}

/** The CSRF token of the session, as every console page's forms carry it. */
async function csrfOf(cookies: string[]): Promise<string> {
  const page = await call('GET', '/console', { cookies });
  return /name="csrf" value="([^"]+)"/.exec(page.body)![1]!;
}

const post = async (cookies: string[], path: string, fields: Record<string, string>, headers: Record<string, string> = { origin: ORIGIN }) =>
  call('POST', path, { cookies, body: new URLSearchParams(fields).toString(), headers });

/** A case waiting for an operator's review decision (no workflow behind it: the decision's signal is recorded for it). */
async function inReview() {
  const openedAt = new Date(Date.now() - 30 * 60_000).toISOString();
  return seedCase(env.db, {
    type: 'damaged',
    record: {
      status: 'awaiting_review',
      priority: 70,
      priorityBand: 'high',
      evidence: [{ kind: 'photo', url: 'https://photos.example.com/dent.jpg' }],
      review: { openedAt, reasonCode: 'damage_review', reminderAt: new Date(Date.now() + 3600_000).toISOString(), escalateAt: new Date(Date.now() + 7200_000).toISOString() },
    } as never,
  });
}

beforeAll(async () => {
  env = await startHandlerEnv({ sqs: true });
  cases = new CaseStore(env.db, TABLE_NAME);
  const route = localOperatorSignIn(DEFAULT_OPS_USERS, () => signInBase);
  signInServer = createServer((req, res) => {
    void route(req, res).then((handled) => {
      if (!handled) res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => signInServer.listen(0, '127.0.0.1', resolve));
  signInBase = `http://127.0.0.1:${(signInServer.address() as AddressInfo).port}`;
  handler = (
    await importFresh(() => import('../../functions/handlers/console.js'), {
      OPERATOR_SIGN_IN_URL: `${signInBase}${LOCAL_SIGN_IN_PATH}`,
      OPERATOR_ISSUER: `${signInBase}${LOCAL_SIGN_IN_PATH}`,
      OPERATOR_CLIENT_ID: LOCAL_CONSOLE_CLIENT_ID,
      // The local stand-in registers `<its base>/console` as the callback; the handler uses the same.
      CONSOLE_URL: `${signInBase}/console`,
      STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:000000000000:stateMachine:Cases',
      EXECUTION_LINK: '/local/executions/{executionName}',
      OPS_ALERTS_TOPIC_ARN: undefined,
    })
  ).handler;
});

afterAll(async () => {
  await new Promise((resolve) => signInServer?.close(resolve));
  await env?.close();
});

describe('signing in', () => {
  it('without a session, a page sends the browser to the hosted sign-in with a PKCE S256 challenge and a state, kept in a Lax HttpOnly cookie', async () => {
    const result = await call('GET', '/console/sla');
    expect(result.statusCode).toBe(303);
    const location = new URL(String(result.headers!.location));
    expect(location.pathname).toBe(`${LOCAL_SIGN_IN_PATH}/oauth2/authorize`);
    expect(Object.fromEntries(location.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: LOCAL_CONSOLE_CLIENT_ID,
      code_challenge_method: 'S256',
      redirect_uri: `${signInBase}/console`,
    });
    const cookie = cookieNamed(result, '__Host-console-sign-in')!;
    expect(cookie).toMatch(/; Path=\/; Max-Age=600; HttpOnly; Secure; SameSite=Lax$/);
    expect(valueOf(cookie).split('=')[1]!.split('.')[0]).toBe(location.searchParams.get('state'));
  });

  it('the callback sets the session cookie HttpOnly, Secure, SameSite=Strict and moves on with a same-site navigation', async () => {
    const [session] = await signIn('agent');
    expect(session).toMatch(/^__Host-console-session=ey/);
    const queue = await call('GET', '/console', { cookies: [session!] });
    expect(queue.statusCode).toBe(200);
    expect(queue.body).toContain('<h1>Review queue</h1>');
    expect(queue.body).toContain('dev-agent (agent)');
    expect(queue.headers!['content-security-policy']).toContain("default-src 'none'");
  });

  it("a callback whose state is not the attempt's is refused, with no session", async () => {
    const start = await call('GET', '/console');
    const attempt = valueOf(cookieNamed(start, '__Host-console-sign-in'));
    const result = await call('GET', '/console', { query: 'code=whatever&state=forged', cookies: [attempt] });
    expect(result.statusCode).toBe(400);
    expect(cookieNamed(result, '__Host-console-session')).toBeUndefined();
    expect(result.body).toContain('Signing in did not work');
  });

  it('a forged or tampered token is no session: back to the sign-in', async () => {
    const [session] = await signIn('supervisor');
    const [head, body, sig] = session!.split('=')[1]!.split('.');
    const claims = JSON.parse(Buffer.from(body!, 'base64url').toString());
    const elevated = Buffer.from(JSON.stringify({ ...claims, username: 'mallory' })).toString('base64url');
    for (const token of [`${head}.${elevated}.${sig}`, 'not-a-jwt']) {
      const result = await call('GET', '/console', { cookies: [`__Host-console-session=${token}`] });
      expect(result.statusCode).toBe(303);
      expect(String(result.headers!.location)).toContain('/oauth2/authorize');
    }
  });
});

describe('signing out and the language switch', () => {
  it("Sign out (a form with the CSRF token) clears the session and goes to the hosted sign-in's logout, back to /console", async () => {
    const agent = await signIn('agent');
    const result = await post(agent, '/console/sign-out', { csrf: await csrfOf(agent) });
    expect(result.statusCode).toBe(303);
    const location = new URL(String(result.headers!.location));
    expect(location.pathname).toBe(`${LOCAL_SIGN_IN_PATH}/logout`);
    expect(location.searchParams.get('logout_uri')).toBe(`${signInBase}/console`);
    expect(cookieNamed(result, '__Host-console-session')).toMatch(/^__Host-console-session=; Path=\/; Max-Age=0;/);
  });

  it('the language link remembers the choice and goes back only inside the console', async () => {
    const switched = await call('GET', '/console/language', { query: `to=zh-CN&back=${encodeURIComponent('/console/sla')}` });
    expect(switched.statusCode).toBe(303);
    expect(switched.headers!.location).toBe('/console/sla');
    const lang = valueOf(cookieNamed(switched, '__Host-console-lang'));
    expect(lang).toBe('__Host-console-lang=zh-CN');
    const agent = await signIn('agent');
    const queue = await call('GET', '/console', { cookies: [...agent, lang] });
    expect(queue.body).toContain('<h1>审核队列</h1>');
    expect(queue.body).toContain('<html lang="zh-CN">');
    const elsewhere = await call('GET', '/console/language', { query: `to=en&back=${encodeURIComponent('https://evil.example/')}` });
    expect(elsewhere.headers!.location).toBe('/console');
  });
});

describe('roles, as the ops API has them', () => {
  it('a viewer reads the queue but not the reports; a supervisor reads the reports', async () => {
    const viewer = await signIn('viewer');
    expect((await call('GET', '/console', { cookies: viewer })).statusCode).toBe(200);
    const refused = await call('GET', '/console/reports', { cookies: viewer });
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toContain('needs the role supervisor');
    const supervisor = await signIn('supervisor');
    const reports = await call('GET', '/console/reports', { cookies: supervisor });
    expect(reports.statusCode).toBe(200);
    expect(reports.body).toContain('<h1>Reports</h1>');
  });

  it("a viewer sees a case with no decision buttons, and a viewer's decision POST is refused with nothing recorded", async () => {
    const { caseId } = await inReview();
    const viewer = await signIn('viewer');
    const page = await call('GET', `/console/cases/${caseId}`, { cookies: viewer });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<img src="https://photos.example.com/dent.jpg"');
    expect(page.body).not.toMatch(/<button[^>]*>(Approve|Reject|Request evidence|Claim|Pause)</);
    const refused = await post(viewer, `/console/cases/${caseId}/decision`, { csrf: await csrfOf(viewer), decision: 'reject', reason: 'No.' });
    expect(refused.statusCode).toBe(403);
    expect((await cases.get(caseId))!.review!.decided).toBeUndefined();
  });
});

describe('CSRF', () => {
  it("a POST without the session's token, from another origin, or without an Origin is refused and changes nothing", async () => {
    const { caseId } = await inReview();
    const agent = await signIn('agent');
    const csrf = await csrfOf(agent);
    const path = `/console/cases/${caseId}/decision`;
    const fields = { decision: 'reject', reason: 'Outside the window.' };
    for (const attempt of [
      post(agent, path, fields),
      post(agent, path, { ...fields, csrf: 'x'.repeat(32) }),
      post(agent, path, { ...fields, csrf }, { origin: 'https://evil.example' }),
      post(agent, path, { ...fields, csrf }, {}),
    ]) {
      const result = await attempt;
      expect(result.statusCode).toBe(403);
      expect(result.body).toContain('was not sent from this console page');
    }
    expect((await cases.get(caseId))!.review!.decided).toBeUndefined();
  });
});

describe('decisions through the forms', () => {
  it('an agent rejects with the reason the customer reads: post/redirect/get to the case, the decision recorded by name', async () => {
    const { caseId } = await inReview();
    const agent = await signIn('agent');
    const result = await post(agent, `/console/cases/${caseId}/decision`, {
      csrf: await csrfOf(agent),
      decision: 'reject',
      reason: 'The dent is from use, not from the delivery.',
    });
    expect(result.statusCode).toBe(303);
    expect(result.headers!.location).toBe(`/console/cases/${caseId}?done=reject`);
    expect((await cases.get(caseId))!.review!.decided).toMatchObject({ by: 'dev-agent', role: 'agent', decision: 'reject' });
    const page = await call('GET', `/console/cases/${caseId}`, { cookies: agent, query: 'done=reject' });
    expect(page.body).toContain('Rejected: the customer is told the reason.');
  });

  it('a second decision is 409 already_decided, in words naming who decided', async () => {
    const { caseId } = await inReview();
    const agent = await signIn('agent');
    const csrf = await csrfOf(agent);
    await post(agent, `/console/cases/${caseId}/decision`, { csrf, decision: 'reject', reason: 'First.' });
    const second = await post(agent, `/console/cases/${caseId}/decision`, { csrf, decision: 'request_evidence', reason: 'Second.' });
    expect(second.statusCode).toBe(409);
    expect(second.body).toContain('This review already has its decision (a review is decided once). (dev-agent: reject)');
    expect(second.body).not.toContain('already_decided');
  });

  it('a done= that is no action of ours (an Object property name) shows the page without a message, never a 500', async () => {
    const agent = await signIn('agent');
    for (const done of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      const page = await call('GET', '/console', { cookies: agent, query: `done=${done}` });
      expect(page.statusCode, done).toBe(200);
      expect(page.body, done).not.toContain('role="status"');
    }
  });

  it('an amount above what the items are worth is 422 invalid_amount, in words; one that is no amount too', async () => {
    const { caseId } = await inReview();
    const agent = await signIn('agent');
    const csrf = await csrfOf(agent);
    const tooMuch = await post(agent, `/console/cases/${caseId}/decision`, { csrf, decision: 'approve', remedy: 'refund', amount: '500.00', reason: 'Refund.' });
    expect(tooMuch.statusCode).toBe(422);
    expect(tooMuch.body).toContain('The amount is refused: it is more than can still be paid for these items.');
    const garbled = await post(agent, `/console/cases/${caseId}/decision`, { csrf, decision: 'approve', remedy: 'refund', amount: '12.345', reason: 'Refund.' });
    expect(garbled.statusCode).toBe(422);
    // The operator types major units (yuan): the refusal says how to write one, never to type minor units (fen), which
    // would read as a hundred times the amount.
    for (const amount of ['12.345', '1e3', '-1', '１００', '0']) {
      const refused = await post(agent, `/console/cases/${caseId}/decision`, { csrf, decision: 'approve', remedy: 'refund', amount, reason: 'Refund.' });
      expect(refused.statusCode, amount).toBe(422);
      expect(refused.body, amount).toContain('The amount is refused: write an amount above zero in the order’s currency, like 199.50');
      expect(refused.body, amount).not.toContain('minor units');
    }
    expect((await cases.get(caseId))!.review!.decided).toBeUndefined();
  });

  it('an agent claims a case from the queue; the holder shows in the queue', async () => {
    const { caseId } = await inReview();
    const agent = await signIn('agent');
    const result = await post(agent, `/console/cases/${caseId}/claim`, { csrf: await csrfOf(agent), back: 'queue' });
    expect(result.statusCode).toBe(303);
    expect(result.headers!.location).toBe('/console?done=claim');
    expect((await cases.get(caseId))!.assignee).toBe('dev-agent');
  });
});

describe('search', () => {
  it('finds a case by order id, with the CSV export of the same query', async () => {
    const { caseId, record } = await inReview();
    const viewer = await signIn('viewer');
    const page = await call('GET', '/console/search', { cookies: viewer, query: `orderId=${record.orderId}&status=&type=` });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`/console/cases/${caseId}`);
    const csv = await call('GET', '/console/search.csv', { cookies: viewer, query: `orderId=${record.orderId}` });
    expect(csv.headers!['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.body.split('\r\n')[1]).toContain(caseId);
  });
});

describe('the SLA board', () => {
  it('lists paused cases under "Paused", with since when, why and the expected resume; a resumed case leaves it', async () => {
    const deps: SlaDeps = { cases, sla: new SlaStore(env.db, TABLE_NAME), alerts: new OpsAlerts(env.db, TABLE_NAME), markets: oneMarket() };
    const supervisor = { name: 'wang', role: 'supervisor' } as const;
    const { caseId } = await seedCase(env.db, { record: { status: 'compensating' } });
    await startServiceClock(deps, caseId, new Date(), new Date());
    const expectedResumeBy = new Date(Date.now() + 3 * 86_400_000).toISOString();
    await pauseCase(
      { ...deps, notices: { send: async () => undefined } as never },
      caseId,
      { reason: 'factory_service', note: 'sent to the factory', expectedResumeBy },
      supervisor,
      new Date(),
    );
    const viewer = await signIn('viewer');
    const pausedSection = async () => {
      const page = await call('GET', '/console/sla', { cookies: viewer });
      expect(page.statusCode).toBe(200);
      return /<section aria-labelledby="sla-paused">(.*?)<\/section>/s.exec(page.body)![1]!;
    };

    const section = await pausedSection();
    expect(section).toMatch(/>Paused \(\d+\)<\/h2>/);
    expect(section).toContain(caseId);
    expect(section).toContain('factory_service');
    expect(section).toContain('Expected to resume');
    expect(section).not.toContain('sent to the factory');
    expect(section).not.toContain('no list of their own');

    await resumeCase(deps, caseId, {}, supervisor, new Date());
    expect(await pausedSection()).not.toContain(caseId);
  });
});
