import { CreateQueueCommand, DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaseStore } from '../../functions/adapters/case-store.js';
import { SuppressionStore } from '../../functions/adapters/suppression-store.js';
import { verifyStatusToken } from '../../functions/domain/status-link.js';
import { caseReport } from '../../functions/use-cases/case-report.js';
import { importFresh, startHandlerEnv, TABLE_NAME, type HandlerEnv } from './env.js';
import { PERSON, seedCase } from './fixtures.js';
import { deliverNotices, emailsTo, freshContact, noticeItem, noticeRecord, NOTIFIER_ENV, scheduledAt, STATUS_SECRET, type NotifierHandler } from './notice-helpers.js';

type Dispatcher = typeof import('../../functions/handlers/dispatch-deferred-notices.js')['handler'];

let env: HandlerEnv;
let notifier: NotifierHandler;
let quietNotifier: NotifierHandler;
let dispatcher: Dispatcher;
let queueUrl: string;
let cases: CaseStore;
const MINUTE = 60_000;

/** HH:MM in Shanghai, `minutes` from now. */
const shanghaiClock = (minutes: number) =>
  new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(Date.now() + minutes * MINUTE));

/** Whatever is on the notice queue now (the dispatcher's releases), removed from it. */
async function drainQueue() {
  const out = await env.sqs!.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, AttributeNames: ['All'] }));
  for (const m of out.Messages ?? []) await env.sqs!.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle! }));
  return (out.Messages ?? []).map((m) => JSON.parse(m.Body!) as Record<string, unknown>);
}
beforeAll(async () => {
  env = await startHandlerEnv({ ses: true, sms: true, sqs: true });
  queueUrl = (await env.sqs!.send(new CreateQueueCommand({ QueueName: 'notices-test.fifo', Attributes: { FifoQueue: 'true', ContentBasedDeduplication: 'true' } }))).QueueUrl!;
  cases = new CaseStore(env.db, TABLE_NAME);
  notifier = (await importFresh(() => import('../../functions/handlers/notifier.js'), NOTIFIER_ENV)).handler;
  // A window around now in Shanghai, so this run is inside it whatever the time of day.
  quietNotifier = (await importFresh(() => import('../../functions/handlers/notifier.js'), { ...NOTIFIER_ENV, SMS_QUIET_HOURS: `${shanghaiClock(-60)}-${shanghaiClock(120)}` }))
    .handler;
  dispatcher = (await importFresh(() => import('../../functions/handlers/dispatch-deferred-notices.js'), { NOTICE_QUEUE_URL: queueUrl })).handler;
});

afterAll(async () => {
  await env?.close();
});

