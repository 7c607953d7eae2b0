import { describe, expect, it } from 'vitest';
import { parseWebhookBody, WEBHOOK_EVENT_TYPES, type ParsedWebhook } from '../../functions/schemas/webhook.js';
import { otherEvent, requestedEvent } from './fixtures.js';

const parse = (body: unknown) => parseWebhookBody(typeof body === 'string' ? body : JSON.stringify(body));

function refused(result: ParsedWebhook) {
  if (result.ok) throw new Error(`expected a refusal, got ${JSON.stringify(result.event)}`);
  return result;
}
const paths = (result: ParsedWebhook) => (refused(result).issues ?? []).map((issue) => issue.path);

describe('aftersales.requested', () => {
  it('a realistic request is accepted as sent, with defaults applied and the carrier stored by its canonical code', () => {
    const body = requestedEvent();
    const result = parse(body);
    const canonical = structuredClone(body);
    canonical.data.order.shipment.carrier = 'SF';
    expect(body.data.order.shipment.carrier).toBe('sf-express');
    expect(result).toEqual({ ok: true, event: canonical });
  });

  it('defaults: no description, not expedited, the whole order, no evidence', () => {
    const result = parse(requestedEvent({ data: { description: undefined, expedited: undefined, items: undefined, evidence: undefined } }));
    expect(result.ok && result.event.type === 'aftersales.requested' && result.event.data).toMatchObject({
      description: '',
      expedited: false,
      items: [],
      evidence: [],
    });
  });

  it.each([
    ['email only', { phone: undefined }],
    ['phone only', { email: undefined }],
  ])('a customer reachable by %s is enough', (_name, customer) => {
    expect(parse(requestedEvent({ data: { customer } })).ok).toBe(true);
  });

  it.each(['zh-CN', 'en', 'de', 'de-DE', 'de-AT', 'en-US', 'zh-Hans-CN', 'zh_CN', 'fr-FR', 'pt-BR', undefined])(
    'customer locale %s is accepted as sent (the case maps it to a language we write in, or the market’s)',
    (locale) => {
      const result = parse(requestedEvent({ data: { customer: { locale } } }));
      if (!result.ok || result.event.type !== 'aftersales.requested') throw new Error(`refused: ${JSON.stringify(result)}`);
      expect(result.event.data.customer.locale).toBe(locale);
    },
  );

  it('an order not yet delivered is a valid request', () => {
    expect(parse(requestedEvent({ data: { caseType: 'lost', order: { shipment: { deliveredAt: undefined } } } })).ok).toBe(true);
  });

  it.each(['return', 'exchange', 'repair', 'damaged', 'lost', 'delayed', 'quality', 'missing_part'])('case type %s is accepted', (caseType) => {
    expect(parse(requestedEvent({ data: { caseType } })).ok).toBe(true);
  });

  it('times with any offset are accepted; money and quantities are integers', () => {
    const body = requestedEvent({ data: { order: { placedAt: '2026-11-01T12:15:00Z', shipment: { shippedAt: '2026-11-02T01:00:00.123-05:00' } } } });
    expect(parse(body).ok).toBe(true);
  });
});

