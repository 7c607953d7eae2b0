/**
 * The CN calendar after its published data: the statutory days off of 2027 and 2028 predicted by rule
 * (functions/domain/cn-statutory-holidays.ts, lunar dates from lunar-javascript), checked against the published
 * schedules of 2025 and 2026; due dates across them, flagged provisional; "unknown" beyond the horizon. Fixed dates only.
 */
import calendarData from 'chinese-days/dist/chinese-days.json' with { type: 'json' };
import { describe, expect, it } from 'vitest';
import { cnCalendar, createCnCalendar } from '../../functions/domain/cn-calendar.js';
import { LUNAR_HOLIDAY_DATES } from '../../functions/domain/cn-lunar-dates.js';
import { statutoryDaysOff, statutoryHolidays } from '../../functions/domain/cn-statutory-holidays.js';
import { FIRST_YEAR, LAST_YEAR, lunarHolidayDates } from '../../scripts/cn-lunar-dates.js';
import { startServiceSla } from '../../functions/domain/sla.js';
import { addWorkingDays } from '../../functions/domain/working-days.js';
import { cnPolicy } from '../../functions/policies/cn.js';

const sh = (local: string) => new Date(`${local}+08:00`);
const endOfShanghaiDay = (date: string) => new Date(`${date}T23:59:59.999+08:00`).toISOString();
const repair = (startedAt: Date, calendar = cnCalendar) => startServiceSla({ type: 'repair', expedited: false, startedAt, paused: false }, cnPolicy, calendar);

describe('statutory holidays by rule (全国年节及纪念日放假办法, 2024 amendment, Article 2)', () => {
  it('2027: the lunar holidays and Qingming from the lunar calendar, the others on fixed dates', () => {
    expect(statutoryHolidays(2027)).toEqual({
      newYear: ['2027-01-01'],
      springFestival: ['2027-02-05', '2027-02-06', '2027-02-07', '2027-02-08'], // 除夕 (腊月廿九, a short month) to 初三
      qingMing: ['2027-04-05'],
      labourDay: ['2027-05-01', '2027-05-02'],
      dragonBoat: ['2027-06-09'],
      midAutumn: ['2027-09-15'],
      nationalDay: ['2027-10-01', '2027-10-02', '2027-10-03'],
    });
  });

  it('2027 days off: a holiday on a weekend is made up on the next working day (Article 6)', () => {
    expect(statutoryDaysOff(2027)).toEqual([
      '2027-01-01',
      ...['2027-02-05', '2027-02-06', '2027-02-07', '2027-02-08', '2027-02-09', '2027-02-10'], // Sat 6th and Sun 7th made up Tue and Wed
      '2027-04-05',
      ...['2027-05-01', '2027-05-02', '2027-05-03', '2027-05-04'], // Sat and Sun, made up Mon and Tue
      '2027-06-09',
      '2027-09-15',
      ...['2027-10-01', '2027-10-02', '2027-10-03', '2027-10-04', '2027-10-05'],
    ]);
  });

  it('2028: Mid-Autumn on 3 October counts as a holiday of its own, made up after National Day', () => {
    expect(statutoryHolidays(2028).midAutumn).toEqual(['2028-10-03']);
    expect(statutoryDaysOff(2028).filter((d) => d >= '2028-10-01' && d <= '2028-10-31')).toEqual(['2028-10-01', '2028-10-02', '2028-10-03', '2028-10-04', '2028-10-05']);
  });

  it.each([2025, 2026])('agrees with the published %i schedule: every day it predicts off is a day off there', (year) => {
    const published = new Set(Object.keys(calendarData.holidays));
    const predicted = statutoryDaysOff(year);
    expect(predicted.length).toBeGreaterThanOrEqual(13);
    expect(predicted.filter((day) => !published.has(day))).toEqual([]);
  });

  it('applies only from 2025, when the amended rules took effect', () => {
    expect(() => statutoryHolidays(2024)).toThrow(RangeError);
  });

  it(`takes its lunar dates from a table that lunar-javascript computes the same, ${FIRST_YEAR}–${LAST_YEAR}`, () => {
    const years = Object.keys(LUNAR_HOLIDAY_DATES).map(Number);
    expect(years).toEqual(Array.from({ length: LAST_YEAR - FIRST_YEAR + 1 }, (_, i) => FIRST_YEAR + i));
    for (const year of years) expect([year, LUNAR_HOLIDAY_DATES[year]]).toEqual([year, lunarHolidayDates(year)]);
  });

  it('cannot tell a year beyond the table', () => {
    expect(() => statutoryHolidays(LAST_YEAR + 1)).toThrow(RangeError);
  });
});

describe('the calendar after its data: provisional, by rule', () => {
  it.each([
    ['2027-01-01', false, 'New Year'],
    ['2027-02-04', true, 'Thursday before Spring Festival'],
    ['2027-02-05', false, '除夕'],
    ['2027-02-08', false, '初三'],
    ['2027-02-10', false, 'made up for the weekend inside Spring Festival'],
    ['2027-02-11', true, 'first working day after'],
    ['2027-02-20', false, 'a Saturday: no make-up working day is predicted'],
    ['2027-04-05', false, 'Qingming'],
    ['2027-06-09', false, 'Dragon Boat'],
    ['2027-09-15', false, 'Mid-Autumn'],
    ['2027-10-06', true, 'the day after National Day and its make-up days'],
  ])('%s → %s (%s)', (date, working) => {
    expect(cnCalendar.isWorkingDay(date)).toBe(working);
  });

  it('counts a due date across Spring Festival 2027 on the predicted days off', () => {
    // Arrival Monday 2027-01-25: 20 working days skip 5, 8, 9, 10 February (a weekends-only count would end on the 22nd).
    expect(addWorkingDays(sh('2027-01-25T10:00:00'), 20, cnCalendar).toISOString()).toBe(endOfShanghaiDay('2027-02-26'));
  });

  it('a 20-working-day repair arriving today (2026-12-04) has a provisional due date, not "unknown"', () => {
    const sla = repair(sh('2026-12-04T10:00:00'));
    // 19 working days to Thursday 31 December, New Year's Day off, the 20th is Monday 4 January.
    expect(sla).toMatchObject({ state: 'running', workingDays: 20, dueAt: endOfShanghaiDay('2027-01-04'), provisional: true, provisionalFrom: '2027-01-01' });
    expect(sla.unknownReason).toBeUndefined();
  });

  it('is not provisional when it stays within the published data, or once the year is published', () => {
    expect(repair(sh('2026-11-02T10:00:00'))).not.toHaveProperty('provisional');
    const published = createCnCalendar([{ year: 2027, source: 'test', holidays: ['2027-01-01', '2027-01-04'], makeUpWorkdays: [] }]);
    const sla = repair(sh('2026-12-04T10:00:00'), published);
    expect(sla).toMatchObject({ state: 'running', dueAt: endOfShanghaiDay('2027-01-05') });
    expect(sla).not.toHaveProperty('provisional');
    expect(sla).not.toHaveProperty('provisionalFrom');
  });

  it('stays "unknown" (loudly) beyond the horizon: two years after the published data', () => {
    expect(repair(sh('2028-12-04T10:00:00'))).toMatchObject({ state: 'unknown', unknownReason: "due date unknown: beyond the calendar's horizon 2028-12-31" });
    expect(repair(sh('2028-11-20T10:00:00'))).toMatchObject({ state: 'running', provisional: true });
  });
});
