import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaseStore } from '../../functions/adapters/case-store.js';
import type { CaseRecord } from '../../functions/domain/case-record.js';
import type { ServiceSla } from '../../functions/domain/sla.js';
import { DedupeStore } from '../../functions/adapters/dedupe-store.js';
import { closeCaseConfig, readConfig } from '../../functions/config/functions.js';
import { ReportCounters } from '../../functions/adapters/report-counters.js';
import { SlaStore } from '../../functions/adapters/sla-store.js';
import { localDateOf } from '../../functions/domain/working-days.js';
import { disputeStep } from '../../functions/domain/case-rules.js';
import { closeCase } from '../../functions/use-cases/steps/close-case.js';
import { oneMarket } from '../markets.js';
import { startHandlerEnv, TABLE_NAME, type HandlerEnv } from './env.js';
import { countingCaseReads, seedCase, unique } from './fixtures.js';
import { inStatusIndex, indexAs08ff7cdDid } from './previous-release-items.js';

type Handler = typeof import('../../functions/handlers/close-case.js')['handler'];

let env: HandlerEnv;
let handler: Handler;
let cases: CaseStore;
let dedupe: DedupeStore;

/** A case holding its order's open slot, as start-case leaves it. */
async function openCase(record: Partial<CaseRecord>) {
  const seeded = await seedCase(env.db, { record: { orderId: unique('ORD'), ...record } });
  expect(await dedupe.claimOpenCase(seeded.record.orderId, seeded.record.type, seeded.caseId)).toBe(seeded.caseId);
  return seeded;
}

/** A return's service clock, running since a day ago; a new object each time, so no two cases share one. */
function runningReturnClock(): ServiceSla {
  return { service: 'return', startsAt: 'arrival', startedAt: new Date(Date.now() - 86_400_000).toISOString(), expedited: false, workingDays: 7, state: 'running', pauses: [] };
}

beforeAll(async () => {
  env = await startHandlerEnv({});
  cases = new CaseStore(env.db, TABLE_NAME);
  dedupe = new DedupeStore(env.db, TABLE_NAME);
  // Built from an explicit configuration: the test table and the default market only.
  const { createHandler } = await import('../../functions/handlers/close-case.js');
  handler = createHandler(readConfig(closeCaseConfig, { TABLE_NAME }));
});

afterAll(async () => {
  await env?.close();
});

