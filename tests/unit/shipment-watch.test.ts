import { describe, expect, it } from 'vitest';
import type { TrackingSnapshot } from '../../functions/domain/carrier-verdict.js';
import { cnCalendar } from '../../functions/domain/cn-calendar.js';
import { caseIdFor } from '../../functions/domain/case-id.js';
import { pollBackoffSeconds, proactiveRequestId, providerDownTooLong, shipmentKey, watchOutcome, type WatchedShipment } from '../../functions/domain/shipment-watch.js';
import { cnPolicy } from '../../functions/policies/cn.js';

const sh = (local: string) => new Date(`${local}+08:00`);
/** Tuesday 2026-11-10 10:00 in Shanghai; the parcel was promised by Thursday 2026-11-05. */
const NOW = sh('2026-11-10T10:00:00');
const PROACTIVE_ID = caseIdFor(proactiveRequestId('SF', 'SF100'));

const shipment = (overrides: Partial<WatchedShipment> = {}): WatchedShipment => ({
  carrier: 'SF',
  trackingNumber: 'SF100',
  shippedAt: sh('2026-11-03T09:00:00').toISOString(),
  promisedBy: sh('2026-11-05T23:59:59').toISOString(),
  registeredAt: sh('2026-11-03T09:05:00').toISOString(),
  watchers: [
    { role: 'return', caseId: 'AS-RETURN00001' },
    { role: 'proactive', caseId: PROACTIVE_ID },
  ],
  handled: [],
  ...overrides,
});
const delivered = (local: string): TrackingSnapshot => ({ status: 'delivered', lost: false, deliveredAt: sh(local).toISOString(), lastEventAt: sh(local).toISOString() });
const moving = (lastScanLocal: string): TrackingSnapshot => ({ status: 'in_transit', lost: false, lastEventAt: sh(lastScanLocal).toISOString() });
const outcome = (s: WatchedShipment, t: TrackingSnapshot, proactive = true) => watchOutcome(s, t, NOW, cnPolicy, cnCalendar, proactive);

describe('a watched return parcel', () => {
  it("delivered: the return arrived at the delivery scan's time, and polling stops", () => {
    const only = shipment({ watchers: [{ role: 'return', caseId: 'AS-RETURN00001' }] });
    expect(outcome(only, delivered('2026-11-09T15:30:00'))).toEqual({
      actions: [{ kind: 'return_arrived', caseId: 'AS-RETURN00001', receivedAt: sh('2026-11-09T15:30:00').toISOString() }],
      finished: true,
    });
  });

  it('still moving: nothing yet; already handled: nothing again', () => {
    const only = shipment({ watchers: [{ role: 'return', caseId: 'AS-RETURN00001' }] });
    expect(outcome(only, moving('2026-11-10T08:00:00'))).toEqual({ actions: [], finished: false });
    expect(outcome({ ...only, handled: ['return#AS-RETURN00001'] }, delivered('2026-11-09T15:30:00')).actions).toEqual([]);
  });
});

describe('proactive detection', () => {
  const proactiveOnly = shipment({ watchers: [{ role: 'proactive', caseId: PROACTIVE_ID }] });

  it('a parcel delivered working days after its promise opens a delayed case (Fri 6th and Mon 9th: 2 working days)', () => {
    expect(outcome(proactiveOnly, delivered('2026-11-09T14:00:00')).actions).toEqual([
      { kind: 'open_proactive_case', caseId: PROACTIVE_ID, caseType: 'delayed', rule: 'late_delivery', delayWorkingDays: 2 },
    ]);
  });

  it('a parcel delivered on the promised day, or over the weekend only, opens nothing', () => {
    expect(outcome(proactiveOnly, delivered('2026-11-05T20:00:00')).actions).toEqual([]);
    const promisedFriday = { ...proactiveOnly, promisedBy: sh('2026-11-06T23:59:59').toISOString() };
    expect(outcome(promisedFriday, delivered('2026-11-08T12:00:00')).actions).toEqual([]);
  });

  it('the carrier saying lost opens a lost case', () => {
    expect(outcome(proactiveOnly, { status: 'exception', lost: true, lastEventAt: sh('2026-11-09T10:00:00').toISOString() }).actions).toEqual([
      { kind: 'open_proactive_case', caseId: PROACTIVE_ID, caseType: 'lost', rule: 'carrier_lost' },
    ]);
  });

  it("silence for the carrier's days opens a lost case (SF: 5 days), a shorter one does not", () => {
    expect(outcome(proactiveOnly, moving('2026-11-05T09:00:00')).actions).toEqual([{ kind: 'open_proactive_case', caseId: PROACTIVE_ID, caseType: 'lost', rule: 'no_scan' }]);
    expect(outcome(proactiveOnly, moving('2026-11-06T09:00:00')).actions).toEqual([]);
  });

  it('no scan at all counts from shipping', () => {
    const longAgo = { ...proactiveOnly, shippedAt: sh('2026-11-01T09:00:00').toISOString() };
    expect(outcome(longAgo, { status: 'pending', lost: false }).actions[0]).toMatchObject({ caseType: 'lost', rule: 'no_scan' });
    const recent = { ...proactiveOnly, shippedAt: sh('2026-11-07T09:00:00').toISOString() };
    expect(outcome(recent, { status: 'pending', lost: false }).actions).toEqual([]);
  });

  it('does nothing while switched off', () => {
    expect(outcome(proactiveOnly, delivered('2026-11-09T14:00:00'), false).actions).toEqual([]);
  });

  it('acts for every open watcher of the parcel at once', () => {
    expect(outcome(shipment(), delivered('2026-11-09T14:00:00')).actions.map((a) => a.kind)).toEqual(['return_arrived', 'open_proactive_case']);
  });
});

describe('keys and ids', () => {
  it('a shipment key ignores case and surrounding spaces', () => {
    expect(shipmentKey(' sf ', 'sf100')).toBe('SF#SF100');
  });

  it("a proactive case's request id is one per shipment and fits the contract's 128 characters", () => {
    expect(proactiveRequestId('sf', 'SF100')).toBe(proactiveRequestId('SF', 'sf100'));
    expect(proactiveRequestId('X'.repeat(64), 'Y'.repeat(64)).length).toBeLessThanOrEqual(128);
    expect(proactiveRequestId('X'.repeat(64), 'Y'.repeat(64))).not.toBe(proactiveRequestId('X'.repeat(64), 'Z'.repeat(64)));
  });
});

describe('poll backoff', () => {
  const opts = { baseSeconds: 300, capSeconds: 6 * 3600 };

  it('doubles its ceiling per failure up to the cap, with full jitter', () => {
    expect(pollBackoffSeconds(1, 0.999, opts)).toBe(300);
    expect(pollBackoffSeconds(3, 0.999, opts)).toBe(1199);
    expect(pollBackoffSeconds(20, 0.999, opts)).toBe(Math.round(0.999 * 6 * 3600));
    expect(pollBackoffSeconds(3, 0.5, opts)).toBe(600);
  });

  it("never sooner than the provider's Retry-After, and never zero", () => {
    expect(pollBackoffSeconds(1, 0.1, { ...opts, retryAfterSeconds: 120 })).toBe(120);
    expect(pollBackoffSeconds(1, 0, opts)).toBe(1);
  });

  it('a provider is down too long once it has failed for the threshold', () => {
    expect(providerDownTooLong('2026-11-10T01:00:00Z', new Date('2026-11-10T02:00:00Z'), 3600)).toBe(true);
    expect(providerDownTooLong('2026-11-10T01:00:01Z', new Date('2026-11-10T02:00:00Z'), 3600)).toBe(false);
  });
});
