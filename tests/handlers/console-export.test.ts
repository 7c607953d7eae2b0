/**
 * The console's CSV export (functions/http/console-pages.ts exportCsv; docs/operations.md "Console"): a whole export is
 * the file cases.csv; a cut one is a page that says so, with the link to its part's file and to the next part, and the
 * parts together hold every matching case once, even when cases arrive between the page and the download. Real
 * adapters on the local DynamoDB; small caps (1,000 entries read, 2 rows) instead of the deployed 10,000 and 5,000.
 */
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaseSearch, type SearchPosition } from '../../functions/adapters/case-search.js';
import { CaseStore } from '../../functions/adapters/case-store.js';
import { renderPage, type PageDeps } from '../../functions/http/console-pages.js';
import { MARKET_ZONES } from '../../functions/domain/market-zones.js';
import { exportCases, searchCases, type ExportCaps } from '../../functions/use-cases/search-cases.js';
import type { ConsoleContext } from '../../functions/web/console/layout.js';
import { startHandlerEnv, TABLE_NAME, type HandlerEnv } from './env.js';
import { seedCase, seedJuneEntries, unique } from './fixtures.js';

let env: HandlerEnv;

const ctx = (locale: ConsoleContext['locale'] = 'en', now = new Date()): ConsoleContext => ({
  operator: { name: 'vic', role: 'viewer' },
  locale,
  csrf: 'csrf',
  path: '/console/search.csv',
  now,
  timeZone: 'Asia/Shanghai',
  zoneOf: (market = 'CN') => ({ market, timeZone: MARKET_ZONES[market as keyof typeof MARKET_ZONES] ?? 'UTC' }),
});

/** GET of a console export URL (`/console/search.csv?…`) as the page's links hold it, with these caps. */
async function get(url: string, caps?: ExportCaps, locale?: ConsoleContext['locale'], now?: Date) {
  const { pathname, searchParams } = new URL(url.replaceAll('&amp;', '&'), 'https://console.example');
  // The search reads only the cases and their index; the other ports are not reached by this route.
  const deps = { cases: new CaseStore(env.db, TABLE_NAME), search: new CaseSearch(env.db, TABLE_NAME), ...(caps ? { exportCaps: caps } : {}) } as unknown as PageDeps;
  const res = (await renderPage(deps, ctx(locale, now), 'GET', pathname, searchParams)) as APIGatewayProxyStructuredResultV2 & { body: string };
  return { status: res.statusCode, headers: (res.headers ?? {}) as Record<string, string | undefined>, body: res.body };
}
const links = (body: string) => [...body.matchAll(/href="(\/console\/search\.csv\?[^"]+)"/g)].map((m) => m[1]!);
const caseIdsOf = (csv: string) =>
  csv
    .split('\r\n')
    .slice(1)
    .filter(Boolean)
    .map((line) => line.split(',')[0]);
const isFile = (res: { headers: Record<string, string | undefined> }, name: string) =>
  res.headers['content-type'] === 'text/csv; charset=utf-8' && res.headers['content-disposition'] === `attachment; filename="${name}"`;

beforeAll(async () => {
  env = await startHandlerEnv();
}, 60_000);

afterAll(async () => {
  await env?.close();
});

describe('a search of one customer', () => {
  let customerId: string;
  let ids: string[];
  beforeAll(async () => {
    customerId = unique('cust');
    ids = [];
    for (const minutes of [30, 20, 10]) {
      const createdAt = new Date(Date.now() - minutes * 60_000).toISOString();
      ids.unshift((await seedCase(env.db, { record: { customerId, createdAt } })).caseId);
    }
  });

  it('exports whole: the file cases.csv, as before', async () => {
    const res = await get(`/console/search.csv?customerId=${customerId}`);
    expect(isFile(res, 'cases.csv')).toBe(true);
    expect(res.headers['x-truncated']).toBeUndefined();
    expect(caseIdsOf(res.body)).toEqual(ids);
  });

  it('cut at the rows: a page says how many rows and to narrow the search, with the link to those rows', async () => {
    const caps = { rows: 2, reads: 1000 };
    const page = await get(`/console/search.csv?customerId=${customerId}`, caps);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.body).toContain('Part 1 holds 2 rows; the rest cannot follow in further parts.');
    expect(page.body).toContain('narrow the search');
    expect(page.body).toContain('<p role="status" class="caution">This search matches more cases than one file holds');
    const [file, ...others] = links(page.body);
    expect(others).toEqual([]); // no next part
    const part = await get(file!, caps);
    expect(isFile(part, 'cases-part-1.csv')).toBe(true);
    expect(caseIdsOf(part.body)).toEqual(ids.slice(0, 2));
    // In Chinese as well.
    expect((await get(`/console/search.csv?customerId=${customerId}`, caps, 'zh-CN')).body).toContain('第 1 部分共 2 行');
  });

  it("refuses a file value other than 1 with a 400 page saying so, in the operator's language; file=1 still downloads", async () => {
    const caps = { rows: 2, reads: 1000 };
    for (const value of ['0', '2', 'yes', '']) {
      const res = await get(`/console/search.csv?customerId=${customerId}&part=1&file=${value}`, caps);
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.body).toContain('<p role="alert" class="error">file must be 1 (this part’s file) or left out (this part’s page).</p>');
    }
    // Without a part (the search's own export link) as well: the value is refused before anything is read.
    expect((await get(`/console/search.csv?customerId=${customerId}&file=x`)).status).toBe(400);
    expect((await get(`/console/search.csv?customerId=${customerId}&part=1&file=2`, caps, 'zh-CN')).body).toContain('file 参数只能为 1');
    expect(isFile(await get(`/console/search.csv?customerId=${customerId}&part=1&file=1`, caps), 'cases-part-1.csv')).toBe(true);
  });

  it('refuses a part number that is not one, and an end from another search', async () => {
    expect((await get(`/console/search.csv?customerId=${customerId}&part=0&file=1`)).status).toBe(400);
    expect((await get(`/console/search.csv?customerId=${customerId}&part=1&file=1&until=eyJxIjoieCJ9`)).status).toBe(400);
  });
});

