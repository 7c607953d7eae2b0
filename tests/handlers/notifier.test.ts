import { randomUUID } from 'node:crypto';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '../../functions/adapters/dynamo.js';
import type { SQSBatchResponse } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedPort, importFresh, lambdaContext, sqsEvent, startHandlerEnv, TABLE_NAME, withEnv, type HandlerEnv } from './env.js';
import { PERSON, seedCase } from './fixtures.js';
import { FROM, NOTIFIER_ENV, noticeItem as storedNotice } from './notice-helpers.js';

type Handler = typeof import('../../functions/handlers/notifier.js')['handler'];
interface StoredEmail {
  messageId: string;
  from: string;
  destination: { to: string[] };
  subject: string;
  body: { html?: string; text?: string };
}

let env: HandlerEnv;
let handler: Handler;

const notice = (caseId: string, milestone: string, messageId: string = randomUUID()) => ({ body: { caseId, milestone }, messageId, messageGroupId: caseId });
const deliver = (fn: Handler, ...records: Array<ReturnType<typeof notice>>) =>
  fn(sqsEvent('aftersales-notices.fifo', records), lambdaContext('Notifier')) as Promise<SQSBatchResponse>;

/** A healthy notice of another case, so a batch with one failing record is a partial failure, not a full one. */
async function bystander(channel: 'email' | 'sms' = 'email') {
  const { caseId } = await seedCase(env.db, { contact: { ...contactFor(), channels: [channel] } });
  return notice(caseId, 'received');
}

async function emailsTo(address: string): Promise<StoredEmail[]> {
  const store = (await (await fetch(`${env.ses!.endpoint}/store`)).json()) as { emails: StoredEmail[] };
  return store.emails.filter((mail) => mail.destination.to.includes(address));
}

const noticeItem = (caseId: string, milestone: string, channel: string) => storedNotice(env, caseId, milestone, channel);

/** Each test its own address, so the shared SES and SMS stores can be read per test. */
let counter = 0;
const contactFor = () => {
  counter += 1;
  return { email: `customer${counter}.${randomUUID().slice(0, 8)}@example.com`, phone: `+86139${String(10_000_000 + Math.floor(Math.random() * 89_999_999)).slice(0, 8)}` };
};

beforeAll(async () => {
  env = await startHandlerEnv({ ses: true, sms: true });
  handler = (await importFresh(() => import('../../functions/handlers/notifier.js'), NOTIFIER_ENV)).handler;
});

afterAll(async () => {
  await env?.close();
});