describe('refusals of aftersales.requested (422 invalid_data with issue paths)', () => {
  it.each([
    [
      'a fractional unit price',
      { order: { items: [{ sku: 'KB-87-BLK', name: 'Keyboard', category: 'electronics', quantity: 1, unitPrice: 399.0001 }] } },
      'data.order.items.0.unitPrice',
    ],
    ['a negative unit price', { order: { items: [{ sku: 'KB-87-BLK', name: 'Keyboard', category: 'electronics', quantity: 1, unitPrice: -1 }] } }, 'data.order.items.0.unitPrice'],
    [
      'a unit price as a string',
      { order: { items: [{ sku: 'KB-87-BLK', name: 'Keyboard', category: 'electronics', quantity: 1, unitPrice: '399.00' }] } },
      'data.order.items.0.unitPrice',
    ],
    ['a zero quantity', { order: { items: [{ sku: 'KB-87-BLK', name: 'Keyboard', category: 'electronics', quantity: 0, unitPrice: 39900 }] } }, 'data.order.items.0.quantity'],
    ['no order items', { order: { items: [] } }, 'data.order.items'],
    ['a lower-case currency', { order: { currency: 'cny' } }, 'data.order.currency'],
    ['a time without offset', { order: { placedAt: '2026-11-01T20:15:00' } }, 'data.order.placedAt'],
    ['a date instead of a time', { order: { shipment: { promisedBy: '2026-11-05' } } }, 'data.order.shipment.promisedBy'],
    ['an unknown case type', { caseType: 'refund_only' }, 'data.caseType'],
    ['an unknown tier', { customer: { tier: 'platinum' } }, 'data.customer.tier'],
    // A language we do not write in is accepted (notices fall back to the market's language); a malformed tag is not.
    ['a locale that is not a language tag', { customer: { locale: 'de DE' } }, 'data.customer.locale'],
    ['a locale over 35 characters', { customer: { locale: `de-${'x'.repeat(33)}` } }, 'data.customer.locale'],
    ['no channels', { customer: { channels: [] } }, 'data.customer.channels'],
    ['an unknown channel', { customer: { channels: ['wechat'] } }, 'data.customer.channels.0'],
    ['a phone not in E.164', { customer: { phone: '13800138000' } }, 'data.customer.phone'],
    ['an invalid email', { customer: { email: 'li.wei-at-example.com' } }, 'data.customer.email'],
    ['an evidence URL that is not a URL', { evidence: [{ kind: 'photo', url: 'box-corner.jpg' }] }, 'data.evidence.0.url'],
    ['an unknown evidence kind', { evidence: [{ kind: 'audio', url: 'https://cdn.example.com/a.mp3' }] }, 'data.evidence.0.kind'],
    ['a missing requestId', { requestId: undefined }, 'data.requestId'],
    ['an empty requestId', { requestId: '' }, 'data.requestId'],
    ['a requestId over 128 characters', { requestId: 'r'.repeat(129) }, 'data.requestId'],
    ['a missing reason', { reason: undefined }, 'data.reason'],
    ['expedited as a string', { expedited: 'yes' }, 'data.expedited'],
    ['a missing shipment', { order: { shipment: undefined } }, 'data.order.shipment'],
    ['a missing customer name', { customer: { name: undefined } }, 'data.customer.name'],
  ])('%s → %s', (_name, data, path) => {
    const result = refused(parse(requestedEvent({ data } as never)));
    expect(result).toMatchObject({ status: 422, error: 'invalid_data' });
    expect(paths(result)).toContain(path);
  });

  it('an unknown property is refused (typos surface)', () => {
    const body = requestedEvent();
    (body.data.order as Record<string, unknown>).shipmentt = {};
    const result = refused(parse(body));
    expect(result.issues).toEqual([{ path: 'data.order', message: expect.stringContaining('shipmentt') }]);
  });

  it('neither email nor phone → 422 on data.customer', () => {
    const result = refused(parse(requestedEvent({ data: { customer: { email: undefined, phone: undefined } } })));
    expect(result).toMatchObject({ status: 422, error: 'invalid_data' });
    expect(result.issues).toEqual([{ path: 'data.customer', message: 'at least one of email or phone is required' }]);
  });

  it('an item that is not part of the order → 422 on its sku', () => {
    const result = refused(
      parse(
        requestedEvent({
          data: {
            items: [
              { sku: 'KB-87-BLK', quantity: 1 },
              { sku: 'MOUSE-01', quantity: 1 },
            ],
          },
        }),
      ),
    );
    expect(result.issues).toEqual([{ path: 'data.items.1.sku', message: 'not an item of the order' }]);
  });

  it('reports every problem at once', () => {
    const result = refused(parse(requestedEvent({ data: { caseType: 'x', customer: { tier: 'y', locale: 'z' } } })));
    expect(paths(result).sort()).toEqual(['data.caseType', 'data.customer.locale', 'data.customer.tier']);
  });

  it('the message names the event type and the contract, not the data', () => {
    const result = refused(parse(requestedEvent({ data: { caseType: 'x' } })));
    expect(result.message).toBe('The data of aftersales.requested does not match the contract.');
  });
});

