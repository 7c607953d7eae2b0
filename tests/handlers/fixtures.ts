/**
 * Test data for the handler tests: order-platform webhook bodies and stored cases. Dates are relative to the real
 * clock, because the handlers read it (webhook tolerance, survey expiry, the carrier simulator's "now").
 */
import { randomBytes } from 'node:crypto';
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Webhook } from 'standardwebhooks';
import { lookupPartition } from '../../functions/adapters/case-index.js';
import { CaseStore } from '../../functions/adapters/case-store.js';
import type { CaseContact, CaseRecord } from '../../functions/domain/case-record.js';
import { caseIdFor } from '../../functions/domain/case-id.js';
import type { CaseType } from '../../functions/domain/case.js';
import { TABLE_NAME } from './env.js';

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

/** A unique suffix so every test works on its own case, order and webhook. */
export const unique = (prefix: string) => `${prefix}-${randomBytes(6).toString('hex')}`;

/** The personal data the tests look for where it must not be. */
export const PERSON = {
  name: '李伟 Li Wei',
  email: 'li.wei.handler-tests@example.com',
  phone: '+8613800138000',
};

export function requestedEvent(opts: { requestId?: string; orderId?: string; caseType?: CaseType; customer?: Record<string, unknown> } = {}) {
  const now = Date.now();
  return {
    type: 'aftersales.requested',
    timestamp: iso(now),
    data: {
      requestId: opts.requestId ?? unique('req'),
      caseType: opts.caseType ?? 'return',
      reason: 'no_longer_needed',
      description: 'The key feel is not what I expected.',
      expedited: false,
      order: {
        orderId: opts.orderId ?? unique('ORD'),
        placedAt: iso(now - 6 * DAY),
        currency: 'CNY',
        items: [
          { sku: 'KB-87-BLK', name: 'Mechanical keyboard, 87 keys, black', category: 'electronics', quantity: 1, unitPrice: 39900 },
          { sku: 'CBL-USBC-1M', name: 'USB-C cable 1 m', category: 'accessories', quantity: 2, unitPrice: 2900 },
        ],
        shipment: {
          carrier: 'sf-express',
          trackingNumber: 'SF1234567890123',
          shippedAt: iso(now - 5 * DAY),
          promisedBy: iso(now - 3 * DAY),
          deliveredAt: iso(now - 3 * DAY - 3_600_000),
        },
      },
      items: [{ sku: 'KB-87-BLK', quantity: 1 }],
      customer: {
        customerId: 'cust-88231',
        tier: 'gold',
        name: PERSON.name,
        email: PERSON.email,
        phone: PERSON.phone,
        locale: 'zh-CN',
        channels: ['email', 'sms'],
        ...opts.customer,
      },
      evidence: [],
    },
  };
}

/** Standard Webhooks headers for `body`, signed with `secret` at `at`. */
export function signedHeaders(secret: string, body: string, opts: { id?: string; at?: Date } = {}): Record<string, string> {
  const id = opts.id ?? unique('msg');
  const at = opts.at ?? new Date();
  return {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(id, at, body),
  };
}

export interface SeedOptions {
  requestId?: string;
  type?: CaseType;
  record?: Partial<CaseRecord>;
  contact?: Partial<CaseContact>;
}

/** Creates a case and its contact through the production CaseStore, as start-case would. */
export async function seedCase(db: DynamoDBDocumentClient, opts: SeedOptions = {}): Promise<{ caseId: string; record: CaseRecord; contact: CaseContact }> {
  const requestId = opts.requestId ?? unique('req');
  const caseId = caseIdFor(requestId);
  const now = Date.now();
  const createdAt = iso(now - 60_000);
  const record: CaseRecord = {
    caseId,
    requestId,
    type: opts.type ?? 'return',
    reason: 'no_longer_needed',
    expedited: false,
    customerId: 'cust-88231',
    tier: 'gold',
    locale: 'zh-CN',
    orderId: unique('ORD'),
    orderPlacedAt: iso(now - 6 * DAY),
    currency: 'CNY',
    orderItems: [
      { sku: 'KB-87-BLK', name: 'Mechanical keyboard, 87 keys, black', category: 'electronics', quantity: 1, unitPrice: 39900 },
      { sku: 'CBL-USBC-1M', name: 'USB-C cable 1 m', category: 'accessories', quantity: 2, unitPrice: 2900 },
    ],
    items: [{ sku: 'KB-87-BLK', quantity: 1 }],
    shipment: {
      carrier: 'sf-express',
      trackingNumber: 'SF1234567890123',
      shippedAt: iso(now - 5 * DAY),
      promisedBy: iso(now - 3 * DAY),
    },
    evidence: [],
    createdAt,
    status: 'received',
    version: 1,
    updatedAt: createdAt,
    ...opts.record,
  };
  const contact: CaseContact = {
    name: PERSON.name,
    email: PERSON.email,
    phone: PERSON.phone,
    locale: 'zh-CN',
    channels: ['email', 'sms'],
    description: 'The key feel is not what I expected.',
    ...opts.contact,
  };
  const created = await new CaseStore(db, TABLE_NAME).create(record, contact, { at: createdAt, actor: 'order_platform', event: 'case_received', detail: { type: record.type } });
  if (created !== 'created') throw new Error(`case ${caseId} already existed`);
  return { caseId, record, contact };
}

/**
 * The case store, counting its reads of the case (`require`), for the tests of a step that must not read the case
 * again; `meanwhile` runs right after the first read, as a write landing between the step's read and its write would.
 */
export function countingCaseReads(cases: CaseStore, meanwhile?: (caseId: string) => Promise<unknown>): { store: CaseStore; reads: () => number } {
  let reads = 0;
  const store = Object.assign(Object.create(cases) as CaseStore, {
    require: async (id: string) => {
      reads += 1;
      const record = await cases.require(id);
      if (reads === 1) await meanwhile?.(id);
      return record;
    },
  });
  return { store, reads: () => reads };
}

/**
 * `count` month entries of June 2025, one a second from 2025-06-10T00:00:00Z (entry `first` at `first` seconds), for
 * caps on entries read. They stand for cases of other statuses: what the caps bound is the entries read and their cases
 * looked up, whatever the filter then drops; their case items are left out to keep the seed to one write per entry.
 */
export async function seedJuneEntries(db: DynamoDBDocumentClient, count: number, first = 0): Promise<void> {
  const items = Array.from({ length: count }, (_, n) => {
    const i = first + n;
    const caseId = `AS-${String(i).padStart(12, '0')}`;
    const createdAt = new Date(Date.parse('2025-06-10T00:00:00.000Z') + i * 1000).toISOString();
    return { pk: `CASE#${caseId}`, sk: 'LOOKUP#MONTH', gsi3pk: lookupPartition.month('2025-06'), gsi3sk: `${createdAt}#${caseId}`, caseId };
  });
  for (let i = 0; i < items.length; i += 25) {
    const batch = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    await db.send(new BatchWriteCommand({ RequestItems: { [TABLE_NAME]: batch } }));
  }
}
