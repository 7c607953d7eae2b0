import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import calendarData from 'chinese-days/dist/chinese-days.json' with { type: 'json' };
import { cnCalendar } from '../../functions/domain/cn-calendar.js';
import { CN_PUBLISHED_DAYS } from '../../functions/domain/cn-published-days.js';
import { published } from '../../scripts/cn-published-days.js';
import {
  addCalendarDays,
  addWorkingDays,
  CalendarDataMissing,
  calendarDaysBetween,
  endOfLocalDay,
  keptFormatterCount,
  localDateOf,
  workingDaysBetween,
  type WorkingDayCalendar,
  zoneOffsetMs,
} from '../../functions/domain/working-days.js';

/** An instant given as Shanghai wall-clock time. */
const sh = (local: string) => new Date(`${local}+08:00`);
/** The last millisecond of a Shanghai calendar day, as the UTC instant the functions return. */
const endOfShanghaiDay = (date: string) => new Date(`${date}T23:59:59.999+08:00`).toISOString();

describe('the chinese-days data the CN calendar reads (facts the other tests rely on)', () => {
  // Checked against node_modules/chinese-days/dist/chinese-days.json, not memory.
  it.each([
    ['2025-09-28', 'workdays', 'Sunday make-up working day before National Day'],
    ['2025-10-11', 'workdays', 'Saturday make-up working day after National Day'],
    ['2026-01-04', 'workdays', 'Sunday make-up working day after New Year'],
    ['2026-02-14', 'workdays', 'Saturday make-up working day before Spring Festival'],
    ['2026-02-28', 'workdays', 'Saturday make-up working day after Spring Festival'],
    ['2025-10-01', 'holidays', 'National Day'],
    ['2025-10-08', 'holidays', 'last day of the National Day break'],
    ['2026-01-01', 'holidays', "New Year's Day"],
    ['2026-02-15', 'holidays', 'first day of the Spring Festival break'],
    ['2026-02-23', 'holidays', 'last day of the Spring Festival break'],
  ] as const)('%s is listed under %s (%s)', (date, list, _what) => {
    expect(calendarData[list]).toHaveProperty([date]);
  });

  it('is what the calendar reads: its copy (cn-published-days.ts) has every date of the package and no other', () => {
    // Fails after an update of chinese-days until `npx tsx scripts/cn-published-days.ts` copies the new data.
    expect(CN_PUBLISHED_DAYS).toEqual(published);
    const count = (table: Record<number, string>) => Object.values(table).join(' ').split(' ').length;
    expect([count(CN_PUBLISHED_DAYS.holidays), count(CN_PUBLISHED_DAYS.workdays)]).toEqual([Object.keys(calendarData.holidays).length, Object.keys(calendarData.workdays).length]);
  });
});

