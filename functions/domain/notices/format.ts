import type { Locale, MinorUnits } from '../case.js';
import type { Instant } from './types.js';

/**
 * Money in the customer's locale. `amount` is in minor units of the currency; how many a major unit has follows the
 * currency's fraction digits as Intl knows them (CNY 2, JPY 0), so no currency needs code of its own.
 */
export function formatMoney(amount: MinorUnits, currency: string, locale: Locale): string {
  const format = currencyFormat(locale, currency);
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(amount / 10 ** digits);
}

/**
 * Intl formatters are kept once made: building one costs ICU 40–80 µs, formatting with it 5 µs, and a notice renders
 * several amounts and dates (measured: 4.6 formatters built per render before they were kept). The keys come from
 * data (a case's currency, a customer's zone), so each cache is bounded; past the bound a formatter is built per call,
 * as before.
 */
const KEPT_FORMATTERS = 64;
const currencyFormats = new Map<string, Intl.NumberFormat>();
function currencyFormat(locale: Locale, currency: string): Intl.NumberFormat {
  const key = `${locale} ${currency}`;
  const kept = currencyFormats.get(key);
  if (kept) return kept;
  const format = new Intl.NumberFormat(locale, { style: 'currency', currency });
  if (currencyFormats.size < KEPT_FORMATTERS) currencyFormats.set(key, format);
  return format;
}

interface LocalParts {
  year: string;
  month: string;
  day: string;
  weekday: string;
  hour: string;
  minute: string;
}

