import { describe, expect, it } from 'vitest';
import type { CaseRecord } from '../../functions/domain/case-record.js';
import { carrierVerdict } from '../../functions/domain/carrier-verdict.js';
import { cnCalendar } from '../../functions/domain/cn-calendar.js';
import { CASE_TYPES, type Locale } from '../../functions/domain/case.js';
import { escapeHtml, NoticeDataError } from '../../functions/domain/notices.js';
import { renderCaseNotice } from '../../functions/domain/notices/all-copies.js';
import { reviewCase } from '../../functions/domain/review-policy.js';
import { cnPolicy } from '../../functions/policies/cn.js';
import { MILESTONES, type NoticeMessage } from '../../functions/schemas/messages.js';
import { approvalNext, noticeDataFor, toRejectionReason, type NoticeInputs } from '../../functions/use-cases/notice-data.js';
import { expectedDueAfterPause, type ServiceSla } from '../../functions/domain/sla.js';
import { caseFacts, merge, NOW } from './fixtures.js';

const LOCALES: Locale[] = ['zh-CN', 'en', 'de'];
const STATUS_URL = 'https://api.example.com/cases/AS-0123456789AB/status?token=1790000000.abc';
const SURVEY_URL = 'https://api.example.com/surveys/s3cr3t-t0ken';

/** A case far enough along that every milestone has what it needs. */
/** A repair's service clock, started at arrival on 10 November: 20 working days. */
const SLA: ServiceSla = {
  service: 'repair',
  startsAt: 'arrival',
  startedAt: NOW.toISOString(),
  expedited: false,
  workingDays: 20,
  state: 'paused',
  pauses: [],
  dueAt: '2026-12-08T02:00:00.000Z',
};

function record(overrides: Partial<CaseRecord> = {}): CaseRecord {
  return {
    ...caseFacts(),
    status: 'compensating',
    locale: 'zh-CN',
    outcome: 'approved',
    remedy: 'refund',
    responseDueAt: '2026-11-10T10:00:00.000Z',
    decision: { decision: 'approve', rule: 'return.no_reason_window', at: NOW.toISOString() },
    compensation: { instructionId: 'ins_1', kind: 'refund', amount: 12_345, currency: 'CNY', idempotencyKey: 'k', at: NOW.toISOString(), status: 'completed' },
    chargeBack: { instructionId: 'ins_2', amount: 39_900, currency: 'CNY', at: '2026-11-25T02:00:00.000Z' },
    surveyToken: 's3cr3t-t0ken',
    pause: { since: NOW.toISOString(), reason: 'awaiting_parts', expectedResumeBy: '2026-12-01T02:00:00.000Z', count: 1 },
    version: 3,
    updatedAt: NOW.toISOString(),
    ...overrides,
  } as CaseRecord;
}

function inputs(overrides: Partial<NoticeInputs> = {}, locale: Locale = 'en'): NoticeInputs {
  return {
    record: record(),
    customerName: 'Li Wei',
    locale,
    policy: cnPolicy,
    links: {
      status: STATUS_URL,
      survey: SURVEY_URL,
      evidenceUpload: 'https://shop.example.com/aftersales/req-1/evidence',
      remedyChoice: (choice) => `https://shop.example.com/aftersales/req-1/choose?remedy=${choice}`,
    },
    at: NOW,
    surveyExpiresAt: '2026-11-20T02:00:00.000Z',
    calendar: cnCalendar,
    ...overrides,
  };
}

/** The message the workflow queues for each milestone (deadline seconds where the customer must act). */
const MESSAGE: Record<NoticeMessage['milestone'], Pick<NoticeMessage, 'milestone' | 'dueInSeconds' | 'reason'>> = Object.fromEntries(
  MILESTONES.map((m) => [m, { milestone: m, ...(['evidence_needed', 'ship_back', 'remedy_choice_needed'].includes(m) ? { dueInSeconds: 3 * 86_400 } : {}) }]),
) as never;
const TYPE_FOR: Partial<Record<NoticeMessage['milestone'], CaseRecord['type']>> = { remedy_choice_needed: 'damaged', evidence_needed: 'damaged' };

