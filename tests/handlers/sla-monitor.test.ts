/**
 * The SLA monitor (functions/handlers/sla-monitor.ts) against real dynalite with the stack's due index (gsi2): clocks
 * started by the real use cases at fixed dates, the monitor invoked with EventBridge scheduled events at fixed times.
 * Tests run in date order: a later run may breach an earlier test's leftovers, which no earlier assertion depends on.
 */
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { CaseStore } from '../../functions/adapters/case-store.js';
import { DedupeStore } from '../../functions/adapters/dedupe-store.js';
import { OpsAlerts } from '../../functions/adapters/ops-alerts.js';
import { ReportCounters } from '../../functions/adapters/report-counters.js';
import { SlaStore } from '../../functions/adapters/sla-store.js';
import { createCnCalendar } from '../../functions/domain/cn-calendar.js';
import { pauseCase, resumeCase, type DelayNoticeMessage } from '../../functions/use-cases/pause-case.js';
import { startFirstResponseTarget, startServiceClock, type SlaDeps } from '../../functions/use-cases/sla-clock.js';
import { listSla } from '../../functions/use-cases/sla-list.js';
import { runSlaMonitor } from '../../functions/use-cases/sla-monitor.js';
import { classify } from '../../functions/use-cases/steps/classify.js';
import { closeCase } from '../../functions/use-cases/steps/close-case.js';
import { readConfig, slaMonitorConfig } from '../../functions/config/functions.js';
import { startHandlerEnv, TABLE_NAME, withEnv, type HandlerEnv } from './env.js';
import { PERSON, seedCase } from './fixtures.js';
import type { Operator } from '../../functions/domain/operators.js';
import { oneMarket } from '../markets.js';

const JANE: Operator = { name: 'ops-jane', role: 'supervisor' };

type Handler = typeof import('../../functions/handlers/sla-monitor.js')['handler'];

let env: HandlerEnv;
let handler: Handler;
let restoreEnv: (() => void) | undefined;
let deps: SlaDeps;
let cases: CaseStore;
let sla: SlaStore;
let alerts: OpsAlerts;

const sh = (local: string) => new Date(`${local}+08:00`);
const endOfShanghaiDay = (date: string) => new Date(`${date}T23:59:59.999+08:00`).toISOString();
/** The event EventBridge sends a rule's target; its `time` is the monitor's "now". */
const tick = (at: Date) => ({
  version: '0',
  id: 'tick',
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '000000000000',
  time: at.toISOString(),
  region: 'us-east-1',
  resources: ['arn:aws:events:us-east-1:000000000000:rule/SlaMonitorSchedule'],
  detail: {},
});
const alertsFor = async (caseId: string) => (await alerts.recent(100)).filter((a) => a.caseId === caseId);
const eventsOf = async (caseId: string) => (await cases.view(caseId))!.timeline.map((e) => e.event);
const rawItem = async (caseId: string) => (await env.db.send(new GetCommand({ TableName: TABLE_NAME, Key: { pk: `CASE#${caseId}`, sk: 'CASE' } }))).Item!;
const listed = async (state: 'due_soon' | 'breached' | 'unknown' | 'paused') => (await listSla(sla, state)).map((c) => c.caseId);

/** A case with its service clock started by the real use case at `startedAt`. */
async function withClock(startedAt: Date, opts: { type?: 'return' | 'exchange' | 'damaged'; expedited?: boolean; status?: string } = {}) {
  const { caseId } = await seedCase(env.db, { type: opts.type ?? 'return', record: { status: (opts.status ?? 'compensating') as never, expedited: opts.expedited ?? false } });
  const clock = await startServiceClock(deps, caseId, startedAt, startedAt);
  return { caseId, clock: clock! };
}

/** EMF lines the handler writes to stdout, parsed. */
function captureMetrics() {
  const lines: Array<Record<string, any>> = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    const text = String(chunk);
    if (text.startsWith('{"_aws"')) lines.push(JSON.parse(text));
    return true;
  });
  return { lines, restore: () => spy.mockRestore() };
}

beforeAll(async () => {
  env = await startHandlerEnv({});
  cases = new CaseStore(env.db, TABLE_NAME);
  sla = new SlaStore(env.db, TABLE_NAME);
  alerts = new OpsAlerts(env.db, TABLE_NAME);
  deps = { cases, sla, alerts, markets: oneMarket() };
  // Metrics on: Powertools reads its own switch from the environment (each count builds a single metric), so it stays
  // set while this file runs. No OPS_ALERTS_TOPIC_ARN in the config: the alerts are kept in the table only.
  restoreEnv = withEnv({ POWERTOOLS_METRICS_DISABLED: 'false' });
  const { createHandler } = await import('../../functions/handlers/sla-monitor.js');
  handler = createHandler(readConfig(slaMonitorConfig, { TABLE_NAME }));
});

afterAll(async () => {
  restoreEnv?.();
  vi.restoreAllMocks();
  await env?.close();
});