describe('cnCalendar.isWorkingDay', () => {
  it.each([
    ['2026-11-09', true, 'plain Monday'],
    ['2026-11-13', true, 'plain Friday'],
    ['2026-11-14', false, 'plain Saturday'],
    ['2026-11-15', false, 'plain Sunday'],
    ['2025-09-27', false, 'Saturday before National Day (ordinary rest day)'],
    ['2025-09-28', true, 'Sunday make-up working day'],
    ['2025-09-30', true, 'Tuesday before National Day'],
    ['2025-10-01', false, 'National Day'],
    ['2025-10-06', false, 'Mid-autumn inside the National Day break'],
    ['2025-10-08', false, 'Wednesday, still a holiday'],
    ['2025-10-09', true, 'first working day after National Day'],
    ['2025-10-11', true, 'Saturday make-up working day'],
    ['2025-10-12', false, 'Sunday after the make-up Saturday'],
    ['2025-12-31', true, 'New Year’s Eve (Wednesday)'],
    ['2026-01-01', false, "New Year's Day (Thursday)"],
    ['2026-01-02', false, 'Friday, New Year holiday'],
    ['2026-01-04', true, 'Sunday make-up working day'],
    ['2026-02-14', true, 'Saturday make-up working day'],
    ['2026-02-16', false, 'Monday inside Spring Festival'],
    ['2026-02-23', false, 'Monday, last day of Spring Festival'],
    ['2026-02-24', true, 'first working day after Spring Festival'],
    ['2026-02-28', true, 'Saturday make-up working day'],
  ] as const)('%s → %s (%s)', (date, expected, _what) => {
    expect(cnCalendar.isWorkingDay(date)).toBe(expected);
  });

  it('agrees with every holiday and make-up working day in the data set', () => {
    for (const date of Object.keys(calendarData.holidays)) expect(cnCalendar.isWorkingDay(date), date).toBe(false);
    for (const date of Object.keys(calendarData.workdays)) expect(cnCalendar.isWorkingDay(date), date).toBe(true);
  });

  it('covers whole years, from the first to the last the data has, predicts two more by rule, and refuses to guess beyond', () => {
    const years = Object.keys(calendarData.holidays).map((date) => Number(date.slice(0, 4)));
    expect(cnCalendar.covers).toEqual({ from: `${Math.min(...years)}-01-01`, to: `${Math.max(...years)}-12-31` });
    expect(cnCalendar.covers.to).toBe('2026-12-31');
    expect(cnCalendar.provisionalThrough).toBe('2028-12-31');
    expect(cnCalendar.isWorkingDay('2026-12-31')).toBe(true);
    // 2027-01-01 is a Friday: a weekends-only guess would call it a working day, but it is New Year's Day (by rule).
    expect(cnCalendar.isWorkingDay('2027-01-01')).toBe(false);
    expect(() => cnCalendar.isWorkingDay('2029-01-01')).toThrow(CalendarDataMissing);
    expect(() => cnCalendar.isWorkingDay('2029-01-01')).toThrow(/covers 2004-01-01 to 2026-12-31 \(provisionally, by rule, to 2028-12-31\)/);
    expect(() => cnCalendar.isWorkingDay('2003-12-31')).toThrow(/no working-day data for 2003-12-31: the calendar covers 2004-01-01 to 2026-12-31/);
  });

  it('counts in Asia/Shanghai', () => {
    expect(cnCalendar.timeZone).toBe('Asia/Shanghai');
  });
});

describe('localDateOf / addCalendarDays', () => {
  it.each([
    ['2026-11-12T15:59:59.999Z', '2026-11-12'],
    ['2026-11-12T16:00:00.000Z', '2026-11-13'], // late in the UTC day, already the next day in Shanghai
    ['2025-12-31T16:00:00.000Z', '2026-01-01'],
    ['2025-12-31T15:59:59.999Z', '2025-12-31'],
  ])('%s is %s in Shanghai', (instant, local) => {
    expect(localDateOf(new Date(instant), 'Asia/Shanghai')).toBe(local);
  });

  it.each([
    ['2025-12-31', 1, '2026-01-01'],
    ['2026-02-28', 1, '2026-03-01'],
    ['2028-02-28', 1, '2028-02-29'],
    ['2026-03-01', -1, '2026-02-28'],
    ['2026-11-10', 0, '2026-11-10'],
  ] as const)('%s %+d day → %s', (date, days, expected) => {
    expect(addCalendarDays(date, days)).toBe(expected);
  });
});

