import { type Webhook, WebhookVerificationError } from 'standardwebhooks';
import type { DedupeStore } from '../adapters/dedupe-store.js';
import type { PrivacyRequests } from '../adapters/privacy-requests.js';
import type { QueueSender } from '../adapters/queues.js';
import { caseIdFor } from '../domain/case-id.js';
import type { MarketCatalog } from '../domain/markets.js';
import type { IntakeMessage } from '../schemas/messages.js';
import {
  isPrivacyEvent,
  parseWebhookBody,
  PRIVACY_EVENT_TYPES,
  requestIdOf,
  WEBHOOK_EVENT_TYPES,
  type ContractIssue,
  type PrivacyEvent,
  type WebhookEvent,
  type WebhookEventType,
} from '../schemas/webhook.js';

export type WebhookAnswer =
  | { status: 202; caseId: string; duplicate: boolean }
  | { status: 202; privacyRequestId: string; duplicate: boolean }
  | { status: 400 | 401 | 404 | 409 | 422; error: string; message: string; issues?: ContractIssue[] };

/** Standard Webhooks ids are short (`msg_` and a few dozen characters); anything longer is refused before it is stored. */
export const MAX_WEBHOOK_ID_LENGTH = 256;

/** Events that open something: a request, or a parcel to watch. Every other event acts on an existing request. */
const OPENING_TYPES: ReadonlySet<WebhookEventType> = new Set(['aftersales.requested', 'shipment.created']);

/** Events about a customer rather than a request (docs/privacy.md): they need no request, and are answered with their own id. */
const PRIVACY_TYPES: ReadonlySet<WebhookEventType> = new Set(PRIVACY_EVENT_TYPES);

/**
 * Events that act on an existing case: refused at once when the platform never sent its request. Derived, so an event
 * type added to the contract later is checked too unless it opens something or is a privacy request.
 */
export const FOLLOW_UP_TYPES: ReadonlySet<WebhookEventType> = new Set(WEBHOOK_EVENT_TYPES.filter((type) => !OPENING_TYPES.has(type) && !PRIVACY_TYPES.has(type)));

export interface AcceptWebhookDeps {
  verifier: Pick<Webhook, 'verify'>;
  dedupe: Pick<DedupeStore, 'lookUpDelivery' | 'recordDelivery'>;
  intake: QueueSender<IntakeMessage>;
  privacy: Pick<PrivacyRequests, 'open' | 'get'>;
  /** The markets this deployment has a policy for (order.market must be one of them), and their currencies. */
  markets: MarketCatalog;
}

/**
 * Verifies with each key in turn (the current secret first, then the previous one during its grace period after a
 * rotation); when none matches, the first key's refusal is the answer (a stale timestamp is stale for every key).
 */
export function anyKeyVerifier(verifiers: readonly Pick<Webhook, 'verify'>[]): Pick<Webhook, 'verify'> {
  return {
    verify(payload, headers, options) {
      let first: unknown;
      for (const verifier of verifiers) {
        try {
          return verifier.verify(payload, headers, options);
        } catch (error) {
          first ??= error;
        }
      }
      throw first;
    },
  };
}

/**
 * Verify (Standard Webhooks: HMAC-SHA256 over "id.timestamp.body", 5-minute tolerance), validate, dedupe by
 * webhook-id, and queue: one read, one SQS send, then one DynamoDB write. The answer carries the case id, derived
 * from requestId, so the sender can refer to it.
 */