describe('what every notice carries', () => {
  it('a signed status link for the case, valid for 90 days, in the email and the SMS', async () => {
    const to = freshContact();
    const { caseId } = await seedCase(env.db, { contact: { ...to, channels: ['email', 'sms'] } });
    expect(await deliverNotices(notifier, noticeRecord(caseId, 'received'))).toEqual({ batchItemFailures: [] });
    const [mail] = await emailsTo(env, to.email);
    const link = new RegExp(`https://aftersales\\.example\\.com/cases/${caseId}/status\\?token=([\\w.%-]+)`).exec(mail!.body.text!);
    expect(link).not.toBeNull();
    const check = verifyStatusToken(decodeURIComponent(link![1]!), caseId, new Date(), STATUS_SECRET);
    expect(check.ok).toBe(true);
    if (check.ok) expect(check.expiresAt.getTime() - Date.now()).toBeGreaterThan(89 * 86_400_000);
    expect(env.sms!.messages({ to: to.phone })[0]!.body).toContain(link![0]);
  });

  it('ship_back: the service center address, the label link the order platform issued, and the deadline', async () => {
    const to = freshContact();
    const { caseId } = await seedCase(env.db, {
      type: 'quality',
      record: { returnLabel: { instructionId: 'ins_9', at: new Date().toISOString(), carrier: 'SF', labelUrl: 'https://orders.example.com/labels/ins_9.pdf' } },
      contact: { ...to, channels: ['email'], locale: 'en' },
    });
    expect(await deliverNotices(notifier, noticeRecord(caseId, 'ship_back', { dueInSeconds: 7 * 86_400 }))).toEqual({ batchItemFailures: [] });
    const [mail] = await emailsTo(env, to.email);
    expect(mail!.body.text).toContain('https://orders.example.com/labels/ins_9.pdf');
    expect(mail!.body.text).toContain('88 Zhangjiang Road');
  });

  it('a German-speaking customer: return instructions and the refund in German, euros in German format, dates in their zone', async () => {
    const to = freshContact();
    const { caseId } = await seedCase(env.db, {
      type: 'quality',
      record: {
        currency: 'EUR',
        returnLabel: { instructionId: 'ins_de', at: new Date().toISOString(), carrier: 'SF', labelUrl: 'https://orders.example.com/labels/ins_de.pdf' },
      },
      contact: { ...to, channels: ['email', 'sms'], locale: 'de', timeZone: 'Europe/Berlin' },
    });
    expect(await deliverNotices(notifier, noticeRecord(caseId, 'ship_back', { dueInSeconds: 7 * 86_400 }))).toEqual({ batchItemFailures: [] });
    const [instructions] = await emailsTo(env, to.email);
    expect(instructions!.subject).toBe(`Bitte senden Sie uns den Artikel zurück (Vorgang ${caseId})`);
    expect(instructions!.body.text).toContain('Guten Tag ');
    expect(instructions!.body.text).toContain('Adresse: Gebäude 3, 88 Zhangjiang Road');
    expect(instructions!.body.text).toMatch(/Versand bis: \w+, \d{1,2}\. \w+ \d{4}, \d{2}:\d{2} Uhr/);
    expect(instructions!.body.html).toContain('<html lang="de">');
    expect(env.sms!.messages({ to: to.phone })[0]!.body).toMatch(new RegExp(`^Vorgang ${caseId}: Bitte senden Sie den Artikel bis \\d{2}\\.\\d{2}\\. zurück`));

    await cases.update(caseId, {
      remedy: 'refund',
      compensation: {
        instructionId: 'ins_de_refund',
        kind: 'refund',
        amount: 1_250,
        currency: 'EUR',
        idempotencyKey: `${caseId}:refund`,
        at: new Date().toISOString(),
        status: 'completed',
      },
    } as never);
    expect(await deliverNotices(notifier, noticeRecord(caseId, 'resolved'))).toEqual({ batchItemFailures: [] });
    const refund = (await emailsTo(env, to.email)).find((mail) => mail.subject.startsWith('Ihre Erstattung'));
    expect(refund!.subject).toBe(`Ihre Erstattung über 12,50\u00a0€ ist unterwegs (Vorgang ${caseId})`);
    expect(env.sms!.messages({ to: to.phone }).map((m) => m.body)).toContainEqual(
      expect.stringContaining('Wir haben Ihnen 12,50 € auf Ihr ursprüngliches Zahlungsmittel erstattet.'),
    );
  });

  it('delay_notice: the pause the operator recorded, with the status page’s choice section', async () => {
    const to = freshContact();
    const { caseId } = await seedCase(env.db, { contact: { ...to, channels: ['email'], locale: 'en' } });
    await cases.update(caseId, { pause: { since: new Date().toISOString(), reason: 'factory_service', count: 1 } } as never);
    expect(await deliverNotices(notifier, noticeRecord(caseId, 'delay_notice', { round: 1 }))).toEqual({ batchItemFailures: [] });
    const [mail] = await emailsTo(env, to.email);
    expect(mail!.body.text).toMatch(/manufacturer/);
    expect(mail!.body.text).toMatch(new RegExp(`/cases/${caseId}/status\\?token=[^\\s]+#choice`));
    expect(await noticeItem(env, caseId, 'delay_notice#r1', 'email')).toMatchObject({ status: 'sent' });
  });
});