describe('sla monitor: due soon, then breached', () => {
  it('alerts once per threshold, records the breach on the case and its timeline, and counts a metric', async () => {
    // Arrival Monday 2025-03-03: 7 working days → due at the end of Wednesday 2025-03-12.
    const { caseId, clock } = await withClock(sh('2025-03-03T10:00:00'));
    expect(clock).toMatchObject({ state: 'running', dueAt: endOfShanghaiDay('2025-03-12') });
    // The case's `dueAt` is read from its clock (not stored twice since 5 December 2026, adapters/case-store.ts).
    expect(await rawItem(caseId)).toMatchObject({ gsi2pk: 'SLA#running', gsi2sk: `${clock.dueAt}#${caseId}`, sla: { dueAt: clock.dueAt } });
    for (const mirror of ['dueAt', 'serviceWorkingDays']) expect(await rawItem(caseId)).not.toHaveProperty(mirror);
    expect(await deps.cases.get(caseId)).toMatchObject({ dueAt: clock.dueAt, serviceWorkingDays: clock.workingDays });

    // Monday: more than a working day left.
    await handler(tick(sh('2025-03-10T12:00:00')));
    expect(await alertsFor(caseId)).toEqual([]);

    // Wednesday morning: due soon, alerted once however often the monitor runs.
    await handler(tick(sh('2025-03-12T09:00:00')));
    await handler(tick(sh('2025-03-12T09:05:00')));
    expect((await alertsFor(caseId)).map((a) => a.kind)).toEqual(['sla_due_soon']);
    expect(await listed('due_soon')).toContain(caseId);
    expect(await cases.get(caseId)).toMatchObject({ sla: { state: 'due_soon', dueSoonAt: sh('2025-03-12T09:00:00').toISOString() } });

    // Past midnight: breached, alerted once, recorded, counted.
    const metrics = captureMetrics();
    try {
      await handler(tick(sh('2025-03-13T00:30:00')));
      await handler(tick(sh('2025-03-13T00:35:00')));
      await handler(tick(sh('2025-03-14T10:00:00')));
    } finally {
      metrics.restore();
    }
    const raised = await alertsFor(caseId);
    expect(raised.map((a) => a.kind).sort()).toEqual(['sla_breached', 'sla_due_soon']);
    expect(raised.find((a) => a.kind === 'sla_breached')).toMatchObject({
      message: expect.stringContaining(clock.dueAt!),
      detail: { dueAt: clock.dueAt, service: 'return', limit: 'return' },
    });
    expect(raised.find((a) => a.kind === 'sla_breached')!.message).toContain('(return service (review + refund), 7 working days from arrival)');
    expect(JSON.stringify(raised)).not.toMatch(/Li Wei|李伟|@example\.com|\+86/);
    const breachedAt = sh('2025-03-13T00:30:00').toISOString();
    expect(await cases.get(caseId)).toMatchObject({ slaBreachedAt: breachedAt, sla: { state: 'breached', breachedAt, dueAt: clock.dueAt } });
    expect(await rawItem(caseId)).toMatchObject({ gsi2pk: 'SLA#breached' });
    expect(await listed('breached')).toContain(caseId);
    expect(await listed('due_soon')).not.toContain(caseId);
    const timeline = await eventsOf(caseId);
    expect(timeline.filter((e) => e.startsWith('sla_'))).toEqual(['sla_started', 'sla_due_soon', 'sla_breached']);
    const breaches = metrics.lines.filter((line) => 'SlaBreached' in line);
    // Powertools Metrics: the total (service alone) and the breakdown by SLA service, one EMF line per count.
    expect(breaches).toContainEqual(
      expect.objectContaining({
        service: 'aftersales',
        SlaService: 'return',
        SlaBreached: 1,
        _aws: expect.objectContaining({
          CloudWatchMetrics: [{ Namespace: 'Aftersales', Dimensions: [['service'], ['service', 'SlaService']], Metrics: [{ Name: 'SlaBreached', Unit: 'Count' }] }],
        }),
      }),
    );
    expect(JSON.stringify(breaches)).not.toContain(caseId);
  });

  it('lists breached cases nearest due first', async () => {
    const later = await withClock(sh('2025-03-04T10:00:00'), { type: 'exchange', expedited: true }); // 7 → end of Mar 13
    const earlier = await withClock(sh('2025-03-04T10:00:00'), { expedited: true }); // 3 → end of Mar 7
    await handler(tick(sh('2025-03-20T10:00:00')));
    const order = await listed('breached');
    expect(order.indexOf(earlier.caseId)).toBeGreaterThanOrEqual(0);
    expect(order.indexOf(earlier.caseId)).toBeLessThan(order.indexOf(later.caseId));
    const entry = (await listSla(sla, 'breached')).find((c) => c.caseId === later.caseId);
    expect(entry).toMatchObject({ type: 'exchange', service: 'exchange', expedited: true, workingDays: 7, dueAt: endOfShanghaiDay('2025-03-13'), state: 'breached' });
    expect(JSON.stringify(entry)).not.toContain(PERSON.email);
  });
});

