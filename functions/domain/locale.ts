import type { Locale } from './case.js';

/** The languages notices, the status page and the survey are written in. */
export const LOCALES = ['zh-CN', 'en', 'de'] as const satisfies readonly Locale[];

/**
 * The shape of a language tag the webhook accepts in `customer.locale`: BCP 47 (`de`, `de-DE`, `zh-Hans-CN`,
 * `en-US`) or the POSIX/Java spelling with underscores (`zh_CN`). Well-formed only: whether we write in the language
 * is decided by `customerLocale`, never by refusing the case.
 */
export const LANGUAGE_TAG_PATTERN = /^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8}){0,7}$/;

/**
 * The language a customer is written to in: their locale, mapped to one we write in by its primary language (`de-AT`
 * → `de`, `en-GB` → `en`, `zh-Hans-CN`, `zh-SG`, `zh-TW` → `zh-CN`, the only Chinese we write), or the market's
 * language when it is absent or a language we do not write in (`fr-FR` → the market's).
 */
export function customerLocale(tag: string | undefined, marketLocale: Locale): Locale {
  return writtenLocale(tag) ?? marketLocale;
}

/** The language we write in for a tag's primary language, if we write in it. */
function writtenLocale(tag: string | undefined): Locale | undefined {
  const language = tag?.trim().split(/[-_]/)[0]?.toLowerCase();
  return language === 'zh' ? 'zh-CN' : language === 'en' ? 'en' : language === 'de' ? 'de' : undefined;
}

/** A stored locale read back (a case or survey item): one we write in, else the market's language. */
export const knownLocale = (value: string | undefined, marketLocale: Locale): Locale => ((LOCALES as readonly string[]).includes(value ?? '') ? (value as Locale) : marketLocale);

/**
 * A page shown before we know whose it is (a bad link): the first language of the browser's Accept-Language we
 * write in, in the order the browser lists them (they list by preference), else the market's.
 */
export function browserLocale(acceptLanguage: string | undefined, marketLocale: Locale): Locale {
  for (const entry of (acceptLanguage ?? '').split(',')) {
    const locale = writtenLocale(entry.split(';')[0]);
    if (locale) return locale;
  }
  return marketLocale;
}
