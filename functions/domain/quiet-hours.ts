import { localClockOf, zoneOffsetMs } from './working-days.js';

/**
 * Quiet hours: no SMS in the customer's night. A window is local wall-clock time in the customer's time zone,
 * `HH:MM-HH:MM`, and may cross midnight (21:00-08:00). An SMS due inside it is delayed to the window's end, never
 * dropped. Pure: `now` and the zone are passed in; daylight-saving changes are followed through Intl.
 */
export interface QuietHours {
  /** Minutes after local midnight. */
  start: number;
  end: number;
}

const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** `"21:00-08:00"` → the window; `""` or `"off"` → none. Throws on anything else (configuration is checked at start). */
export function parseQuietHours(text: string | undefined): QuietHours | undefined {
  const value = text?.trim() ?? '';
  if (value === '' || value.toLowerCase() === 'off') return undefined;
  const [from, until, ...rest] = value.split('-');
  const start = minutes(from);
  const end = minutes(until);
  if (rest.length > 0 || start === undefined || end === undefined || start === end) {
    throw new Error(`quiet hours must look like 21:00-08:00 (local start-end, different times), got "${value}"`);
  }
  return { start, end };
}

function minutes(text: string | undefined): number | undefined {
  const match = HH_MM.exec(text?.trim() ?? '');
  return match ? Number(match[1]) * 60 + Number(match[2]) : undefined;
}

/**
 * When the quiet window that `now` falls in ends, in zone `timeZone`; undefined when `now` is outside it (send now).
 * The end is the first instant at or after `now` whose local time is the window's end (the window's start is
 * inclusive, its end exclusive).
 */
export function quietUntil(now: Date, timeZone: string, quiet: QuietHours | undefined): Date | undefined {
  if (!quiet) return undefined;
  const local = localClockOf(now, timeZone);
  const minute = local.hour * 60 + local.minute;
  const crossesMidnight = quiet.start > quiet.end;
  const inside = crossesMidnight ? minute >= quiet.start || minute < quiet.end : minute >= quiet.start && minute < quiet.end;
  if (!inside) return undefined;
  // The end falls today, unless the window crossed midnight and we are still before it (then tomorrow).
  const dayOffset = crossesMidnight && minute >= quiet.start ? 1 : 0;
  const day = new Date(Date.UTC(local.year, local.month - 1, local.day + dayOffset));
  return instantAt(day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate(), Math.floor(quiet.end / 60), quiet.end % 60, timeZone);
}

/**
 * The instant a local wall-clock time names in a zone. A time skipped by a daylight-saving jump (02:30 on the
 * spring-forward night) maps to the instant an hour on (03:30), so a window end never vanishes.
 */
export function instantAt(year: number, month: number, day: number, hour: number, minute: number, timeZone: string): Date {
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  let guess = wall - zoneOffsetMs(new Date(wall), timeZone);
  // A second pass settles the offset when the first guess landed on the other side of a change.
  guess = wall - zoneOffsetMs(new Date(guess), timeZone);
  return new Date(guess);
}
