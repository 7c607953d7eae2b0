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

  it('makes the README example a valid aftersales.requested event', () => {
    const event = JSON.parse(fillPlaceholders(readFileSync('docs/examples/lost-parcel.json', 'utf8'), now, 'abc123')) as { type: string; data: unknown };
    expect(event.type).toBe('aftersales.requested');
    expect(requestedData.safeParse(event.data).success).toBe(true);
  });
});
