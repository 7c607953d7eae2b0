import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaseStore } from '../../functions/adapters/case-store.js';
import type { CaseRecord } from '../../functions/domain/case-record.js';
import { LedgerStore } from '../../functions/adapters/ledger-store.js';
import { NoticeStore } from '../../functions/adapters/notice-store.js';
import { OpsAlerts } from '../../functions/adapters/ops-alerts.js';
import { RefundStore } from '../../functions/adapters/refund-store.js';
import { HttpOrderPlatform } from '../../functions/adapters/order-platform.js';
import { WaitStore } from '../../functions/adapters/wait-store.js';
import { addCalendarDays, localDateOf } from '../../functions/domain/working-days.js';
import { cnPolicy } from '../../functions/policies/cn.js';
import { compensate, issueReturnLabel } from '../../functions/use-cases/steps/compensate.js';
import { startOrderPlatformSimulator } from '../../local/simulators/order-platform.js';
import { opsApiConfig, readConfig } from '../../functions/config/functions.js';
import { apiEvent, lambdaContext, sleep, STACK_TRACE, startHandlerEnv, TABLE_NAME, type HandlerEnv, callOpsApi, operatorClaims, type OpsRequestOptions } from './env.js';
import { PERSON, seedCase } from './fixtures.js';
import { addManualReviewMachine, sentToManualReview, startManualReview } from './manual-review.js';
import { oneMarket } from '../markets.js';

type Handler = typeof import('../../functions/handlers/ops-api.js')['handler'];

/** A bearer token as a client sends it; the handler never authenticates by it (the JWT authorizer does). */
const OPS_TOKEN = 'ops-token-for-handler-tests-7f3a';
const SURVEY_TOKEN = 'survey-secret-token-abcdefghijklmnop';
const VIEWER = { name: 'wu.viewer', role: 'viewer' } as const;
const AGENT = { name: 'jane', role: 'agent' } as const;
const SUPERVISOR = { name: 'li.wei', role: 'supervisor' } as const;
let env: HandlerEnv;
let handler: Handler;
let caseId: string;
let cases: CaseStore;
let waits: WaitStore;
let reviewMachine: string;

/** The fields caseReport (functions/use-cases/case-report.ts) documents for the operator's view. */
const REPORT_FIELDS = [
  'caseId',
  'requestId',
  'type',
  'status',
  'outcome',
  'remedy',
  'priority',
  'priorityBand',
  'expedited',
  'orderId',
  'decision',
  'review',
  'choice',
  'dispute',
  'carrier',
  'compensation',
  'chargeBack',
  'returnReceivedAt',
  'dueAt',
  'responseDueAt',
  'waitingFor',
  'cancelRequested',
  'failure',
  'survey',
  'followUp',
  'createdAt',
  'sla',
  'slaBreachedAt',
  'pause',
  'firstResponseMissedAt',
  'updatedAt',
  'closedAt',
  'timeline',
  'notices',
  // The facts to decide from (issue 9, item 6): the description is read for it, and that read is in the access log.
  'assignee',
  'assignedAt',
  'reason',
  'description',
  'customer',
  'items',
  'order',
  'evidence',
  'shipment',
  'returnShipment',
  'returnLabel',
  'costs',
  'trackingIssue',
  'carrierOutage',
];

/** A GET as API Gateway delivers it: by default with a viewer's verified claims; `operator: null` without any. */
async function get(
  fn: Handler,
  path: string,
  opts: { operator?: { name: string; role: string } | null; claims?: Record<string, unknown>; authorization?: string; iamUserArn?: string } = {},
) {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (opts.authorization !== undefined) headers.authorization = opts.authorization;
  const operator = opts.operator === undefined ? VIEWER : opts.operator;
  const jwtClaims = opts.claims ?? (operator ? operatorClaims(operator) : undefined);
  const caseParam = /^\/ops\/cases\/([^/]+)$/.exec(path)?.[1];
  const event = apiEvent({
    method: 'GET',
    path,
    routeKey: 'GET /ops/cases/{caseId}',
    headers,
    ...(caseParam ? { pathParameters: { caseId: caseParam } } : {}),
    ...(opts.iamUserArn ? { iamUserArn: opts.iamUserArn } : {}),
    ...(jwtClaims ? { jwtClaims } : {}),
  });
  const res = (await fn(event, lambdaContext('OpsApi'))) as APIGatewayProxyStructuredResultV2;
  const body = typeof res.body === 'string' ? res.body : JSON.stringify(res.body ?? '');
  expect(body).not.toMatch(STACK_TRACE);
  return { status: res.statusCode, headers: res.headers ?? {}, body, json: JSON.parse(body) as Record<string, any> };
}

