import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CaseStore } from '../../functions/adapters/case-store.js';
import { startOrderPlatformSimulator, type OrderPlatformSimulator } from '../../local/simulators/order-platform.js';
import { closedPort, importFresh, startHandlerEnv, TABLE_NAME, withEnv, type HandlerEnv } from './env.js';
import { seedCase } from './fixtures.js';

type Handler = (typeof import('../../functions/handlers/compensate.js'))['handler'];

const TOKEN = 'order-platform-token-for-handler-tests';
let env: HandlerEnv;
let platform: OrderPlatformSimulator;
let handler: Handler;
let cases: CaseStore;

const forCase = (caseId: string) => platform.instructions().filter((i) => i.caseId === caseId);

beforeAll(async () => {
  env = await startHandlerEnv({});
  platform = await startOrderPlatformSimulator({ token: TOKEN });
  cases = new CaseStore(env.db, TABLE_NAME);
  handler = (await importFresh(() => import('../../functions/handlers/compensate.js'), {
    ORDER_PLATFORM_API_URL: `${platform.url}/`,
    ORDER_PLATFORM_TOKEN: TOKEN,
  })).handler;
});

beforeEach(() => platform.failNext(0));

afterAll(async () => {
  await platform?.close();
  await env?.close();
});

describe('compensate', () => {
  it('instructs the remedy once and resolves the case', async () => {
    const { caseId, record } = await seedCase(env.db, { record: { status: 'awaiting_return', returnReceivedAt: new Date().toISOString() } });
    const result = await handler({ caseId });
    expect(result).toEqual({ status: 'instructed', remedy: 'refund', instructionId: expect.stringMatching(/^ins_/) });

    const sent = forCase(caseId);
    expect(sent).toHaveLength(1);
    // A return of the keyboard (1 × 399.00 CNY) refunds its price to the original payment.
    expect(sent[0]).toMatchObject({ orderId: record.orderId, kind: 'refund', amount: 39900, currency: 'CNY', refundTo: 'original_payment' });

    const after = await cases.get(caseId);
    expect(after).toMatchObject({
      status: 'resolved',
      outcome: 'approved',
      remedy: 'refund',
      compensation: { instructionId: result.status === 'instructed' ? result.instructionId : '', idempotencyKey: `${caseId}:refund`, amount: 39900, currency: 'CNY' },
    });
    const timeline = (await cases.view(caseId))!.timeline.map((e) => e.event);
    expect(timeline.filter((e) => e === 'compensation_instructed')).toHaveLength(1);
  });

  it('called twice (a retried step) still makes one instruction: the idempotency key replays it', async () => {
    const { caseId } = await seedCase(env.db, { type: 'lost', record: { status: 'checking_carrier' } });
    const first = await handler({ caseId });
    const second = await handler({ caseId });
    expect(first).toMatchObject({ status: 'instructed', remedy: 'reship' });
    expect(second).toEqual(first);
    expect(forCase(caseId)).toHaveLength(1);
    expect(forCase(caseId)[0]).toMatchObject({ kind: 'reship', items: [{ sku: 'KB-87-BLK', quantity: 1 }] });
    const timeline = (await cases.view(caseId))!.timeline.map((e) => e.event);
    expect(timeline.filter((e) => e === 'compensation_instructed')).toHaveLength(1);
  });

  it('an order platform failure throws an error named OrderPlatformError (for Retry), and the retry pays once', async () => {
    const { caseId } = await seedCase(env.db, { record: { status: 'awaiting_return' } });
    platform.failNext(1);
    const error = await handler({ caseId }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.name).toBe('OrderPlatformError');
    expect(error?.message).toContain('500');
    expect(forCase(caseId)).toHaveLength(0);
    expect(await cases.get(caseId)).toMatchObject({ status: 'compensating' });
    expect((await cases.get(caseId))?.compensation).toBeUndefined();

    await expect(handler({ caseId })).resolves.toMatchObject({ status: 'instructed' });
    expect(forCase(caseId)).toHaveLength(1);
  });

  it('a 4xx refusal is an OrderPlatformError too', async () => {
    const { caseId } = await seedCase(env.db, { record: { status: 'awaiting_return' } });
    platform.failNext(1, 409);
    await expect(handler({ caseId })).rejects.toMatchObject({ name: 'OrderPlatformError' });
  });

  it('a case with cancelRequested and no compensation yet is not paid: {status: cancelled}, no instruction', async () => {
    const { caseId } = await seedCase(env.db, { record: { status: 'awaiting_return', cancelRequested: true } });
    await expect(handler({ caseId })).resolves.toEqual({ status: 'cancelled' });
    expect(forCase(caseId)).toHaveLength(0);
    expect(await cases.get(caseId)).toMatchObject({ status: 'awaiting_return' });
  });

  it('a cancellation that comes after the money moved does not undo the replay of the same instruction', async () => {
    const { caseId } = await seedCase(env.db, { record: { status: 'awaiting_return' } });
    const first = await handler({ caseId });
    await cases.update(caseId, { cancelRequested: true });
    await expect(handler({ caseId })).resolves.toEqual(first);
    expect(forCase(caseId)).toHaveLength(1);
  });

  it('an unreachable order platform is an OrderPlatformError; an unknown case is CaseNotFoundError', async () => {
    await expect(handler({ caseId: 'AS-0000000000AB' })).rejects.toMatchObject({ name: 'CaseNotFoundError' });
    const { caseId } = await seedCase(env.db, { record: { status: 'awaiting_return' } });
    const restore = withEnv({ ORDER_PLATFORM_API_URL: `http://127.0.0.1:${await closedPort()}/` });
    try {
      const offline = (await importFresh(() => import('../../functions/handlers/compensate.js'))).handler;
      await expect(offline({ caseId })).rejects.toMatchObject({ name: 'OrderPlatformError' });
    } finally {
      restore();
    }
  });
});
