import { writeFileSync } from 'node:fs';
import { HOLIDAY_FILES, holidayDates } from './holiday-data.js';

/**
 * Writes each market calendar's holiday dates from the installed date-holidays: run it after upgrading date-holidays
 * (`npx tsx scripts/extract-holidays.ts`), see docs/markets.md.
 */
for (const { country, fromYear, toYear, file } of HOLIDAY_FILES) {
  const url = new URL(`../${file}`, import.meta.url);
  writeFileSync(url, `${JSON.stringify(holidayDates(country, fromYear, toYear), null, 1)}\n`);
  console.log(`wrote ${url.pathname}`);
}
