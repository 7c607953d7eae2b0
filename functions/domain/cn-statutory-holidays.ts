import { LUNAR_HOLIDAY_DATES } from './cn-lunar-dates.js';

/**
 * Mainland China's statutory days off for a year, predicted by rule, for years the State Council has not published yet.
 *
 * Source: 《全国年节及纪念日放假办法》 as amended by the State Council's decision of 2024-11-10 (国务院令第795号, in force
 * 2025-01-01; the amended text is republished with it on www.gov.cn). Article 2, the holidays for all citizens:
 * 元旦 1 day (1 January); 春节 4 days (农历除夕 and 正月初一 to 初三); 清明节 1 day (the day of the solar term 清明);
 * 劳动节 2 days (1–2 May); 端午节 1 day (五月初五); 中秋节 1 day (八月十五); 国庆节 3 days (1–3 October).
 * Article 6: a holiday for all citizens that falls on a Saturday or Sunday is made up by a day off on a working day
 * (补假). In every published year the make-up day off is the first working day after the holiday; we place it there.
 * Cross-checked: for 2025 and 2026 every day this predicts is a day off in the published schedule (tests/unit).
 *
 * What no rule predicts: the State Council's yearly notice (国务院办公厅关于…年部分节假日安排的通知) also moves
 * working days around a holiday (调休: weekend days worked, weekdays off, e.g. the 8-day Spring Festival; Article 7
 * allows it, "可合理安排统一放假调休", and says no more than 6 days' work in a row around a holiday). Those are
 * decided each year, so a provisional year has the statutory days off above, weekends as rest days, and no make-up
 * working days. The lunar dates and the 清明 solar term come from lunar-javascript (astronomical, Beijing time), through
 * a table it generates (cn-lunar-dates.ts: the library would add 324 KiB to every function that counts working days);
 * a year beyond the table is one the rules cannot tell.
 */

/** The first year the amended rules apply to; earlier years had other holidays (3-day Spring Festival, 1-day Labour Day). */
export const STATUTORY_RULES_FROM = 2025;

const weekday = (date: string) => new Date(`${date}T00:00:00Z`).getUTCDay();
const isWeekend = (date: string) => weekday(date) === 0 || weekday(date) === 6;
const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
const nextDay = (date: string) => addDays(date, 1);

/** The statutory holidays of a year (Article 2), each as its days off. */
export function statutoryHolidays(year: number): Record<string, string[]> {
  if (!Number.isInteger(year) || year < STATUTORY_RULES_FROM) throw new RangeError(`the amended holiday rules apply from ${STATUTORY_RULES_FROM}, not to ${year}`);
  const lunarDates = LUNAR_HOLIDAY_DATES[year];
  if (!lunarDates) throw new RangeError(`no statutory holidays computable for ${year}`);
  const [springFestival, qingMing, dragonBoat, midAutumn] = lunarDates.map((monthDay) => `${year}-${monthDay}`) as [string, string, string, string];
  // 除夕 is the last day of the 12th month (the 29th or 30th): the day before 正月初一. 初一 to 初三 are consecutive days.
  const springDays = [-1, 0, 1, 2].map((offset) => addDays(springFestival, offset));
  if (springDays.some((date) => !date.startsWith(`${year}-`))) throw new RangeError(`no statutory holidays computable for ${year}`);
  return {
    newYear: [`${year}-01-01`],
    springFestival: springDays,
    qingMing: [qingMing],
    labourDay: [`${year}-05-01`, `${year}-05-02`],
    dragonBoat: [dragonBoat],
    midAutumn: [midAutumn],
    nationalDay: [`${year}-10-01`, `${year}-10-02`, `${year}-10-03`],
  };
}

/**
 * The days off of a year by rule: the statutory holidays, and for each holiday day on a weekend a day off on the next
 * working day not already off (Article 6). A holiday day on the same date as another (Mid-Autumn on 1–3 October, as
 * in 2020 and 2028) is made up the same way: in 2020 the State Council counted both (8 days off from 1 October). Sorted.
 */
export function statutoryDaysOff(year: number): string[] {
  const days = Object.values(statutoryHolidays(year)).flat().sort();
  const off = new Set(days);
  const owed = days.filter((day, i) => isWeekend(day) || days.indexOf(day) !== i);
  for (const day of owed) {
    let makeUp = nextDay(day);
    while (isWeekend(makeUp) || off.has(makeUp)) makeUp = nextDay(makeUp);
    off.add(makeUp);
  }
  return [...off].sort();
}
