/**
 * The CN calendar at its edges: the 2026 Spring Festival and the 2025 National Day with their weekend make-up working
 * days, the 2025→2026 year boundary, the end of the library's data (an error, never a weekends-only guess), and the
 * years a market policy adds (functions/policies/cn.ts `calendar.extraYears`).
 */
import { describe, expect, it } from 'vitest';
import { createCnCalendar, cnCalendar } from '../../functions/domain/cn-calendar.js';
import { calendarFor } from '../../functions/domain/market-calendar.js';
import { parsePolicy } from '../../functions/domain/policy.js';
import { addWorkingDays, CalendarDataMissing, type CalendarYear } from '../../functions/domain/working-days.js';
import { cnPolicy } from '../../functions/policies/cn.js';

const sh = (local: string) => new Date(`${local}+08:00`);
const endOfShanghaiDay = (date: string) => new Date(`${date}T23:59:59.999+08:00`).toISOString();
const workingDaysIn = (from: string, to: string) => {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) {
    const day = new Date(t).toISOString().slice(0, 10);
    if (cnCalendar.isWorkingDay(day)) out.push(day);
  }
  return out;
};

describe('2026 Spring Festival (holiday Feb 15–23, make-up Saturdays Feb 14 and Feb 28)', () => {
  it('works the make-up Saturdays, rests the nine days between', () => {
    expect(workingDaysIn('2026-02-13', '2026-03-02')).toEqual(['2026-02-13', '2026-02-14', '2026-02-24', '2026-02-25', '2026-02-26', '2026-02-27', '2026-02-28', '2026-03-02']);
  });

  it('a return arriving on the make-up Saturday, expedited (3 working days), is due at the end of Feb 26', () => {
    expect(addWorkingDays(sh('2026-02-14T15:00:00'), 3, cnCalendar).toISOString()).toBe(endOfShanghaiDay('2026-02-26'));
  });
});

describe('2025 National Day (holiday Oct 1–8, make-up Sunday Sep 28 and Saturday Oct 11)', () => {
  it('works the make-up weekend days, rests the eight days of the break', () => {
    expect(workingDaysIn('2025-09-26', '2025-10-13')).toEqual(['2025-09-26', '2025-09-28', '2025-09-29', '2025-09-30', '2025-10-09', '2025-10-10', '2025-10-11', '2025-10-13']);
  });

  it('a return arriving on Saturday Sep 27 (a rest day), standard (7 working days), is due at the end of Oct 13', () => {
    // Sep 28 (make-up Sunday), 29, 30, Oct 9, 10, 11 (make-up Saturday), 13.
    expect(addWorkingDays(sh('2025-09-27T09:00:00'), 7, cnCalendar).toISOString()).toBe(endOfShanghaiDay('2025-10-13'));
  });
});

describe('the year boundary 2025 → 2026 (New Year Jan 1–3, make-up Sunday Jan 4)', () => {
  it('counts from New Year’s Eve into the new year', () => {
    expect(workingDaysIn('2025-12-30', '2026-01-06')).toEqual(['2025-12-30', '2025-12-31', '2026-01-04', '2026-01-05', '2026-01-06']);
    expect(addWorkingDays(sh('2025-12-31T20:00:00'), 3, cnCalendar).toISOString()).toBe(endOfShanghaiDay('2026-01-06'));
  });

  it('takes the day in Shanghai: 2025-12-31T16:30Z is already New Year’s Day', () => {
    expect(addWorkingDays(new Date('2025-12-31T16:30:00Z'), 1, cnCalendar).toISOString()).toBe(endOfShanghaiDay('2026-01-04'));
  });
});

