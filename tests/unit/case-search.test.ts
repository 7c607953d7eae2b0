import { describe, expect, it } from 'vitest';
import { lookupItems, monthsNewestFirst, orderLookupKeys } from '../../functions/adapters/case-index.js';
import type { SearchPosition } from '../../functions/adapters/case-search.js';
import type { CaseRecord } from '../../functions/domain/case-record.js';
import { parseCaseSearch, planSearch } from '../../functions/domain/case-search.js';
import { csvCell, toCsv } from '../../functions/domain/csv.js';
import { EXPORT_CAP, EXPORT_READ_CAP, exportCases } from '../../functions/use-cases/search-cases.js';
import { lookupPartition } from '../../functions/adapters/case-index.js';

const NOW = new Date('2026-12-04T10:00:00Z');
const parse = (query: string) => parseCaseSearch(new URLSearchParams(query), 'Asia/Shanghai', NOW);

describe('parseCaseSearch', () => {
  // Regression (session 12): any four-digit year is a day the search accepts, and must give instants, not a 500.
  it.each([
    ['from=9999-12-01&to=9999-12-31', '9999-11-30T16:00:00.000Z', '9999-12-31T16:00:00.000Z'],
    ['from=0500-01-01&to=0500-01-05', '0499-12-31T15:54:17.000Z', '0500-01-05T15:54:17.000Z'],
  ])('reads %s at the ends of the years it accepts', (query, fromInstant, toInstant) => {
    expect(parse(query)).toMatchObject({ query: { fromInstant, toInstant } });
  });

  it('reads days as the market zone’s local days: [from 00:00, to+1 00:00) in Shanghai', () => {
    expect(parse('from=2026-03-01&to=2026-03-31')).toMatchObject({
      query: { from: '2026-03-01', to: '2026-03-31', fromInstant: '2026-02-28T16:00:00.000Z', toInstant: '2026-03-31T16:00:00.000Z' },
      limit: 50,
      csv: false,
    });
  });

  it('a type alone looks back 366 days, to today in the market zone', () => {
    expect(parse('type=lost')).toMatchObject({ query: { type: 'lost', from: '2025-12-04', to: '2026-12-04' } });
    // With a key parameter the type is only a filter.
    expect(parse('type=lost&orderId=o-1')).toEqual({ query: { type: 'lost', orderId: 'o-1' }, limit: 50, csv: false });
  });

  it('limit, cursor and format', () => {
    expect(parse('orderId=o&limit=200&cursor=abc&format=csv')).toEqual({ query: { orderId: 'o' }, limit: 200, cursor: 'abc', csv: true });
  });
});

describe('planSearch', () => {
  const plan = (query: string) => {
    const parsed = parse(query);
    if ('error' in parsed) throw new Error(parsed.error);
    return planSearch(parsed.query, lookupPartition, monthsNewestFirst);
  };
  it('picks the most selective index; the rest filter', () => {
    expect(plan('requestId=r&orderId=o')).toEqual({ kind: 'case', requestId: 'r' });
    expect(plan('orderId=o&customerId=c&status=closed')).toMatchObject({ index: 'lookup', partitions: ['ORDER#o'] });
    expect(plan('customerId=c&assignee=a')).toMatchObject({ index: 'lookup', partitions: ['CUSTOMER#c'] });
    expect(plan('assignee=a&status=closed')).toMatchObject({ index: 'lookup', partitions: ['ASSIGNEE#a'] });
    expect(plan('status=awaiting_review&type=lost')).toMatchObject({ index: 'status', partitions: ['STATUS#awaiting_review'], newestFirst: false });
    expect(plan('type=lost&from=2026-01-01&to=2026-03-01')).toMatchObject({
      index: 'lookup',
      partitions: ['TYPE#lost#MONTH#2026-03', 'TYPE#lost#MONTH#2026-02', 'TYPE#lost#MONTH#2026-01', 'TYPE#lost#MONTH#2025-12'],
      range: { from: '2025-12-31T16:00:00.000Z', to: '2026-03-01T16:00:00.000Z' },
    });
  });

  it('a status the status index does not list is a filter on the months of the query (by default the last 31 days, closed 366)', () => {
    expect(parse('status=closed')).toMatchObject({ query: { status: 'closed', from: '2025-12-04', to: '2026-12-04' } });
    expect(parse('status=compensating')).toMatchObject({ query: { status: 'compensating', from: '2026-11-04', to: '2026-12-04' } });
    expect(parse('status=awaiting_survey&type=lost')).toMatchObject({ query: { status: 'awaiting_survey', type: 'lost', from: '2026-11-04', to: '2026-12-04' } });
    expect(parse('status=awaiting_review')).toEqual({ query: { status: 'awaiting_review' }, limit: 50, csv: false });
    const closed = plan('status=closed');
    expect(closed).toMatchObject({ index: 'lookup', newestFirst: true, range: { from: '2025-12-03T16:00:00.000Z', to: '2026-12-04T16:00:00.000Z' } });
    expect(closed.kind === 'index' && closed.partitions).toEqual(monthsNewestFirst('2025-12-03T16:00:00.000Z', '2026-12-04T16:00:00.000Z').map((m) => `MONTH#${m}`));
    expect(plan('status=compensating&type=lost&from=2026-11-01&to=2026-11-30')).toMatchObject({
      index: 'lookup',
      partitions: ['TYPE#lost#MONTH#2026-11', 'TYPE#lost#MONTH#2026-10'],
    });
    // With an order, customer or assignee the status stays a filter of that lookup, with no window.
    expect(parse('status=closed&customerId=c')).toEqual({ query: { status: 'closed', customerId: 'c' }, limit: 50, csv: false });
  });

  it('months across a year end, newest first', () => {
    expect(monthsNewestFirst('2025-11-30T16:00:00.000Z', '2026-02-01T00:00:00.000Z')).toEqual(['2026-01', '2025-12', '2025-11']);
  });

  it('lookup items never carry personal data and key by what never changes', () => {
    const items = lookupItems({ caseId: 'AS-0000000000AB', orderId: 'o-1', customerId: 'c-1', type: 'lost', createdAt: '2026-03-01T00:00:00.000Z' });
    // The order's entry rides on the case's facts item (written at intake anyway), not a lookup item of its own.
    expect(orderLookupKeys({ caseId: 'AS-0000000000AB', orderId: 'o-1', createdAt: '2026-03-01T00:00:00.000Z' })).toEqual({
      gsi3pk: 'ORDER#o-1',
      gsi3sk: '2026-03-01T00:00:00.000Z#AS-0000000000AB',
    });
    expect(items.map((i) => [i.sk, i.gsi3pk, i.gsi3sk])).toEqual([
      ['LOOKUP#CUSTOMER', 'CUSTOMER#c-1', '2026-03-01T00:00:00.000Z#AS-0000000000AB'],
      ['LOOKUP#MONTH', 'MONTH#2026-03', '2026-03-01T00:00:00.000Z#AS-0000000000AB'],
      ['LOOKUP#TYPE', 'TYPE#lost#MONTH#2026-03', '2026-03-01T00:00:00.000Z#AS-0000000000AB'],
    ]);
  });
});

