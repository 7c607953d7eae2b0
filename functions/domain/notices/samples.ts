import { CASE_TYPES, type Locale } from '../case.js';
import {
  AFTER_ARRIVAL_STEPS,
  APPROVAL_BASES,
  APPROVAL_NEXT_STEPS,
  CLOSE_REASONS,
  DELAY_REASONS,
  EVIDENCE_KINDS,
  NOTICE_MILESTONES,
  PROACTIVE_FINDINGS,
  REJECTION_REASONS,
  type NoticeBase,
  type NoticeData,
  type NoticeDataFor,
  type NoticeMilestone,
} from './types.js';

/**
 * Fixed sample data for every milestone: the previews (scripts/preview-notices.ts) and the template tests render
 * these. Links have realistic lengths (a 60-character status link, a 71-character survey link) so SMS budgets
 * measured on them hold for real messages. Carrier names and item summaries are what the notifier would pass in
 * the customer's language.
 */
export const SAMPLE_CASE_ID = 'AS-6T7Y94954VZ2';
export const SAMPLE_STATUS_URL = 'https://aftersales.example.com/s/Xq7KpL2mN9vR4tW8yB3cD6fH1jZ';
export const SAMPLE_SURVEY_URL = 'https://aftersales.example.com/surveys/q3Vt8XcP0aLm5RzN2bWk7YdF4sHj9GeU';

const link = (path: string) => `https://aftersales.example.com/${path}`;
const carrier = (locale: Locale) => ({ 'zh-CN': '顺丰速运', en: 'SF Express', de: 'DHL' })[locale];
/** A German-speaking customer is, in the samples, one of the DE market: amounts in euros. */
const currency = (locale: Locale) => (locale === 'de' ? 'EUR' : 'CNY');
const SERVICE_CENTERS = {
  'zh-CN': { name: '售后服务中心', address: '上海市浦东新区张江路 88 号 3 号楼 1 层，201203', phone: '021-5080 1234' },
  en: { name: 'Aftersales Service Center', address: 'Building 3, 88 Zhangjiang Road, Pudong, Shanghai 201203, China', phone: '+86 21 5080 1234' },
  de: { name: 'Kundendienst-Servicecenter', address: 'Gebäude 3, 88 Zhangjiang Road, Pudong, 201203 Shanghai, China', phone: '+86 21 5080 1234' },
} satisfies Record<Locale, NoticeDataFor<'ship_back'>['serviceCenter']>;

