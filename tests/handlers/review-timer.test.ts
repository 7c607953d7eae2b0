import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaseStore } from '../../functions/adapters/case-store.js';
import type { CaseRecord } from '../../functions/domain/case-record.js';
import { OpsAlerts } from '../../functions/adapters/ops-alerts.js';
import { WaitStore } from '../../functions/adapters/wait-store.js';
import { CaseWorkflow } from '../../functions/adapters/workflow.js';
import { SFNClient } from '@aws-sdk/client-sfn';
import { awaitEvent } from '../../functions/use-cases/steps/await-event.js';
import { readConfig, reviewTimerConfig } from '../../functions/config/functions.js';
import { startHandlerEnv, TABLE_NAME, type HandlerEnv } from './env.js';
import { seedCase } from './fixtures.js';

type Handler = typeof import('../../functions/handlers/review-timer.js')['handler'];

let env: HandlerEnv;
let handler: Handler;
let cases: CaseStore;
let alerts: OpsAlerts;

const HOUR = 3_600_000;

/**
 * A case in front of an operator, opened by the real await-event use case (which sets the review targets and the
 * review list's sort key). The task token is a stand-in: nothing resumes it here.
 */
async function inReview(priority: number, opts: { openedAt?: Date; record?: Partial<CaseRecord> } = {}) {
  const seeded = await seedCase(env.db, {
    record: {
      status: 'in_review',
      priority,
      priorityBand: 'normal',
      decision: { decision: 'manual', rule: 'manual.above_approval_threshold', reasonCode: 'high_value', at: new Date().toISOString() },
      ...opts.record,
    },
  });
  const deps = { cases, waits: new WaitStore(env.db, TABLE_NAME), workflow: new CaseWorkflow(new SFNClient({}), undefined) };
  await awaitEvent(deps, seeded.caseId, 'manual_review', `token-${seeded.caseId}`, opts.openedAt ?? new Date(), { reminderSeconds: 4 * 3600, escalationSeconds: 8 * 3600 });
  return seeded;
}

const alertsFor = async (caseId: string) => (await alerts.recent(100)).filter((a) => a.caseId === caseId);
const timelineOf = async (caseId: string) => (await cases.view(caseId))!.timeline;

beforeAll(async () => {
  env = await startHandlerEnv({});
  cases = new CaseStore(env.db, TABLE_NAME);
  alerts = new OpsAlerts(env.db, TABLE_NAME);
  // No OPS_ALERTS_TOPIC_ARN: the alerts are kept in the table only (OpsAlerts.recent reads them there).
  const { createHandler } = await import('../../functions/handlers/review-timer.js');
  handler = createHandler(readConfig(reviewTimerConfig, { TABLE_NAME }));
});

afterAll(async () => {
  await env?.close();
});

describe('review-timer: reminder', () => {
  it('reminds operators once: remindedAt on the review, a timeline entry and an alert listed by OpsAlerts.recent', async () => {
    const { caseId } = await inReview(50);
    const before = await cases.get(caseId);
    expect(before).toMatchObject({ status: 'awaiting_review', review: { reasonCode: 'high_value' } });

    await expect(handler({ caseId, stage: 'reminder' })).resolves.toEqual({ stage: 'reminder' });
    await expect(handler({ caseId, stage: 'reminder' })).resolves.toEqual({ stage: 'reminder' });

    const after = await cases.get(caseId);
    expect(after).toMatchObject({ status: 'awaiting_review', priority: 50, review: { ...before!.review, remindedAt: expect.any(String) } });
    expect(after!.review!.escalatedAt).toBeUndefined();
    const reminders = (await timelineOf(caseId)).filter((e) => e.event === 'review_reminder');
    expect(reminders).toEqual([expect.objectContaining({ actor: 'pipeline', detail: { escalateAt: before!.review!.escalateAt } })]);
    const raised = await alertsFor(caseId);
    expect(raised).toEqual([{ kind: 'review_reminder', caseId, at: expect.any(String), message: expect.stringContaining(caseId) }]);
    // Alerts carry the case id and the reason, never personal data.
    expect(JSON.stringify(raised)).not.toMatch(/Li Wei|李伟|@example\.com|\+86/);
  });
});

