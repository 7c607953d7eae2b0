import { CreateQueueCommand, DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaseStore } from '../../functions/adapters/case-store.js';
import { NoticeStore } from '../../functions/adapters/notice-store.js';
import { caseReport } from '../../functions/use-cases/case-report.js';
import type { NoticeMessage } from '../../functions/schemas/messages.js';
import { importFresh, startHandlerEnv, TABLE_NAME, type HandlerEnv } from './env.js';
import { seedCase } from './fixtures.js';
import { deliverNotices, emailsTo, freshContact, noticeItem, noticeRecord, NOTIFIER_ENV, scheduledAt, type NotifierHandler } from './notice-helpers.js';

type Dispatcher = typeof import('../../functions/handlers/dispatch-deferred-notices.js')['handler'];

let env: HandlerEnv;
let notifier: NotifierHandler;
let dispatcher: Dispatcher;
let queueUrl: string;
let cases: CaseStore;
let notices: NoticeStore;
const MINUTE = 60_000;

async function released(caseId: string) {
  const out = await env.sqs!.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
  for (const m of out.Messages ?? []) await env.sqs!.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle! }));
  return (out.Messages ?? []).map((m) => JSON.parse(m.Body!) as NoticeMessage).filter((m) => m.caseId === caseId);
}

beforeAll(async () => {
  env = await startHandlerEnv({ ses: true, sms: true, sqs: true });
  queueUrl = (await env.sqs!.send(new CreateQueueCommand({ QueueName: 'wording-notices.fifo', Attributes: { FifoQueue: 'true', ContentBasedDeduplication: 'true' } }))).QueueUrl!;
  cases = new CaseStore(env.db, TABLE_NAME);
  notices = new NoticeStore(env.db, TABLE_NAME);
  notifier = (await importFresh(() => import('../../functions/handlers/notifier.js'), NOTIFIER_ENV)).handler;
  dispatcher = (await importFresh(() => import('../../functions/handlers/dispatch-deferred-notices.js'), { NOTICE_QUEUE_URL: queueUrl })).handler;
});

afterAll(async () => {
  await env?.close();
});

describe('a proactive case (opened by the pipeline from carrier tracking)', () => {
  const proactive = { origin: 'proactive' as const, reason: 'proactive_no_scan' };

  it('is told what we noticed, in its own words', async () => {
    const to = freshContact();
    const { caseId } = await seedCase(env.db, { type: 'lost', record: proactive, contact: { ...to, locale: 'en', channels: ['email', 'sms'] } });
    expect(await deliverNotices(notifier, noticeRecord(caseId, 'received'))).toEqual({ batchItemFailures: [] });
    const [mail] = await emailsTo(env, to.email);
    expect(mail!.subject).toContain('Your parcel seems to be stuck');
    expect(mail!.body.text).not.toMatch(/Thanks for getting in touch|your .*claim/);
    expect(env.sms!.messages({ to: to.phone })[0]!.body).toContain("your parcel hasn't moved for days; we're on it.");
  });

  it('closes silently when the carrier refutes it: no rejection sent, the slots skipped with the reason, a note on the timeline', async () => {
    const to = freshContact();
    const { caseId } = await seedCase(env.db, {
      type: 'lost',
      record: {
        ...proactive,
        status: 'in_review',
        decision: { decision: 'reject', rule: 'lost.carrier_delivered', reasonCode: 'carrier_delivered', at: new Date().toISOString() },
      },
      contact: { ...to, channels: ['email', 'sms'] },
    });
    expect(await deliverNotices(notifier, noticeRecord(caseId, 'decided'))).toEqual({ batchItemFailures: [] });
    // Redelivered: still nothing, and one note.
    expect(await deliverNotices(notifier, noticeRecord(caseId, 'decided'))).toEqual({ batchItemFailures: [] });
    expect(await emailsTo(env, to.email)).toHaveLength(0);
    expect(env.sms!.messages({ to: to.phone })).toHaveLength(0);
    for (const channel of ['email', 'sms'])
      expect(await noticeItem(env, caseId, 'decided', channel)).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/^proactive_refuted: /) });

    const report = caseReport((await cases.view(caseId))!);
    expect(report.notices).toEqual(
      expect.arrayContaining([expect.objectContaining({ milestone: 'decided', channel: 'email', status: 'skipped', reason: expect.stringMatching(/^proactive_refuted/) })]),
    );
    expect(report.timeline.filter((e) => e.event === 'notice_skipped')).toEqual([
      expect.objectContaining({ actor: 'notifier', detail: expect.objectContaining({ milestone: 'decided' }) }),
    ]);
  });

  it('the customer’s own claim that is rejected is still told why', async () => {
    const to = freshContact();
    const { caseId } = await seedCase(env.db, {
      type: 'lost',
      record: {
        reason: 'proactive_no_scan',
        status: 'in_review',
        decision: { decision: 'reject', rule: 'lost.carrier_delivered', reasonCode: 'carrier_delivered', at: new Date().toISOString() },
      },
      contact: { ...to, channels: ['email'] },
    });
    expect(await deliverNotices(notifier, noticeRecord(caseId, 'decided'))).toEqual({ batchItemFailures: [] });
    expect(await emailsTo(env, to.email)).toHaveLength(1);
  });
});

