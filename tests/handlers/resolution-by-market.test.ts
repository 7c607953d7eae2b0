import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReportCounters } from '../../functions/adapters/report-counters.js';
import { createMarkets } from '../../functions/domain/markets.js';
import { MARKET_REGISTRY } from '../../functions/policies/index.js';
import { resolutionReport } from '../../functions/use-cases/reports.js';
import { startHandlerEnv, TABLE_NAME, type HandlerEnv } from './env.js';
import { unique } from './fixtures.js';

/**
 * The resolution report per market (issue 12): each market's resolved services beside that market's own service
 * limits (a DE return: 5 working days, 2 expedited; CN: 7 and 3), from the report counters in the case table.
 */
let env: HandlerEnv;
beforeAll(async () => {
  env = await startHandlerEnv({});
});
afterAll(async () => {
  await env?.close();
});

const DAY = '2026-11-10';
const closed = (market: string | undefined, withinLimit: boolean) => ({
  day: DAY,
  type: 'return',
  outcome: 'approved',
  carrier: 'SF',
  shipDay: '2026-11-01',
  ...(market ? { market } : {}),
  resolution: { day: DAY, withinLimit, workingMs: 2 * 86_400_000 },
});

describe('resolution report per market', () => {
  it('counts each close under its market and shows that market’s limits; the totals keep every close', async () => {
    const reports = new ReportCounters(env.db, TABLE_NAME);
    await reports.countClosed(unique('AS-CN'), closed('CN', true));
    await reports.countClosed(unique('AS-DE'), closed('DE', true));
    await reports.countClosed(unique('AS-DE'), closed('DE', false));
    await reports.countClosed(unique('AS-OLD'), closed(undefined, true)); // closed before markets were counted
    const markets = createMarkets(MARKET_REGISTRY, 'CN');
    const report = await resolutionReport({ reports, policy: markets.market().policy, markets }, { from: DAY, to: DAY });

    expect(report.total.resolved).toBe(4);
    expect(report.types).toEqual([expect.objectContaining({ type: 'return', resolved: 4, limit: { name: expect.any(String), workingDays: 7, expeditedWorkingDays: 3 } })]);
    expect(report.markets.map((m) => m.market)).toEqual(['CN', 'DE']);
    const [cn, de] = report.markets;
    expect(cn!.types).toEqual([expect.objectContaining({ type: 'return', resolved: 1, limit: expect.objectContaining({ workingDays: 7, expeditedWorkingDays: 3 }) })]);
    expect(de!.types).toEqual([expect.objectContaining({ type: 'return', resolved: 2, limit: expect.objectContaining({ workingDays: 5, expeditedWorkingDays: 2 }) })]);
    expect(de!.total).toMatchObject({ resolved: 2 });
  });

  it('a market the deployment no longer knows keeps its counts, without limits', async () => {
    const reports = new ReportCounters(env.db, TABLE_NAME);
    await reports.countClosed(unique('AS-XX'), { ...closed('XX', true), day: '2026-11-11', resolution: { day: '2026-11-11', withinLimit: true, workingMs: 1000 } });
    const markets = createMarkets(MARKET_REGISTRY, 'CN');
    const report = await resolutionReport({ reports, policy: markets.market().policy, markets }, { from: '2026-11-11', to: '2026-11-11' });
    expect(report.markets).toEqual([{ market: 'XX', types: [expect.objectContaining({ type: 'return', resolved: 1 })], total: expect.objectContaining({ resolved: 1 }) }]);
    expect(report.markets[0]!.types[0]).not.toHaveProperty('limit');
  });
});
