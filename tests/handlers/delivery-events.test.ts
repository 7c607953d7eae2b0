import { randomUUID } from 'node:crypto';
import { CreateQueueCommand, DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { GetCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaseStore } from '../../functions/adapters/case-store.js';
import { NoticeStore } from '../../functions/adapters/notice-store.js';
import { suppressionKey } from '../../functions/adapters/suppression-store.js';
import { noticeRefTags } from '../../functions/domain/notice-ref.js';
import { caseReport } from '../../functions/use-cases/case-report.js';
import { startSesEventProxy } from '../../local/emulators/delivery-simulator.js';
import { snsEvent } from '../../local/event-sources/sns-subscriptions.js';
import type { RunningServer } from '../../local/simulators/http.js';
import { importFresh, startHandlerEnv, TABLE_NAME, type HandlerEnv } from './env.js';
import { sesComplaint } from '../fixtures/providers/ses.js';
import { seedCase } from './fixtures.js';
import { deliverNotices, emailsTo, freshContact, noticeItem, noticeRecord, NOTIFIER_ENV, type NotifierHandler } from './notice-helpers.js';

type Handler = typeof import('../../functions/handlers/delivery-events.js')['handler'];

let env: HandlerEnv;
let handler: Handler;
let notifier: NotifierHandler;
let queueUrl: string;
let cases: CaseStore;
let sesProxy: RunningServer | undefined;

const TOPIC = 'arn:aws:sns:us-east-1:000000000000:NoticeDeliveryEvents';
const publish = (message: unknown) =>
  handler(snsEvent({ messageId: randomUUID(), topicArn: TOPIC, message: JSON.stringify(message), publishedAt: new Date().toISOString() }, `${TOPIC}:sub`));

/** The tags SES publishes with a message's events: its configuration set, and the EmailTags the notifier sent with it. */
const sentTags = new Map<string, Record<string, string>>();
const mailTags = (messageId: string) => ({
  'ses:configuration-set': ['NoticeEmails'],
  ...Object.fromEntries(Object.entries(sentTags.get(messageId) ?? {}).map(([name, value]) => [name, [value]])),
});
const bounce = (messageId: string, address: string, bounceType = 'Permanent') => ({
  eventType: 'Bounce',
  mail: { timestamp: new Date().toISOString(), source: NOTIFIER_ENV.NOTICE_FROM_EMAIL, messageId, destination: [address], tags: mailTags(messageId) },
  bounce: {
    bounceType,
    bounceSubType: bounceType === 'Permanent' ? 'General' : 'MailboxFull',
    bouncedRecipients: [{ emailAddress: address }],
    timestamp: new Date().toISOString(),
  },
});
/** End User Messaging returns the SendTextMessage Context with each event of the message. */
const smsFailure = (messageId: string, phone: string, eventType: string) => ({
  eventType,
  eventVersion: '1.0',
  messageId,
  destinationPhoneNumber: phone,
  messageStatus: eventType.slice(5),
  isFinal: true,
  ...withContext(env.sms!.messages({ to: phone }).find((m) => m.messageId === messageId)?.context),
});
const withContext = (context: Record<string, string> | undefined) => (context ? { context } : {});
/** A Complaint record as SES publishes it (fixtures/providers/ses.ts), with the message's tags. */
const complaint = (messageId: string, address: string, feedbackType: string) => {
  const event = sesComplaint(messageId, address, feedbackType);
  return { ...event, mail: { ...event.mail, tags: mailTags(messageId) } };
};

async function queued() {
  const out = await env.sqs!.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
  for (const m of out.Messages ?? []) await env.sqs!.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle! }));
  return (out.Messages ?? []).map((m) => JSON.parse(m.Body!) as Record<string, unknown>);
}

/** A case whose `received` notice went out on `channels`; the provider's message ids. */
async function sentCase(channels: Array<'email' | 'sms'>, contact = freshContact()) {
  const { caseId } = await seedCase(env.db, { type: 'damaged', contact: { ...contact, channels } });
  expect(await deliverNotices(notifier, noticeRecord(caseId, 'evidence_needed', { dueInSeconds: 86_400 }))).toEqual({ batchItemFailures: [] });
  const ids = {
    email: (await noticeItem(env, caseId, 'evidence_needed', 'email'))?.providerMessageId as string | undefined,
    sms: (await noticeItem(env, caseId, 'evidence_needed', 'sms'))?.providerMessageId as string | undefined,
  };
  return { caseId, contact, ids };
}

