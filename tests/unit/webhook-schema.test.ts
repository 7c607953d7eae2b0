import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { WEBHOOK_EVENT_TYPES } from '../../functions/schemas/webhook.js';
import { renderWebhookSchema, WEBHOOK_SCHEMA_PATH, webhookJsonSchema } from '../../scripts/write-webhook-schema.js';

type JsonSchema = Record<string, any>;

describe('docs/webhook.schema.json', () => {
  it('is what scripts/write-webhook-schema.ts generates from the zod schemas (run it after changing them)', () => {
    const committed = readFileSync(WEBHOOK_SCHEMA_PATH, 'utf8');
    expect(committed, 'docs/webhook.schema.json is stale: run `npx tsx scripts/write-webhook-schema.ts`').toBe(renderWebhookSchema());
  });

  const schema = webhookJsonSchema() as JsonSchema;
  const branch = (type: string) => (schema.oneOf as JsonSchema[]).find((s) => s.properties.type.const === type)!;

  it('is one draft 2020-12 schema, oneOf the five event types, each { type: const, timestamp, data }', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect((schema.oneOf as JsonSchema[]).map((s) => s.properties.type.const)).toEqual(WEBHOOK_EVENT_TYPES);
    for (const s of schema.oneOf as JsonSchema[]) {
      expect(Object.keys(s.properties)).toEqual(['type', 'timestamp', 'data']);
      expect(s.required).toEqual(['type', 'timestamp', 'data']);
      expect(s.additionalProperties).toBe(false);
      expect(s.properties.timestamp).toMatchObject({ type: 'string', format: 'date-time' });
      expect(s.properties.data.required).toContain('requestId');
    }
  });

  it('describes the sender side: fields with defaults are optional', () => {
    const data = branch('aftersales.requested').properties.data;
    expect(data.required).toEqual(['requestId', 'caseType', 'reason', 'order', 'customer']);
    expect(data.properties.expedited).toMatchObject({ type: 'boolean', default: false });
    expect(data.additionalProperties).toBe(false);
  });

  it('money is an integer number of minor units and times carry an offset', () => {
    const item = branch('aftersales.requested').properties.data.properties.order.properties.items.items;
    expect(item.properties.unitPrice).toMatchObject({ type: 'integer', minimum: 0 });
    const timestamp = new RegExp(branch('return.received').properties.data.properties.receivedAt.pattern);
    expect(timestamp.test('2026-11-12T14:30:00+08:00')).toBe(true);
    expect(timestamp.test('2026-11-12T06:30:00Z')).toBe(true);
    expect(timestamp.test('2026-11-12T14:30:00')).toBe(false);
  });

  it('does not change the zod schemas it is generated from', async () => {
    const { parseWebhookBody } = await import('../../functions/schemas/webhook.js');
    const { requestedEvent } = await import('./fixtures.js');
    webhookJsonSchema();
    const result = parseWebhookBody(JSON.stringify(requestedEvent({ data: { customer: { email: undefined, phone: undefined } } })));
    expect(result).toMatchObject({ ok: false, issues: [{ path: 'data.customer' }] });
  });
});
