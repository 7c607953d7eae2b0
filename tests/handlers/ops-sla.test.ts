/**
 * The ops API's SLA routes (functions/http/ops-sla-routes.ts through functions/handlers/ops-api.ts) against real
 * dynalite and local-aws-sqs: pause and resume with their errors and the delay notice on the FIFO notice queue, and
 * the SLA lists from the due index.
 */
import { CreateQueueCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaseStore } from '../../functions/adapters/case-store.js';
import { DedupeStore } from '../../functions/adapters/dedupe-store.js';
import { OpsAlerts } from '../../functions/adapters/ops-alerts.js';
import { ReportCounters } from '../../functions/adapters/report-counters.js';
import { SlaStore } from '../../functions/adapters/sla-store.js';
import { startServiceClock, type SlaDeps } from '../../functions/use-cases/sla-clock.js';
import { runSlaMonitor } from '../../functions/use-cases/sla-monitor.js';
import { closeCase } from '../../functions/use-cases/steps/close-case.js';
import { opsApiConfig, readConfig } from '../../functions/config/functions.js';
import { startHandlerEnv, TABLE_NAME, type HandlerEnv, callOpsApi, type OpsRequestOptions } from './env.js';
import { PERSON, seedCase } from './fixtures.js';
import { oneMarket } from '../markets.js';

type Handler = typeof import('../../functions/handlers/ops-api.js')['handler'];

const OPS_TOKEN = 'ops-token-for-sla-tests-3c9d';
/** Pause and resume need a supervisor (ROUTE_ROLES). */
const SUPERVISOR = { name: 'wang', role: 'supervisor' } as const;
let env: HandlerEnv;
let handler: Handler;
let noticeQueueUrl: string;
let deps: SlaDeps;
let cases: CaseStore;

const sh = (local: string) => new Date(`${local}+08:00`);

const request = (method: 'GET' | 'POST', path: string, opts: OpsRequestOptions = {}) => callOpsApi(handler, OPS_TOKEN, method, path, opts);
const pause = (caseId: string, body: unknown, opts: Pick<OpsRequestOptions, 'operator'> = {}) =>
  request('POST', `/ops/cases/${caseId}/pause`, { body: typeof body === 'string' ? body : JSON.stringify(body), ...opts });
const resume = (caseId: string, body?: unknown, opts: Pick<OpsRequestOptions, 'operator'> = {}) =>
  request('POST', `/ops/cases/${caseId}/resume`, { ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }), ...opts });

async function queuedNotices() {
  const out = await env.sqs!.send(new ReceiveMessageCommand({ QueueUrl: noticeQueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, AttributeNames: ['All'] }));
  return (out.Messages ?? []).map((m) => ({ body: JSON.parse(m.Body!) as Record<string, unknown>, group: m.Attributes?.MessageGroupId }));
}

beforeAll(async () => {
  env = await startHandlerEnv({ sqs: true });
  noticeQueueUrl = (await env.sqs!.send(new CreateQueueCommand({ QueueName: 'sla-notices.fifo', Attributes: { FifoQueue: 'true', ContentBasedDeduplication: 'true' } }))).QueueUrl!;
  cases = new CaseStore(env.db, TABLE_NAME);
  deps = { cases, sla: new SlaStore(env.db, TABLE_NAME), alerts: new OpsAlerts(env.db, TABLE_NAME), markets: oneMarket() };
  handler = (await import('../../functions/handlers/ops-api.js')).createHandler(readConfig(opsApiConfig, { TABLE_NAME, NOTICE_QUEUE_URL: noticeQueueUrl }));
});

afterAll(async () => {
  await env?.close();
});

