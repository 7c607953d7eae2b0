import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSBatchResponse } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LedgerStore, type LedgerEntry } from '../../functions/adapters/ledger-store.js';
import { caseIdFor } from '../../functions/domain/case-id.js';
import { localDateOf } from '../../functions/domain/working-days.js';
import { closeCaseConfig, opsApiConfig, readConfig, startCaseConfig } from '../../functions/config/functions.js';
import { ACCOUNT_ID, addPassThroughMachine, callOpsApi, lambdaContext, REGION, sqsEvent, startHandlerEnv, TABLE_NAME, type HandlerEnv } from './env.js';
import { requestedEvent, seedCase, unique } from './fixtures.js';

/**
 * The reports (docs/operations.md "Reports") from the counters the pipeline keeps as events happen: the real start-case
 * (intake) and close-case (workflow step) handlers move them, the real ops handler reads them back.
 */
type OpsHandler = typeof import('../../functions/handlers/ops-api.js')['handler'];
type StartCase = typeof import('../../functions/handlers/start-case.js')['handler'];
type CloseCase = typeof import('../../functions/handlers/close-case.js')['handler'];

const STATE_MACHINE_ARN = `arn:aws:states:${REGION}:${ACCOUNT_ID}:stateMachine:CaseWorkflow`;
const SUPERVISOR = { name: 'li.wei', role: 'supervisor' } as const;
let env: HandlerEnv;
let ops: OpsHandler;
let startCase: StartCase;
let closeCase: CloseCase;

const report = (path: string, query: string, operator: { name: string; role: string } = SUPERVISOR) => callOpsApi(ops, 'token', 'GET', `/ops/reports/${path}`, { query, operator });

/** One intake message as the ingest function queues it (carriers already canonical), delivered as SQS does. */
async function deliver(type: string, caseId: string, data: Record<string, unknown>) {
  const body = { webhookId: unique('msg'), caseId, receivedAt: new Date().toISOString(), event: { type, timestamp: new Date().toISOString(), data } };
  const res = (await startCase(sqsEvent('aftersales-intake', [{ body, messageId: randomUUID() }]), lambdaContext('StartCase'))) as SQSBatchResponse;
  expect(res.batchItemFailures).toEqual([]);
}

/** A parcel shipped at `shippedAt` by `carrier`, announced with shipment.created. */
async function announce(carrier: string, shippedAt: string, trackingNumber = unique('T').toUpperCase()) {
  const { order, customer } = requestedEvent().data;
  await deliver('shipment.created', caseIdFor(`proactive:${carrier}#${trackingNumber}`), {
    order: { ...order, shipment: { ...order.shipment, carrier, trackingNumber, shippedAt } },
    customer,
  });
  return trackingNumber;
}

/** A customer's claim about a parcel, opened through the intake; returns its case id. */
async function claim(caseType: 'damaged' | 'lost' | 'delayed' | 'return', carrier: string, shippedAt: string, reason = 'arrived_broken') {
  const event = requestedEvent({ caseType });
  const data = { ...event.data, reason, order: { ...event.data.order, shipment: { ...event.data.order.shipment, carrier, shippedAt } } };
  const caseId = caseIdFor(data.requestId);
  await deliver('aftersales.requested', caseId, data);
  return { caseId, data };
}

const close = (caseId: string, reason: string) => closeCase({ caseId, reason });
const sfRow = async (query: string, carrier: string) => (await report('carriers', query)).json.carriers.find((r: { carrier: string }) => r.carrier === carrier);

beforeAll(async () => {
  // start-case's own handler reads the environment when imported, and its schema requires STATE_MACHINE_ARN.
  env = await startHandlerEnv({ sfn: true, env: { STATE_MACHINE_ARN } });
  // The workflow under the configured ARN: these tests are about what intake and close count, not the run in between.
  addPassThroughMachine(env, STATE_MACHINE_ARN);
  startCase = (await import('../../functions/handlers/start-case.js')).createHandler(readConfig(startCaseConfig, { TABLE_NAME, STATE_MACHINE_ARN }));
  closeCase = (await import('../../functions/handlers/close-case.js')).createHandler(readConfig(closeCaseConfig, { TABLE_NAME }));
  ops = (await import('../../functions/handlers/ops-api.js')).createHandler(readConfig(opsApiConfig, { TABLE_NAME }));
});
afterAll(async () => {
  await env?.close();
});

