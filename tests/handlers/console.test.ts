/**
 * The operations console (functions/handlers/console.ts; docs/operations.md "Console"): sign-in by the authorization
 * code flow with PKCE against the local stand-in for Cognito's hosted sign-in (real RS256 access tokens, verified by
 * aws-jwt-verify through the JWKS), the session cookie, roles from the ops API's table, CSRF refusals, and the
 * use-cases' refusals shown in words.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateQueueCommand } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaseStore } from '../../functions/adapters/case-store.js';
import { FollowUpStore } from '../../functions/adapters/follow-up-store.js';
import { OpsAlerts } from '../../functions/adapters/ops-alerts.js';
import { SlaStore } from '../../functions/adapters/sla-store.js';
import { pauseCase, resumeCase } from '../../functions/use-cases/pause-case.js';
import { startServiceClock, type SlaDeps } from '../../functions/use-cases/sla-clock.js';
import { LOCAL_CONSOLE_CLIENT_ID, LOCAL_SIGN_IN_PATH, localOperatorSignIn } from '../../local/operator-sign-in.js';
import { DEFAULT_OPS_USERS } from '../../local/operators.js';
import { apiEvent, importFresh, startHandlerEnv, TABLE_NAME, type HandlerEnv } from './env.js';
import { seedCase } from './fixtures.js';
import { oneMarket } from '../markets.js';
import { createDeCalendar } from '../../functions/domain/de-calendar.js';
import { dePolicy } from '../../functions/policies/de.js';

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
      // The pause form sends the customer's delay notice.
      NOTICE_QUEUE_URL: (
        await env.sqs!.send(new CreateQueueCommand({ QueueName: 'console-notices.fifo', Attributes: { FifoQueue: 'true', ContentBasedDeduplication: 'true' } }))
      ).QueueUrl,
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
    // And a DE case: its row shows its market and its times in Berlin's zone (the board reads each case's market).
    const berlin = (await seedCase(env.db, { record: { status: 'compensating', market: 'DE', currency: 'EUR' } as never })).caseId;
    const deDeps: SlaDeps = { ...deps, markets: oneMarket({ policy: dePolicy, calendar: createDeCalendar() }) };
    const expectedResumeBy = new Date(Date.now() + 3 * 86_400_000).toISOString();
    for (const [id, d] of [
      [caseId, deps],
      [berlin, deDeps],
    ] as const) {
      await startServiceClock(d, id, new Date(), new Date());
      await pauseCase(
        { ...d, notices: { send: async () => undefined } as never },
        id,
        { reason: 'factory_service', note: 'sent to the factory', expectedResumeBy },
        supervisor,
        new Date(),
      );
    }
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
    const berlinRow = new RegExp(`<tr><td><a href="/console/cases/${berlin}">.*?</tr>`).exec(section)![0];
    expect(berlinRow).toContain('<abbr title="Europe/Berlin">DE</abbr>');
    expect(berlinRow).toMatch(/<time datetime="[^"]+">[A-Z][a-z]{2} \d+, \d\d:\d\d UTC\+[12]<\/time>/);
    expect(berlinRow).not.toContain('UTC+8');

    await resumeCase(deps, caseId, {}, supervisor, new Date());
    expect(await pausedSection()).not.toContain(caseId);
  });
});

describe("times in each case's market's zone", () => {
  // 10:00 UTC on 1 July 2026: 12:00 in Berlin (summer time, UTC+2), 18:00 in Shanghai (UTC+8).
  const createdAt = '2026-07-01T10:00:00.000Z';
  const escalateAt = '2026-07-02T06:30:00.000Z';
  const customerId = `cust-zones-${Date.now()}`;
  let de: string, cn: string, legacy: string, gone: string;
  beforeAll(async () => {
    const review = { openedAt: createdAt, reasonCode: 'damage_review', escalateAt };
    const seed = async (market: 'DE' | 'CN' | 'FR' | undefined) =>
      (
        await seedCase(env.db, {
          type: 'damaged',
          record: {
            customerId,
            createdAt,
            updatedAt: createdAt,
            status: 'awaiting_review',
            review,
            ...(market ? { market, currency: market === 'CN' ? 'CNY' : 'EUR' } : {}),
          } as never,
        })
      ).caseId;
    de = await seed('DE');
    cn = await seed('CN');
    legacy = await seed(undefined); // written by a release before markets: no `market`
    gone = await seed('FR'); // a market this deployment no longer has
  });
  /** A time as the pages show it: in its market's zone, offset beside it, the instant (UTC) in `datetime`. */
  const shown = (text: string) => `<time datetime="${createdAt}">${text}</time>`;
  /** The table row of a case on a page. */
  const rowOf = (body: string, caseId: string) => new RegExp(`<tr>(?:(?!</tr>).)*/console/cases/${caseId}"(?:(?!</tr>).)*</tr>`, 's').exec(body)?.[0] ?? '';

  it('a case page shows its times in its market zone, named with the offset: DE in Europe/Berlin, CN and a case without a market in Asia/Shanghai', async () => {
    const viewer = await signIn('viewer');
    const dePage = (await call('GET', `/console/cases/${de}`, { cookies: viewer })).body;
    expect(dePage).toContain('<dt>Market (its times)</dt><dd>DE · times in Europe/Berlin</dd>');
    expect(dePage).toContain(`<dt>Received</dt><dd>${shown('Jul 1, 12:00 UTC+2')}</dd>`);
    expect(dePage).not.toContain('18:00');
    // The timeline (its case_received entry is from seeding: now) and the instants among the carrier facts, in
    // Berlin's time of their own date: UTC+1 in winter, UTC+2 in summer.
    expect(dePage).toMatch(/<td><time datetime="[^"]+">[A-Z][a-z]{2} \d+, \d\d:\d\d UTC\+[12]<\/time><\/td><td>order_platform<\/td><td>case_received<\/td>/);
    expect(dePage).toMatch(/<dt>shippedAt<\/dt><dd><time datetime="[^"]+">[A-Z][a-z]{2} \d+, \d\d:\d\d UTC\+[12]<\/time><\/dd>/);
    // The pause form's resume time is read in that zone (console-actions.ts), and says so.
    const supervisor = await signIn('supervisor');
    expect((await call('GET', `/console/cases/${de}`, { cookies: supervisor })).body).toContain('Expected to resume by (optional) · Europe/Berlin time');

    for (const caseId of [cn, legacy]) {
      const page = (await call('GET', `/console/cases/${caseId}`, { cookies: viewer })).body;
      expect(page).toContain('<dt>Market (its times)</dt><dd>CN · times in Asia/Shanghai</dd>');
      expect(page).toContain(`<dt>Received</dt><dd>${shown('Jul 1, 18:00 UTC+8')}</dd>`);
    }
    // In Chinese too.
    const zh = (await call('GET', `/console/cases/${de}`, { cookies: viewer, headers: { 'accept-language': 'zh-CN' } })).body;
    expect(zh).toContain('<dt>市场（时间所用时区）</dt><dd>DE · 时间按 Europe/Berlin</dd>');
    expect(zh).toContain(`<dt>受理时间</dt><dd>${shown('7月1日 12:00 UTC+2')}</dd>`);
  });

  it("a supervisor's expected resume time is read in the case's market zone", async () => {
    const supervisor = await signIn('supervisor');
    const fields = { reason: 'factory_service', note: 'sent to the factory', expectedResumeBy: '2027-01-10T09:00' };
    const berlin = (await seedCase(env.db, { record: { status: 'compensating', market: 'DE', currency: 'EUR' } as never })).caseId;
    const shanghai = (await seedCase(env.db, { record: { status: 'compensating' } })).caseId; // no market: the default's
    for (const caseId of [berlin, shanghai]) {
      const result = await post(supervisor, `/console/cases/${caseId}/pause`, { csrf: await csrfOf(supervisor), ...fields });
      expect(result.statusCode).toBe(303);
    }
    expect((await cases.get(berlin))!.pause?.expectedResumeBy).toBe('2027-01-10T08:00:00.000Z');
    expect((await cases.get(shanghai))!.pause?.expectedResumeBy).toBe('2027-01-10T01:00:00.000Z');
  });

  it('a case of a market no longer deployed is shown in UTC, its market named, on its page and in the queue', async () => {
    const viewer = await signIn('viewer');
    const page = (await call('GET', `/console/cases/${gone}`, { cookies: viewer })).body;
    expect(page).toContain('<dt>Market (its times)</dt><dd>FR · times in UTC</dd>');
    expect(page).toContain(`<dt>Received</dt><dd>${shown('Jul 1, 10:00 UTC')}</dd>`);
    const queue = (await call('GET', '/console', { cookies: viewer })).body;
    expect(rowOf(queue, gone)).toContain('<abbr title="UTC">FR</abbr>');
    expect(rowOf(queue, gone)).toContain('Jul 2, 06:30 UTC<');
  });

  it("a pause's resume time on a case of a market no longer deployed: no field on its page, and a form sending one is refused in words", async () => {
    const supervisor = await signIn('supervisor');
    const caseId = (await seedCase(env.db, { record: { status: 'compensating', market: 'FR', currency: 'EUR' } as never })).caseId;
    const page = (await call('GET', `/console/cases/${caseId}`, { cookies: supervisor })).body;
    expect(page).not.toContain('name="expectedResumeBy"');
    expect(page).toContain('No expected resume time: this case’s market (FR) is no longer deployed, so its working days cannot be counted.');
    const fields = { csrf: await csrfOf(supervisor), reason: 'factory_service', note: 'sent to the factory', expectedResumeBy: '2027-01-10T09:00' };
    const refused = await post(supervisor, `/console/cases/${caseId}/pause`, fields);
    expect(refused.statusCode).toBe(409);
    expect(refused.body).toContain('This case’s market (FR) is no longer deployed: its working days cannot be counted, so no resume time can be set.');
    const zh = await post(supervisor, `/console/cases/${caseId}/pause`, fields, { origin: ORIGIN, 'accept-language': 'zh-CN' });
    expect(zh.statusCode).toBe(409);
    expect(zh.body).toContain('该售后单所属市场（FR）已不再部署：无法计算其工作日，因此不能设置预计恢复时间。');
    expect((await cases.get(caseId))!.pause).toBeUndefined();
    // Without one, the pause is taken.
    expect((await post(supervisor, `/console/cases/${caseId}/pause`, { ...fields, expectedResumeBy: '' })).statusCode).toBe(303);
    expect((await cases.get(caseId))!.pause?.reason).toBe('factory_service');
  });

  it("the case page takes its zone from the case's own market, as the pause form does, with or without order lines", async () => {
    const caseId = (await seedCase(env.db, { record: { status: 'compensating', market: 'DE', currency: 'EUR', orderItems: undefined } as never })).caseId;
    const page = (await call('GET', `/console/cases/${caseId}`, { cookies: await signIn('supervisor') })).body;
    expect(page).toContain('<dt>Market (its times)</dt><dd>DE · times in Europe/Berlin</dd>');
    expect(page).toContain('Expected to resume by (optional) · Europe/Berlin time');
  });

  it("a resume time on Berlin's clock-change days is the instant Berlin's clock shows then (the first of a doubled time); a skipped time is refused in words", async () => {
    const supervisor = await signIn('supervisor');
    const csrf = await csrfOf(supervisor);
    const pauseUntil = async (until: string, headers: Record<string, string> = { origin: ORIGIN }) => {
      const caseId = (await seedCase(env.db, { record: { status: 'compensating', market: 'DE', currency: 'EUR' } as never })).caseId;
      const result = await post(supervisor, `/console/cases/${caseId}/pause`, { csrf, reason: 'factory_service', note: 'sent to the factory', expectedResumeBy: until }, headers);
      return { result, stored: (await cases.get(caseId))!.pause?.expectedResumeBy };
    };
    // The next changes after today (the form refuses a past time): 28 March 2027 (02:00 → 03:00) and 31 October 2027
    // (03:00 → 02:00), as on 29 March and 25 October 2026 (tests/unit/console.test.ts).
    for (const [until, instant] of [
      ['2027-03-28T01:30', '2027-03-28T00:30:00.000Z'],
      ['2027-10-31T01:30', '2027-10-30T23:30:00.000Z'],
      ['2027-10-31T02:30', '2027-10-31T00:30:00.000Z'],
    ]) {
      const { result, stored } = await pauseUntil(until!);
      expect(result.statusCode, until).toBe(303);
      expect(stored, until).toBe(instant);
    }
    for (const until of ['2027-03-28T02:30', '2026-03-29T02:30']) {
      const en = await pauseUntil(until);
      expect(en.result.statusCode).toBe(422);
      expect(en.result.body).toContain('This time does not exist in Europe/Berlin: the clocks go forward then.');
      expect(en.stored).toBeUndefined();
      const zh = await pauseUntil(until, { origin: ORIGIN, 'accept-language': 'zh-CN' });
      expect(zh.result.statusCode).toBe(422);
      expect(zh.result.body).toContain('该时间在 Europe/Berlin 不存在：此时时钟向前拨快。');
    }
  });

  it('the review queue and the search show each row in its own market zone, with the market beside it', async () => {
    const viewer = await signIn('viewer');
    const queue = (await call('GET', '/console', { cookies: viewer })).body;
    // Decide by: 06:30 UTC is 08:30 in Berlin, 14:30 in Shanghai.
    expect(rowOf(queue, de)).toContain('<abbr title="Europe/Berlin">DE</abbr>');
    expect(rowOf(queue, de)).toContain('Jul 2, 08:30 UTC+2');
    expect(rowOf(queue, cn)).toContain('<abbr title="Asia/Shanghai">CN</abbr>');
    expect(rowOf(queue, cn)).toContain('Jul 2, 14:30 UTC+8');
    expect(rowOf(queue, legacy)).toContain('<abbr title="Asia/Shanghai">CN</abbr>');
    expect(rowOf(queue, legacy)).toContain('Jul 2, 14:30 UTC+8');

    const search = (await call('GET', '/console/search', { cookies: viewer, query: `customerId=${customerId}&from=2026-07-01&to=2026-07-01` })).body;
    expect(search).toContain('From and To are days in Asia/Shanghai (the default market, CN).');
    expect(rowOf(search, de)).toContain(`<td>${shown('Jul 1, 12:00 UTC+2')}</td>`);
    expect(rowOf(search, cn)).toContain(`<td>${shown('Jul 1, 18:00 UTC+8')}</td>`);
    expect(rowOf(search, legacy)).toContain(`<td>${shown('Jul 1, 18:00 UTC+8')}</td>`);
    // The CSV of the same search keeps its times as ISO instants in UTC, for programs: the same for every market.
    const csv = (await call('GET', '/console/search.csv', { cookies: viewer, query: `customerId=${customerId}&from=2026-07-01&to=2026-07-01` })).body;
    const csvRow = (caseId: string) => csv.split('\r\n').find((line) => line.startsWith(`${caseId},`)) ?? '';
    expect(csv.split('\r\n')[0]).toBe('caseId,type,status,outcome,orderId,requestId,customerId,createdAt,priority,assignee,dueAt');
    for (const caseId of [de, cn, legacy]) expect(csvRow(caseId)).toContain(',2026-07-01T10:00:00.000Z,');
    const zh = (await call('GET', '/console/search', { cookies: viewer, query: `customerId=${customerId}&from=2026-07-01&to=2026-07-01`, headers: { 'accept-language': 'zh-CN' } }))
      .body;
    expect(zh).toContain('起止日期按 Asia/Shanghai（默认市场 CN）的日期计算');
    expect(rowOf(zh, de)).toContain(`<td>${shown('7月1日 12:00 UTC+2')}</td>`);
  });

  it("the follow-ups show each task's opened time in its case's market zone (the case read for its market)", async () => {
    const followUps = new FollowUpStore(env.db, TABLE_NAME);
    for (const caseId of [de, legacy]) await followUps.open({ caseId, openedAt: createdAt, overall: 1, caseType: 'damaged', orderId: 'o', customerId, comment: '' }, new Date());
    const page = (await call('GET', '/console/follow-ups', { cookies: await signIn('agent') })).body;
    expect(rowOf(page, de)).toContain(`<td>${shown('Jul 1, 12:00 UTC+2')}</td>`);
    expect(rowOf(page, de)).toContain('<abbr title="Europe/Berlin">DE</abbr>');
    expect(rowOf(page, legacy)).toContain(`<td>${shown('Jul 1, 18:00 UTC+8')}</td>`);
    expect(rowOf(page, legacy)).toContain('<abbr title="Asia/Shanghai">CN</abbr>');
  });

  it("the search's From / To are the default market's days, for a case of any market (the contract as it was)", async () => {
    // 20:00 UTC on 1 July: 22:00 on 1 July in Berlin, but 04:00 on 2 July in Shanghai, the default market's zone.
    const late = (await seedCase(env.db, { record: { customerId, createdAt: '2026-07-01T20:00:00.000Z', market: 'DE', currency: 'EUR' } as never })).caseId;
    const viewer = await signIn('viewer');
    const on = async (day: string) => (await call('GET', '/console/search', { cookies: viewer, query: `customerId=${customerId}&from=${day}&to=${day}` })).body;
    expect(await on('2026-07-01')).not.toContain(late);
    const second = await on('2026-07-02');
    expect(rowOf(second, late)).toContain('<td><time datetime="2026-07-01T20:00:00.000Z">Jul 1, 22:00 UTC+2</time></td>');
  });
});