describe('sla monitor: a paused case', () => {
  it('is never breached while paused; resumed, it is due later by the working time paused', async () => {
    // Arrival Monday 2025-06-09: due at the end of Wednesday 2025-06-18.
    const { caseId, clock } = await withClock(sh('2025-06-09T10:00:00'));
    const sent: DelayNoticeMessage[] = [];
    const notices = { send: async (message: DelayNoticeMessage) => void sent.push(message) } as never;
    const paused = await pauseCase(
      { ...deps, notices },
      caseId,
      { reason: 'awaiting_parts', note: 'factory sends the part', expectedResumeBy: sh('2025-06-20T10:00:00').toISOString() },
      JANE,
      sh('2025-06-16T10:00:00'),
    );
    expect(paused).toMatchObject({ status: 'done', pause: { since: sh('2025-06-16T10:00:00').toISOString(), reason: 'awaiting_parts', count: 1 } });
    expect(sent).toEqual([{ caseId, milestone: 'delay_notice', round: 1, pause: expect.objectContaining({ reason: 'awaiting_parts', count: 1 }) }]);
    // Out of the due index, on the paused list by the pause's start (issue 10; was: no gsi2pk at all).
    expect(await rawItem(caseId)).toMatchObject({ gsi2pk: 'SLA#paused', gsi2sk: `${sh('2025-06-16T10:00:00').toISOString()}#${caseId}` });
    expect(await listed('paused')).toContain(caseId);

    // Past the original due time, the paused case is neither due soon nor breached, and stays on the paused list.
    await handler(tick(sh('2025-06-19T10:00:00')));
    const report = await runSlaMonitor({ ...deps, metrics: { count: () => undefined } }, sh('2025-06-19T11:00:00'));
    expect(JSON.stringify(report)).not.toContain(caseId);
    expect(await alertsFor(caseId)).toEqual([]);
    expect(await listed('breached')).not.toContain(caseId);
    expect(await listed('due_soon')).not.toContain(caseId);
    expect(await rawItem(caseId)).toMatchObject({ gsi2pk: 'SLA#paused' });
    expect(await cases.get(caseId)).toMatchObject({ sla: { state: 'paused' }, pause: { count: 1 } });

    // Resumed after one working day: due one working day later, Thursday 2025-06-19.
    const resumed = await resumeCase(deps, caseId, { note: 'part arrived' }, JANE, sh('2025-06-17T10:00:00'));
    expect(resumed).toEqual({ status: 'done', dueAt: endOfShanghaiDay('2025-06-19') });
    const record = await cases.get(caseId);
    expect(record).toMatchObject({ dueAt: endOfShanghaiDay('2025-06-19'), pauseCount: 1, sla: { state: 'running', baseDueAt: clock.dueAt, pausedWorkingMs: 86_400_000 } });
    expect(record!.pause).toBeUndefined();
    expect(await rawItem(caseId)).toMatchObject({ gsi2pk: 'SLA#running', gsi2sk: `${endOfShanghaiDay('2025-06-19')}#${caseId}` });
    expect(await listed('paused')).not.toContain(caseId);
    const timeline = (await cases.view(caseId))!.timeline;
    expect(timeline.find((e) => e.event === 'case_paused')).toMatchObject({
      actor: 'operator:ops-jane',
      detail: { reason: 'awaiting_parts', note: 'factory sends the part', count: 1 },
    });
    expect(timeline.find((e) => e.event === 'case_resumed')).toMatchObject({
      actor: 'operator:ops-jane',
      detail: { dueAt: endOfShanghaiDay('2025-06-19'), previousDueAt: clock.dueAt, pausedWorkingMs: 86_400_000 },
    });

    await handler(tick(sh('2025-06-19T10:00:00')));
    expect((await alertsFor(caseId)).map((a) => a.kind)).toEqual(['sla_due_soon']);
    await handler(tick(sh('2025-06-20T00:30:00')));
    expect((await alertsFor(caseId)).map((a) => a.kind).sort()).toEqual(['sla_breached', 'sla_due_soon']);
  });

  it('a damaged parcel’s alert names its limit for what it is: the claim’s settlement from acceptance, not a return service', async () => {
    const { caseId, clock } = await withClock(sh('2025-03-03T10:00:00'), { type: 'damaged' });
    await handler(tick(sh('2025-03-13T00:30:00')));
    const breached = (await alertsFor(caseId)).find((a) => a.kind === 'sla_breached');
    expect(breached).toMatchObject({ detail: { dueAt: clock.dueAt, limit: 'claim_settlement' } });
    expect(breached!.message).toContain('(claim settlement (no return leg: review + remedy), 7 working days from acceptance)');
    expect(breached!.message).not.toContain('return service');
    expect((await cases.view(caseId))!.timeline.find((e) => e.event === 'sla_started')).toMatchObject({ detail: { limit: 'claim_settlement', startsAt: 'acceptance' } });
    expect((await listSla(sla, 'breached')).find((c) => c.caseId === caseId)).toMatchObject({ limit: 'claim_settlement' });
  });

  it('a case paused before its clock starts joins the paused list when the clock starts, and is not swept', async () => {
    const { caseId } = await seedCase(env.db, { type: 'return', record: { status: 'awaiting_return' as never } });
    await pauseCase({ ...deps, notices: { send: async () => undefined } as never }, caseId, { reason: 'carrier_disruption', note: 'n' }, JANE, sh('2025-09-01T10:00:00'));
    expect((await rawItem(caseId)).gsi2pk).toBeUndefined();
    await startServiceClock(deps, caseId, sh('2025-09-02T10:00:00'), sh('2025-09-02T10:00:00'));
    expect(await rawItem(caseId)).toMatchObject({ gsi2pk: 'SLA#paused', gsi2sk: `${sh('2025-09-01T10:00:00').toISOString()}#${caseId}`, sla: { state: 'paused' } });
    await handler(tick(sh('2025-10-20T10:00:00')));
    expect(await alertsFor(caseId)).toEqual([]);
    expect(await listed('paused')).toContain(caseId);
  });

  it('a case already warned is not warned again when it comes back from a pause', async () => {
    const { caseId } = await withClock(sh('2025-06-09T10:00:00')); // due at the end of 2025-06-18
    await handler(tick(sh('2025-06-18T09:00:00')));
    expect((await alertsFor(caseId)).map((a) => a.kind)).toEqual(['sla_due_soon']);
    const notices = { send: async () => undefined } as never;
    await pauseCase({ ...deps, notices }, caseId, { reason: 'factory_service', note: 'n' }, JANE, sh('2025-06-18T10:00:00'));
    await resumeCase(deps, caseId, {}, JANE, sh('2025-06-18T12:00:00'));
    // Back in the running list with a due time two working hours later; due soon again, but already warned.
    expect(await rawItem(caseId)).toMatchObject({ gsi2pk: 'SLA#running' });
    await handler(tick(sh('2025-06-18T13:00:00')));
    expect(await rawItem(caseId)).toMatchObject({ gsi2pk: 'SLA#due_soon' });
    expect((await alertsFor(caseId)).map((a) => a.kind)).toEqual(['sla_due_soon']);
  });

  it('a second pause is the second delay notice round; pause and resume refuse the wrong state', async () => {
    const { caseId } = await withClock(sh('2025-06-23T10:00:00'));
    const sent: DelayNoticeMessage[] = [];
    const pd = { ...deps, notices: { send: async (m: DelayNoticeMessage) => void sent.push(m) } as never };
    const input = { reason: 'force_majeure' as const, note: 'typhoon' };
    expect(await resumeCase(deps, caseId, {}, JANE, sh('2025-06-24T10:00:00'))).toEqual({ status: 'refused', refusal: 'not_paused' });
    await pauseCase(pd, caseId, input, JANE, sh('2025-06-24T10:00:00'));
    expect(await pauseCase(pd, caseId, input, JANE, sh('2025-06-24T11:00:00'))).toEqual({ status: 'refused', refusal: 'already_paused' });
    await resumeCase(deps, caseId, {}, JANE, sh('2025-06-24T12:00:00'));
    await pauseCase(pd, caseId, input, JANE, sh('2025-06-25T10:00:00'));
    expect(sent.map((m) => m.round)).toEqual([1, 2]);
    expect(await pauseCase(pd, 'AS-000000000000', input, JANE, sh('2025-06-25T10:00:00'))).toEqual({ status: 'not_found' });
  });
});

