import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateQueueCommand, DeleteMessageCommand, ReceiveMessageCommand, type Message } from '@aws-sdk/client-sqs';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseIdFor } from '../../functions/domain/case-id.js';
import { meterDynamoDb, type DynamoCounts, type Meter, type WriteRecord } from '../../local/metering.js';
import { ACCOUNT_ID, apiEvent, importFresh, STACK_TRACE, startHandlerEnv, TABLE_NAME, withEnv, type HandlerEnv } from './env.js';
import { PERSON, requestedEvent, seedCase, signedHeaders, unique } from './fixtures.js';

type Handler = typeof import('../../functions/handlers/ingest-webhook.js')['handler'];

const SECRET = `whsec_${randomBytes(32).toString('base64')}`;
const INTAKE = 'aftersales-intake';
let env: HandlerEnv;
let handler: Handler;
let intakeUrl: string;
const responses: APIGatewayProxyStructuredResultV2[] = [];

const webhook = async (body: string, headers: Record<string, string>, opts: { base64?: boolean } = {}) => {
  const res = await handler(
    apiEvent({
      method: 'POST',
      path: '/webhooks/order-platform',
      headers,
      body: opts.base64 ? Buffer.from(body, 'utf8').toString('base64') : body,
      isBase64Encoded: opts.base64 ?? false,
    }),
  );
  responses.push(res);
  return { ...res, json: JSON.parse(String(res.body)) as Record<string, any> };
};

/** Everything on the queue right now (short polls, deduplicated, deleted once read). */
async function drain(queueUrl: string): Promise<Message[]> {
  const seen = new Map<string, Message>();
  for (let empty = 0; empty < 2; ) {
    const out = await env.sqs!.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    const batch = out.Messages ?? [];
    if (batch.length === 0) empty += 1;
    for (const message of batch) {
      seen.set(message.MessageId!, message);
      await env.sqs!.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle! }));
    }
  }
  return [...seen.values()];
}

beforeAll(async () => {
  env = await startHandlerEnv({ sqs: true });
  intakeUrl = (await env.sqs!.send(new CreateQueueCommand({ QueueName: INTAKE }))).QueueUrl!;
  handler = (await importFresh(() => import('../../functions/handlers/ingest-webhook.js'), { WEBHOOK_SECRET: SECRET, INTAKE_QUEUE_URL: intakeUrl })).handler;
});

afterAll(async () => {
  await env?.close();
});

describe('ingest-webhook: accepted deliveries', () => {
  it('answers 202 with the case id and queues exactly {webhookId, caseId, receivedAt, event}', async () => {
    const event = requestedEvent();
    const body = JSON.stringify(event);
    const headers = signedHeaders(SECRET, body);
    const before = Date.now();
    const res = await webhook(body, headers);

    expect(res.statusCode).toBe(202);
    const caseId = caseIdFor(event.data.requestId);
    expect(res.json).toEqual({ caseId });
    expect(res.headers?.['content-type']).toMatch(/application\/json/);

    const messages = await drain(intakeUrl);
    expect(messages).toHaveLength(1);
    const message = JSON.parse(messages[0]!.Body!) as Record<string, any>;
    expect(Object.keys(message).sort()).toEqual(['caseId', 'event', 'receivedAt', 'webhookId']);
    expect(message.webhookId).toBe(headers['webhook-id']);
    expect(message.caseId).toBe(caseId);
    expect(Date.parse(message.receivedAt)).toBeGreaterThanOrEqual(before - 1000);
    expect(Object.keys(message.event).sort()).toEqual(['data', 'timestamp', 'type']);
    expect(message.event.type).toBe('aftersales.requested');
    expect(message.event.data.requestId).toBe(event.data.requestId);

    // The first delivery of a request is remembered in its request's note, so a redelivery is recognised.
    const note = await env.db.send(new GetCommand({ TableName: TABLE_NAME, Key: { pk: `REQUEST#${caseId}`, sk: 'REQUEST' } }));
    expect(note.Item).toMatchObject({ caseId, webhookId: headers['webhook-id'] });
  });

  it('answers a redelivery of the same webhook-id with the first case id, duplicate: true, and queues nothing', async () => {
    const event = requestedEvent();
    const body = JSON.stringify(event);
    const headers = signedHeaders(SECRET, body);
    const first = await webhook(body, headers);
    expect(first.statusCode).toBe(202);
    expect(await drain(intakeUrl)).toHaveLength(1);

    // A retry by the platform: same id, freshly signed.
    const again = await webhook(body, signedHeaders(SECRET, body, { id: headers['webhook-id'] }));
    expect(again.statusCode).toBe(202);
    expect(again.json).toEqual({ caseId: caseIdFor(event.data.requestId), duplicate: true });
    // And the very same request replayed byte for byte.
    const replay = await webhook(body, headers);
    expect(replay.json).toEqual({ caseId: caseIdFor(event.data.requestId), duplicate: true });
    expect(await drain(intakeUrl)).toHaveLength(0);
  });

  it('accepts a base64-encoded body (isBase64Encoded), verifying the signature over the decoded bytes', async () => {
    const event = requestedEvent({ customer: { name: '王小明', locale: 'zh-CN' } });
    const body = JSON.stringify(event);
    const res = await webhook(body, signedHeaders(SECRET, body), { base64: true });
    expect(res.statusCode).toBe(202);
    expect(res.json).toEqual({ caseId: caseIdFor(event.data.requestId) });
    const [message] = await drain(intakeUrl);
    expect(JSON.parse(message!.Body!).event.data.customer.name).toBe('王小明');
  });
});

