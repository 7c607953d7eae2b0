import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { importFresh, startHandlerEnv, TABLE_NAME, type HandlerEnv } from './env.js';
import { seedCase } from './fixtures.js';
import { deliverNotices, emailsTo, freshContact, NOTIFIER_ENV, noticeItem, noticeRecord, type NotifierHandler } from './notice-helpers.js';

/**
 * Issue 11: the provider accepted a notice, then recording it as sent failed. The slot must not become `failed` (the
 * retry would send it twice): the record is retried, and a redelivery only finishes the bookkeeping.
 */
let env: HandlerEnv;
let handler: NotifierHandler;
let markSent: ReturnType<typeof vi.spyOn>;
const throttled = () => Object.assign(new Error('Rate of requests exceeds the allowed throughput.'), { name: 'ThrottlingException' });

beforeAll(async () => {
  env = await startHandlerEnv({ ses: true, sms: true });
  handler = (await importFresh(() => import('../../functions/handlers/notifier.js'), NOTIFIER_ENV)).handler;
  // The store class the fresh handler module was built with (importFresh reset the module cache before loading it).
  const { NoticeStore } = await import('../../functions/adapters/notice-store.js');
  // The one write that records what each channel came to (sent, with the provider's id).
  markSent = vi.spyOn(NoticeStore.prototype, 'record');
});

afterEach(() => markSent.mockReset());

afterAll(async () => {
  markSent.mockRestore();
  await env?.close();
});

describe('notifier: recording a sent notice fails', () => {
  it('once: the record is retried, the notice is sent once and recorded sent with its provider id', async () => {
    const to = freshContact();
    const { caseId } = await seedCase(env.db, { contact: { ...to, channels: ['email', 'sms'] } });
    markSent.mockRejectedValueOnce(throttled());
    expect(await deliverNotices(handler, noticeRecord(caseId, 'received'))).toEqual({ batchItemFailures: [] });
    expect(await emailsTo(env, to.email)).toHaveLength(1);
    expect(env.sms!.messages({ to: to.phone })).toHaveLength(1);
    const email = await noticeItem(env, caseId, 'received', 'email');
    expect(email).toMatchObject({ status: 'sent', providerMessageId: expect.any(String) });
    expect(email!.error).toBeUndefined();
    // No delivery-event pointer item: the message names its notice to the provider's events (domain/notice-ref.ts).
    const pointer = await env.db.send(new GetCommand({ TableName: TABLE_NAME, Key: { pk: `MSG#${email!.providerMessageId}`, sk: 'MSG' } }));
    expect(pointer.Item).toBeUndefined();
  });

  it('on every try: the slot stays `sending` (not failed), the message comes back and only finishes the bookkeeping', async () => {
    const to = freshContact();
    const { caseId } = await seedCase(env.db, { contact: { ...to, channels: ['sms'] } });
    markSent.mockRejectedValue(throttled());
    const record = noticeRecord(caseId, 'received');
    await expect(deliverNotices(handler, record)).rejects.toMatchObject({ name: 'FullBatchFailureError' });
    expect(env.sms!.messages({ to: to.phone })).toHaveLength(1);
    expect(await noticeItem(env, caseId, 'received', 'sms')).toMatchObject({ status: 'sending' });

    // The table works again; SQS delivers the message again.
    markSent.mockReset();
    expect(await deliverNotices(handler, { ...record, receiveCount: 2 })).toEqual({ batchItemFailures: [] });
    expect(env.sms!.messages({ to: to.phone })).toHaveLength(1);
    expect(await noticeItem(env, caseId, 'received', 'sms')).toMatchObject({ status: 'sent', providerMessageId: expect.any(String) });
    // And after that, a duplicate delivery is done at once.
    expect(await deliverNotices(handler, { ...record, receiveCount: 3 })).toEqual({ batchItemFailures: [] });
    expect(env.sms!.messages({ to: to.phone })).toHaveLength(1);
  }, 15_000);
});