describe('a notice the case lacks data for', () => {
  it('fails, names the missing field on the notice, and on its last attempt goes on the timeline as undeliverable', async () => {
    const to = freshContact();
    const { caseId } = await seedCase(env.db, { contact: { ...to, channels: ['email'] } });
    // "resolved" before any compensation: nothing to tell the customer.
    const first = noticeRecord(caseId, 'resolved');
    await expect(deliverNotices(notifier, first)).rejects.toMatchObject({ name: 'FullBatchFailureError' });
    expect(await noticeItem(env, caseId, 'resolved', 'email')).toMatchObject({ status: 'failed', error: 'NoticeDataError: compensation missing' });
    expect((await cases.view(caseId))!.timeline.map((e) => e.event)).not.toContain('notice_undeliverable');

    await expect(deliverNotices(notifier, { ...first, receiveCount: 5 })).rejects.toMatchObject({ name: 'FullBatchFailureError' });
    const view = (await cases.view(caseId))!;
    expect(view.timeline.find((e) => e.event === 'notice_undeliverable')?.detail).toEqual({
      milestone: 'resolved',
      channel: 'email',
      reason: 'NoticeDataError: compensation missing',
    });
    expect(caseReport(view).notices).toEqual([
      expect.objectContaining({ milestone: 'resolved', channel: 'email', status: 'undeliverable', reason: 'NoticeDataError: compensation missing' }),
    ]);
    expect(await emailsTo(env, to.email)).toHaveLength(0);
  });

  it('an SMS the provider refuses on the last attempt is undeliverable, and the timeline names no number', async () => {
    const to = freshContact();
    const { caseId } = await seedCase(env.db, { contact: { email: to.email, phone: '+1', channels: ['sms'] } });
    await expect(deliverNotices(notifier, noticeRecord(caseId, 'received', {}, 5))).rejects.toMatchObject({ name: 'FullBatchFailureError' });
    const view = (await cases.view(caseId))!;
    const entry = view.timeline.find((e) => e.event === 'notice_undeliverable');
    expect(entry?.detail).toEqual({ milestone: 'received', channel: 'sms', reason: 'ValidationException' });
    expect(JSON.stringify(view)).not.toContain(PERSON.phone);
  });
});

describe('suppressed addresses', () => {
  it('are skipped and recorded once; the notice falls back to the other channel', async () => {
    const to = freshContact();
    await new SuppressionStore(env.db, TABLE_NAME).suppress('email', `  ${to.email.toUpperCase()} `, 'bounce:Permanent/General', new Date());
    const { caseId } = await seedCase(env.db, { contact: { ...to, channels: ['email'] } });
    const record = noticeRecord(caseId, 'received');
    expect(await deliverNotices(notifier, record)).toEqual({ batchItemFailures: [] });
    expect(await deliverNotices(notifier, record)).toEqual({ batchItemFailures: [] });
    expect(await emailsTo(env, to.email)).toHaveLength(0);
    expect(env.sms!.messages({ to: to.phone })).toHaveLength(1);
    expect(await noticeItem(env, caseId, 'received', 'email')).toMatchObject({ status: 'suppressed', reason: 'bounce:Permanent/General' });
    const timeline = (await cases.view(caseId))!.timeline.filter((e) => e.event === 'notice_suppressed');
    expect(timeline).toHaveLength(1);
    expect(JSON.stringify(timeline)).not.toContain(to.email);
  });
});

