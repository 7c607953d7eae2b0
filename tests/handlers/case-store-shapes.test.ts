import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { CaseRedactor } from '../../functions/adapters/case-redactor.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CaseStore, readCases } from '../../functions/adapters/case-store.js';
import type { CaseRecord } from '../../functions/domain/case-record.js';
import { caseIdFor } from '../../functions/domain/case-id.js';
import { callOpsApi, TABLE_NAME, type HandlerEnv } from './env.js';
import { startOpsApi, type OpsApiHandler } from './ops-api-env.js';
import { seedCase, unique } from './fixtures.js';
import { caseAs6384ee3WroteIt } from './previous-release-items.js';

const OPS_TOKEN = 'ops-token-for-case-shape-tests-7d1e';
const FACTS = ['orderItems', 'items', 'shipment', 'orderPlacedAt', 'requestId', 'orderId', 'customerId', 'createdAt', 'tier', 'currency', 'locale', 'reason', 'expedited'] as const;
/** What the facts item held on main before 5 December 2026, afternoon (commit 1d2875f); the rest was in the case item. */
const MORNING_FACTS = ['orderItems', 'items', 'shipment', 'orderPlacedAt'] as const;

let env: HandlerEnv;
let handler: OpsApiHandler;
let cases: CaseStore;

const raw = async (caseId: string, sk: string) => (await env.db.send(new GetCommand({ TableName: TABLE_NAME, Key: { pk: `CASE#${caseId}`, sk }, ConsistentRead: true }))).Item;
const searchIds = async (query: string) => {
  const res = await callOpsApi(handler, OPS_TOKEN, 'GET', '/ops/cases', { operator: { name: 'vic', role: 'viewer' }, query });
  expect(res.status).toBe(200);
  return (res.json.cases as Array<{ caseId: string }>).map((c) => c.caseId);
};

beforeAll(async () => {
  ({ env, handler, cases } = await startOpsApi());
});

afterAll(async () => {
  await env?.close();
});

describe('the case item and its facts item (write units: docs/performance.md, "Case writes")', () => {
  it('a new case keeps what intake set once (order lines, items, shipment, ids, tier, locale, reason) in CASE#FACTS, which carries the order lookup; readers see one record', async () => {
    const { caseId, record } = await seedCase(env.db, { type: 'lost', record: { status: 'awaiting_review' } });
    const caseItem = (await raw(caseId, 'CASE'))!;
    for (const field of FACTS) expect(caseItem).not.toHaveProperty(field);
    // What every step rewrites starts well under the 1 KB a write unit covers.
    expect(JSON.stringify(caseItem).length).toBeLessThan(400);
    const facts = (await raw(caseId, 'CASE#FACTS'))!;
    expect(facts).toMatchObject({ caseId, gsi3pk: `ORDER#${record.orderId}`, ...Object.fromEntries(FACTS.map((field) => [field, record[field]])) });
    expect(await raw(caseId, 'LOOKUP#ORDER')).toBeUndefined();

    expect(await cases.get(caseId)).toEqual(record);
    expect((await cases.view(caseId))!.case).toEqual(record);
    expect((await cases.listByStatus('awaiting_review', 100)).find((c) => c.caseId === caseId)).toEqual(record);
    expect(await searchIds(`orderId=${record.orderId}`)).toEqual([caseId]);
  });

  it('a case written by release 6384ee3 (facts inline, a LOOKUP#ORDER item) reads, lists and is found as before', async () => {
    const old = await caseAs6384ee3WroteIt(env.db, { type: 'lost', status: 'awaiting_review' });
    const { caseId, orderId } = old;

    expect(await cases.get(caseId)).toEqual(old);
    expect((await cases.view(caseId))!.case).toEqual(old);
    expect((await cases.listByStatus('awaiting_review', 100)).find((c) => c.caseId === caseId)).toEqual(old);
    expect(await searchIds(`orderId=${orderId}`)).toEqual([caseId]);
    expect(await searchIds(`customerId=${old.customerId}&limit=100`)).toContain(caseId);
    // Updates keep working on the old shape (the facts stay where they are).
    await cases.update(caseId, { status: 'in_review', waitingFor: '' });
    expect(await cases.get(caseId)).toMatchObject({ status: 'in_review', orderItems: old.orderItems, shipment: old.shipment, version: old.version + 1 });
  });

  it('a case written by main before the intake fields moved (facts item with the order lines only) reads, lists, is found and updates', async () => {
    const { record: template } = await seedCase(env.db, { type: 'lost' });
    const requestId = unique('req-morning');
    const caseId = caseIdFor(requestId);
    const orderId = unique('ORD-morning');
    const compensation = { instructionId: 'ins_1', kind: 'reship', idempotencyKey: `${caseId}:reship`, at: template.createdAt, status: 'instructed' as const };
    const morning: CaseRecord = { ...template, caseId, requestId, orderId, status: 'compensating', compensation };
    const sortKey = `${morning.createdAt}#${caseId}`;
    const inCase = Object.fromEntries(Object.entries(morning).filter(([field]) => !(MORNING_FACTS as readonly string[]).includes(field)));
    const inFacts = Object.fromEntries(MORNING_FACTS.map((field) => [field, morning[field]]));
    await env.db.send(new PutCommand({ TableName: TABLE_NAME, Item: { pk: `CASE#${caseId}`, sk: 'CASE#FACTS', gsi3pk: `ORDER#${orderId}`, gsi3sk: sortKey, caseId, ...inFacts } }));
    await env.db.send(new PutCommand({ TableName: TABLE_NAME, Item: { pk: `CASE#${caseId}`, sk: 'CASE', gsi1pk: 'STATUS#compensating', gsi1sk: sortKey, ...inCase } }));

    expect(await cases.get(caseId)).toEqual(morning);
    expect((await cases.view(caseId))!.case).toEqual(morning);
    expect((await readCases(env.db, TABLE_NAME, [caseId])).get(caseId)).toEqual(morning);
    expect(await searchIds(`orderId=${orderId}`)).toEqual([caseId]);
    await cases.update(caseId, { compensation: { ...compensation, status: 'completed', completedAt: morning.createdAt }, status: 'resolved' });
    expect(await cases.get(caseId)).toMatchObject({ status: 'resolved', requestId, tier: morning.tier, compensation: { ...compensation, status: 'completed' } });
  });

  it("the compensation's derived idempotency key is not stored, and read back; any other key is kept as it is", async () => {
    const { caseId } = await seedCase(env.db, { type: 'lost', record: { status: 'compensating' } });
    const compensation = { instructionId: 'ins_2', kind: 'refund', idempotencyKey: `${caseId}:refund`, at: new Date().toISOString(), status: 'instructed' as const };
    await cases.update(caseId, { compensation });
    expect((await raw(caseId, 'CASE'))!.compensation).not.toHaveProperty('idempotencyKey');
    expect((await cases.get(caseId))!.compensation).toEqual(compensation);
    expect((await readCases(env.db, TABLE_NAME, [caseId])).get(caseId)!.compensation).toEqual(compensation);

    const other = { ...compensation, idempotencyKey: `${caseId}:delay_subsidy` };
    await cases.update(caseId, { compensation: other });
    expect((await raw(caseId, 'CASE'))!.compensation).toEqual(other);
    expect((await cases.get(caseId))!.compensation).toEqual(other);
  });
});