describe('sla monitor: served, closed', () => {
  it('a case served in time leaves the index as met, without an alert', async () => {
    const { caseId } = await withClock(sh('2025-07-01T10:00:00')); // due end of Jul 10
    await cases.update(caseId, {
      status: 'resolved',
      compensation: {
        instructionId: 'i-1',
        kind: 'refund',
        idempotencyKey: 'k',
        at: sh('2025-07-08T10:00:00').toISOString(),
        status: 'completed',
        completedAt: sh('2025-07-08T11:00:00').toISOString(),
      },
    });
    await handler(tick(sh('2025-07-10T09:00:00')));
    expect(await alertsFor(caseId)).toEqual([]);
    expect(await cases.get(caseId)).toMatchObject({ sla: { state: 'met', metAt: sh('2025-07-08T11:00:00').toISOString() } });
    expect((await cases.get(caseId))!.slaBreachedAt).toBeUndefined();
    expect((await rawItem(caseId)).gsi2pk).toBeUndefined();
    expect(await eventsOf(caseId)).toContain('sla_met');
  });

  it('a case served late between two runs counts as breached, without an alert (nothing is left to do)', async () => {
    const { caseId, clock } = await withClock(sh('2025-07-01T10:00:00'));
    const late = sh('2025-07-11T09:00:00').toISOString();
    await cases.update(caseId, {
      status: 'resolved',
      compensation: { instructionId: 'i-2', kind: 'refund', idempotencyKey: 'k2', at: late, status: 'completed', completedAt: late },
    });
    await handler(tick(sh('2025-07-11T10:00:00')));
    expect(await alertsFor(caseId)).toEqual([]);
    expect(await cases.get(caseId)).toMatchObject({ slaBreachedAt: late, sla: { state: 'met', metAt: late, breachedAt: late, dueAt: clock.dueAt } });
  });

  it('a replacement shipped ahead (confirmed before the old item arrives) starts its clock already met', async () => {
    const shipped = sh('2025-07-20T10:00:00').toISOString();
    const { caseId } = await seedCase(env.db, {
      type: 'exchange',
      record: { status: 'awaiting_return', compensation: { instructionId: 'i-3', kind: 'exchange', idempotencyKey: 'k3', at: shipped, status: 'completed', completedAt: shipped } },
    });
    const clock = await startServiceClock(deps, caseId, sh('2025-07-25T10:00:00'), sh('2025-07-25T10:00:00'));
    expect(clock).toMatchObject({ state: 'met', metAt: shipped, service: 'exchange' });
    expect((await rawItem(caseId)).gsi2pk).toBeUndefined();
  });

  it('closing a case takes it out of the due index (close-case step), ending a pause on it', async () => {
    const { caseId } = await withClock(sh('2025-08-04T10:00:00'));
    await pauseCase({ ...deps, notices: { send: async () => undefined } as never }, caseId, { reason: 'carrier_disruption', note: 'n' }, JANE, sh('2025-08-05T10:00:00'));
    expect(await listed('paused')).toContain(caseId);
    await closeCase(
      { cases, dedupe: new DedupeStore(env.db, TABLE_NAME), sla, reports: new ReportCounters(env.db, TABLE_NAME), markets: oneMarket() },
      caseId,
      'cancelled',
      sh('2025-08-06T10:00:00'),
    );
    const record = await cases.get(caseId);
    expect(record).toMatchObject({
      status: 'closed',
      sla: { state: 'stopped', pauses: [{ from: sh('2025-08-05T10:00:00').toISOString(), to: sh('2025-08-06T10:00:00').toISOString() }] },
    });
    expect(record!.pause).toBeUndefined();
    expect((await rawItem(caseId)).gsi2pk).toBeUndefined();
    expect(await listed('paused')).not.toContain(caseId);
    await handler(tick(sh('2025-08-20T10:00:00')));
    expect(await alertsFor(caseId)).toEqual([]);
  });
});

