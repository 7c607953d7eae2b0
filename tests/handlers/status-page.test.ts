/**
 * The customer's status page (functions/handlers/status-page.ts) against DynamoDB (dynalite) and the local Step
 * Functions service: signed links, what the page shows and hides, and the wait-or-cancel choice while on hold.
 */
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaseStore } from '../../functions/adapters/case-store.js';
import type { CaseRecord } from '../../functions/domain/case-record.js';
import { WaitStore } from '../../functions/adapters/wait-store.js';
import { signStatusToken } from '../../functions/domain/status-link.js';
import { readConfig, statusPageConfig } from '../../functions/config/functions.js';
import { addWaitForTokenMachine, apiEvent, STACK_TRACE, startHandlerEnv, TABLE_NAME, type HandlerEnv, taskTokenRegistered } from './env.js';
import { PERSON, seedCase } from './fixtures.js';

type Handler = typeof import('../../functions/handlers/status-page.js')['handler'];

const SECRET = 'status-page-test-secret-5b1e';
const DAY = 86_400_000;
let env: HandlerEnv;
let handler: Handler;
let cases: CaseStore;
let waits: WaitStore;
let returnMachine: string;

const tokenFor = (caseId: string, expiresInMs = 30 * DAY, secret = SECRET) => signStatusToken({ caseId, expiresAt: new Date(Date.now() + expiresInMs) }, secret);
const PAUSE = { since: '2026-11-20T02:00:00.000Z', reason: 'awaiting_parts' as const, expectedResumeBy: '2026-12-01T02:00:00.000Z', count: 1 };

