import * as z from 'zod/mini';
import { canonicalCarrier } from '../domain/carriers.js';
import { CASE_TYPES, CUSTOMER_TIERS, REMEDY_CHOICES } from '../domain/case.js';
import { isPayableCurrency } from '../domain/currencies.js';
import { LANGUAGE_TAG_PATTERN } from '../domain/locale.js';
import { FREE_TEXT_PATTERN, FREE_TEXT_RULE, IDENTIFIER_PATTERN, IDENTIFIER_RULE } from '../domain/identifiers.js';
import { orderedUnits } from '../domain/money.js';
import { proactiveRequestId } from '../domain/shipment-watch.js';
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from './webhook-event-types.js';

/**
 * The order platform's webhook contract (docs/webhook-contract.md; JSON Schema generated into
 * docs/webhook.schema.json by scripts/write-webhook-schema.ts). Money is integer minor units; times are ISO 8601
 * with an offset. Unknown properties are refused so typos surface at once instead of being silently ignored.
 * zod/mini keeps the Lambda bundles small (the classic API adds ~400 KiB to every function).
 */
const isoTime = z.iso.datetime({ offset: true });
const minor = z.int().check(z.nonnegative());
const positiveInt = z.int().check(z.positive());
/** Free text (descriptions, names, reasons): line breaks allowed; see functions/domain/identifiers.ts. */
const text = (min: number, max: number) => z.string().check(z.minLength(min), z.maxLength(max), z.regex(FREE_TEXT_PATTERN, FREE_TEXT_RULE));
/** Identifiers, codes and labels: one line, no control characters, no unpaired surrogates. */
const code = (max: number) => z.string().check(z.minLength(1), z.maxLength(max), z.regex(IDENTIFIER_PATTERN, IDENTIFIER_RULE));
const id = code(128);
const currency = z
  .string()
  .check(
    z.regex(/^[A-Z]{3}$/, { message: 'ISO 4217 code, e.g. CNY', abort: true }),
    z.refine(isPayableCurrency, 'ISO 4217 code of a currency, e.g. CNY (not XXX, XTS, metals or units of account)'),
  );
/**
 * ISO 3166-1 alpha-2 code of the country whose consumer rules apply, e.g. CN or DE. Only its form is checked here: the
 * markets a deployment has a policy for are checked at intake (422 unknown_market, functions/use-cases/accept-webhook.ts).
 */
const market = z.string().check(z.regex(/^[A-Z]{2}$/, 'ISO 3166-1 alpha-2 country code, e.g. CN'));
const isTimeZone = (zone: string) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};
const evidenceItem = z.strictObject({ kind: z.enum(['photo', 'video', 'document']), url: z.url() });

const item = z.strictObject({
  sku: id,
  name: text(1, 200),
  category: code(64),
  quantity: positiveInt,
  unitPrice: minor,
});

const shipment = z.strictObject({
  carrier: code(64),
  trackingNumber: code(64),
  shippedAt: isoTime,
  promisedBy: isoTime,
  deliveredAt: z.optional(isoTime),
});

