import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { NoticeClaimContendedError, NoticeStore } from '../../functions/adapters/notice-store.js';
import { importFresh, lambdaContext, sqsEvent, startHandlerEnv, TABLE_NAME, type HandlerEnv } from './env.js';
import { seedCase } from './fixtures.js';
import { deliverNotices, emailsTo, freshContact, noticeRecord, NOTIFIER_ENV, type NotifierHandler } from './notice-helpers.js';

/** One item per (case, milestone) holding both channels: what each write may take, and what a race leaves. */
const STALE_MS = 30_000;
let env: HandlerEnv;
let notices: NoticeStore;
let notifier: NotifierHandler;

const slotItem = async (caseId: string, slot: string) =>
  (await env.db.send(new GetCommand({ TableName: TABLE_NAME, Key: { pk: `CASE#${caseId}`, sk: `NOTICE#${slot}` }, ConsistentRead: true }))).Item;
const noticeKeys = async (caseId: string) =>
  (
    await env.db.send(
      new QueryCommand({
        TableName: TABLE_NAME,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :n)',
        ExpressionAttributeValues: { ':pk': `CASE#${caseId}`, ':n': 'NOTICE#' },
        ConsistentRead: true,
      }),
    )
  ).Items!.map((i) => i.sk);

beforeAll(async () => {
  env = await startHandlerEnv({ ses: true, sms: true });
  notices = new NoticeStore(env.db, TABLE_NAME, STALE_MS);
  notifier = (await importFresh(() => import('../../functions/handlers/notifier.js'), NOTIFIER_ENV)).handler;
});

afterAll(async () => {
  await env?.close();
});

describe('notice store: one item per slot', () => {
  it('claims both channels in one item; racing claims take each channel exactly once', async () => {
    const { caseId } = await seedCase(env.db);
    const now = new Date();
    const claims = await Promise.all(Array.from({ length: 5 }, () => notices.claimSlot(caseId, 'received', { send: ['email', 'sms'] }, now)));
    expect(claims.flatMap((c) => c.taken).sort()).toEqual(['email', 'sms']);
    // The losers see the channels held by a live sender: their message comes back rather than finishing.
    for (const claim of claims.filter((c) => c.taken.length === 0)) expect(claim.busy.sort()).toEqual(['email', 'sms']);
    expect(await noticeKeys(caseId)).toEqual(['NOTICE#received']);
    expect(await slotItem(caseId, 'received')).toMatchObject({ milestone: 'received', email: { status: 'sending' }, sms: { status: 'sending' } });
  });

  it('a stale claim is taken over per channel; a fresh one, a sent one and a permanent failure are not', async () => {
    const { caseId } = await seedCase(env.db);
    expect(await notices.claim(caseId, 'decided', 'email', new Date(Date.now() - STALE_MS - 1000))).toBe(true);
    expect(await notices.claim(caseId, 'decided', 'sms', new Date())).toBe(true);
    const claim = await notices.claimSlot(caseId, 'decided', { send: ['email', 'sms'] }, new Date());
    expect(claim).toMatchObject({ taken: ['email'], busy: ['sms'] });

    await notices.record(claim, { email: { status: 'sent', at: new Date().toISOString(), providerMessageId: 'ses-1' } });
    await notices.markDeliveryFailed({ caseId, slot: 'decided', channel: 'email' }, 'ses-1', new Date(), 'bounce:Permanent/General', true);
    expect(await slotItem(caseId, 'decided')).toMatchObject({ email: { status: 'failed', permanent: true, providerMessageId: 'ses-1' }, sms: { status: 'sending' } });
    expect((await notices.claimSlot(caseId, 'decided', { send: ['email'] }, new Date(Date.now() + 2 * STALE_MS))).taken).toEqual([]);
  });

  it('a channel never tried is put back as it was; a failure never hides a sent channel', async () => {
    const { caseId } = await seedCase(env.db);
    const first = await notices.claimSlot(caseId, 'closed', { send: ['email', 'sms'] }, new Date());
    // Email failed, so the SMS was not tried: it leaves no trace, and the retry takes both again.
    await notices.record(first, { email: { status: 'failed', at: new Date().toISOString(), error: 'ThrottlingException' } }, ['sms']);
    const item = await slotItem(caseId, 'closed');
    expect(item).toMatchObject({ email: { status: 'failed', error: 'ThrottlingException' } });
    expect(item!.sms).toBeUndefined();
    const retry = await notices.claimSlot(caseId, 'closed', { send: ['email', 'sms'] }, new Date());
    expect(retry.taken).toEqual(['email', 'sms']);
    await notices.record(retry, {
      email: { status: 'sent', at: new Date().toISOString(), providerMessageId: 'ses-2' },
      sms: { status: 'sent', at: new Date().toISOString(), providerMessageId: 'sms-2' },
    });
    // A late failure of an attempt whose claim was taken over: the sent email stays sent, the SMS's result is kept.
    await notices.record(first, {
      email: { status: 'failed', at: new Date().toISOString(), error: 'Late' },
      sms: { status: 'sent', at: new Date().toISOString(), providerMessageId: 'sms-2' },
    });
    expect(await slotItem(caseId, 'closed')).toMatchObject({ email: { status: 'sent', providerMessageId: 'ses-2' }, sms: { status: 'sent', providerMessageId: 'sms-2' } });
  });

  it('an SMS parked for quiet hours in the same write as the email claim; only a release takes it', async () => {
    const { caseId } = await seedCase(env.db);
    const sendAt = new Date(Date.now() + 3_600_000);
    const claim = await notices.claimSlot(caseId, 'received', { send: ['email'], deferUntil: sendAt }, new Date(), { message: { caseId, milestone: 'received' } });
    expect(claim).toMatchObject({ taken: ['email'], deferred: ['sms'] });
    await notices.record(claim, { email: { status: 'sent', at: new Date().toISOString(), providerMessageId: 'ses-3' } });
    // The email's result leaves the SMS and the due index alone.
    expect(await slotItem(caseId, 'received')).toMatchObject({
      sms: { status: 'deferred', sendAt: sendAt.toISOString() },
      gsi2pk: 'DEFERRED#sms',
      gsi2sk: `${sendAt.toISOString()}#${caseId}#received`,
    });
    expect(await notices.held(caseId, 'sms')).toEqual([
      { caseId, slot: 'received', channel: 'sms', sendAt: sendAt.toISOString(), message: { caseId, milestone: 'received', channel: 'sms', release: true } },
    ]);
    expect(await notices.claim(caseId, 'received', 'sms', new Date())).toBe(false);
    expect(await notices.claim(caseId, 'received', 'sms', new Date(), { release: true })).toBe(true);
    const released = await slotItem(caseId, 'received');
    expect(released!.gsi2pk).toBeUndefined();
    expect(released).toMatchObject({ email: { status: 'sent' }, sms: { status: 'sending' } });
  });
});

