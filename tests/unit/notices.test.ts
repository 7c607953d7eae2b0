import { describe, expect, it } from 'vitest';
import { carrierVerdict } from '../../functions/domain/carrier-verdict.js';
import { CASE_TYPES, REMEDIES, type Locale } from '../../functions/domain/case.js';
import { cnCalendar } from '../../functions/domain/cn-calendar.js';
import { escapeHtml, renderNotice, type NoticeFacts } from '../../functions/domain/notices.js';
import { cnPolicy as defaultPolicy } from '../../functions/policies/cn.js';
import { reviewCase } from '../../functions/domain/review-policy.js';
import { MILESTONES } from '../../functions/schemas/messages.js';
import { caseFacts } from './fixtures.js';

const LOCALES: Locale[] = ['zh-CN', 'en'];
const CASE_ID = 'AS-6T7Y94954VZ2';

/** Facts complete enough for every milestone. */
const facts = (overrides: Partial<NoticeFacts> = {}): NoticeFacts => ({
  caseId: CASE_ID,
  type: 'return',
  customerName: 'Li Wei',
  outcome: 'approved',
  remedy: 'refund',
  amount: 12_345,
  currency: 'CNY',
  dueAt: '2026-11-23T15:59:59.999Z',
  surveyUrl: 'https://aftersales.example.com/surveys/s3cr3t-t0ken',
  ...overrides,
});

const parts = (notice: ReturnType<typeof renderNotice>) => Object.entries(notice) as Array<[keyof typeof notice, string]>;

describe('renderNotice: every milestone in both locales', () => {
  const cases = MILESTONES.flatMap((milestone) => LOCALES.map((locale) => [milestone, locale] as const));

  it.each(cases)('%s (%s) renders subject, text, html and sms with the case reference and no blanks', (milestone, locale) => {
    const notice = renderNotice(milestone, locale, facts());
    expect(Object.keys(notice).sort()).toEqual(['html', 'sms', 'subject', 'text']);
    for (const [part, value] of parts(notice)) {
      expect(value.trim(), part).not.toBe('');
      expect(value, part).toContain(CASE_ID);
      expect(value, part).not.toMatch(/undefined|null|NaN|\[object Object\]/);
    }
    expect(notice.text).toContain('Li Wei');
    expect(notice.html).toMatch(new RegExp(`^<!doctype html><html lang="${locale}">`));
  });

  it.each(cases)('%s (%s) is written in the customer’s language', (milestone, locale) => {
    const { subject, text } = renderNotice(milestone, locale, facts());
    const hasChinese = /[\u4e00-\u9fff]/.test(subject + text);
    expect(hasChinese).toBe(locale === 'zh-CN');
  });

  it.each(CASE_TYPES.flatMap((type) => LOCALES.map((locale) => [type, locale] as const)))('the received notice names a %s case in plain words (%s)', (type, locale) => {
    const notice = renderNotice('received', locale, facts({ type }));
    expect(notice.subject).not.toContain('_');
    if (locale === 'zh-CN') expect(notice.subject).not.toContain(type);
  });

  it('the survey invitation carries the survey link, also as a link in the HTML', () => {
    const notice = renderNotice('survey_invitation', 'en', facts());
    expect(notice.text).toContain('https://aftersales.example.com/surveys/s3cr3t-t0ken');
    expect(notice.sms).toContain('https://aftersales.example.com/surveys/s3cr3t-t0ken');
    // A styled button: the link is an attribute of a styled anchor.
    expect(notice.html).toMatch(/<a href="https:\/\/aftersales\.example\.com\/surveys\/s3cr3t-t0ken"[ >]/);
  });
});