beforeAll(async () => {
  env = await startHandlerEnv({ ses: true, sms: true, sqs: true });
  queueUrl = (await env.sqs!.send(new CreateQueueCommand({ QueueName: 'delivery-events-test.fifo', Attributes: { FifoQueue: 'true', ContentBasedDeduplication: 'true' } })))
    .QueueUrl!;
  cases = new CaseStore(env.db, TABLE_NAME);
  // The notifier reaches SES through the local event proxy, which sees what each SendEmail carried (its EmailTags).
  sesProxy = await startSesEventProxy({ target: env.ses!.endpoint, onSent: (mail) => mail.tags && sentTags.set(mail.messageId, mail.tags) });
  notifier = (await importFresh(() => import('../../functions/handlers/notifier.js'), { ...NOTIFIER_ENV, AWS_ENDPOINT_URL_SESV2: sesProxy.url })).handler;
  handler = (await importFresh(() => import('../../functions/handlers/delivery-events.js'), { NOTICE_QUEUE_URL: queueUrl })).handler;
});

afterAll(async () => {
  await sesProxy?.close();
  await env?.close();
});

describe('a hard bounce', () => {
  it('marks the notice failed, notes it on the case, suppresses the address (hashed), and the notice goes out by SMS', async () => {
    const { caseId, contact, ids } = await sentCase(['email']);
    expect(ids.email).toBeDefined();
    await queued();

    await publish(bounce(ids.email!, contact.email));
    expect(await noticeItem(env, caseId, 'evidence_needed', 'email')).toMatchObject({ status: 'failed', reason: 'bounce:Permanent/General', permanent: true });
    const view = (await cases.view(caseId))!;
    expect(view.timeline.find((e) => e.event === 'notice_delivery_failed')?.detail).toEqual({
      milestone: 'evidence_needed',
      channel: 'email',
      reason: 'bounce:Permanent/General',
      addressSuppressed: true,
    });
    expect(caseReport(view).notices).toContainEqual(
      expect.objectContaining({ milestone: 'evidence_needed', channel: 'email', status: 'failed', reason: 'bounce:Permanent/General' }),
    );

    const suppressed = (await env.db.send(new GetCommand({ TableName: TABLE_NAME, Key: suppressionKey('email', contact.email), ConsistentRead: true }))).Item;
    expect(suppressed).toMatchObject({ channel: 'email', reason: 'bounce:Permanent/General', caseId });
    // Only the contact item (read by the notifier alone) holds the address.
    const items = (await env.db.send(new ScanCommand({ TableName: TABLE_NAME }))).Items ?? [];
    expect(JSON.stringify(items.filter((item) => item.sk !== 'CONTACT'))).not.toContain(contact.email);

    // Queued again, with its original deadline; the notifier sends it by SMS now, and not by email again.
    const [again] = (await queued()).filter((m) => m.caseId === caseId);
    expect(again).toMatchObject({ caseId, milestone: 'evidence_needed', dueInSeconds: 86_400, at: expect.any(String) });
    expect(again).not.toHaveProperty('channel');
    const record = noticeRecord(caseId, 'evidence_needed');
    record.body = again as typeof record.body;
    expect(await deliverNotices(notifier, record)).toEqual({ batchItemFailures: [] });
    expect(await emailsTo(env, contact.email)).toHaveLength(1);
    expect(env.sms!.messages({ to: contact.phone })).toHaveLength(1);

    // Later notices skip the address from the start.
    expect(await deliverNotices(notifier, noticeRecord(caseId, 'cancelled'))).toEqual({ batchItemFailures: [] });
    expect(await emailsTo(env, contact.email)).toHaveLength(1);
    expect(await noticeItem(env, caseId, 'cancelled', 'email')).toMatchObject({ status: 'suppressed' });
    expect(env.sms!.messages({ to: contact.phone })).toHaveLength(2);
  });

  it('the same event twice is recorded once and queues the notice once', async () => {
    const { caseId, contact, ids } = await sentCase(['email']);
    await queued();
    await publish(bounce(ids.email!, contact.email));
    await publish(bounce(ids.email!, contact.email));
    expect((await cases.view(caseId))!.timeline.filter((e) => e.event === 'notice_delivery_failed')).toHaveLength(1);
    expect((await queued()).filter((m) => m.caseId === caseId)).toHaveLength(1);
  });
});

