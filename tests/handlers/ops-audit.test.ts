import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { opsApiConfig, readConfig } from '../../functions/config/functions.js';
import { callOpsApi, sleep, startHandlerEnv, TABLE_NAME, type HandlerEnv } from './env.js';
import { seedCase, unique } from './fixtures.js';

type Handler = typeof import('../../functions/handlers/ops-api.js')['handler'];

const OPS_TOKEN = 'ops-token-for-audit-tests-9d1e';
const sue = { name: 'sue', role: 'supervisor' };
const DESCRIPTION = 'The key feel is not what I expected.';

let env: HandlerEnv;
let handler: Handler;

const call = (path: string, operator: { name: string; role: string }, query?: string) => callOpsApi(handler, OPS_TOKEN, 'GET', path, { operator, ...(query ? { query } : {}) });
const audit = (query: string, operator = sue) => call('/ops/audit', operator, query);

beforeAll(async () => {
  env = await startHandlerEnv();
  handler = (await import('../../functions/handlers/ops-api.js')).createHandler(readConfig(opsApiConfig, { TABLE_NAME }));
});

afterAll(async () => {
  await env?.close();
});

describe('the access log', () => {
  it('records a case-view read (who, role, what, route, when), answered by case id and by operator, newest first', async () => {
    const { caseId } = await seedCase(env.db);
    const reader = { name: unique('agent'), role: 'agent' };
    const before = new Date().toISOString();
    expect((await call(`/ops/cases/${caseId}`, reader)).json.description).toBe(DESCRIPTION);
    await sleep(5); // entries sort by time: two reads in one millisecond have no order
    expect((await call(`/ops/cases/${caseId}`, { name: 'vic', role: 'viewer' })).status).toBe(200);

    const byCase = await audit(`caseId=${caseId}`);
    expect(byCase.status).toBe(200);
    expect(byCase.json.caseId).toBe(caseId);
    expect(byCase.json.entries.map((e: { operator: string }) => e.operator)).toEqual(['vic', reader.name]);
    expect(byCase.json.entries[1]).toEqual({ at: expect.any(String), operator: reader.name, role: 'agent', caseId, read: ['description'], route: 'GET /ops/cases/{caseId}' });
    expect(byCase.json.entries[1].at >= before).toBe(true);
    // The log says what was read, never the words themselves.
    expect(byCase.body).not.toContain(DESCRIPTION);

    const byOperator = await audit(`operator=${reader.name}`);
    expect(byOperator.status).toBe(200);
    expect(byOperator.json.entries).toEqual([byCase.json.entries[1]]);
  });

  it('pages with limit and cursor, newest first, each entry once', async () => {
    const reader = { name: unique('agent'), role: 'agent' };
    const seeded: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const { caseId } = await seedCase(env.db);
      seeded.push(caseId);
      await call(`/ops/cases/${caseId}`, reader);
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const res = await audit(`operator=${reader.name}&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      expect(res.json.entries.length).toBeLessThanOrEqual(2);
      seen.push(...res.json.entries.map((e: { caseId: string }) => e.caseId));
      cursor = res.json.nextCursor;
      pages += 1;
    } while (cursor && pages < 5);
    expect(seen).toEqual([...seeded].reverse());

    const first = await audit(`caseId=${seeded[0]}&limit=1`);
    expect(first.json.entries).toHaveLength(1);
  });

  it('a search and a 404 record nothing; the entries are their own items, outside the case partition', async () => {
    const { caseId, record } = await seedCase(env.db);
    const reader = { name: unique('agent'), role: 'agent' };
    await call('/ops/cases', reader, `orderId=${record.orderId}`);
    await call('/ops/cases/AS-0000000000AB', reader);
    expect((await audit(`operator=${reader.name}`)).json.entries).toEqual([]);
    await call(`/ops/cases/${caseId}`, reader);
    const partition = await env.db.send(new QueryCommand({ TableName: TABLE_NAME, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `CASE#${caseId}` } }));
    expect((partition.Items ?? []).some((item) => String(item.sk).includes('ACCESS') || item.operator !== undefined)).toBe(false);
  });

  it.each([
    ['viewer', 'vic'],
    ['agent', 'alice'],
  ])('403 forbidden (needs supervisor) for a %s', async (role, name) => {
    const res = await audit('operator=alice', { name, role });
    expect(res).toMatchObject({ status: 403, json: { error: 'forbidden', needs: 'supervisor' } });
  });

  it.each(['/ops/audit/', '/ops/cases/%2e%2e/audit', '/ops/x/../audit', '/ops//audit', '/ops/x/%2E%2E/reports/costs', '/ops/reports/costs/'])(
    'a viewer cannot reach a supervisor route by another spelling of its path (%s): 404, nothing read',
    async (path) => {
      const res = await call(path, { name: 'vic', role: 'viewer' }, 'operator=alice&from=2026-01-01&to=2026-01-31');
      expect(res).toMatchObject({ status: 404, json: { error: 'not_found' } });
    },
  );

  it.each([
    ['', 'give caseId or operator'],
    ['caseId=AS-0000000000AB&operator=alice', 'give caseId or operator'],
    ['caseId=nope', 'caseId'],
    ['operator=two%20words', 'operator'],
    ['operator=alice&limit=0', 'limit'],
    ['operator=alice&limit=500', 'limit'],
    ['operator=alice&cursor=abc', 'cursor'],
    ['operator=alice&since=2026-01-01', 'since'],
  ])('400 invalid_query for "%s"', async (query, reason) => {
    const res = await audit(query);
    expect(res.status).toBe(400);
    expect(res.json.error).toBe('invalid_query');
    expect(res.json.message).toContain(reason);
    expect(res.json.message).toContain('exactly one of caseId');
  });
});