describe('hostile but well-formed values (issue 11): refused at intake, naming the field', () => {
  const LONE_HIGH = '\ud800';
  const LONE_LOW = '\udc00';
  const IDENTIFIER_RULE = 'no control characters or unpaired UTF-16 surrogates';
  const FREE_TEXT_RULE = 'no control characters other than line breaks and tabs, and no unpaired UTF-16 surrogates';

  it.each([
    ['a lone high surrogate in requestId', { requestId: `req-${LONE_HIGH}` }, 'data.requestId'],
    ['a lone low surrogate in orderId', { order: { orderId: `${LONE_LOW}ORD-1` } }, 'data.order.orderId'],
    ['a NUL in customerId', { customer: { customerId: 'cust\u0000-1' } }, 'data.customer.customerId'],
    ['a line break in requestId', { requestId: 'req-1\nreq-2' }, 'data.requestId'],
    ['a C1 control (NEL) in a sku', { order: { items: [{ sku: 'KB\u0085', name: 'Keyboard', category: 'electronics', quantity: 1, unitPrice: 1 }] } }, 'data.order.items.0.sku'],
    ['DEL in the tracking number', { order: { shipment: { trackingNumber: 'SF123\u007f' } } }, 'data.order.shipment.trackingNumber'],
    ['an escape in the reason code', { reason: '\u001b[31mwrong_size' }, 'data.reason'],
  ])('%s → 422 on %s', (_name, data, path) => {
    const result = refused(parse(requestedEvent({ data } as never)));
    expect(result).toMatchObject({ status: 422, error: 'invalid_data' });
    expect(result.issues).toContainEqual({ path, message: IDENTIFIER_RULE });
  });

  it('ids of the other event types are held to the same rule (requestId, instructionId, return tracking number)', () => {
    expect(refused(parse(otherEvent('aftersales.cancelled', { requestId: `r${LONE_HIGH}` }))).issues).toEqual([{ path: 'data.requestId', message: IDENTIFIER_RULE }]);
    expect(refused(parse(otherEvent('compensation.completed', { instructionId: `ins${LONE_LOW}` }))).issues).toEqual([{ path: 'data.instructionId', message: IDENTIFIER_RULE }]);
    expect(refused(parse(otherEvent('return.shipped', { trackingNumber: 'SF\t1' }))).issues).toEqual([{ path: 'data.trackingNumber', message: IDENTIFIER_RULE }]);
  });

  it('free text keeps line breaks, tabs and emoji, but refuses lone surrogates and other controls', () => {
    const kept = parse(requestedEvent({ data: { description: 'Line one\r\nline two\twith a tab 📦', customer: { name: 'Li\nWei' } } }));
    expect(kept.ok && kept.event.type === 'aftersales.requested' && kept.event.data.description).toBe('Line one\r\nline two\twith a tab 📦');
    expect(refused(parse(requestedEvent({ data: { description: `broken ${LONE_HIGH} text` } }))).issues).toEqual([{ path: 'data.description', message: FREE_TEXT_RULE }]);
    expect(refused(parse(requestedEvent({ data: { customer: { name: `Li${LONE_LOW}` } } }))).issues).toEqual([{ path: 'data.customer.name', message: FREE_TEXT_RULE }]);
    expect(refused(parse(otherEvent('aftersales.disputed', { reason: 'bell\u0007' }))).issues).toEqual([{ path: 'data.reason', message: FREE_TEXT_RULE }]);
  });

  it('a surrogate pair (an emoji) is not a lone surrogate: accepted in an id', () => {
    expect(parse(requestedEvent({ data: { requestId: 'req-😀' } })).ok).toBe(true);
  });

  it.each(['XXX', 'XTS', 'XAU', 'XDR', 'ABC', 'ZZZ'])('currency %s → 422 on data.order.currency', (currency) => {
    const result = refused(parse(requestedEvent({ data: { order: { currency } } })));
    expect(result.issues).toEqual([{ path: 'data.order.currency', message: 'ISO 4217 code of a currency, e.g. CNY (not XXX, XTS, metals or units of account)' }]);
  });

  it.each(['CNY', 'EUR', 'USD', 'JPY', 'HKD', 'XCG'])('currency %s is accepted', (currency) => {
    expect(parse(requestedEvent({ data: { order: { currency } } })).ok).toBe(true);
  });

  it('the raw JSON escape of a lone surrogate is refused the same way as the decoded string', () => {
    const body = JSON.stringify(requestedEvent()).replace('"req-20261110-000123"', '"req-\\ud83d"');
    expect(refused(parse(body)).issues).toEqual([{ path: 'data.requestId', message: IDENTIFIER_RULE }]);
  });
});

