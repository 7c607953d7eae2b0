import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ProviderHealthStore } from '../../functions/adapters/provider-health.js';
import { startHandlerEnv, TABLE_NAME, type HandlerEnv } from './env.js';
import { unique } from './fixtures.js';

let env: HandlerEnv;
let health: ProviderHealthStore;

beforeAll(async () => {
  env = await startHandlerEnv({});
  health = new ProviderHealthStore(env.db, TABLE_NAME);
});

afterAll(async () => {
  await env?.close();
});

/** The update commands a call sends (each one a metered write, applied or not). */
async function writesOf(call: () => Promise<unknown>): Promise<number> {
  const send = vi.spyOn(env.db, 'send');
  try {
    await call();
    return send.mock.calls.filter(([command]) => command instanceof UpdateCommand).length;
  } finally {
    send.mockRestore();
  }
}

describe('provider health: a success (docs/performance.md, "Case writes")', () => {
  it('while the provider is healthy costs a read and no write', async () => {
    const provider = unique('healthy');
    expect(await writesOf(() => health.success(provider, new Date()))).toBe(0);
    expect(await health.success(provider, new Date())).toBeUndefined();
  });

  it('after failures ends the outage once, with what it was', async () => {
    const provider = unique('flaky');
    await health.failure(provider, new Date('2026-12-05T01:00:00Z'), 'CarrierUnavailableError: 503');
    await health.failure(provider, new Date('2026-12-05T01:01:00Z'), 'CarrierUnavailableError: 503');
    const ended = await health.success(provider, new Date('2026-12-05T01:02:00Z'));
    expect(ended).toMatchObject({ failingSince: '2026-12-05T01:00:00.000Z', failures: 2 });
    const item = (await env.db.send(new GetCommand({ TableName: TABLE_NAME, Key: { pk: `PROVIDER#${provider}`, sk: 'HEALTH' }, ConsistentRead: true }))).Item;
    expect(item).toMatchObject({ lastSuccessAt: '2026-12-05T01:02:00.000Z' });
    expect(item).not.toHaveProperty('failingSince');
    expect(await writesOf(() => health.success(provider, new Date()))).toBe(0);
  });
});