describe('ingest-webhook: refused deliveries', () => {
  it('401 missing_signature_headers when any Standard Webhooks header is absent', async () => {
    const body = JSON.stringify(requestedEvent());
    const signed = signedHeaders(SECRET, body);
    for (const missing of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
      const headers = { ...signed };
      delete headers[missing];
      const res = await webhook(body, headers);
      expect(res.statusCode, missing).toBe(401);
      expect(res.json.error).toBe('missing_signature_headers');
    }
    expect(await drain(intakeUrl)).toHaveLength(0);
  });

  it('401 invalid_signature for a wrong secret, a tampered body or a garbled signature', async () => {
    const body = JSON.stringify(requestedEvent());
    const otherSecret = `whsec_${randomBytes(32).toString('base64')}`;
    const wrongSecret = await webhook(body, signedHeaders(otherSecret, body));
    expect(wrongSecret.statusCode).toBe(401);
    expect(wrongSecret.json.error).toBe('invalid_signature');

    const headers = signedHeaders(SECRET, body);
    const tampered = await webhook(body.replace('"tier":"gold"', '"tier":"vip"'), headers);
    expect(tampered.statusCode).toBe(401);
    expect(tampered.json.error).toBe('invalid_signature');

    const garbled = await webhook(body, { ...headers, 'webhook-signature': 'v1,AAAA' });
    expect(garbled.statusCode).toBe(401);
    expect(garbled.json.error).toBe('invalid_signature');
    expect(await drain(intakeUrl)).toHaveLength(0);
  });

  it('401 stale_timestamp for a signature older or newer than 5 minutes', async () => {
    const body = JSON.stringify(requestedEvent());
    const old = await webhook(body, signedHeaders(SECRET, body, { at: new Date(Date.now() - 10 * 60_000) }));
    expect(old.statusCode).toBe(401);
    expect(old.json.error).toBe('stale_timestamp');
    const future = await webhook(body, signedHeaders(SECRET, body, { at: new Date(Date.now() + 10 * 60_000) }));
    expect(future.statusCode).toBe(401);
    expect(future.json.error).toBe('stale_timestamp');
    expect(await drain(intakeUrl)).toHaveLength(0);
  });

  it('400 invalid_json for a correctly signed body that is not JSON', async () => {
    const body = '{"type": "aftersales.requested", ';
    const res = await webhook(body, signedHeaders(SECRET, body));
    expect(res.statusCode).toBe(400);
    expect(res.json).toMatchObject({ error: 'invalid_json' });
    expect(typeof res.json.message).toBe('string');
  });

  it('422 invalid_data with issues naming each field (never its personal value)', async () => {
    const event = requestedEvent({ customer: { email: 'not-an-email', phone: '13800138000' } }) as Record<string, any>;
    delete event.data.order.currency;
    const body = JSON.stringify(event);
    const res = await webhook(body, signedHeaders(SECRET, body));
    expect(res.statusCode).toBe(422);
    expect(res.json.error).toBe('invalid_data');
    const paths = (res.json.issues as Array<{ path: string; message: string }>).map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['data.order.currency', 'data.customer.email', 'data.customer.phone']));
    expect(res.body).not.toContain('not-an-email');
    expect(res.body).not.toContain('13800138000');
    expect(await drain(intakeUrl)).toHaveLength(0);
  });

  it('422 for an unknown event type and for a body that is not an envelope', async () => {
    const unknown = JSON.stringify({ type: 'order.paid', timestamp: new Date().toISOString(), data: {} });
    const a = await webhook(unknown, signedHeaders(SECRET, unknown));
    expect(a.statusCode).toBe(422);
    expect(a.json.error).toBe('unsupported_event_type');

    const notEnvelope = JSON.stringify({ hello: 'world' });
    const b = await webhook(notEnvelope, signedHeaders(SECRET, notEnvelope));
    expect(b.statusCode).toBe(422);
    expect(b.json.error).toBe('invalid_envelope');
    expect(Array.isArray(b.json.issues)).toBe(true);
  });

  it('a refused delivery does not use up its webhook-id', async () => {
    const event = requestedEvent();
    const good = JSON.stringify(event);
    const id = unique('msg');
    const bad = await webhook('{oops', signedHeaders(SECRET, '{oops', { id }));
    expect(bad.statusCode).toBe(400);
    const ok = await webhook(good, signedHeaders(SECRET, good, { id }));
    expect(ok.statusCode).toBe(202);
    expect(ok.json.duplicate).toBeUndefined();
    expect(await drain(intakeUrl)).toHaveLength(1);
  });
});

