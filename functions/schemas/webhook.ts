import { z } from 'zod';
import { CASE_TYPES, CUSTOMER_TIERS } from '../domain/case.js';

/**
 * The order platform's webhook contract (docs/webhook-contract.md; JSON Schema generated into
 * docs/webhook.schema.json by scripts/write-webhook-schema.ts). Money is integer minor units; times are ISO 8601
 * with an offset. Unknown properties are refused so typos surface at once instead of being silently ignored.
 */
const isoTime = z.iso.datetime({ offset: true });
const minor = z.number().int().nonnegative();
const id = z.string().min(1).max(128);

const item = z.strictObject({
  sku: id,
  name: z.string().min(1).max(200),
  category: z.string().min(1).max(64),
  quantity: z.number().int().positive(),
  unitPrice: minor,
});

const shipment = z.strictObject({
  carrier: z.string().min(1).max(64),
  trackingNumber: z.string().min(1).max(64),
  shippedAt: isoTime,
  promisedBy: isoTime,
  deliveredAt: isoTime.optional(),
});

export const requestedData = z
  .strictObject({
    requestId: id,
    caseType: z.enum(CASE_TYPES),
    reason: z.string().min(1).max(64),
    description: z.string().max(2000).default(''),
    expedited: z.boolean().default(false),
    order: z.strictObject({
      orderId: id,
      placedAt: isoTime,
      currency: z.string().regex(/^[A-Z]{3}$/, 'ISO 4217 code, e.g. CNY'),
      items: z.array(item).min(1).max(200),
      shipment,
    }),
    items: z.array(z.strictObject({ sku: id, quantity: z.number().int().positive() })).max(200).default([]),
    customer: z.strictObject({
      customerId: id,
      tier: z.enum(CUSTOMER_TIERS),
      name: z.string().min(1).max(200),
      email: z.email().optional(),
      phone: z.string().regex(/^\+[1-9]\d{6,14}$/, 'E.164 phone number, e.g. +8613800000000').optional(),
      locale: z.enum(['zh-CN', 'en']),
      channels: z.array(z.enum(['email', 'sms'])).min(1).max(2),
    }),
    evidence: z.array(z.strictObject({ kind: z.enum(['photo', 'video', 'document']), url: z.url() })).max(20).default([]),
  })
  .superRefine((data, ctx) => {
    if (!data.customer.email && !data.customer.phone) {
      ctx.addIssue({ code: 'custom', path: ['customer'], message: 'at least one of email or phone is required' });
    }
    const skus = new Set(data.order.items.map((i) => i.sku));
    data.items.forEach((ref, index) => {
      if (!skus.has(ref.sku)) ctx.addIssue({ code: 'custom', path: ['items', index, 'sku'], message: 'not an item of the order' });
    });
  });

const caseRef = { requestId: id };

export const evidenceAddedData = z.strictObject({
  ...caseRef,
  evidence: z.array(z.strictObject({ kind: z.enum(['photo', 'video', 'document']), url: z.url() })).min(1).max(20),
});
export const cancelledData = z.strictObject({ ...caseRef, reason: z.string().max(200).optional() });
export const returnShippedData = z.strictObject({
  ...caseRef,
  carrier: z.string().min(1).max(64),
  trackingNumber: z.string().min(1).max(64),
});
export const returnReceivedData = z.strictObject({ ...caseRef, receivedAt: isoTime });

export const WEBHOOK_DATA_SCHEMAS = {
  'aftersales.requested': requestedData,
  'aftersales.evidence_added': evidenceAddedData,
  'aftersales.cancelled': cancelledData,
  'return.shipped': returnShippedData,
  'return.received': returnReceivedData,
} as const;

export type WebhookEventType = keyof typeof WEBHOOK_DATA_SCHEMAS;
export const WEBHOOK_EVENT_TYPES = Object.keys(WEBHOOK_DATA_SCHEMAS) as WebhookEventType[];

export const webhookEnvelope = z.strictObject({
  type: z.string().min(1),
  timestamp: isoTime,
  data: z.record(z.string(), z.unknown()),
});

export type RequestedData = z.infer<typeof requestedData>;
export type EvidenceAddedData = z.infer<typeof evidenceAddedData>;
export type CancelledData = z.infer<typeof cancelledData>;
export type ReturnShippedData = z.infer<typeof returnShippedData>;
export type ReturnReceivedData = z.infer<typeof returnReceivedData>;

export type WebhookEvent =
  | { type: 'aftersales.requested'; timestamp: string; data: RequestedData }
  | { type: 'aftersales.evidence_added'; timestamp: string; data: EvidenceAddedData }
  | { type: 'aftersales.cancelled'; timestamp: string; data: CancelledData }
  | { type: 'return.shipped'; timestamp: string; data: ReturnShippedData }
  | { type: 'return.received'; timestamp: string; data: ReturnReceivedData };

export interface ContractIssue {
  path: string;
  message: string;
}

export type ParsedWebhook =
  | { ok: true; event: WebhookEvent }
  | { ok: false; status: 400 | 422; error: string; message: string; issues?: ContractIssue[] };

/** Parse a verified body. Issue messages name the field and the rule, never the value (it may be personal). */
export function parseWebhookBody(raw: string): ParsedWebhook {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { ok: false, status: 400, error: 'invalid_json', message: 'The body is not valid JSON.' };
  }
  const envelope = webhookEnvelope.safeParse(json);
  if (!envelope.success) {
    return { ok: false, status: 422, error: 'invalid_envelope', message: 'The body must be { type, timestamp, data }.', issues: issuesOf(envelope.error) };
  }
  const type = envelope.data.type;
  if (!(type in WEBHOOK_DATA_SCHEMAS)) {
    return {
      ok: false,
      status: 422,
      error: 'unsupported_event_type',
      message: `Unsupported event type; expected one of ${WEBHOOK_EVENT_TYPES.join(', ')}.`,
    };
  }
  const data = WEBHOOK_DATA_SCHEMAS[type as WebhookEventType].safeParse(envelope.data.data);
  if (!data.success) {
    return { ok: false, status: 422, error: 'invalid_data', message: `The data of ${type} does not match the contract.`, issues: issuesOf(data.error, 'data') };
  }
  return { ok: true, event: { type, timestamp: envelope.data.timestamp, data: data.data } as WebhookEvent };
}

function issuesOf(error: z.ZodError, prefix?: string): ContractIssue[] {
  return error.issues.map((issue) => ({
    path: [prefix, ...issue.path.map(String)].filter(Boolean).join('.'),
    message: issue.code === 'invalid_type' ? `expected ${'expected' in issue ? String(issue.expected) : 'another type'}` : issue.message,
  }));
}
