/**
 * Working-day arithmetic for service time limits. The calendar is injected so each market can bring its own;
 * dates are local calendar dates (YYYY-MM-DD) in the calendar's time zone.
 */
export interface WorkingDayCalendar {
  /** IANA zone the days are counted in, e.g. Asia/Shanghai. */
  readonly timeZone: string;
  /** Throws CalendarDataMissing for a date outside `covers`: a guess (weekends only) would give a wrong due date. */
  isWorkingDay(localDate: string): boolean;
  /** The local dates the calendar's published data covers, inclusive; absent for a rule-only calendar that knows every date. */
  readonly covers?: CalendarCoverage;
  /**
   * The last local date the calendar answers at all: after `covers.to` and up to this date its answers are provisional
   * (predicted by rule, e.g. statutory holidays without the year's make-up working days); after it, CalendarDataMissing.
   */
  readonly provisionalThrough?: string;
}

export interface CalendarCoverage {
  from: string;
  to: string;
}

/**
 * One year of a market's statutory calendar as its authorities publish it (in China the State Council's notice,
 * 国务院办公厅关于…年部分节假日安排的通知): the days off, and the weekend days that are working days instead (调休).
 * Carried by the market policy for years the calendar's library does not have yet (policy `calendar.extraYears`).
 */
export interface CalendarYear {
  year: number;
  /** Where the dates come from, e.g. the notice's title and date: an auditor can check them. */
  source: string;
  holidays: string[];
  makeUpWorkdays: string[];
}

/**
 * A date the calendar can tell nothing about: before its data, or after both its published data and the years it
 * predicts by rule (`provisionalThrough`, its horizon).
 */
export class CalendarDataMissing extends Error {
  override readonly name = 'CalendarDataMissing';
  constructor(
    readonly date: string,
    readonly covers: CalendarCoverage,
    readonly provisionalThrough?: string,
  ) {
    super(
      `no working-day data for ${date}: the calendar covers ${covers.from} to ${covers.to}` +
        (provisionalThrough && provisionalThrough > covers.to ? ` (provisionally, by rule, to ${provisionalThrough})` : ''),
    );
  }
}

/**
 * The calendar, remembering the latest date it was asked about: whether a computation relied on provisional days
 * (`provisionalFrom` is then the first of them, the day after the published data) or on published data only.
 */
export function watchedCalendar(calendar: WorkingDayCalendar): { calendar: WorkingDayCalendar; provisionalFrom: () => string | undefined } {
  let latest = '';
  const watched: WorkingDayCalendar = {
    timeZone: calendar.timeZone,
    ...(calendar.covers ? { covers: calendar.covers } : {}),
    ...(calendar.provisionalThrough ? { provisionalThrough: calendar.provisionalThrough } : {}),
    isWorkingDay(localDate) {
      if (localDate > latest) latest = localDate;
      return calendar.isWorkingDay(localDate);
    },
  };
  const covers = calendar.covers;
  return { calendar: watched, provisionalFrom: () => (covers && latest > covers.to ? addCalendarDays(covers.to, 1) : undefined) };
}

const MS_PER_DAY = 86_400_000;

/**
 * One formatter per zone and kind, made on first use: building an Intl.DateTimeFormat costs far more than formatting
 * with it (ICU loads the zone's rules each time), and a case asks for its market's local date many times. A zone that
 * does not exist throws RangeError at construction, as before, and is not cached. Only a zone spelled as ICU names it
 * (`resolvedOptions().timeZone`) is kept: zones can come from outside (a customer's `timeZone`, stored as sent), and Intl
 * accepts any letter case and aliases ('asia/SHANGHAI', 'PRC'), so keeping every spelling would grow without bound
 * (each formatter holds tens of KB of native memory). The canonical names are a fixed set; other spellings build a
 * formatter per call, as before the cache.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterFor(kind: 'date' | 'clock', timeZone: string): Intl.DateTimeFormat {
  const key = `${kind} ${timeZone}`;
  const kept = formatters.get(key);
  if (kept) return kept;
  const format =
    kind === 'date'
      ? // en-CA formats as YYYY-MM-DD.
        new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })
      : new Intl.DateTimeFormat('en-US', {
          timeZone,
          hourCycle: 'h23',
          year: 'numeric',
          month: '2-digit',
          day: '2-digit',
          hour: '2-digit',
          minute: '2-digit',
          second: '2-digit',
        });
  if (format.resolvedOptions().timeZone === timeZone) formatters.set(key, format);
  return format;
}

/** How many formatters are kept (for tests: the cache stays bounded by the canonical zone names). */
export function keptFormatterCount(): number {
  return formatters.size;
}

/** The local calendar date of an instant in a zone, as YYYY-MM-DD. */
export function localDateOf(instant: Date, timeZone: string): string {
  return formatterFor('date', timeZone).format(instant);
}

export function addCalendarDays(localDate: string, days: number): string {
  const t = Date.parse(`${localDate}T00:00:00Z`) + days * MS_PER_DAY;
  return new Date(t).toISOString().slice(0, 10);
}

export interface LocalClock {
  year: number;
  /** 1–12. */
  month: number;
  day: number;
  /** 0–23. */
  hour: number;
  minute: number;
  second: number;
}