async function call(method: 'GET' | 'POST', caseId: string, token: string | undefined, opts: { body?: string; query?: Record<string, string>; language?: string } = {}) {
  const query = new URLSearchParams({ ...(token !== undefined ? { token } : {}), ...opts.query });
  const headers: Record<string, string> = { accept: 'text/html' };
  if (opts.language) headers['accept-language'] = opts.language;
  if (opts.body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
  const event = apiEvent({
    method,
    path: `/cases/${caseId}/status`,
    routeKey: `${method} /cases/{caseId}/status`,
    headers,
    pathParameters: { caseId },
    query: query.toString(),
    ...(opts.body !== undefined ? { body: opts.body } : {}),
  });
  event.queryStringParameters = Object.fromEntries(query);
  const res = (await handler(event)) as APIGatewayProxyStructuredResultV2;
  const body = String(res.body ?? '');
  expect(body).not.toMatch(STACK_TRACE);
  return { status: res.statusCode, headers: (res.headers ?? {}) as Record<string, string>, body };
}

const seed = (record: Partial<CaseRecord> & { pause?: typeof PAUSE } = {}) => seedCase(env.db, { record: record as Partial<CaseRecord> });

beforeAll(async () => {
  env = await startHandlerEnv({ sfn: true, env: { STATUS_LINK_SECRET: SECRET } });
  cases = new CaseStore(env.db, TABLE_NAME);
  waits = new WaitStore(env.db, TABLE_NAME);
  returnMachine = addWaitForTokenMachine(env.sfn!.service, 'AwaitReturn', { 'caseId.$': '$.caseId', 'taskToken.$': '$$.Task.Token' }, async (payload) => {
    await waits.registerToken(String(payload.caseId), 'return', String(payload.taskToken), new Date().toISOString());
    return { registered: 'return' };
  });
  // Built from an explicit configuration: the test table and the status-link key given directly (as locally).
  handler = (await import('../../functions/handlers/status-page.js')).createHandler(readConfig(statusPageConfig, { TABLE_NAME, STATUS_LINK_SECRET: SECRET }));
});

afterAll(async () => {
  await env?.close();
});

describe('status page: GET /cases/{caseId}/status?token=…', () => {
  it('shows the reference, the request, the progress and the next step in the case’s language, with safe headers', async () => {
    const dueAt = new Date(Date.now() + 5 * DAY).toISOString();
    const { caseId } = await seed({ status: 'awaiting_return', locale: 'en', dueAt, returnShipment: { carrier: 'SF', trackingNumber: 'SF9' } });
    const res = await call('GET', caseId, tokenFor(caseId));
    expect(res.status).toBe(200);
    expect(res.headers).toMatchObject({
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
      'x-content-type-options': 'nosniff',
    });
    const csp = res.headers['content-security-policy']!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toMatch(/script-src/);
    expect(res.body).toMatch(/^<!doctype html><html lang="en">/);
    expect(res.body).not.toMatch(/<script/i);
    expect(res.body).toContain(`<dd>${caseId}</dd>`);
    expect(res.body).toContain('<dd>Return request</dd>');
    expect(res.body).toContain('<li class="done">Review</li><li class="current" aria-current="step">Item back with us</li><li class="upcoming">Putting it right</li>');
    expect(res.body).toContain('Your parcel is on its way to us.');
    expect(res.body).toContain('We aim to finish by');
    expect(res.body).not.toContain('id="choice"');
  });

  it('in German for a German-speaking customer: lang="de", the request, the steps and the dates in German', async () => {
    const dueAt = '2031-03-05T10:00:00.000Z';
    const { caseId } = await seed({ type: 'repair', status: 'awaiting_return', locale: 'de', dueAt, returnShipment: { carrier: 'SF', trackingNumber: 'SF9' } });
    const res = await call('GET', caseId, tokenFor(caseId), { language: 'en-US' });
    expect(res.status).toBe(200);
    // The case's language, not the browser's.
    expect(res.body).toMatch(/^<!doctype html><html lang="de">/);
    expect(res.body).toContain('<dt>Anliegen</dt><dd>Reparaturanfrage</dd>');
    expect(res.body).toContain('<li class="current" aria-current="step">Artikel bei uns eingetroffen</li>');
    expect(res.body).toContain('Ihr Paket ist auf dem Weg zu uns.');
    expect(res.body).toContain('<dt>Voraussichtlich erledigt bis</dt><dd>5. März 2031, 18:00 GMT+8</dd>');
    // A bad link before the case is known: the browser's first language we write in.
    expect((await call('GET', caseId, 'garbage', { language: 'fr-FR,de;q=0.8' })).body).toContain('Dieser Link ist ungültig.');
  });

  it('shows a due date counted on predicted holidays as an estimate ("Estimated finish" / 预计…（估算）), a published one as before', async () => {
    const dueAt = '2027-01-04T15:59:59.999Z';
    const sla = {
      service: 'repair',
      startsAt: 'arrival',
      startedAt: '2026-12-04T02:00:00.000Z',
      expedited: false,
      workingDays: 20,
      state: 'running',
      pauses: [],
      dueAt,
      provisional: true,
      provisionalFrom: '2027-01-01',
    };
    const en = await seed({ type: 'repair', status: 'awaiting_return', locale: 'en', dueAt, sla: sla as never });
    const enPage = (await call('GET', en.caseId, tokenFor(en.caseId))).body;
    expect(enPage).toContain('<dt>Estimated finish</dt>');
    expect(enPage).toContain('(estimated: next year’s public holidays are not published yet, so this date may move by a few days)');
    expect(enPage).not.toContain('We aim to finish by');
    const zh = await seed({ type: 'repair', status: 'awaiting_return', locale: 'zh-CN', dueAt, sla: sla as never });
    const zhPage = (await call('GET', zh.caseId, tokenFor(zh.caseId))).body;
    expect(zhPage).toContain('<dt>预计完成时间（估算）</dt>');
    expect(zhPage).toContain('（估算：次年法定节假日安排尚未公布，日期可能前后调整几天）');
    const published = await seed({
      type: 'repair',
      status: 'awaiting_return',
      locale: 'zh-CN',
      dueAt,
      sla: { ...sla, provisional: undefined, provisionalFrom: undefined } as never,
    });
    const publishedPage = (await call('GET', published.caseId, tokenFor(published.caseId))).body;
    expect(publishedPage).toContain('<dt>预计完成时间</dt>');
    expect(publishedPage).not.toContain('估算');
  });

  it('shows nothing about the person: no name, email, phone, description or item names', async () => {
    const { caseId } = await seed({ status: 'in_review' });
    const res = await call('GET', caseId, tokenFor(caseId));
    expect(res.status).toBe(200);
    expect(res.body).toContain('<html lang="zh-CN">');
    expect(res.body).toContain('我们正在审核您的申请');
    for (const secret of [PERSON.name, PERSON.email, PERSON.phone, 'The key feel', 'Mechanical keyboard', 'cust-88231']) expect(res.body).not.toContain(secret);
  });

  it('403 without telling anything about the case for a missing, malformed, forged, other case’s or expired token; 404 for a signed link to no case', async () => {
    const { caseId } = await seed({ status: 'in_review', locale: 'en' });
    const { caseId: other } = await seed({ status: 'in_review' });
    const cases: Array<[string | undefined, number, string]> = [
      [undefined, 403, 'This link is not valid'],
      ['garbage', 403, 'This link is not valid'],
      [tokenFor(caseId, 30 * DAY, 'another-secret'), 403, 'This link is not valid'],
      [tokenFor(other), 403, 'This link is not valid'],
      [tokenFor(caseId, -1000), 403, 'This link has expired'],
    ];
    for (const [token, status, text] of cases) {
      const res = await call('GET', caseId, token, { language: 'en-GB,en;q=0.9' });
      expect(res.status, String(token)).toBe(status);
      expect(res.body).toContain(text);
      expect(res.body).not.toContain('Return request');
      expect(res.body).not.toContain('<ol');
      expect(res.headers['cache-control']).toBe('no-store');
    }
    // Before the link is checked the page speaks the browser's language.
    expect((await call('GET', caseId, 'garbage', { language: 'zh-CN' })).body).toContain('该链接无效');
    expect((await call('GET', 'not-a-case', tokenFor('not-a-case'))).status).toBe(403);
    const unknown = 'AS-ZZZZZZZZZZZZ';
    const missing = await call('GET', unknown, tokenFor(unknown), { language: 'en' });
    expect(missing.status).toBe(404);
    expect(missing.body).toContain('We could not find this request.');
  });

  it('a closed case shows its outcome and every step done', async () => {
    const { caseId } = await seed({ status: 'closed', outcome: 'rejected', locale: 'en' });
    const res = await call('GET', caseId, tokenFor(caseId));
    expect(res.body).toContain('We could not approve your request.');
    expect(res.body).toContain('<ol class="progress"><li class="done">Request received</li><li class="done">Review</li><li class="done">Done</li></ol>');
  });
});

describe('status page: the operator’s words', () => {
  const at = new Date().toISOString();
  const ask = (reason: string) => ({
    reviewMode: 'manual' as const,
    operatorDecision: { decision: 'request_evidence', reason, operator: 'jane', at },
    decision: { decision: 'needs_evidence', rule: 'operator', at, by: 'jane', reason },
  });
  const rejection = (reason: string) => ({
    outcome: 'rejected' as const,
    operatorDecision: { decision: 'reject', reason, operator: 'jane', at },
    decision: { decision: 'reject', rule: 'operator', reasonCode: 'manual_rejected', at, by: 'jane', reason },
  });
  const HOSTILE = 'Send the <b>serial</b> photo\n<script>alert("x")</script> & more 📷';
  const ESCAPED = 'Send the &lt;b&gt;serial&lt;/b&gt; photo<br>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more 📷';

  it('while evidence is awaited: what the operator asks for, escaped, in place of the general request for photos (en)', async () => {
    const { caseId } = await seed({ status: 'awaiting_evidence', locale: 'en', ...ask(HOSTILE) });
    const res = await call('GET', caseId, tokenFor(caseId));
    expect(res.status).toBe(200);
    expect(res.body).toContain('Our team asks you for the following.');
    expect(res.body).toContain('Our team’s note:');
    expect(res.body).toContain(`<blockquote class="note">${ESCAPED}</blockquote>`);
    expect(res.body).not.toMatch(/<script|<b>/);
    expect(res.body).not.toContain('Please add photos of the damage and the packaging');
  });

  it('in the customer’s language (zh-CN), and cut at 500 code points', async () => {
    const long = `${'请补拍序列号照片。'.repeat(60)}`;
    const { caseId } = await seed({ status: 'awaiting_evidence', ...ask(long) });
    const res = await call('GET', caseId, tokenFor(caseId));
    expect(res.body).toContain('售后专员请您补充以下内容');
    expect(res.body).toContain('售后专员的说明：');
    const quoted = /<blockquote class="note">([^<]*)<\/blockquote>/.exec(res.body)?.[1] ?? '';
    expect(Array.from(quoted)).toHaveLength(500);
    expect(quoted.endsWith('…')).toBe(true);
  });

  it('once the evidence is in, the request is no longer shown', async () => {
    const { caseId } = await seed({ status: 'awaiting_review', locale: 'en', ...ask('A photo of the serial number.') });
    const res = await call('GET', caseId, tokenFor(caseId));
    expect(res.body).toContain('We are reviewing your request');
    expect(res.body).not.toContain('A photo of the serial number.');
  });

  it.each([
    ['en', 'We could not approve your request.', 'Our team’s note:'],
    ['zh-CN', '很抱歉，您的申请未能通过。', '售后专员的说明：'],
  ] as const)('after an operator’s rejection (%s): the reason they gave, escaped', async (locale, outcome, by) => {
    const { caseId } = await seed({ status: 'closed', locale, ...rejection(HOSTILE) });
    const res = await call('GET', caseId, tokenFor(caseId));
    expect(res.body).toContain(outcome);
    expect(res.body).toContain(by);
    expect(res.body).toContain(`<blockquote class="note">${ESCAPED}</blockquote>`);
    expect(res.body).not.toContain('manual_rejected');
  });

  it('a policy rejection, or one a dispute reopened, quotes nothing', async () => {
    const { caseId } = await seed({
      status: 'closed',
      outcome: 'rejected',
      locale: 'en',
      decision: { decision: 'reject', rule: 'return.no_reason_window', reasonCode: 'window_expired', at },
    });
    const policy = await call('GET', caseId, tokenFor(caseId));
    expect(policy.body).toContain('Our message to you explains why.');
    expect(policy.body).not.toContain('<blockquote');
    const disputed = rejection('Bought 40 days ago.');
    const { caseId: reopened } = await seed({ status: 'in_review', locale: 'en', ...disputed, decision: { ...disputed.decision, reasonCode: 'dispute' } });
    expect((await call('GET', reopened, tokenFor(reopened))).body).not.toContain('Bought 40 days ago.');
  });
});

describe('status page: on hold, keep waiting or cancel', () => {
  it('shows the reason, since when, the expected resumption and the two choices under #choice; not the due date the pause voided', async () => {
    const { caseId } = await seed({ type: 'repair', status: 'awaiting_return', returnReceivedAt: PAUSE.since, dueAt: '2031-01-01T00:00:00.000Z', locale: 'en', pause: PAUSE });
    const token = tokenFor(caseId);
    const res = await call('GET', caseId, token);
    expect(res.status).toBe(200);
    expect(res.body).toContain('<section id="choice"');
    expect(res.body).toContain('<dd>Waiting for parts</dd>');
    expect(res.body).toContain('We expect to continue by');
    expect(res.body).toContain(`<form method="post" action="/cases/${caseId}/status?token=${encodeURIComponent(token).replace(/&/g, '&amp;')}">`);
    expect(res.body).toContain('<button type="submit" name="choice" value="wait">Keep waiting</button>');
    expect(res.body).toContain('<button type="submit" name="choice" value="cancel" class="secondary">Cancel my request</button>');
    expect(res.body).not.toContain('2031');
  });

  it('wait: 303 back to the page (post/redirect/get), noted on the timeline; the page then thanks the customer', async () => {
    const { caseId } = await seed({ type: 'repair', status: 'awaiting_return', locale: 'en', pause: PAUSE });
    const token = tokenFor(caseId);
    const res = await call('POST', caseId, token, { body: 'choice=wait' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`?token=${encodeURIComponent(token)}&done=wait#choice`);
    const events = (await cases.view(caseId))!.timeline;
    expect(events.find((e) => e.event === 'pause_wait_chosen')).toMatchObject({ actor: 'customer', detail: { via: 'status_page', pause: 1 } });
    expect((await cases.get(caseId))?.cancelRequested).toBeUndefined();
    const after = await call('GET', caseId, token, { query: { done: 'wait' } });
    expect(after.body).toContain('Thank you for waiting.');
  });

  it('cancel: takes the order platform’s cancellation path and ends the case’s wait', async () => {
    const { caseId } = await seed({ type: 'repair', status: 'awaiting_return', waitingFor: 'return', locale: 'en', pause: PAUSE });
    const { executionArn } = env.sfn!.service.startExecution({ stateMachineArn: returnMachine, name: caseId, input: JSON.stringify({ caseId }) });
    await taskTokenRegistered(env, caseId, 'return');
    const res = await call('POST', caseId, tokenFor(caseId), { body: 'choice=cancel' });
    expect(res.status).toBe(303);
    const done = await env.sfn!.service.waitForExecution(executionArn!, 5000);
    expect(JSON.parse(done.output!)).toEqual({ signal: 'cancelled' });
    expect((await cases.get(caseId))?.cancelRequested).toBe(true);
    expect((await cases.view(caseId))!.timeline.find((e) => e.event === 'cancellation_requested')).toMatchObject({ actor: 'customer', detail: { via: 'status_page' } });
  });

  it('409 when the case is not on hold or is closed, 422 for another choice, 403 for a bad link; nothing recorded', async () => {
    const { caseId: running } = await seed({ status: 'in_review', locale: 'en' });
    const notPaused = await call('POST', running, tokenFor(running), { body: 'choice=cancel' });
    expect(notPaused.status).toBe(409);
    expect(notPaused.body).toContain('no longer on hold');
    const { caseId: closed } = await seed({ status: 'closed', outcome: 'approved', locale: 'en', pause: PAUSE });
    expect((await call('POST', closed, tokenFor(closed), { body: 'choice=cancel' })).status).toBe(409);
    const { caseId: paused } = await seed({ type: 'repair', status: 'awaiting_return', locale: 'en', pause: PAUSE });
    for (const body of ['choice=maybe', '', 'choice=']) {
      const res = await call('POST', paused, tokenFor(paused), { body });
      expect(res.status, body).toBe(422);
      expect(res.body).toContain('Please choose one of the two options.');
    }
    expect((await call('POST', paused, tokenFor(paused, -1000), { body: 'choice=cancel' })).status).toBe(403);
    expect((await call('POST', paused, 'forged.token', { body: 'choice=cancel' })).status).toBe(403);
    const { caseId: compensating } = await seed({
      type: 'repair',
      status: 'compensating',
      locale: 'en',
      pause: PAUSE,
      compensation: { instructionId: 'ins-1', kind: 'refund', amount: 1000, currency: 'CNY', status: 'instructed', at: PAUSE.since } as never,
    });
    const tooLate = await call('POST', compensating, tokenFor(compensating), { body: 'choice=cancel' });
    expect(tooLate.status).toBe(409);
    expect(tooLate.body).toContain('can no longer be cancelled');
    for (const id of [running, closed, paused, compensating]) {
      const record = await cases.get(id);
      expect(record?.cancelRequested, id).toBeUndefined();
      expect(
        (await cases.view(id))!.timeline.map((e) => e.event),
        id,
      ).not.toContain('pause_wait_chosen');
    }
  });
});
