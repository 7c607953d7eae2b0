/**
 * The DE calendar (functions/domain/de-calendar.ts): due dates across German public holidays in Europe/Berlin, the
 * stored holiday dates against the installed date-holidays, the edges of its coverage, and the days a policy adds.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createDeCalendar } from '../../functions/domain/de-calendar.js';
import { addWorkingDays, CalendarDataMissing, workingDaysBetween } from '../../functions/domain/working-days.js';
import { HOLIDAY_FILES, holidayDates } from '../../scripts/holiday-data.js';

const de = createDeCalendar();
/** An instant given in Berlin local time with its offset (CET +01:00, CEST +02:00). */
const berlin = (local: string, offset: '+01:00' | '+02:00') => new Date(`${local}${offset}`);
const endOfBerlinDay = (date: string, offset: '+01:00' | '+02:00') => new Date(`${date}T23:59:59.999${offset}`).toISOString();

describe('German public holidays', () => {
  it('2026: the nine nationwide days, and nothing regional', () => {
    const off = [];
    for (let t = Date.parse('2026-01-01T00:00:00Z'); t <= Date.parse('2026-12-31T00:00:00Z'); t += 86_400_000) {
      const day = new Date(t).toISOString().slice(0, 10);
      const weekday = new Date(t).getUTCDay();
      if (weekday !== 0 && weekday !== 6 && !de.isWorkingDay(day)) off.push(day);
    }
    // Good Friday 3 Apr, Easter Monday 6 Apr, Ascension 14 May, Whit Monday 25 May; 3 Oct and 26 Dec fall on a Saturday.
    expect(off).toEqual(['2026-01-01', '2026-04-03', '2026-04-06', '2026-05-01', '2026-05-14', '2026-05-25', '2026-12-25']);
    expect(de.isWorkingDay('2026-06-04')).toBe(true); // Corpus Christi: only some states
    expect(de.isWorkingDay('2026-01-06')).toBe(true); // Epiphany: only some states
  });

  it('a return arriving Thursday before Easter 2026 (7 working days) skips Good Friday and Easter Monday', () => {
    // Arrived Thu 2 Apr; Fri 3 (Good Friday), Mon 6 (Easter Monday) off: 7, 8, 9, 10, 13, 14, 15.
    expect(addWorkingDays(berlin('2026-04-02T16:00:00', '+02:00'), 7, de).toISOString()).toBe(endOfBerlinDay('2026-04-15', '+02:00'));
  });

  it('Christmas and New Year 2025: arriving Tue 23 Dec, 5 working days end Fri 2 Jan 2026', () => {
    // 24 Dec (Wed) and 31 Dec are working days by statute; 25, 26 Dec and 1 Jan are off: 24, 29, 30, 31 Dec, 2 Jan.
    expect(addWorkingDays(berlin('2025-12-23T10:00:00', '+01:00'), 5, de).toISOString()).toBe(endOfBerlinDay('2026-01-02', '+01:00'));
  });

  it('3 October 2025 (a Friday): arriving Thu 2 Oct, 1 working day ends Mon 6 Oct', () => {
    expect(addWorkingDays(berlin('2025-10-02T12:00:00', '+02:00'), 1, de).toISOString()).toBe(endOfBerlinDay('2025-10-06', '+02:00'));
  });

  it('counts the day in Berlin: 23:30 UTC on 2 Oct 2025 is already 3 October there', () => {
    // Berlin 3 Oct 01:30 (holiday) -> the next working days are Mon 6 and Tue 7.
    expect(addWorkingDays(new Date('2025-10-02T23:30:00Z'), 2, de).toISOString()).toBe(endOfBerlinDay('2025-10-07', '+02:00'));
    expect(workingDaysBetween(new Date('2025-10-02T23:30:00Z'), new Date('2025-10-07T10:00:00Z'), de)).toBe(2);
  });

  it('the one-off nationwide Reformation Day of 2017 is off', () => {
    expect(de.isWorkingDay('2017-10-31')).toBe(false);
    expect(de.isWorkingDay('2018-10-31')).toBe(true);
  });
});

describe('stored dates', () => {
  it.each(HOLIDAY_FILES)('$file matches what the installed date-holidays computes ($country $fromYear-$toYear)', ({ country, fromYear, toYear, file }) => {
    const stored = JSON.parse(readFileSync(file, 'utf8'));
    // Fails after a date-holidays upgrade until `npx tsx scripts/extract-holidays.ts` is run again.
    expect(stored).toEqual(holidayDates(country, fromYear, toYear));
  });
});

describe('coverage', () => {
  it('covers 1995-2099 and nothing of it is provisional: German holidays are statutory rules, not yearly notices', () => {
    expect(de.covers).toEqual({ from: '1995-01-01', to: '2099-12-31' });
    expect(de.provisionalThrough).toBe(de.covers.to);
  });

  it('refuses dates outside it instead of guessing weekends only', () => {
    expect(() => de.isWorkingDay('2100-01-04')).toThrow(CalendarDataMissing);
    expect(() => de.isWorkingDay('1994-11-16')).toThrow(CalendarDataMissing);
  });
});

describe('days the policy adds (calendar.extraYears)', () => {
  it("adds a state's holidays to the nationwide ones", () => {
    const hesse = createDeCalendar([{ year: 2026, source: 'Hessisches Feiertagsgesetz §1 (Fronleichnam)', holidays: ['2026-06-04'], makeUpWorkdays: [] }]);
    expect(hesse.isWorkingDay('2026-06-04')).toBe(false);
    expect(hesse.isWorkingDay('2026-04-06')).toBe(false);
    expect(de.isWorkingDay('2026-06-04')).toBe(true);
  });

  it('refuses make-up working days (Germany has none) and dates outside the listed year', () => {
    expect(() => createDeCalendar([{ year: 2026, source: 'x', holidays: [], makeUpWorkdays: ['2026-06-06'] }])).toThrow(/no make-up working days/);
    expect(() => createDeCalendar([{ year: 2026, source: 'x', holidays: ['2027-06-04'], makeUpWorkdays: [] }])).toThrow(/not a date of 2026/);
  });
});