describe('the formatters kept per zone', () => {
  /** The i-th spelling of a zone in mixed letter case (bit n of i upper-cases its n-th letter). */
  const spelling = (zone: string, i: number) => {
    let bit = 0;
    return zone.replace(/[a-z]/gi, (c) => ((i >> bit++) & 1 ? c.toUpperCase() : c.toLowerCase()));
  };
  const instant = new Date('2026-11-12T16:00:00.000Z');

  it('keeps one per zone and kind for a zone spelled as ICU names it', () => {
    const before = keptFormatterCount();
    expect(localDateOf(instant, 'Pacific/Chatham')).toBe('2026-11-13');
    expect(keptFormatterCount()).toBe(before + 1);
    expect(zoneOffsetMs(instant, 'Pacific/Chatham')).toBe((13 * 60 + 45) * 60_000);
    expect(keptFormatterCount()).toBe(before + 2);
    localDateOf(instant, 'Pacific/Chatham');
    zoneOffsetMs(instant, 'Pacific/Chatham');
    expect(keptFormatterCount()).toBe(before + 2);
  });

  it('does not keep other spellings of a zone (letter case, aliases): zones sent from outside cannot grow it', () => {
    const zone = 'Europe/Berlin';
    const expected = [localDateOf(instant, zone), zoneOffsetMs(instant, zone)];
    const shanghai = [localDateOf(instant, 'Asia/Shanghai'), zoneOffsetMs(instant, 'Asia/Shanghai')];
    const before = keptFormatterCount();
    const variants = Array.from({ length: 300 }, (_, i) => spelling(zone, i + 1));
    expect(new Set(variants).size).toBe(variants.length);
    for (const variant of variants) expect([localDateOf(instant, variant), zoneOffsetMs(instant, variant)], variant).toEqual(expected);
    for (const alias of ['PRC', 'Asia/Chongqing', 'asia/shanghai']) expect([localDateOf(instant, alias), zoneOffsetMs(instant, alias)], alias).toEqual(shanghai);
    expect(keptFormatterCount()).toBe(before);
  });

  it.each(['Mars/Olympus', ''])('throws RangeError for an unknown zone (%j), each time: a failed zone is not kept', (zone) => {
    const before = keptFormatterCount();
    for (let attempt = 0; attempt < 2; attempt += 1) {
      expect(() => localDateOf(instant, zone)).toThrow(RangeError);
      expect(() => zoneOffsetMs(instant, zone)).toThrow(RangeError);
    }
    expect(keptFormatterCount()).toBe(before);
  });
});

describe('addWorkingDays (CN calendar; the start day is day 0, the result is the end of the n-th working day)', () => {
  it.each([
    ['plain week', '2026-11-09T10:00:00', 3, '2026-11-12'],
    ['zero days is the end of the start day', '2026-11-09T10:00:00', 0, '2026-11-09'],
    ['across a weekend', '2026-11-12T10:00:00', 3, '2026-11-17'],
    ['from a Saturday', '2026-11-14T10:00:00', 1, '2026-11-16'],
    ['into the Sunday make-up day before National Day', '2025-09-26T10:00:00', 1, '2025-09-28'],
    ['over the National Day break', '2025-09-30T10:00:00', 1, '2025-10-09'],
    ['to the Saturday make-up day after National Day', '2025-09-30T10:00:00', 3, '2025-10-11'],
    ['7 working days spanning all of National Day 2025', '2025-09-26T10:00:00', 7, '2025-10-13'],
    ['from inside the National Day break', '2025-10-03T10:00:00', 1, '2025-10-09'],
    ['into the Saturday make-up day before Spring Festival', '2026-02-13T10:00:00', 1, '2026-02-14'],
    ['over the Spring Festival break', '2026-02-13T10:00:00', 2, '2026-02-24'],
    ['7 working days spanning Spring Festival 2026', '2026-02-13T10:00:00', 7, '2026-03-02'],
    ['across the year boundary onto the Sunday make-up day', '2025-12-31T10:00:00', 1, '2026-01-04'],
    ['across the year boundary', '2025-12-30T10:00:00', 3, '2026-01-05'],
  ] as const)('%s: %s +%d → end of %s', (_name, start, days, expectedDay) => {
    expect(addWorkingDays(sh(start), days, cnCalendar).toISOString()).toBe(endOfShanghaiDay(expectedDay));
  });

  it('counts from the Shanghai day of an instant late in the UTC day', () => {
    // Thursday 17:00 UTC is Friday 01:00 in Shanghai: one working day later is Monday, not Friday.
    const start = new Date('2026-11-12T17:00:00Z');
    expect(addWorkingDays(start, 1, cnCalendar).toISOString()).toBe('2026-11-16T15:59:59.999Z');
    // 2025-12-31T16:30Z is already New Year's Day in Shanghai.
    expect(addWorkingDays(new Date('2025-12-31T16:30:00Z'), 1, cnCalendar).toISOString()).toBe(endOfShanghaiDay('2026-01-04'));
  });

  it('returns the same due time for any instant of the same local day', () => {
    const early = addWorkingDays(sh('2026-11-09T00:00:00'), 5, cnCalendar);
    const late = addWorkingDays(sh('2026-11-09T23:59:59.999'), 5, cnCalendar);
    expect(late).toEqual(early);
  });
});