describe('sla monitor: first-response targets', () => {
  // The monitor's runs go forward in time and its first-response sweep keeps a mark of where it stopped; this file's
  // runs travel back and forth, so each test here starts the sweep afresh.
  beforeEach(async () => {
    await env.db.send(new DeleteCommand({ TableName: TABLE_NAME, Key: { pk: 'SWEEP', sk: 'TARGET#first_response' } }));
  });

  it('a missed target is recorded and alerted once; a case in front of an operator is left to its review alerts', async () => {
    const due = sh('2025-09-01T12:00:00').toISOString();
    const unanswered = await seedCase(env.db, { record: { status: 'received', priorityBand: 'high' } });
    const inReview = await seedCase(env.db, { record: { status: 'awaiting_review', priorityBand: 'normal', decision: { decision: 'manual', rule: 'r', at: due } } });
    const answered = await seedCase(env.db, { record: { status: 'in_review', decision: { decision: 'approve', rule: 'r', at: sh('2025-09-01T11:00:00').toISOString() } } });
    for (const c of [unanswered, inReview, answered]) await startFirstResponseTarget(deps, c.caseId, due);

    await handler(tick(sh('2025-09-01T11:30:00')));
    expect(await alertsFor(unanswered.caseId)).toEqual([]);

    const metrics = captureMetrics();
    try {
      await handler(tick(sh('2025-09-01T12:05:00')));
      await handler(tick(sh('2025-09-01T12:10:00')));
    } finally {
      metrics.restore();
    }
    expect((await alertsFor(unanswered.caseId)).map((a) => a.kind)).toEqual(['first_response_missed']);
    expect(await cases.get(unanswered.caseId)).toMatchObject({ firstResponseMissedAt: sh('2025-09-01T12:05:00').toISOString() });
    expect(await alertsFor(inReview.caseId)).toEqual([]);
    expect(await cases.get(inReview.caseId)).toMatchObject({ firstResponseMissedAt: sh('2025-09-01T12:05:00').toISOString() });
    expect(await eventsOf(inReview.caseId)).toContain('first_response_missed');
    expect((await cases.get(answered.caseId))!.firstResponseMissedAt).toBeUndefined();
    expect(await eventsOf(answered.caseId)).not.toContain('first_response_missed');
    expect(
      metrics.lines
        .filter((l) => 'FirstResponseMissed' in l)
        .map((l) => l.PriorityBand)
        .sort(),
    ).toEqual(['high', 'normal']);
  });
});

describe('sla monitor: first-response targets without a write per case', () => {
  beforeEach(async () => {
    await env.db.send(new DeleteCommand({ TableName: TABLE_NAME, Key: { pk: 'SWEEP', sk: 'TARGET#first_response' } }));
  });
  const target = async (caseId: string) =>
    (await env.db.send(new GetCommand({ TableName: TABLE_NAME, Key: { pk: `CASE#${caseId}`, sk: 'TARGET#first_response' }, ConsistentRead: true }))).Item;

  it('a met target is left for TTL, a target listed late is still found, and a previous release’s target is judged and deleted as it was', async () => {
    const due = sh('2025-09-10T12:00:00').toISOString();
    const answered = await seedCase(env.db, { record: { status: 'in_review', decision: { decision: 'approve', rule: 'r', at: sh('2025-09-10T11:00:00').toISOString() } } });
    await startFirstResponseTarget(deps, answered.caseId, due);
    expect(await target(answered.caseId)).toMatchObject({ dueAt: due, gsi2pk: 'TARGET_SWEPT#first_response', ttl: Date.parse(due) / 1000 + 30 * 86_400 });
    // The previous release's target: its own partition, no ttl, deleted when checked.
    const previous = await seedCase(env.db, { record: { status: 'received', priorityBand: 'low' } });
    await env.db.send(
      new PutCommand({
        TableName: TABLE_NAME,
        Item: {
          pk: `CASE#${previous.caseId}`,
          sk: 'TARGET#first_response',
          caseId: previous.caseId,
          target: 'first_response',
          dueAt: due,
          gsi2pk: 'TARGET#first_response',
          gsi2sk: `${due}#${previous.caseId}`,
        },
      }),
    );
    await handler(tick(sh('2025-09-10T12:05:00')));
    expect(await target(answered.caseId)).toBeDefined();
    expect(await target(previous.caseId)).toBeUndefined();
    expect((await alertsFor(previous.caseId)).map((a) => a.kind)).toEqual(['first_response_missed']);

    // A classify step retried long after its target was due: listed at its own time, found by the next run.
    const late = await seedCase(env.db, { record: { status: 'received', priorityBand: 'high' } });
    await startFirstResponseTarget(deps, late.caseId, sh('2025-09-10T09:00:00').toISOString(), sh('2025-09-10T12:06:00'));
    await handler(tick(sh('2025-09-10T12:10:00')));
    await handler(tick(sh('2025-09-10T12:15:00')));
    expect((await alertsFor(late.caseId)).map((a) => a.kind)).toEqual(['first_response_missed']);
    expect(await cases.get(late.caseId)).toMatchObject({ firstResponseMissedAt: sh('2025-09-10T12:10:00').toISOString() });
    expect(await alertsFor(answered.caseId)).toEqual([]);
    expect(await target(answered.caseId)).toBeDefined();
  });
});

