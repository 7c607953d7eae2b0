import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CaseStore } from '../../functions/adapters/case-store.js';
import { compensateConfig, readConfig } from '../../functions/config/functions.js';
import type { ConfigOf } from '../../functions/config/read.js';
import { OpsAlerts } from '../../functions/adapters/ops-alerts.js';
import { ReportCounters } from '../../functions/adapters/report-counters.js';
import { SlaStore } from '../../functions/adapters/sla-store.js';
import { DedupeStore } from '../../functions/adapters/dedupe-store.js';
import { WaitStore } from '../../functions/adapters/wait-store.js';
import { CaseWorkflow } from '../../functions/adapters/workflow.js';
import { cnPolicy } from '../../functions/policies/cn.js';
import { parseWebhookBody } from '../../functions/schemas/webhook.js';
import { applyIntakeEvent } from '../../functions/use-cases/apply-intake-event.js';
import { startOrderPlatformSimulator, type OrderPlatformSimulator } from '../../local/simulators/order-platform.js';
import { closedPort, eventually, importFresh, sleep, startHandlerEnv, TABLE_NAME, type HandlerEnv } from './env.js';
import { seedCase, unique } from './fixtures.js';
import { oneMarket } from '../markets.js';

type Handler = typeof import('../../functions/handlers/compensate.js')['handler'];

const TOKEN = 'order-platform-token-for-handler-tests';
let env: HandlerEnv;
let platform: OrderPlatformSimulator;
let handler: Handler;
let createHandler: typeof import('../../functions/handlers/compensate.js')['createHandler'];
let config: ConfigOf<typeof compensateConfig>;
let cases: CaseStore;

const forCase = (caseId: string) => platform.instructions().filter((i) => i.caseId === caseId);
const instruct = (caseId: string) => handler({ caseId, action: 'instruct' }) as Promise<{ status: string; remedy?: string; instructionId?: string }>;
const check = (caseId: string) => handler({ caseId, action: 'check' }) as Promise<{ signal: string }>;
const chargeBack = (caseId: string) => handler({ caseId, action: 'charge_back' }) as Promise<{ instructionId: string; amount: number }>;
const errorOf = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (e: unknown) => e as Error,
  );

/** The cost ledger entries of a case, by key. */
async function ledgerOf(caseId: string): Promise<Record<string, Record<string, any>>> {
  const out = await env.db.send(
    new QueryCommand({
      TableName: TABLE_NAME,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :ledger)',
      ExpressionAttributeValues: { ':pk': `CASE#${caseId}`, ':ledger': 'LEDGER#' },
      ConsistentRead: true,
    }),
  );
  return Object.fromEntries((out.Items ?? []).map((item) => [String(item.key), item]));
}

const timelineOf = async (caseId: string) => (await cases.view(caseId))!.timeline.map((e) => e.event);

beforeAll(async () => {
  env = await startHandlerEnv({});
  platform = await startOrderPlatformSimulator({ token: TOKEN });
  cases = new CaseStore(env.db, TABLE_NAME);
  // The module's own handler reads the environment at its cold start; variants below are built from config objects.
  const module = await importFresh(() => import('../../functions/handlers/compensate.js'), { ORDER_PLATFORM_API_URL: `${platform.url}/`, ORDER_PLATFORM_TOKEN: TOKEN });
  handler = module.handler;
  createHandler = module.createHandler;
  config = readConfig(compensateConfig, { TABLE_NAME, ORDER_PLATFORM_API_URL: `${platform.url}/`, ORDER_PLATFORM_TOKEN: TOKEN });
});

beforeEach(() => {
  platform.failNext(0);
  platform.failNextCompletions(0);
  platform.holdCompletions(false);
  platform.setCallback(undefined);
});

afterAll(async () => {
  await platform?.close();
  await env?.close();
});