export function noticeSamples(locale: Locale): { [M in NoticeMilestone]: NoticeDataFor<M> } {
  const base = (caseType: NoticeBase['caseType']): NoticeBase => ({
    caseId: SAMPLE_CASE_ID,
    caseType,
    customerName: { 'zh-CN': '李伟', en: 'Li Wei', de: 'Jonas Becker' }[locale],
    statusUrl: SAMPLE_STATUS_URL,
    orderId: '2026111012345678',
    itemSummary: { 'zh-CN': '机械键盘（87键，黑色）×1', en: 'Mechanical keyboard, 87 keys, black ×1', de: 'Mechanische Tastatur, 87 Tasten, schwarz ×1' }[locale],
  });
  return {
    received: { ...base('return'), milestone: 'received', replyBy: '2026-11-11T15:59:59.999Z' },
    dispute_received: { ...base('damaged'), milestone: 'dispute_received' },
    evidence_needed: {
      ...base('damaged'),
      milestone: 'evidence_needed',
      requested: ['damage_photo', 'packaging_photo'],
      respondBy: '2026-11-13T02:00:00Z',
      uploadUrl: link('evidence/Xq7KpL2mN9vR4tW8'),
    },
    approved: { ...base('return'), milestone: 'approved', next: 'return_instructions', basis: 'no_reason_return' },
    rejected: { ...base('return'), milestone: 'rejected', reasonCode: 'category_excluded' },
    remedy_choice_needed: {
      ...base('damaged'),
      milestone: 'remedy_choice_needed',
      options: [
        { choice: 'return', url: link('choose/Xq7KpL2m?c=return') },
        { choice: 'exchange', url: link('choose/Xq7KpL2m?c=exchange') },
        { choice: 'refund', url: link('choose/Xq7KpL2m?c=refund') },
      ],
      defaultChoice: 'refund',
      decideBy: '2026-11-13T02:00:00Z',
      refund: { amount: 39_900, currency: currency(locale) },
    },
    ship_back: {
      ...base('quality'),
      milestone: 'ship_back',
      serviceCenter: SERVICE_CENTERS[locale],
      method: { kind: 'prepaid_label', carrier: carrier(locale), labelUrl: link('labels/Xq7KpL2mN9vR4tW8.pdf') },
      shipBy: '2026-11-17T15:59:59Z',
    },
    item_received: { ...base('return'), milestone: 'item_received', receivedAt: '2026-11-16T06:30:00Z', next: 'refund', dueBy: '2026-11-25T15:59:59Z' },
    refund_issued: { ...base('return'), milestone: 'refund_issued', amount: 39_900, currency: currency(locale), refundTo: 'original_payment', expectedBy: '2026-11-20T15:59:59Z' },
    compensation_issued: { ...base('delayed'), milestone: 'compensation_issued', amount: 1_500, currency: currency(locale), reason: 'delay', validUntil: '2027-02-10T15:59:59Z' },
    replacement_shipped: {
      ...base('exchange'),
      milestone: 'replacement_shipped',
      carrier: carrier(locale),
      trackingNumber: 'SF1234567890123',
      trackingUrl: link('track/SF1234567890123'),
      expectedBy: '2026-11-20T15:59:59Z',
    },
    repair_done: { ...base('repair'), milestone: 'repair_done', carrier: carrier(locale), trackingNumber: 'SF9876543210987', expectedBy: '2026-12-03T15:59:59Z' },
    delay_notice: {
      ...base('repair'),
      milestone: 'delay_notice',
      reason: 'factory_service',
      newExpectedBy: '2026-12-15T15:59:59Z',
      keepWaitingUrl: link('delay/Xq7KpL2m?c=wait'),
      cancelUrl: link('delay/Xq7KpL2m?c=cancel'),
    },
    cancelled: { ...base('return'), milestone: 'cancelled' },
    charged_back: { ...base('exchange'), milestone: 'charged_back', amount: 39_900, currency: currency(locale), returnWasDueBy: '2026-11-25T15:59:59Z' },
    case_closed: { ...base('return'), milestone: 'case_closed', closeReason: 'completed' },
    survey_invitation: { ...base('return'), milestone: 'survey_invitation', surveyUrl: SAMPLE_SURVEY_URL, expiresAt: '2026-12-01T15:59:59Z' },
    survey_reminder: { ...base('return'), milestone: 'survey_reminder', surveyUrl: SAMPLE_SURVEY_URL, expiresAt: '2026-12-01T15:59:59Z' },
  };
}

/**
 * An operator's own words, as typed into a decision's `reason`: an ordinary request and rejection per language, and
 * hostile ones (markup, a very long text with emoji at the cut, emoji sequences, bidi overrides and control
 * characters, runs of blank lines). Templates must quote them escaped, cut and within the SMS budget.
 */
