import { CreateQueueCommand, DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NoticeStore } from '../../functions/adapters/notice-store.js';
import { QueueSender } from '../../functions/adapters/queues.js';
import type { NoticeMessage } from '../../functions/schemas/messages.js';
import { dispatchDeferredNotices } from '../../functions/use-cases/dispatch-deferred-notices.js';
import { importFresh, startHandlerEnv, TABLE_NAME, type HandlerEnv } from './env.js';
import { seedCase } from './fixtures.js';
import { deliverNotices, freshContact, noticeItem, noticeRecord, NOTIFIER_ENV, type NotifierHandler } from './notice-helpers.js';

// Its own table: the dispatcher reads the whole due index, and these tests count what it releases.
let env: HandlerEnv;
let notifier: NotifierHandler;
let queueUrl: string;
let notices: NoticeStore;
let queue: QueueSender<NoticeMessage>;
const MINUTE = 60_000;

/** Whatever the dispatcher queued, removed from the queue, in queue order. */
async function queued(): Promise<NoticeMessage[]> {
  const all: NoticeMessage[] = [];
  for (;;) {
    const out = await env.sqs!.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    if (!out.Messages?.length) return all;
    for (const m of out.Messages) {
      all.push(JSON.parse(m.Body!) as NoticeMessage);
      await env.sqs!.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle! }));
    }
  }
}

/** Parks an SMS as quiet hours would have: reached in the night, due a minute ago. */
const hold = (caseId: string, slot: string, message: Omit<NoticeMessage, 'caseId'>, sendAt = new Date(Date.now() - MINUTE)) =>
  notices.defer(caseId, slot, 'sms', new Date(Date.parse(message.at!) + 1000), sendAt, { ...message, caseId, channel: 'sms', release: true });
const night = (minutes: number) => new Date(Date.now() - 9 * 60 * MINUTE + minutes * MINUTE).toISOString();
const approved = {
  status: 'in_review' as const,
  outcome: 'approved' as const,
  decision: { decision: 'approve' as const, rule: 'return.no_reason_window', at: new Date().toISOString() },
};

beforeAll(async () => {
  env = await startHandlerEnv({ ses: true, sms: true, sqs: true });
  queueUrl = (await env.sqs!.send(new CreateQueueCommand({ QueueName: 'held-order.fifo', Attributes: { FifoQueue: 'true', ContentBasedDeduplication: 'true' } }))).QueueUrl!;
  notices = new NoticeStore(env.db, TABLE_NAME);
  queue = new QueueSender<NoticeMessage>(env.sqs!, queueUrl);
  // Quiet hours off: "now" is just after they ended.
  notifier = (await importFresh(() => import('../../functions/handlers/notifier.js'), NOTIFIER_ENV)).handler;
});

afterAll(async () => {
  await env?.close();
});

