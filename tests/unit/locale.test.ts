import { describe, expect, it } from 'vitest';
import { browserLocale, customerLocale, knownLocale, LANGUAGE_TAG_PATTERN, LOCALES } from '../../functions/domain/locale.js';

describe('customerLocale: the language a customer is written to in', () => {
  it.each([
    ['de', 'de'],
    ['de-DE', 'de'],
    ['de-AT', 'de'],
    ['de-CH', 'de'],
    ['DE-de', 'de'],
    ['de_DE', 'de'],
    ['en', 'en'],
    ['en-US', 'en'],
    ['en-GB', 'en'],
    ['zh-CN', 'zh-CN'],
    ['zh', 'zh-CN'],
    ['zh-Hans-CN', 'zh-CN'],
    ['zh_CN', 'zh-CN'],
    // The only Chinese we write is simplified: closer to a Hong Kong or Taiwan reader than the market's language.
    ['zh-TW', 'zh-CN'],
  ] as const)('%s → %s, whatever the market', (tag, expected) => {
    expect(customerLocale(tag, 'zh-CN')).toBe(expected);
    expect(customerLocale(tag, 'de')).toBe(expected);
  });

  it.each([undefined, '', '  ', 'fr', 'fr-FR', 'pt-BR', 'ja-JP', 'dee'])('%s falls back to the market’s language', (tag) => {
    expect(customerLocale(tag, 'zh-CN')).toBe('zh-CN');
    expect(customerLocale(tag, 'de')).toBe('de');
    expect(customerLocale(tag, 'en')).toBe('en');
  });

  it('a stored locale read back: one we write in, else the market’s', () => {
    for (const locale of LOCALES) expect(knownLocale(locale, 'zh-CN')).toBe(locale);
    expect(knownLocale(undefined, 'de')).toBe('de');
    expect(knownLocale('fr', 'de')).toBe('de');
  });

  it.each(['de', 'de-DE', 'zh-Hans-CN', 'zh_CN', 'en-US', 'fr-FR', 'sr-Latn-RS', 'es-419'])('%s is a well-formed tag', (tag) => {
    expect(LANGUAGE_TAG_PATTERN.test(tag)).toBe(true);
  });

  it.each(['', 'd', 'de DE', 'German', 'de-', '-DE', 'de--DE', '<script>', 'de-DE\n'])('%j is not', (tag) => {
    expect(LANGUAGE_TAG_PATTERN.test(tag)).toBe(false);
  });
});

describe('browserLocale: a page shown before we know whose it is', () => {
  it.each([
    ['de-DE,de;q=0.9,en;q=0.8', 'de'],
    ['en-US,en;q=0.9', 'en'],
    ['zh-CN,zh;q=0.9', 'zh-CN'],
    // The first language we write in, in the browser's order.
    ['fr-FR,fr;q=0.9,de;q=0.8,en;q=0.7', 'de'],
    ['fr-FR,fr;q=0.9', 'zh-CN'],
    ['*', 'zh-CN'],
    [undefined, 'zh-CN'],
  ] as const)('%s → %s (CN market)', (header, expected) => {
    expect(browserLocale(header, 'zh-CN')).toBe(expected);
  });

  it('without a language we write in, the market’s', () => {
    expect(browserLocale('fr-FR', 'de')).toBe('de');
  });
});
