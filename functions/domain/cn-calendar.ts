import { CN_PUBLISHED_DAYS } from './cn-published-days.js';
import { MARKET_ZONES } from './market-zones.js';
import { statutoryDaysOff } from './cn-statutory-holidays.js';
import { CalendarDataMissing, type CalendarCoverage, type CalendarYear, type WorkingDayCalendar } from './working-days.js';

export type CnCalendar = WorkingDayCalendar & { readonly covers: CalendarCoverage; readonly provisionalThrough: string };

/**
 * How many years after the published data the calendar predicts by rule (its horizon). Two: a 20-working-day repair
 * arriving in late December, paused for weeks, still gets a date; further ahead the lunar dates are still right but the
 * rules themselves may change (they did in 2024), so a date beyond is "unknown", loudly, as before.
 */
export const PROVISIONAL_YEARS = 2;

/** The dates of a year-by-year table of MMDD (cn-published-days.ts, the chinese-days data set's dates). */
const datesOf = (table: Readonly<Record<number, string>>) =>
  Object.entries(table).flatMap(([year, days]) => days.split(' ').map((day) => `${year}-${day.slice(0, 2)}-${day.slice(2)}`));
const yearOf = (date: string) => Number(date.slice(0, 4));
let library: { holidays: string[]; workdays: string[]; years: number[] } | undefined;
/**
 * The data set's dates, read when the first CN calendar is built rather than at import: a bundle that imports this
 * module without building a CN calendar (the intake, through the market registry's types) then drops the data.
 */
function libraryDates() {
  if (!library) {
    const holidays = datesOf(CN_PUBLISHED_DAYS.holidays);
    library = { holidays, workdays: datesOf(CN_PUBLISHED_DAYS.workdays), years: holidays.map(yearOf) };
  }
  return library;
}

/**
 * Mainland China: statutory holidays and weekend make-up working days, from the chinese-days data set plus any years
 * the policy adds. The data is read directly (its dates, copied by scripts/cn-published-days.ts: the package's JSON
 * would add 43 KiB to every function that counts working days): the package's isWorkday() reads weekdays with
 * local-time getters and answers wrongly in a process west of UTC. The calendar covers whole years, from the first the data has to the last
 * (`covers`). A year given in `extraYears` replaces the library's data for that year: the deployer's entry is deliberate.
 * For `provisionalYears` after the data it answers provisionally, by rule (cn-statutory-holidays.ts: the statutory
 * days off, weekends off, no make-up working days, which only the State Council's notice sets). A date before the
 * data or after that horizon throws CalendarDataMissing instead of counting weekends only (a wrong date looks right).
 */
export function createCnCalendar(extraYears: CalendarYear[] = [], options: { provisionalYears?: number } = {}): CnCalendar {
  const holidays = new Set<string>();
  const workdays = new Set<string>();
  const replaced = new Set(extraYears.map((y) => y.year));
  const data = libraryDates();
  for (const date of data.holidays) if (!replaced.has(yearOf(date))) holidays.add(date);
  for (const date of data.workdays) if (!replaced.has(yearOf(date))) workdays.add(date);
  const firstYear = Math.min(...data.years);
  let lastYear = Math.max(...data.years);
  const problems: string[] = [];
  for (const extra of [...extraYears].sort((a, b) => a.year - b.year)) {
    if (extra.year < firstYear || extra.year > lastYear + 1) problems.push(`${extra.year} leaves a gap after ${lastYear}`);
    for (const date of [...extra.holidays, ...extra.makeUpWorkdays]) {
      if (!isRealDate(date) || yearOf(date) !== extra.year) problems.push(`${date} is not a date of ${extra.year}`);
    }
    for (const date of extra.holidays) holidays.add(date);
    for (const date of extra.makeUpWorkdays) {
      if (holidays.has(date)) problems.push(`${date} is both a holiday and a make-up working day`);
      workdays.add(date);
    }
    lastYear = Math.max(lastYear, extra.year);
  }
  if (problems.length > 0) throw new Error(`invalid calendar years: ${problems.join('; ')}`);
  const covers = { from: `${firstYear}-01-01`, to: `${lastYear}-12-31` };
  const predicted = predictedYears(lastYear, options.provisionalYears ?? PROVISIONAL_YEARS);
  for (const date of predicted.daysOff) holidays.add(date);
  const provisionalThrough = predicted.through ?? covers.to;

  return {
    timeZone: MARKET_ZONES.CN,
    covers,
    provisionalThrough,
    isWorkingDay(localDate) {
      if (localDate < covers.from || localDate > provisionalThrough) throw new CalendarDataMissing(localDate, covers, provisionalThrough);
      if (workdays.has(localDate)) return true;
      if (holidays.has(localDate)) return false;
      const weekday = new Date(`${localDate}T00:00:00Z`).getUTCDay();
      return weekday !== 0 && weekday !== 6;
    },
  };
}

/** The days off of the years after `lastYear` that the rules can tell, up to `years` of them, and the last date they reach. */
function predictedYears(lastYear: number, years: number): { daysOff: string[]; through?: string } {
  const daysOff: string[] = [];
  let through: string | undefined;
  for (let year = lastYear + 1; year <= lastYear + years; year += 1) {
    try {
      daysOff.push(...statutoryDaysOff(year));
    } catch (error) {
      // Rules that do not apply to the year, or a lunar library that cannot tell it: the horizon ends before it.
      if (error instanceof RangeError) break;
      throw error;
    }
    through = `${year}-12-31`;
  }
  return { daysOff, ...(through ? { through } : {}) };
}

function isRealDate(value: string): boolean {
  const time = Date.parse(`${value}T00:00:00Z`);
  return /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(time) && new Date(time).toISOString().startsWith(value);
}

/** The library's data alone (and the years after it by rule). Functions use the market's calendar (calendarFor), which adds the policy's years. */
// Marked pure: built only in a bundle that uses it (tests, the local simulators), not in every CN function's cold start.
export const cnCalendar: CnCalendar = /* @__PURE__ */ createCnCalendar();