describe('decided', () => {
  it.each(LOCALES)('an approval says so (%s)', (locale) => {
    const notice = renderNotice('decided', locale, facts({ outcome: 'approved' }));
    expect(notice.subject).toMatch(locale === 'en' ? /approved/ : /已通过/);
  });

  it.each([
    ['window_expired', 'the request came after the period our policy allows for it', '申请已超过政策规定的期限'],
    ['category_excluded', 'this kind of item cannot be returned without a reason', '不适用七天无理由退货'],
    ['not_delivered', 'the order has not been delivered yet', '订单尚未签收'],
    ['warranty_expired', 'the warranty period has ended', '商品已过保修期'],
    ['carrier_delivered', 'the carrier shows the parcel as delivered', '物流信息显示包裹已签收'],
    ['loss_not_confirmed', 'the carrier has not confirmed the parcel as lost', '承运商尚未确认包裹丢失'],
    ['delivered_on_time', 'the parcel was delivered by the promised date', '包裹已在承诺时间内送达'],
    ['not_late', 'the parcel is not past its promised delivery date', '包裹尚未超过承诺送达时间'],
    ['evidence_missing', 'we did not receive the photos we needed', '我们未收到所需的照片'],
  ])('a rejection for %s gives the reason in plain words', (reasonCode, en, zh) => {
    const english = renderNotice('decided', 'en', facts({ outcome: 'rejected', reasonCode }));
    const chinese = renderNotice('decided', 'zh-CN', facts({ outcome: 'rejected', reasonCode }));
    expect(english.text).toContain(en);
    expect(english.sms).toContain(en);
    expect(chinese.text).toContain(zh);
    expect(chinese.sms).toContain(zh);
    for (const notice of [english, chinese]) expect(notice.text).not.toContain(reasonCode);
  });

  it('every reason code the review policy and the carrier verdict can produce has a text in both locales', () => {
    // Rejections name their reason; a manual review's code stays on the case when an operator then rejects it.
    const codes = new Set<string>();
    const now = new Date('2026-11-10T02:00:00Z');
    const late = new Date('2027-12-31T02:00:00Z');
    for (const type of CASE_TYPES) {
      for (const deliveredAt of [undefined, '2026-11-05T08:20:00.000Z']) {
        for (const at of [now, late]) {
          for (const reason of ['changed_mind', 'defective']) {
            const base = caseFacts({ type, reason, shipment: { deliveredAt } });
            const variants = [
              base,
              { ...base, orderItems: base.orderItems.map((i) => ({ ...i, category: 'perishable' })) },
              { ...base, orderItems: base.orderItems.map((i) => ({ ...i, unitPrice: i.unitPrice * 100 })) },
            ];
            for (const facts of variants) {
              const decision = reviewCase(facts, defaultPolicy, at, 'Asia/Shanghai');
              if (decision.decision === 'reject' || decision.decision === 'manual') codes.add(decision.reasonCode);
            }
          }
        }
      }
    }
    const promised = new Date('2026-11-05T15:59:59Z');
    for (const type of ['lost', 'delayed'] as const) {
      for (const tracking of [
        { status: 'delivered' as const, lost: false, deliveredAt: '2026-11-05T10:00:00Z' },
        { status: 'in_transit' as const, lost: false },
      ]) {
        for (const at of [new Date('2026-11-05T12:00:00Z'), now]) {
          const verdict = carrierVerdict(type, tracking, promised, at, defaultPolicy.carrierMaxChecks, defaultPolicy, cnCalendar);
          if (verdict.verdict === 'refuted') codes.add(verdict.reasonCode);
        }
      }
    }
    for (const known of ['carrier_delivered', 'category_excluded', 'delivered_on_time', 'loss_not_confirmed', 'not_late', 'warranty_expired', 'window_expired', 'high_value']) {
      expect(codes).toContain(known);
    }
    for (const reasonCode of [...codes, 'evidence_missing', 'manual_rejected', 'not_delivered']) {
      for (const locale of LOCALES) {
        const notice = renderNotice('decided', locale, facts({ outcome: 'rejected', reasonCode }));
        expect(notice.text, `${reasonCode}/${locale}`).not.toContain(reasonCode);
      }
    }
  });
});

describe('resolved', () => {
  it.each(REMEDIES.flatMap((remedy) => LOCALES.map((locale) => [remedy, locale] as const)))('remedy %s (%s) is described', (remedy, locale) => {
    const notice = renderNotice('resolved', locale, facts({ remedy }));
    for (const [part, value] of parts(notice)) expect(value, part).not.toMatch(/undefined|null|NaN/);
    if (['refund', 'partial_refund', 'delay_subsidy', 'coupon'].includes(remedy)) {
      expect(notice.text).toContain(locale === 'en' ? 'CN¥123.45' : '¥123.45');
    } else {
      expect(notice.text).not.toMatch(/¥/);
    }
  });

  it('a refund amount needs no currency-specific code beyond Intl (what Intl gives for each locale)', () => {
    const en = renderNotice('resolved', 'en', facts({ amount: 12_345 })).text;
    const zh = renderNotice('resolved', 'zh-CN', facts({ amount: 12_345 })).text;
    expect(en).toContain('a refund of CN¥123.45 to your original payment method');
    expect(zh).toContain('已将 ¥123.45 原路退回至您的支付账户');
    expect(zh).not.toContain('CN¥');
  });

  it.each([
    ['en', 1_234_567, 'CNY', 'CN¥12,345.67'],
    ['zh-CN', 1_234_567, 'CNY', '¥12,345.67'],
    ['en', 5, 'CNY', 'CN¥0.05'],
    ['en', 500, 'CNY', 'CN¥5.00'],
    ['en', 1_999, 'USD', '$19.99'],
    // JPY has no minor unit: 1234 minor units are ¥1,234, not ¥12.34.
    ['en', 1_234, 'JPY', '¥1,234'],
    ['zh-CN', 1_234, 'JPY', 'JP¥1,234'],
  ] as const)('%s: %d minor units of %s → %s', (locale, amount, currency, formatted) => {
    expect(renderNotice('resolved', locale, facts({ amount, currency })).text).toContain(formatted);
  });

  it('the delay credit shows its amount', () => {
    expect(renderNotice('resolved', 'en', facts({ remedy: 'delay_subsidy', amount: 1_500 })).sms).toContain('CN¥15.00');
  });
});

