import { createCnCalendar } from './cn-calendar.js';
import { createDeCalendar } from './de-calendar.js';
import type { AftersalesPolicy } from './policy.js';
import type { CalendarCoverage, CalendarYear, WorkingDayCalendar } from './working-days.js';

/** A market's calendar: its published data (`covers`) and the last date it predicts by rule (`provisionalThrough`). */
export type MarketCalendar = WorkingDayCalendar & { readonly covers: CalendarCoverage; readonly provisionalThrough: string };
/** Builds a market's calendar with the years its policy adds to the library's data. */
export type CalendarFactory = (extraYears: CalendarYear[]) => MarketCalendar;

/** Each market's working-day calendar: its zone, its statutory data. Add a market by adding its factory. */
export const CALENDARS: Readonly<Record<string, CalendarFactory>> = { CN: createCnCalendar, DE: createDeCalendar };

/** The calendar of the policy's market, with the years the policy adds to its library's data. */
export function calendarFor(policy: AftersalesPolicy, calendars: Readonly<Record<string, CalendarFactory>> = CALENDARS): MarketCalendar {
  const factory = Object.hasOwn(calendars, policy.market) ? calendars[policy.market] : undefined;
  if (!factory) throw new Error(`no working-day calendar for market ${policy.market}; known: ${Object.keys(calendars).join(', ')}`);
  return factory(policy.calendar.extraYears);
}