describe('issue messages name the rule', () => {
  it.each([
    ['a missing field', { requestId: undefined }, 'data.requestId', 'required'],
    ['a missing nested field', { customer: { name: undefined } }, 'data.customer.name', 'required'],
    ['a custom format rule', { order: { currency: 'cny' } }, 'data.order.currency', 'ISO 4217 code, e.g. CNY'],
    ['the phone rule', { customer: { phone: '13800138000' } }, 'data.customer.phone', 'E.164 phone number, e.g. +8613800000000'],
  ])('%s → %s: "%s"', (_name, data, path, message) => {
    expect(refused(parse(requestedEvent({ data } as never))).issues).toContainEqual({ path, message });
  });

  // Regression: a value present with the wrong type must not read "required" (zod fills issue.input only with
  // reportInput: true).
  it.each([
    ['a number for a string', { requestId: 42 }, 'data.requestId'],
    ['a string for a boolean', { expedited: 'yes' }, 'data.expedited'],
    [
      'a fraction for an integer',
      { order: { items: [{ sku: 'KB-87-BLK', name: 'Keyboard', category: 'electronics', quantity: 1, unitPrice: 399.5 }] } },
      'data.order.items.0.unitPrice',
    ],
  ])('%s is not reported as "required"', (_name, data, path) => {
    const issue = refused(parse(requestedEvent({ data } as never))).issues?.find((i) => i.path === path);
    expect(issue).toBeDefined();
    expect(issue!.message).not.toBe('required');
  });
});

describe('issue messages never repeat the submitted values (they may be personal)', () => {
  const secrets = {
    email: 'not-an-email-LEAK1',
    phone: '0086-LEAK2',
    tier: 'LEAK3',
    locale: 'LEAK4',
    name: 12345678,
    customerId: '',
  };

  it('bad customer fields are reported by path and rule only', () => {
    const body = requestedEvent({
      data: {
        customer: { email: secrets.email, phone: secrets.phone, tier: secrets.tier, locale: secrets.locale, name: secrets.name as never },
        order: { currency: 'LEAK5', placedAt: 'LEAK6', shipment: { trackingNumber: 'T'.repeat(65) } },
        evidence: [{ kind: 'photo', url: 'LEAK7 not a url' }],
      },
    });
    const result = refused(parse(body));
    expect(paths(result).sort()).toEqual(
      [
        'data.customer.email',
        'data.customer.locale',
        'data.customer.name',
        'data.customer.phone',
        'data.customer.tier',
        'data.evidence.0.url',
        'data.order.currency',
        'data.order.placedAt',
        'data.order.shipment.trackingNumber',
      ].sort(),
    );
    const serialized = JSON.stringify(result);
    for (const leak of ['LEAK', '12345678', 'T'.repeat(65)]) expect(serialized).not.toContain(leak);
  });

  it('a bad value in another event type is not echoed either', () => {
    const result = refused(parse(otherEvent('aftersales.evidence_added', { evidence: [{ kind: 'photo', url: 'mailto-LEAK8' }] })));
    expect(JSON.stringify(result)).not.toContain('LEAK8');
  });
});