/** Any request to the ops API as an operator (default: a supervisor), answered as JSON. */
const request = (method: 'GET' | 'POST', path: string, opts: OpsRequestOptions & { fn?: Handler } = {}) => callOpsApi(opts.fn ?? handler, OPS_TOKEN, method, path, opts);

const decide = (id: string, body: unknown, opts: Pick<OpsRequestOptions, 'operator'> = {}) =>
  request('POST', `/ops/cases/${id}/decision`, { body: typeof body === 'string' ? body : JSON.stringify(body), ...opts });

/** A case the policy sent to manual review, its ManualReview step waiting (the real await-event use case parks the token). */
async function waitingForReview(priority = 50, record: Partial<CaseRecord> = {}) {
  const seeded = await seedCase(env.db, { record: sentToManualReview({ priority, ...record }) });
  const executionArn = await startManualReview(env, reviewMachine, seeded.caseId);
  expect(await cases.get(seeded.caseId)).toMatchObject({ status: 'awaiting_review', waitingFor: 'manual_review' });
  return { ...seeded, executionArn };
}

beforeAll(async () => {
  env = await startHandlerEnv({ sfn: true });
  cases = new CaseStore(env.db, TABLE_NAME);
  waits = new WaitStore(env.db, TABLE_NAME);
  // OPS_TOKEN in the environment, as the local runtime once set it: the handler must not accept it as a credential.
  handler = (await import('../../functions/handlers/ops-api.js')).createHandler(readConfig(opsApiConfig, { TABLE_NAME }));
  reviewMachine = addManualReviewMachine(env, cases, waits);
  const seeded = await seedCase(env.db, {
    record: {
      status: 'resolved',
      outcome: 'approved',
      remedy: 'refund',
      priority: 62,
      priorityBand: 'normal',
      surveyToken: SURVEY_TOKEN,
      decision: { decision: 'approve', rule: 'return.no_reason_within_7_days', at: new Date().toISOString() },
    },
  });
  caseId = seeded.caseId;
  await cases.appendTimeline(caseId, { at: new Date().toISOString(), actor: 'policy', event: 'review_approve', detail: { rule: 'return.no_reason_within_7_days' } });
  const notices = new NoticeStore(env.db, TABLE_NAME);
  await notices.claim(caseId, 'received', 'email', new Date());
  await notices.markSent(caseId, 'received', 'email', new Date(), 'ses-message-1');
  await notices.claim(caseId, 'received', 'sms', new Date());
});

afterAll(async () => {
  await env?.close();
});

describe("ops-api: authentication (the JWT authorizer's claims, nothing else)", () => {
  // Contract change (issue 9): /ops moved from the IAM authorizer and a bearer-token fallback in the handler to the
  // HTTP API JWT authorizer (Cognito). The handler reads who calls from the verified claims only.
  it('401 without credentials', async () => {
    const res = await get(handler, `/ops/cases/${caseId}`, { operator: null });
    expect(res.status).toBe(401);
    expect(res.json.error).toBe('unauthorized');
    expect(res.headers['www-authenticate']).toBe('Bearer');
  });

  it("401 for a bearer token without the authorizer's claims, even one equal to OPS_TOKEN (functions know no local tokens)", async () => {
    for (const authorization of [`Bearer ${OPS_TOKEN}`, 'Bearer dev-ops-token', 'Bearer dev-supervisor-token', OPS_TOKEN, 'Bearer ']) {
      const res = await get(handler, `/ops/cases/${caseId}`, { operator: null, authorization });
      expect(res.status, authorization).toBe(401);
      expect(res.body).not.toContain(caseId);
    }
  });

  it('401 for an IAM-authorized request: the IAM authorizer is gone from /ops', async () => {
    const res = await get(handler, `/ops/cases/${caseId}`, { operator: null, iamUserArn: 'arn:aws:sts::000000000000:assumed-role/AftersalesOps/jane' });
    expect(res.status).toBe(401);
    expect(res.body).not.toContain(caseId);
  });

  it('401 for verified claims without a role group or without a name; unknown groups are no role', async () => {
    for (const claims of [
      { username: 'jane', token_use: 'access' },
      { username: 'jane', 'cognito:groups': '[]', token_use: 'access' },
      { username: 'jane', 'cognito:groups': '[admins auditors]', token_use: 'access' },
      { 'cognito:groups': '[supervisor]', token_use: 'access' },
    ]) {
      expect((await get(handler, `/ops/cases/${caseId}`, { claims })).status, JSON.stringify(claims)).toBe(401);
    }
  });

  it('200 for an ID token (name in cognito:username) and for several groups (the strongest counts)', async () => {
    const idToken = await get(handler, `/ops/cases/${caseId}`, { claims: { 'cognito:username': 'jane', 'cognito:groups': '[viewer]', token_use: 'id', aud: 'client' } });
    expect(idToken.status).toBe(200);
    const both = await get(handler, '/ops/reports/costs', { claims: { username: 'li.wei', 'cognito:groups': '[viewer supervisor]', token_use: 'access' } });
    expect(both.json.error, 'past the role check, to the query check').toBe('invalid_query');
  });
});

