import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calendarFor } from '../../functions/domain/market-calendar.js';
import { addCalendarDays, addWorkingDays } from '../../functions/domain/working-days.js';
import { workingTimeBetween } from '../../functions/domain/working-time.js';
import { cnPolicy } from '../../functions/policies/cn.js';
import { requestedEvent } from '../../scripts/example-cases.js';
import { startHarness, type Harness } from './harness.js';

/**
 * The SLA through the whole local runtime: returns whose parcels reach the service center (`return.received`) get a
 * due date in working days that skips the holidays, the scheduled SlaMonitor (run on demand, with the local clock)
 * lists and alerts the breach once, a paused case is not breached, a date after the calendar's published data is
 * provisional, and a date beyond its horizon (the years it predicts) is reported as unknown. Arrivals are at fixed dates in the calendar's data, so the expected due dates do not depend on today.
 * The order platform holds its instructions, so the cases stay unserved (compensating) while the clock runs.
 */
let h: Harness;
let monitorSchedule: string;
const sh = (local: string) => new Date(`${local}+08:00`).toISOString();
const endOfShanghaiDay = (date: string) => new Date(`${date}T23:59:59.999+08:00`).toISOString();

beforeAll(async () => {
  // The monitor runs when the test says so (runNow), not on the scheduler's own ticks.
  process.env.LOCAL_SCHEDULE_SECONDS = '3600';
  h = await startHarness();
  h.pipeline.orderPlatform.holdCompletions(true);
  const schedule = h.pipeline.topology.schedules.find((s) => s.targetFunctionLogicalId.startsWith('SlaMonitor'));
  if (!schedule) throw new Error('no schedule runs the SlaMonitor function');
  monitorSchedule = schedule.logicalId;
});
afterAll(async () => {
  await h?.stop();
  delete process.env.LOCAL_SCHEDULE_SECONDS;
});

