/**
 * The operations API's follow-ups (GET /ops/follow-ups, POST /ops/cases/{caseId}/follow-up) and satisfaction report
 * (GET /ops/reports/satisfaction), through the real handler against DynamoDB (dynalite).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaseStore } from '../../functions/adapters/case-store.js';
import { FollowUpStore } from '../../functions/adapters/follow-up-store.js';
import { SatisfactionStore, type SurveyBucket } from '../../functions/adapters/satisfaction-store.js';
import { opsApiConfig, readConfig } from '../../functions/config/functions.js';
import { startHandlerEnv, TABLE_NAME, type HandlerEnv, callOpsApi, type OpsRequestOptions } from './env.js';
import { seedCase, unique } from './fixtures.js';

type Handler = typeof import('../../functions/handlers/ops-api.js')['handler'];

const OPS_TOKEN = 'ops-token-for-follow-up-tests-91c2';
/** Recording a call-back needs an agent (ROUTE_ROLES); the name goes on the record and the timeline. */
const AGENT = { name: 'mei', role: 'agent' } as const;
let env: HandlerEnv;
let handler: Handler;
let cases: CaseStore;
let followUps: FollowUpStore;
let satisfaction: SatisfactionStore;

const request = (method: 'GET' | 'POST', path: string, opts: OpsRequestOptions = {}) => callOpsApi(handler, OPS_TOKEN, method, path, opts);

/** A closed case whose low score opened a follow-up (what the survey answer does). */
async function lowScoreCase(openedAt: string, comment = 'Nobody called me back.') {
  const { caseId, record } = await seedCase(env.db, { record: { status: 'closed', outcome: 'approved', remedy: 'refund' } });
  await followUps.open({ caseId, openedAt, overall: 1, caseType: record.type, orderId: record.orderId, customerId: record.customerId, comment }, new Date());
  return caseId;
}

const recordCallBack = (caseId: string, body: unknown, opts: Pick<OpsRequestOptions, 'operator'> = {}) =>
  request('POST', `/ops/cases/${caseId}/follow-up`, { body: typeof body === 'string' ? body : JSON.stringify(body), ...opts });

beforeAll(async () => {
  env = await startHandlerEnv({});
  cases = new CaseStore(env.db, TABLE_NAME);
  followUps = new FollowUpStore(env.db, TABLE_NAME);
  satisfaction = new SatisfactionStore(env.db, TABLE_NAME);
  handler = (await import('../../functions/handlers/ops-api.js')).createHandler(readConfig(opsApiConfig, { TABLE_NAME }));
});

afterAll(async () => {
  await env?.close();
});

