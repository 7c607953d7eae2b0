import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaseStore } from '../../functions/adapters/case-store.js';
import type { CaseRecord } from '../../functions/domain/case-record.js';
import { caseIdFor } from '../../functions/domain/case-id.js';
import { opsApiConfig, readConfig } from '../../functions/config/functions.js';
import { callOpsApi, startHandlerEnv, TABLE_NAME, type HandlerEnv } from './env.js';
import { seedCase, unique } from './fixtures.js';

type Handler = typeof import('../../functions/handlers/ops-api.js')['handler'];

const OPS_TOKEN = 'ops-token-for-case-shape-tests-7d1e';
const FACTS = ['orderItems', 'items', 'shipment', 'orderPlacedAt'] as const;

let env: HandlerEnv;
let handler: Handler;
let cases: CaseStore;

const raw = async (caseId: string, sk: string) => (await env.db.send(new GetCommand({ TableName: TABLE_NAME, Key: { pk: `CASE#${caseId}`, sk }, ConsistentRead: true }))).Item;
const searchIds = async (query: string) => {
  const res = await callOpsApi(handler, OPS_TOKEN, 'GET', '/ops/cases', { operator: { name: 'vic', role: 'viewer' }, query });
  expect(res.status).toBe(200);
  return (res.json.cases as Array<{ caseId: string }>).map((c) => c.caseId);
};

beforeAll(async () => {
  env = await startHandlerEnv();
  cases = new CaseStore(env.db, TABLE_NAME);
  handler = (await import('../../functions/handlers/ops-api.js')).createHandler(readConfig(opsApiConfig, { TABLE_NAME }));
});

afterAll(async () => {
  await env?.close();
});

describe('the case item and its facts item (write units: docs/performance.md, "Case writes")', () => {
  it('a new case keeps its order lines, items and shipment in CASE#FACTS, which carries the order lookup; readers see one record', async () => {
    const { caseId, record } = await seedCase(env.db, { type: 'lost', record: { status: 'awaiting_review' } });
    const caseItem = (await raw(caseId, 'CASE'))!;
    for (const field of FACTS) expect(caseItem).not.toHaveProperty(field);
    // What every step rewrites starts well under the 1 KB a write unit covers.
    expect(JSON.stringify(caseItem).length).toBeLessThan(600);
    const facts = (await raw(caseId, 'CASE#FACTS'))!;
    expect(facts).toMatchObject({ caseId, gsi3pk: `ORDER#${record.orderId}`, orderItems: record.orderItems, shipment: record.shipment });
    expect(await raw(caseId, 'LOOKUP#ORDER')).toBeUndefined();

    expect(await cases.get(caseId)).toEqual(record);
    expect((await cases.view(caseId))!.case).toEqual(record);
    expect((await cases.listByStatus('awaiting_review', 100)).find((c) => c.caseId === caseId)).toEqual(record);
    expect(await searchIds(`orderId=${record.orderId}`)).toEqual([caseId]);
  });

  it('a case written by the previous release (facts inline, a LOOKUP#ORDER item) reads, lists and is found as before', async () => {
    const { record: template } = await seedCase(env.db, { type: 'lost' });
    const requestId = unique('req-old');
    const caseId = caseIdFor(requestId);
    const orderId = unique('ORD-old');
    const old: CaseRecord = { ...template, caseId, requestId, orderId, status: 'awaiting_review' };
    const sortKey = `${old.createdAt}#${caseId}`;
    await env.db.send(new PutCommand({ TableName: TABLE_NAME, Item: { pk: `CASE#${caseId}`, sk: 'CASE', gsi1pk: 'STATUS#awaiting_review', gsi1sk: sortKey, ...old } }));
    for (const [kind, partition] of [
      ['ORDER', `ORDER#${orderId}`],
      ['CUSTOMER', `CUSTOMER#${old.customerId}`],
    ]) {
      await env.db.send(new PutCommand({ TableName: TABLE_NAME, Item: { pk: `CASE#${caseId}`, sk: `LOOKUP#${kind}`, gsi3pk: partition, gsi3sk: sortKey, caseId } }));
    }

    expect(await cases.get(caseId)).toEqual(old);
    expect((await cases.view(caseId))!.case).toEqual(old);
    expect((await cases.listByStatus('awaiting_review', 100)).find((c) => c.caseId === caseId)).toEqual(old);
    expect(await searchIds(`orderId=${orderId}`)).toEqual([caseId]);
    expect(await searchIds(`customerId=${old.customerId}&limit=100`)).toContain(caseId);
    // Updates keep working on the old shape (the facts stay where they are).
    await cases.update(caseId, { status: 'in_review', waitingFor: '' });
    expect(await cases.get(caseId)).toMatchObject({ status: 'in_review', orderItems: old.orderItems, shipment: old.shipment, version: old.version + 1 });
  });
});