describe('close-case', () => {
  it.each([
    ['completed', 'awaiting_survey', 'approved'],
    ['survey_expired', 'awaiting_survey', 'approved'],
    ['rejected', 'in_review', 'rejected'],
    ['rejected', 'checking_carrier', 'rejected'],
    ['cancelled', 'awaiting_evidence', 'cancelled'],
    ['cancelled', 'awaiting_return', 'cancelled'],
    ['evidence_expired', 'awaiting_evidence', 'expired'],
    ['return_expired', 'awaiting_return', 'expired'],
  ] as const)('%s from %s: closed as %s, once, and the order is free for a new request', async (reason, status, outcome) => {
    const { caseId, record } = await openCase({ status });
    await expect(handler({ caseId, reason })).resolves.toEqual({ outcome });
    await expect(handler({ caseId, reason })).resolves.toEqual({ outcome });
    expect(await cases.get(caseId)).toMatchObject({ status: 'closed', outcome, closedAt: expect.any(String), waitingFor: '' });
    const closed = (await cases.view(caseId))!.timeline.filter((e) => e.event === 'case_closed');
    expect(closed).toEqual([expect.objectContaining({ actor: 'pipeline', detail: { reason, outcome } })]);
    const next = unique('AS');
    expect(await dedupe.claimOpenCase(record.orderId, record.type, next)).toBe(next);
  });

  // Regression: close-case.ts used to close only ['received', 'in_review', 'awaiting_evidence', 'checking_carrier',
  // 'awaiting_return', 'compensating', 'resolved', 'awaiting_survey']. A case an operator rejected (decideCase leaves the
  // status at awaiting_review) or cancelled during the review or the remedy choice was then never closed, and stayed on
  // GET /ops/reviews. Every open status is closable now.
  it.each([
    ['rejected', 'awaiting_review', 'rejected'],
    ['cancelled', 'awaiting_review', 'cancelled'],
    ['cancelled', 'awaiting_choice', 'cancelled'],
  ] as const)('%s from %s: closed as %s', async (reason, status, outcome) => {
    const { caseId } = await openCase({ status, outcome: reason === 'rejected' ? 'rejected' : undefined });
    await expect(handler({ caseId, reason })).resolves.toEqual({ outcome });
    expect(await cases.get(caseId)).toMatchObject({ status: 'closed', outcome });
    expect((await cases.view(caseId))!.timeline.map((e) => e.event)).toContain('case_closed');
  });

  it('closes the case and stops its running clock in one write of the case item, taking it out of the status index', async () => {
    const { caseId, record } = await openCase({ status: 'awaiting_survey', sla: runningReturnClock() });
    // As release 08ff7cd left it: every status in the status index (1c6bf85 does not list awaiting_survey).
    await indexAs08ff7cdDid(env.db, caseId, 'awaiting_survey');
    expect(await inStatusIndex(env.db, caseId, 'awaiting_survey')).toBe(true);
    await expect(handler({ caseId, reason: 'completed' })).resolves.toEqual({ outcome: 'approved' });
    // One write (the version counts every write of the case item): status, outcome and the stopped clock together.
    expect(await cases.get(caseId)).toMatchObject({ status: 'closed', outcome: 'approved', sla: { state: 'stopped' }, version: record.version + 1 });
    // `closed` is not listed (domain/status-index.ts): the same write took the case out of the index, sort key and all.
    const item = (await env.db.send(new GetCommand({ TableName: TABLE_NAME, Key: { pk: `CASE#${caseId}`, sk: 'CASE' }, ConsistentRead: true }))).Item!;
    expect(item).not.toHaveProperty('gsi1pk');
    expect(item).not.toHaveProperty('gsi1sk');
    expect(await inStatusIndex(env.db, caseId, 'awaiting_survey')).toBe(false);
    await expect(handler({ caseId, reason: 'completed' })).resolves.toEqual({ outcome: 'approved' });
    expect(await cases.get(caseId)).toMatchObject({ version: record.version + 1 });
  });

  it("decides the close on the case it read first and, closing through the version-guarded clock write, reads it no second time; a write landing in between sends it to a fresh read, and the clock is still stopped in the close's write", async () => {
    const deps = (store: CaseStore) => ({ cases: store, dedupe, sla: new SlaStore(env.db, TABLE_NAME), reports: new ReportCounters(env.db, TABLE_NAME), markets: oneMarket() });

    const quiet = await openCase({ status: 'awaiting_survey', sla: runningReturnClock() });
    const alone = countingCaseReads(cases);
    await expect(closeCase(deps(alone.store), quiet.caseId, 'completed', new Date())).resolves.toEqual({ outcome: 'approved' });
    // The step's read only: the version-guarded close stopped the clock, so stopServiceClock's fresh read is not made.
    expect(alone.reads()).toBe(1);
    expect(await cases.get(quiet.caseId)).toMatchObject({ status: 'closed', sla: { state: 'stopped' }, version: quiet.record.version + 1 });

    const raced = await openCase({ status: 'awaiting_survey', sla: runningReturnClock() });
    const racing = countingCaseReads(cases, (id) => cases.update(id, { priority: 7 }));
    await expect(closeCase(deps(racing.store), raced.caseId, 'completed', new Date())).resolves.toEqual({ outcome: 'approved' });
    // The step's read, the fresh one after the lost write (and no third: the close's write stopped the clock).
    expect(racing.reads()).toBe(2);
    expect(await cases.get(raced.caseId)).toMatchObject({ status: 'closed', sla: { state: 'stopped' }, priority: 7, version: raced.record.version + 2 });
  });

  it('a plain status-guarded close (no clock or pause when read) stops a pause added before its write, on a fresh read', async () => {
    const deps = (store: CaseStore) => ({ cases: store, dedupe, sla: new SlaStore(env.db, TABLE_NAME), reports: new ReportCounters(env.db, TABLE_NAME), markets: oneMarket() });
    const { caseId, record } = await openCase({ status: 'awaiting_survey' });
    expect(record.sla).toBeUndefined();
    // An operator pauses the case between the step's read and its close (the pause's own write, version-guarded).
    const pausing = countingCaseReads(cases, (id) => cases.update(id, { pause: { since: new Date().toISOString(), reason: 'awaiting_parts', count: 1 }, pauseCount: 1 }));
    await expect(closeCase(deps(pausing.store), caseId, 'completed', new Date())).resolves.toEqual({ outcome: 'approved' });
    // The close went through (its guard is the status), and stopServiceClock's fresh read found the pause and ended it.
    expect(pausing.reads()).toBe(2);
    const closed = (await cases.get(caseId))!;
    expect(closed).toMatchObject({ status: 'closed', pauseCount: 1 });
    expect(closed.pause).toBeUndefined();
  });

  it('a retried close (the case already closed, a pause and a running clock still on it) stops the clock and ends the pause', async () => {
    const deps = { cases, dedupe, sla: new SlaStore(env.db, TABLE_NAME), reports: new ReportCounters(env.db, TABLE_NAME), markets: oneMarket() };
    // As a first attempt may leave it: closed by a plain status-guarded write, then failed before stopServiceClock.
    const paused = await openCase({ status: 'closed', outcome: 'approved', pause: { since: new Date().toISOString(), reason: 'awaiting_parts', count: 1 }, pauseCount: 1 });
    const running = await openCase({ status: 'closed', outcome: 'approved', sla: runningReturnClock() });
    for (const { caseId } of [paused, running]) await expect(closeCase(deps, caseId, 'completed', new Date())).resolves.toEqual({ outcome: 'approved' });
    const unpaused = (await cases.get(paused.caseId))!;
    expect(unpaused).toMatchObject({ status: 'closed', pauseCount: 1 });
    expect(unpaused.pause).toBeUndefined();
    expect(await cases.get(running.caseId)).toMatchObject({ status: 'closed', sla: { state: 'stopped' } });
  });

  it('a case that failed for good (needs_attention) or is already closed is not closed (again)', async () => {
    const failed = await openCase({ status: 'needs_attention' });
    await handler({ caseId: failed.caseId, reason: 'completed' });
    expect(await cases.get(failed.caseId)).toMatchObject({ status: 'needs_attention' });
    const closed = await openCase({ status: 'closed', outcome: 'duplicate' });
    await handler({ caseId: closed.caseId, reason: 'cancelled' });
    expect((await cases.view(closed.caseId))!.timeline.map((e) => e.event)).not.toContain('case_closed');
  });

  it('refuses an unknown reason', async () => {
    const { caseId } = await openCase({ status: 'in_review' });
    await expect(handler({ caseId, reason: 'bored' })).rejects.toMatchObject({ name: expect.stringMatching(/ZodError$/) });
  });

  // Regression: the close was counted after its timeline entry, the clock's stop and a read; a throttle there failed
  // the step, and its retry found the case closed and counted nothing, for good. The count now follows the write.
  it('a step failing after the write that closed the case (timeline throttled): the retry finds it closed, the close was counted once', async () => {
    const carrier = unique('cc');
    const shippedAt = new Date(Date.now() - 5 * 86_400_000).toISOString();
    const { caseId } = await openCase({ status: 'awaiting_survey', type: 'damaged', shipment: { carrier, trackingNumber: 'CC1', shippedAt, promisedBy: shippedAt } });
    const reports = new ReportCounters(env.db, TABLE_NAME);
    let throttled = false;
    const flaky = Object.assign(Object.create(cases) as CaseStore, {
      appendTimeline: async (...args: Parameters<CaseStore['appendTimeline']>) => {
        if (!throttled) {
          throttled = true;
          throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
        }
        return cases.appendTimeline(...args);
      },
    });
    const deps = { cases: flaky, dedupe, sla: new SlaStore(env.db, TABLE_NAME), reports, markets: oneMarket() };
    await expect(closeCase(deps, caseId, 'completed', new Date())).rejects.toThrow('Rate exceeded');
    await expect(closeCase(deps, caseId, 'completed', new Date())).resolves.toEqual({ outcome: 'approved' });
    const shipDay = localDateOf(new Date(shippedAt), 'Asia/Shanghai');
    const rows = (await reports.carriers(shipDay, shipDay)).filter((row) => row.carrier === carrier);
    expect(rows.map((row) => row.counts.confirmed.damaged)).toEqual([1]);
  });

  // Each close of a dispute round is its own event (until 5 December by its marker REPORT#closed#<round>; now by the
  // write that closed it, round after round).
  it('a case rejected, reopened by a dispute and rejected again counts two closes', async () => {
    const reports = new ReportCounters(env.db, TABLE_NAME);
    const deps = { cases, dedupe, sla: new SlaStore(env.db, TABLE_NAME), reports, markets: oneMarket() };
    const now = new Date();
    const day = localDateOf(now, 'Asia/Shanghai');
    const rejected = async () => (await reports.volume('outcome', day, day)).find((c) => c.key === 'rejected')?.count ?? 0;
    const before = await rejected();
    const { caseId } = await openCase({ status: 'in_review', decision: { decision: 'reject', rule: 'r', at: now.toISOString() } });
    await closeCase(deps, caseId, 'rejected', now);
    const step = disputeStep((await cases.get(caseId))!, new Date().toISOString());
    if (step.kind !== 'reopen') throw new Error('expected a reopen');
    expect(await cases.update(caseId, step.patch, step.onlyIfStatusIn)).toBe(true);
    await closeCase(deps, caseId, 'rejected', new Date());
    await closeCase(deps, caseId, 'rejected', new Date());
    expect((await rejected()) - before).toBe(2);
  });
});