describe('a dispute', () => {
  it('is acknowledged once per round', async () => {
    const to = freshContact();
    const { caseId } = await seedCase(env.db, {
      type: 'damaged',
      record: { status: 'in_review', dispute: { count: 2, lastAt: new Date().toISOString() } },
      contact: { ...to, locale: 'en', channels: ['email'] },
    });
    expect(await deliverNotices(notifier, noticeRecord(caseId, 'dispute_received', { round: 2 }), noticeRecord(caseId, 'dispute_received', { round: 2 }))).toEqual({
      batchItemFailures: [],
    });
    const mails = await emailsTo(env, to.email);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toContain('We’re looking at your damaged-item claim again');
    expect(await noticeItem(env, caseId, 'dispute_received#r2', 'email')).toMatchObject({ status: 'sent' });
  });

  it('of a case not reopened (still in progress) is acknowledged once, as a message added to the case', async () => {
    const to = freshContact();
    const { caseId } = await seedCase(env.db, { type: 'damaged', record: { status: 'in_review' }, contact: { ...to, locale: 'en', channels: ['email'] } });
    expect(await deliverNotices(notifier, noticeRecord(caseId, 'dispute_received'))).toEqual({ batchItemFailures: [] });
    expect(await deliverNotices(notifier, noticeRecord(caseId, 'dispute_received'))).toEqual({ batchItemFailures: [] });
    const mails = await emailsTo(env, to.email);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toContain('We’ve added your message to your damaged-item claim');
    expect(mails[0]!.body.text).not.toMatch(/appeal|again/);
  });
});

describe('the survey reminder', () => {
  it('is skipped when the answer reached the case after the reminder step read it: nothing sent, the slot says why', async () => {
    const to = freshContact();
    const answeredAt = new Date().toISOString();
    const { caseId } = await seedCase(env.db, {
      type: 'missing_part',
      record: { status: 'awaiting_survey', surveyToken: 'answered-token', surveyExpiresAt: answeredAt, survey: { rating: 5, answeredAt } },
      contact: { ...to, locale: 'en', channels: ['email', 'sms'] },
    });
    expect(await deliverNotices(notifier, noticeRecord(caseId, 'survey_reminder', { round: 1 }))).toEqual({ batchItemFailures: [] });
    expect(await emailsTo(env, to.email)).toHaveLength(0);
    expect(env.sms!.messages({ to: to.phone })).toHaveLength(0);
    for (const channel of ['email', 'sms'])
      expect(await noticeItem(env, caseId, 'survey_reminder#r1', channel)).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/^survey_answered: /) });
  });
});

