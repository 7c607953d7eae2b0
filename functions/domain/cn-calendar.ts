import calendarData from 'chinese-days/dist/chinese-days.json' with { type: 'json' };
import type { WorkingDayCalendar } from './working-days.js';

/**
 * Mainland China: statutory holidays and weekend make-up working days (调休), from the chinese-days data set.
 * The data is read directly: the package's isWorkday() reads weekdays with local-time getters and answers wrongly
 * in a process west of UTC. Beyond the last year the data covers (the State Council publishes a year at a time),
 * only weekends are known; `coversDate` lets callers flag such results.
 */
const holidays: Record<string, string> = calendarData.holidays;
const makeUpWorkdays: Record<string, string> = calendarData.workdays;
const lastCoveredYear = Math.max(...Object.keys(holidays).map((date) => Number(date.slice(0, 4))));

function isWorkingDay(localDate: string): boolean {
  if (makeUpWorkdays[localDate] !== undefined) return true;
  if (holidays[localDate] !== undefined) return false;
  const weekday = new Date(`${localDate}T00:00:00Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6;
}

export const cnCalendar: WorkingDayCalendar & { coversDate(localDate: string): boolean; lastCoveredYear: number } = {
  timeZone: 'Asia/Shanghai',
  lastCoveredYear,
  isWorkingDay,
  coversDate: (localDate) => Number(localDate.slice(0, 4)) <= lastCoveredYear,
};