export function operatorNoteSamples(locale: Locale): Array<{ label: string; evidence: string; rejection: string }> {
  const words = {
    'zh-CN': {
      evidence: '请补拍键盘底部序列号的清晰照片，以及 USB 接口处的特写。',
      rejection: '照片显示键帽下有进液痕迹，进液造成的损坏不在保修范围内。',
      long: '请在光线充足处重新拍摄商品正面、背面和破损处的照片。',
      emoji: '谢谢配合👍🏽！请拍一张面单照片📷，再拍一张外箱👨‍👩‍👧。',
      bidi: '请上传\u202e片照\u202c发票\u0007照片\u200b。',
      lines: '第一点：外包装照片\r\n\r\n\r\n\r\n第二点：面单照片\n\t第三点：商品照片',
    },
    en: {
      evidence: 'Please send a clear photo of the serial number on the bottom of the keyboard, and a close-up of the USB port.',
      rejection: 'Your photos show liquid under the keycaps; damage caused by liquid is not covered by the warranty.',
      long: 'Please take the photos again in daylight, front, back and the damaged corner. ',
      emoji: 'Thanks 👍🏽! Please send a photo 📷 of the shipping label, and one of the box 👨‍👩‍👧.',
      bidi: 'Please send the \u202eeciovni\u202c invoice\u0007 photo\u200b.',
      lines: 'First: the outer box\r\n\r\n\r\n\r\nSecond: the label\n\tThird: the item',
    },
    de: {
      evidence: 'Bitte schicken Sie uns ein gut lesbares Foto der Seriennummer auf der Unterseite der Tastatur und eine Nahaufnahme des USB-Anschlusses.',
      rejection: 'Auf Ihren Fotos ist Flüssigkeit unter den Tastenkappen zu sehen; Schäden durch Flüssigkeit sind von der Garantie ausgenommen.',
      long: 'Bitte fotografieren Sie den Artikel noch einmal bei Tageslicht, von vorn, von hinten und die beschädigte Ecke. ',
      emoji: 'Danke 👍🏽! Bitte schicken Sie ein Foto 📷 vom Versandetikett und eines vom Karton 👨‍👩‍👧.',
      bidi: 'Bitte senden Sie das \u202egnunhceR\u202c Rechnungs\u0007foto\u200b.',
      lines: 'Erstens: der Karton\r\n\r\n\r\n\r\nZweitens: das Etikett\n\tDrittens: der Artikel',
    },
  }[locale];
  const typed = { label: 'typed', evidence: words.evidence, rejection: words.rejection };
  const long = words.long.repeat(20) + '👨‍👩‍👧🇨🇳';
  const hostile = [
    { label: 'markup', text: `<script>alert("x")</script> <b>bold</b> & 'quoted' <img src=x onerror=alert(1)>` },
    { label: 'very long', text: long },
    { label: 'emoji', text: words.emoji },
    { label: 'bidi and controls', text: words.bidi },
    { label: 'line breaks', text: words.lines },
  ];
  return [typed, ...hostile.map(({ label, text }) => ({ label, evidence: text, rejection: text }))];
}

/** Notices that quote an operator's words: an evidence request and a rejection for each sample note. */
export function operatorNoteVariants(locale: Locale): Array<{ label: string; data: NoticeData }> {
  const s = noticeSamples(locale);
  return operatorNoteSamples(locale).flatMap(({ label, evidence, rejection }) => [
    { label: `evidence_needed (operator note: ${label})`, data: { ...s.evidence_needed, operatorNote: evidence } },
    { label: `rejected (operator note: ${label})`, data: { ...s.rejected, reasonCode: 'manual_rejected' as const, operatorNote: rejection } },
  ]);
}

/** The notices of a case the pipeline opened itself from carrier tracking (previews and tests). */
export function proactiveVariants(locale: Locale): Array<{ label: string; data: NoticeData }> {
  const s = noticeSamples(locale);
  return PROACTIVE_FINDINGS.flatMap((proactive) => {
    const caseType = proactive === 'late_delivery' ? ('delayed' as const) : ('lost' as const);
    return [
      { label: `received (proactive ${proactive})`, data: { ...s.received, caseType, proactive } },
      {
        label: `approved (proactive ${proactive})`,
        data: {
          ...s.approved,
          caseType,
          proactive,
          next: 'compensation' as const,
          basis: proactive === 'late_delivery' ? ('delay_confirmed' as const) : ('loss_confirmed' as const),
        },
      },
      ...(caseType === 'lost'
        ? [
            {
              label: `remedy_choice_needed (proactive ${proactive})`,
              data: {
                ...s.remedy_choice_needed,
                caseType,
                proactive,
                options: [
                  { choice: 'reship' as const, url: 'https://aftersales.example.com/choose/Xq7KpL2m?c=reship' },
                  { choice: 'refund' as const, url: 'https://aftersales.example.com/choose/Xq7KpL2m?c=refund' },
                ],
                defaultChoice: 'reship' as const,
              },
            },
          ]
        : []),
    ];
  });
}

