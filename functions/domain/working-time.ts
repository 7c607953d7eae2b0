import { addCalendarDays, endOfLocalDay, localDateOf, type WorkingDayCalendar } from './working-days.js';

/**
 * Working time: the part of an interval that falls on working days, each counted whole (local midnight to midnight
 * in the calendar's zone). Service limits are counted in working days, so the time a clock stands still (a pause) or
 * the warning before a due time is measured the same way: a pause over a weekend or a holiday costs no working time,
 * and a due time shifted by one working day of pause moves past the rest days in between.
 */

/** A bound on the days walked: far more than any service limit or pause, and no endless loop on a rest-only calendar. */
const MAX_DAYS = 3660;

const startOfNextDay = (localDate: string, timeZone: string) => endOfLocalDay(localDate, timeZone).getTime() + 1;

/** The working time in [from, to), in ms; 0 when `to` is not after `from`. */
export function workingTimeBetween(from: Date, to: Date, calendar: WorkingDayCalendar): number {
  let total = 0;
  let cursor = from.getTime();
  let day = localDateOf(from, calendar.timeZone);
  for (let walked = 0; cursor < to.getTime(); walked += 1) {
    if (walked > MAX_DAYS) throw new RangeError(`interval longer than ${MAX_DAYS} days`);
    const segmentEnd = Math.min(startOfNextDay(day, calendar.timeZone), to.getTime());
    if (calendar.isWorkingDay(day)) total += segmentEnd - cursor;
    cursor = segmentEnd;
    day = addCalendarDays(day, 1);
  }
  return total;
}

/**
 * The instant `workingMs` of working time after `start`: rest days and holidays are stepped over, make-up working days
 * count. From the end of a working day (a due time), one working day of 24 h lands at the end of the next one.
 */
export function addWorkingTime(start: Date, workingMs: number, calendar: WorkingDayCalendar): Date {
  let remaining = workingMs;
  let cursor = start.getTime();
  let day = localDateOf(start, calendar.timeZone);
  for (let walked = 0; remaining > 0; walked += 1) {
    if (walked > MAX_DAYS) throw new RangeError(`no ${workingMs} ms of working time within ${MAX_DAYS} days`);
    const dayEnd = startOfNextDay(day, calendar.timeZone);
    if (calendar.isWorkingDay(day)) {
      if (remaining <= dayEnd - cursor) return new Date(cursor + remaining);
      remaining -= dayEnd - cursor;
    }
    cursor = dayEnd;
    day = addCalendarDays(day, 1);
  }
  return new Date(cursor);
}