export const requestedData = z
  .strictObject({
    requestId: id,
    caseType: z.enum(CASE_TYPES),
    reason: code(64),
    description: z._default(text(0, 2000), ''),
    expedited: z._default(z.boolean(), false),
    order: z.strictObject({
      orderId: id,
      placedAt: isoTime,
      currency,
      /** Absent: the deployment's default market (POLICY_MARKET, default CN). */
      market: z.optional(market),
      items: z.array(item).check(z.minLength(1), z.maxLength(200)),
      shipment,
    }),
    items: z._default(z.array(z.strictObject({ sku: id, quantity: positiveInt })).check(z.maxLength(200)), []),
    customer: z.strictObject({
      customerId: id,
      tier: z.enum(CUSTOMER_TIERS),
      name: text(1, 200),
      email: z.optional(z.email()),
      phone: z.optional(z.string().check(z.regex(/^\+[1-9]\d{6,14}$/, 'E.164 phone number, e.g. +8613800000000'))),
      /**
       * The customer's language (BCP 47, e.g. de-DE, en-US, zh-Hans-CN): notices go out in it when we write in it
       * (zh-CN, en, de, by its primary language), else in the market's language; absent, the market's language.
       */
      locale: z.optional(z.string().check(z.maxLength(35), z.regex(LANGUAGE_TAG_PATTERN, 'language tag (BCP 47), e.g. de-DE, en, zh-CN'))),
      channels: z.array(z.enum(['email', 'sms'])).check(z.minLength(1), z.maxLength(2)),
      /** IANA zone the customer lives in (dates in notices, SMS quiet hours); default the market's. */
      timeZone: z.optional(z.string().check(z.maxLength(64), z.refine(isTimeZone, 'IANA time zone, e.g. Asia/Shanghai'))),
    }),
    evidence: z._default(z.array(evidenceItem).check(z.maxLength(20)), []),
  })
  .check(
    z.superRefine((data, ctx) => {
      if (!data.customer.email && !data.customer.phone) {
        ctx.issues.push({ code: 'custom', path: ['customer'], message: 'at least one of email or phone is required', input: undefined });
      }
      // Repeated order lines of one SKU add up; repeated claims of one SKU add up too, and may not exceed them.
      const ordered = orderedUnits(data.order.items);
      const claimed = new Map<string, number>();
      data.items.forEach((ref, index) => {
        if (!ordered.has(ref.sku)) {
          ctx.issues.push({ code: 'custom', path: ['items', index, 'sku'], message: 'not an item of the order', input: undefined });
          return;
        }
        const total = (claimed.get(ref.sku) ?? 0) + ref.quantity;
        claimed.set(ref.sku, total);
        if (total > ordered.get(ref.sku)! && total - ref.quantity <= ordered.get(ref.sku)!) {
          ctx.issues.push({ code: 'custom', path: ['items', index, 'quantity'], message: 'more units of this SKU than the order has', input: undefined });
        }
      });
    }),
  );

const caseRef = { requestId: id };

export const evidenceAddedData = z.strictObject({ ...caseRef, evidence: z.array(evidenceItem).check(z.minLength(1), z.maxLength(20)) });
export const cancelledData = z.strictObject({ ...caseRef, reason: z.optional(text(0, 200)) });
export const returnShippedData = z.strictObject({ ...caseRef, carrier: code(64), trackingNumber: code(64) });
export const returnReceivedData = z.strictObject({ ...caseRef, receivedAt: isoTime });
export const remedyChosenData = z.strictObject({
  ...caseRef,
  remedy: z.enum(REMEDY_CHOICES),
  refundTo: z.optional(z.enum(['original_payment', 'store_balance'])),
});
export const disputedData = z.strictObject({ ...caseRef, reason: text(1, 500) });
export const compensationCompletedData = z.strictObject({
  ...caseRef,
  instructionId: id,
  status: z.enum(['completed', 'failed']),
  completedAt: isoTime,
  /** A completed reship (replacement, repaired item, missing part): the parcel, told to the customer. */
  shipment: z.optional(z.strictObject({ carrier: code(64), trackingNumber: code(64), trackingUrl: z.optional(z.url()) })),
});
/**
 * An order's parcel left the warehouse: with proactive detection on, the pipeline watches it and opens a `delayed` or
 * `lost` case itself when tracking shows one (docs/carrier-tracking.md). Same order and customer shapes as a request.
 */
export const shipmentCreatedData = z.strictObject({ order: requestedData.shape.order, customer: requestedData.shape.customer }).check(
  z.superRefine((data, ctx) => {
    if (!data.customer.email && !data.customer.phone) {
      ctx.issues.push({ code: 'custom', path: ['customer'], message: 'at least one of email or phone is required', input: undefined });
    }
  }),
);

/**
 * A customer's privacy request, passed on by the order platform (Shopify's `customers/data_request` and
 * `customers/redact`; docs/privacy.md): everything held about `customerId` (optionally only these orders) is exported,
 * or redacted. `privacyRequestId` is the platform's id of the request; sending it again changes nothing.
 */
