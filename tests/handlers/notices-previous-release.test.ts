import { CreateQueueCommand, DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaseStore } from '../../functions/adapters/case-store.js';
import { NoticeStore } from '../../functions/adapters/notice-store.js';
import { QueueSender } from '../../functions/adapters/queues.js';
import { SuppressionStore } from '../../functions/adapters/suppression-store.js';
import type { NoticeMessage } from '../../functions/schemas/messages.js';
import { dispatchDeferredNotices } from '../../functions/use-cases/dispatch-deferred-notices.js';
import { recordDeliveryEvent } from '../../functions/use-cases/record-delivery-event.js';
import { importFresh, startHandlerEnv, TABLE_NAME, type HandlerEnv } from './env.js';
import { seedCase } from './fixtures.js';
import { deliverNotices, emailsTo, freshContact, noticeRecord, NOTIFIER_ENV, type NotifierHandler } from './notice-helpers.js';

/**
 * A deployed table holds the notice items of the release before one item per (case, milestone): one item per
 * (case, milestone, channel), `NOTICE#<slot>#<channel>`, some in flight. Written here exactly as that release wrote
 * them (its NoticeStore: claim Put, sent mark, deferral Put with the due index), then handled by this release.
 */
const STALE_SECONDS = 30;
const MINUTE = 60_000;
let env: HandlerEnv;
let notifier: NotifierHandler;
let notices: NoticeStore;
let cases: CaseStore;
let queue: QueueSender<NoticeMessage>;
let queueUrl: string;

const oldKey = (caseId: string, slot: string, channel: string) => ({ pk: `CASE#${caseId}`, sk: `NOTICE#${slot}#${channel}` });
const putOld = (caseId: string, slot: string, channel: string, fields: Record<string, unknown>) =>
  env.db.send(new PutCommand({ TableName: TABLE_NAME, Item: { ...oldKey(caseId, slot, channel), milestone: slot, channel, ...fields } }));
const oldItem = async (caseId: string, slot: string, channel: string) =>
  (await env.db.send(new GetCommand({ TableName: TABLE_NAME, Key: oldKey(caseId, slot, channel), ConsistentRead: true }))).Item;
const slotItem = async (caseId: string, slot: string) =>
  (await env.db.send(new GetCommand({ TableName: TABLE_NAME, Key: { pk: `CASE#${caseId}`, sk: `NOTICE#${slot}` }, ConsistentRead: true }))).Item;
const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

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

beforeAll(async () => {
  env = await startHandlerEnv({ ses: true, sms: true, sqs: true });
  queueUrl = (await env.sqs!.send(new CreateQueueCommand({ QueueName: 'previous-release.fifo', Attributes: { FifoQueue: 'true', ContentBasedDeduplication: 'true' } }))).QueueUrl!;
  queue = new QueueSender<NoticeMessage>(env.sqs!, queueUrl);
  notices = new NoticeStore(env.db, TABLE_NAME, STALE_SECONDS * 1000);
  cases = new CaseStore(env.db, TABLE_NAME);
  notifier = (await importFresh(() => import('../../functions/handlers/notifier.js'), { ...NOTIFIER_ENV, NOTICE_CLAIM_STALE_SECONDS: String(STALE_SECONDS) })).handler;
});

afterAll(async () => {
  await env?.close();
});