describe('review-timer: escalation', () => {
  it('escalates once: priority + 15, escalatedAt, a timeline entry and an overdue alert', async () => {
    const { caseId } = await inReview(50);
    await handler({ caseId, stage: 'reminder' });
    await expect(handler({ caseId, stage: 'escalation' })).resolves.toEqual({ stage: 'escalation' });
    await expect(handler({ caseId, stage: 'escalation' })).resolves.toEqual({ stage: 'escalation' });

    expect(await cases.get(caseId)).toMatchObject({ status: 'awaiting_review', priority: 65, review: { remindedAt: expect.any(String), escalatedAt: expect.any(String) } });
    const escalated = (await timelineOf(caseId)).filter((e) => e.event === 'review_escalated');
    expect(escalated).toEqual([expect.objectContaining({ actor: 'pipeline', detail: { priority: 65 } })]);
    const raised = await alertsFor(caseId);
    expect(raised.map((a) => a.kind).sort()).toEqual(['review_escalated', 'review_reminder']);
    expect(raised.find((a) => a.kind === 'review_escalated')).toMatchObject({ detail: { priority: 65 }, message: expect.stringContaining('escalated') });
  });

  it('the priority never goes above 100', async () => {
    const { caseId } = await inReview(95);
    await handler({ caseId, stage: 'escalation' });
    expect(await cases.get(caseId)).toMatchObject({ priority: 100 });
  });

  it('moves the case up the review list (ordered by priority, then escalation target)', async () => {
    const now = Date.now();
    // b: higher priority; a and c: same priority, c escalates earlier (opened an hour before a).
    const a = await inReview(40, { openedAt: new Date(now) });
    const b = await inReview(50, { openedAt: new Date(now) });
    const c = await inReview(40, { openedAt: new Date(now - HOUR) });
    const order = async () => (await cases.listByStatus('awaiting_review', 100)).map((r) => r.caseId).filter((id) => [a.caseId, b.caseId, c.caseId].includes(id));
    expect(await order()).toEqual([b.caseId, c.caseId, a.caseId]);
    await handler({ caseId: a.caseId, stage: 'escalation' });
    expect(await order()).toEqual([a.caseId, b.caseId, c.caseId]);
  });
});

describe('review-timer: a review that ended meanwhile', () => {
  it.each(['reminder', 'escalation'] as const)('%s on a case no longer awaiting review changes nothing and raises no alert', async (stage) => {
    const { caseId } = await inReview(50);
    await cases.update(caseId, { status: 'compensating' });
    await expect(handler({ caseId, stage })).resolves.toEqual({ stage });
    const record = await cases.get(caseId);
    expect(record).toMatchObject({ priority: 50 });
    expect(record!.review!.remindedAt).toBeUndefined();
    expect(record!.review!.escalatedAt).toBeUndefined();
    expect(await alertsFor(caseId)).toEqual([]);
  });

  it('a case that never had a review changes nothing', async () => {
    const { caseId } = await seedCase(env.db, { record: { status: 'awaiting_review', priority: 30 } });
    await expect(handler({ caseId, stage: 'escalation' })).resolves.toEqual({ stage: 'escalation' });
    expect(await cases.get(caseId)).toMatchObject({ priority: 30 });
    expect(await alertsFor(caseId)).toEqual([]);
  });

  it('refuses an unknown stage or case', async () => {
    await expect(handler({ caseId: 'AS-0000000000AB', stage: 'panic' })).rejects.toMatchObject({ name: expect.stringMatching(/ZodError$/) });
    await expect(handler({ caseId: 'AS-0000000000AB', stage: 'reminder' })).rejects.toMatchObject({ name: 'CaseNotFoundError' });
  });
});
