import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaseStore } from '../../functions/adapters/case-store.js';
import { NoticeStore } from '../../functions/adapters/notice-store.js';
import { importFresh, startHandlerEnv, TABLE_NAME, type HandlerEnv } from './env.js';
import { seedCase } from './fixtures.js';
import { deliverNotices, freshContact, NOTIFIER_ENV, noticeItem, noticeRecord, type NotifierHandler } from './notice-helpers.js';

/**
 * Issue 11, item 6: a notice left `sending` by a sender that crashed between claiming the slot and sending is never
 * hidden. The message SQS delivers again is not dropped as done while the claim is fresh; once the claim is stale it
 * takes the slot over and sends; on its last attempt the slot is recorded undeliverable ("interrupted") on the case.
 */
let env: HandlerEnv;
let handler: NotifierHandler;
let notices: NoticeStore;
const STALE_SECONDS = 60;

beforeAll(async () => {
  env = await startHandlerEnv({ ses: true, sms: true });
  handler = (await importFresh(() => import('../../functions/handlers/notifier.js'), { ...NOTIFIER_ENV, NOTICE_CLAIM_STALE_SECONDS: String(STALE_SECONDS) })).handler;
  notices = new NoticeStore(env.db, TABLE_NAME, STALE_SECONDS * 1000);
});

afterAll(async () => {
  await env?.close();
});

/** A case whose SMS slot a crashed sender claimed `ageSeconds` ago and never sent. */
async function crashedSender(ageSeconds: number) {
  const to = freshContact();
  const { caseId } = await seedCase(env.db, { contact: { ...to, channels: ['sms'] } });
  expect(await notices.claim(caseId, 'received', 'sms', new Date(Date.now() - ageSeconds * 1000))).toBe(true);
  return { caseId, to };
}

/** A healthy notice of another case, so a batch with the failing record is a partial failure, not a full one. */
async function bystander() {
  const { caseId } = await seedCase(env.db, { contact: { ...freshContact(), channels: ['email'] } });
  return noticeRecord(caseId, 'received');
}

describe('notifier: a slot left `sending` by a crash', () => {
  it('a redelivery while the claim is fresh fails the record (it comes back) and sends nothing', async () => {
    const { caseId, to } = await crashedSender(10);
    const record = noticeRecord(caseId, 'received', {}, 2);
    expect(await deliverNotices(handler, await bystander(), record)).toEqual({ batchItemFailures: [{ itemIdentifier: record.messageId }] });
    expect(env.sms!.messages({ to: to.phone })).toHaveLength(0);
    expect(await noticeItem(env, caseId, 'received', 'sms')).toMatchObject({ status: 'sending' });
  });

  it('a redelivery after the claim went stale takes the slot over and sends, once', async () => {
    const { caseId, to } = await crashedSender(STALE_SECONDS + 5);
    expect(await deliverNotices(handler, noticeRecord(caseId, 'received', {}, 3))).toEqual({ batchItemFailures: [] });
    expect(env.sms!.messages({ to: to.phone })).toHaveLength(1);
    expect(await noticeItem(env, caseId, 'received', 'sms')).toMatchObject({ status: 'sent' });
    // Delivered again after that: sent already, so nothing more, and the record is done.
    expect(await deliverNotices(handler, noticeRecord(caseId, 'received', {}, 4))).toEqual({ batchItemFailures: [] });
    expect(env.sms!.messages({ to: to.phone })).toHaveLength(1);
  });

  it("on the message's last attempt the slot is recorded undeliverable (interrupted) and shows on the case", async () => {
    const { caseId, to } = await crashedSender(10);
    const record = noticeRecord(caseId, 'received', {}, Number(NOTIFIER_ENV.NOTICE_MAX_RECEIVES));
    expect(await deliverNotices(handler, await bystander(), record)).toEqual({ batchItemFailures: [{ itemIdentifier: record.messageId }] });
    expect(env.sms!.messages({ to: to.phone })).toHaveLength(0);
    expect(await noticeItem(env, caseId, 'received', 'sms')).toMatchObject({ status: 'undeliverable', error: 'interrupted' });
    const view = await new CaseStore(env.db, TABLE_NAME).view(caseId);
    expect(view!.timeline).toContainEqual(expect.objectContaining({ event: 'notice_undeliverable', detail: { milestone: 'received', channel: 'sms', reason: 'interrupted' } }));
    // A DLQ redrive of the message may still send it: an undeliverable slot is takeable.
    expect(await deliverNotices(handler, noticeRecord(caseId, 'received', {}, 1))).toEqual({ batchItemFailures: [] });
    expect(env.sms!.messages({ to: to.phone })).toHaveLength(1);
  });
});