describe('notice items of the previous release (one per channel)', () => {
  it('a channel it recorded sent is not sent again; the other goes into the new slot item; the case lists both', async () => {
    const to = freshContact();
    const { caseId } = await seedCase(env.db, { contact: { ...to, channels: ['email', 'sms'] } });
    await putOld(caseId, 'received', 'email', { status: 'sent', at: ago(MINUTE), providerMessageId: 'ses-old-1' });

    expect(await deliverNotices(notifier, noticeRecord(caseId, 'received'))).toEqual({ batchItemFailures: [] });
    expect(await emailsTo(env, to.email)).toHaveLength(0);
    expect(env.sms!.messages({ to: to.phone })).toHaveLength(1);
    expect(await oldItem(caseId, 'received', 'email')).toMatchObject({ status: 'sent', providerMessageId: 'ses-old-1' });
    expect(await slotItem(caseId, 'received')).toMatchObject({ sms: { status: 'sent' } });
    expect((await slotItem(caseId, 'received'))!.email).toBeUndefined();

    const view = await cases.view(caseId);
    expect(view!.notices.map((n) => [n.milestone, n.channel, n.status]).sort()).toEqual([
      ['received', 'email', 'sent'],
      ['received', 'sms', 'sent'],
    ]);
    // Delivered again: nothing more on either channel.
    expect(await deliverNotices(notifier, noticeRecord(caseId, 'received'))).toEqual({ batchItemFailures: [] });
    expect(await emailsTo(env, to.email)).toHaveLength(0);
    expect(env.sms!.messages({ to: to.phone })).toHaveLength(1);
  });

  it("a claim given the case's notices read just before routes each channel by its items there: the old item's channel stays in it", async () => {
    const { caseId } = await seedCase(env.db);
    await putOld(caseId, 'decided', 'email', { status: 'sent', at: ago(MINUTE), providerMessageId: 'ses-old-2' });
    await putOld(caseId, 'decided', 'sms', { status: 'failed', at: ago(MINUTE), error: 'Throttling' });
    const claim = await notices.claimSlot(caseId, 'decided', { send: ['email', 'sms'] }, new Date(), { read: await notices.caseNotices(caseId) });
    expect(claim.taken).toEqual(['sms']);
    expect(Object.keys(claim.legacy).sort()).toEqual(['email', 'sms']);
    expect(await oldItem(caseId, 'decided', 'sms')).toMatchObject({ status: 'sending' });
    expect(await slotItem(caseId, 'decided')).toBeUndefined();
    await notices.record(claim, { sms: { status: 'sent', at: new Date().toISOString(), providerMessageId: 'sms-old-2' } });
    expect(await oldItem(caseId, 'decided', 'sms')).toMatchObject({ status: 'sent', providerMessageId: 'sms-old-2' });
    expect(await oldItem(caseId, 'decided', 'email')).toMatchObject({ status: 'sent', providerMessageId: 'ses-old-2' });
  });

  it('its claim still fresh: nothing sent, the message comes back; once stale, taken over and sent once, in its own item', async () => {
    const to = freshContact();
    const { caseId } = await seedCase(env.db, { contact: { ...to, channels: ['sms'] } });
    await putOld(caseId, 'received', 'sms', { status: 'sending', at: ago(5_000) });
    const record = noticeRecord(caseId, 'received', {}, 2);
    await expect(deliverNotices(notifier, record)).rejects.toMatchObject({ name: 'FullBatchFailureError' });
    expect(env.sms!.messages({ to: to.phone })).toHaveLength(0);

    await putOld(caseId, 'received', 'sms', { status: 'sending', at: ago((STALE_SECONDS + 5) * 1000) });
    expect(await deliverNotices(notifier, { ...record, receiveCount: 3 })).toEqual({ batchItemFailures: [] });
    expect(await deliverNotices(notifier, { ...record, receiveCount: 4 })).toEqual({ batchItemFailures: [] });
    expect(env.sms!.messages({ to: to.phone })).toHaveLength(1);
    expect(await oldItem(caseId, 'received', 'sms')).toMatchObject({ status: 'sent', providerMessageId: env.sms!.messages({ to: to.phone })[0]!.messageId });
    expect(await slotItem(caseId, 'received')).toBeUndefined();
  });

  it('a failed channel is retried without resending the one it recorded sent', async () => {
    const to = freshContact();
    const { caseId } = await seedCase(env.db, { contact: { ...to, channels: ['email', 'sms'] } });
    await putOld(caseId, 'received', 'email', { status: 'sent', at: ago(MINUTE), providerMessageId: 'ses-old-2' });
    await putOld(caseId, 'received', 'sms', { status: 'failed', at: ago(MINUTE), error: 'ValidationException' });
    expect(await deliverNotices(notifier, noticeRecord(caseId, 'received'))).toEqual({ batchItemFailures: [] });
    expect(await emailsTo(env, to.email)).toHaveLength(0);
    expect(env.sms!.messages({ to: to.phone })).toHaveLength(1);
    expect(await oldItem(caseId, 'received', 'sms')).toMatchObject({ status: 'sent' });
  });

  it('a delivery event of a message it sent marks its item, exactly that channel, once', async () => {
    const { caseId } = await seedCase(env.db, { contact: { ...freshContact(), channels: ['email', 'sms'] } });
    await putOld(caseId, 'decided', 'email', { status: 'sent', at: ago(MINUTE), providerMessageId: 'ses-old-3' });
    await putOld(caseId, 'decided', 'sms', { status: 'sent', at: ago(MINUTE), providerMessageId: 'sms-old-3' });
    const deps = { cases, notices, suppressions: new SuppressionStore(env.db, TABLE_NAME), noticeQueue: queue };
    const failure = { channel: 'sms' as const, providerMessageId: 'sms-old-3', reason: 'sms:TEXT_UNREACHABLE', permanent: false, addresses: [] };
    expect(await recordDeliveryEvent(deps, { ...failure, notice: { caseId, slot: 'decided', channel: 'sms' } }, new Date())).toBe('recorded');
    expect(await recordDeliveryEvent(deps, { ...failure, notice: { caseId, slot: 'decided', channel: 'sms' } }, new Date())).toBe('repeated');
    expect(await oldItem(caseId, 'decided', 'sms')).toMatchObject({ status: 'failed', reason: 'sms:TEXT_UNREACHABLE' });
    expect(await oldItem(caseId, 'decided', 'email')).toMatchObject({ status: 'sent' });
    // Another message id than the one recorded: not this notice (yet).
    expect(await recordDeliveryEvent(deps, { ...failure, providerMessageId: 'sms-other', notice: { caseId, slot: 'decided', channel: 'sms' } }, new Date())).toBe(
      'unknown_message',
    );
  });

  it('an SMS it held for quiet hours is released by the dispatcher at its time and sent once', async () => {
    const to = freshContact();
    const { caseId } = await seedCase(env.db, { contact: { ...to, channels: ['sms'], timeZone: 'Asia/Shanghai' } });
    const sendAt = ago(MINUTE);
    const at = ago(9 * 60 * MINUTE);
    const later: NoticeMessage = { caseId, milestone: 'received', at, channel: 'sms', release: true };
    await putOld(caseId, 'received', 'sms', {
      status: 'deferred',
      at,
      sendAt,
      message: JSON.stringify(later),
      gsi2pk: 'DEFERRED#sms',
      gsi2sk: `${sendAt}#${caseId}#received`,
    });
    await queued();
    expect(await dispatchDeferredNotices({ notices, noticeQueue: queue }, new Date(Date.now() - 2 * MINUTE))).toEqual({ released: 0, dropped: 0 });
    const report = await dispatchDeferredNotices({ notices, noticeQueue: queue }, new Date());
    expect(report.released).toBeGreaterThanOrEqual(1);
    const mine = (await queued()).filter((m) => m.caseId === caseId);
    expect(mine).toEqual([expect.objectContaining({ milestone: 'received', channel: 'sms', release: true, at })]);

    // A plain redelivery of the original notice cannot take it; the release can, once.
    expect(await deliverNotices(notifier, noticeRecord(caseId, 'received'))).toEqual({ batchItemFailures: [] });
    expect(env.sms!.messages({ to: to.phone })).toHaveLength(0);
    for (let i = 0; i < 2; i += 1) expect(await deliverNotices(notifier, { ...noticeRecord(caseId, 'received'), body: { ...mine[0]! } })).toEqual({ batchItemFailures: [] });
    expect(env.sms!.messages({ to: to.phone })).toHaveLength(1);
    const item = await oldItem(caseId, 'received', 'sms');
    expect(item).toMatchObject({ status: 'sent' });
    expect(item!.gsi2pk).toBeUndefined();
    await dispatchDeferredNotices({ notices, noticeQueue: queue }, new Date());
    expect((await queued()).filter((m) => m.caseId === caseId)).toEqual([]);
  });

  it('an old held SMS a new one supersedes is dropped from its own item, and the new one is released', async () => {
    const to = freshContact();
    const { caseId } = await seedCase(env.db, { type: 'damaged', contact: { ...to, locale: 'en', channels: ['sms'], timeZone: 'Asia/Shanghai' } });
    const sendAt = ago(MINUTE);
    const at = ago(9 * 60 * MINUTE);
    await putOld(caseId, 'received', 'sms', {
      status: 'deferred',
      at,
      sendAt,
      message: JSON.stringify({ caseId, milestone: 'received', at, channel: 'sms', release: true }),
      gsi2pk: 'DEFERRED#sms',
      gsi2sk: `${sendAt}#${caseId}#received`,
    });
    // This release holds the next milestone in the slot item, behind the old one (the live SMS waits for the dispatcher).
    expect(
      await notices.defer(caseId, 'evidence_needed', 'sms', new Date(Date.parse(at) + 60_000), new Date(Date.parse(sendAt)), {
        caseId,
        milestone: 'evidence_needed',
        at: new Date(Date.parse(at) + 60_000).toISOString(),
        dueInSeconds: 7 * 86_400,
      }),
    ).toBe(true);
    expect((await notices.held(caseId, 'sms')).map((n) => n.slot).sort()).toEqual(['evidence_needed', 'received']);
    await queued();
    await dispatchDeferredNotices({ notices, noticeQueue: queue }, new Date());
    const mine = (await queued()).filter((m) => m.caseId === caseId);
    expect(mine.map((m) => m.milestone)).toEqual(['evidence_needed']);
    expect(await oldItem(caseId, 'received', 'sms')).toMatchObject({ status: 'superseded' });
    expect((await oldItem(caseId, 'received', 'sms'))!.gsi2pk).toBeUndefined();
    expect(await notices.held(caseId, 'sms')).toHaveLength(1);
  });

  it('a channel of its item claimed but never tried (the email failed first) is put back exactly as it was', async () => {
    const { caseId } = await seedCase(env.db);
    await putOld(caseId, 'decided', 'sms', { status: 'failed', at: ago(MINUTE), error: 'ThrottlingException' });
    const before = await oldItem(caseId, 'decided', 'sms');
    const claim = await notices.claimSlot(caseId, 'decided', { send: ['email', 'sms'] }, new Date());
    expect(claim.taken).toEqual(['email', 'sms']);
    expect(await oldItem(caseId, 'decided', 'sms')).toMatchObject({ status: 'sending' });
    await notices.record(claim, { email: { status: 'failed', at: new Date().toISOString(), error: 'TimeoutError' } }, ['sms']);
    expect(await oldItem(caseId, 'decided', 'sms')).toEqual(before);
    expect((await slotItem(caseId, 'decided'))!.email).toMatchObject({ status: 'failed', error: 'TimeoutError' });
  });

  it('a slot with one channel in its item and the other in the new slot item: each event marks its own, once', async () => {
    const { caseId } = await seedCase(env.db);
    await putOld(caseId, 'received', 'email', { status: 'sent', at: ago(MINUTE), providerMessageId: 'ses-old' });
    const claim = await notices.claimSlot(caseId, 'received', { send: ['sms'] }, new Date());
    await notices.record(claim, { sms: { status: 'sent', at: new Date().toISOString(), providerMessageId: 'sms-new' } });

    expect(await notices.markDeliveryFailed({ caseId, slot: 'received', channel: 'sms' }, 'sms-new', new Date(), 'sms:UNREACHABLE', false)).toMatchObject({ first: true });
    expect(await oldItem(caseId, 'received', 'email')).toMatchObject({ status: 'sent', providerMessageId: 'ses-old' });
    expect((await slotItem(caseId, 'received'))!.sms).toMatchObject({ status: 'failed', reason: 'sms:UNREACHABLE', providerMessageId: 'sms-new' });

    expect(await notices.markDeliveryFailed({ caseId, slot: 'received', channel: 'email' }, 'ses-old', new Date(), 'bounce:Permanent/General', true)).toMatchObject({
      first: true,
    });
    expect(await notices.markDeliveryFailed({ caseId, slot: 'received', channel: 'email' }, 'ses-old', new Date(), 'bounce:Permanent/General', true)).toMatchObject({
      first: false,
    });
    expect(await oldItem(caseId, 'received', 'email')).toMatchObject({ status: 'failed', permanent: true });
    expect((await slotItem(caseId, 'received'))!.email).toBeUndefined();
    // An id that is not the channel's: nothing marked.
    expect(await notices.markDeliveryFailed({ caseId, slot: 'received', channel: 'sms' }, 'ses-old', new Date(), 'x', true)).toBeUndefined();
  });
});