describe('SMS quiet hours', () => {
  it('an SMS in the customer’s quiet hours waits for their end; the email goes at once', async () => {
    const to = freshContact();
    const { caseId } = await seedCase(env.db, { contact: { ...to, channels: ['email', 'sms'], timeZone: 'Asia/Shanghai' } });
    const before = Date.now();
    expect(await deliverNotices(quietNotifier, noticeRecord(caseId, 'received'))).toEqual({ batchItemFailures: [] });
    expect(await emailsTo(env, to.email)).toHaveLength(1);
    expect(env.sms!.messages({ to: to.phone })).toHaveLength(0);

    const item = await noticeItem(env, caseId, 'received', 'sms');
    expect(item).toMatchObject({ status: 'deferred', gsi2pk: 'DEFERRED#sms' });
    const sendAt = Date.parse(String(item!.sendAt));
    // The window ends 120 minutes after the test started, to the minute.
    expect(sendAt).toBeGreaterThan(before + 118 * MINUTE);
    expect(sendAt).toBeLessThanOrEqual(before + 120 * MINUTE);
    expect(item!.gsi2sk).toBe(`${item!.sendAt}#${caseId}#received`);
    expect(JSON.stringify(item)).not.toContain(to.phone);

    // Redelivered meanwhile: still waiting, nothing sent.
    expect(await deliverNotices(quietNotifier, noticeRecord(caseId, 'received'))).toEqual({ batchItemFailures: [] });
    expect(env.sms!.messages({ to: to.phone })).toHaveLength(0);
  });

  it('the dispatcher releases it at its time (the scheduled event’s), and it is sent once', async () => {
    const to = freshContact();
    const { caseId } = await seedCase(env.db, { type: 'damaged', contact: { ...to, channels: ['sms'], timeZone: 'Asia/Shanghai' } });
    expect(await deliverNotices(quietNotifier, noticeRecord(caseId, 'evidence_needed', { dueInSeconds: 86_400 }))).toEqual({ batchItemFailures: [] });
    const sendAt = new Date(String((await noticeItem(env, caseId, 'evidence_needed', 'sms'))!.sendAt));
    await drainQueue();

    expect(await dispatcher(scheduledAt(new Date(sendAt.getTime() - MINUTE)))).toEqual({ released: 0 });
    expect(await drainQueue()).toEqual([]);

    const { released } = await dispatcher(scheduledAt(new Date(sendAt.getTime() + MINUTE)));
    expect(released).toBeGreaterThanOrEqual(1);
    const mine = (await drainQueue()).filter((m) => m.caseId === caseId);
    expect(mine).toEqual([expect.objectContaining({ caseId, milestone: 'evidence_needed', channel: 'sms', release: true, dueInSeconds: 86_400, at: expect.any(String) })]);

    // The quiet window is still on for the notifier's clock: a release is sent anyway, once.
    const release = noticeRecord(caseId, 'evidence_needed');
    release.body = mine[0] as typeof release.body;
    expect(await deliverNotices(quietNotifier, release)).toEqual({ batchItemFailures: [] });
    expect(await deliverNotices(quietNotifier, { ...release })).toEqual({ batchItemFailures: [] });
    const sms = env.sms!.messages({ to: to.phone });
    expect(sms).toHaveLength(1);
    // The deadline counts from when the milestone was reached, not from the release.
    const item = await noticeItem(env, caseId, 'evidence_needed', 'sms');
    expect(item).toMatchObject({ status: 'sent' });
    expect(item!.gsi2pk).toBeUndefined();

    // Out of the due index: the next run releases nothing of this case.
    await dispatcher(scheduledAt(new Date(sendAt.getTime() + 2 * MINUTE)));
    expect((await drainQueue()).filter((m) => m.caseId === caseId)).toEqual([]);
  });

  it('a plain redelivery cannot take a deferred slot; only the release can', async () => {
    const to = freshContact();
    const { caseId } = await seedCase(env.db, { contact: { ...to, channels: ['sms'], timeZone: 'Asia/Shanghai' } });
    expect(await deliverNotices(quietNotifier, noticeRecord(caseId, 'received'))).toEqual({ batchItemFailures: [] });
    // Outside quiet hours (the other notifier), the same message again: the slot waits for its release.
    expect(await deliverNotices(notifier, noticeRecord(caseId, 'received'))).toEqual({ batchItemFailures: [] });
    expect(env.sms!.messages({ to: to.phone })).toHaveLength(0);
    expect(await noticeItem(env, caseId, 'received', 'sms')).toMatchObject({ status: 'deferred' });
  });

  it('a number suppressed while its SMS waited: the release records it suppressed, sends nothing, and leaves the due index', async () => {
    const to = freshContact();
    const { caseId } = await seedCase(env.db, { contact: { ...to, channels: ['email', 'sms'], timeZone: 'Asia/Shanghai' } });
    expect(await deliverNotices(quietNotifier, noticeRecord(caseId, 'received'))).toEqual({ batchItemFailures: [] });
    await new SuppressionStore(env.db, TABLE_NAME).suppress('sms', to.phone, 'sms:TEXT_BLOCKED', new Date());
    const deferred = await noticeItem(env, caseId, 'received', 'sms');
    const release = noticeRecord(caseId, 'received');
    // As the dispatcher releases it (NoticeStore.held): the slot's message, for the SMS only, as a release.
    release.body = { ...JSON.parse(String(deferred!.message)), caseId, milestone: 'received', channel: 'sms', release: true };
    expect(await deliverNotices(quietNotifier, release)).toEqual({ batchItemFailures: [] });
    expect(env.sms!.messages({ to: to.phone })).toHaveLength(0);
    const item = await noticeItem(env, caseId, 'received', 'sms');
    expect(item).toMatchObject({ status: 'suppressed', reason: 'sms:TEXT_BLOCKED' });
    expect(item!.gsi2pk).toBeUndefined();
    expect(await emailsTo(env, to.email)).toHaveLength(1);
  });

  it('outside the window (another zone’s daytime), the SMS goes at once', async () => {
    const to = freshContact();
    // Chicago is 13-14 hours behind Shanghai: outside the 3-hour window around Shanghai's "now".
    const { caseId } = await seedCase(env.db, { contact: { ...to, channels: ['sms'], timeZone: 'America/Chicago' } });
    expect(await deliverNotices(quietNotifier, noticeRecord(caseId, 'received'))).toEqual({ batchItemFailures: [] });
    expect(env.sms!.messages({ to: to.phone })).toHaveLength(1);
  });
});

it('the dispatcher refuses an event without a time', async () => {
  await expect(dispatcher({ ...scheduledAt(new Date()), time: 'soon' })).rejects.toThrow('scheduled event without a valid time');
});