const render = (milestone: NoticeMessage['milestone'], locale: Locale, over: Partial<NoticeInputs> = {}, message: Partial<NoticeMessage> = {}) => {
  const data = noticeDataFor({ ...MESSAGE[milestone], ...message }, inputs({ record: record({ type: TYPE_FOR[milestone] ?? 'return' }), ...over }, locale));
  return { data, notice: renderCaseNotice(data, { locale }) };
};

describe('noticeDataFor: every queued milestone renders from the case record, in both languages', () => {
  const cases = MILESTONES.flatMap((milestone) => LOCALES.map((locale) => [milestone, locale] as const));

  it.each(cases)('%s (%s): every part has the case reference and no blank; the status link is in every part', (milestone, locale) => {
    const { notice } = render(milestone, locale);
    for (const [part, value] of Object.entries(notice)) {
      expect(value.trim(), part).not.toBe('');
      expect(value, part).toContain('AS-0123456789AB');
      expect(value, part).not.toMatch(/undefined|null|NaN|\[object Object\]|Invalid Date/);
    }
    expect(notice.text).toContain('Li Wei');
    expect(notice.text).toContain(STATUS_URL);
    expect(notice.html).toContain(`href="${escapeHtml(STATUS_URL)}"`);
    // The survey SMS carries the survey link instead: two links do not fit in one message.
    if (!milestone.startsWith('survey_')) expect(notice.sms).toContain(STATUS_URL);
    expect(/[\u4e00-\u9fff]/.test(notice.subject + notice.text)).toBe(locale === 'zh-CN');
  });

  it('the email shows the order number and the items concerned (names only)', () => {
    const { data, notice } = render('received', 'en');
    expect(data).toMatchObject({ orderId: 'ORD-2026-0001234', itemSummary: 'Mechanical keyboard, 87 keys, black ×1' });
    expect(notice.text).toContain('ORD-2026-0001234');
  });
});

