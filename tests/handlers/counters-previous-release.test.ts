import { randomUUID } from 'node:crypto';
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSBatchResponse } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COUNTER_SHARDS } from '../../functions/adapters/daily-counters.js';
import { LedgerStore } from '../../functions/adapters/ledger-store.js';
import { ReportCounters } from '../../functions/adapters/report-counters.js';
import { SatisfactionStore } from '../../functions/adapters/satisfaction-store.js';
import { createMarkets } from '../../functions/domain/markets.js';
import { MARKET_REGISTRY } from '../../functions/policies/index.js';
import { carrierScorecard, compensationReport, resolutionReport, satisfactionByGroup, volumeReport } from '../../functions/use-cases/reports.js';
import { localDateOf } from '../../functions/domain/working-days.js';
import { closeCaseConfig, readConfig, startCaseConfig } from '../../functions/config/functions.js';
import { ACCOUNT_ID, addPassThroughMachine, lambdaContext, REGION, sqsEvent, startHandlerEnv, TABLE_NAME, type HandlerEnv } from './env.js';
import { requestedEvent, seedCase, unique } from './fixtures.js';

/**
 * The counters' shape changed on 5 December (issue 13: one sharded cell per event instead of an item per dimension).
 * A deployed table holds this month's counters in the previous shape, and the reports must still add them up: here the
 * previous release's items are written as it wrote them, new events are counted beside them, and every report sums both.
 */
type StartCase = typeof import('../../functions/handlers/start-case.js')['handler'];
type CloseCase = typeof import('../../functions/handlers/close-case.js')['handler'];
const STATE_MACHINE_ARN = `arn:aws:states:${REGION}:${ACCOUNT_ID}:stateMachine:CaseWorkflow`;
let env: HandlerEnv;
let startCase: StartCase;
let closeCase: CloseCase;
beforeAll(async () => {
  env = await startHandlerEnv({ sfn: true, env: { STATE_MACHINE_ARN } });
  // The workflow under the configured ARN: these tests are about what intake and close count, not the run in between.
  addPassThroughMachine(env, STATE_MACHINE_ARN);
  startCase = (await import('../../functions/handlers/start-case.js')).createHandler(readConfig(startCaseConfig, { TABLE_NAME, STATE_MACHINE_ARN }));
  closeCase = (await import('../../functions/handlers/close-case.js')).createHandler(readConfig(closeCaseConfig, { TABLE_NAME }));
});

/** One intake message as the ingest function queues it, delivered as SQS does. */
async function deliver(type: string, caseId: string, data: Record<string, unknown>) {
  const body = { webhookId: unique('msg'), caseId, receivedAt: new Date().toISOString(), event: { type, timestamp: new Date().toISOString(), data } };
  const res = (await startCase(sqsEvent('aftersales-intake', [{ body, messageId: randomUUID() }]), lambdaContext('StartCase'))) as SQSBatchResponse;
  expect(res.batchItemFailures).toEqual([]);
}
afterAll(async () => {
  await env?.close();
});

const DAY = '2047-06-12';
const MONTH = DAY.slice(0, 7);
const range = { from: DAY, to: DAY, granularity: 'day' as const };

/** The items the previous release's ADDs left (report-counters.ts, ledger-store.ts, satisfaction-store.ts at 6384ee3). */
const previousRelease: Array<Record<string, unknown>> = [
  { pk: `VOLUME#${MONTH}`, sk: `type#${DAY}#lost`, n: 3 },
  { pk: `VOLUME#${MONTH}`, sk: `reason#${DAY}#${encodeURIComponent('not#arrived')}`, n: 3 },
  { pk: `VOLUME#${MONTH}`, sk: `outcome#${DAY}#approved`, n: 2 },
  { pk: `RESOLUTION#${MONTH}`, sk: `type#${DAY}#lost`, resolved: 2, withinLimit: 1, workingMs: 172_800_000, b_2: 2 },
  { pk: `RESOLUTION#${MONTH}`, sk: `market#${DAY}#CN#lost`, resolved: 2, withinLimit: 1, workingMs: 172_800_000, b_2: 2 },
  { pk: `CARRIERS#${MONTH}`, sk: `carrier#${DAY}#SF`, shipments: 10, lostClaims: 3, lostConfirmed: 2 },
  ...['type#lost', 'remedy#refund', 'carrier#SF', 'kind#refund', 'market#CN'].map((dim) => ({
    pk: `LEDGER#${MONTH}`,
    sk: `${dim.replace('#', `#${DAY}#`)}#CNY`,
    amount: 30000,
    entries: 2,
  })),
  ...['all#all', 'type#lost', 'carrier#SF', 'remedy#refund', 'market#CN'].map((dim) => ({
    pk: `SATISFACTION#${MONTH}`,
    sk: dim.replace('#', `#${DAY}#`),
    invited: 2,
    answered: 1,
    overallSum: 4,
    overallCount: 1,
    overall4: 1,
  })),
];

