/**
 * Writes docs/webhook.schema.json, the JSON Schema (draft 2020-12) of the order platform's webhook bodies, from the
 * zod schemas the ingest function validates with (functions/schemas/webhook.ts). One schema, `oneOf` the event
 * types, each `{ type: <const>, timestamp, data }`. It describes what a sender sends (zod's input side: fields with
 * defaults are optional). tests/unit/webhook-schema.test.ts fails when the committed file is out of date.
 *
 *   npx tsx scripts/write-webhook-schema.ts
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import {
  cancelledData,
  compensationCompletedData,
  disputedData,
  evidenceAddedData,
  privacyRequestedData,
  remedyChosenData,
  requestedData,
  returnReceivedData,
  returnShippedData,
  shipmentCreatedData,
  webhookEnvelope,
  type WebhookEventType,
} from '../functions/schemas/webhook.js';

export const WEBHOOK_SCHEMA_PATH = resolve(import.meta.dirname, '..', 'docs', 'webhook.schema.json');

const event = <T extends WebhookEventType>(type: T, data: z.core.$ZodType, description: string) =>
  z.strictObject({ type: z.literal(type), timestamp: webhookEnvelope.shape.timestamp, data }).meta({ title: type, description });

/** What the deployment checks of an order's market beyond its form (functions/use-cases/accept-webhook.ts). */
const MARKET_RULE =
  "data.order.market (absent: the deployment's default market) must be a market the deployment has a policy for (else 422 unknown_market), " +
  "and data.order.currency that market's currency (else 422 currency_not_of_market).";

/** The JSON Schema of every webhook body the pipeline accepts. */
export function webhookJsonSchema(): Record<string, unknown> {
  const body = z
    .discriminatedUnion('type', [
      event(
        'aftersales.requested',
        requestedData,
        'A customer filed an after-sales request; it opens a case, whose id is derived from data.requestId. ' +
          'Beyond this schema: data.customer needs an email or a phone (or both), and every sku in data.items must be one of data.order.items. ' +
          MARKET_RULE,
      ),
      event('aftersales.evidence_added', evidenceAddedData, 'The customer added evidence (photos) to an open request.'),
      event('aftersales.cancelled', cancelledData, 'The customer withdrew the request.'),
      event('return.shipped', returnShippedData, 'The customer shipped the item back to the service center.'),
      event('return.received', returnReceivedData, 'The service center received the returned item; the service time limit starts at data.receivedAt.'),
      event(
        'aftersales.remedy_chosen',
        remedyChosenData,
        'The customer chose a remedy where the policy offers the choice (damaged: return, exchange, refund; lost: reship, refund).',
      ),
      event('aftersales.disputed', disputedData, 'The customer contests a rejection; the case reopens in front of an operator.'),
      event('compensation.completed', compensationCompletedData, 'The order platform carried out (or failed) an instruction the pipeline sent it.'),
      event(
        'shipment.created',
        shipmentCreatedData,
        "An order's parcel left the warehouse; with proactive detection on, the pipeline watches it and opens a delayed or lost case itself. " +
          'Beyond this schema: data.customer needs an email or a phone (or both). ' +
          MARKET_RULE,
      ),
      event(
        'customer.data_requested',
        privacyRequestedData,
        'The customer asked for what is held about them; the pipeline gathers one export, read by a supervisor at GET /ops/privacy/{privacyRequestId} (docs/privacy.md).',
      ),
      event(
        'customer.redact_requested',
        privacyRequestedData,
        'The customer asked for their personal data to be erased: closed cases at once, open ones when they close (docs/privacy.md).',
      ),
    ])
    .meta({
      title: 'After-sales webhook body',
      description:
        'Body of POST /webhooks/order-platform (docs/webhook-contract.md). Money is integer minor units (fen); times are ISO 8601 with an offset. Unknown properties are refused.',
    });
  return z.toJSONSchema(body, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>;
}

/** The file's exact content: 2-space JSON and a final newline. */
export function renderWebhookSchema(): string {
  return `${JSON.stringify(webhookJsonSchema(), null, 2)}\n`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  writeFileSync(WEBHOOK_SCHEMA_PATH, renderWebhookSchema());
  console.log(`wrote ${WEBHOOK_SCHEMA_PATH}`);
}
