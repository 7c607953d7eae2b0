import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { addCalendarDays, localDateOf } from '../../functions/domain/working-days.js';
import { requestedEvent } from '../../scripts/example-cases.js';
import { isSettled, startHarness, type Harness } from './harness.js';

/**
 * Issue 12's "Done when", through the public HTTP API alone: the same no-reason return, 10 days after delivery, is
 * refused for a CN order (7-day window) and approved for a DE order (14-day withdrawal); the DE customer hears in German
 * with euro amounts; the DE service clock skips German holidays; the cost report keeps CN and DE apart; an unknown
 * market is refused at the webhook.
 */
vi.setConfig({ testTimeout: 90_000 });
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

const day = 86_400_000;
const berlin = (local: string) => new Date(`${local}+01:00`).toISOString(); // CET in winter
const endOfBerlinDay = (date: string) => new Date(`${date}T23:59:59.999+01:00`).toISOString();

/** The same items as a CN order's, delivered 10 days ago; for DE in euro cents under market DE. */
function tenDaysAfterDelivery(market: 'CN' | 'DE', customer: { email: string; phone: string; locale?: string }) {
  const event = requestedEvent({ caseType: 'return', email: customer.email, phone: customer.phone, ...(customer.locale ? { locale: customer.locale } : {}) });
  const order = event.data.order as typeof event.data.order & { market?: string };
  order.shipment.deliveredAt = new Date(Date.now() - 10 * day).toISOString();
  order.placedAt = new Date(Date.now() - 16 * day).toISOString();
  order.shipment.shippedAt = new Date(Date.now() - 14 * day).toISOString();
  order.shipment.promisedBy = new Date(Date.now() - 11 * day).toISOString();
  if (market === 'DE') {
    order.market = 'DE';
    order.currency = 'EUR';
    order.items[0]!.unitPrice = 4990; // €49.90, below DE's operator threshold (€100)
    order.items[1]!.unitPrice = 890;
  }
  if (!customer.locale) delete (event.data.customer as { locale?: string }).locale;
  return event;
}

async function send(event: { type: string; data: unknown }) {
  const res = await h.platform.send(event);
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return String(res.body.caseId);
}