describe('the envelope', () => {
  it('invalid JSON → 400 invalid_json', () => {
    expect(parse('{"type": "aftersales.requested",')).toEqual({ ok: false, status: 400, error: 'invalid_json', message: 'The body is not valid JSON.' });
    expect(refused(parse(''))).toMatchObject({ status: 400, error: 'invalid_json' });
  });

  it.each([
    ['an array', [], ''],
    ['a string', 'null', ''],
    ['no timestamp', { type: 'aftersales.requested', data: {} }, 'timestamp'],
    ['no data', { type: 'aftersales.requested', timestamp: '2026-11-10T10:00:00+08:00' }, 'data'],
    ['data that is not an object', { type: 'aftersales.requested', timestamp: '2026-11-10T10:00:00+08:00', data: [1] }, 'data'],
    ['a timestamp without offset', { type: 'aftersales.requested', timestamp: '2026-11-10T10:00:00', data: {} }, 'timestamp'],
    ['an empty type', { type: '', timestamp: '2026-11-10T10:00:00+08:00', data: {} }, 'type'],
    ['an extra top-level field', { type: 'aftersales.requested', timestamp: '2026-11-10T10:00:00+08:00', data: {}, id: 'x' }, ''],
  ])('%s → 422 invalid_envelope', (_name, body, path) => {
    const result = refused(parse(body));
    expect(result).toMatchObject({ status: 422, error: 'invalid_envelope', message: 'The body must be { type, timestamp, data }.' });
    expect(paths(result)).toContain(path);
  });

  it.each(['order.created', 'aftersales.Requested', 'return.lost'])('type %s → 422 unsupported_event_type listing the supported ones', (type) => {
    const result = refused(parse({ type, timestamp: '2026-11-10T10:00:00+08:00', data: { requestId: 'r' } }));
    expect(result).toMatchObject({ status: 422, error: 'unsupported_event_type' });
    for (const supported of WEBHOOK_EVENT_TYPES) expect(result.message).toContain(supported);
    expect(result.message).not.toContain(type);
  });

  // Regression: Object.prototype members are not event types (`in` would find them and crash the parser).
  it.each(['toString', 'constructor', '__proto__', 'hasOwnProperty'])('type %s → 422 unsupported_event_type (not a crash)', (type) => {
    expect(parse({ type, timestamp: '2026-11-10T10:00:00+08:00', data: { requestId: 'r' } })).toMatchObject({ ok: false, status: 422, error: 'unsupported_event_type' });
  });
});