describe('ops-api: roles (functions/http/ops-auth.ts ROUTE_ROLES)', () => {
  const today = new Date().toISOString().slice(0, 10);
  const costs = `from=${today}&to=${today}&groupBy=type`;

  it('a viewer reads a case and the review queue, but cannot decide: 403 forbidden, needs agent; nothing changes, nothing resumes', async () => {
    expect((await request('GET', `/ops/cases/${caseId}`, { operator: VIEWER })).status).toBe(200);
    expect((await request('GET', '/ops/reviews', { operator: VIEWER })).status).toBe(200);
    const { caseId: id, executionArn } = await waitingForReview();
    const res = await decide(id, { decision: 'approve', reason: 'looks fine' }, { operator: VIEWER });
    expect(res.status).toBe(403);
    expect(res.json).toMatchObject({ error: 'forbidden', needs: 'agent' });
    expect(await cases.get(id)).toMatchObject({ status: 'awaiting_review' });
    expect((await cases.get(id))!.operatorDecision).toBeUndefined();
    expect((await cases.view(id))!.timeline.map((e) => e.event)).not.toContain('operator_approve');
    expect(env.sfn!.service.describeExecution({ executionArn }).status).toBe('RUNNING');
    env.sfn!.service.stopExecution({ executionArn });
  });

  it('an agent decides, but cannot read reports: 403 forbidden, needs supervisor', async () => {
    const { caseId: id, executionArn } = await waitingForReview();
    expect((await decide(id, { decision: 'reject', reason: 'outside the window' }, { operator: AGENT })).status).toBe(202);
    await env.sfn!.service.waitForExecution(executionArn, 5000);
    for (const path of ['/ops/reports/costs', '/ops/reports/satisfaction']) {
      const res = await request('GET', path, { operator: AGENT, query: costs });
      expect(res.status, path).toBe(403);
      expect(res.json, path).toMatchObject({ error: 'forbidden', needs: 'supervisor' });
      expect(res.body, path).not.toMatch(/total|average/i);
    }
  });

  it('a supervisor reads the reports', async () => {
    for (const path of ['/ops/reports/costs', '/ops/reports/satisfaction']) {
      expect((await request('GET', path, { operator: SUPERVISOR, query: costs })).status, path).toBe(200);
    }
  });
});