describe('reports: the carrier scorecard from events', () => {
  // Parcels shipped on 2025-03-10 in Shanghai; 17:30 UTC the day before is 01:30 local on the 10th.
  const day = '2025-03-10';
  const query = `from=${day}&to=${day}`;

  it('announced parcels are the denominator, claims and confirmed claims the numerators, by the local ship-day', async () => {
    expect(await sfRow(query, 'SF')).toBeUndefined();
    for (const at of ['2025-03-09T17:30:00Z', '2025-03-10T03:00:00Z', '2025-03-10T08:00:00Z']) await announce('SF', at);
    const repeated = await announce('SF', '2025-03-10T09:00:00Z');
    await announce('SF', '2025-03-10T09:00:00Z', repeated); // SQS redelivers: the same parcel counts once
    await announce('SF', '2025-03-10T16:30:00Z'); // 00:30 on the 11th in Shanghai: another day
    await announce('ZTO', '2025-03-10T04:00:00Z');
    expect(await sfRow(query, 'SF')).toMatchObject({ shipments: 4, claims: { damaged: 0, lost: 0, delayed: 0 }, rates: { damaged: 0, lost: 0, delayed: 0 } });

    const damaged = await claim('damaged', 'SF', '2025-03-10T05:00:00Z');
    const lost = await claim('lost', 'SF', '2025-03-10T05:00:00Z', 'not_arrived');
    await claim('delayed', 'ZTO', '2025-03-10T05:00:00Z', 'late');
    await claim('return', 'SF', '2025-03-10T05:00:00Z', 'no_longer_needed'); // not a carrier's fault: not on the scorecard
    // The intake redelivers the damaged claim: still one claim.
    await deliver('aftersales.requested', damaged.caseId, damaged.data);
    expect(await sfRow(query, 'SF')).toMatchObject({
      shipments: 4,
      claims: { damaged: 1, lost: 1, delayed: 0 },
      confirmed: { damaged: 0, lost: 0 },
      claimRates: { damaged: 0.25, lost: 0.25 },
      rates: { damaged: 0, lost: 0 },
    });

    // The damage claim closes approved (confirmed), the loss claim rejected (tracking showed it delivered): only one confirms.
    expect(await close(damaged.caseId, 'completed')).toEqual({ outcome: 'approved' });
    expect(await close(lost.caseId, 'rejected')).toEqual({ outcome: 'rejected' });
    await close(damaged.caseId, 'completed'); // Step Functions retries the step: nothing counts twice
    const sf = await sfRow(query, 'SF');
    expect(sf).toMatchObject({ shipments: 4, confirmed: { damaged: 1, lost: 0, delayed: 0 }, rates: { damaged: 0.25, lost: 0, delayed: 0 } });

    const res = await report('carriers', query);
    expect(res.json).toMatchObject({ from: day, to: day, granularity: 'day', basis: 'ship_day', allCarriers: { shipments: 5, claims: { damaged: 1, lost: 1, delayed: 1 } } });
    expect(res.json.carriers.find((r: { carrier: string }) => r.carrier === 'ZTO')).toMatchObject({ shipments: 1, claims: { delayed: 1 }, claimRates: { delayed: 1 } });
    expect(res.json.periods).toEqual([{ period: day, carriers: res.json.carriers }]);
    // The parcel shipped just after local midnight is on the 11th.
    expect(await sfRow('from=2025-03-11&to=2025-03-11', 'SF')).toMatchObject({ shipments: 1 });
    // Since 5 December the close is counted by the write that closed the case: no marker item of its own, the facts it
    // was counted by are the case's.
    const marker = await env.db.send(new GetCommand({ TableName: TABLE_NAME, Key: { pk: `CASE#${damaged.caseId}`, sk: 'REPORT#closed#0' }, ConsistentRead: true }));
    expect(marker.Item).toBeUndefined();
    const closedCase = await env.db.send(new GetCommand({ TableName: TABLE_NAME, Key: { pk: `CASE#${damaged.caseId}`, sk: 'CASE' }, ConsistentRead: true }));
    expect(closedCase.Item).toMatchObject({ status: 'closed', outcome: 'approved' });
  });
});