describe('missing values throw instead of leaving a blank', () => {
  it.each([
    ['survey_invitation', { surveyUrl: undefined }, 'surveyUrl'],
    ['survey_invitation', { surveyUrl: '' }, 'surveyUrl'],
    ['resolved', { remedy: 'refund' as const, amount: undefined }, 'amount'],
    ['resolved', { remedy: 'partial_refund' as const, amount: undefined }, 'amount'],
    ['resolved', { remedy: 'delay_subsidy' as const, amount: undefined }, 'amount'],
    ['resolved', { remedy: 'refund' as const, currency: undefined }, 'currency'],
    ['resolved', { remedy: undefined }, 'remedy'],
    ['decided', { outcome: 'rejected' as const, reasonCode: undefined }, 'reasonCode'],
    ['decided', { outcome: 'rejected' as const, reasonCode: 'made_up_code' }, 'reason text for made_up_code'],
  ] as const)('%s with %o throws naming %s', (milestone, overrides, missing) => {
    for (const locale of LOCALES) expect(() => renderNotice(milestone, locale, facts(overrides))).toThrow(`notice is missing ${missing}`);
  });

  it('a reship needs no amount', () => {
    expect(() => renderNotice('resolved', 'en', facts({ remedy: 'reship', amount: undefined, currency: undefined }))).not.toThrow();
  });
});

describe('HTML escaping', () => {
  const name = '<script>alert("x")</script> & O\'Brien';

  it.each(LOCALES)('a customer name with markup is escaped in the HTML (%s)', (locale) => {
    const { html, text } = renderNotice('received', locale, facts({ customerName: name }));
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; O&#39;Brien');
    // Plain text is plain text.
    expect(text).toContain(name);
  });

  it('a survey link with special characters is escaped in the attribute and the text', () => {
    const url = 'https://aftersales.example.com/surveys/t?a=1&b="2"';
    const { html } = renderNotice('survey_invitation', 'en', facts({ surveyUrl: url }));
    expect(html).toContain('<a href="https://aftersales.example.com/surveys/t?a=1&amp;b=&quot;2&quot;"');
    expect(html).not.toContain('b="2"');
  });

  it.each([
    ['<', '&lt;'],
    ['>', '&gt;'],
    ['&', '&amp;'],
    ['"', '&quot;'],
    ["'", '&#39;'],
    ['&lt;', '&amp;lt;'],
    ['plain 中文', 'plain 中文'],
  ])('escapeHtml(%s) = %s', (input, output) => {
    expect(escapeHtml(input)).toBe(output);
  });
});

describe('legacy renderNotice keeps working for milestones the typed data cannot be built for yet', () => {
  it.each(['evidence_needed', 'ship_back', 'remedy_choice_needed', 'charged_back', 'survey_invitation'] as const)('%s checks the common fields too', (milestone) => {
    expect(() => renderNotice(milestone, 'en', facts({ customerName: '' }))).toThrow(`${milestone} notice is missing customerName`);
    expect(() => renderNotice(milestone, 'en', facts({ type: 'refund' as never }))).toThrow(`${milestone} notice has an invalid caseType`);
  });

  it('carries the status link in every part when the notifier passes one', () => {
    const statusUrl = 'https://aftersales.example.com/s/Xq7KpL2mN9vR4tW8yB3cD6fH1jZ';
    for (const milestone of MILESTONES) {
      for (const locale of LOCALES) {
        const notice = renderNotice(milestone, locale, facts({ statusUrl }));
        expect(notice.text, `${milestone}/${locale}`).toContain(statusUrl);
        expect(notice.html, `${milestone}/${locale}`).toContain(`href="${statusUrl}"`);
        if (milestone !== 'survey_invitation' && milestone !== 'survey_reminder') expect(notice.sms, `${milestone}/${locale}`).toContain(statusUrl);
      }
    }
  });
});