describe('compensate: instruct', () => {
  it('instructs the remedy once; the case stays compensating until the platform confirms it', async () => {
    const { caseId, record } = await seedCase(env.db, { record: { status: 'awaiting_return', returnReceivedAt: new Date().toISOString() } });
    const result = await instruct(caseId);
    expect(result).toEqual({ status: 'instructed', remedy: 'refund', instructionId: expect.stringMatching(/^ins_/) });

    const sent = forCase(caseId);
    expect(sent).toHaveLength(1);
    // A return of the keyboard (1 × 399.00 CNY) refunds its price to the original payment; the instruction names the request.
    expect(sent[0]).toMatchObject({ orderId: record.orderId, requestId: record.requestId, kind: 'refund', amount: 39900, currency: 'CNY', refundTo: 'original_payment' });

    const expectedCase = {
      status: 'compensating',
      outcome: 'approved',
      remedy: 'refund',
      compensation: { instructionId: result.instructionId, idempotencyKey: `${caseId}:refund`, amount: 39900, currency: 'CNY', kind: 'refund', status: 'instructed' },
    };
    expect(await cases.get(caseId)).toMatchObject(expectedCase);
    // The platform carries it out after ~300 ms, but without a callback nobody told the case: it is still waiting.
    await eventually(async () => (forCase(caseId)[0]?.status === 'completed' ? true : undefined), 3000, 'the simulated completion');
    expect(await cases.get(caseId)).toMatchObject(expectedCase);
    expect((await timelineOf(caseId)).filter((e) => e === 'compensation_instructed')).toHaveLength(1);
  });

  it('records the cost in the ledger once: the refund, and no return label when the customer pays the return', async () => {
    const { caseId } = await seedCase(env.db, { record: { status: 'awaiting_return' } });
    await instruct(caseId);
    await instruct(caseId);
    const ledger = await ledgerOf(caseId);
    expect(Object.keys(ledger)).toEqual([`${caseId}:refund`]);
    // Counted into the report totals once by the write of this entry (tests/handlers/ledger-store.test.ts); no `counted` flag.
    expect(ledger[`${caseId}:refund`]).toMatchObject({
      caseId,
      kind: 'refund',
      amount: 39900,
      currency: 'CNY',
      caseType: 'return',
      remedy: 'refund',
      carrier: 'sf-express',
      day: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
    });
  });

  it("records the case's market with its cost: the order's, or the default market (CN) for a case without one", async () => {
    const de = await seedCase(env.db, { record: { status: 'awaiting_return', market: 'DE' } });
    await instruct(de.caseId);
    expect((await ledgerOf(de.caseId))[`${de.caseId}:refund`]).toMatchObject({ market: 'DE' });
    const cn = await seedCase(env.db, { record: { status: 'awaiting_return' } });
    await instruct(cn.caseId);
    expect((await ledgerOf(cn.caseId))[`${cn.caseId}:refund`]).toMatchObject({ market: 'CN' });
  });

  it('a damaged item returned for an exchange: a reship of the item and its value in the ledger (the label is its own step)', async () => {
    const { caseId } = await seedCase(env.db, {
      type: 'damaged',
      record: { status: 'awaiting_return', choice: { remedy: 'exchange', by: 'customer', at: new Date().toISOString() } },
    });
    await expect(instruct(caseId)).resolves.toMatchObject({ status: 'instructed', remedy: 'exchange' });
    expect(forCase(caseId)).toEqual([expect.objectContaining({ kind: 'reship', items: [{ sku: 'KB-87-BLK', quantity: 1 }] })]);
    expect(forCase(caseId)[0]).not.toHaveProperty('amount');
    const ledger = await ledgerOf(caseId);
    expect(ledger[`${caseId}:exchange`]).toMatchObject({ kind: 'goods', amount: 39900, remedy: 'exchange', caseType: 'damaged' });
    expect(ledger[`${caseId}:return_label`]).toBeUndefined();
  });

  it('a prepaid return label is instructed once, its cost in the ledger once', async () => {
    const { caseId } = await seedCase(env.db, {
      type: 'damaged',
      record: { status: 'in_review', choice: { remedy: 'exchange', by: 'customer', at: new Date().toISOString() } },
    });
    await handler({ caseId, action: 'return_label' });
    await handler({ caseId, action: 'return_label' });
    expect(forCase(caseId)).toEqual([
      expect.objectContaining({ kind: 'return_label', amount: cnPolicy.returnShipping.prepaidLabelCost, items: [{ sku: 'KB-87-BLK', quantity: 1 }] }),
    ]);
    const ledger = await ledgerOf(caseId);
    expect(ledger[`${caseId}:return_label`]).toMatchObject({ kind: 'return_shipping', amount: cnPolicy.returnShipping.prepaidLabelCost, remedy: 'exchange' });
    // The label the platform issued, for the ship-back notice.
    const [instruction] = forCase(caseId);
    expect((await cases.get(caseId))?.returnLabel).toEqual({
      instructionId: instruction!.instructionId,
      at: expect.any(String),
      carrier: 'SF',
      labelUrl: `${platform.url}/v1/labels/${instruction!.instructionId}.pdf`,
    });
  });

  it('a completed reship names its parcel, by polling as by the webhook', async () => {
    const { caseId } = await seedCase(env.db, { type: 'missing_part', record: { status: 'awaiting_return' } });
    await instruct(caseId);
    await eventually(async () => (forCase(caseId)[0]?.status === 'completed' ? true : undefined), 3000, 'the simulated completion');
    await expect(check(caseId)).resolves.toEqual({ signal: 'completed' });
    const { shipment } = forCase(caseId)[0]!;
    expect(shipment).toEqual({ carrier: 'SF', trackingNumber: expect.stringMatching(/^SF\d{12}$/) });
    expect((await cases.get(caseId))?.compensation).toMatchObject({ kind: 'reship', status: 'completed', shipment });
  });

  it("the customer's choice of store balance goes with the refund", async () => {
    const { caseId } = await seedCase(env.db, {
      type: 'damaged',
      record: { status: 'in_review', choice: { remedy: 'refund', refundTo: 'store_balance', by: 'customer', at: new Date().toISOString() } },
    });
    await instruct(caseId);
    expect(forCase(caseId)).toEqual([expect.objectContaining({ kind: 'refund', amount: 39900, refundTo: 'store_balance' })]);
    // Kept by the customer: no return, no label.
    expect(Object.keys(await ledgerOf(caseId))).toEqual([`${caseId}:refund`]);
  });

  it("an operator's remedy and amount are what is paid", async () => {
    const at = new Date().toISOString();
    const { caseId } = await seedCase(env.db, {
      type: 'missing_part',
      record: {
        status: 'awaiting_review',
        operatorDecision: { decision: 'approve', reason: 'cable missing, partial refund agreed', remedy: 'partial_refund', amount: 1500, operator: 'jane', at },
      },
    });
    await expect(instruct(caseId)).resolves.toMatchObject({ status: 'instructed', remedy: 'partial_refund' });
    expect(forCase(caseId)).toEqual([expect.objectContaining({ kind: 'refund', amount: 1500, currency: 'CNY' })]);
    expect((await ledgerOf(caseId))[`${caseId}:partial_refund`]).toMatchObject({ kind: 'refund', amount: 1500 });
  });

  it('a delay earns the tiered subsidy as a coupon, recorded as a subsidy', async () => {
    const { caseId } = await seedCase(env.db, {
      type: 'delayed',
      record: { status: 'checking_carrier', carrier: { status: 'delivered', checks: 1, lastCheckedAt: new Date().toISOString(), delayWorkingDays: 4 } },
    });
    await expect(instruct(caseId)).resolves.toMatchObject({ status: 'instructed', remedy: 'delay_subsidy' });
    expect(forCase(caseId)).toEqual([expect.objectContaining({ kind: 'coupon', amount: 2300, currency: 'CNY' })]);
    expect((await ledgerOf(caseId))[`${caseId}:delay_subsidy`]).toMatchObject({ kind: 'subsidy', amount: 2300 });
  });

  it('the action defaults to instruct', async () => {
    const { caseId } = await seedCase(env.db, { record: { status: 'awaiting_return' } });
    await expect(handler({ caseId })).resolves.toMatchObject({ status: 'instructed', remedy: 'refund' });
    await expect(handler({ caseId, action: 'pay_twice' })).rejects.toMatchObject({ name: expect.stringMatching(/ZodError$/) });
  });

  it('called twice (a retried step) still makes one instruction: the idempotency key replays it', async () => {
    const { caseId } = await seedCase(env.db, { type: 'lost', record: { status: 'checking_carrier' } });
    const first = await instruct(caseId);
    const second = await instruct(caseId);
    // Lost, no choice: the policy's default, a reship.
    expect(first).toMatchObject({ status: 'instructed', remedy: 'reship' });
    expect(second).toEqual(first);
    expect(forCase(caseId)).toHaveLength(1);
    expect(forCase(caseId)[0]).toMatchObject({ kind: 'reship', items: [{ sku: 'KB-87-BLK', quantity: 1 }] });
    expect((await timelineOf(caseId)).filter((e) => e === 'compensation_instructed')).toHaveLength(1);
  });

  it('an order platform failure throws an error named OrderPlatformError (for Retry), and the retry pays once', async () => {
    const { caseId } = await seedCase(env.db, { record: { status: 'awaiting_return' } });
    platform.failNext(1);
    const error = await errorOf(instruct(caseId));
    expect(error?.name).toBe('OrderPlatformError');
    expect(error?.message).toContain('500');
    expect(forCase(caseId)).toHaveLength(0);
    expect(await cases.get(caseId)).toMatchObject({ status: 'compensating' });
    expect((await cases.get(caseId))?.compensation).toBeUndefined();
    expect(await ledgerOf(caseId)).toEqual({});

    await expect(instruct(caseId)).resolves.toMatchObject({ status: 'instructed' });
    expect(forCase(caseId)).toHaveLength(1);
    expect(Object.keys(await ledgerOf(caseId))).toHaveLength(1);
  });

  it('a 4xx refusal is an OrderPlatformError too', async () => {
    const { caseId } = await seedCase(env.db, { record: { status: 'awaiting_return' } });
    platform.failNext(1, 409);
    await expect(instruct(caseId)).rejects.toMatchObject({ name: 'OrderPlatformError' });
  });

  it('a case with cancelRequested and no compensation yet is not paid: {status: cancelled}, no instruction, no cost', async () => {
    const { caseId } = await seedCase(env.db, { record: { status: 'awaiting_return', cancelRequested: true } });
    await expect(instruct(caseId)).resolves.toEqual({ status: 'cancelled' });
    expect(forCase(caseId)).toHaveLength(0);
    expect(await cases.get(caseId)).toMatchObject({ status: 'awaiting_return' });
    expect(await ledgerOf(caseId)).toEqual({});
  });

  it('a cancellation that comes after the money moved does not undo the replay of the same instruction', async () => {
    const { caseId } = await seedCase(env.db, { record: { status: 'awaiting_return' } });
    const first = await instruct(caseId);
    await cases.update(caseId, { cancelRequested: true });
    await expect(instruct(caseId)).resolves.toEqual(first);
    expect(forCase(caseId)).toHaveLength(1);
  });

  it('an unreachable order platform is an OrderPlatformError; an unknown case is CaseNotFoundError', async () => {
    await expect(instruct('AS-0000000000AB')).rejects.toMatchObject({ name: 'CaseNotFoundError' });
    const { caseId } = await seedCase(env.db, { record: { status: 'awaiting_return' } });
    const offline = createHandler({ ...config, ORDER_PLATFORM_API_URL: `http://127.0.0.1:${await closedPort()}/` });
    await expect(offline({ caseId, action: 'instruct' })).rejects.toMatchObject({ name: 'OrderPlatformError' });
    await expect(offline({ caseId, action: 'check' })).rejects.toMatchObject({ name: 'Error', message: `case ${caseId} has no compensation to check` });
  });
});

