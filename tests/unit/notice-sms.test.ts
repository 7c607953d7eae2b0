import { describe, expect, it } from 'vitest';
import type { Locale } from '../../functions/domain/case.js';
import { NOTICE_MILESTONES } from '../../functions/domain/notices.js';
import { renderCaseNotice } from '../../functions/domain/notices/all-copies.js';
import { noticeSamples, noticeVariants, SAMPLE_STATUS_URL } from '../../functions/domain/notices/samples.js';
import { smsEncoding, smsSegments } from '../../functions/domain/sms-segments.js';

/**
 * SMS budget. Carriers bill per segment: GSM-7 fits 160 characters in one (English), UCS-2 only 70 (any Chinese
 * character). The samples carry a 60-character status link and the 15-character case reference, so a Chinese SMS
 * can never be one segment (75 units before a single word); English ones should be. Nothing may exceed two.
 */
const LOCALES: Locale[] = ['en', 'zh-CN', 'de'];
const MAX_SEGMENTS = 2;

describe('SMS segments per template', () => {
  it('the samples use a 60-character status link', () => {
    expect(SAMPLE_STATUS_URL).toHaveLength(60);
  });

  it('reports the segment count of every template and locale, none above two', () => {
    const rows = NOTICE_MILESTONES.map((milestone) => {
      const row: Record<string, string> = { milestone };
      for (const locale of LOCALES) {
        const { sms } = renderCaseNotice(noticeSamples(locale)[milestone], { locale });
        row[locale] = `${smsSegments(sms)} (${smsEncoding(sms)}, ${sms.length} chars)`;
      }
      return row;
    });
    console.table(rows);
    for (const locale of LOCALES) {
      for (const milestone of NOTICE_MILESTONES) {
        const { sms } = renderCaseNotice(noticeSamples(locale)[milestone], { locale });
        expect(smsSegments(sms), `${milestone}/${locale}: ${sms}`).toBeLessThanOrEqual(MAX_SEGMENTS);
      }
    }
  });

  it.each(LOCALES)('every variant (each reason, option and optional field) stays within two segments (%s)', (locale) => {
    const over = noticeVariants(locale)
      .map(({ label, data }) => ({ label, sms: renderCaseNotice(data, { locale }).sms }))
      .filter(({ sms }) => smsSegments(sms) > MAX_SEGMENTS);
    expect(over).toEqual([]);
  });

  it('English SMS are GSM-7 and one segment, for every variant', () => {
    const variants = noticeVariants('en').map(({ label, data }) => ({ label, sms: renderCaseNotice(data, { locale: 'en' }).sms }));
    expect(variants.filter(({ sms }) => smsEncoding(sms) !== 'GSM-7')).toEqual([]);
    expect(variants.filter(({ sms }) => smsSegments(sms) > 1).map(({ label, sms }) => `${label}: ${sms.length} chars`)).toEqual([]);
  });

  it('German SMS are GSM-7 (umlauts and ß are in its basic set) and at most two segments, for every variant', () => {
    const variants = noticeVariants('de').map(({ label, data }) => ({ label, sms: renderCaseNotice(data, { locale: 'de' }).sms }));
    expect(variants.filter(({ sms }) => smsEncoding(sms) !== 'GSM-7')).toEqual([]);
    expect(variants.filter(({ sms }) => smsSegments(sms) > 2)).toEqual([]);
    // Most stay in one segment; the test shows which do not, so a longer rewording is seen.
    expect(variants.filter(({ sms }) => smsSegments(sms) === 1).length).toBeGreaterThan(variants.length / 2);
  });

  it('Chinese SMS leave room in their two segments (at most 134 UCS-2 units) for a provider signature such as 【某某商城】', () => {
    for (const { label, data } of noticeVariants('zh-CN')) {
      const { sms } = renderCaseNotice(data, { locale: 'zh-CN' });
      expect(sms.length + 8, label).toBeLessThanOrEqual(134);
    }
  });
});

describe('smsSegments', () => {
  it.each([
    ['', 0],
    ['a'.repeat(160), 1],
    ['a'.repeat(161), 2],
    ['a'.repeat(306), 2],
    ['a'.repeat(307), 3],
    ['中'.repeat(70), 1],
    ['中'.repeat(71), 2],
    ['中'.repeat(134), 2],
    ['中'.repeat(135), 3],
    // One Chinese character makes the whole message UCS-2.
    [`${'a'.repeat(69)}中`, 1],
    [`${'a'.repeat(70)}中`, 2],
    // Extension characters take two septets.
    ['€'.repeat(80), 1],
    ['€'.repeat(81), 2],
    // German letters are GSM-7: one septet each.
    ['äöüßÄÖÜ'.repeat(22) + 'ä'.repeat(6), 1],
    ['ä'.repeat(161), 2],
  ])('%#: %s… is %d segment(s)', (body, segments) => {
    expect(smsSegments(body)).toBe(segments);
  });
});
