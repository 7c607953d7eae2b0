/**
 * Realistic test data shared by the unit tests: order-platform webhook bodies and the case facts the domain works on.
 * Builders take deep overrides: nested objects merge, arrays replace, and a key set to `undefined` is removed
 * (so `requestedEvent({ data: { customer: { email: undefined } } })` is a request without an email).
 */
import type { CaseFacts, OrderItem } from '../../functions/domain/case.js';

type Json = Record<string, unknown>;

/** Deep partial whose leaves may also be `undefined` (= remove the key). */
export type Overrides<T> = T extends Array<unknown> ? T : T extends object ? { [K in keyof T]?: Overrides<T[K]> | undefined } : T;

function isPlainObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Deep merge for fixtures: objects merge, arrays and scalars replace, explicit `undefined` deletes. */
export function merge<T>(base: T, overrides: unknown): T {
  if (!isPlainObject(base) || !isPlainObject(overrides)) return (overrides === undefined ? base : overrides) as T;
  const out: Json = structuredClone(base) as Json;
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) delete out[key];
    else out[key] = isPlainObject(value) && isPlainObject(out[key]) ? merge(out[key], value) : structuredClone(value);
  }
  return out as T;
}

/** The clock every unit test uses unless it needs another instant: Tuesday 2026-11-10 10:00 in Shanghai. */
export const NOW = new Date('2026-11-10T02:00:00Z');

export const ORDER_ITEMS: OrderItem[] = [
  { sku: 'KB-87-BLK', name: 'Mechanical keyboard, 87 keys, black', category: 'electronics', quantity: 1, unitPrice: 39900 },
  { sku: 'CBL-USBC-1M', name: 'USB-C cable 1 m', category: 'accessories', quantity: 2, unitPrice: 2900 },
];

export interface RequestedEvent {
  type: string;
  timestamp: string;
  data: {
    requestId: string;
    caseType: string;
    reason: string;
    description?: string;
    expedited?: boolean;
    order: {
      orderId: string;
      placedAt: string;
      currency: string;
      items: Array<Record<string, unknown>>;
      shipment: { carrier: string; trackingNumber: string; shippedAt: string; promisedBy: string; deliveredAt?: string };
    };
    items?: Array<{ sku: string; quantity: number }>;
    customer: {
      customerId: string;
      tier: string;
      name: string;
      email?: string;
      phone?: string;
      locale: string;
      channels: string[];
    };
    evidence?: Array<{ kind: string; url: string }>;
  };
}

/** A valid `aftersales.requested` body: a keyboard delivered on 2026-11-05 (Shanghai), returned without a reason. */
export function requestedEvent(overrides: Overrides<RequestedEvent> = {}): RequestedEvent {
  const base: RequestedEvent = {
    type: 'aftersales.requested',
    timestamp: '2026-11-10T10:00:00+08:00',
    data: {
      requestId: 'req-20261110-000123',
      caseType: 'return',
      reason: 'no_longer_needed',
      description: 'The key feel is not what I expected.',
      expedited: false,
      order: {
        orderId: 'ORD-2026-0001234',
        placedAt: '2026-11-01T20:15:00+08:00',
        currency: 'CNY',
        items: ORDER_ITEMS.map((item) => ({ ...item })),
        shipment: {
          carrier: 'sf-express',
          trackingNumber: 'SF1234567890123',
          shippedAt: '2026-11-02T09:00:00+08:00',
          promisedBy: '2026-11-05T23:59:59+08:00',
          deliveredAt: '2026-11-05T16:20:00+08:00',
        },
      },
      items: [{ sku: 'KB-87-BLK', quantity: 1 }],
      customer: {
        customerId: 'cust-88231',
        tier: 'gold',
        name: 'Li Wei',
        email: 'li.wei@example.com',
        phone: '+8613800138000',
        locale: 'zh-CN',
        channels: ['email', 'sms'],
      },
      evidence: [],
    },
  };
  return merge(base, overrides);
}

/** The other event types, valid by default. */
export type OtherEventType =
  | 'aftersales.evidence_added'
  | 'aftersales.cancelled'
  | 'return.shipped'
  | 'return.received'
  | 'aftersales.remedy_chosen'
  | 'aftersales.disputed'
  | 'compensation.completed';

export function otherEvent(type: OtherEventType, data: Json = {}) {
  const defaults: Record<typeof type, Json> = {
    'aftersales.evidence_added': { requestId: 'req-20261110-000123', evidence: [{ kind: 'photo', url: 'https://cdn.example.com/evidence/box-corner.jpg' }] },
    'aftersales.cancelled': { requestId: 'req-20261110-000123', reason: 'found a replacement locally' },
    'return.shipped': { requestId: 'req-20261110-000123', carrier: 'sf-express', trackingNumber: 'SF9876543210987' },
    'return.received': { requestId: 'req-20261110-000123', receivedAt: '2026-11-12T14:30:00+08:00' },
    'aftersales.remedy_chosen': { requestId: 'req-20261110-000123', remedy: 'refund', refundTo: 'store_balance' },
    'aftersales.disputed': { requestId: 'req-20261110-000123', reason: 'The parcel was damaged when it arrived; the photos show it.' },
    'compensation.completed': { requestId: 'req-20261110-000123', instructionId: 'ins_000042', status: 'completed', completedAt: '2026-11-13T09:15:00+08:00' },
  };
  return { type, timestamp: '2026-11-10T10:00:00+08:00', data: merge(defaults[type], data) };
}

/** Case facts as the domain sees them (the request minus personal data). */
export function caseFacts(overrides: Overrides<CaseFacts> = {}): CaseFacts {
  const base: CaseFacts = {
    caseId: 'AS-0123456789AB',
    requestId: 'req-20261110-000123',
    type: 'return',
    reason: 'no_longer_needed',
    expedited: false,
    customerId: 'cust-88231',
    tier: 'gold',
    orderId: 'ORD-2026-0001234',
    orderPlacedAt: '2026-11-01T12:15:00.000Z',
    currency: 'CNY',
    orderItems: ORDER_ITEMS.map((item) => ({ ...item })),
    items: [{ sku: 'KB-87-BLK', quantity: 1 }],
    shipment: {
      carrier: 'sf-express',
      trackingNumber: 'SF1234567890123',
      shippedAt: '2026-11-02T01:00:00.000Z',
      promisedBy: '2026-11-05T15:59:59.000Z',
      deliveredAt: '2026-11-05T08:20:00.000Z',
    },
    evidence: [],
    createdAt: '2026-11-10T02:00:00.000Z',
  };
  return merge(base, overrides);
}