describe('reports: volume by type and reason', () => {
  it('counts each case opened once, on its local day, by type and by reason (a reason may hold any character)', async () => {
    const today = localDateOf(new Date(), 'Asia/Shanghai');
    const query = `from=${today}&to=${today}`;
    const before = (await report('volume', query)).json;
    const reason = `box#crushed ${unique('r')}`;
    const first = await claim('damaged', 'SF', '2025-05-01T05:00:00Z', reason);
    await claim('damaged', 'SF', '2025-05-01T05:00:00Z', reason);
    await deliver('aftersales.requested', first.caseId, first.data); // redelivered
    const after = (await report('volume', query)).json;
    expect(after.opened - before.opened).toBe(2);
    const damaged = (v: typeof after) => v.byType.find((s: { key: string }) => s.key === 'damaged')?.total ?? 0;
    expect(damaged(after) - damaged(before)).toBe(2);
    expect(after.byReason.find((s: { key: string }) => s.key === reason)).toEqual({ key: reason, total: 2, values: [2] });
    expect(after.periods).toEqual([today]);
  });

  it('a duplicate request (same order, same type, still open) is not volume', async () => {
    const today = localDateOf(new Date(), 'Asia/Shanghai');
    const query = `from=${today}&to=${today}`;
    const first = await claim('lost', 'SF', '2025-05-02T05:00:00Z', `dup-${unique('r')}`);
    const before = (await report('volume', query)).json.opened;
    const again = requestedEvent({ caseType: 'lost', orderId: first.data.order.orderId });
    await deliver('aftersales.requested', caseIdFor(again.data.requestId), { ...again.data, order: first.data.order });
    expect((await report('volume', query)).json.opened).toBe(before);
  });
});

describe('reports: resolution time against the service limit', () => {
  /** A case whose service clock ran from `startedAt` (due `dueAt`) and whose remedy was confirmed at `completedAt`. */
  async function served(startedAt: string, dueAt: string, completedAt: string) {
    const { caseId } = await seedCase(env.db, {
      record: {
        status: 'resolved',
        outcome: 'approved',
        remedy: 'refund',
        sla: { service: 'return', startsAt: 'arrival', startedAt, expedited: false, workingDays: 7, state: 'running', pauses: [], baseDueAt: dueAt, dueAt },
        dueAt,
        compensation: { instructionId: unique('i'), kind: 'refund', idempotencyKey: unique('k'), at: completedAt, status: 'completed', completedAt },
      },
    });
    await close(caseId, 'completed');
    return caseId;
  }

  it('each completed service counts on its confirmation day: within the due time or not, in working-day buckets', async () => {
    const query = 'from=2025-06-01&to=2025-06-30';
    expect((await report('resolution', query)).json.types).toEqual([]);
    // Monday 9 June 10:00 to Wednesday 11 June 10:00 Shanghai: 2 working days; 7 are due by the end of Wednesday 18 June.
    await served('2025-06-09T02:00:00Z', '2025-06-18T15:59:59.999Z', '2025-06-11T02:00:00Z');
    // Started 9 June, confirmed Friday 20 June 10:00: 9 working days, after the due time.
    const late = await served('2025-06-09T02:00:00Z', '2025-06-18T15:59:59.999Z', '2025-06-20T02:00:00Z');
    await close(late, 'completed'); // retried step
    const res = await report('resolution', query);
    expect(res.status).toBe(200);
    expect(res.json.types).toEqual([
      expect.objectContaining({
        type: 'return',
        limit: { name: 'return', workingDays: 7, expeditedWorkingDays: 3 },
        resolved: 2,
        withinLimit: 1,
        shareWithinLimit: 0.5,
        meanWorkingDays: 5.5,
        medianWorkingDaysAtMost: 2,
        p90WorkingDaysAtMost: 10,
        buckets: expect.objectContaining({ le2: 1, le10: 1, le7: 0 }),
      }),
    ]);
    expect(res.json.total).toMatchObject({ resolved: 2, withinLimit: 1 });
    // Per market too (issue 12): cases without a market close under the default market, CN, with its limits.
    expect(res.json.markets).toEqual([
      {
        market: 'CN',
        types: [expect.objectContaining({ type: 'return', resolved: 2, withinLimit: 1, limit: { name: 'return', workingDays: 7, expeditedWorkingDays: 3 } })],
        total: expect.objectContaining({ resolved: 2 }),
      },
    ]);
  });

  it('a case closed without its service done (rejected) has no resolution time', async () => {
    const { caseId } = await seedCase(env.db, {
      record: {
        status: 'awaiting_review',
        sla: { service: 'return', startsAt: 'arrival', startedAt: '2025-07-01T02:00:00Z', expedited: false, workingDays: 7, state: 'running', pauses: [] },
      },
    });
    await close(caseId, 'rejected');
    expect((await report('resolution', 'from=2025-07-01&to=2025-07-31')).json.types).toEqual([]);
  });
});