describe('workingDaysBetween (working days in (from day, to day])', () => {
  it.each([
    ['plain week', '2026-11-09T10:00:00', '2026-11-12T09:00:00', 3],
    ['same day', '2026-11-09T08:00:00', '2026-11-09T23:00:00', 0],
    ['to before from', '2026-11-12T10:00:00', '2026-11-09T10:00:00', 0],
    ['Friday to Monday', '2026-11-13T10:00:00', '2026-11-16T10:00:00', 1],
    ['Friday to Sunday', '2026-11-13T10:00:00', '2026-11-15T10:00:00', 0],
    ['Saturday to the Sunday make-up day', '2025-09-27T10:00:00', '2025-09-28T10:00:00', 1],
    ['over National Day', '2025-09-30T10:00:00', '2025-10-09T10:00:00', 1],
    ['into National Day only', '2025-09-30T10:00:00', '2025-10-08T10:00:00', 0],
    ['National Day including the make-up Saturday', '2025-09-26T10:00:00', '2025-10-13T10:00:00', 7],
    ['over Spring Festival', '2026-02-13T10:00:00', '2026-03-02T10:00:00', 7],
    ['across the year boundary', '2025-12-31T10:00:00', '2026-01-05T10:00:00', 2],
  ] as const)('%s: %s → %s = %d', (_name, from, to, expected) => {
    expect(workingDaysBetween(sh(from), sh(to), cnCalendar)).toBe(expected);
  });

  it('uses Shanghai days, not UTC days', () => {
    // Both instants are on Thursday 2026-11-12 in UTC, but 16:30Z is Friday in Shanghai.
    expect(workingDaysBetween(new Date('2026-11-12T15:30:00Z'), new Date('2026-11-12T16:30:00Z'), cnCalendar)).toBe(1);
    // Friday 23:00 → Saturday 01:00 in Shanghai: no working day in between.
    expect(workingDaysBetween(new Date('2026-11-13T15:00:00Z'), new Date('2026-11-13T17:00:00Z'), cnCalendar)).toBe(0);
  });

  it('is the inverse of addWorkingDays from a working day', () => {
    const start = sh('2025-09-25T09:00:00');
    for (let n = 0; n <= 25; n += 1) {
      expect(workingDaysBetween(start, addWorkingDays(start, n, cnCalendar), cnCalendar), `n=${n}`).toBe(n);
    }
  });
});

describe('calendarDaysBetween', () => {
  it.each([
    ['same instant', '2026-11-05T16:20:00', '2026-11-05T16:20:00', 0],
    ['one minute across local midnight', '2026-11-05T23:59:00', '2026-11-06T00:00:00', 1],
    ['almost two days inside the same pair of days', '2026-11-05T00:00:00', '2026-11-06T23:59:59', 1],
    ['seven days', '2026-11-05T16:20:00', '2026-11-12T08:00:00', 7],
    ['backwards', '2026-11-06T00:00:00', '2026-11-05T23:59:00', -1],
    ['across February', '2026-02-27T12:00:00', '2026-03-01T12:00:00', 2],
    ['across the year boundary', '2025-12-31T23:00:00', '2026-01-01T01:00:00', 1],
  ] as const)('%s: %s → %s = %d', (_name, from, to, expected) => {
    expect(calendarDaysBetween(sh(from), sh(to), 'Asia/Shanghai')).toBe(expected);
  });

  it('depends on the zone it is given', () => {
    // 15:00Z and 17:00Z on the same UTC day straddle midnight in Shanghai.
    const from = new Date('2026-11-05T15:00:00Z');
    const to = new Date('2026-11-05T17:00:00Z');
    expect(calendarDaysBetween(from, to, 'Asia/Shanghai')).toBe(1);
    expect(calendarDaysBetween(from, to, 'UTC')).toBe(0);
  });
});

