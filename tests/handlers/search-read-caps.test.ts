import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAGE_READ_CAP } from '../../functions/adapters/case-search.js';
import { opsApiConfig, readConfig } from '../../functions/config/functions.js';
import { EXPORT_READ_CAP } from '../../functions/use-cases/search-cases.js';
import { apiEvent, callOpsApi, lambdaContext, startHandlerEnv, TABLE_NAME, type HandlerEnv } from './env.js';
import { seedCase, seedJuneEntries } from './fixtures.js';

type Handler = typeof import('../../functions/handlers/ops-api.js')['handler'];

const OPS_TOKEN = 'ops-token-for-search-read-caps-7e1d';
const viewer = { name: 'vic', role: 'viewer' as const };

let env: HandlerEnv;
let handler: Handler;
let rare: string;

const search = (query: string) => callOpsApi(handler, OPS_TOKEN, 'GET', '/ops/cases', { operator: viewer, query });

/** A CSV export as the ops API answers it (its body is not JSON). */
async function csv(query: string) {
  const event = apiEvent({
    method: 'GET',
    path: '/ops/cases',
    routeKey: 'ANY /ops/{proxy+}',
    headers: { accept: 'text/csv' },
    query,
    jwtClaims: { username: 'vic', 'cognito:groups': '[viewer]', token_use: 'access' },
  });
  const res = (await handler(event, lambdaContext('OpsApi'))) as APIGatewayProxyStructuredResultV2;
  return { status: res.statusCode, headers: (res.headers ?? {}) as Record<string, string | undefined>, body: String(res.body) };
}

beforeAll(async () => {
  env = await startHandlerEnv();
  handler = (await import('../../functions/handlers/ops-api.js')).createHandler(readConfig(opsApiConfig, { TABLE_NAME }));
  ({ caseId: rare } = await seedCase(env.db, { type: 'lost', record: { status: 'compensating', createdAt: '2025-06-01T02:00:00.000Z' } }));
  await seedJuneEntries(env.db, EXPORT_READ_CAP + 50);
}, 120_000);

afterAll(async () => {
  await env?.close();
});

describe('a search by a rare status reads a bounded number of cases per request', () => {
  const june = 'status=compensating&from=2025-06-01&to=2025-06-30';

  it(`a page reads at most ${PAGE_READ_CAP} index entries: empty pages with a cursor until the case`, async () => {
    const pages: number[] = [];
    const found: string[] = [];
    let cursor: string | undefined;
    do {
      const res = await search(`${june}&limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(res.status).toBe(200);
      const rows = (res.json.cases as Array<{ caseId: string }>).map((c) => c.caseId);
      pages.push(rows.length);
      found.push(...rows);
      cursor = res.json.nextCursor as string | undefined;
    } while (cursor);
    expect(found).toEqual([rare]);
    // (EXPORT_READ_CAP + 51) entries at PAGE_READ_CAP a page: every page but the last empty.
    expect(pages).toHaveLength(Math.ceil((EXPORT_READ_CAP + 51) / PAGE_READ_CAP));
    expect(pages.slice(0, -1).every((n) => n === 0)).toBe(true);
  }, 120_000);

  it(`the CSV export stops after ${EXPORT_READ_CAP} entries read with x-truncated and x-next-cursor; the cursor goes on`, async () => {
    const first = await csv(june);
    expect(first.status).toBe(200);
    expect(first.headers['x-truncated']).toBe('true');
    const cursor = first.headers['x-next-cursor'];
    expect(cursor).toEqual(expect.any(String));
    expect(first.body.split('\r\n').filter(Boolean)).toHaveLength(1); // the header row only
    const rest = await csv(`${june}&cursor=${encodeURIComponent(cursor!)}`);
    expect(rest.status).toBe(200);
    expect(rest.headers['x-truncated']).toBeUndefined();
    expect(rest.headers['x-next-cursor']).toBeUndefined();
    const lines = rest.body.split('\r\n').filter(Boolean);
    expect(lines).toHaveLength(2);
    expect(lines[1]!.startsWith(`${rare},lost,compensating,`)).toBe(true);
  }, 120_000);

  it('without from/to a rare status looks back 31 days, stated in the answer', async () => {
    const res = await search('status=compensating');
    expect(res.status).toBe(200);
    const { from, to } = res.json.query as { from: string; to: string };
    expect((Date.parse(to) - Date.parse(from)) / 86_400_000 + 1).toBe(31);
    const closed = (await search('status=closed')).json.query as { from: string; to: string };
    expect((Date.parse(closed.to) - Date.parse(closed.from)) / 86_400_000 + 1).toBe(366);
  });
});