describe('ops-api: follow-ups', () => {
  it('GET /ops/follow-ups lists the open tasks oldest first, with what the caller needs to call back', async () => {
    const later = await lowScoreCase('2030-01-02T08:00:00.000Z', 'later');
    const earlier = await lowScoreCase('2030-01-01T08:00:00.000Z', 'earlier');
    const res = await request('GET', '/ops/follow-ups');
    expect(res.status).toBe(200);
    const ours = (res.json.followUps as Array<Record<string, unknown>>).filter((t) => t.caseId === later || t.caseId === earlier);
    expect(ours.map((t) => t.caseId)).toEqual([earlier, later]);
    expect(ours[0]).toEqual({
      caseId: earlier,
      openedAt: '2030-01-01T08:00:00.000Z',
      overall: 1,
      caseType: 'return',
      orderId: expect.stringMatching(/^ORD-/),
      customerId: 'cust-88231',
      comment: 'earlier',
    });
  });

  it('POST …/follow-up records the call-back: 200, the task leaves the list, the record stays on the case with the operator, on the timeline too', async () => {
    const caseId = await lowScoreCase(new Date().toISOString());
    const res = await recordCallBack(caseId, { outcome: 'reached', note: 'Apologised; offered a coupon.' }, { operator: AGENT });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      caseId,
      followUp: {
        status: 'closed',
        reason: 'low_score',
        overall: 1,
        openedAt: expect.any(String),
        closedAt: expect.any(String),
        outcome: 'reached',
        note: 'Apologised; offered a coupon.',
        by: AGENT.name,
      },
    });
    expect((await followUps.listOpen(1000)).some((t) => t.caseId === caseId)).toBe(false);
    const view = await request('GET', `/ops/cases/${caseId}`);
    expect(view.json.followUp).toMatchObject({ status: 'closed', outcome: 'reached', by: AGENT.name });
    expect(view.json.timeline.find((e: { event: string }) => e.event === 'follow_up_recorded')).toMatchObject({
      actor: `operator:${AGENT.name}`,
      detail: { role: 'agent', outcome: 'reached' },
    });
  });

  it('a viewer sees the follow-ups but cannot record a call-back: 403 forbidden, needs agent; the task stays open', async () => {
    const caseId = await lowScoreCase(new Date().toISOString());
    const viewer = { name: 'wu.viewer', role: 'viewer' } as const;
    expect((await request('GET', '/ops/follow-ups', { operator: viewer })).status).toBe(200);
    // The list shows the customer's comment: the read is in the access log, by name and role, naming no words.
    const audit = await request('GET', '/ops/audit', { query: `caseId=${caseId}`, operator: { name: 'sam.supervisor', role: 'supervisor' } });
    expect(audit.status, JSON.stringify(audit.json)).toBe(200);
    expect(audit.json.entries).toContainEqual(expect.objectContaining({ operator: 'wu.viewer', role: 'viewer', caseId, read: ['survey_comment'], route: 'GET /ops/follow-ups' }));
    const res = await recordCallBack(caseId, { outcome: 'reached', note: 'x' }, { operator: viewer });
    expect(res).toMatchObject({ status: 403, json: { error: 'forbidden', needs: 'agent' } });
    expect((await followUps.listOpen(1000)).some((t) => t.caseId === caseId)).toBe(true);
  });

  it('409 no_open_follow_up for a second record, and for a case without a follow-up; nothing changes', async () => {
    const caseId = await lowScoreCase(new Date().toISOString());
    expect((await recordCallBack(caseId, { outcome: 'unreachable', note: 'No answer twice.' }, { operator: AGENT })).status).toBe(200);
    const again = await recordCallBack(caseId, { outcome: 'reached', note: 'Reached later.' }, { operator: { name: 'someone-else', role: 'supervisor' } });
    expect(again.status).toBe(409);
    expect(again.json.error).toBe('no_open_follow_up');
    expect((await cases.get(caseId))?.followUp).toMatchObject({ outcome: 'unreachable', note: 'No answer twice.', by: AGENT.name });

    const { caseId: plain } = await seedCase(env.db, { record: { status: 'closed', outcome: 'approved' } });
    const none = await recordCallBack(plain, { outcome: 'reached', note: 'x' });
    expect(none.status).toBe(409);
    expect(none.json.error).toBe('no_open_follow_up');
    expect((await cases.get(plain))?.followUp).toBeUndefined();
  });

  it('404 case_not_found for an unknown or malformed case id', async () => {
    for (const id of ['AS-ZZZZZZZZZZZZ', 'not-a-case', '..%2F']) {
      const res = await recordCallBack(id, { outcome: 'reached', note: 'x' });
      expect(res.status, id).toBe(404);
      expect(res.json.error).toBe('case_not_found');
    }
  });

  it('422 invalid_follow_up for a body that is not {outcome, note}', async () => {
    const caseId = await lowScoreCase(new Date().toISOString());
    for (const body of [
      { outcome: 'maybe', note: 'x' },
      { outcome: 'reached' },
      { outcome: 'reached', note: '' },
      { outcome: 'reached', note: 'x'.repeat(1001) },
      { outcome: 'reached', note: 'x', extra: 1 },
      '{not json',
    ]) {
      const res = await recordCallBack(caseId, body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.json.error).toBe('invalid_follow_up');
    }
    expect((await cases.get(caseId))?.followUp?.status).toBe('open');
  });
});

