import { describe, expect, it } from 'vitest';
import type { Locale } from '../../functions/domain/case.js';
import { NOTICE_MILESTONES, checkNoticeData, dateFormats, formatMoney, NoticeDataError, type NoticeData, type NoticeMilestone } from '../../functions/domain/notices.js';
import { renderCaseNotice } from '../../functions/domain/notices/all-copies.js';
import { noticeSamples, noticeVariants, SAMPLE_CASE_ID, SAMPLE_STATUS_URL, SAMPLE_SURVEY_URL } from '../../functions/domain/notices/samples.js';
import { smsEncoding } from '../../functions/domain/sms-segments.js';
import { loadPolicy } from '../../functions/policies/index.js';

const LOCALES: Locale[] = ['zh-CN', 'en', 'de'];
const SURVEYS = new Set<NoticeMilestone>(['survey_invitation', 'survey_reminder']);
const SLIPS = /undefined|null|NaN|\[object Object\]|Invalid Date/;

const rendered = LOCALES.flatMap((locale) => noticeVariants(locale).map((v) => ({ ...v, locale, notice: renderCaseNotice(v.data, { locale }) })));

describe('every template in every locale', () => {
  it('has a template for every milestone in every locale', () => {
    for (const locale of LOCALES) expect(new Set(rendered.filter((r) => r.locale === locale).map((r) => r.data.milestone))).toEqual(new Set(NOTICE_MILESTONES));
  });

  it.each(rendered.map((r) => [r.label, r.locale, r] as const))(
    '%s (%s): subject, text, HTML and SMS carry the case reference and the right link, and no blanks',
    (_label, locale, { data, notice }) => {
      for (const [part, value] of Object.entries(notice)) {
        expect(value.trim(), part).not.toBe('');
        expect(value, part).toContain(SAMPLE_CASE_ID);
        expect(value, part).not.toMatch(SLIPS);
      }
      expect(notice.text).toContain(SAMPLE_STATUS_URL);
      expect(notice.html).toContain(`href="${SAMPLE_STATUS_URL}"`);
      // The SMS links the status page; a survey SMS links the survey instead (two links would not fit).
      expect(notice.sms).toContain(SURVEYS.has(data.milestone) ? SAMPLE_SURVEY_URL : SAMPLE_STATUS_URL);
      expect(notice.text).toContain(data.customerName);
      expect(notice.html).toMatch(new RegExp(`^<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport"`));
      // Inline styles only: no style sheets, no scripts.
      expect(notice.html).not.toMatch(/<style|<script|<link/);
      const chinese = /[\u4e00-\u9fff]/;
      expect(chinese.test(notice.subject + notice.text + notice.sms), 'language').toBe(locale === 'zh-CN');
      // Formal German: addressed as "Sie", the case called a "Vorgang"; neither word in the other languages.
      expect(/\bVorgang/.test(notice.subject) && /\b(Sie|Ihnen|Ihr|Ihre)\b/.test(notice.text), 'German').toBe(locale === 'de');
    },
  );

  it('the survey link is in every part of the survey notices', () => {
    for (const r of rendered.filter((r) => SURVEYS.has(r.data.milestone))) {
      expect(r.notice.text).toContain(SAMPLE_SURVEY_URL);
      expect(r.notice.html).toContain(`href="${SAMPLE_SURVEY_URL}"`);
    }
  });

  it('every action link of a notice is a link in its HTML and appears in its text', () => {
    const s = noticeSamples('en');
    const links: Array<[NoticeData, string[]]> = [
      [s.evidence_needed, [s.evidence_needed.uploadUrl]],
      [s.remedy_choice_needed, s.remedy_choice_needed.options.map((o) => o.url)],
      [s.ship_back, [s.ship_back.method.kind === 'prepaid_label' ? s.ship_back.method.labelUrl : '']],
      [s.replacement_shipped, [s.replacement_shipped.trackingUrl!]],
      [s.delay_notice, [s.delay_notice.keepWaitingUrl, s.delay_notice.cancelUrl]],
    ];
    for (const [data, urls] of links) {
      const notice = renderCaseNotice(data, { locale: 'en' });
      for (const url of urls) {
        expect(notice.html, `${data.milestone} ${url}`).toContain(`href="${url}"`);
        expect(notice.text, `${data.milestone} ${url}`).toContain(url);
      }
    }
  });

  it('a rejection explains every reason in plain words, never by its code', () => {
    for (const r of rendered.filter((r) => r.data.milestone === 'rejected')) {
      const code = (r.data as Extract<NoticeData, { milestone: 'rejected' }>).reasonCode;
      expect(r.notice.text + r.notice.sms, `${code}/${r.locale}`).not.toContain(code);
    }
  });

  it('the remedy choice names each option, the default and the deadline', () => {
    const en = renderCaseNotice(noticeSamples('en').remedy_choice_needed, { locale: 'en' });
    expect(en.text).toContain('Return it for a refund (CN¥399.00)');
    expect(en.text).toContain('Exchange it for a new one');
    expect(en.text).toContain('Refund without returning it (CN¥399.00)');
    expect(en.text).toContain('we’ll refund you');
    expect(en.text).toContain('Fri, Nov 13, 2026, 10:00');
    const zh = renderCaseNotice(noticeSamples('zh-CN').remedy_choice_needed, { locale: 'zh-CN' });
    expect(zh.text).toContain('退货退款（¥399.00）');
    expect(zh.text).toContain('如届时未选择，我们将默认为您直接退款。');
    expect(zh.text).toContain('2026年11月13日（周五）10:00');
  });

  it('the shipped policy gives its service center in every language, and the return instructions render with it', () => {
    const policy = loadPolicy('CN');
    for (const locale of LOCALES) {
      const center = policy.serviceCenter[locale];
      const { text } = renderCaseNotice({ ...noticeSamples(locale).ship_back, serviceCenter: center }, { locale });
      expect(text, locale).toContain(center.address);
      expect(text, locale).toContain(center.name);
    }
    expect(policy.locale).toBe('zh-CN');
  });

  it('the return instructions give the address and the method', () => {
    const zh = noticeSamples('zh-CN').ship_back;
    const text = renderCaseNotice(zh, { locale: 'zh-CN' }).text;
    expect(text).toContain(zh.serviceCenter.address);
    expect(text).toContain(zh.serviceCenter.phone);
    expect(text).toContain('顺丰速运预付运单');
    const pickup = renderCaseNotice(
      { ...zh, method: { kind: 'pickup', carrier: '顺丰速运', pickupFrom: '2026-11-12T01:00:00Z', pickupUntil: '2026-11-12T04:00:00Z' } },
      { locale: 'zh-CN' },
    );
    expect(pickup.text).toContain('顺丰速运快递员将于2026年11月12日（周四）09:00–12:00上门取件');
    expect(pickup.sms).toContain('11月12日09:00-12:00上门取件');
  });
});