describe('sla monitor: first-response targets judged as the case stood at its close', () => {
  beforeEach(async () => {
    await env.db.send(new DeleteCommand({ TableName: TABLE_NAME, Key: { pk: 'SWEEP', sk: 'TARGET#first_response' } }));
  });

  // Until 5 December the close deleted the target; it stays listed now, so what a case shows after its close (a
  // dispute's reopening, a later decision) must not turn a case closed in time into a miss.
  it('a case closed before its due time, without an answer or reopened with a later decision, is not alerted', async () => {
    const due = sh('2025-10-01T12:00:00').toISOString();
    const closedAt = sh('2025-10-01T10:00:00').toISOString();
    const later = sh('2025-10-03T09:00:00').toISOString();
    const withdrawn = await seedCase(env.db, { record: { status: 'closed', outcome: 'cancelled', closedAt } });
    const decidedLater = await seedCase(env.db, { record: { status: 'closed', outcome: 'cancelled', closedAt, decision: { decision: 'approve', rule: 'r', at: later } } });
    const disputed = await seedCase(env.db, {
      record: {
        status: 'in_review',
        outcome: 'rejected',
        closedAt,
        dispute: { count: 1, lastAt: later },
        decision: { decision: 'reject', rule: 'r', reasonCode: 'dispute', at: later },
      },
    });
    for (const c of [withdrawn, decidedLater, disputed]) await startFirstResponseTarget(deps, c.caseId, due);
    await handler(tick(sh('2025-10-03T10:00:00')));
    for (const c of [withdrawn, decidedLater, disputed]) {
      expect(await alertsFor(c.caseId)).toEqual([]);
      expect((await cases.get(c.caseId))!.firstResponseMissedAt).toBeUndefined();
    }
  });

  it('a target whose case is due later than it is listed holds the mark, but the targets after it are judged in the same run', async () => {
    const early = await seedCase(env.db, { record: { status: 'received', responseDueAt: sh('2025-10-05T14:00:00').toISOString() } });
    await startFirstResponseTarget(deps, early.caseId, sh('2025-10-05T12:00:00').toISOString());
    const missed = await seedCase(env.db, { record: { status: 'received', priorityBand: 'high', responseDueAt: sh('2025-10-05T12:30:00').toISOString() } });
    await startFirstResponseTarget(deps, missed.caseId, sh('2025-10-05T12:30:00').toISOString());
    await handler(tick(sh('2025-10-05T13:00:00')));
    expect((await alertsFor(missed.caseId)).map((a) => a.kind)).toEqual(['first_response_missed']);
    expect(await alertsFor(early.caseId)).toEqual([]);
    expect(await sla.sweepMark('first_response')).toBe(`${sh('2025-10-05T12:00:00').toISOString()}#${early.caseId}`);
    await handler(tick(sh('2025-10-05T14:05:00')));
    expect((await alertsFor(early.caseId)).map((a) => a.kind)).toEqual(['first_response_missed']);
  });

  it('reads more than a page of targets, stops at its page cap, and the next run resumes from its mark', async () => {
    // Over 10 pages of 100: listed for cases that do not exist (judged stopped, nothing written), then one missed case.
    const start = sh('2025-11-01T00:00:00').getTime();
    for (let i = 0; i < 1005; i += 1) await sla.putTarget(`AS-FILL${String(i).padStart(5, '0')}`, 'first_response', new Date(start + i * 1000).toISOString());
    const missed = await seedCase(env.db, { record: { status: 'received', priorityBand: 'high' } });
    await startFirstResponseTarget(deps, missed.caseId, sh('2025-11-01T01:00:00').toISOString());
    await handler(tick(sh('2025-11-01T02:00:00')));
    expect(await alertsFor(missed.caseId)).toEqual([]);
    const mark = (await sla.sweepMark('first_response'))!;
    expect(mark > new Date(start + 900 * 1000).toISOString() && mark < sh('2025-11-01T01:00:00').toISOString()).toBe(true);
    await handler(tick(sh('2025-11-01T02:05:00')));
    expect((await alertsFor(missed.caseId)).map((a) => a.kind)).toEqual(['first_response_missed']);
  }, 60_000);

  it('a late run with an older time does not move the mark back', async () => {
    await handler(tick(sh('2025-10-07T12:00:00')));
    const mark = await sla.sweepMark('first_response');
    expect(mark! > sh('2025-10-07T11:00:00').toISOString()).toBe(true);
    await handler(tick(sh('2025-10-07T11:00:00')));
    expect(await sla.sweepMark('first_response')).toBe(mark);
  });
});

