/**
 * docs/webhook-contract.md against the code: requests signed the way the document tells the order platform to sign
 * them, answered by the real acceptWebhook (functions/use-cases/accept-webhook.ts). Only the two outside systems
 * (the DynamoDB dedupe table and the SQS intake queue) are replaced by in-memory stand-ins.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Webhook } from 'standardwebhooks';
import { beforeEach, describe, expect, it } from 'vitest';
import type { DedupeStore } from '../../functions/adapters/dedupe-store.js';
import type { PrivacyRequest, PrivacyStore } from '../../functions/adapters/privacy-store.js';
import type { QueueSender } from '../../functions/adapters/queues.js';
import { caseIdFor } from '../../functions/domain/case-id.js';
import { marketCatalog } from '../../functions/domain/markets.js';
import { MARKET_REGISTRY } from '../../functions/policies/index.js';
import { proactiveRequestId } from '../../functions/domain/shipment-watch.js';
import type { IntakeMessage } from '../../functions/schemas/messages.js';
import { acceptWebhook, FOLLOW_UP_TYPES, type WebhookAnswer } from '../../functions/use-cases/accept-webhook.js';
import { otherEvent, requestedEvent } from './fixtures.js';

/** The events that act on an existing request (docs/webhook-contract.md), written out here as the contract says them. */
const FOLLOW_UPS = [
  'aftersales.evidence_added',
  'aftersales.cancelled',
  'return.shipped',
  'return.received',
  'aftersales.remedy_chosen',
  'aftersales.disputed',
  'compensation.completed',
] as const;

const SECRET = `whsec_${randomBytes(32).toString('base64')}`;
const doc = readFileSync('docs/webhook-contract.md', 'utf8');

/**
 * In-memory dedupe with the semantics of DedupeStore.lookUpDelivery/recordDelivery: a delivery's receipt by webhook-id,
 * the request's note by case id (naming the delivery that made it), and the cases that exist.
 */
class MemoryDedupe {
  readonly receipts = new Map<string, { caseId: string; queued: boolean }>();
  readonly notes = new Map<string, { webhookId?: string }>();
  /** Case ids whose case item exists (written by the intake consumer, or before request notes existed). */
  readonly knownRequests = new Set<string>();
  async lookUpDelivery(webhookId: string, caseId: string, kind: string) {
    const receipt = this.receipts.get(webhookId);
    const note = kind === 'other' ? undefined : this.notes.get(caseId);
    const earlier = note?.webhookId === webhookId ? { caseId, queued: true } : receipt;
    const requestKnown = kind === 'follow_up' && (note !== undefined || this.knownRequests.has(caseId));
    return { ...(earlier ? { earlier } : {}), requestKnown, requestNoted: note !== undefined };
  }
  async recordDelivery(webhookId: string, caseId: string, _now: Date, noteRequest: boolean) {
    if (noteRequest && !this.notes.has(caseId)) this.notes.set(caseId, { webhookId });
    else this.receipts.set(webhookId, { caseId, queued: true });
    return { caseId, duplicate: false };
  }
}

class MemoryQueue {
  readonly sent: IntakeMessage[] = [];
  failNext = false;
  async send(message: IntakeMessage) {
    if (this.failNext) {
      this.failNext = false;
      throw Object.assign(new Error('queue down'), { name: 'ServiceUnavailable' });
    }
    this.sent.push(message);
  }
}

/** In-memory privacy requests with the semantics of PrivacyStore.open/get (conditional put, first request wins). */
class MemoryPrivacy {
  readonly requests = new Map<string, PrivacyRequest>();
  async open(request: Omit<PrivacyRequest, 'status' | 'updatedAt' | 'history'>) {
    if (this.requests.has(request.privacyRequestId)) return false;
    this.requests.set(request.privacyRequestId, { ...request, status: 'pending', updatedAt: request.receivedAt, history: [{ at: request.receivedAt, event: 'received' }] });
    return true;
  }
  async get(id: string) {
    return this.requests.get(id);
  }
}