describe('HTML is escaped; plain text and SMS are plain', () => {
  const name = '<script>alert("x")</script> & O\'Brien';

  it.each(LOCALES)('customer data with markup is escaped in the HTML (%s)', (locale) => {
    const sample = noticeSamples(locale).ship_back;
    const data: NoticeData = {
      ...sample,
      customerName: name,
      itemSummary: 'Cable <b>bold</b> & co',
      serviceCenter: { ...sample.serviceCenter, address: '1 <Main> St & "Co"' },
      method: { kind: 'prepaid_label', carrier: 'A&B <Express>', labelUrl: 'https://aftersales.example.com/labels/t?a=1&b="2"' },
    };
    const { html, text, sms } = renderCaseNotice(data, { locale });
    expect(html).not.toMatch(/<script|<b>|<Main>|<Express>/);
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; O&#39;Brien');
    expect(html).toContain('Cable &lt;b&gt;bold&lt;/b&gt; &amp; co');
    expect(html).toContain('1 &lt;Main&gt; St &amp; &quot;Co&quot;');
    expect(html).toContain('href="https://aftersales.example.com/labels/t?a=1&amp;b=&quot;2&quot;"');
    expect(html).not.toContain('b="2"');
    expect(text).toContain(name);
    expect(text).toContain('1 <Main> St & "Co"');
    // No name in an SMS: it carries only what the customer needs.
    expect(sms).not.toContain('Brien');
  });
});

