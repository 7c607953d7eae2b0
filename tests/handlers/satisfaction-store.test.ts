/**
 * The satisfaction counters (functions/adapters/satisfaction-store.ts) against DynamoDB (dynalite): each case counted
 * once per kind, answers in their invitation's daily bucket, totals over any range of local days. Every test works in
 * its own year, so the counters of one never add to another's.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
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
  it('counts a case’s invitation and answer once each, in every dimension, with a marker of each that keeps its bucket', async () => {
    const caseId = unique('AS');
    expect(await store.countInvitation(caseId, bucket('2041-04-10'))).toBe('counted');
    expect(await store.countInvitation(caseId, bucket('2041-04-10'))).toBe('exists');
    const answer = { overall: 2, speed: 4, attitude: 1 };
    expect(await store.countAnswer(caseId, answer, bucket('2041-04-10'))).toBe('counted');
    expect(await store.countAnswer(caseId, { overall: 5 }, bucket('2041-04-10'))).toBe('exists');

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
    for (const kind of ['invited', 'answered']) {
      const marker = (await env.db.send(new GetCommand({ TableName: TABLE_NAME, Key: { pk: `CASE#${caseId}`, sk: `SATISFACTION#${kind}` }, ConsistentRead: true }))).Item;
      expect(marker).toMatchObject({ day: '2041-04-10', type: 'return', carrier: 'sf-express', remedy: 'refund' });
      expect(marker).not.toHaveProperty('counted');
    }
  });

  it('counts by market, and an invitation counted before markets were keeps its answer out of every market', async () => {
    const de = unique('AS');
    await store.countInvitation(de, bucket('2044-03-10', { market: 'DE' }));
    await store.countAnswer(de, { overall: 5 }, bucket('2044-03-10', { market: 'CN' }));
    await store.countInvitation(unique('AS'), bucket('2044-03-11', { market: 'CN' }));
    // An invitation marker from before markets were counted (no market): its answer counts in `all`, in no market.
    const old = unique('AS');
    await store.countInvitation(old, bucket('2044-03-12'));
    await store.countAnswer(old, { overall: 1 }, bucket('2044-03-12', { market: 'CN' }));
    const byMarket = await store.totals('market', '2044-03-01', '2044-03-31');
    expect([...byMarket.keys()].sort()).toEqual(['CN', 'DE']);
    expect(byMarket.get('DE')).toMatchObject({ invited: 1, answered: 1, overallHistogram: [0, 0, 0, 0, 1] });
    expect(byMarket.get('CN')).toMatchObject({ invited: 1, answered: 0 });
    expect((await store.totals('all', '2044-03-01', '2044-03-31')).get('all')).toMatchObject({ invited: 3, answered: 2 });
  });

  it('an answer counts on its invitation’s day and group, even when it comes in another month', async () => {
    const caseId = unique('AS');
    await store.countInvitation(caseId, bucket('2042-01-31', { type: 'lost', carrier: 'zto', remedy: 'reship' }));
    await store.countAnswer(caseId, { overall: 5 }, bucket('2042-02-03', { type: 'return' }));
    expect((await store.totals('type', '2042-01-31', '2042-01-31')).get('lost')).toMatchObject({ invited: 1, answered: 1 });
    expect((await store.totals('type', '2042-02-01', '2042-02-28')).size).toBe(0);
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