describe('failures that leave the address usable', () => {
  it('a transient bounce is recorded, nothing suppressed or queued', async () => {
    const { caseId, contact, ids } = await sentCase(['email']);
    await queued();
    await publish(bounce(ids.email!, contact.email, 'Transient'));
    expect(await noticeItem(env, caseId, 'evidence_needed', 'email')).toMatchObject({ status: 'failed', reason: 'bounce:Transient/MailboxFull' });
    expect((await noticeItem(env, caseId, 'evidence_needed', 'email'))!.permanent).toBeUndefined();
    expect((await env.db.send(new GetCommand({ TableName: TABLE_NAME, Key: suppressionKey('email', contact.email) }))).Item).toBeUndefined();
    expect((await queued()).filter((m) => m.caseId === caseId)).toEqual([]);
  });
});

describe('complaints', () => {
  it('a not-spam complaint (the recipient says the mail is NOT spam) suppresses nothing and changes nothing', async () => {
    const { caseId, contact, ids } = await sentCase(['email']);
    await queued();
    await publish(complaint(ids.email!, contact.email, 'not-spam'));
    expect(await noticeItem(env, caseId, 'evidence_needed', 'email')).toMatchObject({ status: 'sent' });
    expect((await env.db.send(new GetCommand({ TableName: TABLE_NAME, Key: suppressionKey('email', contact.email), ConsistentRead: true }))).Item).toBeUndefined();
    expect((await cases.view(caseId))!.timeline.some((e) => e.event === 'notice_delivery_failed')).toBe(false);
    expect((await queued()).filter((m) => m.caseId === caseId)).toEqual([]);
  });

  it('an abuse complaint suppresses the address and the notice goes out by SMS', async () => {
    const { caseId, contact, ids } = await sentCase(['email']);
    await queued();
    await publish(complaint(ids.email!, contact.email, 'abuse'));
    expect(await noticeItem(env, caseId, 'evidence_needed', 'email')).toMatchObject({ status: 'failed', reason: 'complaint', permanent: true });
    expect((await env.db.send(new GetCommand({ TableName: TABLE_NAME, Key: suppressionKey('email', contact.email), ConsistentRead: true }))).Item).toMatchObject({
      reason: 'complaint',
    });
    expect((await queued()).filter((m) => m.caseId === caseId)).toHaveLength(1);
  });
});

describe('SMS failures', () => {
  it('a blocked number is suppressed; the next notice goes by email only', async () => {
    const { caseId, contact, ids } = await sentCase(['sms']);
    await queued();
    await publish(smsFailure(ids.sms!, contact.phone, 'TEXT_BLOCKED'));
    expect(await noticeItem(env, caseId, 'evidence_needed', 'sms')).toMatchObject({ status: 'failed', reason: 'sms:TEXT_BLOCKED', permanent: true });
    const [again] = (await queued()).filter((m) => m.caseId === caseId);
    const record = noticeRecord(caseId, 'evidence_needed');
    record.body = again as typeof record.body;
    expect(await deliverNotices(notifier, record)).toEqual({ batchItemFailures: [] });
    expect(await emailsTo(env, contact.email)).toHaveLength(1);
    expect(env.sms!.messages({ to: contact.phone })).toHaveLength(1);
  });

  it('an unreachable handset fails that message only', async () => {
    const { caseId, contact, ids } = await sentCase(['sms']);
    await publish(smsFailure(ids.sms!, contact.phone, 'TEXT_UNREACHABLE'));
    expect(await noticeItem(env, caseId, 'evidence_needed', 'sms')).toMatchObject({ status: 'failed', reason: 'sms:TEXT_UNREACHABLE' });
    expect((await env.db.send(new GetCommand({ TableName: TABLE_NAME, Key: suppressionKey('sms', contact.phone) }))).Item).toBeUndefined();
  });
});

it('a failure for a message id not recorded (yet) is thrown back for Lambda to retry; other events are ignored', async () => {
  // A provider may report before the notifier has recorded the id of what it just sent.
  await expect(publish(bounce(`unknown-${randomUUID()}`, 'someone@example.com'))).rejects.toMatchObject({ name: 'UnknownProviderMessageError' });
  await expect(publish({ eventType: 'Delivery', mail: { messageId: 'x' } })).resolves.toBeUndefined();
  await expect(handler(snsEvent({ messageId: '1', topicArn: TOPIC, message: 'not json', publishedAt: new Date().toISOString() }, TOPIC))).resolves.toBeUndefined();
  expect((await env.db.send(new GetCommand({ TableName: TABLE_NAME, Key: suppressionKey('email', 'someone@example.com') }))).Item).toBeUndefined();
});

