import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestedEvent } from '../../scripts/example-cases.js';
import { isSettled, startHarness, type Harness } from './harness.js';

/**
 * An opted-out number through the whole local runtime: the SMS fake answers +8613800000002 with ConflictException
 * DESTINATION_PHONE_NUMBER_OPTED_OUT, as End User Messaging does. The case's notices go by email, the SMS are
 * suppressed on the first try, and the case is not held up by them.
 */
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

type Notice = { milestone: string; channel: string; status: string; reason?: string };

describe('a customer whose number opted out of SMS', () => {
  it('gets every notice by email; each SMS is suppressed (opted_out) at once and the case closes', async () => {
    const email = 'opted.out.customer@example.com';
    const event = requestedEvent({ caseType: 'lost', trackingNumber: 'SIM-LOST-OPTOUT', email, phone: '+8613800000002', channels: ['sms'], locale: 'en' });
    const caseId = String((await h.platform.send(event)).body.caseId);

    // Settled, and every notice done: a notice may still be on its way when the case closes.
    const done = (n: Notice) => n.status === 'sent' || n.status === 'suppressed';
    const view = await h.ops.waitFor(caseId, (v) => isSettled(v) && (v.notices as Notice[]).every(done), 90_000);
    expect(view).toMatchObject({ status: 'closed', outcome: 'approved' });
    const notices = view.notices as Notice[];
    const sms = notices.filter((n) => n.channel === 'sms');
    expect(sms.length).toBeGreaterThan(0);
    expect(
      sms.every((n) => n.status === 'suppressed' && n.reason === 'opted_out'),
      JSON.stringify(sms),
    ).toBe(true);
    // Each milestone that would have gone by SMS went by email instead.
    for (const n of sms) expect(notices.find((e) => e.milestone === n.milestone && e.channel === 'email')?.status, n.milestone).toBe('sent');
    expect(h.pipeline.sms.messages({ to: '+8613800000002' })).toEqual([]);
    expect((await h.emails(email)).length).toBeGreaterThanOrEqual(sms.length);
    expect(view.timeline.some((e: any) => e.event === 'notice_undeliverable')).toBe(false);
  }, 120_000);
});