export async function acceptWebhook(deps: AcceptWebhookDeps, raw: string, headers: Record<string, string | undefined>, now: Date): Promise<WebhookAnswer> {
  const webhookHeaders = {
    'webhook-id': headers['webhook-id'] ?? '',
    'webhook-timestamp': headers['webhook-timestamp'] ?? '',
    'webhook-signature': headers['webhook-signature'] ?? '',
  };
  if (!webhookHeaders['webhook-id'] || !webhookHeaders['webhook-timestamp'] || !webhookHeaders['webhook-signature']) {
    return { status: 401, error: 'missing_signature_headers', message: 'webhook-id, webhook-timestamp and webhook-signature are required.' };
  }
  // Checked before anything is stored: the id becomes a DynamoDB key, whose size is bounded (a 2 KB id used to fail there).
  if (webhookHeaders['webhook-id'].length > MAX_WEBHOOK_ID_LENGTH) {
    return { status: 400, error: 'invalid_webhook_id', message: `webhook-id must be at most ${MAX_WEBHOOK_ID_LENGTH} characters.` };
  }
  try {
    deps.verifier.verify(raw, webhookHeaders, { jsonParse: false });
  } catch (error) {
    if (error instanceof WebhookVerificationError) {
      const stale = /timestamp too (old|new)/i.test(error.message);
      return stale
        ? { status: 401, error: 'stale_timestamp', message: 'webhook-timestamp is more than 5 minutes from now.' }
        : { status: 401, error: 'invalid_signature', message: 'No signature matches the body with the shared secret.' };
    }
    throw error;
  }
  const parsed = parseWebhookBody(raw);
  if (!parsed.ok) return { status: parsed.status, error: parsed.error, message: parsed.message, issues: parsed.issues };

  const notDecidable = marketProblemOf(parsed.event, deps.markets);
  if (notDecidable) return notDecidable;

  const webhookId = webhookHeaders['webhook-id'];
  if (isPrivacyEvent(parsed.event)) return acceptPrivacyRequest(deps, webhookId, parsed.event, now);
  const caseId = caseIdFor(requestIdOf(parsed.event));
  const kind = parsed.event.type === 'aftersales.requested' ? 'request' : FOLLOW_UP_TYPES.has(parsed.event.type) ? 'follow_up' : 'other';
  const seen = await deps.dedupe.lookUpDelivery(webhookId, caseId, kind);
  if (kind === 'follow_up' && !seen.requestKnown) {
    return { status: 404, error: 'unknown_request', message: 'No after-sales request with this requestId was received; send aftersales.requested first.' };
  }
  if (seen.earlier?.queued) return { status: 202, caseId: seen.earlier.caseId, duplicate: true };
  // Nothing is stored before the event is on the queue: a failed send answers 503 and leaves nothing behind, so the
  // platform's retry goes through. A crash after the send and before the record below means that retry queues the
  // event a second time, which changes nothing the intake consumer did (docs/operations.md "Intake writes").
  await deps.intake.send({ webhookId, caseId, receivedAt: now.toISOString(), event: parsed.event });
  // The one write, before the 202: a redelivery is answered as a duplicate, and (noting the request) the platform's
  // next event for it is accepted while the case is still queued.
  const recorded = await deps.dedupe.recordDelivery(webhookId, caseId, now, kind === 'request' && !seen.requestNoted);
  return { status: 202, caseId: seen.earlier?.caseId ?? recorded.caseId, duplicate: seen.earlier !== undefined || recorded.duplicate };
}

/**
 * An order is decided under its market's policy (order.market, absent = the deployment's default market). An order for
 * a market this deployment has no policy for cannot be decided by any law here; an order paid in another currency than
 * its market's policy counts in would be held to thresholds and caps in the wrong money. Both are refused before
 * anything is stored or queued, so the platform sees them at once. Market and currency codes are not personal data.
 */
function marketProblemOf(event: WebhookEvent, markets: MarketCatalog): WebhookAnswer | undefined {
  if (event.type !== 'aftersales.requested' && event.type !== 'shipment.created') return undefined;
  const { market = markets.defaultMarket, currency } = event.data.order;
  if (!markets.knows(market)) {
    const known = markets.codes.join(', ');
    return {
      status: 422,
      error: 'unknown_market',
      message: `This deployment has no after-sales policy for market ${market}; known: ${known}.`,
      issues: [{ path: 'data.order.market', message: `no policy for this market; known: ${known}` }],
    };
  }
  const expected = markets.currencyOf(market);
  if (currency === expected) return undefined;
  return {
    status: 422,
    error: 'currency_not_of_market',
    message: `Orders of market ${market} are in ${expected}; this order is in ${currency}.`,
    issues: [{ path: 'data.order.currency', message: `must be ${expected}, the currency of market ${market}` }],
  };
}

const KIND_OF = { 'customer.data_requested': 'export', 'customer.redact_requested': 'redact' } as const;

/**
 * A privacy request: recorded as `pending` before the 202, so `GET /ops/privacy/{id}` shows it at once, then queued
 * for the intake consumer that gathers or redacts. Idempotent by `privacyRequestId`: the same request again (any
 * webhook-id) is answered as a duplicate and queued again only if it is still pending (a lost message is re-sent);
 * the same id for another customer or the other kind of request is a conflict, refused.
 */
async function acceptPrivacyRequest(deps: AcceptWebhookDeps, webhookId: string, event: PrivacyEvent, now: Date): Promise<WebhookAnswer> {
  const { privacyRequestId, customerId, orderIds } = event.data;
  const kind = KIND_OF[event.type];
  const created = await deps.privacy.open({ privacyRequestId, kind, customerId, ...(orderIds ? { orderIds } : {}), receivedAt: now.toISOString() });
  if (!created) {
    const existing = await deps.privacy.get(privacyRequestId);
    const same = existing && existing.kind === kind && existing.customerId === customerId && orderSet(existing.orderIds) === orderSet(orderIds);
    if (!same) {
      return { status: 409, error: 'privacy_request_conflict', message: 'This privacyRequestId was already used for another request; use a new id.' };
    }
    if (existing.status !== 'pending') return { status: 202, privacyRequestId, duplicate: true };
  }
  // The message names the request; the consumer reads what to do from the stored request, not from the message.
  await deps.intake.send({ webhookId, caseId: privacyRequestId, receivedAt: now.toISOString(), event });
  return { status: 202, privacyRequestId, duplicate: !created };
}

/** The orders a request names, as a set: a retry may list the same orders in another order, or one twice. */
const orderSet = (orderIds: string[] | undefined) => JSON.stringify(orderIds ? [...new Set(orderIds)].sort() : null);