describe('the other event types', () => {
  it.each([
    ['aftersales.evidence_added', {}],
    ['aftersales.cancelled', {}],
    ['aftersales.cancelled', { reason: undefined }],
    ['return.shipped', {}],
    ['return.received', {}],
    ['return.received', { receivedAt: '2026-11-12T06:30:00Z' }],
    ['aftersales.remedy_chosen', {}],
    ['aftersales.remedy_chosen', { remedy: 'reship', refundTo: undefined }],
    ['aftersales.remedy_chosen', { remedy: 'return', refundTo: 'original_payment' }],
    ['aftersales.remedy_chosen', { remedy: 'exchange', refundTo: undefined }],
    ['aftersales.disputed', {}],
    ['aftersales.disputed', { reason: 'x'.repeat(500) }],
    ['compensation.completed', {}],
    ['compensation.completed', { status: 'failed', completedAt: '2026-11-13T01:15:00.123Z' }],
  ] as const)('%s %o is valid', (type, data) => {
    const body = otherEvent(type, data);
    // return.shipped's carrier is stored canonical (the contract's "sf-express" is SF).
    const expected = type === 'return.shipped' ? { ...body, data: { ...body.data, carrier: 'SF' } } : body;
    expect(parse(body)).toEqual({ ok: true, event: expected });
  });

  it.each([
    ['aftersales.evidence_added', { evidence: [] }, 'data.evidence'],
    ['aftersales.evidence_added', { evidence: [{ kind: 'photo', url: 'nope' }] }, 'data.evidence.0.url'],
    ['aftersales.evidence_added', { evidence: Array.from({ length: 21 }, () => ({ kind: 'photo', url: 'https://cdn.example.com/p.jpg' })) }, 'data.evidence'],
    ['aftersales.evidence_added', { requestId: undefined }, 'data.requestId'],
    ['aftersales.cancelled', { reason: 'x'.repeat(201) }, 'data.reason'],
    ['aftersales.cancelled', { requestId: 42 }, 'data.requestId'],
    ['aftersales.cancelled', { note: 'typo' }, 'data'],
    ['return.shipped', { carrier: '' }, 'data.carrier'],
    ['return.shipped', { trackingNumber: undefined }, 'data.trackingNumber'],
    ['return.received', { receivedAt: '2026-11-12' }, 'data.receivedAt'],
    ['return.received', { receivedAt: undefined }, 'data.receivedAt'],
    ['aftersales.remedy_chosen', { remedy: 'delay_subsidy' }, 'data.remedy'],
    ['aftersales.remedy_chosen', { remedy: undefined }, 'data.remedy'],
    ['aftersales.remedy_chosen', { refundTo: 'wallet' }, 'data.refundTo'],
    ['aftersales.remedy_chosen', { note: 'typo' }, 'data'],
    ['aftersales.disputed', { reason: '' }, 'data.reason'],
    ['aftersales.disputed', { reason: 'x'.repeat(501) }, 'data.reason'],
    ['aftersales.disputed', { reason: undefined }, 'data.reason'],
    ['compensation.completed', { instructionId: undefined }, 'data.instructionId'],
    ['compensation.completed', { instructionId: '' }, 'data.instructionId'],
    ['compensation.completed', { status: 'accepted' }, 'data.status'],
    ['compensation.completed', { completedAt: '2026-11-13 09:15' }, 'data.completedAt'],
    ['compensation.completed', { completedAt: undefined }, 'data.completedAt'],
  ] as const)('%s %o → 422 at %s', (type, data, path) => {
    const result = refused(parse(otherEvent(type, data as never)));
    expect(result).toMatchObject({ status: 422, error: 'invalid_data', message: `The data of ${type} does not match the contract.` });
    expect(paths(result)).toContain(path);
  });

  it('a requested body under another type is refused by that type’s schema', () => {
    const result = refused(parse({ ...requestedEvent(), type: 'return.received' }));
    expect(result).toMatchObject({ status: 422, error: 'invalid_data' });
    expect(paths(result)).toContain('data.receivedAt');
  });
});

describe('aftersales.requested: repeated SKUs and over-claims (issue 9)', () => {
  const kettle = { sku: 'KETTLE', name: 'Kettle', category: 'home_appliance', quantity: 1, unitPrice: 26900 };

  it('repeated order lines and repeated claims of one SKU are accepted while the claim fits the units ordered', () => {
    const result = parse(
      requestedEvent({
        data: {
          order: { items: [kettle, kettle] },
          items: [
            { sku: 'KETTLE', quantity: 1 },
            { sku: 'KETTLE', quantity: 1 },
          ],
        },
      }),
    );
    expect(result.ok).toBe(true);
  });

  it('a claim for more units than the order has is refused at the claim that goes over', () => {
    const result = refused(
      parse(
        requestedEvent({
          data: {
            order: { items: [kettle] },
            items: [
              { sku: 'KETTLE', quantity: 1 },
              { sku: 'KETTLE', quantity: 1 },
            ],
          },
        }),
      ),
    );
    expect(result).toMatchObject({ status: 422, error: 'invalid_data' });
    expect(result.issues).toEqual([{ path: 'data.items.1.quantity', message: 'more units of this SKU than the order has' }]);
    expect(paths(parse(requestedEvent({ data: { order: { items: [kettle] }, items: [{ sku: 'KETTLE', quantity: 2 }] } })))).toEqual(['data.items.0.quantity']);
  });

  it('units of one SKU on lines at different prices add up', () => {
    const cheaper = { ...kettle, unitPrice: 19900 };
    expect(parse(requestedEvent({ data: { order: { items: [kettle, cheaper] }, items: [{ sku: 'KETTLE', quantity: 2 }] } })).ok).toBe(true);
    expect(paths(parse(requestedEvent({ data: { order: { items: [kettle, cheaper] }, items: [{ sku: 'KETTLE', quantity: 3 }] } })))).toEqual(['data.items.0.quantity']);
  });
});
