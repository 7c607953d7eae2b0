import Holidays from 'date-holidays';
import pkg from 'date-holidays/package.json' with { type: 'json' };

/** A country's public holidays as local dates, computed by date-holidays and stored beside the calendar that reads them. */
export interface HolidayDates {
  source: string;
  version: string;
  license: string;
  country: string;
  /** First and last local date the list is complete for. */
  from: string;
  to: string;
  /**
   * Per year, the holidays' month-days (MMDD, space-separated, sorted): the same dates as a list of YYYY-MM-DD in a
   * third of the bytes, which every function that counts working days loads at cold start.
   */
  days: Record<string, string>;
}

/**
 * The nationwide public holidays of `country` from `fromYear` to `toYear`, as date-holidays computes them from its
 * rules. Why the dates and not the library at run time: date-holidays bundles every country's data (~1.5 MB minified),
 * and its rule engine alone (date-holidays-parser with one country's data) still pulls moment-timezone and astronomia
 * (~1 MB minified) into every function that counts working days; the dates of a century are ~12 kB.
 * tests/unit/holiday-data.test.ts fails when the stored file no longer matches the installed date-holidays (an upgrade
 * without re-running scripts/extract-holidays.ts).
 */
export function holidayDates(country: string, fromYear: number, toYear: number): HolidayDates {
  const holidays = new Holidays(country, { types: ['public'] });
  const dates: string[] = [];
  for (let year = fromYear; year <= toYear; year += 1) {
    // "YYYY-MM-DD hh:mm:ss" in the country's zone: the local date is what a working day needs.
    for (const holiday of holidays.getHolidays(year)) dates.push(holiday.date.slice(0, 10));
  }
  return {
    source: `npm date-holidays ${pkg.version} (https://github.com/commenthol/date-holidays, data/countries/${country}.yaml), type "public", no state; written by scripts/extract-holidays.ts`,
    version: pkg.version,
    license: 'data CC-BY-SA-3 (date-holidays)',
    country,
    from: `${fromYear}-01-01`,
    to: `${toYear}-12-31`,
    days: byYear([...new Set(dates)].sort()),
  };
}

/** Sorted YYYY-MM-DD dates as `{ YYYY: 'MMDD MMDD …' }`. */
function byYear(dates: string[]): Record<string, string> {
  const years: Record<string, string[]> = {};
  for (const date of dates) (years[date.slice(0, 4)] ??= []).push(date.slice(5).replace('-', ''));
  return Object.fromEntries(Object.entries(years).map(([year, days]) => [year, days.join(' ')]));
}

/** The stored holiday files, one per market whose calendar reads one; the years are the calendar's `covers`. */
export const HOLIDAY_FILES = [{ country: 'DE', fromYear: 1995, toYear: 2099, file: 'functions/domain/data/holidays-de.json' }];
