/**
 * The satisfaction counters (functions/adapters/satisfaction-store.ts) against DynamoDB (dynalite): each answer counted
 * once, answers in their invitation's daily bucket, totals over any range of local days. Every test works in
 * its own year, so the counters of one never add to another's.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SatisfactionStore, type SurveyBucket } from '../../functions/adapters/satisfaction-store.js';
import { startHandlerEnv, TABLE_NAME, type HandlerEnv } from './env.js';
import { unique } from './fixtures.js';

let env: HandlerEnv;
let store: SatisfactionStore;
const bucket = (day: string, more: Partial<SurveyBucket> = {}): SurveyBucket => ({ day, type: 'return', carrier: 'sf-express', remedy: 'refund', ...more });

beforeAll(async () => {
  env = await startHandlerEnv({});
  store = new SatisfactionStore(env.db, TABLE_NAME);
});

afterAll(async () => {
  await env?.close();
});

describe('SatisfactionStore', () => {
  it('counts an answer once, in its invitation’s bucket, with a marker that keeps it; an invitation adds once per call', async () => {
    const caseId = unique('AS');
    const invited = bucket('2041-04-10');
    // Counting an invitation once is its caller's job (the write that sent the survey): the store only adds.
    await store.countInvitation(caseId, invited);
    const answer = { overall: 2, speed: 4, attitude: 1 };
    expect(await store.countAnswer(caseId, answer, bucket('2041-04-11'), invited)).toBe('counted');
    expect(await store.countAnswer(caseId, { overall: 5 }, bucket('2041-04-11'), invited)).toBe('exists');

    for (const [group, key] of [
      ['all', 'all'],
      ['type', 'return'],
      ['carrier', 'sf-express'],
      ['remedy', 'refund'],
    ] as const) {
      const totals = await store.totals(group, '2041-04-01', '2041-04-30');
      expect([...totals.keys()], group).toEqual([key]);
      expect(totals.get(key), group).toEqual({
        invited: 1,
        answered: 1,
        sums: { overall: 2, speed: 4, resolution: 0, attitude: 1 },
        counts: { overall: 1, speed: 1, resolution: 0, attitude: 1 },
        overallHistogram: [0, 1, 0, 0, 0],
      });
    }
    const marker = async (kind: string) =>
      (await env.db.send(new GetCommand({ TableName: TABLE_NAME, Key: { pk: `CASE#${caseId}`, sk: `SATISFACTION#${kind}` }, ConsistentRead: true }))).Item;
    expect(await marker('answered')).toMatchObject({ day: '2041-04-10', type: 'return', carrier: 'sf-express', remedy: 'refund' });
    expect(await marker('answered')).not.toHaveProperty('counted');
    expect(await marker('invited')).toBeUndefined();
  });

  it('counts by market, and an invitation counted before markets were keeps its answer out of every market', async () => {
    const de = unique('AS');
    await store.countInvitation(de, bucket('2044-03-10', { market: 'DE' }));
    await store.countAnswer(de, { overall: 5 }, bucket('2044-03-10', { market: 'CN' }), bucket('2044-03-10', { market: 'DE' }));
    await store.countInvitation(unique('AS'), bucket('2044-03-11', { market: 'CN' }));
    // An invitation the previous release counted before markets were (its marker, no market): its answer counts in
    // `all`, in no market.
    const old = unique('AS');
    await store.countInvitation(old, bucket('2044-03-12'));
    await env.db.send(new PutCommand({ TableName: TABLE_NAME, Item: { pk: `CASE#${old}`, sk: 'SATISFACTION#invited', ...bucket('2044-03-12') } }));
    await store.countAnswer(old, { overall: 1 }, bucket('2044-03-12', { market: 'CN' }));
    const byMarket = await store.totals('market', '2044-03-01', '2044-03-31');
    expect([...byMarket.keys()].sort()).toEqual(['CN', 'DE']);
    expect(byMarket.get('DE')).toMatchObject({ invited: 1, answered: 1, overallHistogram: [0, 0, 0, 0, 1] });
    expect(byMarket.get('CN')).toMatchObject({ invited: 1, answered: 0 });
    expect((await store.totals('all', '2044-03-01', '2044-03-31')).get('all')).toMatchObject({ invited: 3, answered: 2 });
  });

  it('an answer counts on its invitation’s day and group, even when it comes in another month', async () => {
    const caseId = unique('AS');
    const invited = bucket('2042-01-31', { type: 'lost', carrier: 'zto', remedy: 'reship' });
    await store.countInvitation(caseId, invited);
    await store.countAnswer(caseId, { overall: 5 }, bucket('2042-02-03', { type: 'return' }), invited);
    expect((await store.totals('type', '2042-01-31', '2042-01-31')).get('lost')).toMatchObject({ invited: 1, answered: 1 });
    expect((await store.totals('type', '2042-02-01', '2042-02-28')).size).toBe(0);
  });

  it('an answer to a survey the previous release sent goes to the bucket of its invitation marker', async () => {
    const caseId = unique('AS');
    await env.db.send(new PutCommand({ TableName: TABLE_NAME, Item: { pk: `CASE#${caseId}`, sk: 'SATISFACTION#invited', ...bucket('2046-05-31', { type: 'lost' }) } }));
    await store.countAnswer(caseId, { overall: 3 }, bucket('2046-06-02'));
    expect((await store.totals('type', '2046-05-31', '2046-05-31')).get('lost')).toMatchObject({ answered: 1 });
    expect((await store.totals('type', '2046-06-01', '2046-06-30')).size).toBe(0);
  });

  it('an answer to a survey sent before counting began goes to the fallback bucket', async () => {
    await store.countAnswer(unique('AS'), { overall: 4 }, bucket('2043-06-15', { carrier: 'jd' }));
    expect((await store.totals('carrier', '2043-06-01', '2043-06-30')).get('jd')).toMatchObject({ invited: 0, answered: 1, sums: { overall: 4 } });
  });

  it('adds up over a month and a year boundary, both ends inclusive, nothing outside, groups apart', async () => {
    const days = ['2044-11-30', '2044-12-01', '2044-12-31', '2045-01-01', '2045-01-02'];
    for (const [i, day] of days.entries()) await store.countInvitation(unique('AS'), bucket(day, { type: i % 2 === 0 ? 'return' : 'lost' }));
    const invited = async (from: string, to: string) => [...(await store.totals('type', from, to)).entries()].map(([k, c]) => `${k}:${c.invited}`).sort();
    expect(await invited('2044-12-01', '2045-01-01')).toEqual(['lost:2', 'return:1']);
    expect(await invited('2044-11-30', '2045-01-02')).toEqual(['lost:2', 'return:3']);
    expect(await invited('2045-01-02', '2045-01-02')).toEqual(['return:1']);
    expect(await invited('2044-10-01', '2044-11-29')).toEqual([]);
  });
});