describe('ops-api: GET /ops/cases/{caseId}', () => {
  it('200 with the documented fields, the timeline and the sent notices', async () => {
    const res = await get(handler, `/ops/cases/${caseId}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.json).toMatchObject({
      caseId,
      type: 'return',
      status: 'resolved',
      outcome: 'approved',
      remedy: 'refund',
      priority: 62,
      priorityBand: 'normal',
      expedited: false,
      decision: { decision: 'approve', rule: 'return.no_reason_within_7_days' },
    });
    for (const field of Object.keys(res.json)) expect(REPORT_FIELDS, `unexpected field ${field}`).toContain(field);
    expect(res.json.timeline.map((e: { event: string }) => e.event)).toEqual(['case_received', 'review_approve']);
    // Only finished notices (sent or failed) are listed; the SMS still "sending" is not.
    expect(res.json.notices).toEqual([{ milestone: 'received', channel: 'email', status: 'sent', at: expect.any(String) }]);
  });

  it('carries no contact data and no survey link credential anywhere in the body; the description is there to decide from', async () => {
    const res = await get(handler, `/ops/cases/${caseId}`);
    expect(res.status).toBe(200);
    expect(res.json.description).toBe('The key feel is not what I expected.');
    for (const secret of [PERSON.name, PERSON.email, PERSON.phone, SURVEY_TOKEN]) {
      expect(res.body).not.toContain(secret);
    }
    // Item lines carry the product's name; nothing else may have a `name`.
    expect(res.json.items.map((i: { name: string }) => i.name)).toEqual(['Mechanical keyboard, 87 keys, black']);
    const rest = JSON.stringify({ ...res.json, items: undefined, order: { ...res.json.order, items: undefined } });
    for (const field of ['name', 'email', 'phone', 'contact', 'surveyToken', 'providerMessageId']) expect(rest).not.toContain(`"${field}":`);
  });

  it('404 case_not_found for an unknown well-formed id', async () => {
    const res = await get(handler, '/ops/cases/AS-0000000000AB');
    expect(res.status).toBe(404);
    expect(res.json.error).toBe('case_not_found');
  });

  it('404 case_not_found for malformed ids, without touching the table', async () => {
    for (const bad of ['AS-123', 'as-0000000000ab', 'AS-0000000000AI', 'CONTACT', encodeURIComponent('AS-0000000000AB#CONTACT')]) {
      const res = await get(handler, `/ops/cases/${bad}`);
      expect(res.status, bad).toBe(404);
      expect(res.json.error).toBe('case_not_found');
    }
  });

  it('404 not_found for other /ops paths', async () => {
    const res = await get(handler, '/ops/everything');
    expect(res.status).toBe(404);
    expect(res.json.error).toBe('not_found');
  });
});

describe('ops-api: GET /ops/reviews', () => {
  it('lists the open reviews, highest priority first, then the nearest escalation target; nothing personal', async () => {
    const low = await waitingForReview(30);
    await sleep(5);
    const high = await waitingForReview(80);
    await sleep(5);
    const lowLater = await waitingForReview(30);
    const res = await request('GET', '/ops/reviews');
    expect(res.status).toBe(200);
    const mine = (res.json.reviews as Array<Record<string, any>>).filter((r) => [low.caseId, high.caseId, lowLater.caseId].includes(r.caseId));
    expect(mine.map((r) => r.caseId)).toEqual([high.caseId, low.caseId, lowLater.caseId]);
    expect(mine[0]).toEqual({
      caseId: high.caseId,
      type: 'return',
      priority: 80,
      priorityBand: 'normal',
      reasonCode: 'high_value',
      openedAt: expect.any(String),
      reminderAt: expect.any(String),
      escalateAt: expect.any(String),
      escalated: false,
      dispute: 0,
      // What the case's items are worth (the seeded keyboard), for the console's queue.
      value: 39900,
      currency: 'CNY',
    });
    expect(Date.parse(mine[0]!.escalateAt) - Date.parse(mine[0]!.openedAt)).toBe(8 * 3_600_000);
    for (const secret of [PERSON.name, PERSON.email, PERSON.phone]) expect(res.body).not.toContain(secret);
    for (const c of [low, high, lowLater]) env.sfn!.service.stopExecution({ executionArn: c.executionArn });
  });

  it('a decided case leaves the list', async () => {
    const waiting = await waitingForReview(60);
    expect((await request('GET', '/ops/reviews')).json.reviews.map((r: { caseId: string }) => r.caseId)).toContain(waiting.caseId);
    expect((await decide(waiting.caseId, { decision: 'approve', reason: 'photos are clear' })).status).toBe(202);
    await env.sfn!.service.waitForExecution(waiting.executionArn, 5000);
    // The workflow moves the case on (here: as the Compensate step would).
    await cases.update(waiting.caseId, { status: 'compensating' });
    expect((await request('GET', '/ops/reviews')).json.reviews.map((r: { caseId: string }) => r.caseId)).not.toContain(waiting.caseId);
  });
});

describe('ops-api: POST /ops/cases/{caseId}/decision', () => {
  it('202: the decision, the operator and the reason go on the case and its timeline, and the waiting step resumes', async () => {
    const { caseId: id, executionArn } = await waitingForReview();
    const res = await decide(id, { decision: 'approve', reason: 'Customer sent the invoice; value confirmed.', remedy: 'partial_refund', amount: 20000 }, { operator: SUPERVISOR });
    expect(res.status).toBe(202);
    expect(res.json).toEqual({ caseId: id, decision: 'approve' });

    const done = await env.sfn!.service.waitForExecution(executionArn, 5000);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!)).toEqual({ signal: 'approve' });

    expect(await cases.get(id)).toMatchObject({
      outcome: 'approved',
      operatorDecision: {
        decision: 'approve',
        reason: 'Customer sent the invoice; value confirmed.',
        remedy: 'partial_refund',
        amount: 20000,
        operator: SUPERVISOR.name,
        at: expect.any(String),
      },
      decision: { decision: 'approve', rule: 'operator', by: SUPERVISOR.name, reason: 'Customer sent the invoice; value confirmed.' },
    });
    const entry = (await cases.view(id))!.timeline.find((e) => e.event === 'operator_approve');
    expect(entry).toEqual({
      at: expect.any(String),
      actor: `operator:${SUPERVISOR.name}`,
      event: 'operator_approve',
      detail: { role: 'supervisor', reason: 'Customer sent the invoice; value confirmed.', remedy: 'partial_refund', amount: 20000, market: 'CN', policyVersion: cnPolicy.version },
    });
  });

  it('reject: the outcome is rejected with reason code manual_rejected; the signed-in agent is the operator', async () => {
    const { caseId: id, executionArn } = await waitingForReview();
    const res = await decide(id, { decision: 'reject', reason: 'Bought 40 days ago.' }, { operator: AGENT });
    expect(res.status).toBe(202);
    expect(JSON.parse((await env.sfn!.service.waitForExecution(executionArn, 5000)).output!)).toEqual({ signal: 'reject' });
    expect(await cases.get(id)).toMatchObject({
      outcome: 'rejected',
      decision: { decision: 'reject', rule: 'operator', reasonCode: 'manual_rejected', by: AGENT.name, reason: 'Bought 40 days ago.' },
    });
    const entry = (await cases.view(id))!.timeline.find((e) => e.event === 'operator_reject');
    expect(entry).toMatchObject({ actor: `operator:${AGENT.name}`, detail: { role: 'agent', reason: 'Bought 40 days ago.' } });
  });

  it('request_evidence: the evidence will come back to an operator, not to the policy', async () => {
    const { caseId: id, executionArn } = await waitingForReview();
    expect((await decide(id, { decision: 'request_evidence', reason: 'Need a photo of the serial number.' })).status).toBe(202);
    expect(JSON.parse((await env.sfn!.service.waitForExecution(executionArn, 5000)).output!)).toEqual({ signal: 'request_evidence' });
    expect(await cases.get(id)).toMatchObject({ reviewMode: 'manual', decision: { decision: 'needs_evidence', rule: 'operator' } });
  });

  it('409 not_awaiting_review when the case is not waiting for a decision (and a second decision is refused once it moved on)', async () => {
    const res = await decide(caseId, { decision: 'approve', reason: 'looks fine' });
    expect(res.status).toBe(409);
    expect(res.json).toMatchObject({ error: 'not_awaiting_review', message: expect.stringContaining('resolved') });
    expect((await cases.get(caseId))!.operatorDecision).toBeUndefined();
  });

  it('404 for an unknown or malformed case id', async () => {
    expect((await decide('AS-0000000000AB', { decision: 'approve', reason: 'x' })).json).toMatchObject({ error: 'case_not_found' });
    expect((await decide('AS-0000000000AB', { decision: 'approve', reason: 'x' })).status).toBe(404);
    expect((await decide('not-a-case', { decision: 'approve', reason: 'x' })).status).toBe(404);
  });

  it.each([
    ['no body', undefined],
    ['not JSON', '{"decision": "approve",'],
    ['no reason', { decision: 'approve' }],
    ['an empty reason', { decision: 'approve', reason: '' }],
    ['a reason over 1000 characters', { decision: 'approve', reason: 'x'.repeat(1001) }],
    ['an unknown decision', { decision: 'escalate', reason: 'x' }],
    ['an unknown remedy', { decision: 'approve', reason: 'x', remedy: 'voucher' }],
    ['an unknown field', { decision: 'approve', reason: 'x', operator: 'someone-else' }],
  ])('422 invalid_decision for %s; nothing changes and nothing resumes', async (_name, body) => {
    const { caseId: id, executionArn } = await waitingForReview();
    const res = await request('POST', `/ops/cases/${id}/decision`, body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) });
    expect(res.status).toBe(422);
    expect(res.json).toMatchObject({ error: 'invalid_decision', message: expect.any(String), issues: expect.any(Array) });
    expect(await cases.get(id)).toMatchObject({ status: 'awaiting_review' });
    expect((await cases.get(id))!.operatorDecision).toBeUndefined();
    expect(env.sfn!.service.describeExecution({ executionArn }).status).toBe('RUNNING');
    env.sfn!.service.stopExecution({ executionArn });
  });

  // Contract change (issue 9): an amount that is a number but not a positive integer is the money rules' refusal.
  it.each([
    ['a negative amount', -1],
    ['a fractional amount', 10.5],
    ['a zero amount', 0],
  ])('422 invalid_amount (not_positive_integer) for %s; nothing changes and nothing resumes', async (_name, amount) => {
    const { caseId: id, executionArn } = await waitingForReview();
    const res = await decide(id, { decision: 'approve', reason: 'x', remedy: 'partial_refund', amount });
    expect(res.status).toBe(422);
    expect(res.json).toMatchObject({ error: 'invalid_amount', reason: 'not_positive_integer', message: expect.any(String) });
    expect((await cases.get(id))!.operatorDecision).toBeUndefined();
    expect(env.sfn!.service.describeExecution({ executionArn }).status).toBe('RUNNING');
    env.sfn!.service.stopExecution({ executionArn });
  });

  it('401 without operator credentials', async () => {
    const { caseId: id, executionArn } = await waitingForReview();
    const event = apiEvent({
      method: 'POST',
      path: `/ops/cases/${id}/decision`,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ decision: 'approve', reason: 'x' }),
    });
    const res = (await handler(event, lambdaContext('OpsApi'))) as APIGatewayProxyStructuredResultV2;
    expect(res.statusCode).toBe(401);
    expect((await cases.get(id))!.operatorDecision).toBeUndefined();
    env.sfn!.service.stopExecution({ executionArn });
  });
});

describe('ops-api: GET /ops/alerts', () => {
  it('lists the alerts, newest first, without personal data', async () => {
    const alerts = new OpsAlerts(env.db, TABLE_NAME);
    const base = Date.now();
    await alerts.raise({
      kind: 'review_reminder',
      caseId: 'AS-00000000001A',
      at: new Date(base - 2000).toISOString(),
      message: 'Case AS-00000000001A is waiting for a review decision.',
    });
    await alerts.raise({
      kind: 'review_escalated',
      caseId: 'AS-00000000001A',
      at: new Date(base - 1000).toISOString(),
      message: 'Case AS-00000000001A passed its review target and was escalated.',
      detail: { priority: 65 },
    });
    const res = await request('GET', '/ops/alerts');
    expect(res.status).toBe(200);
    const mine = (res.json.alerts as Array<Record<string, any>>).filter((a) => a.caseId === 'AS-00000000001A');
    expect(mine).toEqual([
      { kind: 'review_escalated', caseId: 'AS-00000000001A', at: new Date(base - 1000).toISOString(), message: expect.stringContaining('escalated'), detail: { priority: 65 } },
      { kind: 'review_reminder', caseId: 'AS-00000000001A', at: new Date(base - 2000).toISOString(), message: expect.any(String) },
    ]);
  });
});

describe('ops-api: GET /ops/reports/costs', () => {
  const costs = (query: string) => request('GET', '/ops/reports/costs', { query });

  it.each([
    ['nothing', ''],
    ['no to', 'from=2026-11-01'],
    ['no from', 'to=2026-11-30'],
    ['a date that is not YYYY-MM-DD', 'from=2026-11-1&to=2026-11-30'],
    ['a time instead of a day', 'from=2026-11-01T00:00:00Z&to=2026-11-30'],
    ['from after to', 'from=2026-12-01&to=2026-11-30'],
    ['an unknown groupBy', 'from=2026-11-01&to=2026-11-30&groupBy=customer'],
  ])('400 invalid_query for %s', async (_name, query) => {
    const res = await costs(query);
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ error: 'invalid_query', message: expect.stringContaining('groupBy=type|remedy|carrier') });
  });

  // Regression (was a bug): functions/handlers/ops-api.ts GET /ops/reports/costs checks the days with /^\d{4}-\d{2}-\d{2}$/
  // only, so from=2026-13-01 or 2026-02-30 is answered 200 with empty totals instead of 400 invalid_query (and the
  // range is unbounded: from=0001-01-01&to=9999-12-31 makes ~120,000 sequential queries, one per month and dimension).
  it('400 invalid_query for a day that does not exist', async () => {
    expect((await costs('from=2026-13-01&to=2026-13-02')).status).toBe(400);
    expect((await costs('from=2026-02-30&to=2026-03-01')).status).toBe(400);
  });

  it('totals the ledger after two compensations, by type (the default), remedy and carrier', async () => {
    const platform = await startOrderPlatformSimulator({ token: 'tok', completeAfterMs: -1 });
    try {
      const deps = {
        cases,
        ledger: new LedgerStore(env.db, TABLE_NAME),
        refunds: new RefundStore(env.db, TABLE_NAME),
        orderPlatform: new HttpOrderPlatform(`${platform.url}/`, 'tok'),
        markets: oneMarket(),
      };
      const now = new Date();
      // A return refunded (customer pays the return), and a damaged item exchanged (platform pays the label), by another carrier.
      const returned = await seedCase(env.db, { record: { status: 'awaiting_return' } });
      const damaged = await seedCase(env.db, {
        type: 'damaged',
        record: {
          status: 'awaiting_return',
          shipment: { ...returned.record.shipment, carrier: 'jd-logistics' },
          choice: { remedy: 'exchange', by: 'customer', at: now.toISOString() },
        },
      });
      await compensate(deps, returned.caseId, now);
      await compensate(deps, damaged.caseId, now);
      await compensate(deps, damaged.caseId, now); // a retried step costs nothing more
      await issueReturnLabel(deps, damaged.caseId, now);

      const today = localDateOf(now, 'Asia/Shanghai');
      const range = `from=${addCalendarDays(today, -1)}&to=${addCalendarDays(today, 1)}`;
      const byType = await costs(range);
      expect(byType.status).toBe(200);
      expect(byType.json).toEqual({
        from: addCalendarDays(today, -1),
        to: addCalendarDays(today, 1),
        groupBy: 'type',
        totals: [
          { key: 'damaged', currency: 'CNY', amount: 39900 + cnPolicy.returnShipping.prepaidLabelCost, entries: 2 },
          { key: 'return', currency: 'CNY', amount: 39900, entries: 1 },
        ],
      });
      expect((await costs(`${range}&groupBy=remedy`)).json.totals).toEqual([
        { key: 'exchange', currency: 'CNY', amount: 41100, entries: 2 },
        { key: 'refund', currency: 'CNY', amount: 39900, entries: 1 },
      ]);
      expect((await costs(`${range}&groupBy=carrier`)).json.totals).toEqual([
        { key: 'jd-logistics', currency: 'CNY', amount: 41100, entries: 2 },
        { key: 'sf-express', currency: 'CNY', amount: 39900, entries: 1 },
      ]);
      expect((await costs(`from=${addCalendarDays(today, 2)}&to=${addCalendarDays(today, 40)}`)).json.totals).toEqual([]);
    } finally {
      await platform.close();
    }
  });
});

describe('ops-api: a default market without a valid policy', () => {
  // The route groups build the markets on first use; the default market's policy is still checked at cold start, so
  // the function stops there with the market in the message (the Lambda init error), as every other function does.
  it('stops the function at cold start, naming the market', async () => {
    const { createHandler } = await import('../../functions/handlers/ops-api.js');
    expect(() => createHandler(readConfig(opsApiConfig, { TABLE_NAME, POLICY_MARKET: 'ZZ' }))).toThrow(/no after-sales policy for the default market ZZ/);
  });
});