describe('notifier: two invocations racing for one notice', () => {
  it('exactly one sends each channel', async () => {
    const to = freshContact();
    const { caseId } = await seedCase(env.db, { contact: { ...to, channels: ['email', 'sms'] } });
    // The workflow's notify step retried: two messages of one notice, handled at the same time.
    await Promise.allSettled([deliverNotices(notifier, noticeRecord(caseId, 'received')), deliverNotices(notifier, noticeRecord(caseId, 'received'))]);
    expect(await emailsTo(env, to.email)).toHaveLength(1);
    expect(env.sms!.messages({ to: to.phone })).toHaveLength(1);
    expect(await noticeKeys(caseId)).toEqual(['NOTICE#received']);
  });
});

describe('notifier: a slow second send', () => {
  it('records the channel already sent before waiting on it, so a sender killed meanwhile does not send that one again', async () => {
    const to = freshContact();
    const { caseId } = await seedCase(env.db, { contact: { ...to, channels: ['email', 'sms'] } });
    // The sender class the fresh notifier module was built with (importFresh reset the module cache before loading it).
    const { AwsNoticeSenders } = await import('../../functions/adapters/notice-senders.js');
    const { CHECKPOINT_AFTER_MS } = await import('../../functions/use-cases/send-notice.js');
    const sms = AwsNoticeSenders.prototype.sms;
    let seenWhileSending: Record<string, unknown> | undefined;
    const slow = vi.spyOn(AwsNoticeSenders.prototype, 'sms').mockImplementation(async function (this: InstanceType<typeof AwsNoticeSenders>, ...args) {
      await new Promise((resolve) => setTimeout(resolve, CHECKPOINT_AFTER_MS + 500));
      seenWhileSending = await slotItem(caseId, 'received');
      return sms.apply(this, args);
    });
    try {
      expect(await deliverNotices(notifier, noticeRecord(caseId, 'received'))).toEqual({ batchItemFailures: [] });
    } finally {
      slow.mockRestore();
    }
    expect(seenWhileSending).toMatchObject({ email: { status: 'sent', providerMessageId: expect.any(String) }, sms: { status: 'sending' } });
    expect(await slotItem(caseId, 'received')).toMatchObject({ email: { status: 'sent' }, sms: { status: 'sent' } });
    expect(await emailsTo(env, to.email)).toHaveLength(1);
  }, 15_000);

  it('a bounce of the email recorded while the SMS is slow is kept: the final write leaves the checkpointed email alone', async () => {
    const to = freshContact();
    const { caseId } = await seedCase(env.db, { contact: { ...to, channels: ['email', 'sms'] } });
    const { AwsNoticeSenders } = await import('../../functions/adapters/notice-senders.js');
    const { CHECKPOINT_AFTER_MS } = await import('../../functions/use-cases/send-notice.js');
    const sms = AwsNoticeSenders.prototype.sms;
    const slow = vi.spyOn(AwsNoticeSenders.prototype, 'sms').mockImplementation(async function (this: InstanceType<typeof AwsNoticeSenders>, ...args) {
      await new Promise((resolve) => setTimeout(resolve, CHECKPOINT_AFTER_MS + 500));
      // The checkpoint recorded the email; SES reports its bounce before the SMS has answered.
      const email = (await slotItem(caseId, 'received'))!.email as { providerMessageId: string };
      await notices.markDeliveryFailed({ caseId, slot: 'received', channel: 'email' }, email.providerMessageId, new Date(), 'bounce:Permanent/General', true);
      return sms.apply(this, args);
    });
    try {
      expect(await deliverNotices(notifier, noticeRecord(caseId, 'received'))).toEqual({ batchItemFailures: [] });
    } finally {
      slow.mockRestore();
    }
    expect(await slotItem(caseId, 'received')).toMatchObject({
      email: { status: 'failed', permanent: true, deliveryFailedAt: expect.any(String), reason: 'bounce:Permanent/General' },
      sms: { status: 'sent' },
    });
  }, 15_000);

  it('with less time left than a send can take, the email is recorded before the SMS is sent, without waiting', async () => {
    const to = freshContact();
    const { caseId } = await seedCase(env.db, { contact: { ...to, channels: ['email', 'sms'] } });
    const { AwsNoticeSenders, PROVIDER_SEND_MAX_MS } = await import('../../functions/adapters/notice-senders.js');
    const sms = AwsNoticeSenders.prototype.sms;
    let seenWhenSending: Record<string, unknown> | undefined;
    const spy = vi.spyOn(AwsNoticeSenders.prototype, 'sms').mockImplementation(async function (this: InstanceType<typeof AwsNoticeSenders>, ...args) {
      seenWhenSending = await slotItem(caseId, 'received');
      return sms.apply(this, args);
    });
    const started = Date.now();
    try {
      // The invocation is near its timeout: a hung SMS call could outlast it.
      const event = sqsEvent('aftersales-notices.fifo', [noticeRecord(caseId, 'received')]);
      expect(await notifier(event, lambdaContext('Notifier', PROVIDER_SEND_MAX_MS - 1_000))).toEqual({ batchItemFailures: [] });
    } finally {
      spy.mockRestore();
    }
    expect(Date.now() - started).toBeLessThan(PROVIDER_SEND_MAX_MS - 1_000);
    expect(seenWhenSending).toMatchObject({ email: { status: 'sent', providerMessageId: expect.any(String) }, sms: { status: 'sending' } });
    expect(await slotItem(caseId, 'received')).toMatchObject({ email: { status: 'sent' }, sms: { status: 'sent' } });
    expect(await emailsTo(env, to.email)).toHaveLength(1);
  });

  it('with time enough, the email and the SMS are recorded in one write after both sends', async () => {
    const to = freshContact();
    const { caseId } = await seedCase(env.db, { contact: { ...to, channels: ['email', 'sms'] } });
    const { AwsNoticeSenders } = await import('../../functions/adapters/notice-senders.js');
    const sms = AwsNoticeSenders.prototype.sms;
    let seenWhenSending: Record<string, unknown> | undefined;
    const spy = vi.spyOn(AwsNoticeSenders.prototype, 'sms').mockImplementation(async function (this: InstanceType<typeof AwsNoticeSenders>, ...args) {
      seenWhenSending = await slotItem(caseId, 'received');
      return sms.apply(this, args);
    });
    try {
      expect(await deliverNotices(notifier, noticeRecord(caseId, 'received'))).toEqual({ batchItemFailures: [] });
    } finally {
      spy.mockRestore();
    }
    expect(seenWhenSending).toMatchObject({ email: { status: 'sending' }, sms: { status: 'sending' } });
  });
});

