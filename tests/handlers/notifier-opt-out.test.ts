import { DeleteCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CaseStore } from '../../functions/adapters/case-store.js';
import { suppressionKey } from '../../functions/adapters/suppression-store.js';
import { caseReport } from '../../functions/use-cases/case-report.js';
import { OPTED_OUT_SMS_NUMBERS } from '../../local/emulators/sms.js';
import { importFresh, startHandlerEnv, TABLE_NAME, type HandlerEnv } from './env.js';
import { seedCase } from './fixtures.js';
import { deliverNotices, emailsTo, freshContact, noticeItem, noticeRecord, NOTIFIER_ENV, type NotifierHandler } from './notice-helpers.js';

/**
 * An SMS to an opted-out number: End User Messaging refuses SendTextMessage at once with ConflictException, Reason
 * DESTINATION_PHONE_NUMBER_OPTED_OUT (the local SMS fake answers +8613800000002 so, over the real SDK client; the
 * documented shape is in tests/fixtures/providers/end-user-messaging.ts).
 */
let env: HandlerEnv;
let notifier: NotifierHandler;
let cases: CaseStore;
const OPTED_OUT = OPTED_OUT_SMS_NUMBERS[0]!;

beforeAll(async () => {
  env = await startHandlerEnv({ ses: true, sms: true });
  cases = new CaseStore(env.db, TABLE_NAME);
  notifier = (await importFresh(() => import('../../functions/handlers/notifier.js'), NOTIFIER_ENV)).handler;
});
afterAll(async () => {
  await env?.close();
});

describe('an SMS to an opted-out number', () => {
  it('is suppressed on the first try (no retry), the number goes on the suppression list, and the email goes out instead', async () => {
    const contact = { ...freshContact(), phone: OPTED_OUT };
    const { caseId } = await seedCase(env.db, { type: 'damaged', contact: { ...contact, channels: ['sms'] } });

    // First delivery of the SQS message: it completes (no batch item failure), so SQS neither retries nor dead-letters it.
    expect(await deliverNotices(notifier, noticeRecord(caseId, 'received'))).toEqual({ batchItemFailures: [] });

    expect(await noticeItem(env, caseId, 'received', 'sms')).toMatchObject({ status: 'suppressed', reason: 'opted_out' });
    const suppressed = (await env.db.send(new GetCommand({ TableName: TABLE_NAME, Key: suppressionKey('sms', OPTED_OUT), ConsistentRead: true }))).Item;
    expect(suppressed).toMatchObject({ channel: 'sms', reason: 'opted_out', caseId });
    expect(JSON.stringify(suppressed)).not.toContain(OPTED_OUT.slice(1));

    expect(await noticeItem(env, caseId, 'received', 'email')).toMatchObject({ status: 'sent' });
    expect(await emailsTo(env, contact.email)).toHaveLength(1);
    expect(env.sms!.messages({ to: OPTED_OUT })).toEqual([]);

    const view = (await cases.view(caseId))!;
    expect(view.timeline.find((e) => e.event === 'notice_suppressed')?.detail).toEqual({ milestone: 'received', channel: 'sms', reason: 'opted_out' });
    expect(view.timeline.some((e) => e.event === 'notice_undeliverable')).toBe(false);
    expect(caseReport(view).notices).toContainEqual(expect.objectContaining({ milestone: 'received', channel: 'sms', status: 'suppressed' }));
  });

  it("nothing waits behind it: the case's next notice in the same FIFO batch goes out, by email only", async () => {
    const contact = { ...freshContact(), phone: OPTED_OUT };
    const { caseId } = await seedCase(env.db, { type: 'damaged', contact: { ...contact, channels: ['sms', 'email'] } });
    const result = await deliverNotices(notifier, noticeRecord(caseId, 'received'), noticeRecord(caseId, 'evidence_needed', { dueInSeconds: 86_400 }));
    expect(result).toEqual({ batchItemFailures: [] });

    expect(await noticeItem(env, caseId, 'received', 'sms')).toMatchObject({ status: 'suppressed', reason: 'opted_out' });
    expect(await noticeItem(env, caseId, 'received', 'email')).toMatchObject({ status: 'sent' });
    // The second notice found the number suppressed before trying it.
    expect(await noticeItem(env, caseId, 'evidence_needed', 'sms')).toMatchObject({ status: 'suppressed', reason: 'opted_out' });
    expect(await noticeItem(env, caseId, 'evidence_needed', 'email')).toMatchObject({ status: 'sent' });
    expect(await emailsTo(env, contact.email)).toHaveLength(2);
  });

  it('a redelivered message sends nothing twice', async () => {
    const contact = { ...freshContact(), phone: OPTED_OUT };
    const { caseId } = await seedCase(env.db, { type: 'damaged', contact: { ...contact, channels: ['sms'] } });
    const record = noticeRecord(caseId, 'received');
    expect(await deliverNotices(notifier, record)).toEqual({ batchItemFailures: [] });
    expect(await deliverNotices(notifier, { ...record, receiveCount: 2 })).toEqual({ batchItemFailures: [] });
    expect(await emailsTo(env, contact.email)).toHaveLength(1);
    expect((await cases.view(caseId))!.timeline.filter((e) => e.event === 'notice_suppressed')).toHaveLength(1);
  });

  it('the suppression write failing after the email was accepted: the email is recorded sent and never sent again', async () => {
    const contact = { ...freshContact(), phone: OPTED_OUT };
    const { caseId } = await seedCase(env.db, { type: 'damaged', contact: { ...contact, channels: ['email', 'sms'] } });
    // The tests above suppressed the fake's one opted-out number: lifted, so the provider is asked (and refuses) again.
    await env.db.send(new DeleteCommand({ TableName: TABLE_NAME, Key: suppressionKey('sms', OPTED_OUT) }));
    // The store class the fresh notifier module was built with (importFresh reset the module cache before loading it).
    const { SuppressionStore } = await import('../../functions/adapters/suppression-store.js');
    const failing = vi.spyOn(SuppressionStore.prototype, 'suppress').mockRejectedValueOnce(Object.assign(new Error('throttled'), { name: 'ThrottlingException' }));
    const record = noticeRecord(caseId, 'received');
    try {
      // The only record of the batch failed: the whole batch is reported failed, and SQS hands the message out again.
      await expect(deliverNotices(notifier, record)).rejects.toThrow(/All records failed/);
    } finally {
      failing.mockRestore();
    }
    expect(await noticeItem(env, caseId, 'received', 'email')).toMatchObject({ status: 'sent', providerMessageId: expect.any(String) });
    expect(await noticeItem(env, caseId, 'received', 'sms')).toMatchObject({ status: 'failed', error: 'ThrottlingException' });

    // The message comes back: the SMS is refused again and suppressed now; the email is not sent a second time.
    expect(await deliverNotices(notifier, { ...record, receiveCount: 2 })).toEqual({ batchItemFailures: [] });
    expect(await noticeItem(env, caseId, 'received', 'sms')).toMatchObject({ status: 'suppressed', reason: 'opted_out' });
    expect(await emailsTo(env, contact.email)).toHaveLength(1);
  });
});