const runMonitor = () => h.pipeline.scheduler.runNow(monitorSchedule);
const ops = async (method: 'GET' | 'POST', path: string, body?: unknown) => {
  const response = await fetch(`${h.pipeline.urls.api}${path}`, {
    method,
    headers: { authorization: `Bearer ${h.pipeline.config.opsToken}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
};
const slaList = async (state: string) => ((await ops('GET', `/ops/cases?sla=${state}`)).body.cases as Array<Record<string, any>>).map((c) => c.caseId);
const alertsFor = async (caseId: string) => ((await ops('GET', '/ops/alerts')).body.alerts as Array<Record<string, any>>).filter((a) => a.caseId === caseId);

/** A return approved by the policy and waiting for its parcel. */
async function awaitingReturn(expedited: boolean) {
  const event = requestedEvent({ caseType: 'return', expedited, locale: 'en' });
  const caseId = String((await h.platform.send(event)).body.caseId);
  await h.ops.waitFor(caseId, (v) => v.status === 'awaiting_return');
  return { caseId, requestId: event.data.requestId };
}

async function arrives(c: { caseId: string; requestId: string }, receivedAt: string) {
  expect((await h.platform.send({ type: 'return.received', data: { requestId: c.requestId, receivedAt } })).status).toBe(202);
  return h.ops.waitFor(c.caseId, (v) => v.returnReceivedAt === receivedAt && v.sla !== undefined);
}

describe('service due dates', () => {
  let standard: { caseId: string; requestId: string };
  let expedited: { caseId: string; requestId: string };

  it('count working days from arrival and skip National Day 2026 (Oct 1–7 off, Saturday Oct 10 worked)', async () => {
    [standard, expedited] = await Promise.all([awaitingReturn(false), awaitingReturn(true)]);
    // Arrival Tuesday 2026-09-29. Working days after it: Sep 30, Oct 8, 9, 10 (make-up Saturday), 12, 13, 14.
    const [std, exp] = await Promise.all([arrives(standard, sh('2026-09-29T10:00:00')), arrives(expedited, sh('2026-09-29T10:00:00'))]);
    expect(std).toMatchObject({ dueAt: endOfShanghaiDay('2026-10-14'), sla: { service: 'return', startsAt: 'arrival', workingDays: 7, expedited: false, state: 'running' } });
    expect(exp).toMatchObject({ dueAt: endOfShanghaiDay('2026-10-09'), sla: { service: 'return', startsAt: 'arrival', workingDays: 3, expedited: true, state: 'running' } });
    expect(std.timeline.find((e: any) => e.event === 'sla_started')).toMatchObject({ detail: { dueAt: endOfShanghaiDay('2026-10-14'), workingDays: 7 } });
  });

  it('past due, the monitor lists the cases as breached, nearest due first, and alerts each once however often it runs', async () => {
    await runMonitor();
    h.pipeline.clock.advance(86_400_000);
    await runMonitor();
    await runMonitor();

    const breached = await slaList('breached');
    expect(breached).toContain(expedited.caseId);
    expect(breached.indexOf(expedited.caseId)).toBeLessThan(breached.indexOf(standard.caseId));
    for (const c of [standard, expedited]) {
      const kinds = (await alertsFor(c.caseId)).map((a) => a.kind);
      expect(kinds.filter((k) => k === 'sla_breached')).toHaveLength(1);
      const view = (await h.ops.getCase(c.caseId)).body;
      expect(view).toMatchObject({ slaBreachedAt: expect.any(String), sla: { state: 'breached' } });
      expect(view.timeline.filter((e: any) => e.event === 'sla_breached')).toHaveLength(1);
    }
    // In AWS the alert goes to the OpsAlerts topic; locally to its fake.
    const published = h.pipeline.sns.messages().filter((m) => m.subject === `[after-sales] sla_breached ${standard.caseId}`);
    expect(published).toHaveLength(1);
    expect(JSON.parse(published[0]!.message)).toMatchObject({ kind: 'sla_breached', caseId: standard.caseId, detail: { dueAt: endOfShanghaiDay('2026-10-14') } });
  });
});

describe('a paused case', () => {
  it('is not breached while paused; resumed, it is due later by the working time paused, then breached', async () => {
    const c = await awaitingReturn(false);
    const paused = await ops('POST', `/ops/cases/${c.caseId}/pause`, { reason: 'awaiting_parts', note: 'replacement part on order' });
    expect(paused).toMatchObject({ status: 200, body: { pause: { reason: 'awaiting_parts', count: 1 } } });
    const view = await arrives(c, sh('2026-09-29T10:00:00'));
    expect(view).toMatchObject({ sla: { state: 'paused', dueAt: endOfShanghaiDay('2026-10-14') }, pause: { count: 1 } });

    await runMonitor();
    expect(await slaList('breached')).not.toContain(c.caseId);
    expect(await alertsFor(c.caseId)).toEqual([]);

    const resumed = await ops('POST', `/ops/cases/${c.caseId}/resume`, { note: 'part arrived' });
    expect(resumed.status).toBe(200);
    const after = (await h.ops.getCase(c.caseId)).body;
    const resumedAt = after.timeline.find((e: any) => e.event === 'case_resumed').at;
    // The pause (real time, in this test) counts only its working time: none on a rest day.
    const pausedMs = workingTimeBetween(new Date(paused.body.pause.since), new Date(resumedAt), calendarFor(cnPolicy));
    expect(after.sla).toMatchObject({ state: 'running', baseDueAt: endOfShanghaiDay('2026-10-14'), pausedWorkingMs: pausedMs });
    expect(Date.parse(after.dueAt) - Date.parse(endOfShanghaiDay('2026-10-14'))).toBe(pausedMs);
    expect(resumed.body.dueAt).toBe(after.dueAt);
    expect(after.pause).toBeUndefined();

    await runMonitor();
    expect(await slaList('breached')).toContain(c.caseId);
    expect((await alertsFor(c.caseId)).map((a) => a.kind)).toEqual(['sla_breached']);
  });
});

describe('after the calendar’s data', () => {
  it('the due date is provisional (statutory holidays by rule), flagged in the ops view, one operator alert', async () => {
    const calendar = calendarFor(cnPolicy);
    const c = await awaitingReturn(false);
    // Two days before the published data ends, 7 working days reach into the year the calendar predicts.
    const arrival = sh(`${addCalendarDays(calendar.covers.to, -2)}T10:00:00`);
    const view = await arrives(c, arrival);
    const dueAt = addWorkingDays(new Date(arrival), 7, calendar).toISOString();
    expect(view).toMatchObject({ dueAt, dueProvisional: true, sla: { state: 'running', dueAt, provisional: true, provisionalFrom: addCalendarDays(calendar.covers.to, 1) } });
    expect(view.timeline.map((e: any) => e.event)).toContain('sla_due_provisional');
    await runMonitor();
    expect((await h.ops.getCase(c.caseId)).body.sla).toMatchObject({ provisional: true, dueAt });
    const alerts = ((await ops('GET', '/ops/alerts')).body.alerts as Array<Record<string, any>>).filter((a) => a.kind === 'calendar_provisional');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.detail).toMatchObject({ provisionalFrom: addCalendarDays(calendar.covers.to, 1) });
  });
});

describe('beyond the calendar’s horizon', () => {
  it('the due date is "unknown" (never a guess) where no rule can tell, listed and alerted once', async () => {
    const { provisionalThrough } = calendarFor(cnPolicy);
    const c = await awaitingReturn(false);
    // Two days before the last year the calendar predicts ends, 7 working days cannot be counted.
    const view = await arrives(c, sh(`${addCalendarDays(provisionalThrough, -2)}T10:00:00`));
    expect(view.sla).toMatchObject({ state: 'unknown', unknownReason: `due date unknown: beyond the calendar's horizon ${provisionalThrough}` });
    expect(view.dueAt).toBeUndefined();
    await runMonitor();
    await runMonitor();
    expect(await slaList('unknown')).toContain(c.caseId);
    expect((await alertsFor(c.caseId)).map((a) => a.kind)).toEqual(['sla_due_unknown']);
  });
});