describe('what each milestone says', () => {
  it('received: without a priority band, the reply day is the internal target’s day, rounded up to its end', () => {
    // Contract changed (issue 11 item 7): the customer is promised a day, not the internal target's clock time.
    expect(render('received', 'en').data).toMatchObject({ milestone: 'received', replyBy: '2026-11-10T15:59:59.999Z' });
  });

  it('received: the first-response hours count in working time, so a Friday-evening case is answered by Monday, not "Sat 05:42"', () => {
    // Fri 4 Dec 2026 21:42 in Shanghai; the normal band's 8 h in clock hours would end Sat 05:42.
    const at = new Date('2026-12-04T13:42:00Z');
    const { data, notice } = render('received', 'en', { at, record: record({ priorityBand: 'normal', responseDueAt: '2026-12-04T21:42:00.000Z' }) });
    expect(data).toMatchObject({ replyBy: '2026-12-07T15:59:59.999Z' });
    expect(notice.text).toContain('by the end of Mon, Dec 7, 2026 at the latest');
    expect(notice.text).not.toMatch(/Sat|05:42|5:42/);
    expect(notice.sms).toContain('will reply by Dec 7.');
    const zh = render('received', 'zh-CN', { at, record: record({ priorityBand: 'normal' }) }).notice;
    expect(zh.text).toContain('我们最迟将在2026年12月7日（周一）当天给您答复');
  });

  it('received: a high-band case on a working morning is promised the same day', () => {
    const at = new Date('2026-12-03T01:00:00Z'); // Thu 09:00 in Shanghai, 2 working hours
    expect(render('received', 'en', { at, record: record({ priorityBand: 'high' }) }).data).toMatchObject({ replyBy: '2026-12-03T15:59:59.999Z' });
  });

  it('received: a proactive case says what we noticed and thanks nobody for a claim they never made', () => {
    const proactive = record({ type: 'delayed', origin: 'proactive', reason: 'proactive_late_delivery' });
    for (const locale of LOCALES) {
      const { data, notice } = render('received', locale, { record: proactive });
      expect(data).toMatchObject({ proactive: 'late_delivery' });
      // What the template says (the shared footer names the case generically, as for every notice).
      const said = notice.subject + notice.text.split(/Order number|订单号/)[0] + notice.sms;
      expect(said).not.toMatch(/feedback|Thanks for getting in touch|your request|claim|感谢您的反馈|申请/);
    }
    expect(render('received', 'en', { record: proactive }).notice.subject).toContain('Your parcel arrived later than we promised');
    expect(render('received', 'zh-CN', { record: record({ type: 'lost', origin: 'proactive', reason: 'proactive_no_scan' }) }).notice.subject).toContain('您的包裹多日未更新物流');
    // The same reason sent by the order platform is the customer's own claim.
    expect(render('received', 'en', { record: record({ type: 'delayed', reason: 'proactive_late_delivery' }) }).data).not.toHaveProperty('proactive');
  });

  it('dispute_received: the customer is told the appeal arrived and a person will review it', () => {
    // The workflow's notice for a reopened case carries its dispute round.
    const { data, notice } = render('dispute_received', 'en', { record: record({ type: 'damaged', dispute: { count: 1, lastAt: NOW.toISOString() } }) }, { round: 1 });
    expect(data).toMatchObject({ milestone: 'dispute_received', caseType: 'damaged', about: 'appeal' });
    expect(notice.subject).toContain('We’re looking at your damaged-item claim again');
    expect(notice.text).toContain('A member of our after-sales team will review your case personally');
    expect(render('dispute_received', 'zh-CN', {}, { round: 1 }).notice.subject).toContain('已收到您对退货申请的复核申请');
  });

  it('dispute_received without a round (a case not reopened): the message was added to the case; no appeal, no "again"', () => {
    const { data, notice } = render('dispute_received', 'en', { record: record({ type: 'damaged', status: 'in_review' }) });
    expect(data).toMatchObject({ milestone: 'dispute_received', about: 'message' });
    expect(notice.subject).toContain('We’ve added your message to your damaged-item claim');
    expect(notice.text).toContain('added it to your case');
    expect(`${notice.subject}\n${notice.text}\n${notice.sms}`).not.toMatch(/appeal|again|review your case personally/);
    const zh = render('dispute_received', 'zh-CN').notice;
    expect(zh.subject).toContain('已将您的意见添加到退货申请');
    expect(zh.sms).not.toContain('复核');
  });

  it('evidence_needed: what to send for the case type, by when (counted from the milestone), and where to upload it', () => {
    const { data, notice } = render('evidence_needed', 'en');
    expect(data).toMatchObject({
      requested: ['damage_photo', 'packaging_photo'],
      respondBy: '2026-11-13T02:00:00.000Z',
      uploadUrl: 'https://shop.example.com/aftersales/req-1/evidence',
    });
    expect(notice.text).toContain('https://shop.example.com/aftersales/req-1/evidence');
    expect(notice.text).toContain('Nov 13, 2026');
  });

  it.each(CASE_TYPES)('evidence_needed asks a %s case for something it can send', (type) => {
    const data = noticeDataFor(MESSAGE.evidence_needed, inputs({ record: record({ type }) }));
    expect(data.milestone === 'evidence_needed' && data.requested.length).toBeGreaterThan(0);
  });

  it('remedy_choice_needed: the policy’s options, each with its link, the default and the deadline', () => {
    const { data, notice } = render('remedy_choice_needed', 'en');
    expect(data).toMatchObject({
      options: [
        { choice: 'return', url: 'https://shop.example.com/aftersales/req-1/choose?remedy=return' },
        { choice: 'exchange', url: 'https://shop.example.com/aftersales/req-1/choose?remedy=exchange' },
        { choice: 'refund', url: 'https://shop.example.com/aftersales/req-1/choose?remedy=refund' },
      ],
      defaultChoice: 'refund',
      decideBy: '2026-11-13T02:00:00.000Z',
      refund: { amount: 39_900, currency: 'CNY' },
    });
    expect(notice.text).toContain('CN¥399.00');
  });

  it('ship_back with a prepaid label: the label link, its carrier and the service center address', () => {
    const withLabel = record({
      type: 'quality',
      returnLabel: { instructionId: 'ins_3', at: NOW.toISOString(), carrier: 'SF', labelUrl: 'https://orders.example.com/labels/ins_3.pdf' },
    });
    const { data, notice } = render('ship_back', 'zh-CN', { record: withLabel });
    expect(data).toMatchObject({ method: { kind: 'prepaid_label', carrier: 'SF', labelUrl: 'https://orders.example.com/labels/ins_3.pdf' }, shipBy: '2026-11-13T02:00:00.000Z' });
    expect(notice.text).toContain('https://orders.example.com/labels/ins_3.pdf');
    expect(notice.text).toContain(cnPolicy.serviceCenter['zh-CN'].address);
    expect(render('ship_back', 'en', { record: withLabel }).notice.text).toContain(cnPolicy.serviceCenter.en.address);
  });

  it('ship_back without a label link: the customer ships, reimbursed where the platform pays, at their cost otherwise', () => {
    expect(render('ship_back', 'en', { record: record({ type: 'quality' }) }).data).toMatchObject({ method: { kind: 'self_ship', postage: 'reimbursed' } });
    expect(render('ship_back', 'en', { record: record({ type: 'return' }) }).data).toMatchObject({ method: { kind: 'self_ship', postage: 'customer_pays' } });
  });

  it.each([
    ['refund', { milestone: 'refund_issued', amount: 12_345, currency: 'CNY', refundTo: 'original_payment' }],
    ['partial_refund', { milestone: 'refund_issued', amount: 12_345 }],
    ['delay_subsidy', { milestone: 'compensation_issued', reason: 'delay' }],
    ['coupon', { milestone: 'compensation_issued', reason: 'goodwill' }],
    ['reship', { milestone: 'replacement_shipped', carrier: 'SF', trackingNumber: 'SF100200300' }],
    ['exchange', { milestone: 'replacement_shipped', carrier: 'SF', trackingNumber: 'SF100200300' }],
    ['repair', { milestone: 'repair_done', carrier: 'SF', trackingNumber: 'SF100200300' }],
  ] as const)('resolved with remedy %s → %o', (remedy, expected) => {
    const shipped = record({ remedy, compensation: { ...record().compensation!, shipment: { carrier: 'SF', trackingNumber: 'SF100200300' } } });
    const { data, notice } = render('resolved', 'en', { record: shipped });
    expect(data).toMatchObject(expected);
    if ('trackingNumber' in expected) expect(notice.text).toContain('SF100200300');
  });

  it('a refund to store balance says so', () => {
    const data = noticeDataFor(MESSAGE.resolved, inputs({ record: record({ choice: { remedy: 'refund', refundTo: 'store_balance', by: 'customer', at: NOW.toISOString() } }) }));
    expect(data).toMatchObject({ refundTo: 'store_balance' });
  });

  it.each([
    ['en', 1_234_567, 'CNY', 'CN¥12,345.67'],
    ['zh-CN', 1_234_567, 'CNY', '¥12,345.67'],
    ['en', 1_999, 'USD', '$19.99'],
    ['en', 1_234, 'JPY', '¥1,234'],
  ] as const)('%s: a refund of %d minor units of %s reads %s', (locale, amount, currency, formatted) => {
    const paid = record({ compensation: { ...record().compensation!, amount, currency } });
    expect(render('resolved', locale, { record: paid }).notice.text).toContain(formatted);
  });

  it('charged_back: the amount, and the deadline the item missed', () => {
    expect(render('charged_back', 'en').data).toMatchObject({ amount: 39_900, currency: 'CNY', returnWasDueBy: '2026-11-25T02:00:00.000Z' });
  });

  it('survey notices: the survey link and its expiry', () => {
    for (const milestone of ['survey_invitation', 'survey_reminder'] as const) {
      const { data, notice } = render(milestone, 'en');
      expect(data).toMatchObject({ milestone, surveyUrl: SURVEY_URL, expiresAt: '2026-11-20T02:00:00.000Z' });
      expect(notice.sms).toContain(SURVEY_URL);
    }
  });

  it('delay_notice: the reason, the due time the expected end of the pause gives (as the SLA clock projects it), and both choices on the status page', () => {
    const paused = record({ sla: SLA });
    const { data, notice } = render('delay_notice', 'en', { record: paused });
    const projected = expectedDueAfterPause(SLA, NOW, new Date('2026-12-01T02:00:00.000Z'), cnCalendar)!;
    expect(Date.parse(projected)).toBeGreaterThan(Date.parse(SLA.dueAt!));
    expect(data).toMatchObject({ reason: 'awaiting_parts', newExpectedBy: projected, keepWaitingUrl: `${STATUS_URL}#choice`, cancelUrl: `${STATUS_URL}#choice` });
    expect(notice.text).toContain('We now expect to finish by');
  });

  it('delay_notice sent after the resume (held for quiet hours, retried) still tells the pause its message carries', () => {
    const pause = { since: NOW.toISOString(), reason: 'factory_service' as const, count: 1 };
    const resumed = render('delay_notice', 'en', { record: record({ sla: SLA, pause: undefined }) }, { round: 1, pause });
    expect(resumed.data).toMatchObject({ milestone: 'delay_notice', reason: 'factory_service' });
    // Paused again meanwhile: round 1's notice is still about the first pause, not the second.
    const second = { since: NOW.toISOString(), reason: 'force_majeure' as const, count: 2 };
    expect(render('delay_notice', 'en', { record: record({ sla: SLA, pause: second }) }, { round: 1, pause }).data).toMatchObject({ reason: 'factory_service' });
    expect(() => render('delay_notice', 'en', { record: record({ sla: SLA, pause: second }) }, { round: 1 })).toThrow(/pause/);
  });

  it.each([
    ['no expected end of the pause', { sla: SLA, pause: { since: NOW.toISOString(), reason: 'force_majeure' as const, count: 2 } }],
    ['no service clock running yet', { sla: undefined }],
  ])('delay_notice with %s: the new date will follow', (_label, overrides) => {
    const noDate = render('delay_notice', 'en', { record: record(overrides) });
    expect(noDate.data).not.toHaveProperty('newExpectedBy');
    expect(noDate.notice.text).toContain('as soon as we know it');
  });

  it.each([
    [{}, 'completed'],
    [{ reason: 'evidence_expired' as const }, 'evidence_expired'],
    [{ reason: 'return_expired' as const }, 'return_expired'],
  ])('closed %o → close reason %s', (message, closeReason) => {
    expect(render('closed', 'en', {}, message).data).toMatchObject({ milestone: 'case_closed', closeReason });
  });
});