describe('a search that reads more index entries than one export may', () => {
  const june = 'status=compensating&from=2025-06-01&to=2025-06-30';
  const caps = { rows: 5000, reads: 1000 };
  const at = (seconds: number) => new Date(Date.parse('2025-06-10T00:00:00.000Z') + seconds * 1000).toISOString();
  const rare = async (createdAt: string) => (await seedCase(env.db, { type: 'lost', record: { status: 'compensating', createdAt } })).caseId;
  let newest: string, lastOfPartOne: string, inPartTwo: string, oldest: string;

  beforeAll(async () => {
    // 2,000 entries of other cases and four matching, newest first: the newest; then, 1,000th, the last entry the first
    // part reads; one in the second part; the oldest in the third.
    await seedJuneEntries(env.db, 2000);
    newest = await rare(at(1999.5));
    lastOfPartOne = await rare(at(1001.5));
    inPartTwo = await rare(at(500.5));
    oldest = await rare('2025-06-01T02:00:00.000Z');
  }, 120_000);

  it('answers a page per part; following the next part and downloading each gives every case once', async () => {
    const first = await get(`/console/search.csv?${june}`, caps);
    expect(first.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(first.body).toContain('Part 1 holds 2 rows: an export looks at 1,000 cases at most');
    // More parts to come is told in the informational style: the error style is for what went wrong.
    expect(first.body).toContain('<p role="status" class="info">This search is too big for one file');
    expect(first.body).not.toContain('class="error"');
    const [fileOne, nextOne] = links(first.body);
    expect(first.body).toContain('Download part 1 (cases-part-1.csv, 2 rows)');
    expect(first.body).toContain('Next part (part 2)');

    // A case arrives at the head of the search between the page and the download: the part's file takes it in and still
    // ends with the case the page's part ended with, where part 2 starts.
    const arrived = await rare(at(3000));
    const partOne = await get(fileOne!, caps);
    expect(isFile(partOne, 'cases-part-1.csv')).toBe(true);
    expect(caseIdsOf(partOne.body)).toEqual([arrived, newest, lastOfPartOne]);

    const second = await get(nextOne!, caps);
    expect(second.body).toContain('Part 2 holds 1 row');
    const [fileTwo, nextTwo] = links(second.body);
    const partTwo = await get(fileTwo!, caps);
    expect(isFile(partTwo, 'cases-part-2.csv')).toBe(true);
    expect(caseIdsOf(partTwo.body)).toEqual([inPartTwo]);

    const third = await get(nextTwo!, caps);
    expect(third.body).toContain('Part 3 is the last part: it holds 1 row.');
    const [fileThree, ...none] = links(third.body);
    expect(none).toEqual([]);
    const partThree = await get(fileThree!, caps);
    expect(isFile(partThree, 'cases-part-3.csv')).toBe(true);
    expect(caseIdsOf(partThree.body)).toEqual([oldest]);
  }, 60_000);

  it('refuses a crafted until (before the cursor, or outside the days) with a 400 page, and such a cursor too', async () => {
    const [, nextOne] = links((await get(`/console/search.csv?${june}`, caps)).body);
    const cursor = new URL(nextOne!.replaceAll('&amp;', '&'), 'https://console.example').searchParams.get('cursor')!;
    const position = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
    const crafted = (sortKey: string) => Buffer.from(JSON.stringify({ ...position, s: sortKey })).toString('base64url');
    const newer = crafted(`${at(1900)}#AS-000000001900`); // newer than the cursor: before it in the reading order
    for (const query of [`cursor=${cursor}&until=${newer}`, `until=${crafted('2099-01-01')}`, `until=${crafted('2000-01-01')}`]) {
      const res = await get(`/console/search.csv?${june}&${query}&part=2&file=1`, caps);
      expect(res.status).toBe(400);
      expect(res.body).toContain('cursor or until does not belong to this query');
    }
    expect((await get(`/console/search.csv?${june}&cursor=${crafted('2099-01-01')}`, caps)).status).toBe(400);
  });

  it('keeps the days a search without dates took, so its parts go on past midnight', async () => {
    // An unlisted status without dates looks back 31 days from today (Shanghai): June 2025 seen on its last evening.
    const evening = new Date('2025-06-30T15:59:00.000Z');
    const first = await get('/console/search.csv?status=compensating', caps, 'en', evening);
    const [fileOne, nextOne] = links(first.body);
    expect(fileOne).toContain('from=2025-05-31&amp;to=2025-06-30');
    const afterMidnight = new Date('2025-06-30T16:01:00.000Z');
    expect(isFile(await get(fileOne!, caps, 'en', afterMidnight), 'cases-part-1.csv')).toBe(true);
    expect((await get(nextOne!, caps, 'en', afterMidnight)).body).toContain('Part 2 holds');
  }, 60_000);

  it("answers the page again, not a file, when the part's file would end elsewhere than its page said", async () => {
    const [fileOne] = links((await get(`/console/search.csv?${june}`, caps)).body);
    // More entries arrive ahead of the part's end than its file may read on top of the part's own (twice the cap).
    await seedJuneEntries(env.db, 1001, 3100);
    const again = await get(fileOne!, caps);
    expect(again.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(again.body).toContain('Part 1 holds');
    expect(links(again.body)).toHaveLength(2); // its file, ending where this page now says, and the next part
  }, 60_000);
});

describe('an export that ends where another export of the same query stopped (until)', () => {
  it('ends at a partition boundary: the partitions before it, or up to its entry in the next', async () => {
    const search = new CaseSearch(env.db, TABLE_NAME);
    const [march, newerFeb, olderFeb] = ['2024-03-05', '2024-02-20', '2024-02-10'].map((day) => `${day}T08:00:00.000Z`);
    const ids: string[] = [];
    for (const createdAt of [march, newerFeb, olderFeb]) ids.push((await seedCase(env.db, { record: { createdAt } })).caseId);
    const plan = {
      kind: 'index' as const,
      index: 'lookup' as const,
      partitions: ['MONTH#2024-03', 'MONTH#2024-02'],
      newestFirst: true,
      range: { from: '2024-02-01T00:00:00.000Z', to: '2024-04-01T00:00:00.000Z' },
    };
    const read = async (until: SearchPosition) => (await search.page(plan, () => true, 10, { partition: 0 }, until)).cases.map((c) => c.caseId);
    expect(await read({ partition: 1 })).toEqual(ids.slice(0, 1));
    expect(await read({ partition: 1, after: { sortKey: `${newerFeb}#${ids[1]}`, pk: `CASE#${ids[1]}`, sk: 'LOOKUP#MONTH' } })).toEqual(ids.slice(0, 2));
    expect(await read({ partition: 0 })).toEqual([]);
  });

  it('ends exactly there in the status index, oldest first, and the next export starts after it', async () => {
    const deps = { cases: new CaseStore(env.db, TABLE_NAME), search: new CaseSearch(env.db, TABLE_NAME) };
    const ids: string[] = [];
    for (const minutes of [30, 20, 10]) {
      const createdAt = new Date(Date.now() - minutes * 60_000).toISOString();
      ids.push((await seedCase(env.db, { record: { status: 'awaiting_evidence', createdAt } })).caseId);
    }
    const query = { status: 'awaiting_evidence' as const };
    const first = await searchCases(deps, query, 1);
    const second = first.status === 'ok' ? await searchCases(deps, query, 1, first.nextCursor) : first;
    const until = second.status === 'ok' ? second.nextCursor : undefined;
    expect(until).toEqual(expect.any(String));
    const part = await exportCases(deps, query, undefined, { until: until! });
    expect(part).toMatchObject({ status: 'ok', truncated: false });
    expect(part.status === 'ok' && part.rows.map((r) => r.caseId)).toEqual(ids.slice(0, 2));
    const rest = await exportCases(deps, query, until);
    expect(rest.status === 'ok' && rest.rows.map((r) => r.caseId)).toEqual(ids.slice(2));
  });
});
