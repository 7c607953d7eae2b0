/** Working time (functions/domain/working-time.ts): what a pause costs, and how far a due time moves, on the CN calendar. */
import { describe, expect, it } from 'vitest';
import { cnCalendar } from '../../functions/domain/cn-calendar.js';
import { CalendarDataMissing, type WorkingDayCalendar } from '../../functions/domain/working-days.js';
import { addWorkingTime, workingTimeBetween } from '../../functions/domain/working-time.js';

const sh = (local: string) => new Date(`${local}+08:00`);
const HOUR = 3_600_000;

describe('workingTimeBetween (the part of [from, to) on working days, Asia/Shanghai)', () => {
  it.each([
    ['within a working day', '2026-11-23T10:00:00', '2026-11-23T15:00:00', 5 * HOUR],
    ['Friday evening to Monday morning: the weekend costs nothing', '2026-11-20T18:00:00', '2026-11-23T09:00:00', 6 * HOUR + 9 * HOUR],
    ['a whole weekend', '2026-11-21T00:00:00', '2026-11-23T00:00:00', 0],
    ['across National Day 2025 (Oct 1–8 off)', '2025-09-30T12:00:00', '2025-10-09T12:00:00', 24 * HOUR],
    ['the make-up Sunday before National Day 2025 counts', '2025-09-27T00:00:00', '2025-09-29T00:00:00', 24 * HOUR],
    ['across Spring Festival 2026, make-up Saturdays included', '2026-02-14T00:00:00', '2026-03-01T00:00:00', 6 * 24 * HOUR],
    ['across the year boundary (Jan 1–3 off, Sunday Jan 4 worked)', '2025-12-31T18:00:00', '2026-01-04T06:00:00', 6 * HOUR + 6 * HOUR],
    ['to before from', '2026-11-23T15:00:00', '2026-11-23T10:00:00', 0],
  ] as const)('%s', (_what, from, to, expected) => {
    expect(workingTimeBetween(sh(from), sh(to), cnCalendar)).toBe(expected);
  });

  it('counts Shanghai days, not UTC days: Friday 23:00 to Saturday 01:00 in Shanghai is one working hour', () => {
    expect(workingTimeBetween(new Date('2026-11-20T15:00:00Z'), new Date('2026-11-20T17:00:00Z'), cnCalendar)).toBe(HOUR);
  });
});

describe('addWorkingTime', () => {
  const endOf = (date: string) => sh(`${date}T23:59:59.999`);

  it.each([
    ['nothing', '2026-11-20', 0, '2026-11-20'],
    ['one working day from the end of a Friday lands at the end of Monday', '2026-11-20', 24 * HOUR, '2026-11-23'],
    ['one working day from the end of Sep 30 2025 jumps National Day', '2025-09-30', 24 * HOUR, '2025-10-09'],
    ['two working days from the end of Friday Oct 10 2025 use the make-up Saturday', '2025-10-10', 48 * HOUR, '2025-10-13'],
    ['one working day from the end of Friday Feb 13 2026 is the make-up Saturday', '2026-02-13', 24 * HOUR, '2026-02-14'],
    ['two working days from there jump Spring Festival', '2026-02-13', 48 * HOUR, '2026-02-24'],
  ] as const)('%s', (_what, from, ms, to) => {
    expect(addWorkingTime(endOf(from), ms, cnCalendar).toISOString()).toBe(endOf(to).toISOString());
  });

  it('moves within the day when the time fits: 5 h from Monday 10:00 is Monday 15:00', () => {
    expect(addWorkingTime(sh('2026-11-23T10:00:00'), 5 * HOUR, cnCalendar).toISOString()).toBe(sh('2026-11-23T15:00:00').toISOString());
  });

  it('starting on a rest day, begins at the next working day', () => {
    expect(addWorkingTime(sh('2026-11-21T10:00:00'), 2 * HOUR, cnCalendar).toISOString()).toBe(sh('2026-11-23T02:00:00').toISOString());
  });

  it('is the inverse of workingTimeBetween', () => {
    const start = sh('2025-09-25T09:30:00');
    for (let ms = 0; ms <= 20 * 24 * HOUR; ms += 7 * HOUR + 1234) {
      expect(workingTimeBetween(start, addWorkingTime(start, ms, cnCalendar), cnCalendar), `ms=${ms}`).toBe(ms);
    }
  });

  it('fails loudly past the calendar’s horizon (its data and the years it predicts)', () => {
    expect(() => addWorkingTime(sh('2028-12-28T10:00:00'), 5 * 24 * HOUR, cnCalendar)).toThrow(CalendarDataMissing);
    expect(() => workingTimeBetween(sh('2028-12-28T10:00:00'), sh('2029-01-05T10:00:00'), cnCalendar)).toThrow(CalendarDataMissing);
  });

  it('gives up on a calendar with no working days instead of looping for ever', () => {
    const restOnly: WorkingDayCalendar = { timeZone: 'UTC', isWorkingDay: () => false };
    expect(() => addWorkingTime(new Date('2026-01-01T00:00:00Z'), HOUR, restOnly)).toThrow(RangeError);
  });
});
