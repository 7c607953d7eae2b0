import { describe, expect, it } from 'vitest';
import { carrierVerdict, type TrackingSnapshot } from '../../functions/domain/carrier-verdict.js';
import { cnCalendar } from '../../functions/domain/cn-calendar.js';
import { cnPolicy } from '../../functions/policies/cn.js';

const sh = (local: string) => new Date(`${local}+08:00`);
const MAX = cnPolicy.carrierMaxChecks;
/** Promised by Thursday 2026-11-05 end of day, Shanghai; "now" is Tuesday 2026-11-10. */
const PROMISED = sh('2026-11-05T23:59:59');
const NOW = sh('2026-11-10T10:00:00');

const moving: TrackingSnapshot = { status: 'in_transit', lost: false, lastEventAt: '2026-11-04T08:00:00Z' };
const delivered = (at: string): TrackingSnapshot => ({ status: 'delivered', lost: false, deliveredAt: new Date(`${at}+08:00`).toISOString() });

describe('carrierMaxChecks', () => {
  it('is 3 in the CN policy', () => {
    expect(MAX).toBe(3);
  });
});

describe('lost parcels', () => {
  const verdict = (tracking: TrackingSnapshot, checks: number) => carrierVerdict('lost', tracking, PROMISED, NOW, checks, cnPolicy, cnCalendar);

  it.each([1, MAX, MAX + 5])('confirmed when the carrier says lost (check %d)', (checks) => {
    expect(verdict({ status: 'exception', lost: true }, checks)).toEqual({ verdict: 'confirmed', rule: 'lost.carrier_confirmed' });
  });

  it.each([1, MAX])('refuted when the carrier shows it delivered (check %d)', (checks) => {
    expect(verdict(delivered('2026-11-06T12:00:00'), checks)).toEqual({ verdict: 'refuted', rule: 'lost.carrier_delivered', reasonCode: 'carrier_delivered' });
  });

  it.each([
    [1, moving],
    [MAX - 1, moving],
    [1, { status: 'exception', lost: false } as TrackingSnapshot],
    [1, { status: 'pending', lost: false } as TrackingSnapshot],
  ])('pending before the last check (check %d, %o)', (checks, tracking) => {
    expect(verdict(tracking, checks)).toEqual({ verdict: 'pending', rule: 'lost.awaiting_carrier' });
  });

  it.each([MAX, MAX + 1])('refuted as not confirmed at check %d', (checks) => {
    expect(verdict(moving, checks)).toEqual({ verdict: 'refuted', rule: 'lost.not_confirmed', reasonCode: 'loss_not_confirmed' });
  });

  it('follows the maximum of the policy it is given', () => {
    const patient = { ...cnPolicy, carrierMaxChecks: 10 };
    expect(carrierVerdict('lost', moving, PROMISED, NOW, MAX, patient, cnCalendar).verdict).toBe('pending');
    expect(carrierVerdict('lost', moving, PROMISED, NOW, 10, patient, cnCalendar).verdict).toBe('refuted');
  });
});

