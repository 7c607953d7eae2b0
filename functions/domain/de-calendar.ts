import holidayData from './data/holidays-de.json' with { type: 'json' };
import type { MarketCalendar } from './market-calendar.js';
import { MARKET_ZONES } from './market-zones.js';
import { CalendarDataMissing, type CalendarYear } from './working-days.js';

/**
 * Germany: weekends off and the nationwide public holidays (New Year, Good Friday, Easter Monday, 1 May, Ascension
 * Day, Whit Monday, 3 October, 25 and 26 December; DOMAIN.md "Markets"), in Europe/Berlin. The dates are computed by
 * the date-holidays library (scripts/extract-holidays.ts writes them to data/holidays-de.json; a unit test checks the
 * file against the installed library), not typed by hand.
 *
 * Nationwide only: customers live in every state and only these days are off everywhere. A service center in a state
 * with more (e.g. Corpus Christi in Hesse) lists them in the policy's `calendar.extraYears`, whose holidays are ADDED
 * here (in CN a listed year replaces the library's: the State Council publishes whole years). Germany has no make-up
 * working days, so a year listing any is refused.
 *
 * Coverage: German holidays are fixed by statute as rules (fixed dates and Easter offsets: the Länder's
 * Feiertagsgesetze; the Unification Treaty art. 2(2) for 3 October), not announced year by year as China's are, so
 * the library's dates for any year are the law's as it stands, not a prediction: `covers` runs far ahead and nothing
 * is provisional (`provisionalThrough` = `covers.to`). A statute change (e.g. the one-off Reformation Day of 2017,
 * which the data has) is a library upgrade. From 1995: until 1994 Buß- und Bettag was a nationwide holiday, which the
 * data does not model. To 2099: beyond any case, and a finite horizon still ends a runaway count loudly.
 */
export function createDeCalendar(extraYears: CalendarYear[] = []): MarketCalendar {
  // Stored per year as MMDD (scripts/holiday-data.ts): a third of the bytes of a list of dates.
  const holidays = new Set<string>(Object.entries(holidayData.days).flatMap(([year, days]) => days.split(' ').map((day) => `${year}-${day.slice(0, 2)}-${day.slice(2)}`)));
  const covers = { from: holidayData.from, to: holidayData.to };
  const problems: string[] = [];
  for (const extra of extraYears) {
    if (extra.makeUpWorkdays.length > 0) problems.push(`${extra.year}: Germany has no make-up working days`);
    for (const date of extra.holidays) {
      if (!isRealDate(date) || Number(date.slice(0, 4)) !== extra.year) problems.push(`${date} is not a date of ${extra.year}`);
      holidays.add(date);
    }
  }
  if (problems.length > 0) throw new Error(`invalid calendar years: ${problems.join('; ')}`);
  return {
    timeZone: MARKET_ZONES.DE,
    covers,
    provisionalThrough: covers.to,
    isWorkingDay(localDate) {
      if (localDate < covers.from || localDate > covers.to) throw new CalendarDataMissing(localDate, covers, covers.to);
      if (holidays.has(localDate)) return false;
      const weekday = new Date(`${localDate}T00:00:00Z`).getUTCDay();
      return weekday !== 0 && weekday !== 6;
    },
  };
}

function isRealDate(value: string): boolean {
  const time = Date.parse(`${value}T00:00:00Z`);
  return /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(time) && new Date(time).toISOString().startsWith(value);
}