describe('timeline items (docs/performance.md, "Case item and timeline")', () => {
  const timelineItems = async (caseId: string) =>
    (
      await env.db.send(
        new QueryCommand({
          TableName: TABLE_NAME,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :tl)',
          ExpressionAttributeValues: { ':pk': `CASE#${caseId}`, ':tl': 'TL#' },
          ConsistentRead: true,
        }),
      )
    ).Items ?? [];

  it('entries written at once are one item, read back in the order written among single entries, old ones included', async () => {
    const { caseId } = await seedCase(env.db, { type: 'lost' });
    const before = (await cases.view(caseId))!.timeline;
    // An entry as release 6384ee3 wrote every entry (and later releases a lone one): one item, its fields at the top level.
    const old = { at: '2026-12-01T08:00:00.000Z', actor: 'pipeline', event: 'classified', detail: { priority: 60, band: 'high' } };
    await env.db.send(new PutCommand({ TableName: TABLE_NAME, Item: { pk: `CASE#${caseId}`, sk: `TL#${old.at}#0a1b2c3d`, ...old } }));
    const defaulted = { at: '2026-12-01T09:00:00.000Z', actor: 'policy', event: 'choice_defaulted', detail: { remedy: 'reship' } };
    const planned = { at: '2026-12-01T09:00:00.000Z', actor: 'policy', event: 'remedy_planned', detail: { remedy: 'reship', needsReturn: false } };
    const later = { at: '2026-12-01T10:00:00.000Z', actor: 'pipeline', event: 'compensation_instructed' };
    const itemsBefore = (await timelineItems(caseId)).length;
    await cases.appendTimeline(caseId, defaulted, planned);
    await cases.appendTimeline(caseId, later);

    const items = await timelineItems(caseId);
    expect(items).toHaveLength(itemsBefore + 2);
    expect(items.find((i) => Array.isArray(i.entries))).toMatchObject({ sk: expect.stringMatching(/^TL#2026-12-01T09:00:00.000Z#/), entries: [defaulted, planned] });
    expect(items.find((i) => i.event === 'compensation_instructed')).toMatchObject(later);
    const timeline = (await cases.view(caseId))!.timeline;
    expect(timeline.filter((e) => !before.some((b) => b.at === e.at && b.event === e.event))).toEqual([old, defaulted, planned, later]);
    // The ops API shows the same list.
    const res = await callOpsApi(handler, OPS_TOKEN, 'GET', `/ops/cases/${caseId}`, { operator: { name: 'vic', role: 'viewer' } });
    expect(res.status).toBe(200);
    expect(res.json.timeline).toEqual(timeline);
  });

  it("redaction replaces the words in every entry of an item written at once, and keeps each entry's codes", async () => {
    const { caseId } = await seedCase(env.db, { type: 'lost', record: { status: 'closed', closedAt: new Date().toISOString() } });
    const at = new Date().toISOString();
    const paused = { at, actor: 'operator:olga', event: 'case_paused', detail: { reason: 'customer_unreachable', note: 'Mrs Wang asked to call after 6pm' } };
    const disputed = { at, actor: 'customer', event: 'dispute_opened', detail: { reason: 'The parcel never came, my neighbour saw nothing', round: 1 } };
    const coded = { at, actor: 'pipeline', event: 'sla_started', detail: { service: 'return' } };
    await cases.appendTimeline(caseId, coded, paused, disputed);
    expect(await new CaseRedactor(env.db, TABLE_NAME).redact(caseId, { kind: 'retention', retentionDays: 365 }, new Date())).toBe('redacted');

    const item = (await timelineItems(caseId)).find((i) => Array.isArray(i.entries))!;
    expect(item.entries).toEqual([coded, { ...paused, detail: { reason: '[redacted]', note: '[redacted]' } }, { ...disputed, detail: { reason: '[redacted]', round: 1 } }]);
    expect(JSON.stringify((await cases.view(caseId))!.timeline)).not.toMatch(/Wang|neighbour/);
  });
});