describe('delayed parcels delivered', () => {
  const verdict = (tracking: TrackingSnapshot, checks = 1, promised = PROMISED) => carrierVerdict('delayed', tracking, promised, NOW, checks, cnPolicy, cnCalendar);

  it.each([
    ['before the promise', '2026-11-04T15:00:00'],
    ['on the promised day, late in the evening', '2026-11-05T23:30:00'],
  ])('on time %s', (_name, at) => {
    expect(verdict(delivered(at))).toEqual({ verdict: 'refuted', rule: 'delayed.on_time', reasonCode: 'delivered_on_time' });
  });

  it.each([
    ['Saturday', '2026-11-07T10:00:00'],
    ['Sunday', '2026-11-08T22:00:00'],
  ])('promised by Friday, delivered on the %s after: no working day late', (_name, at) => {
    expect(verdict(delivered(at), 1, sh('2026-11-06T23:59:59'))).toEqual({ verdict: 'refuted', rule: 'delayed.on_time', reasonCode: 'delivered_on_time' });
  });

  it.each([
    ['the next morning (Friday)', '2026-11-06T00:30:00', 1],
    ['on Saturday (Friday counts)', '2026-11-07T10:00:00', 1],
    ['the next Monday', '2026-11-09T09:00:00', 2],
    ['a week later', '2026-11-12T18:00:00', 5],
  ])('late, delivered %s: %d working day(s)', (_name, at, days) => {
    expect(verdict(delivered(at))).toEqual({ verdict: 'confirmed', rule: 'delayed.working_days_late', delayWorkingDays: days });
  });

  it('counts working days across National Day 2025, make-up Saturday included', () => {
    const promised = sh('2025-09-30T23:59:59');
    // Oct 1-8 are holidays: delivered on Oct 9 is one working day late, not nine calendar days.
    expect(verdict(delivered('2025-10-09T10:00:00'), 1, promised)).toMatchObject({ verdict: 'confirmed', delayWorkingDays: 1 });
    expect(verdict(delivered('2025-10-08T10:00:00'), 1, promised)).toMatchObject({ verdict: 'refuted', reasonCode: 'delivered_on_time' });
    // Oct 9, 10 and the make-up Saturday Oct 11.
    expect(verdict(delivered('2025-10-11T10:00:00'), 1, promised)).toMatchObject({ verdict: 'confirmed', delayWorkingDays: 3 });
  });

  it('measures in Shanghai days: delivered 00:30 on the next day is late even though it is the same UTC day', () => {
    const promised = new Date('2026-11-05T15:00:00Z'); // Thursday 23:00 in Shanghai
    const tracking: TrackingSnapshot = { status: 'delivered', lost: false, deliveredAt: '2026-11-05T16:30:00Z' }; // Friday 00:30
    expect(verdict(tracking, 1, promised)).toMatchObject({ verdict: 'confirmed', delayWorkingDays: 1 });
  });

  it('a delivery on the last check is still measured by its delivery time, not by now', () => {
    expect(verdict(delivered('2026-11-06T10:00:00'), MAX)).toEqual({ verdict: 'confirmed', rule: 'delayed.working_days_late', delayWorkingDays: 1 });
  });
});

describe('delayed parcels still moving', () => {
  const verdict = (checks: number, now: Date, tracking: TrackingSnapshot = moving, promised = PROMISED) =>
    carrierVerdict('delayed', tracking, promised, now, checks, cnPolicy, cnCalendar);

  it.each([1, MAX - 1])('pending before the last check (check %d)', (checks) => {
    expect(verdict(checks, NOW)).toEqual({ verdict: 'pending', rule: 'delayed.still_moving' });
  });

  it('a "delivered" status without a delivery time is treated as still moving', () => {
    expect(verdict(1, NOW, { status: 'delivered', lost: false })).toEqual({ verdict: 'pending', rule: 'delayed.still_moving' });
  });

  it('on the last check the delay so far is owed', () => {
    // Promised Thu 2026-11-05; now Tue 2026-11-10: Fri 6, Mon 9, Tue 10.
    expect(verdict(MAX, NOW)).toEqual({ verdict: 'confirmed', rule: 'delayed.late_so_far', delayWorkingDays: 3 });
  });

  it('on the last check a parcel not yet late is refuted', () => {
    expect(verdict(MAX, sh('2026-11-05T20:00:00'))).toEqual({ verdict: 'refuted', rule: 'delayed.not_yet_late', reasonCode: 'not_late' });
    // Promised by Friday: over the weekend right after it, the parcel is still not a working day late.
    expect(verdict(MAX, sh('2026-11-08T20:00:00'), moving, sh('2026-11-06T23:59:59'))).toMatchObject({ verdict: 'refuted', reasonCode: 'not_late' });
    // …and on Monday it is.
    expect(verdict(MAX, sh('2026-11-09T08:00:00'), moving, sh('2026-11-06T23:59:59'))).toMatchObject({ verdict: 'confirmed', delayWorkingDays: 1 });
  });
});