describe('notifier', () => {
  it('sends one email and one SMS for a milestone, and marks both sent', async () => {
    const to = contactFor();
    const { caseId } = await seedCase(env.db, { contact: { ...to, channels: ['email', 'sms'] } });
    expect(await deliver(handler, notice(caseId, 'received'))).toEqual({ batchItemFailures: [] });

    const emails = await emailsTo(to.email);
    expect(emails).toHaveLength(1);
    expect(emails[0]!.from).toContain(FROM);
    expect(emails[0]!.subject).toContain(caseId);
    expect(emails[0]!.body.text).toContain(caseId);
    const sms = env.sms!.messages({ to: to.phone });
    expect(sms).toHaveLength(1);
    expect(sms[0]!.body).toContain(caseId);
    expect(sms[0]!.messageType).toBe('TRANSACTIONAL');

    expect(await noticeItem(caseId, 'received', 'email')).toMatchObject({ status: 'sent', providerMessageId: emails[0]!.messageId });
    expect(await noticeItem(caseId, 'received', 'sms')).toMatchObject({ status: 'sent', providerMessageId: sms[0]!.messageId });
  });

  it('the same record delivered again sends nothing more (once per case, milestone and channel)', async () => {
    const to = contactFor();
    const { caseId } = await seedCase(env.db, { contact: { ...to, channels: ['email', 'sms'] } });
    const record = notice(caseId, 'received');
    expect(await deliver(handler, record)).toEqual({ batchItemFailures: [] });
    expect(await deliver(handler, record)).toEqual({ batchItemFailures: [] });
    // Even as a new message (the workflow's notify step retried).
    expect(await deliver(handler, notice(caseId, 'received'))).toEqual({ batchItemFailures: [] });
    expect(await emailsTo(to.email)).toHaveLength(1);
    expect(env.sms!.messages({ to: to.phone })).toHaveLength(1);

    // Another milestone is another notice.
    expect(await deliver(handler, notice(caseId, 'closed'))).toEqual({ batchItemFailures: [] });
    expect(await emailsTo(to.email)).toHaveLength(2);
    expect(env.sms!.messages({ to: to.phone })).toHaveLength(2);
  });

  it('falls back to email when the preferred channel is SMS but there is no phone', async () => {
    const to = contactFor();
    const { caseId } = await seedCase(env.db, { contact: { email: to.email, phone: undefined, channels: ['sms'] } });
    const smsBefore = env.sms!.messages().length;
    expect(await deliver(handler, notice(caseId, 'received'))).toEqual({ batchItemFailures: [] });
    expect(await emailsTo(to.email)).toHaveLength(1);
    expect(env.sms!.messages()).toHaveLength(smsBefore);
    expect(await noticeItem(caseId, 'received', 'email')).toMatchObject({ status: 'sent' });
    expect(await noticeItem(caseId, 'received', 'sms')).toBeUndefined();
  });

  it('sends only on the preferred channel when it is reachable', async () => {
    const to = contactFor();
    const { caseId } = await seedCase(env.db, { contact: { ...to, channels: ['sms'] } });
    expect(await deliver(handler, notice(caseId, 'received'))).toEqual({ batchItemFailures: [] });
    expect(env.sms!.messages({ to: to.phone })).toHaveLength(1);
    expect(await emailsTo(to.email)).toHaveLength(0);
  });

  it('an SMS the provider refuses (invalid number) fails the record, is recorded as failed, and a later retry sends it', async () => {
    const to = contactFor();
    // Stored directly: the webhook schema would never let '+1' in.
    const { caseId } = await seedCase(env.db, { contact: { email: to.email, phone: '+1', channels: ['email', 'sms'] } });
    const record = notice(caseId, 'received');
    const first = await deliver(handler, record, await bystander());
    expect(first.batchItemFailures).toEqual([{ itemIdentifier: record.messageId }]);
    expect(await noticeItem(caseId, 'received', 'email')).toMatchObject({ status: 'sent' });
    expect(await noticeItem(caseId, 'received', 'sms')).toMatchObject({ status: 'failed', error: 'ValidationException' });

    // The number is corrected; SQS redelivers the same record.
    await env.db.send(new UpdateCommand({ TableName: TABLE_NAME, Key: keys.contact(caseId), UpdateExpression: 'SET phone = :p', ExpressionAttributeValues: { ':p': to.phone } }));
    expect(await deliver(handler, { ...record })).toEqual({ batchItemFailures: [] });
    expect(env.sms!.messages({ to: to.phone })).toHaveLength(1);
    expect(await emailsTo(to.email)).toHaveLength(1); // the email that went out the first time is not repeated
    expect(await noticeItem(caseId, 'received', 'sms')).toMatchObject({ status: 'sent' });
  });

  it('after a failure, later notices of the same case in the batch wait too (FIFO); other cases go on', async () => {
    const broken = contactFor();
    const fine = contactFor();
    const a = await seedCase(env.db, { contact: { email: broken.email, phone: '+1', channels: ['sms', 'email'] } });
    const b = await seedCase(env.db, { contact: { ...fine, channels: ['email'] } });
    const a1 = notice(a.caseId, 'received');
    const a2 = notice(a.caseId, 'decided');
    const b1 = notice(b.caseId, 'received');
    const result = await deliver(handler, a1, b1, a2);
    expect(result.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual([a1.messageId, a2.messageId].sort());
    expect(await emailsTo(fine.email)).toHaveLength(1);
    expect(await noticeItem(a.caseId, 'decided', 'email')).toBeUndefined();
  });

  it('an SES failure fails the record and records the notice as failed; a retry with SES back sends it once', async () => {
    const to = contactFor();
    const { caseId } = await seedCase(env.db, { contact: { ...to, channels: ['email', 'sms'] } });
    const record = notice(caseId, 'received');

    // A cold start of the function whose SES endpoint does not answer.
    const port = await closedPort();
    const restore = withEnv({ AWS_ENDPOINT_URL_SESV2: `http://127.0.0.1:${port}`, AWS_MAX_ATTEMPTS: '1' });
    try {
      const sesDown = (await importFresh(() => import('../../functions/handlers/notifier.js'))).handler;
      const failed = await deliver(sesDown, record, await bystander('sms'));
      expect(failed.batchItemFailures).toEqual([{ itemIdentifier: record.messageId }]);
    } finally {
      restore();
    }
    expect(await noticeItem(caseId, 'received', 'email')).toMatchObject({ status: 'failed' });
    expect(await emailsTo(to.email)).toHaveLength(0);
    // Email goes first, so the SMS was not tried: it waits for the retry along with the email.
    expect(env.sms!.messages({ to: to.phone })).toHaveLength(0);

    expect(await deliver(handler, record)).toEqual({ batchItemFailures: [] });
    expect(await emailsTo(to.email)).toHaveLength(1);
    expect(env.sms!.messages({ to: to.phone })).toHaveLength(1);
    expect(await noticeItem(caseId, 'received', 'email')).toMatchObject({ status: 'sent' });

    expect(await deliver(handler, record)).toEqual({ batchItemFailures: [] });
    expect(await emailsTo(to.email)).toHaveLength(1);
  });

  it('a batch whose every record fails is thrown back whole (FullBatchFailureError), the notice left retryable', async () => {
    const to = contactFor();
    const { caseId } = await seedCase(env.db, { contact: { email: to.email, phone: '+1', channels: ['sms'] } });
    await expect(deliver(handler, notice(caseId, 'received'))).rejects.toMatchObject({ name: 'FullBatchFailureError' });
    expect(await noticeItem(caseId, 'received', 'sms')).toMatchObject({ status: 'failed' });
  });

  it('a notice for a case that does not exist fails its record', async () => {
    const record = notice('AS-0000000000AB', 'received');
    const ok = contactFor();
    const { caseId } = await seedCase(env.db, { contact: { ...ok, channels: ['email'] } });
    const good = notice(caseId, 'received');
    const result = await deliver(handler, record, good);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: record.messageId }]);
    expect(await emailsTo(ok.email)).toHaveLength(1);
  });

  it('the seeded personal data is only used as the address and greeting', async () => {
    const { caseId } = await seedCase(env.db, { contact: { channels: ['email'] } });
    expect(await deliver(handler, notice(caseId, 'received'))).toEqual({ batchItemFailures: [] });
    const item = await noticeItem(caseId, 'received', 'email');
    expect(JSON.stringify(item)).not.toContain(PERSON.email);
  });
});