describe('ops-api: GET /ops/reports/satisfaction', () => {
  const bucket = (day: string, type: string, carrier = 'sf-express'): SurveyBucket => ({ day, type, carrier, remedy: 'refund' });
  async function survey(day: string, type: string, answer?: { overall: number; speed?: number }, carrier?: string) {
    const caseId = unique('AS');
    await satisfaction.countInvitation(caseId, bucket(day, type, carrier));
    if (answer) await satisfaction.countAnswer(caseId, answer, bucket(day, type, carrier));
  }

  it('400 invalid_query for missing or impossible days, a reversed or too long range, or an unknown groupBy', async () => {
    for (const query of [
      '',
      'from=2050-01-01',
      'from=2050-02-30&to=2050-03-01',
      'from=2050-03-02&to=2050-03-01',
      'from=2050-01-01&to=2051-01-02',
      'from=2050-01-01&to=2050-01-31&groupBy=kind',
    ]) {
      const res = await request('GET', '/ops/reports/satisfaction', { query });
      expect(res.status, query).toBe(400);
      expect(res.json.error).toBe('invalid_query');
    }
  });

  it('averages, response rate and the change against the previous period of equal length, by type (default) and by carrier', async () => {
    // The previous week: 2 lost invited, 1 answered (overall 2, speed 2).
    await survey('2050-06-03', 'lost', { overall: 2, speed: 2 });
    await survey('2050-06-09', 'lost');
    // This week: 2 lost, both answered (4 and 5, one speed 4); 1 return, unanswered; one day outside either week.
    await survey('2050-06-10', 'lost', { overall: 4, speed: 4 }, 'zto');
    await survey('2050-06-16', 'lost', { overall: 5 });
    await survey('2050-06-12', 'return');
    await survey('2050-06-17', 'return', { overall: 1 });

    const res = await request('GET', '/ops/reports/satisfaction', { query: 'from=2050-06-10&to=2050-06-16' });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ from: '2050-06-10', to: '2050-06-16', groupBy: 'type', previousPeriod: { from: '2050-06-03', to: '2050-06-09' } });
    expect(res.json.groups.map((g: { key: string }) => g.key)).toEqual(['lost', 'return']);
    expect(res.json.groups[0]).toEqual({
      key: 'lost',
      invited: 2,
      answered: 2,
      responseRate: 1,
      averages: { overall: 4.5, speed: 4, resolution: null, attitude: null },
      answers: { overall: 2, speed: 1, resolution: 0, attitude: 0 },
      overallDistribution: { '1': 0, '2': 0, '3': 0, '4': 1, '5': 1 },
      previous: expect.objectContaining({ invited: 2, answered: 1, responseRate: 0.5, averages: { overall: 2, speed: 2, resolution: null, attitude: null } }),
      change: { responseRate: 0.5, averages: { overall: 2.5, speed: 2, resolution: null, attitude: null } },
    });
    expect(res.json.groups[1]).toMatchObject({ key: 'return', invited: 1, answered: 0, responseRate: 0, averages: { overall: null }, change: { responseRate: null } });
    expect(res.json.total).toMatchObject({
      invited: 3,
      answered: 2,
      responseRate: 0.667,
      averages: { overall: 4.5 },
      previous: { invited: 2, answered: 1 },
      change: { averages: { overall: 2.5 } },
    });

    const byCarrier = await request('GET', '/ops/reports/satisfaction', { query: 'from=2050-06-10&to=2050-06-16&groupBy=carrier' });
    expect(byCarrier.json.groups.map((g: { key: string; invited: number }) => `${g.key}:${g.invited}`)).toEqual(['sf-express:2', 'zto:1']);
  });
});
