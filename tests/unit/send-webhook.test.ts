import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { requestedData } from '../../functions/schemas/webhook.js';
import { fillPlaceholders } from '../../scripts/send-webhook.js';

const now = new Date('2026-12-04T10:00:00.000Z');

describe('npm run webhook placeholders', () => {
  it('fills the current time, days before it and one fresh id everywhere', () => {
    const filled = fillPlaceholders('{"a":"{{now}}","b":"{{now-3d}}","c":"req-{{unique}}","d":"ord-{{unique}}","e":"{{other}}"}', now, 'abc123');
    expect(JSON.parse(filled)).toEqual({ a: '2026-12-04T10:00:00.000Z', b: '2026-12-01T10:00:00.000Z', c: 'req-abc123', d: 'ord-abc123', e: '{{other}}' });
  });

  it.each(['lost-parcel.json', 'return-10-days-cn.json', 'return-10-days-de.json'])('makes the example %s a valid aftersales.requested event', (file) => {
    const event = JSON.parse(fillPlaceholders(readFileSync(`docs/examples/${file}`, 'utf8'), now, 'abc123')) as { type: string; data: unknown };
    expect(event.type).toBe('aftersales.requested');
    const parsed = requestedData.safeParse(event.data);
    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
  });

  it('sends the same items to both markets in the issue-12 examples, 10 days after delivery, DE in euro', () => {
    const read = (file: string) => (JSON.parse(fillPlaceholders(readFileSync(`docs/examples/${file}`, 'utf8'), now, 'abc123')) as { data: any }).data;
    const [cn, de] = [read('return-10-days-cn.json'), read('return-10-days-de.json')];
    expect(de.items).toEqual(cn.items);
    expect(de.order.items.map((i: any) => i.sku)).toEqual(cn.order.items.map((i: any) => i.sku));
    expect(cn.order.market).toBeUndefined(); // the default market, CN
    expect(de.order).toMatchObject({ market: 'DE', currency: 'EUR' });
    for (const order of [cn.order, de.order]) expect(Date.parse(order.shipment.deliveredAt)).toBe(now.getTime() - 10 * 86_400_000);
  });
});