describe('decided', () => {
  it.each(LOCALES)('an approval names the rule it rests on (%s)', (locale) => {
    const { data, notice } = render('decided', locale);
    expect(data).toMatchObject({ milestone: 'approved', basis: 'no_reason_return', next: 'return_instructions' });
    expect(notice.subject).toMatch({ en: /approved/, 'zh-CN': /已通过/, de: /genehmigt/ }[locale]);
  });

  it.each([
    [{ type: 'damaged' as const }, 'choose_remedy'],
    [{ type: 'lost' as const, choice: { remedy: 'reship' as const, by: 'customer' as const, at: NOW.toISOString() } }, 'replacement'],
    [{ type: 'delayed' as const }, 'compensation'],
    [{ type: 'exchange' as const, tier: 'vip' as const }, 'replacement'],
    [{ type: 'exchange' as const }, 'return_instructions'],
    [{ type: 'missing_part' as const }, 'replacement'],
  ])('what follows an approval of %o: %s', (facts, next) => {
    expect(approvalNext({ tier: 'gold', ...facts }, cnPolicy)).toBe(next);
  });

  it.each([
    ['window_expired', 'the request came after the period our policy allows for it', '申请已超过政策规定的期限'],
    ['category_excluded', 'this kind of item cannot be returned without a reason', '不适用七天无理由退货'],
    ['carrier_delivered', 'the carrier shows the parcel as delivered', '物流信息显示包裹已签收'],
    ['evidence_missing', 'we did not receive the photos we needed', '我们未收到所需的照片'],
  ])('a rejection for %s gives the reason in plain words', (reasonCode, en, zh) => {
    const rejected = record({ outcome: 'rejected', decision: { decision: 'reject', rule: 'x', reasonCode, at: NOW.toISOString() } });
    const english = render('decided', 'en', { record: rejected }).notice;
    const chinese = render('decided', 'zh-CN', { record: rejected }).notice;
    expect(english.text).toContain(en);
    expect(english.sms).toContain(en);
    expect(chinese.text).toContain(zh);
    for (const notice of [english, chinese]) expect(notice.text).not.toContain(reasonCode);
  });

  it('every reason code the review policy and the carrier verdict can produce has words in both languages', () => {
    const codes = new Set<string>();
    for (const type of CASE_TYPES) {
      for (const deliveredAt of [undefined, '2026-11-05T08:20:00.000Z']) {
        for (const at of [NOW, new Date('2027-12-31T02:00:00Z')]) {
          for (const reason of ['changed_mind', 'defective']) {
            const base = caseFacts({ type, reason, shipment: { deliveredAt } });
            for (const facts of [
              base,
              merge(base, { orderItems: base.orderItems.map((i) => ({ ...i, category: 'perishable' })) }),
              merge(base, { orderItems: base.orderItems.map((i) => ({ ...i, unitPrice: i.unitPrice * 100 })) }),
            ]) {
              const decision = reviewCase(facts, cnPolicy, at, 'Asia/Shanghai');
              if (decision.decision === 'reject' || decision.decision === 'manual') codes.add(decision.reasonCode);
            }
          }
        }
      }
    }
    for (const type of ['lost', 'delayed'] as const) {
      for (const tracking of [
        { status: 'delivered' as const, lost: false, deliveredAt: '2026-11-05T10:00:00Z' },
        { status: 'in_transit' as const, lost: false },
      ]) {
        for (const at of [new Date('2026-11-05T12:00:00Z'), NOW]) {
          const verdict = carrierVerdict(type, tracking, new Date('2026-11-05T15:59:59Z'), at, cnPolicy.carrierMaxChecks, cnPolicy, cnCalendar);
          if (verdict.verdict === 'refuted') codes.add(verdict.reasonCode);
        }
      }
    }
    expect(codes.size).toBeGreaterThan(5);
    for (const code of [...codes, 'manual', 'dispute']) expect(toRejectionReason(code), code).toBeDefined();
  });
});

