/**
 * Each shipped market's time zone: where its working days are counted (its calendar, market-calendar.ts) and its
 * dates shown. Apart from the calendars, so a function that shows or buckets dates by market without counting working
 * days (the status page, the survey) has the zone without the markets' holiday data.
 */
export const MARKET_ZONES = { CN: 'Asia/Shanghai', DE: 'Europe/Berlin' } as const satisfies Readonly<Record<string, string>>;