describe('POST /ops/cases/{caseId}/pause and /resume', () => {
  it('pauses: the pause on the case, the clock standing still, the operator and note on the timeline, one delay notice queued', async () => {
    const { caseId } = await seedCase(env.db, { record: { status: 'compensating' } });
    const clock = await startServiceClock(deps, caseId, new Date(), new Date());
    const expectedResumeBy = new Date(Date.now() + 3 * 86_400_000).toISOString();

    const res = await pause(caseId, { reason: 'factory_service', note: 'sent to the factory for repair', expectedResumeBy }, { operator: SUPERVISOR });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ caseId, pause: { since: expect.any(String), reason: 'factory_service', expectedResumeBy, count: 1 }, dueAt: clock!.dueAt });

    const view = (await request('GET', `/ops/cases/${caseId}`)).json;
    expect(view).toMatchObject({ pause: res.json.pause, sla: { state: 'paused', dueAt: clock!.dueAt }, dueAt: clock!.dueAt });
    expect(view.timeline.find((e: any) => e.event === 'case_paused')).toMatchObject({
      actor: `operator:${SUPERVISOR.name}`,
      detail: { role: 'supervisor', reason: 'factory_service', note: 'sent to the factory for repair', count: 1 },
    });
    expect(await queuedNotices()).toEqual([{ body: { caseId, milestone: 'delay_notice', round: 1, pause: expect.objectContaining({ count: 1 }) }, group: caseId }]);

    expect(await pause(caseId, { reason: 'factory_service', note: 'again' })).toMatchObject({ status: 409, json: { error: 'already_paused' } });
  });

  it('a viewer or an agent cannot pause or resume: 403 forbidden, needs supervisor; the clock keeps running, no notice', async () => {
    const { caseId } = await seedCase(env.db, { record: { status: 'compensating' } });
    await startServiceClock(deps, caseId, new Date(), new Date());
    for (const operator of [
      { name: 'wu.viewer', role: 'viewer' },
      { name: 'jane', role: 'agent' },
    ] as const) {
      const paused = await pause(caseId, { reason: 'force_majeure', note: 'typhoon' }, { operator });
      expect(paused, operator.role).toMatchObject({ status: 403, json: { error: 'forbidden', needs: 'supervisor' } });
      expect(await resume(caseId, { note: 'n' }, { operator }), operator.role).toMatchObject({ status: 403, json: { error: 'forbidden', needs: 'supervisor' } });
    }
    const view = (await request('GET', `/ops/cases/${caseId}`, { operator: { name: 'wu.viewer', role: 'viewer' } })).json;
    expect(view.pause).toBeUndefined();
    expect(view.sla).toMatchObject({ state: 'running' });
    expect(view.timeline.map((e: { event: string }) => e.event)).not.toContain('case_paused');
    expect(await queuedNotices()).toEqual([]);
  });

  it('resumes: the clock runs again, due later by the working time it stood still; a second pause is round 2', async () => {
    const { caseId } = await seedCase(env.db, { record: { status: 'awaiting_return' } });
    const clock = (await startServiceClock(deps, caseId, sh('2026-11-02T10:00:00'), new Date()))!;
    expect((await pause(caseId, { reason: 'force_majeure', note: 'typhoon' })).status).toBe(200);
    await queuedNotices();

    const res = await resume(caseId, { note: 'roads open again' });
    expect(res.status).toBe(200);
    const record = (await cases.get(caseId))!;
    expect(res.json).toEqual({ caseId, dueAt: record.dueAt });
    expect(record.pause).toBeUndefined();
    expect(record.sla).toMatchObject({ state: 'running', baseDueAt: clock.dueAt, pauses: [{ from: expect.any(String), to: expect.any(String) }] });
    expect(Date.parse(record.dueAt!) - Date.parse(clock.dueAt!)).toBe(record.sla!.pausedWorkingMs);
    expect((await request('GET', `/ops/cases/${caseId}`)).json.timeline.map((e: any) => e.event)).toEqual(expect.arrayContaining(['case_paused', 'case_resumed']));

    expect(await resume(caseId)).toMatchObject({ status: 409, json: { error: 'not_paused' } });
    expect((await pause(caseId, { reason: 'awaiting_parts', note: 'part on order' })).json.pause).toMatchObject({ count: 2 });
    expect(await queuedNotices()).toEqual([{ body: { caseId, milestone: 'delay_notice', round: 2, pause: expect.objectContaining({ count: 2 }) }, group: caseId }]);
  });

  it('refuses a closed case, and answers 404 for a case that does not exist', async () => {
    const { caseId } = await seedCase(env.db, { record: { status: 'closed', outcome: 'approved' } });
    expect(await pause(caseId, { reason: 'force_majeure', note: 'n' })).toMatchObject({ status: 409, json: { error: 'case_closed', message: expect.any(String) } });
    expect(await resume(caseId)).toMatchObject({ status: 409, json: { error: 'case_closed' } });
    expect(await pause('AS-000000000000', { reason: 'force_majeure', note: 'n' })).toMatchObject({ status: 404, json: { error: 'case_not_found' } });
    expect(await resume('not-a-case-id')).toMatchObject({ status: 404, json: { error: 'case_not_found' } });
    expect(await queuedNotices()).toEqual([]);
  });

  it.each([
    ['an unknown reason', { reason: 'bad_weather', note: 'n' }, 'reason'],
    ['no note', { reason: 'force_majeure' }, 'note'],
    ['an unknown field', { reason: 'force_majeure', note: 'n', customerPhone: PERSON.phone }, ''],
    ['expectedResumeBy in the past', { reason: 'force_majeure', note: 'n', expectedResumeBy: '2020-01-01T00:00:00Z' }, 'expectedResumeBy'],
    ['expectedResumeBy not a time', { reason: 'force_majeure', note: 'n', expectedResumeBy: 'next week' }, 'expectedResumeBy'],
    ['not JSON', '{"reason":', undefined],
  ])('422 invalid_pause for %s, changing nothing', async (_what, body, issue) => {
    const { caseId } = await seedCase(env.db, { record: { status: 'compensating' } });
    const res = await pause(caseId, body);
    expect(res).toMatchObject({ status: 422, json: { error: 'invalid_pause', message: expect.stringContaining('force_majeure') } });
    if (issue !== undefined) expect(res.json.issues).toContain(issue);
    expect(JSON.stringify(res.json)).not.toContain(PERSON.phone);
    expect((await cases.get(caseId))!.pause).toBeUndefined();
  });

  it('422 invalid_resume for a body that is not {"note"}', async () => {
    const { caseId } = await seedCase(env.db, { record: { status: 'compensating' } });
    await pause(caseId, { reason: 'force_majeure', note: 'n' });
    await queuedNotices();
    expect(await resume(caseId, { note: 42 })).toMatchObject({ status: 422, json: { error: 'invalid_resume' } });
    expect((await cases.get(caseId))!.pause).toBeDefined();
  });
});