describe('endOfLocalDay', () => {
  it.each([
    ['2026-11-10', 'Asia/Shanghai', '2026-11-10T15:59:59.999Z'],
    ['2025-12-31', 'Asia/Shanghai', '2025-12-31T15:59:59.999Z'],
    ['2026-11-10', 'UTC', '2026-11-10T23:59:59.999Z'],
    // America/New_York switches to daylight time on 2026-03-08 and back on 2026-11-01.
    ['2026-03-07', 'America/New_York', '2026-03-08T04:59:59.999Z'],
    ['2026-03-08', 'America/New_York', '2026-03-09T03:59:59.999Z'],
    ['2026-10-31', 'America/New_York', '2026-11-01T03:59:59.999Z'],
    ['2026-11-01', 'America/New_York', '2026-11-02T04:59:59.999Z'],
    ['2026-03-28', 'Europe/Berlin', '2026-03-28T22:59:59.999Z'],
    ['2026-03-29', 'Europe/Berlin', '2026-03-29T21:59:59.999Z'],
  ] as const)('%s in %s ends at %s', (date, zone, expected) => {
    expect(endOfLocalDay(date, zone).toISOString()).toBe(expected);
  });

  it('is the last millisecond of the day in Shanghai for every day of 2025 and 2026', () => {
    for (let day = '2025-01-01'; day <= '2026-12-31'; day = addCalendarDays(day, 1)) {
      const end = endOfLocalDay(day, 'Asia/Shanghai');
      expect(localDateOf(end, 'Asia/Shanghai'), day).toBe(day);
      expect(localDateOf(new Date(end.getTime() + 1), 'Asia/Shanghai'), day).toBe(addCalendarDays(day, 1));
    }
  });

  // Regression: the zone offset must be the one at local midnight, not at the following UTC midnight, which east of
  // UTC can already be past a daylight-saving change (Sydney moves to daylight time at 02:00 on 2026-10-04).
  it('is the last millisecond of the local day on the eve of a DST change east of UTC (Australia/Sydney)', () => {
    expect(endOfLocalDay('2026-10-03', 'Australia/Sydney').toISOString()).toBe('2026-10-03T13:59:59.999Z');
  });
});

