import { randomUUID } from 'node:crypto';

/**
 * Realistic aftersales.requested events for local runs and tests. Dates are relative to `now` so the
 * review windows hold; tracking numbers choose the carrier simulator's behaviour (SIM-LOST…, SIM-LATE3…).
 */
export interface ExampleOptions {
  caseType: string;
  trackingNumber?: string;
  delivered?: boolean;
  evidence?: Array<{ kind: string; url: string }>;
  /** The customer's language tag as the platform sends it (zh-CN, en, de-DE…). */
  locale?: string;
  channels?: Array<'email' | 'sms'>;
  email?: string | null;
  phone?: string | null;
  expedited?: boolean;
  tier?: string;
  category?: string;
  requestId?: string;
  orderId?: string;
  now?: Date;
}

const day = 86_400_000;

export function requestedEvent(options: ExampleOptions) {
  const now = options.now ?? new Date();
  const shippedAt = new Date(now.getTime() - 6 * day);
  const promisedBy = new Date(now.getTime() - 3 * day);
  const delivered = options.delivered ?? !['lost', 'delayed'].includes(options.caseType);
  const requestId = options.requestId ?? `req_${randomUUID()}`;
  const data = {
    requestId,
    caseType: options.caseType,
    reason: options.caseType === 'return' ? 'no_longer_needed' : options.caseType,
    description: 'Example request sent by the demo.',
    expedited: options.expedited ?? false,
    order: {
      orderId: options.orderId ?? `ord_${randomUUID().slice(0, 8)}`,
      placedAt: new Date(now.getTime() - 8 * day).toISOString(),
      currency: 'CNY',
      items: [
        { sku: 'SKU-KETTLE-1', name: 'Electric kettle', category: options.category ?? 'home_appliance', quantity: 1, unitPrice: 19900 },
        { sku: 'SKU-MUG-2', name: 'Ceramic mug', category: 'kitchen', quantity: 2, unitPrice: 3500 },
      ],
      shipment: {
        carrier: 'SF',
        trackingNumber: options.trackingNumber ?? `SIM-DELIVERED-${requestId.slice(-6)}`,
        shippedAt: shippedAt.toISOString(),
        promisedBy: promisedBy.toISOString(),
        ...(delivered ? { deliveredAt: new Date(now.getTime() - 2 * day).toISOString() } : {}),
      },
    },
    items: [{ sku: 'SKU-KETTLE-1', quantity: 1 }],
    customer: {
      customerId: `cus_${requestId.slice(-8)}`,
      tier: options.tier ?? 'gold',
      name: options.locale?.startsWith('en') ? 'Alex Chen' : options.locale?.startsWith('de') ? 'Jonas Becker' : '陈小明',
      ...(options.email === null ? {} : { email: options.email ?? `customer+${requestId.slice(-6)}@example.com` }),
      ...(options.phone === null ? {} : { phone: options.phone ?? '+8613800138000' }),
      locale: options.locale ?? 'zh-CN',
      channels: options.channels ?? ['email', 'sms'],
    },
    evidence: options.evidence ?? [],
  };
  return { type: 'aftersales.requested', data };
}