describe('compensate: check (no confirmation came in time)', () => {
  it('not carried out yet: CompensationPendingError (Step Functions retries it); once carried out: completed and resolved', async () => {
    platform.holdCompletions(true);
    const { caseId } = await seedCase(env.db, { record: { status: 'awaiting_return' } });
    const { instructionId } = await instruct(caseId);
    const pending = await errorOf(check(caseId));
    expect(pending?.name).toBe('CompensationPendingError');
    expect(pending?.message).toContain(instructionId);
    expect(await cases.get(caseId)).toMatchObject({ status: 'compensating', compensation: { status: 'instructed' } });

    platform.holdCompletions(false);
    await eventually(async () => (forCase(caseId)[0]?.status === 'completed' ? true : undefined), 3000, 'the simulated completion');
    await expect(check(caseId)).resolves.toEqual({ signal: 'completed' });
    expect(await cases.get(caseId)).toMatchObject({ status: 'resolved', compensation: { status: 'completed', completedAt: expect.any(String), instructionId } });
    expect(await timelineOf(caseId)).toContain('compensation_completed');

    // Checked again (a retried step): the same answer, nothing recorded twice.
    await expect(check(caseId)).resolves.toEqual({ signal: 'completed' });
    expect((await timelineOf(caseId)).filter((e) => e === 'compensation_completed')).toHaveLength(1);
  });

  it('a failed instruction: {signal: failed}, the case is not resolved', async () => {
    platform.failNextCompletions(1);
    const { caseId } = await seedCase(env.db, { record: { status: 'awaiting_return' } });
    await instruct(caseId);
    await eventually(async () => (forCase(caseId)[0]?.status === 'failed' ? true : undefined), 3000, 'the simulated failure');
    await expect(check(caseId)).resolves.toEqual({ signal: 'failed' });
    expect(await cases.get(caseId)).toMatchObject({ status: 'compensating', compensation: { status: 'failed' } });
    expect(await timelineOf(caseId)).toContain('compensation_failed');
  });

  it('an order platform outage while checking is an OrderPlatformError', async () => {
    const { caseId } = await seedCase(env.db, { record: { status: 'awaiting_return' } });
    await instruct(caseId);
    const offline = createHandler({ ...config, ORDER_PLATFORM_API_URL: `http://127.0.0.1:${await closedPort()}/` });
    await expect(offline({ caseId, action: 'check' })).rejects.toMatchObject({ name: 'OrderPlatformError' });
  });
});