describe('reports: compensation cost', () => {
  it('per currency, never added across currencies, by type, remedy and carrier; a retried entry counts once', async () => {
    const ledger = new LedgerStore(env.db, TABLE_NAME);
    const entry = (currency: string, amount: number, caseType: string, key = unique('k')): LedgerEntry => ({
      caseId: unique('AS'),
      key,
      kind: 'refund',
      amount,
      currency,
      caseType,
      remedy: 'refund',
      carrier: 'SF',
      day: '2025-04-15',
      at: '2025-04-15T02:00:00Z',
    });
    const once = entry('CNY', 19900, 'damaged');
    await ledger.record(once);
    await ledger.record(once);
    await ledger.record(entry('CNY', 5000, 'lost'));
    await ledger.record(entry('EUR', 2500, 'damaged'));
    const res = await report('compensation', 'from=2025-04-15&to=2025-04-15');
    expect(res.status).toBe(200);
    expect(res.json.currencies).toEqual([
      {
        currency: 'CNY',
        amount: 24900,
        entries: 2,
        byType: [
          { key: 'damaged', amount: 19900, entries: 1 },
          { key: 'lost', amount: 5000, entries: 1 },
        ],
        byRemedy: [{ key: 'refund', amount: 24900, entries: 2 }],
        byCarrier: [{ key: 'SF', amount: 24900, entries: 2 }],
      },
      {
        currency: 'EUR',
        amount: 2500,
        entries: 1,
        byType: [{ key: 'damaged', amount: 2500, entries: 1 }],
        byRemedy: [{ key: 'refund', amount: 2500, entries: 1 }],
        byCarrier: [{ key: 'SF', amount: 2500, entries: 1 }],
      },
    ]);
  });
});

describe('reports: compensation cost by market', () => {
  it('per market and currency, never added across either; a cost without a market counts in the default market (CN)', async () => {
    const ledger = new LedgerStore(env.db, TABLE_NAME);
    const entry = (market: string | undefined, currency: string, amount: number): LedgerEntry => ({
      caseId: unique('AS'),
      key: unique('k'),
      kind: 'refund',
      amount,
      currency,
      caseType: 'return',
      remedy: 'refund',
      carrier: 'SF',
      ...(market ? { market } : {}),
      day: '2025-05-20',
      at: '2025-05-20T02:00:00Z',
    });
    await ledger.record(entry('DE', 'EUR', 4900));
    await ledger.record(entry('DE', 'EUR', 1000));
    await ledger.record(entry('CN', 'CNY', 19900));
    await ledger.record(entry('CN', 'USD', 3000));
    await ledger.record(entry(undefined, 'CNY', 100));
    const res = await report('compensation', 'from=2025-05-20&to=2025-05-20');
    expect(res.json.markets).toEqual([
      { market: 'CN', currency: 'CNY', amount: 20000, entries: 2 },
      { market: 'CN', currency: 'USD', amount: 3000, entries: 1 },
      { market: 'DE', currency: 'EUR', amount: 5900, entries: 2 },
    ]);
    // The existing per-currency view is unchanged.
    expect(res.json.currencies.map((c: { currency: string; amount: number }) => [c.currency, c.amount])).toEqual([
      ['CNY', 20000],
      ['EUR', 5900],
      ['USD', 3000],
    ]);
    const costs = await callOpsApi(ops, 'token', 'GET', '/ops/reports/costs', { query: 'from=2025-05-20&to=2025-05-20&groupBy=market', operator: SUPERVISOR });
    expect(costs.json.totals).toContainEqual({ key: 'DE', currency: 'EUR', amount: 5900, entries: 2 });
  });
});

describe('reports: queries and roles', () => {
  it.each([
    ['volume', ''],
    ['resolution', 'from=2026-11-01'],
    ['compensation', 'from=2026-02-30&to=2026-03-01'],
    ['carriers', 'from=2026-12-01&to=2026-11-30'],
    ['carriers', 'from=2025-01-01&to=2026-12-31'],
    ['volume', 'from=2026-11-01&to=2026-11-30&granularity=week'],
  ])('400 invalid_query for /ops/reports/%s?%s', async (path, query) => {
    const res = await report(path, query);
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ error: 'invalid_query', message: expect.stringContaining('granularity=day|month') });
  });

  it('granularity=month gives one point per month', async () => {
    const res = await report('volume', 'from=2026-10-15&to=2026-12-02&granularity=month');
    expect(res.json.periods).toEqual(['2026-10', '2026-11', '2026-12']);
  });

  it('an agent or a viewer cannot read them: 403 needs supervisor', async () => {
    for (const operator of [
      { name: 'jane', role: 'agent' },
      { name: 'wu', role: 'viewer' },
    ]) {
      for (const path of ['volume', 'resolution', 'compensation', 'carriers']) {
        const res = await report(path, 'from=2025-03-10&to=2025-03-10', operator);
        expect(res.status, path).toBe(403);
        expect(res.json).toMatchObject({ error: 'forbidden', needs: 'supervisor' });
      }
    }
  });
});
