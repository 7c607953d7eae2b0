import { describe, expect, it } from 'vitest';
import type { Locale } from '../../functions/domain/case.js';
import { dateFormats, formatMoney } from '../../functions/domain/notices.js';
import { renderCaseNotice } from '../../functions/domain/notices/all-copies.js';
import { noticeSamples } from '../../functions/domain/notices/samples.js';
import { countIntlFormattersBuilt } from '../../scripts/bench/intl-count.js';

// Building an Intl formatter costs ICU tens of microseconds, formatting with one a few: the notice formatters are kept
// once made (functions/domain/notices/format.ts), bounded, so a notifier renders without building any after its first.
const LOCALES: Locale[] = ['zh-CN', 'en', 'de'];
const instant = '2026-11-24T01:00:00.000Z';

const countFormattersBuilt = countIntlFormattersBuilt;

const renderAll = (timeZone: string) => {
  for (const locale of LOCALES) for (const data of Object.values(noticeSamples(locale))) renderCaseNotice(data, { locale, timeZone });
};

describe('the formatters a notice is rendered with', () => {
  it('are built on the first render of a locale, zone and currency, and not again', () => {
    renderAll('Asia/Shanghai');
    expect(countFormattersBuilt(() => renderAll('Asia/Shanghai'))).toBe(0);
  });

  it('give what formatters built for the call give, in every form', () => {
    const later = '2026-11-25T09:30:00.000Z';
    for (const locale of LOCALES) {
      const kept = dateFormats(locale, 'Europe/Berlin');
      expect(dateFormats(locale, 'Europe/Berlin')).toBe(kept);
      // Another spelling is never kept: it builds its formatters for the call, as every render did before they were kept.
      const built = dateFormats(locale, 'europe/berlin');
      expect(built).not.toBe(dateFormats(locale, 'europe/berlin'));
      for (const form of ['day', 'dateTime', 'shortDay', 'shortDateTime'] as const) expect(kept[form](instant), form).toBe(built[form](instant));
      for (const form of ['window', 'shortWindow'] as const) expect(kept[form](instant, later), form).toBe(built[form](instant, later));
      expect(formatMoney(12_345, 'EUR', locale)).toBe(new Intl.NumberFormat(locale, { style: 'currency', currency: 'EUR' }).format(123.45));
      expect(formatMoney(12_345, 'JPY', locale)).toBe(new Intl.NumberFormat(locale, { style: 'currency', currency: 'JPY' }).format(12_345));
    }
  });

  it('cannot be changed by a caller: one kept object serves every render', () => {
    const kept = dateFormats('en', 'Asia/Shanghai');
    expect(Object.isFrozen(kept)).toBe(true);
    expect(() => Object.assign(kept, { day: () => 'changed' })).toThrow(TypeError);
  });

  it("are not kept for other spellings of a zone (a customer's zone comes from outside): each call builds its own", () => {
    dateFormats('en', 'Asia/Tokyo');
    expect(countFormattersBuilt(() => dateFormats('en', 'Asia/Tokyo'))).toBe(0);
    expect(countFormattersBuilt(() => dateFormats('en', 'asia/TOKYO'))).toBeGreaterThan(0);
    expect(countFormattersBuilt(() => dateFormats('en', 'asia/TOKYO'))).toBeGreaterThan(0);
  });

  it('throw RangeError for an unknown zone, each time', () => {
    for (let attempt = 0; attempt < 2; attempt += 1) expect(() => dateFormats('en', 'Mars/Olympus')).toThrow(RangeError);
  });

  it('stay bounded: past 64 currencies a formatter is built per call, and amounts are still right', () => {
    const codes = Intl.supportedValuesOf('currency').slice(0, 80);
    for (const code of codes) formatMoney(100, code, 'en');
    const last = codes.at(-1)!;
    expect(countFormattersBuilt(() => formatMoney(100, last, 'en'))).toBe(1);
    expect(formatMoney(100, last, 'en')).toBe(
      new Intl.NumberFormat('en', { style: 'currency', currency: last }).format(
        100 / 10 ** (new Intl.NumberFormat('en', { style: 'currency', currency: last }).resolvedOptions().maximumFractionDigits ?? 2),
      ),
    );
  });

  // Last: it fills the cache, which the tests above rely on having room.
  it('keep at most 64 locale-and-zone entries; those kept first stay kept, the rest are built per call', () => {
    const first = dateFormats('en', 'Asia/Shanghai');
    const zones = Intl.supportedValuesOf('timeZone').filter((zone) => new Intl.DateTimeFormat('en', { timeZone: zone }).resolvedOptions().timeZone === zone);
    for (const zone of zones.slice(0, 100)) dateFormats('en', zone);
    expect(dateFormats('en', 'Asia/Shanghai')).toBe(first);
    const late = zones[99]!;
    expect(countFormattersBuilt(() => dateFormats('en', late))).toBeGreaterThan(0);
  });
});