describe('other case types', () => {
  it.each(['return', 'exchange', 'repair', 'damaged', 'quality', 'missing_part'] as const)('%s is not decided by the carrier', (type) => {
    expect(() => carrierVerdict(type, moving, PROMISED, NOW, 1, cnPolicy, cnCalendar)).toThrow(/does not apply/);
  });
});

describe('lost parcels: no scan for N days (002 §4.1)', () => {
  const silentSince = (days: number, status: TrackingSnapshot['status'] = 'in_transit'): TrackingSnapshot => ({
    status,
    lost: false,
    lastEventAt: new Date(NOW.getTime() - days * 86_400_000).toISOString(),
  });
  const verdict = (tracking: TrackingSnapshot, carrier?: string) => carrierVerdict('lost', tracking, PROMISED, NOW, 1, cnPolicy, cnCalendar, carrier);

  it('confirms a loss once the newest scan is older than the policy default (7 days in CN)', () => {
    expect(verdict(silentSince(7))).toEqual({ verdict: 'confirmed', rule: 'lost.no_scan' });
    expect(verdict(silentSince(6.9))).toEqual({ verdict: 'pending', rule: 'lost.awaiting_carrier' });
  });

  it("uses the carrier's own limit, matched case-insensitively (SF 5 days, EMS 10 days in CN)", () => {
    expect(verdict(silentSince(5), 'SF').verdict).toBe('confirmed');
    expect(verdict(silentSince(5), 'sf').verdict).toBe('confirmed');
    expect(verdict(silentSince(9), 'EMS').verdict).toBe('pending');
    expect(verdict(silentSince(10), 'EMS').verdict).toBe('confirmed');
  });

  it('does not count a parcel back with its sender, or one without any scan, and needs the policy rule', () => {
    expect(verdict(silentSince(30, 'returned_to_sender')).verdict).not.toBe('confirmed');
    expect(verdict({ status: 'pending', lost: false })).toEqual({ verdict: 'pending', rule: 'lost.awaiting_carrier' });
    const { tracking: _omit, ...withoutRule } = cnPolicy;
    expect(carrierVerdict('lost', silentSince(30), PROMISED, NOW, 1, withoutRule, cnCalendar).verdict).toBe('pending');
  });
});

describe('lost parcels whose provider stopped tracking (17TRACK TRACKING_STOPPED)', () => {
  const silentSince = (days: number): TrackingSnapshot => ({ status: 'in_transit', lost: false, lastEventAt: new Date(NOW.getTime() - days * 86_400_000).toISOString() });
  const stopped = (tracking: TrackingSnapshot, checks = 1) => carrierVerdict('lost', tracking, PROMISED, NOW, checks, cnPolicy, cnCalendar, 'sf', { trackingStopped: true });

  it('silence beyond the limit is not a loss: an operator decides', () => {
    expect(stopped(silentSince(30))).toEqual({ verdict: 'manual', rule: 'lost.tracking_stopped' });
    // The same silence without the flag confirms the loss, as before.
    expect(carrierVerdict('lost', silentSince(30), PROMISED, NOW, 1, cnPolicy, cnCalendar, 'sf').verdict).toBe('confirmed');
  });

  it('nor is the last check without a confirmation a refusal', () => {
    expect(stopped(silentSince(1), MAX)).toEqual({ verdict: 'manual', rule: 'lost.tracking_stopped' });
  });

  it('inside the silence window the claim still waits, and explicit signals still decide', () => {
    expect(stopped(silentSince(1))).toEqual({ verdict: 'pending', rule: 'lost.awaiting_carrier' });
    expect(stopped({ status: 'exception', lost: true, lastEventAt: silentSince(30).lastEventAt }, MAX)).toEqual({ verdict: 'confirmed', rule: 'lost.carrier_confirmed' });
    expect(stopped(delivered('2026-11-06T12:00:00'), MAX)).toMatchObject({ verdict: 'refuted', rule: 'lost.carrier_delivered' });
  });
});
