import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSBatchResponse } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseIdFor } from '../../functions/domain/case-id.js';
import { proactiveRequestId } from '../../functions/domain/shipment-watch.js';
import { readConfig, startCaseConfig } from '../../functions/config/functions.js';
import { lambdaContext, sqsEvent, TABLE_NAME } from './env.js';
import { PERSON, requestedEvent, seedCase, unique } from './fixtures.js';
import { startTrackingEnv, type TrackingEnv } from './tracking-env.js';

type Handler = typeof import('../../functions/handlers/start-case.js')['handler'];

/** start-case (the intake consumer) filing parcels for watching: return.shipped, and shipment.created by the switch. */
let env: TrackingEnv;
// STATE_MACHINE_ARN: start-case's configuration requires it; these events start no execution.
const carrierEnv = {
  STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:000000000000:stateMachine:CaseWorkflow',
  CARRIER_PROVIDER: 'aftership',
  CARRIER_API_URL: 'https://api.aftership.com/',
  CARRIER_CODES: '{"SF":"sf-express"}',
};

/** start-case built from its configuration: the test table, the carrier above, and `extra`. */
const startCase = async (extra: Record<string, string> = {}) =>
  (await import('../../functions/handlers/start-case.js')).createHandler(readConfig(startCaseConfig, { TABLE_NAME, ...carrierEnv, ...extra }));

const intake = (caseId: string, type: string, data: Record<string, unknown>, webhookId = unique('msg')) => ({
  body: { webhookId, caseId, receivedAt: new Date().toISOString(), event: { type, timestamp: new Date().toISOString(), data } },
  messageId: randomUUID(),
});
const deliver = (handler: Handler, ...records: Array<{ body: unknown; messageId: string }>) =>
  handler(sqsEvent('aftersales-intake', records), lambdaContext('StartCase')) as Promise<SQSBatchResponse>;
const item = async (pk: string, sk: string) => (await env.db.send(new GetCommand({ TableName: TABLE_NAME, Key: { pk, sk }, ConsistentRead: true }))).Item;

function shipmentCreated(trackingNumber: string) {
  const { order, customer } = requestedEvent({ caseType: 'delayed' }).data;
  return { order: { ...order, shipment: { ...order.shipment, carrier: 'SF', trackingNumber, deliveredAt: undefined } }, customer };
}

beforeAll(async () => {
  // start-case's own handler reads the environment when imported, and its schema requires STATE_MACHINE_ARN.
  env = await startTrackingEnv({ STATE_MACHINE_ARN: carrierEnv.STATE_MACHINE_ARN });
});
afterAll(async () => {
  await env?.close();
});

describe('start-case: watching parcels', () => {
  it('return.shipped files the return parcel for watching under the provider of its carrier, due for a poll at once', async () => {
    const handler = await startCase();
    const { caseId, record } = await seedCase(env.db, { record: { status: 'awaiting_return', waitingFor: 'return' } });
    const trackingNumber = unique('SF').toUpperCase();
    expect(await deliver(handler, intake(caseId, 'return.shipped', { requestId: record.requestId, carrier: 'SF', trackingNumber }))).toEqual({ batchItemFailures: [] });

    const shipment = await item(`SHIPMENT#SF#${trackingNumber}`, 'SHIPMENT');
    expect(shipment).toMatchObject({ carrier: 'SF', trackingNumber, provider: 'aftership', gsi2pk: 'POLL#aftership' });
    expect([...(shipment!.watchers as Set<string>)]).toEqual([`return#${caseId}`]);
    expect(Date.parse(shipment!.nextPollAt)).toBeLessThanOrEqual(Date.now());
  });

  it('shipment.created with proactive detection off (the CN policy) is acknowledged and recorded as ignored: nothing is stored', async () => {
    const handler = await startCase();
    const trackingNumber = unique('SF').toUpperCase();
    const caseId = caseIdFor(proactiveRequestId('SF', trackingNumber));
    const webhookId = unique('msg');
    expect(await deliver(handler, intake(caseId, 'shipment.created', shipmentCreated(trackingNumber), webhookId))).toEqual({ batchItemFailures: [] });
    expect(await item(`SHIPMENT#SF#${trackingNumber}`, 'SHIPMENT')).toBeUndefined();
    const receipt = await item(`WEBHOOK#${webhookId}`, 'WEBHOOK');
    expect(receipt).toMatchObject({ ignored: 'proactive_detection_off' });
    // Marked before the ingest's own write (which may then fail): the receipt expires all the same, in 30 days.
    expect(receipt!.ttl).toBeGreaterThan(Date.now() / 1000 + 29 * 86_400);
    expect(receipt!.ttl).toBeLessThanOrEqual(Date.now() / 1000 + 30 * 86_400);
  });

  it('shipment.created with proactive detection on: the parcel is watched for the case id it would open; the contact lives apart', async () => {
    const handler = await startCase({ PROACTIVE_DETECTION: 'on' });
    const trackingNumber = unique('SF').toUpperCase();
    const caseId = caseIdFor(proactiveRequestId('SF', trackingNumber));
    const data = shipmentCreated(trackingNumber);
    // Delivered twice (SQS redelivers): still one watcher, one set of facts.
    expect(await deliver(handler, intake(caseId, 'shipment.created', data), intake(caseId, 'shipment.created', data))).toEqual({ batchItemFailures: [] });

    const pk = `SHIPMENT#SF#${trackingNumber}`;
    const shipment = await item(pk, 'SHIPMENT');
    expect([...(shipment!.watchers as Set<string>)]).toEqual([`proactive#${caseId}`]);
    expect(shipment).toMatchObject({ promisedBy: data.order.shipment.promisedBy, shippedAt: data.order.shipment.shippedAt, gsi2pk: 'POLL#aftership' });
    const facts = await item(pk, 'PROACTIVE');
    expect(facts).toMatchObject({ order: { orderId: data.order.orderId }, customer: { customerId: data.customer.customerId } });
    const contact = await item(pk, 'CONTACT');
    expect(contact).toMatchObject({ name: PERSON.name, email: PERSON.email, phone: PERSON.phone });
    // Kept no longer than a claim could be made: TTL 90 days after the promised delivery.
    const promised = Date.parse(data.order.shipment.promisedBy);
    expect(Number(contact!.ttl) * 1000).toBeGreaterThanOrEqual(promised + 90 * 86_400_000 - 1000);
    expect(Number(contact!.ttl) * 1000).toBeLessThanOrEqual(Math.max(promised, Date.now()) + 90 * 86_400_000 + 1000);
    for (const stored of [shipment, facts]) expect(JSON.stringify(stored)).not.toMatch(new RegExp(`${PERSON.email}|\\${PERSON.phone}|${PERSON.name}`));
    // No case exists until tracking shows one is needed.
    expect(await item(`CASE#${caseId}`, 'CASE')).toBeUndefined();
  });
});