describe('missing values fail the notice, naming the field, instead of leaving a blank', () => {
  const without = <K extends keyof CaseRecord>(key: K) => record({ [key]: undefined } as Partial<CaseRecord>);
  it.each([
    ['evidence_needed', {}, { dueInSeconds: undefined }, 'dueInSeconds'],
    ['ship_back', {}, { dueInSeconds: undefined }, 'dueInSeconds'],
    ['remedy_choice_needed', {}, { dueInSeconds: undefined }, 'dueInSeconds'],
    ['resolved', { record: record({ remedy: 'reship' }) }, {}, 'shipment'],
    ['resolved', { record: record({ compensation: { ...record().compensation!, amount: undefined } }) }, {}, 'amount'],
    ['resolved', { record: without('compensation') }, {}, 'compensation'],
    ['resolved', { record: without('remedy') }, {}, 'remedy'],
    ['decided', { record: record({ outcome: 'rejected', decision: { decision: 'reject', rule: 'x', reasonCode: 'made_up_code', at: '' } }) }, {}, 'reason text for made_up_code'],
    ['decided', { record: record({ outcome: 'rejected', decision: undefined }) }, {}, 'reasonCode'],
    ['decided', { record: record({ outcome: undefined, decision: undefined }) }, {}, 'decision'],
    ['charged_back', { record: without('chargeBack') }, {}, 'chargeBack'],
    ['survey_invitation', { surveyExpiresAt: undefined }, {}, 'expiresAt'],
    ['survey_reminder', { links: { ...inputs().links, survey: undefined } }, {}, 'surveyUrl'],
    ['delay_notice', { record: record({ pause: undefined }) }, {}, 'pause'],
  ] as const)('%s with %o %o → %s', (milestone, over, message, field) => {
    const attempt = () => render(milestone, 'en', over as Partial<NoticeInputs>, message as Partial<NoticeMessage>);
    expect(attempt).toThrow(NoticeDataError);
    expect(attempt).toThrow(`missing ${field}`);
  });

  it('a pause reason no notice explains is refused', () => {
    expect(() => render('delay_notice', 'en', { record: record({ pause: { since: '', reason: 'aliens' as never, count: 1 } }) })).toThrow('invalid pause.reason');
  });

  it('a remedy choice for a case type without one in the policy is refused', () => {
    expect(() => render('remedy_choice_needed', 'en', { record: record({ type: 'return' }) })).toThrow(NoticeDataError);
  });
});

describe('escaping', () => {
  it.each(LOCALES)('a customer name with markup is escaped in the HTML, plain in the text (%s)', (locale) => {
    const name = '<script>alert("x")</script> & O\'Brien';
    const { notice } = render('received', locale, { customerName: name });
    expect(notice.html).not.toContain('<script>');
    expect(notice.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; O&#39;Brien');
    expect(notice.text).toContain(name);
  });
});