describe('a missing or invalid value throws, naming the field', () => {
  /** Optional fields: leaving them out changes the wording, never leaves a blank. */
  const OPTIONAL: Partial<Record<NoticeMilestone, string[]>> = {
    received: ['replyBy'],
    approved: ['nextBy', 'basis'],
    remedy_choice_needed: ['refund'],
    refund_issued: ['expectedBy'],
    compensation_issued: ['validUntil'],
    replacement_shipped: ['trackingUrl', 'expectedBy', 'returnOriginalBy'],
    repair_done: ['trackingUrl', 'expectedBy'],
    case_closed: ['closeReason'],
    delay_notice: ['newExpectedBy'],
  };
  const COMMON_OPTIONAL = ['orderId', 'itemSummary'];
  const cases = LOCALES.flatMap((locale) =>
    NOTICE_MILESTONES.flatMap((milestone) => {
      const sample = noticeSamples(locale)[milestone] as unknown as Record<string, unknown>;
      return Object.keys(sample)
        .filter((key) => key !== 'milestone')
        .map((field) => [milestone, field, locale, sample] as const);
    }),
  );

  it.each(cases)('%s without %s (%s)', (milestone, field, locale, sample) => {
    const optional = [...COMMON_OPTIONAL, ...(OPTIONAL[milestone] ?? [])].includes(field);
    for (const absent of [undefined, null, '', '   ']) {
      const data = { ...sample, [field]: absent } as unknown as NoticeData;
      if (optional) expect(() => renderCaseNotice(data, { locale })).not.toThrow();
      else expect(() => renderCaseNotice(data, { locale })).toThrow(new NoticeDataError(milestone, field, 'missing'));
    }
  });

  it('every milestone has required fields beyond the common ones, and the test saw them all', () => {
    expect(cases.length).toBeGreaterThan(NOTICE_MILESTONES.length * 6);
  });

  it.each([
    ['method.labelUrl', (d: Record<string, any>) => ({ ...d, method: { kind: 'prepaid_label', carrier: 'SF Express' } })],
    ['method.pickupUntil', (d: Record<string, any>) => ({ ...d, method: { kind: 'pickup', carrier: 'SF Express', pickupFrom: '2026-11-12T01:00:00Z' } })],
    ['method.kind', (d: Record<string, any>) => ({ ...d, method: { carrier: 'SF Express', labelUrl: 'https://x.example/l' } })],
    ['serviceCenter.address', (d: Record<string, any>) => ({ ...d, serviceCenter: { ...d.serviceCenter, address: undefined } })],
    ['serviceCenter.phone', (d: Record<string, any>) => ({ ...d, serviceCenter: { name: 'X', address: 'Y' } })],
  ])('ship_back: a nested %s is named too', (field, change) => {
    const data = change(noticeSamples('en').ship_back as Record<string, any>) as NoticeData;
    expect(() => renderCaseNotice(data, { locale: 'en' })).toThrow(`ship_back notice is missing ${field}`);
  });

  it('remedy options: each needs its link; the refund shown needs its currency', () => {
    const s = noticeSamples('en').remedy_choice_needed;
    expect(() => renderCaseNotice({ ...s, options: [s.options[0]!, { choice: 'exchange' } as never] }, { locale: 'en' })).toThrow(
      'remedy_choice_needed notice is missing options[1].url',
    );
    expect(() => renderCaseNotice({ ...s, refund: { amount: 100 } as never }, { locale: 'en' })).toThrow('remedy_choice_needed notice is missing refund.currency');
    expect(() => renderCaseNotice({ ...s, options: [] }, { locale: 'en' })).toThrow('remedy_choice_needed notice is missing options');
    expect(() => checkNoticeData({ ...noticeSamples('en').evidence_needed, requested: [] })).toThrow('evidence_needed notice is missing requested');
  });

  it.each([
    ['refund_issued', { amount: Number.NaN }, 'amount'],
    ['refund_issued', { amount: 12.5 }, 'amount'],
    ['refund_issued', { amount: -100 }, 'amount'],
    ['refund_issued', { amount: '100' }, 'amount'],
    ['refund_issued', { currency: 'RMB' }, 'currency'],
    ['refund_issued', { currency: 'cny' }, 'currency'],
    ['refund_issued', { refundTo: 'bank' }, 'refundTo'],
    ['refund_issued', { customerName: 'undefined' }, 'customerName'],
    ['refund_issued', { statusUrl: 'javascript:alert(1)' }, 'statusUrl'],
    ['refund_issued', { statusUrl: 'aftersales.example.com/s/x' }, 'statusUrl'],
    ['refund_issued', { expectedBy: 'next week' }, 'expectedBy'],
    ['refund_issued', { caseType: 'refund' }, 'caseType'],
    ['rejected', { reasonCode: 'made_up_code' }, 'reasonCode'],
    ['survey_invitation', { expiresAt: '2026-13-45T00:00:00Z' }, 'expiresAt'],
    ['remedy_choice_needed', { defaultChoice: 'reship' }, 'defaultChoice'],
    ['ship_back', { method: { kind: 'pickup', carrier: 'SF', pickupFrom: '2026-11-12T04:00:00Z', pickupUntil: '2026-11-12T01:00:00Z' } }, 'method.pickupUntil'],
    ['ship_back', { method: { kind: 'drone' } }, 'method.kind'],
  ] as const)('%s with %o is refused, naming %s', (milestone, change, field) => {
    const data = { ...noticeSamples('en')[milestone], ...change } as unknown as NoticeData;
    expect(() => renderCaseNotice(data, { locale: 'en' })).toThrow(`${milestone} notice has an invalid ${field}`);
  });

  it('an unknown milestone is refused', () => {
    expect(() => checkNoticeData({ ...noticeSamples('en').cancelled, milestone: 'decided' })).toThrow('unknown notice has an invalid milestone');
    expect(() => checkNoticeData(undefined)).toThrow('unknown notice is missing milestone');
  });

  it('the error names the field, never the value (which may be personal data)', () => {
    const error = (() => {
      try {
        checkNoticeData({ ...noticeSamples('en').cancelled, statusUrl: 'mailto:li.wei@example.com' });
      } catch (e) {
        return e as NoticeDataError;
      }
    })();
    expect(error).toBeInstanceOf(NoticeDataError);
    expect(error?.field).toBe('statusUrl');
    expect(error?.message).not.toContain('li.wei');
  });

  it('a missing field is also a compile error (checked by tsc on this file)', () => {
    const s = noticeSamples('en');
    const base = { caseId: s.cancelled.caseId, caseType: 'return' as const, customerName: 'Li Wei', statusUrl: SAMPLE_STATUS_URL };
    // @ts-expect-error -- a refund notice needs its amount
    const noAmount: NoticeData = { ...base, milestone: 'refund_issued', currency: 'CNY', refundTo: 'original_payment' };
    // @ts-expect-error -- return instructions need the method
    const noMethod: NoticeData = { ...base, milestone: 'ship_back', serviceCenter: s.ship_back.serviceCenter, shipBy: s.ship_back.shipBy };
    // @ts-expect-error -- every notice carries the status link
    const noStatus: NoticeData = { caseId: 'AS-1', caseType: 'return', customerName: 'Li Wei', milestone: 'cancelled' };
    // @ts-expect-error -- a reason code outside the list
    const badReason: NoticeData = { ...base, milestone: 'rejected', reasonCode: 'made_up_code' };
    expect(() => renderCaseNotice(noAmount, { locale: 'en' })).toThrow('refund_issued notice is missing amount');
    expect(() => renderCaseNotice(noMethod, { locale: 'en' })).toThrow('ship_back notice is missing method');
    expect(() => renderCaseNotice(noStatus, { locale: 'en' })).toThrow('cancelled notice is missing statusUrl');
    expect(() => renderCaseNotice(badReason, { locale: 'en' })).toThrow('rejected notice has an invalid reasonCode');
  });
});