describe('the end of the data', () => {
  it('counts up to the last covered day', () => {
    expect(addWorkingDays(sh('2026-12-28T10:00:00'), 3, cnCalendar).toISOString()).toBe(endOfShanghaiDay('2026-12-31'));
  });

  it('then counts on the years it predicts by rule (tests/unit/provisional-calendar.test.ts)', () => {
    expect(addWorkingDays(sh('2026-12-28T10:00:00'), 7, cnCalendar).toISOString()).toBe(endOfShanghaiDay('2027-01-07'));
  });

  it('throws CalendarDataMissing past its horizon, naming the first missing date, the data and the horizon, instead of a guessed date', () => {
    let thrown: unknown;
    try {
      addWorkingDays(sh('2028-12-28T10:00:00'), 7, cnCalendar);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(CalendarDataMissing);
    expect(thrown).toMatchObject({ name: 'CalendarDataMissing', date: '2029-01-01', covers: { from: '2004-01-01', to: '2026-12-31' }, provisionalThrough: '2028-12-31' });
    // Without predicted years (provisionalYears 0) the data's own end is the horizon, as before.
    expect(() => addWorkingDays(sh('2026-12-28T10:00:00'), 7, createCnCalendar([], { provisionalYears: 0 }))).toThrow(/no working-day data for 2027-01-01/);
  });
});

describe('years added by the market policy', () => {
  // Test data in the shape of a State Council notice; not the real 2027 schedule.
  const year2027: CalendarYear = { year: 2027, source: 'test notice', holidays: ['2027-01-01', '2027-01-02', '2027-01-03'], makeUpWorkdays: ['2027-01-09'] };

  it('extend the covered range and are used: rest on their holidays, work on their make-up days', () => {
    const calendar = createCnCalendar([year2027]);
    expect(calendar.covers).toEqual({ from: '2004-01-01', to: '2027-12-31' });
    expect(calendar.isWorkingDay('2027-01-01')).toBe(false); // a Friday, but a holiday
    expect(calendar.isWorkingDay('2027-01-04')).toBe(true);
    expect(calendar.isWorkingDay('2027-01-09')).toBe(true); // a Saturday, but a make-up day
    expect(addWorkingDays(sh('2026-12-28T10:00:00'), 7, calendar).toISOString()).toBe(endOfShanghaiDay('2027-01-07'));
    // The horizon moves with them: 2028 and 2029 are predicted, 2030 is beyond.
    expect(calendar.provisionalThrough).toBe('2029-12-31');
    expect(calendar.isWorkingDay('2028-01-03')).toBe(false); // New Year's Day 2028 is a Saturday: made up on Monday
    expect(() => calendar.isWorkingDay('2030-01-02')).toThrow(CalendarDataMissing);
  });

  it('replace the library’s data for a year they give', () => {
    const calendar = createCnCalendar([{ year: 2026, source: 'test', holidays: ['2026-11-23'], makeUpWorkdays: [] }]);
    expect(calendar.isWorkingDay('2026-11-23')).toBe(false);
    expect(calendar.isWorkingDay('2026-10-01')).toBe(true); // the library's National Day is replaced too
    expect(calendar.covers.to).toBe('2026-12-31');
  });

  it.each([
    ['a gap after the data', [{ ...year2027, year: 2028, holidays: ['2028-01-01'], makeUpWorkdays: [] }], /2028 leaves a gap after 2026/],
    ['a date outside its year', [{ ...year2027, holidays: ['2028-01-01'] }], /2028-01-01 is not a date of 2027/],
    ['an impossible date', [{ ...year2027, holidays: ['2027-02-30'] }], /2027-02-30 is not a date of 2027/],
    ['a day both off and worked', [{ ...year2027, makeUpWorkdays: ['2027-01-02'] }], /2027-01-02 is both a holiday and a make-up working day/],
  ])('are refused at cold start: %s', (_what, years, message) => {
    expect(() => createCnCalendar(years)).toThrow(message);
  });

  it('come from the policy: calendarFor(policy) builds the market’s calendar with them', () => {
    const policy = parsePolicy({ ...structuredClone(cnPolicy), calendar: { extraYears: [year2027] } });
    expect(calendarFor(policy).covers.to).toBe('2027-12-31');
    expect(calendarFor(cnPolicy).covers).toEqual(cnCalendar.covers);
    expect(() => calendarFor({ ...cnPolicy, market: 'XX' })).toThrow(/no working-day calendar for market XX/);
  });

  it('are checked by parsePolicy: shape, and no year twice', () => {
    expect(() => parsePolicy({ ...structuredClone(cnPolicy), calendar: { extraYears: [year2027, year2027] } })).toThrow(/calendar.extraYears lists a year twice/);
    expect(() => parsePolicy({ ...structuredClone(cnPolicy), calendar: { extraYears: [{ ...year2027, holidays: ['1/1/2027'] }] } })).toThrow(/calendar.extraYears.0.holidays.0/);
    expect(() => parsePolicy({ ...structuredClone(cnPolicy), calendar: { extraYears: [{ ...year2027, source: '' }] } })).toThrow(/calendar.extraYears.0.source/);
  });
});