function partsFormat(locale: Locale, timeZone: string): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat(locale, {
    timeZone,
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
}

function localParts(at: Instant, format: Intl.DateTimeFormat): LocalParts {
  const parts = format.formatToParts(toDate(at));
  const get = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return { year: get('year'), month: get('month'), day: get('day'), weekday: get('weekday'), hour: get('hour'), minute: get('minute') };
}

function toDate(at: Instant): Date {
  const date = new Date(at);
  if (Number.isNaN(date.getTime())) throw new RangeError(`not a date: ${at}`);
  return date;
}

/**
 * Dates and times in the customer's time zone and locale. Long forms (with year and weekday) for email, short forms
 * (month and day) for SMS, where every character counts.
 */
export interface DateFormats {
  /** en "Tue, Nov 24, 2026"; zh "2026年11月24日（周二）"; de "Dienstag, 24. November 2026". */
  readonly day: (at: Instant) => string;
  /** en "Tue, Nov 24, 2026, 9:00 AM"; zh "2026年11月24日（周二）09:00"; de "Dienstag, 24. November 2026, 09:00 Uhr". */
  readonly dateTime: (at: Instant) => string;
  /** A time window; the day once if both ends fall on it. */
  readonly window: (from: Instant, until: Instant) => string;
  /** en "Nov 24"; zh "11月24日"; de "24.11.". */
  readonly shortDay: (at: Instant) => string;
  /** en "Nov 24, 9:00 AM"; zh "11月24日09:00"; de "24.11., 09:00 Uhr". */
  readonly shortDateTime: (at: Instant) => string;
  /** en "Nov 24, 9:00 AM-12:00 PM"; zh "11月24日09:00-12:00"; de "24.11., 09:00-12:00 Uhr". */
  readonly shortWindow: (from: Instant, until: Instant) => string;
}

/** Kept per locale and zone as ICU spells the zone (the same reason as working-days.ts: aliases are unbounded). */
const keptDateFormats = new Map<string, DateFormats>();

export function dateFormats(locale: Locale, timeZone: string): DateFormats {
  const key = `${locale} ${timeZone}`;
  const kept = keptDateFormats.get(key);
  if (kept) return kept;
  // Fail early on an unknown zone, whatever the template uses.
  const canonical = new Intl.DateTimeFormat(locale, { timeZone }).resolvedOptions().timeZone === timeZone;
  // Frozen: one kept object serves every render in the process, so none may change it for the next.
  const formats = Object.freeze(dateFormatsIn(locale, timeZone));
  if (canonical && keptDateFormats.size < KEPT_FORMATTERS) keptDateFormats.set(key, formats);
  return formats;
}

function dateFormatsIn(locale: Locale, timeZone: string): DateFormats {
  if (locale === 'zh-CN') {
    const format = partsFormat(locale, timeZone);
    const day = (p: LocalParts) => `${p.year}年${p.month}月${p.day}日（${p.weekday}）`;
    const short = (p: LocalParts) => `${p.month}月${p.day}日`;
    const time = (p: LocalParts) => `${p.hour}:${p.minute}`;
    const parts = (at: Instant) => localParts(at, format);
    const sameDay = (a: LocalParts, b: LocalParts) => a.year === b.year && a.month === b.month && a.day === b.day;
    return {
      day: (at) => day(parts(at)),
      dateTime: (at) => `${day(parts(at))}${time(parts(at))}`,
      window: (from, until) => {
        const [a, b] = [parts(from), parts(until)];
        return sameDay(a, b) ? `${day(a)}${time(a)}–${time(b)}` : `${day(a)}${time(a)} 至 ${day(b)}${time(b)}`;
      },
      shortDay: (at) => short(parts(at)),
      shortDateTime: (at) => `${short(parts(at))}${time(parts(at))}`,
      shortWindow: (from, until) => {
        const [a, b] = [parts(from), parts(until)];
        return sameDay(a, b) ? `${short(a)}${time(a)}-${time(b)}` : `${short(a)}${time(a)}至${short(b)}${time(b)}`;
      },
    };
  }
  if (locale === 'de') return germanDates(timeZone);
  const fmt = (options: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat(locale, { timeZone, ...options });
  const day = fmt({ weekday: 'short', year: 'numeric', month: 'short', day: 'numeric' });
  const dateTime = fmt({ weekday: 'short', year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' });
  const shortDay = fmt({ month: 'short', day: 'numeric' });
  const shortDateTime = fmt({ month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' });
  return {
    day: (at) => day.format(toDate(at)),
    dateTime: (at) => dateTime.format(toDate(at)),
    window: (from, until) => dateTime.formatRange(toDate(from), toDate(until)),
    shortDay: (at) => shortDay.format(toDate(at)),
    shortDateTime: (at) => shortDateTime.format(toDate(at)),
    shortWindow: (from, until) => plainSms(shortDateTime.formatRange(toDate(from), toDate(until))).replace(' - ', '-'),
  };
}

/**
 * German as a German service team writes it: the weekday and month spelled out in email ("Dienstag, 24. November
 * 2026, 09:00 Uhr"), the numeric day in SMS ("24.11."), the 24-hour clock with "Uhr". Intl gives the day; the time
 * and "Uhr" are added here because Intl's German date-time ("… um 09:00") has no "Uhr" and no form for a window.
 */
function germanDates(timeZone: string): DateFormats {
  const fmt = (options: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat('de', { timeZone, ...options });
  const longDay = fmt({ weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
  const numericDay = fmt({ day: '2-digit', month: '2-digit' });
  const clock = fmt({ hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const dayKey = fmt({ year: 'numeric', month: '2-digit', day: '2-digit' });
  const day = (at: Instant) => longDay.format(toDate(at));
  const short = (at: Instant) => numericDay.format(toDate(at));
  const time = (at: Instant) => clock.format(toDate(at));
  const sameDay = (a: Instant, b: Instant) => dayKey.format(toDate(a)) === dayKey.format(toDate(b));
  return {
    day,
    dateTime: (at) => `${day(at)}, ${time(at)} Uhr`,
    window: (from, until) => (sameDay(from, until) ? `${day(from)}, ${time(from)}–${time(until)} Uhr` : `${day(from)}, ${time(from)} Uhr bis ${day(until)}, ${time(until)} Uhr`),
    shortDay: short,
    shortDateTime: (at) => `${short(at)}, ${time(at)} Uhr`,
    shortWindow: (from, until) =>
      sameDay(from, until) ? `${short(from)}, ${time(from)}-${time(until)} Uhr` : `${short(from)}, ${time(from)} Uhr bis ${short(until)}, ${time(until)} Uhr`,
  };
}

/**
 * Typography Intl and copy like to use but GSM-7 lacks (narrow and thin spaces, dashes, curly and German low
 * quotes, the no-break space Intl puts in "12,50 €"): one of them would turn a whole English or German SMS into
 * UCS-2 and cut its length from 160 to 70 characters.
 */
export function plainSms(text: string): string {
  return text
    .replace(/[\u00a0\u2009\u202f\u2007]/g, ' ')
    .replace(/[\u2013\u2014]/g, '-')
    .replace(/[\u2018\u2019\u201a]/g, "'")
    .replace(/[\u201c\u201d\u201e]/g, '"')
    .replace(/\u2026/g, '...');
}
