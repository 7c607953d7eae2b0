import { describe, expect, it } from 'vitest';
import { loadCopy, NOTICE_MILESTONES, renderNotice } from '../../functions/domain/notices.js';
import { COPY, renderCaseNotice } from '../../functions/domain/notices/all-copies.js';
import { noticeSamples } from '../../functions/domain/notices/samples.js';

/** The notifier and the status page load one language's copy at a time (copies.ts): the same words as all at once. */
describe('notice copy loaded per language', () => {
  for (const locale of ['zh-CN', 'en', 'de'] as const) {
    it(`${locale}: the loaded copy is that language's, and renders every milestone as the eager copy does`, async () => {
      const copy = await loadCopy(locale);
      expect(copy).toBe(COPY[locale]);
      expect(copy.locale).toBe(locale);
      for (const milestone of NOTICE_MILESTONES) {
        const data = noticeSamples(locale)[milestone];
        expect(await renderNotice(data, { locale, timeZone: 'Europe/Berlin' })).toEqual(renderCaseNotice(data, { locale, timeZone: 'Europe/Berlin' }));
      }
    });
  }

  it('a locale without copy is refused, not rendered in another language', async () => {
    await expect(loadCopy('fr' as never)).rejects.toThrow('no notice copy for locale fr');
  });

  it.each(['toString', 'constructor', '__proto__', 'hasOwnProperty'])('%s (a member every object inherits) is no locale', async (locale) => {
    await expect(loadCopy(locale as never)).rejects.toThrow(RangeError);
  });
});