describe('sla monitor: a classify step retried after its target was found missed', () => {
  it('does not list the target again (it would be alerted twice)', async () => {
    await env.db.send(new DeleteCommand({ TableName: TABLE_NAME, Key: { pk: 'SWEEP', sk: 'TARGET#first_response' } }));
    const { caseId } = await seedCase(env.db, { record: { status: 'received', priority: 1, priorityBand: 'high', responseDueAt: sh('2025-10-09T12:00:00').toISOString() } });
    await startFirstResponseTarget(deps, caseId, sh('2025-10-09T12:00:00').toISOString());
    await handler(tick(sh('2025-10-09T12:05:00')));
    expect((await alertsFor(caseId)).map((a) => a.kind)).toEqual(['first_response_missed']);
    const overrides = { carrierRecheckSeconds: 1, evidenceWaitSeconds: 1, returnWaitSeconds: 1, surveyDelaySeconds: 1, surveyExpirySeconds: 1, compensationConfirmSeconds: 1 };
    await classify({ ...deps, overrides }, caseId, sh('2025-10-09T12:07:00'));
    const target = await env.db.send(new GetCommand({ TableName: TABLE_NAME, Key: { pk: `CASE#${caseId}`, sk: 'TARGET#first_response' }, ConsistentRead: true }));
    expect(target.Item).toBeUndefined();
    await handler(tick(sh('2025-10-09T12:10:00')));
    expect((await alertsFor(caseId)).map((a) => a.kind)).toEqual(['first_response_missed']);
  });
});

describe('sla monitor: beyond the calendar’s horizon', () => {
  it('a due date the calendar cannot give is "unknown", alerted once, and set once the calendar can tell', async () => {
    // A calendar without predicted years: its horizon is the end of the data. Arrival Monday 2026-12-28: 7 working
    // days reach into 2027, which it cannot tell (the market calendar would predict it: next describe).
    const dataOnly = { ...deps, markets: oneMarket({ calendar: createCnCalendar([], { provisionalYears: 0 }) }) };
    const { caseId } = await seedCase(env.db, { record: { status: 'compensating' } });
    const clock = (await startServiceClock(dataOnly, caseId, sh('2026-12-28T10:00:00'), sh('2026-12-28T10:00:00')))!;
    expect(clock).toMatchObject({ state: 'unknown', unknownReason: "due date unknown: beyond the calendar's horizon 2026-12-31" });
    await startServiceClock(dataOnly, caseId, sh('2026-12-28T10:00:00'), sh('2026-12-28T10:01:00'));
    expect((await alertsFor(caseId)).map((a) => a.kind)).toEqual(['sla_due_unknown']);
    expect((await alertsFor(caseId))[0]!.message).toContain("beyond the calendar's horizon 2026-12-31");
    expect((await cases.get(caseId))!.dueAt).toBeUndefined();
    expect(await listed('unknown')).toContain(caseId);

    // The monitor on the same calendar cannot help (and does not fail).
    expect((await runSlaMonitor({ ...dataOnly, metrics: { count: () => undefined } }, sh('2026-12-28T11:00:00'))).dueKnown).not.toContain(caseId);

    // With 2027 in the policy (test dates), the monitor sets the due date and the clock runs.
    const calendar = createCnCalendar([{ year: 2027, source: 'test', holidays: ['2027-01-01'], makeUpWorkdays: [] }]);
    const report = await runSlaMonitor({ ...deps, markets: oneMarket({ calendar }), metrics: { count: () => undefined } }, sh('2026-12-28T12:00:00'));
    expect(report.dueKnown).toContain(caseId);
    // Dec 29, 30, 31, Jan 4, 5, 6, 7.
    expect(await cases.get(caseId)).toMatchObject({ dueAt: endOfShanghaiDay('2027-01-07'), sla: { state: 'running', dueAt: endOfShanghaiDay('2027-01-07') } });
    expect((await cases.get(caseId))!.sla!.unknownReason).toBeUndefined();
    expect((await cases.get(caseId))!.sla!.provisional).toBeUndefined();
    expect(await listed('unknown')).not.toContain(caseId);
    expect(await eventsOf(caseId)).toEqual(expect.arrayContaining(['sla_started', 'sla_due_unknown', 'sla_due_known']));
  });
});