/** What a clock in the zone shows at an instant. */
export function localClockOf(instant: Date, timeZone: string): LocalClock {
  const parts = formatterFor('clock', timeZone).formatToParts(instant);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return { year: get('year'), month: get('month'), day: get('day'), hour: get('hour'), minute: get('minute'), second: get('second') };
}

/** Offset of the zone from UTC at an instant, in ms (e.g. +8h for Asia/Shanghai). */
export function zoneOffsetMs(instant: Date, timeZone: string): number {
  const clock = localClockOf(instant, timeZone);
  // setUTCFullYear, not Date.UTC: Date.UTC reads years 0–99 as 1900–1999.
  const asUtc = new Date(0);
  asUtc.setUTCFullYear(clock.year, clock.month - 1, clock.day);
  asUtc.setUTCHours(clock.hour, clock.minute, clock.second, 0);
  return asUtc.getTime() - Math.floor(instant.getTime() / 1000) * 1000;
}

/**
 * The instant whose local clock in the zone reads `localDateTime` (YYYY-MM-DDTHH:mm), or null when the clock skips it
 * (a time that does not exist: clocks go forward). A time the clock shows twice (clocks go back) is its earlier instant.
 * The offsets a day before and a day after are the only candidates: a zone changes its offset at most once a day.
 */
export function instantOfLocalTime(localDateTime: string, timeZone: string): Date | null {
  const asUtc = Date.parse(`${localDateTime}:00Z`);
  if (Number.isNaN(asUtc)) return null;
  const offsets = [zoneOffsetMs(new Date(asUtc - MS_PER_DAY), timeZone), zoneOffsetMs(new Date(asUtc + MS_PER_DAY), timeZone)];
  // The larger offset gives the earlier instant: tried first, so a doubled time is read as its first occurrence.
  const matches = [...new Set(offsets)]
    .sort((a, b) => b - a)
    .map((offset) => asUtc - offset)
    .filter((instant) => instant + zoneOffsetMs(new Date(instant), timeZone) === asUtc);
  return matches.length === 0 ? null : new Date(matches[0]!);
}

/**
 * The first instant whose local clock in the zone reads `wallMidnight` (a local midnight written as if it were UTC) or
 * later, as UTC ms: the moment that date begins. Usually its midnight; where the clocks skip midnight (23:59:59 → 01:00,
 * as in America/Santiago) the moment they jump; where a whole date was skipped (Pacific/Apia, 2011-12-30) the start of
 * the next one. Local midnight read with each offset in force around it is a candidate (a zone changes its offset at
 * most once a day); the earliest whose local clock has reached that midnight is the start. Compared as numbers, not as
 * formatted dates, so any year Date can hold works.
 */
function startOfLocalDayAt(wallMidnight: number, timeZone: string): number {
  const offsets = new Set([zoneOffsetMs(new Date(wallMidnight - MS_PER_DAY), timeZone), zoneOffsetMs(new Date(wallMidnight + MS_PER_DAY), timeZone)]);
  const reached = [...offsets].map((offset) => wallMidnight - offset).filter((instant) => instant + zoneOffsetMs(new Date(instant), timeZone) >= wallMidnight);
  // The candidate read with the smaller offset qualifies whenever the zone's offsets are as Intl gives them; the fallback
  // (midnight read with the offset in force then) only keeps an answer for dates Intl writes with an era (year 0).
  return reached.length > 0 ? Math.min(...reached) : wallMidnight - zoneOffsetMs(new Date(wallMidnight), timeZone);
}

/** The last millisecond of a local date in the zone, as a UTC instant: the millisecond before the next date begins. */
export function endOfLocalDay(localDate: string, timeZone: string): Date {
  return new Date(startOfLocalDayAt(Date.parse(`${localDate}T00:00:00Z`) + MS_PER_DAY, timeZone) - 1);
}

/**
 * The end of the n-th working day after the day of `start` (the start day itself is day 0,
 * as "within 7 working days of arrival" is read in the service plan, 000 §5.1).
 */
export function addWorkingDays(start: Date, workingDays: number, calendar: WorkingDayCalendar): Date {
  let day = localDateOf(start, calendar.timeZone);
  let counted = 0;
  while (counted < workingDays) {
    day = addCalendarDays(day, 1);
    if (calendar.isWorkingDay(day)) counted += 1;
  }
  return endOfLocalDay(day, calendar.timeZone);
}

/**
 * Working days from the local day of `from` to the local day of `to`: the working days in (from, to].
 * Zero when `to` falls on or before `from`'s day. Used to measure how late a parcel was.
 */
export function workingDaysBetween(from: Date, to: Date, calendar: WorkingDayCalendar): number {
  const last = localDateOf(to, calendar.timeZone);
  let day = localDateOf(from, calendar.timeZone);
  let count = 0;
  while (day < last) {
    day = addCalendarDays(day, 1);
    if (calendar.isWorkingDay(day)) count += 1;
  }
  return count;
}

/** Whole calendar days between the local days of two instants (to - from). */
export function calendarDaysBetween(from: Date, to: Date, timeZone: string): number {
  const a = Date.parse(`${localDateOf(from, timeZone)}T00:00:00Z`);
  const b = Date.parse(`${localDateOf(to, timeZone)}T00:00:00Z`);
  return Math.round((b - a) / MS_PER_DAY);
}