describe('compensate: the confirmation webhook', () => {
  it('the platform reports the instruction with a signed compensation.completed that resolves the case', async () => {
    const secret = `whsec_${randomBytes(24).toString('base64')}`;
    const received: Array<{ headers: IncomingMessage['headers']; body: string }> = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(202, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      platform.setCallback({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/order-platform`, secret });
      const { caseId, record } = await seedCase(env.db, { record: { status: 'awaiting_return' } });
      const { instructionId } = await instruct(caseId);
      // Instructions of earlier tests may complete meanwhile and be reported too: pick this one's.
      const callback = await eventually(async () => received.find((r) => r.body.includes(`"instructionId":"${instructionId}"`)), 3000, 'the completion callback');

      // Signed as the contract says, and a valid compensation.completed for this request and instruction.
      const verified = new Webhook(secret).verify(callback.body, {
        'webhook-id': String(callback.headers['webhook-id']),
        'webhook-timestamp': String(callback.headers['webhook-timestamp']),
        'webhook-signature': String(callback.headers['webhook-signature']),
      });
      expect(verified).toMatchObject({ type: 'compensation.completed' });
      const parsed = parseWebhookBody(callback.body);
      expect(parsed).toMatchObject({ ok: true, event: { type: 'compensation.completed', data: { requestId: record.requestId, instructionId, status: 'completed' } } });

      // Applied by start-case's use case: the case is resolved.
      const deps = {
        cases,
        waits: new WaitStore(env.db, TABLE_NAME),
        dedupe: new DedupeStore(env.db, TABLE_NAME),
        workflow: new CaseWorkflow(new SFNClient({}), undefined),
        notices: () => {
          throw new Error('a compensation event queues no notice');
        },
        markets: oneMarket(),
        sla: new SlaStore(env.db, TABLE_NAME),
        alerts: new OpsAlerts(env.db, TABLE_NAME),
        reports: new ReportCounters(env.db, TABLE_NAME),
      };
      if (!parsed.ok) throw new Error('not parsed');
      await applyIntakeEvent(deps, { webhookId: unique('msg'), caseId, receivedAt: new Date().toISOString(), event: parsed.event as never }, new Date());
      expect(await cases.get(caseId)).toMatchObject({ status: 'resolved', compensation: { status: 'completed' } });
      // No one polled for it.
      await sleep(50);
      expect((await timelineOf(caseId)).filter((e) => e === 'compensation_completed')).toHaveLength(1);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('compensate: charge_back (a replacement shipped ahead whose return never came)', () => {
  it('charges the replacement back once, records a negative cost and tells the timeline', async () => {
    const { caseId, record } = await seedCase(env.db, { type: 'exchange', record: { status: 'awaiting_return', tier: 'vip', remedy: 'exchange' } });
    await instruct(caseId);
    const first = await chargeBack(caseId);
    const second = await chargeBack(caseId);
    expect(first).toEqual({ instructionId: expect.stringMatching(/^ins_/), amount: 39900 });
    expect(second).toEqual(first);

    const charges = forCase(caseId).filter((i) => i.kind === 'charge_back');
    expect(charges).toHaveLength(1);
    expect(charges[0]).toMatchObject({ orderId: record.orderId, requestId: record.requestId, amount: 39900, currency: 'CNY', note: expect.stringContaining('not returned') });
    expect((await ledgerOf(caseId))[`${caseId}:charge_back`]).toMatchObject({ kind: 'charge_back', amount: -39900, remedy: 'exchange', caseType: 'exchange' });
    expect(await cases.get(caseId)).toMatchObject({ chargeBack: { instructionId: first.instructionId, amount: 39900, currency: 'CNY' } });
    expect((await timelineOf(caseId)).filter((e) => e === 'charged_back')).toHaveLength(1);
  });

  it('an order platform failure is an OrderPlatformError, and the retry charges once', async () => {
    const { caseId } = await seedCase(env.db, { type: 'exchange', record: { status: 'awaiting_return', tier: 'vip', remedy: 'exchange' } });
    platform.failNext(1, 503);
    await expect(chargeBack(caseId)).rejects.toMatchObject({ name: 'OrderPlatformError' });
    expect(await ledgerOf(caseId)).toEqual({});
    await expect(chargeBack(caseId)).resolves.toMatchObject({ amount: 39900 });
    expect(forCase(caseId).filter((i) => i.kind === 'charge_back')).toHaveLength(1);
  });
});
