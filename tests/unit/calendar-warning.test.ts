/** wiring.warnIfCalendarEndsSoon: the cold-start warning that the working-day calendar's data is about to end. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cnPolicy } from '../../functions/policies/cn.js';
import { calendarFor, type MarketCalendar } from '../../functions/domain/market-calendar.js';
import type { AftersalesPolicy } from '../../functions/domain/policy.js';
import { warnIfCalendarEndsSoon } from '../../functions/wiring.js';
import { logger } from '../../functions/wiring/logging.js';

/** What a cold start does with a market's calendar: build it, and warn if its data ends soon. */
function marketCalendar(policy: AftersalesPolicy, now: Date): MarketCalendar {
  const calendar = calendarFor(policy);
  warnIfCalendarEndsSoon({ code: policy.market, calendar }, now);
  return calendar;
}

afterEach(() => vi.restoreAllMocks());

describe('a market calendar at cold start', () => {
  it('warns when the data ends within 60 days, naming the market and the last covered day', () => {
    const warn = vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
    const calendar = marketCalendar(cnPolicy, new Date('2026-11-23T00:00:00Z'));
    expect(calendar.covers.to).toBe('2026-12-31');
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![1]).toEqual({ market: 'CN', calendarEndsOn: '2026-12-31', provisionalThrough: '2028-12-31', daysLeft: 38 });
  });

  it('stays quiet earlier, and warns (with days left below zero) once the data has ended', () => {
    const warn = vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
    marketCalendar(cnPolicy, new Date('2026-10-01T00:00:00Z'));
    expect(warn).not.toHaveBeenCalled();
    marketCalendar(cnPolicy, new Date('2027-01-10T00:00:00Z'));
    expect(warn.mock.calls[0]![1]).toMatchObject({ daysLeft: -10 });
  });

  it('counts the years the policy adds', () => {
    const warn = vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
    const policy = { ...cnPolicy, calendar: { extraYears: [{ year: 2027, source: 'test', holidays: ['2027-01-01'], makeUpWorkdays: [] }] } };
    expect(marketCalendar(policy, new Date('2026-11-23T00:00:00Z')).covers.to).toBe('2027-12-31');
    expect(warn).not.toHaveBeenCalled();
  });
});