describe('independence from the process time zone', () => {
  const sources = ['functions/domain/working-days.ts', 'functions/domain/cn-calendar.ts', 'functions/domain/working-time.ts'].map(
    (file) => [file, readFileSync(file, 'utf8')] as const,
  );

  it.each(sources)('%s reads no local-time fields and formats only with an explicit zone', (_file, source) => {
    // Local-time getters and constructors depend on process.env.TZ; the UTC variants and Intl with timeZone do not.
    expect(source).not.toMatch(/\.get(FullYear|Month|Date|Day|Hours|Minutes|Seconds|TimezoneOffset)\(/);
    expect(source).not.toMatch(/\.set(FullYear|Month|Date|Hours|Minutes|Seconds)\(/);
    expect(source).not.toMatch(/toLocale(Date|Time)?String\(/);
    expect(source).not.toMatch(/new Date\(\s*\d+\s*,/); // new Date(y, m, d) is local time
    // Date strings are parsed only with an explicit Z (a bare YYYY-MM-DDTHH:mm would be local time).
    for (const parsed of source.matchAll(/(?:Date\.parse|new Date)\(`([^`]*)`\)/g)) expect(parsed[1]).toMatch(/Z$/);
    for (const call of source.matchAll(/new Intl\.DateTimeFormat\(([^)]*)\)/g)) expect(call[1]).toContain('timeZone');
  });

  it('gives the same answers in a process west of UTC (TZ=Pacific/Honolulu)', () => {
    // A separate process, because TZ cannot be changed inside a running one.
    const script = `
      import { addWorkingDays, workingDaysBetween, calendarDaysBetween, localDateOf } from './functions/domain/working-days.ts';
      import { cnCalendar } from './functions/domain/cn-calendar.ts';
      const a = new Date('2025-09-26T02:00:00Z'), b = new Date('2026-02-13T17:00:00Z');
      console.log(JSON.stringify({
        offset: new Date(0).getTimezoneOffset(),
        due: addWorkingDays(a, 7, cnCalendar).toISOString(),
        due2: addWorkingDays(b, 2, cnCalendar).toISOString(),
        between: workingDaysBetween(a, b, cnCalendar),
        days: calendarDaysBetween(a, b, 'Asia/Shanghai'),
        local: localDateOf(b, 'Asia/Shanghai'),
        sunday: cnCalendar.isWorkingDay('2025-09-28'),
        saturday: cnCalendar.isWorkingDay('2026-11-14'),
      }));`;
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      env: { ...process.env, TZ: 'Pacific/Honolulu' },
      encoding: 'utf8',
    });
    const a = new Date('2025-09-26T02:00:00Z');
    const b = new Date('2026-02-13T17:00:00Z');
    expect(JSON.parse(out)).toEqual({
      offset: 600, // proves the child really ran at UTC-10
      due: addWorkingDays(a, 7, cnCalendar).toISOString(),
      due2: addWorkingDays(b, 2, cnCalendar).toISOString(),
      between: workingDaysBetween(a, b, cnCalendar),
      days: calendarDaysBetween(a, b, 'Asia/Shanghai'),
      local: localDateOf(b, 'Asia/Shanghai'),
      sunday: true,
      saturday: false,
    });
    expect(JSON.parse(out).due).toBe(endOfShanghaiDay('2025-10-13'));
  });
});

describe('a swapped-in calendar', () => {
  it('is used for both the working days and the zone', () => {
    // A market with a Friday/Saturday weekend in Asia/Dubai (UTC+4, no DST).
    const gulf: WorkingDayCalendar = {
      timeZone: 'Asia/Dubai',
      isWorkingDay: (date) => ![5, 6].includes(new Date(`${date}T00:00:00Z`).getUTCDay()),
    };
    // Thursday 2026-11-12 10:00 in Dubai, +1 working day → Sunday 2026-11-15, ending 19:59:59.999Z.
    expect(addWorkingDays(new Date('2026-11-12T06:00:00Z'), 1, gulf).toISOString()).toBe('2026-11-15T19:59:59.999Z');
    expect(workingDaysBetween(new Date('2026-11-12T06:00:00Z'), new Date('2026-11-15T06:00:00Z'), gulf)).toBe(1);
  });
});

// Zones whose clocks change at midnight itself: a day there may begin at 01:00 (clocks skip 00:00–01:00) or last 25
// hours (24:00 turns back into 23:00). The end of a day must still be the millisecond before the next date begins.
describe('endOfLocalDay where the clocks change at midnight', () => {
  it.each([
    // America/Santiago skips from 2026-09-06 00:00 to 01:00 (-04 → -03): 2026-09-06 begins at 04:00Z.
    ['2026-09-05', 'America/Santiago', '2026-09-06T03:59:59.999Z'],
    ['2026-09-06', 'America/Santiago', '2026-09-07T02:59:59.999Z'],
    // and turns 2026-04-05 00:00 back into 2026-04-04 23:00 (-03 → -04): 2026-04-04 lasts 25 hours.
    ['2026-04-04', 'America/Santiago', '2026-04-05T03:59:59.999Z'],
    ['2026-04-05', 'America/Santiago', '2026-04-06T03:59:59.999Z'],
    // America/Havana skips from 2026-03-08 00:00 to 01:00 (-05 → -04), and turns 2026-11-01 01:00 back into 00:00.
    ['2026-03-07', 'America/Havana', '2026-03-08T04:59:59.999Z'],
    ['2026-10-31', 'America/Havana', '2026-11-01T03:59:59.999Z'],
    ['2026-11-01', 'America/Havana', '2026-11-02T04:59:59.999Z'],
    // Pacific/Apia skipped 2011-12-30 whole (-10 → +14): 2011-12-29 ends when 2011-12-31 begins.
    ['2011-12-29', 'Pacific/Apia', '2011-12-30T09:59:59.999Z'],
    // The ends of the years a date is written with (four digits) still give an instant.
    ['9999-12-31', 'Asia/Shanghai', '9999-12-31T15:59:59.999Z'],
    ['0999-12-31', 'Asia/Shanghai', '0999-12-31T15:54:16.999Z'],
  ] as const)('%s in %s ends at %s', (date, zone, expected) => {
    expect(endOfLocalDay(date, zone).toISOString()).toBe(expected);
  });

  it.each(['America/Santiago', 'America/Havana', 'Asia/Beirut', 'Europe/Berlin', 'Australia/Lord_Howe'])('is the last millisecond of every day of 2025 and 2026 in %s', (zone) => {
    for (let day = '2025-01-01'; day <= '2026-12-31'; day = addCalendarDays(day, 1)) {
      const end = endOfLocalDay(day, zone);
      expect(localDateOf(end, zone), day).toBe(day);
      expect(localDateOf(new Date(end.getTime() + 1), zone), day).toBe(addCalendarDays(day, 1));
    }
  });
});