describe('a live SMS just after quiet hours, while the case still has SMS held from the night', () => {
  it('waits behind them, and the dispatcher releases them all in the order reached', async () => {
    const to = freshContact();
    const { caseId } = await seedCase(env.db, { type: 'return', record: approved, contact: { ...to, locale: 'en', channels: ['sms'], timeZone: 'Asia/Shanghai' } });
    await hold(caseId, 'decided', { milestone: 'decided', at: night(5) });

    // The workflow reaches ship_back now, before the dispatcher's next run.
    expect(await deliverNotices(notifier, noticeRecord(caseId, 'ship_back', { dueInSeconds: 7 * 86_400 }))).toEqual({ batchItemFailures: [] });
    expect(env.sms!.messages({ to: to.phone })).toHaveLength(0);
    const parked = await noticeItem(env, caseId, 'ship_back', 'sms');
    expect(parked).toMatchObject({ status: 'deferred', gsi2pk: 'DEFERRED#sms' });
    expect(Date.parse(String(parked!.sendAt))).toBeLessThanOrEqual(Date.now());

    expect(await dispatchDeferredNotices({ notices, noticeQueue: queue }, new Date(Date.now() + MINUTE))).toEqual({ released: 2, dropped: 0 });
    const releases = await queued();
    expect(releases.map((m) => m.milestone)).toEqual(['decided', 'ship_back']);
    for (const message of releases) expect(await deliverNotices(notifier, { ...noticeRecord(caseId, message.milestone), body: { ...message } })).toEqual({ batchItemFailures: [] });
    const sms = env.sms!.messages({ to: to.phone }).map((m) => m.body);
    expect(sms).toHaveLength(2);
    expect(sms[0]).toContain('approved');
    expect(sms[1]).toContain('ship the item back by');
  });

  it('a live step that makes a held one moot has it dropped as superseded', async () => {
    const to = freshContact();
    const { caseId } = await seedCase(env.db, { type: 'damaged', record: approved, contact: { ...to, locale: 'en', channels: ['sms'] } });
    await hold(caseId, 'evidence_needed', { milestone: 'evidence_needed', at: night(2), dueInSeconds: 3 * 86_400 });
    expect(await deliverNotices(notifier, noticeRecord(caseId, 'decided'))).toEqual({ batchItemFailures: [] });
    expect(await dispatchDeferredNotices({ notices, noticeQueue: queue }, new Date(Date.now() + MINUTE))).toEqual({ released: 1, dropped: 1 });
    const releases = await queued();
    expect(releases.map((m) => m.milestone)).toEqual(['decided']);
    expect(await noticeItem(env, caseId, 'evidence_needed', 'sms')).toMatchObject({ status: 'superseded', reason: 'superseded by decided, held with it' });
    await deliverNotices(notifier, { ...noticeRecord(caseId, 'decided'), body: { ...releases[0]! } });
    expect(env.sms!.messages({ to: to.phone })).toHaveLength(1);
  });

  it('with nothing held, the SMS goes at once', async () => {
    const to = freshContact();
    const { caseId } = await seedCase(env.db, { contact: { ...to, channels: ['sms'] } });
    // Another case's held SMS do not hold this one back.
    const other = await seedCase(env.db, { contact: { ...freshContact(), channels: ['sms'] } });
    await hold(other.caseId, 'received', { milestone: 'received', at: night(1) });
    expect(await deliverNotices(notifier, noticeRecord(caseId, 'received'))).toEqual({ batchItemFailures: [] });
    expect(env.sms!.messages({ to: to.phone })).toHaveLength(1);
    await dispatchDeferredNotices({ notices, noticeQueue: queue }, new Date());
    for (const message of await queued()) await deliverNotices(notifier, { ...noticeRecord(message.caseId, message.milestone), body: { ...message } });
  });
});

describe('a run that cannot release every case', () => {
  it('releases each case it starts whole and in order; the next run takes the rest', async () => {
    const a = await seedCase(env.db, { type: 'return', record: approved, contact: { ...freshContact(), channels: ['sms'] } });
    const b = await seedCase(env.db, { type: 'return', record: approved, contact: { ...freshContact(), channels: ['sms'] } });
    const due = (minutes: number) => new Date(Date.now() - 30 * MINUTE + minutes * MINUTE);
    // The due index lists: A's decided, B's received, B's decided, then A's ship_back (parked later, behind A's held one).
    await hold(a.caseId, 'decided', { milestone: 'decided', at: night(5) }, due(0));
    await hold(b.caseId, 'received', { milestone: 'received', at: night(1) }, due(1));
    await hold(b.caseId, 'ship_back', { milestone: 'ship_back', at: night(6), dueInSeconds: 7 * 86_400 }, due(2));
    await hold(a.caseId, 'ship_back', { milestone: 'ship_back', at: night(10), dueInSeconds: 7 * 86_400 }, due(20));

    // Room for two releases: a page of two index entries would have split A (decided now, ship_back next run).
    expect(await dispatchDeferredNotices({ notices, noticeQueue: queue }, new Date(), { releasesPerRun: 2 })).toEqual({ released: 2, dropped: 0 });
    const first = await queued();
    expect(first.map((m) => [m.caseId, m.milestone])).toEqual([
      [a.caseId, 'decided'],
      [a.caseId, 'ship_back'],
    ]);
    // The released slots stay deferred until the notifier claims them.
    for (const message of first) expect(await deliverNotices(notifier, { ...noticeRecord(a.caseId, message.milestone), body: { ...message } })).toEqual({ batchItemFailures: [] });

    expect(await dispatchDeferredNotices({ notices, noticeQueue: queue }, new Date(), { releasesPerRun: 2 })).toEqual({ released: 2, dropped: 0 });
    expect((await queued()).map((m) => [m.caseId, m.milestone])).toEqual([
      [b.caseId, 'received'],
      [b.caseId, 'ship_back'],
    ]);
  });
});
