import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSettled, startHarness, type Harness } from './harness.js';

/**
 * Carriers as platforms send them, through the whole local runtime (AfterShip adapter against the carrier simulator):
 * the webhook contract's own example value ("carrier": "sf-express") is accepted, stored as SF and looked up with the
 * registry's AfterShip slug; a carrier nobody knows is refused at the door.
 */
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

/** The contract's aftersales.requested example, exactly as docs/webhook-contract.md publishes it. */
function contractExample(): { type: string; data: Record<string, any> } {
  const doc = readFileSync(new URL('../../docs/webhook-contract.md', import.meta.url), 'utf8');
  const block = /### `aftersales\.requested`[\s\S]*?```json\n([\s\S]*?)```/.exec(doc)?.[1];
  if (!block) throw new Error('the contract has no aftersales.requested example');
  return JSON.parse(block);
}

describe('the contract example carrier "sf-express"', () => {
  it('a lost-parcel case sent with the contract example closes: confirmed lost by the carrier and reshipped', async () => {
    const example = contractExample();
    expect(example.data.order.shipment.carrier).toBe('sf-express');
    // The example is a return; the same body as a lost parcel: fresh ids, recent dates, not delivered, a SIM-LOST number.
    const day = 86_400_000;
    const id = randomUUID().slice(0, 8);
    const { deliveredAt: _delivered, ...shipment } = example.data.order.shipment;
    const data = {
      ...example.data,
      requestId: `req-contract-${id}`,
      caseType: 'lost',
      reason: 'not_arrived',
      order: {
        ...example.data.order,
        orderId: `ORD-CONTRACT-${id}`,
        placedAt: new Date(Date.now() - 8 * day).toISOString(),
        shipment: {
          ...shipment,
          trackingNumber: `SIM-LOST-${id}`,
          shippedAt: new Date(Date.now() - 6 * day).toISOString(),
          promisedBy: new Date(Date.now() - 3 * day).toISOString(),
        },
      },
    };
    const accepted = await h.platform.send({ type: 'aftersales.requested', data });
    expect(accepted.status).toBe(202);
    const caseId = String(accepted.body.caseId);

    const view = await h.ops.waitFor(caseId, isSettled, 60_000);
    expect(view).toMatchObject({ status: 'closed', outcome: 'approved', type: 'lost', remedy: 'reship' });
    expect(view.decision.rule).toBe('lost.carrier_confirmed');
    expect(view.trackingIssue).toBeUndefined();
    expect(view.timeline.map((e: any) => e.event)).toContain('carrier_confirmed');
  });

  it('an unknown carrier is refused at the webhook with 422 naming the field, without echoing it', async () => {
    const example = contractExample();
    example.data.requestId = `req-contract-${randomUUID().slice(0, 8)}`;
    example.data.order.shipment.carrier = 'Nowhere Couriers';
    const refused = await h.platform.send(example);
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ error: 'invalid_data', issues: [{ path: 'data.order.shipment.carrier' }] });
    expect(JSON.stringify(refused.body)).not.toContain('Nowhere');
  });
});
