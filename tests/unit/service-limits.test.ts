import { describe, expect, it } from 'vitest';
import { CASE_TYPES } from '../../functions/domain/case.js';
import { cnCalendar } from '../../functions/domain/cn-calendar.js';
import { cnPolicy } from '../../functions/policies/cn.js';
import { serviceDueAt, serviceFor } from '../../functions/domain/service-limits.js';

const sh = (local: string) => new Date(`${local}+08:00`);
const endOfShanghaiDay = (date: string) => new Date(`${date}T23:59:59.999+08:00`).toISOString();

describe('service limits of the CN policy (DOMAIN.md "Service time limits")', () => {
  it('are 7/3 working days for returns, 15/7 for exchanges, 20/10 for repairs', () => {
    expect(cnPolicy.serviceLimits).toEqual({
      return: { standard: 7, expedited: 3 },
      exchange: { standard: 15, expedited: 7 },
      repair: { standard: 20, expedited: 10 },
    });
  });
});

describe('serviceFor', () => {
  it.each([
    ['return', 'return'],
    ['quality', 'return'],
    ['exchange', 'exchange'],
    ['repair', 'repair'],
    ['lost', undefined],
    ['delayed', undefined],
    ['damaged', undefined],
    ['missing_part', undefined],
  ] as const)('%s → %s', (type, service) => {
    expect(serviceFor(type)).toBe(service);
  });

  it('covers every case type', () => {
    expect(CASE_TYPES.map((type) => [type, serviceFor(type)]).filter(([, service]) => service !== undefined).map(([type]) => type).sort()).toEqual(
      ['exchange', 'quality', 'repair', 'return'],
    );
  });
});

describe('serviceDueAt (working days counted from arrival at the service center, Asia/Shanghai)', () => {
  // Arrival: Thursday 2026-11-12 14:30 in Shanghai. Working days after it: Fri 13, Mon 16 … (no holidays in Nov/Dec 2026).
  const arrivedAt = sh('2026-11-12T14:30:00');

  it.each([
    ['return', false, 7, '2026-11-23'],
    ['return', true, 3, '2026-11-17'],
    ['quality', false, 7, '2026-11-23'],
    ['quality', true, 3, '2026-11-17'],
    ['exchange', false, 15, '2026-12-03'],
    ['exchange', true, 7, '2026-11-23'],
    ['repair', false, 20, '2026-12-10'],
    ['repair', true, 10, '2026-11-26'],
  ] as const)('%s (expedited: %s) → %d working days, due at the end of %s', (type, expedited, workingDays, day) => {
    const due = serviceDueAt(type, expedited, arrivedAt, cnPolicy, cnCalendar);
    expect(due).toBeDefined();
    expect(due!.workingDays).toBe(workingDays);
    expect(due!.dueAt.toISOString()).toBe(endOfShanghaiDay(day));
  });

  it.each(['lost', 'delayed', 'damaged', 'missing_part'] as const)('%s has no service limit', (type) => {
    expect(serviceDueAt(type, false, arrivedAt, cnPolicy, cnCalendar)).toBeUndefined();
    expect(serviceDueAt(type, true, arrivedAt, cnPolicy, cnCalendar)).toBeUndefined();
  });

  it('extends over National Day and counts the make-up Saturday (000 §5.1.2)', () => {
    // Arrival Tue 2025-09-30: Oct 9, 10, 11 (make-up Saturday), 13, 14, 15, 16.
    const due = serviceDueAt('return', false, sh('2025-09-30T11:00:00'), cnPolicy, cnCalendar);
    expect(due?.dueAt.toISOString()).toBe(endOfShanghaiDay('2025-10-16'));
  });

  it('extends over Spring Festival 2026', () => {
    // Arrival Thu 2026-02-12: Feb 13, 14 (make-up Saturday), 24 → expedited return due 2026-02-24.
    const due = serviceDueAt('return', true, sh('2026-02-12T16:00:00'), cnPolicy, cnCalendar);
    expect(due?.dueAt.toISOString()).toBe(endOfShanghaiDay('2026-02-24'));
  });

  it('starts from the Shanghai day of an arrival late in the UTC day', () => {
    // 2026-11-12T17:00Z is Friday 01:00 in Shanghai: three working days later is Wednesday, not Tuesday.
    const due = serviceDueAt('return', true, new Date('2026-11-12T17:00:00Z'), cnPolicy, cnCalendar);
    expect(due?.dueAt.toISOString()).toBe(endOfShanghaiDay('2026-11-18'));
  });

  it('reads the limits from the policy it is given', () => {
    const policy = { ...cnPolicy, serviceLimits: { ...cnPolicy.serviceLimits, return: { standard: 1, expedited: 1 } } };
    expect(serviceDueAt('return', false, arrivedAt, policy, cnCalendar)).toEqual({ dueAt: new Date(endOfShanghaiDay('2026-11-13')), workingDays: 1 });
  });
});