describe('money', () => {
  it.each([
    [12_345, 'CNY', 'en', 'CN¥123.45'],
    [12_345, 'CNY', 'zh-CN', '¥123.45'],
    [1_234_567, 'CNY', 'en', 'CN¥12,345.67'],
    [5, 'CNY', 'zh-CN', '¥0.05'],
    [0, 'CNY', 'en', 'CN¥0.00'],
    // JPY has no minor unit: 1234 minor units are ¥1,234, not ¥12.34.
    [1_234, 'JPY', 'en', '¥1,234'],
    [1_234, 'JPY', 'zh-CN', 'JP¥1,234'],
    [1_999, 'USD', 'en', '$19.99'],
    [1_999, 'USD', 'zh-CN', 'US$19.99'],
    // German puts the symbol after the amount, a no-break space between, a decimal comma and a thousands dot.
    [1_250, 'EUR', 'de', '12,50\u00a0€'],
    [123_456_789, 'EUR', 'de', '1.234.567,89\u00a0€'],
    [1_250, 'EUR', 'en', '€12.50'],
    [39_900, 'CNY', 'de', '399,00\u00a0CN¥'],
    [1_234, 'JPY', 'de', '1.234\u00a0¥'],
  ] as const)('%d minor units of %s in %s: %s', (amount, currency, locale, expected) => {
    expect(formatMoney(amount, currency, locale)).toBe(expected);
  });

  it.each([
    ['en', 'CNY', 39_900, 'We’ve issued a refund of CN¥399.00 to your original payment method.'],
    ['zh-CN', 'CNY', 39_900, '已将 ¥399.00 原路退回至您的支付账户。'],
    ['en', 'JPY', 39_900, 'We’ve issued a refund of ¥39,900 to your original payment method.'],
    ['zh-CN', 'JPY', 39_900, '已将 JP¥39,900 原路退回至您的支付账户。'],
    ['de', 'EUR', 39_900, 'Wir haben Ihnen 399,00\u00a0€ auf Ihr ursprüngliches Zahlungsmittel erstattet.'],
    ['de', 'CNY', 39_900, 'Wir haben Ihnen 399,00\u00a0CN¥ auf Ihr ursprüngliches Zahlungsmittel erstattet.'],
    ['en', 'EUR', 1_250, 'We’ve issued a refund of €12.50 to your original payment method.'],
  ] as const)('a refund notice in %s shows %s in its own format', (locale, currency, amount, sentence) => {
    const notice = renderCaseNotice({ ...noticeSamples(locale).refund_issued, amount, currency }, { locale });
    expect(notice.text).toContain(sentence);
    expect(notice.html).toContain(sentence);
  });
});