export const privacyRequestedData = z.strictObject({
  privacyRequestId: id,
  customerId: id,
  orderIds: z.optional(z.array(id).check(z.minLength(1), z.maxLength(100))),
});

export const WEBHOOK_DATA_SCHEMAS = {
  'aftersales.requested': requestedData,
  'aftersales.evidence_added': evidenceAddedData,
  'aftersales.cancelled': cancelledData,
  'return.shipped': returnShippedData,
  'return.received': returnReceivedData,
  'aftersales.remedy_chosen': remedyChosenData,
  'aftersales.disputed': disputedData,
  'compensation.completed': compensationCompletedData,
  'shipment.created': shipmentCreatedData,
  'customer.data_requested': privacyRequestedData,
  'customer.redact_requested': privacyRequestedData,
} as const satisfies Record<WebhookEventType, unknown>;

// `satisfies` checks both ways: a listed type without a schema is missing, a schema of a type not listed is excess.
export { WEBHOOK_EVENT_TYPES, type WebhookEventType };

export const webhookEnvelope = z.strictObject({
  type: z.string().check(z.minLength(1)),
  timestamp: isoTime,
  data: z.record(z.string(), z.unknown()),
});

export type RequestedData = z.infer<typeof requestedData>;
export type EvidenceAddedData = z.infer<typeof evidenceAddedData>;
export type CancelledData = z.infer<typeof cancelledData>;
export type ReturnShippedData = z.infer<typeof returnShippedData>;
export type ReturnReceivedData = z.infer<typeof returnReceivedData>;
export type RemedyChosenData = z.infer<typeof remedyChosenData>;
export type DisputedData = z.infer<typeof disputedData>;
export type CompensationCompletedData = z.infer<typeof compensationCompletedData>;
export type ShipmentCreatedData = z.infer<typeof shipmentCreatedData>;
export type PrivacyRequestedData = z.infer<typeof privacyRequestedData>;

export type WebhookEvent =
  | { type: 'aftersales.requested'; timestamp: string; data: RequestedData }
  | { type: 'aftersales.evidence_added'; timestamp: string; data: EvidenceAddedData }
  | { type: 'aftersales.cancelled'; timestamp: string; data: CancelledData }
  | { type: 'return.shipped'; timestamp: string; data: ReturnShippedData }
  | { type: 'return.received'; timestamp: string; data: ReturnReceivedData }
  | { type: 'aftersales.remedy_chosen'; timestamp: string; data: RemedyChosenData }
  | { type: 'aftersales.disputed'; timestamp: string; data: DisputedData }
  | { type: 'compensation.completed'; timestamp: string; data: CompensationCompletedData }
  | { type: 'shipment.created'; timestamp: string; data: ShipmentCreatedData }
  | { type: 'customer.data_requested'; timestamp: string; data: PrivacyRequestedData }
  | { type: 'customer.redact_requested'; timestamp: string; data: PrivacyRequestedData };

/** The privacy requests: about a customer, not about an after-sales request; answered with their own id. */
export const PRIVACY_EVENT_TYPES = ['customer.data_requested', 'customer.redact_requested'] as const satisfies readonly WebhookEventType[];
export type PrivacyEvent = Extract<WebhookEvent, { type: (typeof PRIVACY_EVENT_TYPES)[number] }>;
export const isPrivacyEvent = (event: WebhookEvent): event is PrivacyEvent => (PRIVACY_EVENT_TYPES as readonly string[]).includes(event.type);

/**
 * The request an event belongs to; a shipment's is the one a proactive case for it would carry. A privacy request
 * belongs to no after-sales request: it is its own (its id), and the intake never derives a case id from it.
 */
export function requestIdOf(event: WebhookEvent): string {
  if (isPrivacyEvent(event)) return event.data.privacyRequestId;
  if (event.type === 'shipment.created') return proactiveRequestId(event.data.order.shipment.carrier, event.data.order.shipment.trackingNumber);
  return event.data.requestId;
}

export interface ContractIssue {
  path: string;
  message: string;
}

export type ParsedWebhook = { ok: true; event: WebhookEvent } | { ok: false; status: 400 | 422; error: string; message: string; issues?: ContractIssue[] };

