import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaseStore } from '../../functions/adapters/case-store.js';
import { NoticeStore } from '../../functions/adapters/notice-store.js';
import { apiEvent, importFresh, lambdaContext, STACK_TRACE, startHandlerEnv, TABLE_NAME, withEnv, type HandlerEnv } from './env.js';
import { PERSON, seedCase } from './fixtures.js';

type Handler = (typeof import('../../functions/handlers/ops-api.js'))['handler'];

const OPS_TOKEN = 'ops-token-for-handler-tests-7f3a';
const SURVEY_TOKEN = 'survey-secret-token-abcdefghijklmnop';
const OPERATOR_ARN = 'arn:aws:sts::000000000000:assumed-role/AftersalesOps/jane';
let env: HandlerEnv;
let handler: Handler;
let caseId: string;

/** The fields caseReport (functions/use-cases/case-report.ts) documents for the operator's view. */
const REPORT_FIELDS = [
  'caseId', 'requestId', 'type', 'status', 'outcome', 'remedy', 'priority', 'priorityBand', 'expedited', 'orderId', 'decision', 'carrier',
  'compensation', 'returnReceivedAt', 'dueAt', 'responseDueAt', 'waitingFor', 'cancelRequested', 'failure', 'survey', 'createdAt',
  'updatedAt', 'closedAt', 'timeline', 'notices',
];

async function get(fn: Handler, path: string, opts: { token?: string; authorization?: string; iamUserArn?: string } = {}) {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (opts.authorization !== undefined) headers.authorization = opts.authorization;
  else if (opts.token !== undefined) headers.authorization = `Bearer ${opts.token}`;
  const caseParam = /^\/ops\/cases\/([^/]+)$/.exec(path)?.[1];
  const event = apiEvent({
    method: 'GET',
    path,
    routeKey: 'GET /ops/cases/{caseId}',
    headers,
    ...(caseParam ? { pathParameters: { caseId: caseParam } } : {}),
    ...(opts.iamUserArn ? { iamUserArn: opts.iamUserArn } : {}),
  });
  const res = (await fn(event, lambdaContext('OpsApi'))) as APIGatewayProxyStructuredResultV2;
  const body = typeof res.body === 'string' ? res.body : JSON.stringify(res.body ?? '');
  expect(body).not.toMatch(STACK_TRACE);
  return { status: res.statusCode, headers: res.headers ?? {}, body, json: JSON.parse(body) as Record<string, any> };
}

beforeAll(async () => {
  env = await startHandlerEnv({});
  handler = (await importFresh(() => import('../../functions/handlers/ops-api.js'), { OPS_TOKEN })).handler;
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
  const cases = new CaseStore(env.db, TABLE_NAME);
  await cases.appendTimeline(caseId, { at: new Date().toISOString(), actor: 'policy', event: 'review_approve', detail: { rule: 'return.no_reason_within_7_days' } });
  const notices = new NoticeStore(env.db, TABLE_NAME);
  await notices.claim(caseId, 'received', 'email', new Date());
  await notices.markSent(caseId, 'received', 'email', new Date(), 'ses-message-1');
  await notices.claim(caseId, 'received', 'sms', new Date());
});

afterAll(async () => {
  await env?.close();
});

describe('ops-api: authentication', () => {
  it('401 without credentials', async () => {
    const res = await get(handler, `/ops/cases/${caseId}`);
    expect(res.status).toBe(401);
    expect(res.json.error).toBe('unauthorized');
    expect(res.headers['www-authenticate']).toBe('Bearer');
  });

  it('401 with a wrong bearer token, a token of another length, or another scheme', async () => {
    for (const authorization of [`Bearer ${OPS_TOKEN.slice(0, -1)}x`, 'Bearer nope', `Basic ${Buffer.from(`ops:${OPS_TOKEN}`).toString('base64')}`, OPS_TOKEN, 'Bearer ']) {
      const res = await get(handler, `/ops/cases/${caseId}`, { authorization });
      expect(res.status, authorization).toBe(401);
      expect(res.body).not.toContain(caseId);
    }
  });

  it('200 for an IAM-authorized request (API Gateway authorizer) on a function without OPS_TOKEN', async () => {
    const restore = withEnv({ OPS_TOKEN: undefined });
    try {
      const iamOnly = (await importFresh(() => import('../../functions/handlers/ops-api.js'))).handler;
      const ok = await get(iamOnly, `/ops/cases/${caseId}`, { iamUserArn: OPERATOR_ARN });
      expect(ok.status).toBe(200);
      expect(ok.json.caseId).toBe(caseId);
      // Without OPS_TOKEN no bearer token is accepted, not even an empty one.
      expect((await get(iamOnly, `/ops/cases/${caseId}`)).status).toBe(401);
      expect((await get(iamOnly, `/ops/cases/${caseId}`, { authorization: 'Bearer ' })).status).toBe(401);
      expect((await get(iamOnly, `/ops/cases/${caseId}`, { authorization: 'Bearer undefined' })).status).toBe(401);
    } finally {
      restore();
    }
  });
});

describe('ops-api: GET /ops/cases/{caseId}', () => {
  it('200 with the documented fields, the timeline and the sent notices', async () => {
    const res = await get(handler, `/ops/cases/${caseId}`, { token: OPS_TOKEN });
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

  it('carries no contact data and no survey link credential anywhere in the body', async () => {
    const res = await get(handler, `/ops/cases/${caseId}`, { token: OPS_TOKEN });
    expect(res.status).toBe(200);
    for (const secret of [PERSON.name, PERSON.email, PERSON.phone, 'The key feel is not what I expected.', SURVEY_TOKEN]) {
      expect(res.body).not.toContain(secret);
    }
    for (const field of ['name', 'email', 'phone', 'contact', 'surveyToken', 'providerMessageId']) expect(res.body).not.toContain(`"${field}":`);
  });

  it('404 case_not_found for an unknown well-formed id', async () => {
    const res = await get(handler, '/ops/cases/AS-0000000000AB', { token: OPS_TOKEN });
    expect(res.status).toBe(404);
    expect(res.json.error).toBe('case_not_found');
  });

  it('404 case_not_found for malformed ids, without touching the table', async () => {
    for (const bad of ['AS-123', 'as-0000000000ab', 'AS-0000000000AI', 'CONTACT', encodeURIComponent('AS-0000000000AB#CONTACT')]) {
      const res = await get(handler, `/ops/cases/${bad}`, { token: OPS_TOKEN });
      expect(res.status, bad).toBe(404);
      expect(res.json.error).toBe('case_not_found');
    }
  });

  it('404 not_found for other /ops paths', async () => {
    const res = await get(handler, '/ops/everything', { token: OPS_TOKEN });
    expect(res.status).toBe(404);
    expect(res.json.error).toBe('not_found');
  });
});