describe('counters of the previous release', () => {
  it('are summed into every report with the counters written since', async () => {
    for (const item of previousRelease) await env.db.send(new PutCommand({ TableName: TABLE_NAME, Item: item }));
    const reports = new ReportCounters(env.db, TABLE_NAME);
    const ledger = new LedgerStore(env.db, TABLE_NAME);
    const satisfaction = new SatisfactionStore(env.db, TABLE_NAME);

    // One more lost parcel, counted by this release from intake to close.
    const caseId = unique('AS');
    await reports.countShipment(unique('SF#T'), { carrier: 'SF', shipDay: DAY });
    await reports.countOpened(caseId, { day: DAY, type: 'lost', reason: 'not#arrived', carrier: 'SF', shipDay: DAY });
    await ledger.record({
      caseId,
      key: `${caseId}:refund`,
      kind: 'refund',
      amount: 5000,
      currency: 'CNY',
      caseType: 'lost',
      remedy: 'refund',
      carrier: 'SF',
      market: 'CN',
      day: DAY,
      at: `${DAY}T04:00:00Z`,
    });
    const bucket = { day: DAY, type: 'lost', carrier: 'SF', remedy: 'refund', market: 'CN' };
    await satisfaction.countInvitation(caseId, bucket);
    await satisfaction.countAnswer(caseId, { overall: 2 }, bucket);
    await reports.countClosed(caseId, {
      day: DAY,
      type: 'lost',
      outcome: 'approved',
      carrier: 'SF',
      shipDay: DAY,
      market: 'CN',
      resolution: { day: DAY, withinLimit: true, workingMs: 86_400_000 },
    });

    const volume = await volumeReport({ reports }, range);
    expect(volume).toMatchObject({ opened: 4, closed: 3 });
    expect(volume.byType).toEqual([{ key: 'lost', total: 4, values: [4] }]);
    expect(volume.byReason).toEqual([{ key: 'not#arrived', total: 4, values: [4] }]);
    expect(volume.closedByOutcome).toEqual([{ key: 'approved', total: 3, values: [3] }]);

    const markets = createMarkets(MARKET_REGISTRY, 'CN');
    const resolution = await resolutionReport({ reports, policy: markets.market().policy, markets }, range);
    expect(resolution.total).toMatchObject({ resolved: 3 });
    expect(resolution.types).toEqual([expect.objectContaining({ type: 'lost', resolved: 3 })]);
    expect(resolution.markets).toEqual([expect.objectContaining({ market: 'CN', total: expect.objectContaining({ resolved: 3 }) })]);

    const carriers = await carrierScorecard({ reports }, range);
    expect(carriers.carriers).toEqual([
      expect.objectContaining({ carrier: 'SF', shipments: 11, claims: { damaged: 0, lost: 4, delayed: 0 }, confirmed: { damaged: 0, lost: 3, delayed: 0 } }),
    ]);

    const money = await compensationReport({ ledger }, range);
    expect(money.currencies).toEqual([
      {
        currency: 'CNY',
        amount: 35000,
        entries: 3,
        byType: [{ key: 'lost', amount: 35000, entries: 3 }],
        byRemedy: [{ key: 'refund', amount: 35000, entries: 3 }],
        byCarrier: [{ key: 'SF', amount: 35000, entries: 3 }],
      },
    ]);
    expect(money.markets).toEqual([{ market: 'CN', currency: 'CNY', amount: 35000, entries: 3 }]);
    expect(await ledger.totals('kind', DAY, DAY)).toEqual([{ key: 'refund', currency: 'CNY', amount: 35000, entries: 3 }]);

    const surveys = await satisfactionByGroup({ satisfaction }, range);
    const three = { invited: 3, answered: 2 };
    expect(surveys.total).toMatchObject(three);
    for (const [groups, key] of [
      [surveys.byType, 'lost'],
      [surveys.byCarrier, 'SF'],
      [surveys.byRemedy, 'refund'],
      [surveys.byMarket, 'CN'],
    ] as const) {
      expect(groups.map((g) => g.key)).toEqual([key]);
      expect(groups[0]).toMatchObject(three);
    }
    expect((await satisfaction.totals('all', DAY, DAY)).get('all')).toMatchObject({ sums: { overall: 6 }, counts: { overall: 2 }, overallHistogram: [0, 1, 0, 1, 0] });
  });
});

