// Working-day arithmetic on the Chinese statutory calendar, in Asia/Shanghai, because carrier
// promises and lateness are judged in the buyer's local calendar, not in UTC.
//
// The calendar is the pipeline's own (the CN market's: chinese-days' statutory holidays and weekend make-up working
// days, plus any years the policy adds), so the simulator and the code it tests count days the same way.
import { calendarFor } from '../../functions/domain/market-calendar.js';
import { addCalendarDays, localDateOf } from '../../functions/domain/working-days.js';
import { cnPolicy } from '../../functions/policies/cn.js';

const cnCalendar = calendarFor(cnPolicy);

export { addCalendarDays };

/** Asia/Shanghai has been UTC+8 with no daylight saving since 1991. */
const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;

/** A calendar date such as `2025-09-30`. */
export type CalendarDate = string;

const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isCalendarDate(value: string): boolean {
  const m = CALENDAR_DATE.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === value;
}

/** The Shanghai calendar date on which an instant falls. */
export function shanghaiDateOf(instant: Date): CalendarDate {
  return localDateOf(instant, cnCalendar.timeZone);
}

/** The instant of `hour:00` Shanghai time on a calendar date. */
export function shanghaiTime(date: CalendarDate, hour: number): Date {
  return new Date(Date.parse(`${date}T00:00:00Z`) + hour * 60 * 60 * 1000 - SHANGHAI_OFFSET_MS);
}

/** True on ordinary weekdays and weekend make-up days, false on weekends and statutory holidays. */
export function isChinaWorkday(date: CalendarDate): boolean {
  return cnCalendar.isWorkingDay(date);
}

/** The n-th working day strictly after `date` (n = 0 returns `date` itself). */
export function addChinaWorkdays(date: CalendarDate, n: number): CalendarDate {
  let current = date;
  for (let remaining = n; remaining > 0; ) {
    current = addCalendarDays(current, 1);
    if (isChinaWorkday(current)) remaining--;
  }
  return current;
}

/** The first working day strictly after `date`. */
export function nextChinaWorkday(date: CalendarDate): CalendarDate {
  return addChinaWorkdays(date, 1);
}