describe('the same return, 10 days after delivery, in two markets', () => {
  const de = { email: `kunde.${Date.now()}@example.de`, phone: '+4915112345678', locale: 'de' };
  let deCase: { caseId: string; requestId: string };

  it('is refused for a CN order (7-day no-reason window)', async () => {
    const caseId = await send(tenDaysAfterDelivery('CN', { email: `cn.${Date.now()}@example.com`, phone: '+8613800138001' }));
    const view = await h.ops.waitFor(caseId, isSettled);
    expect(view).toMatchObject({
      status: 'closed',
      outcome: 'rejected',
      order: { market: 'CN' },
      decision: { decision: 'reject', rule: 'return.no_reason_window', reasonCode: 'window_expired', market: 'CN' },
    });
  });

  it('is approved for a DE order of the same items (14-day withdrawal), waiting for the item to come back', async () => {
    const event = tenDaysAfterDelivery('DE', de);
    const caseId = await send(event);
    deCase = { caseId, requestId: event.data.requestId };
    const view = await h.ops.waitFor(caseId, (v) => v.status === 'awaiting_return');
    expect(view).toMatchObject({ order: { market: 'DE' }, decision: { decision: 'approve', rule: 'return.no_reason_window', market: 'DE' } });
    expect(view.timeline).toContainEqual(expect.objectContaining({ event: 'remedy_planned', detail: expect.objectContaining({ rule: 'withdrawal.refund_awaits_return' }) }));
  });

  it('its service due date skips German holidays (Christmas, New Year) in Europe/Berlin', async () => {
    // Arrival Tuesday 2025-12-23 (a past date, so the legal refund date — 14 days after today's withdrawal — does not
    // cap the clock). Five working days after it: Dec 24, 29, 30, 31, Jan 2 (Dec 25, 26 and Jan 1 are holidays;
    // counting weekends only, the fifth would be Dec 30).
    const receivedAt = berlin('2025-12-23T10:00:00');
    expect((await h.platform.send({ type: 'return.received', data: { requestId: deCase.requestId, receivedAt } })).status).toBe(202);
    const view = await h.ops.waitFor(deCase.caseId, (v) => v.returnReceivedAt === receivedAt && v.sla !== undefined);
    expect(view).toMatchObject({ dueAt: endOfBerlinDay('2026-01-02'), sla: { service: 'return', startsAt: 'arrival', workingDays: 5 } });
  });

  it('its customer is told in German, with euro amounts, by email and SMS', async () => {
    const view = await h.ops.waitFor(deCase.caseId, (v) => isSettled(v) && v.notices.some((n: any) => n.milestone === 'resolved' && n.channel === 'sms' && n.status === 'sent'));
    expect(view).toMatchObject({ status: 'closed', outcome: 'approved', remedy: 'refund' });
    expect(h.pipeline.orderPlatform.instructions().filter((i) => i.caseId === deCase.caseId)).toEqual([expect.objectContaining({ kind: 'refund', amount: 4990 })]);

    const mails = (await h.emails(de.email)).filter((m) => m.subject.includes(deCase.caseId));
    expect(mails.length).toBeGreaterThanOrEqual(2);
    for (const mail of mails) expect(mail.body.text).toMatch(/Vorgang/);
    const refundMail = mails.find((m) => /erstattet/.test(m.body.text ?? ''));
    expect(refundMail?.body.text).toMatch(/49,90\s€/);
    expect(mails.map((m) => m.body.text).join('\n')).not.toMatch(/¥|CNY|Your |您的/);

    const sms = h.pipeline.sms.messages({ to: de.phone }).map((m) => m.body);
    expect(sms.some((body) => /erstattet/.test(body) && /49,90\s€/.test(body))).toBe(true);
    expect(sms.join('\n')).not.toMatch(/¥|Your |您的/);
  });

  it('a DE customer without a locale is written to in the market’s language, German', async () => {
    const email = `ohne.sprache.${Date.now()}@example.de`;
    const caseId = await send(tenDaysAfterDelivery('DE', { email, phone: '+4915112345679' }));
    await h.ops.waitFor(caseId, (v) => v.status === 'awaiting_return' && v.notices.some((n: any) => n.channel === 'email' && n.status === 'sent'));
    const mails = (await h.emails(email)).filter((m) => m.subject.includes(caseId));
    expect(mails.length).toBeGreaterThan(0);
    expect(mails[0]!.body.text).toMatch(/Vorgang/);
  });

  it('the cost report shows CN and DE apart, each in its own currency', async () => {
    // A CN case that costs something: a missing part is compensated at once (a coupon in yuan).
    const cnCase = await send(requestedEvent({ caseType: 'missing_part' }));
    await h.ops.waitFor(cnCase, isSettled);
    await h.pipeline.idle();
    const today = localDateOf(new Date(), 'Asia/Shanghai');
    const report = await h.opsAs('supervisor').get(`/ops/reports/compensation?from=${addCalendarDays(today, -1)}&to=${addCalendarDays(today, 1)}`);
    expect(report.status).toBe(200);
    const markets = report.body.markets as Array<{ market: string; currency: string; amount: number }>;
    expect(markets.map((m) => [m.market, m.currency])).toEqual(
      expect.arrayContaining([
        ['CN', 'CNY'],
        ['DE', 'EUR'],
      ]),
    );
    for (const line of markets) expect(line.currency).toBe(line.market === 'DE' ? 'EUR' : 'CNY');
    const eur = h.pipeline.orderPlatform
      .instructions()
      .filter((i) => i.kind === 'refund' && i.currency === 'EUR')
      .reduce((s, i) => s + (i.amount ?? 0), 0);
    expect(markets.find((m) => m.market === 'DE')!.amount).toBe(eur);
    expect((report.body.currencies as Array<{ currency: string }>).map((c) => c.currency)).toEqual(['CNY', 'EUR']);
  });
});

describe('markets the deployment does not know', () => {
  it('are refused at the webhook with 422 unknown_market', async () => {
    const event = requestedEvent({ caseType: 'return' });
    (event.data.order as { market?: string }).market = 'FR';
    event.data.order.currency = 'EUR';
    const res = await h.platform.send(event);
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ error: 'unknown_market', issues: [expect.objectContaining({ path: 'data.order.market' })] });
  });
});