describe('events name their notice in the message itself', () => {
  it('the notifier writes no lookup item: the tags and context it sent (case and slot only) lead the events to the slot', async () => {
    const { caseId, contact, ids } = await sentCase(['email', 'sms']);
    expect(sentTags.get(ids.email!)).toEqual(noticeRefTags({ caseId, slot: 'evidence_needed', channel: 'email' }));
    expect(env.sms!.messages({ to: contact.phone })[0]!.context).toEqual(noticeRefTags({ caseId, slot: 'evidence_needed', channel: 'sms' }));
    const lookups = await env.db.send(new ScanCommand({ TableName: TABLE_NAME, FilterExpression: 'begins_with(pk, :msg)', ExpressionAttributeValues: { ':msg': 'MSG#' } }));
    expect(lookups.Items).toEqual([]);

    await publish(smsFailure(ids.sms!, contact.phone, 'TEXT_UNREACHABLE'));
    expect(await noticeItem(env, caseId, 'evidence_needed', 'sms')).toMatchObject({ status: 'failed', reason: 'sms:TEXT_UNREACHABLE' });
    expect(await noticeItem(env, caseId, 'evidence_needed', 'email')).toMatchObject({ status: 'sent' });
  });

  it('a round (`received#r2`) travels as `received-r2` and comes back as its own slot', async () => {
    const contact = freshContact();
    const { caseId } = await seedCase(env.db, { type: 'damaged', contact: { ...contact, channels: ['email'] } });
    expect(await deliverNotices(notifier, noticeRecord(caseId, 'received', { round: 2 }))).toEqual({ batchItemFailures: [] });
    const id = (await noticeItem(env, caseId, 'received#r2', 'email'))!.providerMessageId as string;
    expect(sentTags.get(id)).toMatchObject({ 'aftersales-notice': 'received-r2' });
    await publish(bounce(id, contact.email, 'Transient'));
    expect(await noticeItem(env, caseId, 'received#r2', 'email')).toMatchObject({ status: 'failed', reason: 'bounce:Transient/MailboxFull' });
  });

  it('an event that names a slot not (yet) recorded as sent with that message id is thrown back for Lambda to retry', async () => {
    const { caseId } = await seedCase(env.db, { type: 'damaged', contact: { ...freshContact(), channels: ['email'] } });
    const notices = new NoticeStore(env.db, TABLE_NAME);
    await notices.claim(caseId, 'received', 'email', new Date());
    const messageId = `fast-${randomUUID()}`;
    sentTags.set(messageId, noticeRefTags({ caseId, slot: 'received', channel: 'email' }));
    // The provider reports before the notifier's sent mark: the slot is still `sending`.
    await expect(publish(bounce(messageId, 'someone@example.com', 'Transient'))).rejects.toMatchObject({ name: 'UnknownProviderMessageError' });
    expect(await noticeItem(env, caseId, 'received', 'email')).toMatchObject({ status: 'sending' });
    // Lambda's retry, after the mark.
    await notices.markSent(caseId, 'received', 'email', new Date(), messageId);
    await publish(bounce(messageId, 'someone@example.com', 'Transient'));
    expect(await noticeItem(env, caseId, 'received', 'email')).toMatchObject({ status: 'failed', reason: 'bounce:Transient/MailboxFull' });
  });

  it('a message sent before notices named themselves (no tags) is still found by the MSG# item written then', async () => {
    const { caseId, contact, ids } = await sentCase(['email']);
    await queued();
    // What the notifier wrote per sent message before this change; such items stay in the table.
    await env.db.send(new PutCommand({ TableName: TABLE_NAME, Item: { pk: `MSG#${ids.email}`, sk: 'MSG', caseId, slot: 'evidence_needed', channel: 'email' } }));
    sentTags.delete(ids.email!);
    await publish(bounce(ids.email!, contact.email));
    expect(await noticeItem(env, caseId, 'evidence_needed', 'email')).toMatchObject({ status: 'failed', reason: 'bounce:Permanent/General', permanent: true });
    expect((await queued()).filter((m) => m.caseId === caseId)).toHaveLength(1);
  });
});
