import { createCnCalendar } from './cn-calendar.js';
import type { AftersalesPolicy } from './policy.js';
import type { CalendarCoverage, CalendarYear, WorkingDayCalendar } from './working-days.js';

type CalendarFactory = (extraYears: CalendarYear[]) => WorkingDayCalendar & { readonly covers: CalendarCoverage };

/** Each market's working-day calendar: its zone, its statutory data. Add a market by adding its factory. */
const CALENDARS: Record<string, CalendarFactory> = { CN: createCnCalendar };

/** The calendar of the policy's market, with the years the policy adds to its library's data. */
export function calendarFor(policy: AftersalesPolicy): WorkingDayCalendar & { readonly covers: CalendarCoverage } {
  const factory = CALENDARS[policy.market];
  if (!factory) throw new Error(`no working-day calendar for market ${policy.market}; known: ${Object.keys(CALENDARS).join(', ')}`);
  return factory(policy.calendar.extraYears);
}