describe('GET /ops/cases?sla=', () => {
  it('lists breached cases nearest due first, from the due index, with nothing personal', async () => {
    const later = await seedCase(env.db, { record: { status: 'compensating' } });
    const earlier = await seedCase(env.db, { record: { status: 'compensating', expedited: true } });
    await startServiceClock(deps, later.caseId, sh('2025-03-03T10:00:00'), new Date()); // due end of 2025-03-12
    await startServiceClock(deps, earlier.caseId, sh('2025-03-03T10:00:00'), new Date()); // expedited: end of 2025-03-06
    await runSlaMonitor({ ...deps, metrics: { count: () => undefined } }, new Date('2025-03-20T00:00:00Z'));

    const res = await request('GET', '/ops/cases', { query: 'sla=breached' });
    expect(res.status).toBe(200);
    expect(res.json.sla).toBe('breached');
    const ids = res.json.cases.map((c: any) => c.caseId);
    expect(ids.indexOf(earlier.caseId)).toBeGreaterThanOrEqual(0);
    expect(ids.indexOf(earlier.caseId)).toBeLessThan(ids.indexOf(later.caseId));
    expect(res.json.cases.find((c: any) => c.caseId === earlier.caseId)).toMatchObject({
      type: 'return',
      status: 'compensating',
      expedited: true,
      workingDays: 3,
      state: 'breached',
      dueAt: new Date('2025-03-06T23:59:59.999+08:00').toISOString(),
    });
    expect(JSON.stringify(res.json)).not.toMatch(/Li Wei|李伟|@example\.com|\+86/);
    expect((await request('GET', '/ops/cases', { query: 'sla=due_soon' })).json.cases.map((c: any) => c.caseId)).not.toContain(earlier.caseId);
  });

  it('lists cases whose due date the calendar cannot give (beyond its horizon)', async () => {
    const { caseId } = await seedCase(env.db, { record: { status: 'compensating' } });
    await startServiceClock(deps, caseId, sh('2028-12-28T10:00:00'), new Date());
    const res = await request('GET', '/ops/cases', { query: 'sla=unknown' });
    expect(res.json.cases.find((c: any) => c.caseId === caseId)).toMatchObject({ state: 'unknown', unknownReason: "due date unknown: beyond the calendar's horizon 2028-12-31" });
  });

  it('shows a due date counted on predicted holidays as provisional, in the list and the case view', async () => {
    const { caseId } = await seedCase(env.db, { record: { status: 'compensating' } });
    await startServiceClock(deps, caseId, sh('2026-12-28T10:00:00'), new Date());
    await runSlaMonitor({ ...deps, metrics: { count: () => undefined } }, sh('2027-01-07T10:00:00'));
    const listed = (await request('GET', '/ops/cases', { query: 'sla=due_soon' })).json.cases.find((c: any) => c.caseId === caseId);
    expect(listed).toMatchObject({ state: 'due_soon', dueAt: new Date('2027-01-07T23:59:59.999+08:00').toISOString(), provisional: true, provisionalFrom: '2027-01-01' });
    const view = (await request('GET', `/ops/cases/${caseId}`)).json;
    expect(view).toMatchObject({ dueProvisional: true, sla: { provisional: true, provisionalFrom: '2027-01-01' } });
    expect(view.timeline.map((e: any) => e.event)).toContain('sla_due_provisional');
  });

  it('lists paused cases oldest pause first, with the pause; never alerted while paused; resumed: back in running; closed: gone', async () => {
    const first = await seedCase(env.db, { record: { status: 'compensating' } });
    const second = await seedCase(env.db, { record: { status: 'awaiting_return' } });
    // Started long ago: both are past due, so only the pause keeps the monitor from breaching them.
    for (const { caseId } of [first, second]) await startServiceClock(deps, caseId, sh('2025-03-03T10:00:00'), new Date());
    const expectedResumeBy = new Date(Date.now() + 5 * 86_400_000).toISOString();
    const firstPause = (await pause(first.caseId, { reason: 'awaiting_parts', note: 'part from the factory', expectedResumeBy }, { operator: SUPERVISOR })).json.pause;
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect((await pause(second.caseId, { reason: 'force_majeure', note: 'typhoon' }, { operator: SUPERVISOR })).status).toBe(200);
    await queuedNotices();
    const pausedIds = async () => (await request('GET', '/ops/cases', { query: 'sla=paused' })).json.cases.map((c: any) => c.caseId) as string[];

    const res = await request('GET', '/ops/cases', { query: 'sla=paused' });
    expect(res).toMatchObject({ status: 200, json: { sla: 'paused' } });
    const ids = res.json.cases.map((c: any) => c.caseId);
    expect(ids.indexOf(first.caseId)).toBeGreaterThanOrEqual(0);
    expect(ids.indexOf(first.caseId)).toBeLessThan(ids.indexOf(second.caseId));
    expect(res.json.cases.find((c: any) => c.caseId === first.caseId)).toMatchObject({
      type: 'return',
      status: 'compensating',
      state: 'paused',
      workingDays: 7,
      pause: { since: firstPause.since, reason: 'awaiting_parts', expectedResumeBy, count: 1 },
    });
    expect(JSON.stringify(res.json)).not.toMatch(/Li Wei|李伟|@example\.com|\+86|part from the factory|typhoon/);

    // Past due while paused: the monitor never sweeps the paused list.
    const alertsOf = async (caseId: string) => (await deps.alerts.recent(200)).filter((a) => a.caseId === caseId).map((a) => a.kind);
    const whilePaused = await runSlaMonitor({ ...deps, metrics: { count: () => undefined } }, new Date());
    expect(JSON.stringify(whilePaused)).not.toContain(first.caseId);
    expect(await alertsOf(first.caseId)).toEqual([]);
    expect((await request('GET', '/ops/cases', { query: 'sla=breached' })).json.cases.map((c: any) => c.caseId)).not.toContain(first.caseId);

    // Resumed: off the paused list, back in the due index (running), where the monitor finds it past due.
    expect((await resume(first.caseId, { note: 'part arrived' }, { operator: SUPERVISOR })).status).toBe(200);
    expect(await pausedIds()).not.toContain(first.caseId);
    expect((await deps.sla.listIndexed('running', { limit: 1000 })).map((e) => e.caseId)).toContain(first.caseId);
    await runSlaMonitor({ ...deps, metrics: { count: () => undefined } }, new Date());
    expect(await alertsOf(first.caseId)).toEqual(['sla_breached']);

    // Closed while paused: it leaves the paused partition itself, not only the list's filter.
    await closeCase(
      { cases, dedupe: new DedupeStore(env.db, TABLE_NAME), sla: deps.sla, reports: new ReportCounters(env.db, TABLE_NAME), markets: oneMarket() },
      second.caseId,
      'cancelled',
      new Date(),
    );
    expect(await pausedIds()).not.toContain(second.caseId);
    expect((await deps.sla.listIndexed('paused', { limit: 1000 })).map((e) => e.caseId)).not.toContain(second.caseId);
  });

  it.each(['', 'sla=running', 'sla=late', 'status=open'])('400 invalid_query for "%s"', async (query) => {
    expect(await request('GET', '/ops/cases', { query })).toMatchObject({
      status: 400,
      json: { error: 'invalid_query', message: expect.stringContaining('due_soon|breached|unknown|paused') },
    });
  });
});