/** The samples plus a variant for every code, option and optional field a template branches on (for tests). */
export function noticeVariants(locale: Locale): Array<{ label: string; data: NoticeData }> {
  const s = noticeSamples(locale);
  const out: Array<{ label: string; data: NoticeData }> = NOTICE_MILESTONES.map((m) => ({ label: m, data: s[m] }));
  const add = (label: string, data: NoticeData) => out.push({ label: `${data.milestone} ${label}`, data });
  for (const caseType of CASE_TYPES) {
    add(`(${caseType})`, { ...s.received, caseType });
    add(`(${caseType}, closed without reason)`, { ...s.case_closed, caseType, closeReason: undefined });
  }
  add('without replyBy', { ...s.received, replyBy: undefined });
  // Cases the pipeline opened itself from carrier tracking (more in proactiveVariants): their own wording, whatever follows.
  for (const proactive of PROACTIVE_FINDINGS) {
    const caseType = proactive === 'late_delivery' ? 'delayed' : 'lost';
    add(`(proactive ${proactive}, without replyBy)`, { ...s.received, caseType, proactive, replyBy: undefined });
    add(`(proactive ${proactive})`, { ...s.case_closed, caseType, proactive });
  }
  add('(proactive, choose remedy)', { ...s.approved, caseType: 'lost', proactive: 'carrier_lost', next: 'choose_remedy', basis: 'loss_confirmed' });
  for (const kind of EVIDENCE_KINDS) add(`(${kind} only)`, { ...s.evidence_needed, requested: [kind] });
  for (const basis of APPROVAL_BASES) add(`(basis ${basis})`, { ...s.approved, basis });
  add('(no basis)', { ...s.approved, basis: undefined });
  for (const next of APPROVAL_NEXT_STEPS) {
    add(`(next ${next})`, { ...s.approved, next });
    add(`(next ${next}, with date)`, { ...s.approved, next, nextBy: '2026-11-12T02:00:00Z' });
  }
  for (const reasonCode of REJECTION_REASONS) add(`(${reasonCode})`, { ...s.rejected, reasonCode });
  for (const defaultChoice of ['return', 'exchange'] as const) add(`(default ${defaultChoice})`, { ...s.remedy_choice_needed, defaultChoice });
  add('(lost: reship or refund)', {
    ...s.remedy_choice_needed,
    caseType: 'lost',
    options: [
      { choice: 'reship', url: 'https://aftersales.example.com/choose/Xq7KpL2m?c=reship' },
      { choice: 'refund', url: 'https://aftersales.example.com/choose/Xq7KpL2m?c=refund' },
    ],
    defaultChoice: 'reship',
    refund: undefined,
  });
  add('(pickup, one day)', { ...s.ship_back, method: { kind: 'pickup', carrier: carrier(locale), pickupFrom: '2026-11-12T01:00:00Z', pickupUntil: '2026-11-12T10:00:00Z' } });
  add('(pickup, two days)', {
    ...s.ship_back,
    method: { kind: 'pickup', carrier: locale === 'zh-CN' ? '京东物流' : 'JD Logistics', pickupFrom: '2026-11-12T01:00:00Z', pickupUntil: '2026-11-13T10:00:00Z' },
  });
  add('(self-ship, customer pays)', { ...s.ship_back, method: { kind: 'self_ship', postage: 'customer_pays' } });
  add('(self-ship, reimbursed)', { ...s.ship_back, method: { kind: 'self_ship', postage: 'reimbursed' } });
  for (const next of AFTER_ARRIVAL_STEPS) add(`(${next})`, { ...s.item_received, next });
  add('(store balance)', { ...s.refund_issued, refundTo: 'store_balance' });
  add('(no expected date, large amount)', { ...s.refund_issued, expectedBy: undefined, amount: 123_456_789 });
  add('(JPY)', { ...s.refund_issued, amount: 1_234, currency: 'JPY' });
  add('(goodwill, no expiry)', { ...s.compensation_issued, reason: 'goodwill', validUntil: undefined });
  add('(lost)', { ...s.replacement_shipped, caseType: 'lost' });
  add('(missing part, no link or date)', { ...s.replacement_shipped, caseType: 'missing_part', trackingUrl: undefined, expectedBy: undefined });
  add('(advance exchange)', { ...s.replacement_shipped, returnOriginalBy: '2026-11-30T15:59:59Z' });
  add('(with link)', { ...s.repair_done, trackingUrl: 'https://aftersales.example.com/track/SF9876543210987' });
  for (const reason of DELAY_REASONS) add(`(${reason})`, { ...s.delay_notice, reason });
  add('(no new date yet)', { ...s.delay_notice, newExpectedBy: undefined });
  add('(large amount)', { ...s.charged_back, amount: 1_234_567 });
  for (const closeReason of CLOSE_REASONS) add(`(${closeReason})`, { ...s.case_closed, closeReason });
  out.push(...operatorNoteVariants(locale), ...proactiveVariants(locale));
  return out;
}