describe('euros in German notices', () => {
  const de = noticeSamples('de');

  it('the remedy choice shows the refund beside the return and refund options', () => {
    const { text, html } = renderCaseNotice(de.remedy_choice_needed, { locale: 'de' });
    expect(text).toContain('Zurücksenden und Geld zurück (399,00\u00a0€)');
    expect(text).toContain('Erstattung ohne Rücksendung (399,00\u00a0€)');
    expect(html).toContain('Zurücksenden und Geld zurück (399,00\u00a0€)');
    expect(text).toContain('Bitte wählen Sie bis Freitag, 13. November 2026, 10:00 Uhr');
  });

  it.each([
    ['compensation_issued', 'Als Entschädigung haben wir Ihrem Kundenkonto 15,00\u00a0€ gutgeschrieben.', 'Für die Verspätung haben wir Ihrem Kundenkonto 15,00 € gutgeschrieben.'],
    ['charged_back', 'haben wir Ihnen 399,00\u00a0€ für den neuen Artikel berechnet.', 'Wir haben 399,00 € für den neuen Artikel berechnet'],
    [
      'refund_issued',
      'Wir haben Ihnen 399,00\u00a0€ auf Ihr ursprüngliches Zahlungsmittel erstattet.',
      'Wir haben Ihnen 399,00 € auf Ihr ursprüngliches Zahlungsmittel erstattet.',
    ],
  ] as const)('%s: the amount in the order’s currency, in German format, in the email and the SMS', (milestone, email, sms) => {
    const notice = renderCaseNotice(de[milestone], { locale: 'de' });
    expect(notice.text).toContain(email);
    // The SMS has a plain space (GSM-7 has no no-break space); € is in GSM-7's extension table.
    expect(notice.sms).toContain(sms);
    expect(smsEncoding(notice.sms)).toBe('GSM-7');
  });

  it('the return instructions name the German service center, the deadline and the label, in German', () => {
    const { text, sms } = renderCaseNotice(de.ship_back, { locale: 'de', timeZone: 'Europe/Berlin' });
    expect(text).toContain('Empfänger: Kundendienst-Servicecenter');
    expect(text).toContain('Adresse: Gebäude 3, 88 Zhangjiang Road, Pudong, 201203 Shanghai, China');
    expect(text).toContain('Versand bis: Dienstag, 17. November 2026, 16:59 Uhr');
    expect(text).toContain('Versandetikett abrufen: https://aftersales.example.com/labels/');
    expect(sms).toContain('Bitte senden Sie den Artikel bis 17.11. zurück');
  });
});