/** Parse a verified body. Issue messages name the field and the rule, never the value (it may be personal). */
export function parseWebhookBody(raw: string): ParsedWebhook {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { ok: false, status: 400, error: 'invalid_json', message: 'The body is not valid JSON.' };
  }
  // reportInput lets the issue tell a missing field from a wrong one; the input itself is never put in the answer.
  const envelope = webhookEnvelope.safeParse(json, { reportInput: true });
  if (!envelope.success) {
    return { ok: false, status: 422, error: 'invalid_envelope', message: 'The body must be { type, timestamp, data }.', issues: issuesOf(envelope.error.issues) };
  }
  const type = envelope.data.type;
  if (!Object.hasOwn(WEBHOOK_DATA_SCHEMAS, type)) {
    return {
      ok: false,
      status: 422,
      error: 'unsupported_event_type',
      message: `Unsupported event type; expected one of ${WEBHOOK_EVENT_TYPES.join(', ')}.`,
    };
  }
  const data = WEBHOOK_DATA_SCHEMAS[type as WebhookEventType].safeParse(envelope.data.data, { reportInput: true });
  if (!data.success) {
    return { ok: false, status: 422, error: 'invalid_data', message: `The data of ${type} does not match the contract.`, issues: issuesOf(data.error.issues, 'data') };
  }
  const event = { type, timestamp: envelope.data.timestamp, data: data.data } as WebhookEvent;
  const unknownCarriers = canonicalizeCarriers(event);
  if (unknownCarriers.length > 0) {
    return { ok: false, status: 422, error: 'invalid_data', message: `The data of ${type} does not match the contract.`, issues: unknownCarriers };
  }
  return { ok: true, event };
}

const UNKNOWN_CARRIER = 'unknown carrier; send a code from the accepted carrier values (docs/webhook-contract.md), e.g. SF or sf-express';

/**
 * Carriers are stored by their canonical code (functions/domain/carriers.ts), whatever the platform's integration
 * calls them: the parcel's carrier on a request or an announced shipment, and the customer's return parcel. A carrier
 * the registry does not know is refused here, naming the field, so the platform learns at once instead of the case
 * failing its carrier lookup later. The value itself is never echoed.
 */
function canonicalizeCarriers(event: WebhookEvent): ContractIssue[] {
  const holder =
    event.type === 'aftersales.requested' || event.type === 'shipment.created'
      ? { target: event.data.order.shipment, path: 'data.order.shipment.carrier' }
      : event.type === 'return.shipped'
        ? { target: event.data, path: 'data.carrier' }
        : undefined;
  if (!holder) return [];
  const code = canonicalCarrier(holder.target.carrier);
  if (!code) return [{ path: holder.path, message: UNKNOWN_CARRIER }];
  holder.target.carrier = code;
  return [];
}

/** zod/mini carries no message texts (that is its size saving); name the rule that failed instead. */
function issuesOf(issues: readonly z.core.$ZodIssue[], prefix?: string): ContractIssue[] {
  return issues.map((issue) => ({ path: [prefix, ...issue.path.map(String)].filter(Boolean).join('.'), message: describe(issue) }));
}

function describe(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? 'required' : `expected ${issue.expected}`;
    case 'too_small':
      return issue.origin === 'array'
        ? `at least ${issue.minimum} entries`
        : issue.origin === 'string'
          ? `at least ${issue.minimum} characters`
          : `must be ≥ ${issue.minimum}${issue.inclusive ? '' : ' (exclusive)'}`;
    case 'too_big':
      return issue.origin === 'array' ? `at most ${issue.maximum} entries` : issue.origin === 'string' ? `at most ${issue.maximum} characters` : `must be ≤ ${issue.maximum}`;
    case 'invalid_format':
      return issue.message && !issue.message.startsWith('Invalid') ? issue.message : `not a valid ${issue.format}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'unrecognized_keys':
      return `unknown field(s): ${issue.keys.join(', ')}`;
    case 'custom':
      return issue.message;
    default:
      return 'invalid value';
  }
}