describe('SMS held by quiet hours', () => {
  it('are released oldest first; a step no longer current is recorded superseded or expired and never sent', async () => {
    const to = freshContact();
    const { caseId } = await seedCase(env.db, {
      type: 'damaged',
      record: { status: 'in_review', outcome: 'approved', decision: { decision: 'approve', rule: 'damaged.photo_and_window', at: new Date().toISOString() } },
      contact: { ...to, locale: 'en', channels: ['sms'] },
    });
    const now = new Date();
    const night = (minutes: number) => new Date(now.getTime() - 9 * 60 * MINUTE + minutes * MINUTE);
    const hold = (slot: string, message: NoticeMessage) =>
      notices.defer(caseId, slot, 'sms', night(0), new Date(now.getTime() - MINUTE), { ...message, channel: 'sms', release: true });
    // Reached in the night in this order; the due index lists them by slot name (decided, evidence_needed, received, remedy...).
    await hold('received', { caseId, milestone: 'received', at: night(1).toISOString() });
    await hold('evidence_needed', { caseId, milestone: 'evidence_needed', at: night(2).toISOString(), dueInSeconds: 3 * 86_400 });
    await hold('decided', { caseId, milestone: 'decided', at: night(30).toISOString() });
    // A choice whose hour ran out during the night.
    await hold('remedy_choice_needed', { caseId, milestone: 'remedy_choice_needed', at: night(31).toISOString(), dueInSeconds: 3_600 });

    expect(await dispatcher(scheduledAt(now))).toEqual({ released: 1, dropped: 3 });
    const queued = await released(caseId);
    expect(queued.map((m) => m.milestone)).toEqual(['decided']);
    expect(await noticeItem(env, caseId, 'received', 'sms')).toMatchObject({ status: 'superseded', reason: 'superseded by evidence_needed, held with it' });
    expect(await noticeItem(env, caseId, 'evidence_needed', 'sms')).toMatchObject({ status: 'superseded', reason: 'superseded by decided, held with it' });
    expect(await noticeItem(env, caseId, 'remedy_choice_needed', 'sms')).toMatchObject({
      status: 'expired',
      reason: expect.stringMatching(/^its deadline .* passed while it was held$/),
    });
    expect(await deliverNotices(notifier, { ...noticeRecord(caseId, 'decided'), body: { ...queued[0]! } })).toEqual({ batchItemFailures: [] });
    expect(env.sms!.messages({ to: to.phone }).map((m) => m.body)).toEqual([expect.stringContaining('approved')]);
    // Out of the due index: the next run finds nothing of this case.
    expect(await dispatcher(scheduledAt(new Date(now.getTime() + MINUTE)))).toEqual({ released: 0 });
  });

  it('several current ones go out in the order reached, whatever their slot names', async () => {
    const to = freshContact();
    const { caseId } = await seedCase(env.db, {
      type: 'return',
      record: { status: 'in_review', outcome: 'approved', decision: { decision: 'approve', rule: 'return.no_reason_window', at: new Date().toISOString() } },
      contact: { ...to, locale: 'en', channels: ['sms'] },
    });
    const now = new Date();
    const night = (minutes: number) => new Date(now.getTime() - 9 * 60 * MINUTE + minutes * MINUTE);
    const hold = (slot: string, message: NoticeMessage) =>
      notices.defer(caseId, slot, 'sms', night(0), new Date(now.getTime() - MINUTE), { ...message, channel: 'sms', release: true });
    await hold('ship_back', { caseId, milestone: 'ship_back', at: night(10).toISOString(), dueInSeconds: 7 * 86_400 });
    await hold('decided', { caseId, milestone: 'decided', at: night(5).toISOString() });
    await dispatcher(scheduledAt(now));
    const queued = await released(caseId);
    expect(queued.map((m) => m.milestone)).toEqual(['decided', 'ship_back']);
    for (const message of queued) expect(await deliverNotices(notifier, { ...noticeRecord(caseId, message.milestone), body: { ...message } })).toEqual({ batchItemFailures: [] });
    const sms = env.sms!.messages({ to: to.phone }).map((m) => m.body);
    expect(sms).toHaveLength(2);
    expect(sms[0]).toContain('approved');
    expect(sms[1]).toContain('ship the item back by');
  });

  it('a release that arrives after its deadline is dropped as expired by the notifier too', async () => {
    const to = freshContact();
    const { caseId } = await seedCase(env.db, { type: 'damaged', contact: { ...to, channels: ['sms'] } });
    const at = new Date(Date.now() - 2 * 3_600_000).toISOString();
    await notices.defer(caseId, 'remedy_choice_needed', 'sms', new Date(at), new Date(Date.now() - MINUTE), {
      caseId,
      milestone: 'remedy_choice_needed',
      at,
      dueInSeconds: 3_600,
      channel: 'sms',
      release: true,
    });
    const release = noticeRecord(caseId, 'remedy_choice_needed', { at, dueInSeconds: 3_600, channel: 'sms', release: true });
    expect(await deliverNotices(notifier, release)).toEqual({ batchItemFailures: [] });
    expect(env.sms!.messages({ to: to.phone })).toHaveLength(0);
    expect(await noticeItem(env, caseId, 'remedy_choice_needed', 'sms')).toMatchObject({ status: 'expired' });
  });
});