describe('ingest-webhook: hostile but signed input is refused before it is stored (issue 11)', () => {
  const receiptOf = async (webhookId: string) =>
    (await env.db.send(new GetCommand({ TableName: TABLE_NAME, Key: { pk: `WEBHOOK#${webhookId}`, sk: 'WEBHOOK' }, ConsistentRead: true }))).Item;
  /** A request's first delivery is recorded in its note, not in a receipt: a refused request must leave neither. */
  const noteOf = async (requestId: string) =>
    (await env.db.send(new GetCommand({ TableName: TABLE_NAME, Key: { pk: `REQUEST#${caseIdFor(requestId)}`, sk: 'REQUEST' }, ConsistentRead: true }))).Item;

  it('400 invalid_webhook_id for a 2 KB webhook-id (it used to fail in DynamoDB as a retryable 503); nothing stored or queued', async () => {
    const body = JSON.stringify(requestedEvent());
    const id = `msg_${'x'.repeat(2048)}`;
    const res = await webhook(body, signedHeaders(SECRET, body, { id }));
    expect(res.statusCode).toBe(400);
    expect(res.json).toEqual({ error: 'invalid_webhook_id', message: expect.stringContaining('256') });
    expect(await drain(intakeUrl)).toHaveLength(0);
    const atLimit = `msg_${'y'.repeat(252)}`;
    expect((await webhook(body, signedHeaders(SECRET, body, { id: atLimit }))).statusCode).toBe(202);
    // An event on the request under an id at the limit: its receipt is keyed by the id.
    const cancelled = JSON.stringify({ type: 'aftersales.cancelled', timestamp: new Date().toISOString(), data: { requestId: JSON.parse(body).data.requestId } });
    const eventId = `msg_${'z'.repeat(252)}`;
    expect((await webhook(cancelled, signedHeaders(SECRET, cancelled, { id: eventId }))).statusCode).toBe(202);
    expect(await receiptOf(eventId)).toMatchObject({ queued: true });
    expect(await drain(intakeUrl)).toHaveLength(2);
  });

  it('422 invalid_data naming the path for a lone surrogate or a control character in an id, and for currency XXX', async () => {
    const cases: Array<[Record<string, any>, string]> = [
      [requestedEvent({ requestId: `req-\ud800-${unique('x')}` }), 'data.requestId'],
      [requestedEvent({ customer: { customerId: 'cust\u0000' } }), 'data.customer.customerId'],
      [requestedEvent({ orderId: 'ORD\n2' }), 'data.order.orderId'],
    ];
    const xxx = requestedEvent();
    (xxx.data.order as Record<string, unknown>).currency = 'XXX';
    cases.push([xxx, 'data.order.currency']);
    for (const [event, path] of cases) {
      const body = JSON.stringify(event);
      const headers = signedHeaders(SECRET, body);
      const res = await webhook(body, headers);
      expect(res.statusCode, path).toBe(422);
      expect(res.json.error).toBe('invalid_data');
      expect(res.json.issues.map((i: { path: string }) => i.path)).toEqual([path]);
      expect(await receiptOf(headers['webhook-id']!)).toBeUndefined();
      expect(await noteOf(event.data.requestId)).toBeUndefined();
    }
    expect(await drain(intakeUrl)).toHaveLength(0);
  });

  it('422 unknown_market for an order.market the deployment has no policy for; 422 currency_not_of_market for money not in the market’s currency', async () => {
    // ZZ is user-assigned in ISO 3166-1: well-formed, and no deployment will have a policy for it.
    const withOrder = (order: Record<string, unknown>) => {
      const event = requestedEvent();
      Object.assign(event.data.order, order);
      return event;
    };
    const refused: Array<[Record<string, any>, string, string]> = [
      [withOrder({ market: 'ZZ' }), 'unknown_market', 'data.order.market'],
      [withOrder({ market: 'CN', currency: 'EUR' }), 'currency_not_of_market', 'data.order.currency'],
      // No market: the deployment's default (CN), whose money is CNY.
      [withOrder({ currency: 'USD' }), 'currency_not_of_market', 'data.order.currency'],
    ];
    for (const [event, error, path] of refused) {
      const body = JSON.stringify(event);
      const headers = signedHeaders(SECRET, body);
      const res = await webhook(body, headers);
      expect(res.statusCode, error).toBe(422);
      expect(res.json).toMatchObject({ error, issues: [{ path }] });
      expect(res.json.message).toMatch(/CN/);
      expect(await receiptOf(headers['webhook-id']!)).toBeUndefined();
      expect(await noteOf(event.data.requestId)).toBeUndefined();
    }
    // The same goes for an announced parcel, whose order opens a case later.
    const parcel = {
      type: 'shipment.created',
      timestamp: new Date().toISOString(),
      data: { order: { ...withOrder({ market: 'ZZ' }).data.order }, customer: requestedEvent().data.customer },
    };
    const body = JSON.stringify(parcel);
    expect(await webhook(body, signedHeaders(SECRET, body))).toMatchObject({ statusCode: 422, json: { error: 'unknown_market' } });
    // A well-formed market is a country code: anything else is invalid_data.
    const lower = JSON.stringify(withOrder({ market: 'cn' }));
    expect(await webhook(lower, signedHeaders(SECRET, lower))).toMatchObject({ statusCode: 422, json: { error: 'invalid_data', issues: [{ path: 'data.order.market' }] } });
    expect(await drain(intakeUrl)).toHaveLength(0);

    // A known market, in its currency, is accepted and queued with its market.
    const ok = withOrder({ market: 'CN' });
    const okBody = JSON.stringify(ok);
    expect((await webhook(okBody, signedHeaders(SECRET, okBody))).statusCode).toBe(202);
    const queued = await drain(intakeUrl);
    expect(queued.map((m) => JSON.parse(m.Body!).event.data.order.market)).toEqual(['CN']);
  });

  const followUps = (requestId: string): Array<Record<string, unknown>> => {
    const at = new Date().toISOString();
    return [
      { type: 'aftersales.evidence_added', timestamp: at, data: { requestId, evidence: [{ kind: 'photo', url: 'https://cdn.example.com/e/1.jpg' }] } },
      { type: 'aftersales.cancelled', timestamp: at, data: { requestId } },
      { type: 'aftersales.remedy_chosen', timestamp: at, data: { requestId, remedy: 'refund' } },
      { type: 'aftersales.disputed', timestamp: at, data: { requestId, reason: 'please look again' } },
      { type: 'return.shipped', timestamp: at, data: { requestId, carrier: 'SF', trackingNumber: 'SF9876543210987' } },
      { type: 'return.received', timestamp: at, data: { requestId, receivedAt: at } },
      { type: 'compensation.completed', timestamp: at, data: { requestId, instructionId: 'ins_1', status: 'completed', completedAt: at } },
    ];
  };

  it('404 unknown_request for every event on a request never received: nothing stored, nothing queued, the id not used up', async () => {
    for (const event of followUps(unique('never-requested'))) {
      const body = JSON.stringify(event);
      const headers = signedHeaders(SECRET, body);
      const res = await webhook(body, headers);
      expect(res.statusCode, String(event.type)).toBe(404);
      expect(res.json).toEqual({ error: 'unknown_request', message: expect.any(String) });
      expect(await receiptOf(headers['webhook-id']!)).toBeUndefined();
    }
    expect(await drain(intakeUrl)).toHaveLength(0);
  });

  it('the race: events sent right after the request’s 202, while its case is still on the queue, are accepted', async () => {
    const request = requestedEvent();
    const body = JSON.stringify(request);
    expect((await webhook(body, signedHeaders(SECRET, body))).statusCode).toBe(202);
    // No worker runs in this test: the case item does not exist, only the request's note does.
    const caseId = caseIdFor(request.data.requestId);
    expect((await env.db.send(new GetCommand({ TableName: TABLE_NAME, Key: { pk: `CASE#${caseId}`, sk: 'CASE' }, ConsistentRead: true }))).Item).toBeUndefined();
    for (const event of followUps(request.data.requestId)) {
      const followBody = JSON.stringify(event);
      const res = await webhook(followBody, signedHeaders(SECRET, followBody));
      expect(res.statusCode, String(event.type)).toBe(202);
      expect(res.json).toEqual({ caseId });
    }
    expect(await drain(intakeUrl)).toHaveLength(8);
  });

  it('a case that exists without a note (created before this check, or a proactive case) is known', async () => {
    const { caseId, record } = await seedCase(env.db);
    const [evidence] = followUps(record.requestId);
    const body = JSON.stringify(evidence);
    const res = await webhook(body, signedHeaders(SECRET, body));
    expect(res.statusCode).toBe(202);
    expect(res.json).toEqual({ caseId });
    expect(await drain(intakeUrl)).toHaveLength(1);
  });
});

