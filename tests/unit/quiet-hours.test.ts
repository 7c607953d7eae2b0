import { describe, expect, it } from 'vitest';
import { instantAt, parseQuietHours, quietUntil } from '../../functions/domain/quiet-hours.js';

const NIGHT = parseQuietHours('21:00-08:00');
const iso = (date: Date | undefined) => date?.toISOString();

describe('parseQuietHours', () => {
  it('reads HH:MM-HH:MM as minutes after local midnight', () => {
    expect(parseQuietHours('21:00-08:00')).toEqual({ start: 21 * 60, end: 8 * 60 });
    expect(parseQuietHours(' 12:30-14:15 ')).toEqual({ start: 750, end: 855 });
  });

  it.each(['', 'off', 'OFF', undefined])('%o means no quiet hours', (text) => {
    expect(parseQuietHours(text)).toBeUndefined();
  });

  it.each(['21-08', '21:00', '24:00-08:00', '21:00-08:60', '08:00-08:00', '21:00-08:00-09:00', 'night'])('refuses %o', (text) => {
    expect(() => parseQuietHours(text)).toThrow(/quiet hours must look like 21:00-08:00/);
  });
});

describe('quietUntil in Asia/Shanghai (UTC+8, no daylight saving), window 21:00-08:00', () => {
  const zone = 'Asia/Shanghai';
  it.each([
    // [UTC instant, local time, end of quiet (UTC) or undefined]
    ['2026-11-10T12:59:59Z', '20:59:59', undefined],
    ['2026-11-10T13:00:00Z', '21:00, start is inside', '2026-11-11T00:00:00.000Z'],
    ['2026-11-10T15:59:00Z', '23:59', '2026-11-11T00:00:00.000Z'],
    ['2026-11-10T16:00:00Z', '00:00 the next day', '2026-11-11T00:00:00.000Z'],
    ['2026-11-10T23:59:59Z', '07:59:59', '2026-11-11T00:00:00.000Z'],
    ['2026-11-11T00:00:00Z', '08:00, end is outside', undefined],
    ['2026-11-11T04:00:00Z', 'noon', undefined],
    // Across a month and a year end.
    ['2026-12-31T15:00:00Z', '23:00 on New Year’s Eve', '2027-01-01T00:00:00.000Z'],
  ])('at %s (%s) → %s', (now, _local, end) => {
    expect(iso(quietUntil(new Date(now), zone, NIGHT))).toBe(end);
  });

  it('a window within one day (12:00-14:00) ends the same day', () => {
    const lunch = parseQuietHours('12:00-14:00');
    expect(iso(quietUntil(new Date('2026-11-10T04:30:00Z'), zone, lunch))).toBe('2026-11-10T06:00:00.000Z');
    expect(iso(quietUntil(new Date('2026-11-10T06:00:00Z'), zone, lunch))).toBeUndefined();
    expect(iso(quietUntil(new Date('2026-11-10T03:59:00Z'), zone, lunch))).toBeUndefined();
  });

  it('no window, never quiet', () => {
    expect(quietUntil(new Date('2026-11-10T16:00:00Z'), zone, undefined)).toBeUndefined();
  });
});

describe('quietUntil follows the customer’s zone, with daylight saving (Europe/Berlin)', () => {
  const zone = 'Europe/Berlin';
  it('in winter (UTC+1): 22:00 local is quiet until 08:00 local = 07:00 UTC', () => {
    expect(iso(quietUntil(new Date('2026-01-15T21:00:00Z'), zone, NIGHT))).toBe('2026-01-16T07:00:00.000Z');
  });

  it('in summer (UTC+2): 22:00 local is quiet until 06:00 UTC', () => {
    expect(iso(quietUntil(new Date('2026-07-15T20:00:00Z'), zone, NIGHT))).toBe('2026-07-16T06:00:00.000Z');
  });

  it('the night the clocks go forward (29 March 2026): the morning end is already summer time', () => {
    // 22:00 CET on 28 March; 08:00 CEST on 29 March is 06:00 UTC.
    expect(iso(quietUntil(new Date('2026-03-28T21:00:00Z'), zone, NIGHT))).toBe('2026-03-29T06:00:00.000Z');
  });

  it('the night the clocks go back (25 October 2026): the morning end is winter time again', () => {
    // 22:00 CEST on 24 October; 08:00 CET on 25 October is 07:00 UTC.
    expect(iso(quietUntil(new Date('2026-10-24T20:00:00Z'), zone, NIGHT))).toBe('2026-10-25T07:00:00.000Z');
  });

  it('the same UTC instant is quiet in Shanghai and not in Berlin', () => {
    const at = new Date('2026-11-10T14:00:00Z'); // 22:00 in Shanghai, 15:00 in Berlin
    expect(quietUntil(at, 'Asia/Shanghai', NIGHT)).toBeDefined();
    expect(quietUntil(at, zone, NIGHT)).toBeUndefined();
  });

  it('a window end inside the spring-forward gap (02:30) maps to the hour after it', () => {
    expect(iso(instantAt(2026, 3, 29, 2, 30, zone))).toBe('2026-03-29T01:30:00.000Z'); // 03:30 CEST
    expect(iso(instantAt(2026, 3, 29, 8, 0, zone))).toBe('2026-03-29T06:00:00.000Z');
  });

  it('a zone west of UTC (America/New_York, UTC-5 in November)', () => {
    // 23:00 on 10 November in New York is 04:00 UTC on the 11th; 08:00 there is 13:00 UTC.
    expect(iso(quietUntil(new Date('2026-11-11T04:00:00Z'), 'America/New_York', NIGHT))).toBe('2026-11-11T13:00:00.000Z');
  });
});
