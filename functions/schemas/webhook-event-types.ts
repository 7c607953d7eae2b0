/**
 * The webhook's event types, in the order of the contract (docs/webhook-contract.md). A module of its own so that the
 * intake queue's message schema (schemas/messages.ts, read by the notifier and start-case) names them without
 * bundling every event's data schema; schemas/webhook.ts has a schema for each and fails to compile if the two differ.
 */
export const WEBHOOK_EVENT_TYPES = [
  'aftersales.requested',
  'aftersales.evidence_added',
  'aftersales.cancelled',
  'return.shipped',
  'return.received',
  'aftersales.remedy_chosen',
  'aftersales.disputed',
  'compensation.completed',
  'shipment.created',
  'customer.data_requested',
  'customer.redact_requested',
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];
