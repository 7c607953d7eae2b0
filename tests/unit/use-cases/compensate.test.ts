import { beforeEach, describe, expect, it } from 'vitest';
import { type CompensateDeps, compensate, RefundBoundError } from '../../../functions/use-cases/steps/compensate.js';
import { InMemoryCases, InMemoryRefunds } from '../../fakes/case-table.js';
import { storedCase } from '../../fakes/deps.js';
import { FakeOrderPlatform, InMemoryLedger } from '../../fakes/money.js';
import { oneMarket } from '../../markets.js';
import { NOW } from '../fixtures.js';

const CASE = 'AS-0123456789AB';
const OTHER = 'AS-FEDCBA987654';

let cases: InMemoryCases;
let refunds: InMemoryRefunds;
let ledger: InMemoryLedger;
let platform: FakeOrderPlatform;
let deps: CompensateDeps;

beforeEach(() => {
  cases = new InMemoryCases();
  refunds = new InMemoryRefunds();
  ledger = new InMemoryLedger();
  platform = new FakeOrderPlatform();
  deps = { cases, refunds, ledger, orderPlatform: platform, markets: oneMarket() };
  // A keyboard (¥399) sent back and received: the return's refund is due.
  cases.seed(storedCase({ status: 'awaiting_return', returnReceivedAt: '2026-11-12T06:30:00.000Z' }));
});

describe('compensate against the ports’ fakes: money moves once, within what the order paid', () => {
  it('instructs the refund under its key, reserves it on the order and records its cost', async () => {
    expect(await compensate(deps, CASE, NOW)).toEqual({ status: 'instructed', remedy: 'refund', instructionId: 'ins_000001' });
    expect(await cases.require(CASE)).toMatchObject({
      status: 'compensating',
      outcome: 'approved',
      compensation: { instructionId: 'ins_000001', amount: 39900, status: 'instructed' },
    });
    expect((await refunds.get('ORD-2026-0001234')).entries[`${CASE}:refund`]).toMatchObject({ amount: 39900, skus: ['KB-87-BLK'] });
    expect([...ledger.entries.values()]).toEqual([expect.objectContaining({ key: `${CASE}:refund`, kind: 'refund', amount: 39900, market: 'CN', day: '2026-11-10' })]);
    expect(cases.events(CASE)).toEqual(['compensation_instructed']);
  });

  it('a rerun of the step replays the same instruction: one payment, one cost, one timeline entry', async () => {
    await compensate(deps, CASE, NOW);
    expect(await compensate(deps, CASE, NOW)).toEqual({ status: 'instructed', remedy: 'refund', instructionId: 'ins_000001' });
    expect(platform.instructions.size).toBe(1);
    expect(ledger.entries.size).toBe(1);
    expect(cases.events(CASE)).toEqual(['compensation_instructed']);
  });

  it('a second case for the same item of the same order finds nothing left: refused once on its timeline, nothing paid', async () => {
    await compensate(deps, CASE, NOW);
    cases.seed(storedCase({ caseId: OTHER, status: 'awaiting_return', returnReceivedAt: '2026-11-12T06:30:00.000Z' }));
    await expect(compensate(deps, OTHER, NOW)).rejects.toBeInstanceOf(RefundBoundError);
    await expect(compensate(deps, OTHER, NOW)).rejects.toThrow(/nothing_left_to_refund/);
    expect(cases.timeline(OTHER)).toEqual([
      expect.objectContaining({ event: 'compensation_refused', detail: expect.objectContaining({ reason: 'nothing_left_to_refund', bound: 0 }) }),
    ]);
    expect(platform.instructions.size).toBe(1);
  });

  it('a case the customer cancelled before anything was instructed is never paid', async () => {
    await cases.update(CASE, { cancelRequested: true });
    expect(await compensate(deps, CASE, NOW)).toEqual({ status: 'cancelled' });
    expect(platform.instructions.size).toBe(0);
    expect(ledger.entries.size).toBe(0);
  });
});