describe('notice store: what the review asked to pin down', () => {
  it('a channel with an earlier state, claimed but never tried, is put back to that state', async () => {
    const { caseId } = await seedCase(env.db);
    const first = await notices.claimSlot(caseId, 'decided', { send: ['email', 'sms'] }, new Date());
    await notices.record(first, {
      email: { status: 'failed', at: new Date().toISOString(), error: 'ThrottlingException' },
      sms: { status: 'failed', at: new Date().toISOString(), error: 'TimeoutError' },
    });
    const earlier = (await slotItem(caseId, 'decided'))!.sms;
    const retry = await notices.claimSlot(caseId, 'decided', { send: ['email', 'sms'] }, new Date());
    expect(retry.taken).toEqual(['email', 'sms']);
    await notices.record(retry, { email: { status: 'failed', at: new Date().toISOString(), error: 'Again' } }, ['sms']);
    expect((await slotItem(caseId, 'decided'))!.sms).toEqual(earlier);
  });

  it("an SMS delivery event on a two-channel slot marks the SMS only, the email's map untouched", async () => {
    const { caseId } = await seedCase(env.db);
    const claim = await notices.claimSlot(caseId, 'received', { send: ['email', 'sms'] }, new Date());
    await notices.record(claim, {
      email: { status: 'sent', at: new Date().toISOString(), providerMessageId: 'ses-9' },
      sms: { status: 'sent', at: new Date().toISOString(), providerMessageId: 'sms-9' },
    });
    const email = (await slotItem(caseId, 'received'))!.email;
    expect(await notices.markDeliveryFailed({ caseId, slot: 'received', channel: 'sms' }, 'sms-9', new Date(), 'sms:BLOCKED', true)).toMatchObject({ first: true });
    const item = await slotItem(caseId, 'received');
    expect(item!.email).toEqual(email);
    expect(item!.sms).toMatchObject({ status: 'failed', permanent: true, reason: 'sms:BLOCKED', providerMessageId: 'sms-9' });
  });

  it('a claim contended on every attempt throws (retried through the queue) instead of dropping an SMS to park', async () => {
    const { caseId } = await seedCase(env.db);
    const contended = new NoticeStore(env.db, TABLE_NAME, STALE_MS);
    const takeFresh = vi.spyOn(contended as unknown as { takeFresh: () => Promise<boolean> }, 'takeFresh').mockResolvedValue(false);
    await expect(contended.claimSlot(caseId, 'received', { send: [], deferUntil: new Date(Date.now() + 3_600_000) }, new Date())).rejects.toBeInstanceOf(NoticeClaimContendedError);
    expect(takeFresh).toHaveBeenCalledTimes(3);
    expect(await slotItem(caseId, 'received')).toBeUndefined();
  });

  it("a claim given the case's notices read just before decides on them, with no read of its own; a stale read loses to the write in between and reads afresh", async () => {
    const { caseId } = await seedCase(env.db);
    const reading = new NoticeStore(env.db, TABLE_NAME, STALE_MS);
    const reads = vi.spyOn(reading as unknown as { read: () => Promise<unknown> }, 'read');
    const first = await reading.claimSlot(caseId, 'received', { send: ['email', 'sms'] }, new Date(), { read: await reading.caseNotices(caseId) });
    expect(first.taken).toEqual(['email', 'sms']);
    expect(reads).not.toHaveBeenCalled();

    // Read before another sender takes the email: the write's condition fails on the email, the claim reads the slot
    // again, and takes only the SMS; the email is never sent twice.
    const stale = await reading.caseNotices(caseId);
    expect(await notices.claim(caseId, 'decided', 'email', new Date())).toBe(true);
    const second = await reading.claimSlot(caseId, 'decided', { send: ['email', 'sms'] }, new Date(), { read: stale });
    expect(second).toMatchObject({ taken: ['sms'], busy: ['email'] });
    expect(reads).toHaveBeenCalledTimes(1);
    // Taken already, seen in the read: nothing written, nothing read.
    expect((await reading.claimSlot(caseId, 'decided', { send: ['email', 'sms'] }, new Date(), { read: await reading.caseNotices(caseId) })).taken).toEqual([]);
    expect(reads).toHaveBeenCalledTimes(1);
    await expect(reading.claimSlot(caseId, 'resolved', { send: ['email'] }, new Date(), { read: await reading.caseNotices('AS-OTHER') })).rejects.toThrow(/another case/);
  });

  it('refuses to send and park the SMS in one claim', async () => {
    const { caseId } = await seedCase(env.db);
    await expect(notices.claimSlot(caseId, 'received', { send: ['sms'], deferUntil: new Date(Date.now() + 3_600_000) }, new Date())).rejects.toThrow(/both sent and held/);
    expect(await slotItem(caseId, 'received')).toBeUndefined();
  });

  it('round 1 and round 10 of a milestone are separate slots', async () => {
    const { caseId } = await seedCase(env.db);
    const r10 = await notices.claimSlot(caseId, 'disputed#r10', { send: ['email', 'sms'] }, new Date());
    await notices.record(r10, { email: { status: 'sent', at: new Date().toISOString(), providerMessageId: 'ses-r10' } }, ['sms']);
    expect((await notices.claimSlot(caseId, 'disputed#r1', { send: ['email'] }, new Date())).taken).toEqual(['email']);
    expect(await noticeKeys(caseId)).toEqual(['NOTICE#disputed#r1', 'NOTICE#disputed#r10']);
  });
});
