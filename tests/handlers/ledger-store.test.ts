/**
 * The cost ledger (functions/adapters/ledger-store.ts) against DynamoDB (dynalite): each cost recorded once by its key,
 * daily counters per case type, remedy and carrier in a partition per month, totals over any range of local days.
 * Every test works in its own year, so the counters of one never add to another's.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LedgerStore, type LedgerEntry } from '../../functions/adapters/ledger-store.js';
import { startHandlerEnv, TABLE_NAME, type HandlerEnv } from './env.js';
import { unique } from './fixtures.js';

let env: HandlerEnv;
let ledger: LedgerStore;

const entry = (overrides: Partial<LedgerEntry> & Pick<LedgerEntry, 'day'>): LedgerEntry => {
  const caseId = overrides.caseId ?? unique('AS');
  return {
    caseId,
    key: `${caseId}:refund`,
    kind: 'refund',
    amount: 39900,
    currency: 'CNY',
    caseType: 'return',
    remedy: 'refund',
    carrier: 'sf-express',
    at: `${overrides.day}T04:00:00.000Z`,
    ...overrides,
  };
};

beforeAll(async () => {
  env = await startHandlerEnv({});
  ledger = new LedgerStore(env.db, TABLE_NAME);
});

afterAll(async () => {
  await env?.close();
});

describe('LedgerStore.record', () => {
  it('records an entry once: the second record of the same key is "exists" and counted nowhere', async () => {
    const cost = entry({ day: '2031-03-10' });
    expect(await ledger.record(cost)).toBe('recorded');
    expect(await ledger.record(cost)).toBe('exists');
    // Even a different amount under the same key changes nothing (the key is the instruction's idempotency key).
    expect(await ledger.record({ ...cost, amount: 1 })).toBe('exists');

    for (const dimension of ['type', 'remedy', 'carrier'] as const) {
      expect(await ledger.totals(dimension, '2031-03-01', '2031-03-31')).toEqual([
        { key: { type: 'return', remedy: 'refund', carrier: 'sf-express' }[dimension], currency: 'CNY', amount: 39900, entries: 1 },
      ]);
    }
    const item = (await env.db.send(new GetCommand({ TableName: TABLE_NAME, Key: { pk: `CASE#${cost.caseId}`, sk: `LEDGER#${cost.key}` }, ConsistentRead: true }))).Item;
    // The entry is the event's marker (no `counted` flag since the counters' one-write shape: docs/operations.md "Reports").
    expect(item).toMatchObject(cost);
    expect(item).not.toHaveProperty('counted');
  });

  it('records the same case’s other costs under their own keys', async () => {
    const caseId = unique('AS');
    expect(await ledger.record(entry({ caseId, key: `${caseId}:exchange`, kind: 'goods', remedy: 'exchange', caseType: 'damaged', day: '2032-05-02' }))).toBe('recorded');
    expect(
      await ledger.record(entry({ caseId, key: `${caseId}:return_label`, kind: 'return_shipping', amount: 1200, remedy: 'exchange', caseType: 'damaged', day: '2032-05-02' })),
    ).toBe('recorded');
    expect(await ledger.totals('type', '2032-05-01', '2032-05-31')).toEqual([{ key: 'damaged', currency: 'CNY', amount: 41100, entries: 2 }]);
  });
});

describe('LedgerStore.totals', () => {
  it('adds up over a month boundary, both ends inclusive, and nothing outside the range', async () => {
    await ledger.record(entry({ day: '2033-10-30', amount: 100 }));
    await ledger.record(entry({ day: '2033-10-31', amount: 200 }));
    await ledger.record(entry({ day: '2033-11-01', amount: 400 }));
    await ledger.record(entry({ day: '2033-11-02', amount: 800 }));
    await ledger.record(entry({ day: '2033-12-31', amount: 1600 }));
    await ledger.record(entry({ day: '2034-01-01', amount: 3200 }));

    const sum = async (from: string, to: string) => (await ledger.totals('type', from, to)).reduce((total, t) => total + t.amount, 0);
    expect(await sum('2033-10-31', '2033-11-01')).toBe(600);
    expect(await sum('2033-10-30', '2033-11-02')).toBe(1500);
    expect(await sum('2033-11-01', '2033-11-30')).toBe(1200);
    expect(await sum('2033-10-01', '2033-10-31')).toBe(300);
    // Over a year boundary, and a range of one day.
    expect(await sum('2033-12-31', '2034-01-01')).toBe(4800);
    expect(await sum('2033-11-02', '2033-11-02')).toBe(800);
    expect(await sum('2033-11-03', '2033-12-30')).toBe(0);
    expect(await ledger.totals('type', '2033-10-30', '2034-01-31')).toEqual([{ key: 'return', currency: 'CNY', amount: 6300, entries: 6 }]);
  });

  it('groups by case type, remedy or carrier, and per currency; biggest first', async () => {
    const day = '2035-06-15';
    await ledger.record(entry({ day, caseType: 'return', remedy: 'refund', carrier: 'sf-express', amount: 39900 }));
    await ledger.record(entry({ day, caseType: 'damaged', remedy: 'refund', carrier: 'jd-logistics', amount: 12000 }));
    await ledger.record(entry({ day, caseType: 'damaged', remedy: 'exchange', carrier: 'jd-logistics', kind: 'goods', amount: 45000 }));
    await ledger.record(entry({ day, caseType: 'delayed', remedy: 'delay_subsidy', carrier: 'sf-express', kind: 'subsidy', amount: 2300 }));
    await ledger.record(entry({ day, caseType: 'lost', remedy: 'refund', carrier: 'yto', amount: 5000, currency: 'USD' }));

    expect(await ledger.totals('type', day, day)).toEqual([
      { key: 'damaged', currency: 'CNY', amount: 57000, entries: 2 },
      { key: 'return', currency: 'CNY', amount: 39900, entries: 1 },
      { key: 'lost', currency: 'USD', amount: 5000, entries: 1 },
      { key: 'delayed', currency: 'CNY', amount: 2300, entries: 1 },
    ]);
    expect(await ledger.totals('remedy', day, day)).toEqual([
      { key: 'refund', currency: 'CNY', amount: 51900, entries: 2 },
      { key: 'exchange', currency: 'CNY', amount: 45000, entries: 1 },
      { key: 'refund', currency: 'USD', amount: 5000, entries: 1 },
      { key: 'delay_subsidy', currency: 'CNY', amount: 2300, entries: 1 },
    ]);
    expect(await ledger.totals('carrier', day, day)).toEqual([
      { key: 'jd-logistics', currency: 'CNY', amount: 57000, entries: 2 },
      { key: 'sf-express', currency: 'CNY', amount: 42200, entries: 2 },
      { key: 'yto', currency: 'USD', amount: 5000, entries: 1 },
    ]);
  });

  it('a charge-back is a negative cost: it reduces the totals and counts as an entry', async () => {
    const day = '2036-02-10';
    const caseId = unique('AS');
    await ledger.record(entry({ caseId, key: `${caseId}:exchange`, kind: 'goods', caseType: 'exchange', remedy: 'exchange', amount: 39900, day }));
    await ledger.record(entry({ caseId, key: `${caseId}:charge_back`, kind: 'charge_back', caseType: 'exchange', remedy: 'exchange', amount: -39900, day }));
    expect(await ledger.totals('remedy', day, day)).toEqual([{ key: 'exchange', currency: 'CNY', amount: 0, entries: 2 }]);
  });

  it('an empty range or a range with no costs has no totals', async () => {
    expect(await ledger.totals('carrier', '2040-01-01', '2040-12-31')).toEqual([]);
  });

  it('reads every counter of the months in range (a carrier per day for a month, in a range of three months)', async () => {
    // 3 dimensions × 28 days of counters in one month partition, the neighbouring months empty.
    for (let d = 1; d <= 28; d += 1) {
      const day = `2037-02-${String(d).padStart(2, '0')}`;
      await ledger.record(entry({ day, amount: d, carrier: `carrier-${d}` }));
    }
    const totals = await ledger.totals('carrier', '2037-01-01', '2037-03-31');
    expect(totals).toHaveLength(28);
    expect(totals[0]).toEqual({ key: 'carrier-28', currency: 'CNY', amount: 28, entries: 1 });
    expect(totals.reduce((sum, t) => sum + t.amount, 0)).toBe((28 * 29) / 2);
  });
});