let dedupe: MemoryDedupe;
let queue: MemoryQueue;
let privacy: MemoryPrivacy;

beforeEach(() => {
  dedupe = new MemoryDedupe();
  queue = new MemoryQueue();
  privacy = new MemoryPrivacy();
});

/** Signs as in the document's Node example: webhook.sign(id, now, body), timestamp in Unix seconds. */
function signed(body: string, options: { id?: string; at?: Date; secret?: string } = {}) {
  const id = options.id ?? `msg_${randomBytes(8).toString('hex')}`;
  const at = options.at ?? new Date();
  return {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(options.secret ?? SECRET).sign(id, at, body),
  } as Record<string, string | undefined>;
}

const accept = (body: string, headers: Record<string, string | undefined>): Promise<WebhookAnswer> =>
  acceptWebhook(
    {
      verifier: new Webhook(SECRET),
      dedupe: dedupe as unknown as DedupeStore,
      intake: queue as unknown as QueueSender<IntakeMessage>,
      privacy: privacy as unknown as PrivacyStore,
      markets: marketCatalog(MARKET_REGISTRY, 'CN'),
    },
    body,
    headers,
    new Date(),
  );

describe('signed as documented', () => {
  it('a signed aftersales.requested is accepted: 202 with the case id derived from requestId, and queued', async () => {
    const body = JSON.stringify(requestedEvent());
    const headers = signed(body);
    const answer = await accept(body, headers);
    expect(answer).toEqual({ status: 202, caseId: caseIdFor('req-20261110-000123'), duplicate: false });
    expect(queue.sent).toHaveLength(1);
    expect(queue.sent[0]).toMatchObject({ webhookId: headers['webhook-id'], caseId: caseIdFor('req-20261110-000123'), event: { type: 'aftersales.requested' } });
  });

  it('the signature is v1,<base64 HMAC-SHA256 of "id.timestamp.body"> with the key after whsec_', async () => {
    dedupe.knownRequests.add(caseIdFor('req-20261110-000123'));
    const { createHmac } = await import('node:crypto');
    const body = JSON.stringify(otherEvent('return.shipped'));
    const id = 'msg_manual';
    const timestamp = Math.floor(Date.now() / 1000);
    const key = Buffer.from(SECRET.slice('whsec_'.length), 'base64');
    const signature = `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
    const headers = { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signature };
    expect(await accept(body, headers)).toMatchObject({ status: 202 });
  });

  it('several space-separated signatures are allowed; one match is enough', async () => {
    dedupe.knownRequests.add(caseIdFor('req-20261110-000123'));
    const body = JSON.stringify(otherEvent('aftersales.cancelled'));
    const headers = signed(body);
    headers['webhook-signature'] = `v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= ${headers['webhook-signature']}`;
    expect(await accept(body, headers)).toMatchObject({ status: 202 });
  });

  it('every event but a request, an announced parcel and a privacy request acts on an existing request', () => {
    expect([...FOLLOW_UP_TYPES].sort()).toEqual([...FOLLOW_UPS].sort());
  });

  it.each(FOLLOW_UPS)('%s is answered with the case id of its requestId once that request was accepted', async (type) => {
    const request = JSON.stringify(requestedEvent());
    expect(await accept(request, signed(request))).toMatchObject({ status: 202 });
    const body = JSON.stringify(otherEvent(type));
    expect(await accept(body, signed(body))).toEqual({ status: 202, caseId: caseIdFor('req-20261110-000123'), duplicate: false });
  });

  it.each(FOLLOW_UPS)('%s for a request never received → 404 unknown_request, nothing stored or queued', async (type) => {
    const body = JSON.stringify(otherEvent(type));
    expect(await accept(body, signed(body))).toEqual({ status: 404, error: 'unknown_request', message: expect.any(String) });
    expect(dedupe.receipts.size + dedupe.notes.size).toBe(0);
    expect(queue.sent).toHaveLength(0);
  });

  it('the request is noted before its 202, so an event sent right after it is accepted while the case is still queued', async () => {
    const request = JSON.stringify(requestedEvent());
    const headers = signed(request);
    await accept(request, headers);
    expect(dedupe.notes).toEqual(new Map([[caseIdFor('req-20261110-000123'), { webhookId: headers['webhook-id'] }]]));
  });
});

describe('shipment.created', () => {
  it('is accepted with the case id a proactive case for the parcel would have, derived from carrier and number', async () => {
    const example = [...doc.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1]!)).find((e) => e.type === 'shipment.created');
    const body = JSON.stringify(example);
    const answer = await accept(body, signed(body));
    const caseId = caseIdFor(proactiveRequestId('SF', 'SF1234567890123'));
    expect(answer).toEqual({ status: 202, caseId, duplicate: false });
    expect(queue.sent).toHaveLength(1);
    expect(queue.sent[0]).toMatchObject({ caseId, event: { type: 'shipment.created', data: { order: { orderId: 'ORD-2026-0001234' } } } });
    // The same parcel announced again (new webhook-id, other case) names the same case.
    const again = JSON.stringify({ ...example, data: { ...example.data, customer: { ...example.data.customer, email: undefined, phone: '+8613800138000' } } });
    expect(await accept(again, signed(again))).toMatchObject({ status: 202, caseId });
  });

  it('needs an email or a phone, like a request', async () => {
    const example = [...doc.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1]!)).find((e) => e.type === 'shipment.created');
    const { email: _email, ...customer } = example.data.customer;
    const body = JSON.stringify({ ...example, data: { ...example.data, customer } });
    expect(await accept(body, signed(body))).toMatchObject({
      status: 422,
      error: 'invalid_data',
      issues: [{ path: 'data.customer', message: 'at least one of email or phone is required' }],
    });
  });
});

describe('privacy requests (customer.data_requested, customer.redact_requested)', () => {
  const privacyEvent = (type: string, data: Record<string, unknown>) => ({ type, timestamp: '2026-11-20T10:00:00+08:00', data });

  it.each(['customer.data_requested', 'customer.redact_requested'])('%s needs no earlier request: 202 {privacyRequestId}, stored pending and queued', async (type) => {
    const body = JSON.stringify(privacyEvent(type, { privacyRequestId: 'pr-1', customerId: 'cust-never-seen' }));
    expect(await accept(body, signed(body))).toEqual({ status: 202, privacyRequestId: 'pr-1', duplicate: false });
    expect(privacy.requests.get('pr-1')).toMatchObject({ kind: type === 'customer.data_requested' ? 'export' : 'redact', customerId: 'cust-never-seen', status: 'pending' });
    expect(queue.sent).toEqual([expect.objectContaining({ caseId: 'pr-1', event: expect.objectContaining({ type }) })]);
  });

  it('the same privacyRequestId under a new webhook-id is a duplicate; once carried out it is not queued again', async () => {
    const body = JSON.stringify(privacyEvent('customer.redact_requested', { privacyRequestId: 'pr-2', customerId: 'c-2', orderIds: ['ORD-1'] }));
    await accept(body, signed(body));
    // Still pending: queued again, in case the first message was lost.
    expect(await accept(body, signed(body))).toEqual({ status: 202, privacyRequestId: 'pr-2', duplicate: true });
    expect(queue.sent).toHaveLength(2);
    privacy.requests.get('pr-2')!.status = 'completed';
    expect(await accept(body, signed(body))).toEqual({ status: 202, privacyRequestId: 'pr-2', duplicate: true });
    expect(queue.sent).toHaveLength(2);
  });

  it('the same orders in another order (or repeated) are the same request: a duplicate, not a conflict', async () => {
    const first = JSON.stringify(privacyEvent('customer.redact_requested', { privacyRequestId: 'pr-5', customerId: 'c-5', orderIds: ['ORD-1', 'ORD-2'] }));
    await accept(first, signed(first));
    for (const orderIds of [
      ['ORD-2', 'ORD-1'],
      ['ORD-1', 'ORD-2', 'ORD-1'],
    ]) {
      const again = JSON.stringify(privacyEvent('customer.redact_requested', { privacyRequestId: 'pr-5', customerId: 'c-5', orderIds }));
      expect(await accept(again, signed(again))).toEqual({ status: 202, privacyRequestId: 'pr-5', duplicate: true });
    }
  });

  it('the same privacyRequestId for another customer, other orders or the other kind → 409 privacy_request_conflict', async () => {
    const first = JSON.stringify(privacyEvent('customer.data_requested', { privacyRequestId: 'pr-3', customerId: 'c-3' }));
    await accept(first, signed(first));
    for (const [type, data] of [
      ['customer.data_requested', { privacyRequestId: 'pr-3', customerId: 'c-4' }],
      ['customer.data_requested', { privacyRequestId: 'pr-3', customerId: 'c-3', orderIds: ['ORD-9'] }],
      ['customer.redact_requested', { privacyRequestId: 'pr-3', customerId: 'c-3' }],
    ] as const) {
      const body = JSON.stringify(privacyEvent(type, data));
      expect(await accept(body, signed(body))).toMatchObject({ status: 409, error: 'privacy_request_conflict' });
    }
    expect(queue.sent).toHaveLength(1);
  });

  it.each([
    [{ customerId: 'c-1' }, 'data.privacyRequestId', 'required'],
    [{ privacyRequestId: 'pr-4' }, 'data.customerId', 'required'],
    [{ privacyRequestId: '', customerId: 'c-1' }, 'data.privacyRequestId', 'at least 1 characters'],
    [{ privacyRequestId: 'pr-4', customerId: 'c-1', orderIds: [] }, 'data.orderIds', 'at least 1 entries'],
    [{ privacyRequestId: 'pr-4', customerId: 'c-1', email: 'a@example.com' }, 'data', 'unknown field(s): email'],
    [{ privacyRequestId: 'pr-4', customerId: 'c\u0000' }, 'data.customerId', undefined],
  ])('malformed %j → 422 invalid_data naming %s, nothing stored or queued', async (data, path, message) => {
    const body = JSON.stringify(privacyEvent('customer.redact_requested', data));
    const answer = await accept(body, signed(body));
    expect(answer).toMatchObject({ status: 422, error: 'invalid_data' });
    const issue = (answer as { issues: Array<{ path: string; message: string }> }).issues.find((i) => i.path === path);
    expect(issue).toBeDefined();
    if (message) expect(issue!.message).toBe(message);
    expect(JSON.stringify(answer)).not.toContain('a@example.com');
    expect(privacy.requests.size).toBe(0);
    expect(queue.sent).toHaveLength(0);
  });
});

describe('idempotency', () => {
  it('the same webhook-id is answered duplicate: true with the first caseId, and nothing new is queued', async () => {
    const body = JSON.stringify(requestedEvent());
    const first = signed(body, { id: 'msg_same' });
    expect(await accept(body, first)).toMatchObject({ status: 202, duplicate: false });
    // A retry re-signed with a fresh timestamp, same id.
    const retry = signed(body, { id: 'msg_same', at: new Date(Date.now() + 2_000) });
    expect(await accept(body, retry)).toEqual({ status: 202, caseId: caseIdFor('req-20261110-000123'), duplicate: true });
    expect(queue.sent).toHaveLength(1);
  });

  it('a used webhook-id under another body: an event on a request answers as its first delivery; a request’s id names its own request', async () => {
    const request = JSON.stringify(requestedEvent());
    await accept(request, signed(request, { id: 'msg_request' }));
    const cancelled = JSON.stringify(otherEvent('aftersales.cancelled'));
    await accept(cancelled, signed(cancelled, { id: 'msg_event' }));
    expect(queue.sent).toHaveLength(2);
    // The event's receipt is found by its webhook-id alone: nothing new happens, whatever the body.
    const other = JSON.stringify(otherEvent('aftersales.evidence_added'));
    expect(await accept(other, signed(other, { id: 'msg_event' }))).toEqual({ status: 202, caseId: caseIdFor('req-20261110-000123'), duplicate: true });
    // A request's first delivery is remembered in its request's note (one write: docs/operations.md "Intake writes"), so
    // its id under another request's body is that other request's first delivery (a retry carries the same body).
    const otherRequest = JSON.stringify(requestedEvent({ data: { requestId: 'req-other' } }));
    expect(await accept(otherRequest, signed(otherRequest, { id: 'msg_request' }))).toEqual({ status: 202, caseId: caseIdFor('req-other'), duplicate: false });
    expect(queue.sent).toHaveLength(3);
  });

  it('a request’s first webhook-id is a duplicate only for deliveries about that request; any other delivery under it is new', async () => {
    const request = JSON.stringify(requestedEvent());
    await accept(request, signed(request, { id: 'msg_first' }));
    const otherRequest = JSON.stringify(requestedEvent({ data: { requestId: 'req-other' } }));
    await accept(otherRequest, signed(otherRequest, { id: 'msg_other_request' }));
    expect(queue.sent).toHaveLength(2);
    // About that request (its note names the id): answered as its first delivery, nothing queued.
    const cancelled = JSON.stringify(otherEvent('aftersales.cancelled'));
    expect(await accept(cancelled, signed(cancelled, { id: 'msg_first' }))).toEqual({ status: 202, caseId: caseIdFor('req-20261110-000123'), duplicate: true });
    expect(queue.sent).toHaveLength(2);
    // Not about it: an event on another request, and a shipment.created (under the other request's first id), are new.
    const onOther = JSON.stringify(otherEvent('aftersales.cancelled', { requestId: 'req-other' }));
    expect(await accept(onOther, signed(onOther, { id: 'msg_first' }))).toEqual({ status: 202, caseId: caseIdFor('req-other'), duplicate: false });
    const shipment = JSON.stringify([...doc.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1]!)).find((e) => e.type === 'shipment.created'));
    expect(await accept(shipment, signed(shipment, { id: 'msg_other_request' }))).toMatchObject({ status: 202, duplicate: false });
    expect(queue.sent.map((m) => m.event.type)).toEqual(['aftersales.requested', 'aftersales.requested', 'aftersales.cancelled', 'shipment.created']);
  });

  it('the same requestId under a new webhook-id names the same case', async () => {
    const body = JSON.stringify(requestedEvent());
    const a = await accept(body, signed(body));
    const b = await accept(body, signed(body));
    expect(a).toMatchObject({ status: 202 });
    expect(b).toMatchObject({ status: 202 });
    expect((b as { caseId: string }).caseId).toBe((a as { caseId: string }).caseId);
  });

  it('503 (not queued) releases the webhook-id so the retry is processed', async () => {
    const body = JSON.stringify(requestedEvent());
    const headers = signed(body, { id: 'msg_retry' });
    queue.failNext = true;
    await expect(accept(body, headers)).rejects.toThrow('queue down'); // the handler maps this to 503 temporarily_unavailable
    expect(dedupe.receipts.has('msg_retry') || dedupe.notes.size > 0).toBe(false);
    expect(await accept(body, signed(body, { id: 'msg_retry' }))).toMatchObject({ status: 202, duplicate: false });
    expect(queue.sent).toHaveLength(1);
  });
});

describe('refusals', () => {
  const body = JSON.stringify(requestedEvent());

  it.each(['webhook-id', 'webhook-timestamp', 'webhook-signature'])('missing %s → 401 missing_signature_headers', async (header) => {
    const headers = signed(body);
    delete headers[header];
    expect(await accept(body, headers)).toMatchObject({ status: 401, error: 'missing_signature_headers' });
  });

  it('a webhook-id over 256 characters → 400 invalid_webhook_id, before anything is stored; 256 is accepted', async () => {
    expect(await accept(body, signed(body, { id: `msg_${'a'.repeat(2048)}` }))).toMatchObject({ status: 400, error: 'invalid_webhook_id' });
    expect(await accept(body, signed(body, { id: `msg_${'b'.repeat(253)}` }))).toMatchObject({ status: 400, error: 'invalid_webhook_id' });
    expect(dedupe.receipts.size + dedupe.notes.size).toBe(0);
    expect(queue.sent).toHaveLength(0);
    expect(await accept(body, signed(body, { id: `msg_${'c'.repeat(252)}` }))).toMatchObject({ status: 202 });
  });

  it('an empty header counts as missing', async () => {
    expect(await accept(body, { ...signed(body), 'webhook-signature': '' })).toMatchObject({ status: 401, error: 'missing_signature_headers' });
  });

  it.each([
    ['another secret', () => signed(body, { secret: `whsec_${randomBytes(32).toString('base64')}` })],
    ['a body changed after signing', () => signed(`${body} `)],
    ['a non-numeric timestamp', () => ({ ...signed(body), 'webhook-timestamp': 'yesterday' })],
    ['a v2 signature only', () => ({ ...signed(body), 'webhook-signature': signed(body)['webhook-signature']!.replace(/^v1,/, 'v2,') })],
  ])('%s → 401 invalid_signature', async (_name, headers) => {
    expect(await accept(body, headers())).toMatchObject({ status: 401, error: 'invalid_signature' });
  });

  it.each([
    ['6 minutes old', -6 * 60_000],
    ['6 minutes ahead', 6 * 60_000],
  ])('a timestamp %s → 401 stale_timestamp', async (_name, skew) => {
    expect(await accept(body, signed(body, { at: new Date(Date.now() + skew) }))).toMatchObject({ status: 401, error: 'stale_timestamp' });
  });

  it('4 minutes of clock skew is tolerated', async () => {
    expect(await accept(body, signed(body, { at: new Date(Date.now() - 4 * 60_000) }))).toMatchObject({ status: 202 });
  });

  it('the signature is checked before the body: an unsigned non-JSON body is 401, a signed one 400', async () => {
    expect(await accept('not json', { 'webhook-id': 'x', 'webhook-timestamp': '1', 'webhook-signature': 'v1,x' })).toMatchObject({ status: 401 });
    expect(await accept('not json', signed('not json'))).toMatchObject({ status: 400, error: 'invalid_json' });
  });

  it.each([
    ['envelope without timestamp and data', { type: 'aftersales.requested' }, 422, 'invalid_envelope'],
    ['unknown event type', { type: 'order.created', timestamp: '2026-11-10T10:00:00+08:00', data: {} }, 422, 'unsupported_event_type'],
    ['request with a bad currency', requestedEvent({ data: { order: { currency: 'yuan' } } }), 422, 'invalid_data'],
  ])('a signed %s → %d %s, nothing queued', async (_name, event, status, error) => {
    const raw = JSON.stringify(event);
    expect(await accept(raw, signed(raw))).toMatchObject({ status, error });
    expect(queue.sent).toHaveLength(0);
    expect(dedupe.receipts.size + dedupe.notes.size).toBe(0);
  });
});

describe('the document', () => {
  it('names every error code the intake can answer with', () => {
    const sources = ['functions/use-cases/accept-webhook.ts', 'functions/schemas/webhook.ts', 'functions/handlers/ingest-webhook.ts']
      .map((file) => readFileSync(file, 'utf8'))
      .join('\n');
    const codes = new Set([...sources.matchAll(/error: '([a-z_]+)'|problem\(\d+, '([a-z_]+)'/g)].map((m) => m[1] ?? m[2]));
    expect([...codes].sort()).toEqual([
      'currency_not_of_market',
      'invalid_data',
      'invalid_envelope',
      'invalid_json',
      'invalid_signature',
      'invalid_webhook_id',
      'missing_signature_headers',
      'privacy_request_conflict',
      'stale_timestamp',
      'temporarily_unavailable',
      'unknown_market',
      'unknown_request',
      'unsupported_event_type',
    ]);
    for (const code of codes) expect(doc, code).toContain(`"error": "${code}"`);
  });

  it('shows a valid example body for every event type', async () => {
    const { parseWebhookBody, WEBHOOK_EVENT_TYPES } = await import('../../functions/schemas/webhook.js');
    const examples = [...doc.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1]!) as { type?: string });
    const bodies = examples.filter((e) => typeof e.type === 'string');
    expect(bodies.map((b) => b.type)).toEqual(WEBHOOK_EVENT_TYPES);
    for (const example of bodies) expect(parseWebhookBody(JSON.stringify(example)), example.type).toMatchObject({ ok: true });
  });

  it('documents every event type in a section of its own, with a field table naming each data field', async () => {
    const { WEBHOOK_DATA_SCHEMAS, WEBHOOK_EVENT_TYPES } = await import('../../functions/schemas/webhook.js');
    const sections = new Map([...doc.matchAll(/^### `([a-z_.]+)`\n([\s\S]*?)(?=^##)/gm)].map((m) => [m[1]!, m[2]!]));
    expect([...sections.keys()]).toEqual(WEBHOOK_EVENT_TYPES);
    for (const type of WEBHOOK_EVENT_TYPES) {
      const section = sections.get(type)!;
      expect(section, type).toContain('| field | type | required | meaning |');
      expect(section, type).toContain(`"type": "${type}"`);
      for (const field of Object.keys(WEBHOOK_DATA_SCHEMAS[type].shape)) expect(section, `${type}: ${field}`).toMatch(new RegExp(`^\\| \`${field}[.\\[\`]`, 'm'));
    }
    expect(doc).toContain(
      `one of the ${['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven'][WEBHOOK_EVENT_TYPES.length]} event types`,
    );
  });

  it('the examples of the other event types are the shared test fixtures', () => {
    const examples = [...doc.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1]!) as { type?: string; data?: unknown });
    for (const type of ['aftersales.remedy_chosen', 'aftersales.disputed', 'compensation.completed'] as const) {
      expect(examples.find((e) => e.type === type)?.data, type).toEqual(otherEvent(type).data);
    }
  });

  it('the requested example is the shared test fixture', () => {
    const example = [...doc.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1]!)).find((e) => e.type === 'aftersales.requested');
    expect(example).toEqual(requestedEvent());
  });

  it('its error example is what the parser answers for those mistakes', async () => {
    const { parseWebhookBody } = await import('../../functions/schemas/webhook.js');
    const example = [...doc.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1]!)).find((e) => e.error === 'invalid_data');
    const bad = requestedEvent({
      data: {
        order: { items: [{ sku: 'KB-87-BLK', name: 'Keyboard', category: 'electronics', quantity: 1, unitPrice: -1 }] },
        customer: { email: 'li.wei-at-example.com' },
        items: [
          { sku: 'KB-87-BLK', quantity: 1 },
          { sku: 'MOUSE-01', quantity: 1 },
        ],
      },
    });
    const parsed = parseWebhookBody(JSON.stringify(bad));
    expect(parsed).toMatchObject({ ok: false, status: 422, error: 'invalid_data', message: example.message });
    expect((parsed as { issues: unknown[] }).issues).toEqual(example.issues);
  });
});