describe('ingest-webhook: intake queue unavailable', () => {
  it('503 temporarily_unavailable, releases the webhook-id, and accepts the retry once the queue exists', async () => {
    const missingName = unique('intake-missing');
    const missingUrl = `${env.endpoints.sqs}/${ACCOUNT_ID}/${missingName}`;
    const restore = withEnv({ INTAKE_QUEUE_URL: missingUrl });
    const broken = (await importFresh(() => import('../../functions/handlers/ingest-webhook.js'))).handler;
    restore();
    const event = requestedEvent();
    const body = JSON.stringify(event);
    const headers = signedHeaders(SECRET, body);
    const call = async () => {
      const res = await broken(apiEvent({ method: 'POST', path: '/webhooks/order-platform', headers, body }));
      responses.push(res);
      return { ...res, json: JSON.parse(String(res.body)) as Record<string, any> };
    };

    const refused = await call();
    expect(refused.statusCode).toBe(503);
    expect(refused.json.error).toBe('temporarily_unavailable');
    const receipt = await env.db.send(new GetCommand({ TableName: TABLE_NAME, Key: { pk: `WEBHOOK#${headers['webhook-id']}`, sk: 'WEBHOOK' }, ConsistentRead: true }));
    expect(receipt.Item).toBeUndefined();
    const note = await env.db.send(new GetCommand({ TableName: TABLE_NAME, Key: { pk: `REQUEST#${caseIdFor(event.data.requestId)}`, sk: 'REQUEST' }, ConsistentRead: true }));
    expect(note.Item).toBeUndefined();

    const created = (await env.sqs!.send(new CreateQueueCommand({ QueueName: missingName }))).QueueUrl;
    expect(created).toBe(missingUrl);
    const retried = await call();
    expect(retried.statusCode).toBe(202);
    expect(retried.json).toEqual({ caseId: caseIdFor(event.data.requestId) });
    const messages = await drain(missingUrl);
    expect(messages).toHaveLength(1);
    expect(JSON.parse(messages[0]!.Body!).webhookId).toBe(headers['webhook-id']);
  });

  /**
   * Delivery A reaches a cold start of the function whose SQS endpoint holds the SendMessage and then fails it (a slow,
   * overloaded queue); while A waits, the platform gives up on it and retries with the same webhook-id (delivery B,
   * to a healthy instance). Returns both answers once A has failed, and what B put on the queue.
   */
  async function raceSlowFirstAttempt() {
    let arrived!: () => void;
    const requestArrived = new Promise<void>((resolve) => (arrived = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const slowSqs = createServer((req, res) => {
      req.resume();
      arrived();
      void released.then(() => {
        res.writeHead(500, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-query-error': 'InternalError;Receiver' });
        res.end(JSON.stringify({ __type: 'com.amazonaws.sqs#InternalError', message: 'We encountered an internal error.' }));
      });
    });
    await new Promise<void>((resolve) => slowSqs.listen(0, '127.0.0.1', resolve));
    const slowUrl = `http://127.0.0.1:${(slowSqs.address() as AddressInfo).port}`;
    try {
      const event = requestedEvent();
      const body = JSON.stringify(event);
      const headers = signedHeaders(SECRET, body);
      // Kept until A's SendMessage is under way: the SDK reads some of these on the first request.
      const restore = withEnv({ INTAKE_QUEUE_URL: `${slowUrl}/${ACCOUNT_ID}/${INTAKE}`, AWS_ENDPOINT_URL_SQS: slowUrl, AWS_MAX_ATTEMPTS: '1' });
      let first: ReturnType<Handler>;
      try {
        const slow = (await importFresh(() => import('../../functions/handlers/ingest-webhook.js'))).handler;
        first = slow(apiEvent({ method: 'POST', path: '/webhooks/order-platform', headers, body }));
        await requestArrived;
      } finally {
        restore();
      }
      const retry = await webhook(body, signedHeaders(SECRET, body, { id: headers['webhook-id'] }));
      release();
      const firstAnswer = await first;
      const queued = await drain(intakeUrl);
      return { event, body, headers, first: firstAnswer, retry, queued };
    } finally {
      release();
      slowSqs.closeAllConnections();
      await new Promise<void>((resolve) => slowSqs.close(() => resolve()));
    }
  }

  // Regression test. At commit 89bf15f, accept-webhook.ts answered any delivery whose webhook-id was already claimed
  // with 202 {duplicate: true}, even while the first attempt was still queueing; when that attempt then failed it
  // released the id and answered 503, but the retry had been acknowledged: the event was lost.
  it('a retry that arrives while the first attempt is still queueing is not acknowledged for an event that is then lost', async () => {
    const { first, retry, queued } = await raceSlowFirstAttempt();
    expect(first.statusCode).toBe(503);
    const acknowledged = retry.statusCode !== undefined && retry.statusCode >= 200 && retry.statusCode < 300;
    // Either the retry must not be acknowledged, or the event must be on the queue.
    expect(acknowledged && queued.length === 0).toBe(false);
  });

  // Bug (introduced by the fix of the race above, commit 26630c5): when the slow first attempt fails after the retry
  // has queued the event and marked the receipt queued, accept-webhook.ts still calls DedupeStore.releaseWebhook
  // (`if (claim.firstSeen)`), whose DeleteCommand has no condition: the receipt of an event that IS on the queue is
  // deleted. The next delivery of that webhook-id is then taken as new and queued a second time, where it should get
  // 202 {duplicate: true}. (Fix: delete only while `queued = false`.)
  it('after that race, the receipt of the queued event survives: a later redelivery is a duplicate', async () => {
    const { event, body, headers, retry, queued } = await raceSlowFirstAttempt();
    expect(retry.statusCode).toBe(202);
    expect(queued).toHaveLength(1);
    const later = await webhook(body, signedHeaders(SECRET, body, { id: headers['webhook-id'] }));
    expect(later.json).toEqual({ caseId: caseIdFor(event.data.requestId), duplicate: true });
    expect(await drain(intakeUrl)).toHaveLength(0);
  });
});

describe('ingest-webhook: one DynamoDB write per accepted delivery, after its event is queued (issue 13)', () => {
  let meter: Meter<DynamoCounts>;
  let metered: Handler;
  const writes: WriteRecord[] = [];
  let restore: () => void;

  beforeAll(async () => {
    // The handler's DynamoDB traffic goes through the cost benchmark's meter (local/metering.ts), which sees every write.
    meter = await meterDynamoDb(env.endpoints.dynamodb, (write) => writes.push(write));
    // Kept for the whole block: the SDK reads its endpoint on the first request.
    restore = withEnv({ AWS_ENDPOINT_URL_DYNAMODB: meter.endpoint });
    metered = (await importFresh(() => import('../../functions/handlers/ingest-webhook.js'), { WEBHOOK_SECRET: SECRET, INTAKE_QUEUE_URL: intakeUrl })).handler;
  });
  afterAll(async () => {
    restore?.();
    await meter?.close();
  });

  /** Delivers `event` through the metered handler; returns the answer and the writes it made. */
  async function deliver(event: Record<string, unknown>, id?: string) {
    const body = JSON.stringify(event);
    const headers = signedHeaders(SECRET, body, id ? { id } : {});
    const from = writes.length;
    const res = await metered(apiEvent({ method: 'POST', path: '/webhooks/order-platform', headers, body }));
    responses.push(res);
    return { status: res.statusCode, json: JSON.parse(String(res.body)) as Record<string, unknown>, id: headers['webhook-id']!, writes: writes.slice(from) };
  }
  const onRequest = (type: string, requestId: string, data: Record<string, unknown> = {}) => ({ type, timestamp: new Date().toISOString(), data: { requestId, ...data } });
  const put = (item: Record<string, unknown>) => env.db.send(new PutCommand({ TableName: TABLE_NAME, Item: item }));
  const get = async (pk: string, sk: string) => (await env.db.send(new GetCommand({ TableName: TABLE_NAME, Key: { pk, sk }, ConsistentRead: true }))).Item;
  const ttl = () => Math.floor(Date.now() / 1000) + 30 * 86_400;

  it('a request, an event on it and an announced parcel: one write each; their redeliveries none, and nothing queued', async () => {
    const request = requestedEvent();
    const caseId = caseIdFor(request.data.requestId);
    const first = await deliver(request);
    expect(first).toMatchObject({ status: 202, json: { caseId } });
    expect(first.writes.map((w) => [w.action, w.pk])).toEqual([['PutItem', `REQUEST#${caseId}`]]);
    expect(first.writes[0]!.tableUnits + first.writes[0]!.indexUnits).toBe(1);

    const shipped = await deliver(onRequest('return.shipped', request.data.requestId, { carrier: 'SF', trackingNumber: 'SF9876543210987' }));
    expect(shipped).toMatchObject({ status: 202, json: { caseId } });
    expect(shipped.writes.map((w) => [w.action, w.pk, w.tableUnits + w.indexUnits])).toEqual([['UpdateItem', `WEBHOOK#${shipped.id}`, 1]]);

    const { order, customer } = requestedEvent().data;
    const parcel = {
      type: 'shipment.created',
      timestamp: new Date().toISOString(),
      data: { order: { ...order, shipment: { ...order.shipment, deliveredAt: undefined } }, customer },
    };
    const announced = await deliver(parcel);
    expect(announced.status).toBe(202);
    expect(announced.writes.map((w) => [w.action, w.pk, w.tableUnits + w.indexUnits])).toEqual([['UpdateItem', `WEBHOOK#${announced.id}`, 1]]);
    expect(await drain(intakeUrl)).toHaveLength(3);

    for (const [event, id, answer] of [
      [request, first.id, caseId],
      [onRequest('return.shipped', request.data.requestId, { carrier: 'SF', trackingNumber: 'SF9876543210987' }), shipped.id, caseId],
      [parcel, announced.id, announced.json.caseId],
    ] as const) {
      const again = await deliver(event, id);
      expect(again).toMatchObject({ status: 202, json: { caseId: answer, duplicate: true }, writes: [] });
    }
    expect(await drain(intakeUrl)).toHaveLength(0);
  });

  it('the same request under a new webhook-id: queued and remembered in its own receipt; a redelivery of either is a duplicate', async () => {
    const request = requestedEvent();
    const caseId = caseIdFor(request.data.requestId);
    const a = await deliver(request);
    const b = await deliver(request);
    expect(b).toMatchObject({ status: 202, json: { caseId } });
    expect(b.json.duplicate).toBeUndefined();
    expect(b.writes.map((w) => w.pk)).toEqual([`WEBHOOK#${b.id}`]);
    expect(await drain(intakeUrl)).toHaveLength(2);
    expect(await deliver(request, a.id)).toMatchObject({ json: { caseId, duplicate: true }, writes: [] });
    expect(await deliver(request, b.id)).toMatchObject({ json: { caseId, duplicate: true }, writes: [] });
    expect(await drain(intakeUrl)).toHaveLength(0);
  });

  it('two deliveries of one webhook-id at the same time: one answer is the first, the other a duplicate of it; both events the same', async () => {
    const request = requestedEvent();
    const body = JSON.stringify(request);
    const id = unique('msg');
    const answers = await Promise.all(
      [0, 1].map(() => metered(apiEvent({ method: 'POST', path: '/webhooks/order-platform', headers: signedHeaders(SECRET, body, { id }), body }))),
    );
    const caseId = caseIdFor(request.data.requestId);
    expect(answers.map((res) => JSON.parse(String(res.body))).sort((x, y) => Number(x.duplicate ?? false) - Number(y.duplicate ?? false))).toEqual([
      { caseId },
      { caseId, duplicate: true },
    ]);
    // Both may have queued it before either recorded it: the same message, which the intake consumer applies once.
    const queued = (await drain(intakeUrl)).map((m) => JSON.parse(m.Body!) as Record<string, unknown>);
    expect(queued.length).toBeGreaterThanOrEqual(1);
    expect(queued.length).toBeLessThanOrEqual(2);
    for (const message of queued) expect(message).toMatchObject({ webhookId: id, caseId });
    expect(await deliver(request, id)).toMatchObject({ json: { caseId, duplicate: true }, writes: [] });
  });

  it('one request under two webhook-ids at the same time: both accepted as first deliveries; each redelivery a duplicate', async () => {
    const request = requestedEvent();
    const body = JSON.stringify(request);
    const ids = [unique('msg'), unique('msg')];
    const answers = await Promise.all(ids.map((id) => metered(apiEvent({ method: 'POST', path: '/webhooks/order-platform', headers: signedHeaders(SECRET, body, { id }), body }))));
    const caseId = caseIdFor(request.data.requestId);
    // One of them notes the request; the other, finding the note taken, keeps its own receipt.
    expect(answers.map((res) => JSON.parse(String(res.body)))).toEqual([{ caseId }, { caseId }]);
    expect(await drain(intakeUrl)).toHaveLength(2);
    for (const id of ids) expect(await deliver(request, id)).toMatchObject({ json: { caseId, duplicate: true }, writes: [] });
    expect(await drain(intakeUrl)).toHaveLength(0);
  });

  describe('items written by the previous release (6384ee3)', () => {
    it('a receipt left `queued: false` (its delivery died before queueing) is queued on the retry, answered as the duplicate it is, then marked', async () => {
      const shippedRequest = requestedEvent();
      const caseId = caseIdFor(shippedRequest.data.requestId);
      await put({ pk: `REQUEST#${caseId}`, sk: 'REQUEST', caseId, acceptedAt: new Date().toISOString(), ttl: ttl() });
      const event = onRequest('aftersales.cancelled', shippedRequest.data.requestId);
      const id = unique('msg');
      await put({ pk: `WEBHOOK#${id}`, sk: 'WEBHOOK', caseId, queued: false, receivedAt: new Date().toISOString(), ttl: ttl() });
      const retry = await deliver(event, id);
      expect(retry).toMatchObject({ status: 202, json: { caseId, duplicate: true } });
      expect(retry.writes.map((w) => w.pk)).toEqual([`WEBHOOK#${id}`]);
      expect(await get(`WEBHOOK#${id}`, 'WEBHOOK')).toMatchObject({ caseId, queued: true });
      expect((await drain(intakeUrl)).map((m) => JSON.parse(m.Body!).webhookId)).toEqual([id]);
      expect(await deliver(event, id)).toMatchObject({ json: { caseId, duplicate: true }, writes: [] });
      expect(await drain(intakeUrl)).toHaveLength(0);
    });

    it('a request whose receipt was left `queued: false` before its note was written: queued and noted on the retry', async () => {
      const request = requestedEvent();
      const caseId = caseIdFor(request.data.requestId);
      const id = unique('msg');
      await put({ pk: `WEBHOOK#${id}`, sk: 'WEBHOOK', caseId, queued: false, receivedAt: new Date().toISOString(), ttl: ttl() });
      expect(await deliver(request, id)).toMatchObject({ status: 202, json: { caseId, duplicate: true }, writes: [{ pk: `REQUEST#${caseId}` }] });
      expect(await drain(intakeUrl)).toHaveLength(1);
      expect(await deliver(request, id)).toMatchObject({ json: { caseId, duplicate: true }, writes: [] });
      expect(await deliver(onRequest('aftersales.cancelled', request.data.requestId))).toMatchObject({ status: 202, json: { caseId } });
      expect(await drain(intakeUrl)).toHaveLength(1);
    });

    it('a receipt marked queued is a duplicate; a note without a webhook-id makes its request known, and stays as it is', async () => {
      const request = requestedEvent();
      const caseId = caseIdFor(request.data.requestId);
      const note = { pk: `REQUEST#${caseId}`, sk: 'REQUEST', caseId, acceptedAt: new Date().toISOString(), ttl: ttl() };
      await put(note);
      const id = unique('msg');
      await put({ pk: `WEBHOOK#${id}`, sk: 'WEBHOOK', caseId, queued: true, receivedAt: new Date().toISOString(), ttl: ttl() });
      expect(await deliver(request, id)).toMatchObject({ status: 202, json: { caseId, duplicate: true }, writes: [] });
      expect(await drain(intakeUrl)).toHaveLength(0);
      // The case is still on the queue (no case item): the old note alone lets its events in.
      const evidence = await deliver(onRequest('aftersales.evidence_added', request.data.requestId, { evidence: [{ kind: 'photo', url: 'https://cdn.example.com/e/2.jpg' }] }));
      expect(evidence).toMatchObject({ status: 202, json: { caseId } });
      // The request again under a new id: its own receipt; the old note is not rewritten.
      expect(await deliver(request)).toMatchObject({ status: 202, json: { caseId }, writes: [{ pk: expect.stringMatching(/^WEBHOOK#/) }] });
      expect(await get(note.pk, note.sk)).toEqual(note);
      expect(await drain(intakeUrl)).toHaveLength(2);
    });
  });
});

describe('ingest-webhook: responses', () => {
  it('never carry a stack trace or the customer’s personal data', () => {
    expect(responses.length).toBeGreaterThan(15);
    for (const res of responses) {
      expect(res.body).not.toMatch(STACK_TRACE);
      expect(res.body).not.toContain(PERSON.email);
      expect(res.body).not.toContain(PERSON.phone);
      expect(res.headers?.['cache-control']).toBe('no-store');
    }
  });
});