describe('dates are shown in the customer’s time zone and locale format', () => {
  it('German: weekday and month spelled out in email, numeric in SMS, 24-hour clock with "Uhr"', () => {
    const de = dateFormats('de', 'Europe/Berlin');
    const at = '2026-11-24T20:30:00Z'; // Tuesday 21:30 in Berlin
    expect(de.day(at)).toBe('Dienstag, 24. November 2026');
    expect(de.dateTime(at)).toBe('Dienstag, 24. November 2026, 21:30 Uhr');
    expect(de.shortDay(at)).toBe('24.11.');
    expect(de.shortDateTime(at)).toBe('24.11., 21:30 Uhr');
    expect(de.window('2026-11-12T08:00:00Z', '2026-11-12T11:00:00Z')).toBe('Donnerstag, 12. November 2026, 09:00–12:00 Uhr');
    expect(de.window('2026-11-12T08:00:00Z', '2026-11-13T17:00:00Z')).toBe('Donnerstag, 12. November 2026, 09:00 Uhr bis Freitag, 13. November 2026, 18:00 Uhr');
    expect(de.shortWindow('2026-11-12T08:00:00Z', '2026-11-12T11:00:00Z')).toBe('12.11., 09:00-12:00 Uhr');
    // Summer time: the same wall-clock hour is an hour earlier in UTC.
    expect(de.dateTime('2026-07-01T08:00:00Z')).toBe('Mittwoch, 1. Juli 2026, 10:00 Uhr');
    const received = { ...noticeSamples('de').received, replyBy: at };
    expect(renderCaseNotice(received, { locale: 'de', timeZone: 'Europe/Berlin' }).text).toContain('Sie hören spätestens am Dienstag, 24. November 2026 von uns.');
    expect(renderCaseNotice(received, { locale: 'de', timeZone: 'Europe/Berlin' }).sms).toContain('Sie hören bis 24.11. von uns.');
  });

  const at = '2026-11-24T20:30:00Z'; // Wednesday 04:30 in Shanghai, Tuesday 12:30 in Los Angeles

  it('Asia/Shanghai by default', () => {
    const zh = dateFormats('zh-CN', 'Asia/Shanghai');
    expect(zh.day(at)).toBe('2026年11月25日（周三）');
    expect(zh.dateTime(at)).toBe('2026年11月25日（周三）04:30');
    expect(zh.shortDay(at)).toBe('11月25日');
    expect(zh.shortDateTime(at)).toBe('11月25日04:30');
    const en = dateFormats('en', 'Asia/Shanghai');
    expect(en.day(at)).toBe('Wed, Nov 25, 2026');
    expect(en.dateTime(at)).toMatch(/^Wed, Nov 25, 2026, 4:30\sAM$/);
    expect(en.shortDay(at)).toBe('Nov 25');
    const received = { ...noticeSamples('zh-CN').received, replyBy: at };
    // The reply promise is a day (the first-response target rounded up to the end of its working day): no clock time.
    expect(renderCaseNotice(received, { locale: 'zh-CN' }).text).toContain('我们最迟将在2026年11月25日（周三）当天给您答复');
  });

  it('another time zone moves the day', () => {
    expect(dateFormats('en', 'America/Los_Angeles').day(at)).toBe('Tue, Nov 24, 2026');
    expect(dateFormats('zh-CN', 'America/Los_Angeles').dateTime(at)).toBe('2026年11月24日（周二）12:30');
    const received = { ...noticeSamples('en').received, replyBy: at };
    expect(renderCaseNotice(received, { locale: 'en', timeZone: 'America/Los_Angeles' }).text).toContain('by the end of Tue, Nov 24, 2026 at the latest');
    expect(renderCaseNotice(received, { locale: 'en' }).text).toContain('by the end of Wed, Nov 25, 2026 at the latest');
  });

  it('a time window on one day names the day once', () => {
    const from = '2026-11-12T01:00:00Z';
    const until = '2026-11-12T04:00:00Z';
    expect(dateFormats('zh-CN', 'Asia/Shanghai').window(from, until)).toBe('2026年11月12日（周四）09:00–12:00');
    expect(dateFormats('zh-CN', 'Asia/Shanghai').shortWindow(from, until)).toBe('11月12日09:00-12:00');
    expect(dateFormats('en', 'Asia/Shanghai').shortWindow(from, until)).toBe('Nov 12, 9:00 AM-12:00 PM');
  });

  it('an unknown time zone is refused', () => {
    expect(() => renderCaseNotice(noticeSamples('en').received, { locale: 'en', timeZone: 'Mars/Olympus_Mons' })).toThrow(RangeError);
  });
});