describe('markers of the previous release', () => {
  it('a cost the previous release recorded (its entry is the marker) is not counted again', async () => {
    const day = '2047-07-01';
    const caseId = unique('AS');
    const ledger = new LedgerStore(env.db, TABLE_NAME);
    const cost = {
      caseId,
      key: `${caseId}:refund`,
      kind: 'refund' as const,
      amount: 100,
      currency: 'CNY',
      caseType: 'damaged',
      remedy: 'refund',
      carrier: 'SF',
      day,
      at: `${day}T04:00:00Z`,
    };
    // As the previous release left them: the entry with its counted mark, the counts in the old shape.
    await env.db.send(new PutCommand({ TableName: TABLE_NAME, Item: { pk: `CASE#${caseId}`, sk: `LEDGER#${cost.key}`, ...cost, counted: true } }));
    await env.db.send(new PutCommand({ TableName: TABLE_NAME, Item: { pk: 'LEDGER#2047-07', sk: `type#${day}#damaged#CNY`, amount: 100, entries: 1 } }));

    expect(await ledger.record(cost)).toBe('exists');
    expect(await ledger.totals('type', day, day)).toEqual([{ key: 'damaged', currency: 'CNY', amount: 100, entries: 1 }]);
  });

  /*
   * Since 5 December a case's open and close are counted by the write that created or closed the case, with no marker
   * (the previous release wrote `REPORT#opened` and `REPORT#closed#<round>` first). A step retried across the deploy
   * finds the case created or closed, so an event the previous release counted is not counted again; a case it opened
   * is counted closed by this release once.
   */
  it('a case the previous release opened and counted is counted opened once, and closed once by this release', async () => {
    const today = localDateOf(new Date(), 'Asia/Shanghai');
    const reason = unique('crushed');
    const { caseId, record } = await seedCase(env.db, { type: 'damaged', record: { reason } });
    const { order, customer } = requestedEvent().data;
    const opened = { day: today, type: 'damaged', reason, carrier: record.shipment.carrier, shipDay: today };
    await env.db.send(new PutCommand({ TableName: TABLE_NAME, Item: { pk: `CASE#${caseId}`, sk: 'REPORT#opened', ...opened, counted: true } }));
    await env.db.send(new PutCommand({ TableName: TABLE_NAME, Item: { pk: `VOLUME#${today.slice(0, 7)}`, sk: `reason#${today}#${encodeURIComponent(reason)}`, n: 1 } }));
    const outcomes = async () => (await new ReportCounters(env.db, TABLE_NAME).volume('outcome', today, today)).find((c) => c.key === 'approved')?.count ?? 0;
    const before = await outcomes();

    // SQS redelivers the request after the deploy, while the case is still `received`: it is not counted again.
    const data = { ...requestedEvent().data, requestId: record.requestId, caseType: 'damaged', reason, order: { ...order, orderId: record.orderId }, customer };
    await deliver('aftersales.requested', caseId, data);
    expect(await new ReportCounters(env.db, TABLE_NAME).volume('reason', today, today)).toEqual([{ day: today, key: reason, count: 1 }]);

    // Closed under this release: counted once, however often Step Functions retries the step.
    expect(await closeCase({ caseId, reason: 'completed' })).toEqual({ outcome: 'approved' });
    await closeCase({ caseId, reason: 'completed' });
    expect(await outcomes()).toBe(before + 1);
  });

  it('a close the previous release counted is not counted again when the step is retried after the deploy', async () => {
    const today = localDateOf(new Date(), 'Asia/Shanghai');
    const closedAt = new Date().toISOString();
    const { caseId, record } = await seedCase(env.db, { type: 'return', record: { status: 'closed', outcome: 'approved', closedAt } });
    const facts = { day: today, type: 'return', outcome: 'approved', carrier: record.shipment.carrier, shipDay: today, market: 'CN' };
    await env.db.send(new PutCommand({ TableName: TABLE_NAME, Item: { pk: `CASE#${caseId}`, sk: 'REPORT#closed#0', ...facts, counted: true } }));
    const outcomes = async () => (await new ReportCounters(env.db, TABLE_NAME).volume('outcome', today, today)).find((c) => c.key === 'approved')?.count ?? 0;
    const before = await outcomes();
    expect(await closeCase({ caseId, reason: 'completed' })).toEqual({ outcome: 'approved' });
    expect(await outcomes()).toBe(before);
  });
});

describe('counter shards', () => {
  it('spread one day’s events over the shards, one item written per event, and the report sums every shard', async () => {
    const day = '2048-02-03';
    const reports = new ReportCounters(env.db, TABLE_NAME);
    for (let i = 0; i < 40; i += 1) await reports.countOpened(unique('AS'), { day, type: 'return', reason: 'size', carrier: 'SF', shipDay: day });

    const perShard = await Promise.all(
      Array.from({ length: COUNTER_SHARDS }, async (_, shard) => {
        const page = await env.db.send(
          new QueryCommand({ TableName: TABLE_NAME, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `VOLUME#2048-02#${shard}` } }),
        );
        return (page.Items ?? []).reduce((sum, item) => sum + Number(item.n), 0);
      }),
    );
    expect(perShard.filter((n) => n > 0).length).toBeGreaterThan(1);
    expect(perShard.reduce((a, b) => a + b, 0)).toBe(40);
    // Nothing in the previous shape's partition: new events write only the sharded cells.
    const old = await env.db.send(new QueryCommand({ TableName: TABLE_NAME, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'VOLUME#2048-02' } }));
    expect(old.Items).toEqual([]);

    const volume = await volumeReport({ reports }, { from: day, to: day, granularity: 'day' });
    expect(volume.byType).toEqual([{ key: 'return', total: 40, values: [40] }]);
    expect(volume.byReason).toEqual([{ key: 'size', total: 40, values: [40] }]);
  });
});