describe('CSV', () => {
  it('quotes per RFC 4180 and guards formulas', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    for (const formula of ['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx']) expect(csvCell(formula).replace(/^"/, '')).toMatch(/^'/);
    expect(csvCell(undefined)).toBe('');
    expect(csvCell(42)).toBe('42');
    expect(toCsv(['a', 'b'], [{ a: 1 }, { b: '=x' }])).toBe("a,b\r\n1,\r\n,'=x\r\n");
  });
});

describe('exportCases', () => {
  const row = (i: number) =>
    ({
      caseId: `AS-${String(i).padStart(12, '0')}`,
      type: 'lost',
      status: 'closed',
      orderId: 'o',
      requestId: `r${i}`,
      customerId: 'c',
      createdAt: '2026-01-01T00:00:00.000Z',
    }) as unknown as CaseRecord;
  /** A search over `total` index entries (one in `every` matching), served page by page as the index would. */
  const fakeSearch = (total: number, every = 1) => ({
    cases: { get: async () => undefined },
    search: {
      page: async (_plan: unknown, _accept: unknown, limit: number, from: SearchPosition = { partition: 0 }) => {
        const start = from.after ? Number(from.after.sortKey) : 0;
        const end = Math.min(total, start + limit);
        const cases = Array.from({ length: end - start }, (_, i) => row(start + i)).filter((_, i) => (start + i) % every === 0);
        return { cases, read: end - start, ...(end < total ? { next: { partition: 0, after: { sortKey: String(end), pk: 'CASE#AS-000000000000', sk: 'LOOKUP#ORDER' } } } : {}) };
      },
    },
  });
  const query = { orderId: 'o' };

  it('reads every page up to the cap', async () => {
    const result = await exportCases(fakeSearch(450), query);
    expect(result).toMatchObject({ status: 'ok', truncated: false });
    if (result.status === 'ok') expect(result.rows).toHaveLength(450);
  });

  it(`stops at ${EXPORT_CAP} rows and says it was cut`, async () => {
    const exact = await exportCases(fakeSearch(EXPORT_CAP), query);
    expect(exact).toMatchObject({ status: 'ok', truncated: false });
    const over = await exportCases(fakeSearch(EXPORT_CAP + 1), query);
    expect(over).toMatchObject({ status: 'ok', truncated: true });
    if (over.status === 'ok') expect(over.rows).toHaveLength(EXPORT_CAP);
    expect(over).not.toHaveProperty('nextCursor');
  });

  it(`stops after ${EXPORT_READ_CAP} entries read, at a page's end, with the cursor to go on from`, async () => {
    const sparse = await exportCases(fakeSearch(3 * EXPORT_READ_CAP, 100), query);
    expect(sparse).toMatchObject({ status: 'ok', truncated: true, nextCursor: expect.any(String) });
    if (sparse.status !== 'ok') return;
    expect(sparse.rows).toHaveLength(EXPORT_READ_CAP / 100);
    const rest = await exportCases(fakeSearch(3 * EXPORT_READ_CAP, 100), query, sparse.nextCursor);
    expect(rest.status === 'ok' && rest.rows[0]?.caseId).toBe(`AS-${String(EXPORT_READ_CAP).padStart(12, '0')}`);
    // An end (`until`) does not lift the bound: one far off (the last sort key of this newest-first search), which the
    // fake does not even stop at; the export stops at twice the cap, with its cursor.
    const farEnd = { ...JSON.parse(Buffer.from(sparse.nextCursor!, 'base64url').toString('utf8')), s: '0' };
    const until = Buffer.from(JSON.stringify(farEnd)).toString('base64url');
    const far = await exportCases(fakeSearch(5 * EXPORT_READ_CAP, 100), query, undefined, { until });
    expect(far).toMatchObject({ status: 'ok', truncated: true, nextCursor: expect.any(String) });
    expect(far.status === 'ok' && far.rows).toHaveLength((2 * EXPORT_READ_CAP) / 100);
    // Just under the cap the export reads to the end.
    expect(await exportCases(fakeSearch(EXPORT_READ_CAP - 1, 100), query)).toMatchObject({ status: 'ok', truncated: false });
  });
});