describe('sla monitor: provisional due dates after the calendar’s data', () => {
  const marker = async (caseId: string) => (await env.db.send(new GetCommand({ TableName: TABLE_NAME, Key: { pk: `CASE#${caseId}`, sk: 'SLA_PROVISIONAL' } }))).Item;
  const provisionalAlerts = async () => (await alerts.recent(200)).filter((a) => a.kind === 'calendar_provisional');
  // Test data in the shape of the State Council's notice for 2027 (not the real one): New Year's Day and Monday 4 January off.
  const published2027 = createCnCalendar([{ year: 2027, source: 'test notice', holidays: ['2027-01-01', '2027-01-04'], makeUpWorkdays: [] }]);

  it('a repair arriving today (2026-12-04) is provisional, not unknown; one alert a day; recomputed once the policy publishes 2027', async () => {
    // The market calendar as deployed: the library's data to 2026, 2027 and 2028 predicted by rule.
    const repair = await seedCase(env.db, { type: 'repair', record: { status: 'compensating' } });
    const clock = (await startServiceClock(deps, repair.caseId, sh('2026-12-04T10:00:00'), sh('2026-12-04T10:00:00')))!;
    // 19 working days to Thursday 31 December; New Year's Day off (by rule); the 20th is Monday 4 January.
    expect(clock).toMatchObject({ state: 'running', workingDays: 20, dueAt: endOfShanghaiDay('2027-01-04'), provisional: true, provisionalFrom: '2027-01-01' });
    expect(await rawItem(repair.caseId)).toMatchObject({ gsi2pk: 'SLA#running', sla: { dueAt: endOfShanghaiDay('2027-01-04') } });
    expect(await deps.cases.get(repair.caseId)).toMatchObject({ dueAt: endOfShanghaiDay('2027-01-04') });
    expect(await marker(repair.caseId)).toMatchObject({ gsi2pk: 'SLA_PROVISIONAL', gsi2sk: `2027-01-01#${repair.caseId}` });
    expect(await eventsOf(repair.caseId)).toContain('sla_due_provisional');

    // A second case the same day: its own timeline entry, but no second alert.
    const ret = await seedCase(env.db, { record: { status: 'compensating' } });
    const retClock = (await startServiceClock(deps, ret.caseId, sh('2026-12-28T10:00:00'), sh('2026-12-04T11:00:00')))!;
    expect(retClock).toMatchObject({ dueAt: endOfShanghaiDay('2027-01-07'), provisional: true });
    const alerted = await provisionalAlerts();
    expect(alerted).toHaveLength(1);
    expect(alerted[0]).toMatchObject({ detail: { year: 2027, provisionalFrom: '2027-01-01', firstCaseId: repair.caseId } });
    expect(alerted[0]!.message).toContain('calendar.extraYears');
    expect(alerted[0]!.caseId).toBeUndefined();

    // Runs on the same calendar change nothing (the marks are after its published data).
    await expect(handler(tick(sh('2026-12-04T12:00:00')))).resolves.toMatchObject({ dueRecomputed: 0 });
    expect((await cases.get(repair.caseId))!.sla).toMatchObject({ provisional: true, dueAt: endOfShanghaiDay('2027-01-04') });

    // The policy publishes 2027: the next run recomputes both from the published days, found by their marks.
    const report = await runSlaMonitor({ ...deps, markets: oneMarket({ calendar: published2027 }), metrics: { count: () => undefined } }, sh('2026-12-07T10:00:00'));
    expect(report.dueRecomputed).toEqual(expect.arrayContaining([repair.caseId, ret.caseId]));
    expect(await cases.get(repair.caseId)).toMatchObject({ dueAt: endOfShanghaiDay('2027-01-05'), sla: { state: 'running', dueAt: endOfShanghaiDay('2027-01-05') } });
    expect((await cases.get(repair.caseId))!.sla!.provisional).toBeUndefined();
    expect(await rawItem(repair.caseId)).toMatchObject({ gsi2pk: 'SLA#running', gsi2sk: `${endOfShanghaiDay('2027-01-05')}#${repair.caseId}` });
    expect((await cases.get(ret.caseId))!.dueAt).toBe(endOfShanghaiDay('2027-01-08'));
    expect(await marker(repair.caseId)).toBeUndefined();
    expect(await marker(ret.caseId)).toBeUndefined();
    const recomputed = (await cases.view(repair.caseId))!.timeline.find((e) => e.event === 'sla_due_recomputed');
    expect(recomputed?.detail).toEqual({ dueAt: endOfShanghaiDay('2027-01-05'), previousDueAt: endOfShanghaiDay('2027-01-04'), provisional: false });

    // Once only: the marks are gone, a further run finds nothing to recompute.
    expect(
      (await runSlaMonitor({ ...deps, markets: oneMarket({ calendar: published2027 }), metrics: { count: () => undefined } }, sh('2026-12-07T10:05:00'))).dueRecomputed,
    ).toEqual([]);
  });

  it('a due date reaching a year still unpublished stays provisional, marked from that year', async () => {
    // Arrival Friday 2027-12-10 (a clock started ahead, as a test): 20 working days reach into 2028.
    const { caseId } = await seedCase(env.db, { type: 'repair', record: { status: 'compensating' } });
    await startServiceClock(deps, caseId, sh('2027-12-10T10:00:00'), sh('2026-12-08T10:00:00'));
    expect(await marker(caseId)).toMatchObject({ gsi2sk: `2027-01-01#${caseId}` });
    const report = await runSlaMonitor({ ...deps, markets: oneMarket({ calendar: published2027 }), metrics: { count: () => undefined } }, sh('2026-12-08T10:05:00'));
    expect(report.dueRecomputed).toContain(caseId);
    expect((await cases.get(caseId))!.sla).toMatchObject({ provisional: true, provisionalFrom: '2028-01-01' });
    expect(await marker(caseId)).toMatchObject({ gsi2sk: `2028-01-01#${caseId}` });
    expect((await provisionalAlerts()).map((a) => a.detail?.year)).toContain(2028);
  });

  it('drops the mark of a case closed meanwhile, without touching its clock', async () => {
    const { caseId } = await seedCase(env.db, { type: 'repair', record: { status: 'compensating' } });
    await startServiceClock(deps, caseId, sh('2026-12-04T10:00:00'), sh('2026-12-09T10:00:00'));
    await closeCase(
      { cases, dedupe: new DedupeStore(env.db, TABLE_NAME), sla, reports: new ReportCounters(env.db, TABLE_NAME), markets: oneMarket() },
      caseId,
      'cancelled',
      sh('2026-12-09T11:00:00'),
    );
    const before = (await cases.get(caseId))!;
    const report = await runSlaMonitor({ ...deps, markets: oneMarket({ calendar: published2027 }), metrics: { count: () => undefined } }, sh('2026-12-09T12:00:00'));
    expect(report.dueRecomputed).not.toContain(caseId);
    expect(await marker(caseId)).toBeUndefined();
    expect((await cases.get(caseId))!.sla).toEqual(before.sla);
  });
});

describe('sla monitor: its event', () => {
  it('takes "now" only from the scheduled event, and refuses an event without a time', async () => {
    await expect(handler({ 'detail-type': 'Scheduled Event' })).rejects.toMatchObject({ name: expect.stringMatching(/ZodError$/) });
  });
});