describe('a case the pipeline opened itself (proactive)', () => {
  it.each(LOCALES)('(%s) says what we noticed and what we do; never thanks for feedback, never "your claim", never "approved"', async (locale) => {
    const { proactiveVariants } = await import('../../functions/domain/notices/samples.js');
    const variants = proactiveVariants(locale);
    expect(new Set(variants.map((v) => v.data.milestone))).toEqual(new Set(['received', 'approved', 'remedy_choice_needed']));
    expect(new Set(variants.map((v) => v.data.proactive))).toEqual(new Set(['late_delivery', 'carrier_lost', 'no_scan']));
    for (const { label, data } of variants) {
      const notice = renderCaseNotice(data, { locale });
      const said = notice.subject + notice.text.split(/Order number|订单号|Bestellnummer/)[0] + notice.sms;
      expect(said, label).not.toMatch(/feedback|Thanks for getting in touch|claim|approved|感谢您的反馈|申请|通过审核|Vielen Dank für Ihre|Anfrage|Reklamation|Meldung|genehmigt/);
    }
    const late = renderCaseNotice(variants[0]!.data, { locale });
    const expected = {
      en: ['Your parcel arrived later than we promised', 'You don’t need to do anything or contact us.'],
      'zh-CN': ['您的包裹晚于承诺时间送达', '您无需任何操作，也无需联系我们。'],
      de: ['Ihr Paket kam später als zugesagt', 'Sie müssen dafür nichts tun und sich auch nicht bei uns melden.'],
    }[locale];
    expect(late.subject).toContain(expected[0]);
    expect(late.text).toContain(expected[1]);
  });

  it('the other notices name the case for what was noticed', () => {
    const closed = { ...noticeSamples('en').case_closed, caseType: 'lost' as const, proactive: 'no_scan' as const, closeReason: 'completed' as const };
    expect(renderCaseNotice(closed, { locale: 'en' }).subject).toContain('Your missing-parcel case is complete');
    expect(renderCaseNotice({ ...closed, proactive: 'late_delivery', caseType: 'delayed' }, { locale: 'zh-CN' }).subject).toContain('包裹延误处理');
    // German declines the name: "Ihr Vorgang …" as the subject, "Ihren Vorgang …" as the object.
    expect(renderCaseNotice(closed, { locale: 'de' }).subject).toContain('Ihr Vorgang zum vermissten Paket ist erledigt');
    expect(renderCaseNotice({ ...closed, closeReason: 'return_expired' }, { locale: 'de' }).text).toContain('Wir haben Ihren Vorgang zum vermissten Paket abgeschlossen');
  });

  it('the checker refuses a finding it does not know', () => {
    expect(() => checkNoticeData({ ...noticeSamples('en').received, proactive: 'hunch' })).toThrow(NoticeDataError);
  });
});

describe('a dispute acknowledged', () => {
  it.each(LOCALES)('(%s) says the appeal arrived and a person will review it', (locale) => {
    const notice = renderCaseNotice(noticeSamples(locale).dispute_received, { locale });
    const expected = {
      en: ['We’re looking at your damaged-item claim again', /review your case/],
      'zh-CN': ['已收到您对商品破损售后申请的复核申请', /重新审核/],
      de: ['Wir prüfen Ihre Schadensmeldung erneut', /prüft Ihren Fall persönlich/],
    } as const;
    expect(notice.subject).toContain(expected[locale][0]);
    expect(notice.text + notice.sms).toMatch(expected[locale][1]);
  });
});
