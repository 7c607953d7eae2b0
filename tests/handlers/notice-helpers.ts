import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSBatchResponse } from 'aws-lambda';
import { lambdaContext, sqsEvent, TABLE_NAME, type HandlerEnv } from './env.js';

/** Shared by the notifier and delivery-event handler tests. */
export const FROM = 'notices@shop.example.com';
export const STATUS_SECRET = 'handler-test-status-secret';

/** The notifier's configuration as the stack sets it; quiet hours off unless a test sets them. */
export const NOTIFIER_ENV = {
  NOTICE_FROM_EMAIL: FROM,
  PUBLIC_BASE_URL: 'https://aftersales.example.com',
  STATUS_LINK_SECRET: STATUS_SECRET,
  EVIDENCE_UPLOAD_URL: 'https://shop.example.com/aftersales/{requestId}/evidence',
  REMEDY_CHOICE_URL: 'https://shop.example.com/aftersales/{requestId}/choose?remedy={choice}',
  SMS_QUIET_HOURS: 'off',
  NOTICE_MAX_RECEIVES: '5',
};

export type NotifierHandler = typeof import('../../functions/handlers/notifier.js')['handler'];

export interface StoredEmail {
  messageId: string;
  from: string;
  destination: { to: string[] };
  subject: string;
  body: { html?: string; text?: string };
}

export const noticeRecord = (caseId: string, milestone: string, extra: Record<string, unknown> = {}, receiveCount = 1) => ({
  body: { caseId, milestone, ...extra },
  messageId: randomUUID(),
  messageGroupId: caseId,
  receiveCount,
});

export const deliverNotices = (fn: NotifierHandler, ...records: Array<ReturnType<typeof noticeRecord>>) =>
  fn(sqsEvent('aftersales-notices.fifo', records), lambdaContext('Notifier')) as Promise<SQSBatchResponse>;

export async function emailsTo(env: HandlerEnv, address: string): Promise<StoredEmail[]> {
  const store = (await (await fetch(`${env.ses!.endpoint}/store`)).json()) as { emails: StoredEmail[] };
  return store.emails.filter((mail) => mail.destination.to.includes(address));
}

/**
 * One channel of a notice as stored: its map in the slot's item `NOTICE#<slot>`, with the slot's kept message and,
 * for the SMS, the slot's due-index keys (only an SMS is ever held); or, for a notice of the previous release, its
 * own item `NOTICE#<slot>#<channel>`. Undefined when neither records that channel.
 */
export async function noticeItem(env: HandlerEnv, caseId: string, slot: string, channel: string): Promise<Record<string, unknown> | undefined> {
  const get = async (sk: string) => (await env.db.send(new GetCommand({ TableName: TABLE_NAME, Key: { pk: `CASE#${caseId}`, sk }, ConsistentRead: true }))).Item;
  const legacy = await get(`NOTICE#${slot}#${channel}`);
  if (legacy) return legacy;
  const item = await get(`NOTICE#${slot}`);
  const state = item?.[channel] as Record<string, unknown> | undefined;
  if (!item || !state) return undefined;
  const due = channel === 'sms' ? { gsi2pk: item.gsi2pk, gsi2sk: item.gsi2sk } : {};
  return { milestone: item.milestone, channel, ...state, message: item.message, ...due };
}

let counter = 0;
/** A fresh address pair per test, so the shared SES and SMS stores can be read per test. */
export function freshContact() {
  counter += 1;
  return { email: `customer${counter}.${randomUUID().slice(0, 8)}@example.com`, phone: `+86139${String(10_000_000 + Math.floor(Math.random() * 89_999_999)).slice(0, 8)}` };
}

/** The EventBridge schedule's event the deferred-notice dispatcher runs on, at `time`. */
export const scheduledAt = (time: Date) => ({
  version: '0',
  id: 'e1',
  'detail-type': 'Scheduled Event' as const,
  source: 'aws.events',
  account: '000000000000',
  time: time.toISOString(),
  region: 'us-east-1',
  resources: [],
  detail: {},
});
