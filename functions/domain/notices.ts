import type { CaseType, Locale, MinorUnits, Outcome, Remedy } from './case.js';

/** Everything a notice may say: only what the customer already knows or needs, nothing else about them. */
export interface NoticeFacts {
  caseId: string;
  type: CaseType;
  customerName: string;
  outcome?: Outcome;
  reasonCode?: string;
  remedy?: Remedy;
  amount?: MinorUnits;
  currency?: string;
  dueAt?: string;
  surveyUrl?: string;
}

export interface RenderedNotice {
  subject: string;
  text: string;
  html: string;
  sms: string;
}

type Milestone = 'received' | 'evidence_needed' | 'decided' | 'ship_back' | 'resolved' | 'cancelled' | 'survey_invitation' | 'closed';

const TYPE_NAMES: Record<Locale, Record<CaseType, string>> = {
  en: {
    return: 'return',
    exchange: 'exchange',
    repair: 'repair',
    damaged: 'damaged item',
    lost: 'lost parcel',
    delayed: 'late delivery',
    quality: 'quality problem',
    missing_part: 'missing part',
  },
  'zh-CN': {
    return: '退货',
    exchange: '换货',
    repair: '维修',
    damaged: '商品破损',
    lost: '包裹丢失',
    delayed: '延迟送达',
    quality: '质量问题',
    missing_part: '缺少配件',
  },
};

const REASONS: Record<Locale, Record<string, string>> = {
  en: {
    window_expired: 'the request came after the period our policy allows for it',
    category_excluded: 'this kind of item cannot be returned without a reason (custom-made, perishable, opened digital goods or periodicals)',
    not_delivered: 'the order has not been delivered yet',
    warranty_expired: 'the warranty period has ended',
    carrier_delivered: 'the carrier shows the parcel as delivered',
    loss_not_confirmed: 'the carrier has not confirmed the parcel as lost; it may still arrive',
    delivered_on_time: 'the parcel was delivered by the promised date',
    not_late: 'the parcel is not past its promised delivery date',
    evidence_missing: 'we did not receive the photos we needed',
  },
  'zh-CN': {
    window_expired: '申请已超过政策规定的期限',
    category_excluded: '该类商品（定制、生鲜易腐、已拆封数字/音像制品或报刊）不适用七天无理由退货',
    not_delivered: '订单尚未签收',
    warranty_expired: '商品已过保修期',
    carrier_delivered: '物流信息显示包裹已签收',
    loss_not_confirmed: '承运商尚未确认包裹丢失，包裹可能仍在途中',
    delivered_on_time: '包裹已在承诺时间内送达',
    not_late: '包裹尚未超过承诺送达时间',
    evidence_missing: '我们未收到所需的照片',
  },
};

const REMEDY_TEXT: Record<Locale, (f: NoticeFacts) => string> = {
  en: (f) => {
    switch (f.remedy) {
      case 'refund':
      case 'partial_refund':
        return `We have issued a refund of ${money(f, 'en')} to your original payment method.`;
      case 'delay_subsidy':
      case 'coupon':
        return `We have added a ${money(f, 'en')} credit to your account for the delay.`;
      case 'exchange':
        return 'Your replacement is on its way.';
      case 'repair':
        return 'Your repaired item is on its way back to you.';
      case 'reship':
        return 'We have shipped the items again.';
      default:
        return need<string>(undefined, 'remedy');
    }
  },
  'zh-CN': (f) => {
    switch (f.remedy) {
      case 'refund':
      case 'partial_refund':
        return `已将 ${money(f, 'zh-CN')} 退回您的原支付账户。`;
      case 'delay_subsidy':
      case 'coupon':
        return `已向您的账户发放 ${money(f, 'zh-CN')} 延迟补偿。`;
      case 'exchange':
        return '换货商品已发出。';
      case 'repair':
        return '维修后的商品已寄回给您。';
      case 'reship':
        return '商品已为您重新发货。';
      default:
        return need<string>(undefined, 'remedy');
    }
  },
};

/**
 * Renders one milestone notice in the customer's language. A value the milestone needs but the facts lack throws:
 * a blank in a customer's inbox is worse than a retried message.
 */
export function renderNotice(milestone: Milestone, locale: Locale, f: NoticeFacts): RenderedNotice {
  const en = locale === 'en';
  const kind = TYPE_NAMES[locale][f.type];
  const ref = f.caseId;
  const lines = ((): { subject: string; body: string[]; sms: string } => {
    switch (milestone) {
      case 'received':
        return en
          ? { subject: `We received your ${kind} request (${ref})`, body: [`We have received your ${kind} request and are reviewing it now.`, 'We will write again as soon as it is decided.'], sms: `We received your ${kind} request ${ref} and are reviewing it.` }
          : { subject: `已收到您的${kind}申请（${ref}）`, body: [`我们已收到您的${kind}申请，正在审核。`, '审核结果出来后我们会第一时间通知您。'], sms: `已收到您的${kind}申请${ref}，正在审核。` };
      case 'evidence_needed':
        return en
          ? { subject: `Please send photos for your request (${ref})`, body: ['To go on with your request we need at least one photo of the damaged item and its packaging.', 'Please add it to your request in the app.'], sms: `Case ${ref}: please add a photo of the damage in the app.` }
          : { subject: `请补充照片（${ref}）`, body: ['为继续处理您的申请，请上传至少一张商品及包装破损的照片。', '请在应用内为申请补充照片。'], sms: `申请${ref}：请在应用内上传破损照片。` };
      case 'decided': {
        if (f.outcome === 'approved') {
          return en
            ? { subject: `Your ${kind} request is approved (${ref})`, body: [`Good news: your ${kind} request is approved.`], sms: `Case ${ref}: your ${kind} request is approved.` }
            : { subject: `您的${kind}申请已通过（${ref}）`, body: [`您的${kind}申请已审核通过。`], sms: `申请${ref}：您的${kind}申请已通过。` };
        }
        const reason = REASONS[locale][need(f.reasonCode, 'reasonCode')] ?? need(undefined, `reason text for ${f.reasonCode}`);
        return en
          ? { subject: `About your ${kind} request (${ref})`, body: [`We are sorry: we cannot accept your ${kind} request, because ${reason}.`, 'If you disagree, reply in the app and a colleague will look at it again.'], sms: `Case ${ref}: not accepted, because ${reason}.` }
          : { subject: `关于您的${kind}申请（${ref}）`, body: [`很抱歉，您的${kind}申请未能通过，原因：${reason}。`, '如有异议，请在应用内回复，我们会安排专人复核。'], sms: `申请${ref}未通过：${reason}。` };
      }
      case 'ship_back':
        return en
          ? { subject: `Please send the item back (${ref})`, body: ['Please pack the item with its accessories and send it to our service center, then add the tracking number in the app.', 'We start the clock on your request as soon as it arrives.'], sms: `Case ${ref}: please send the item back and add the tracking number in the app.` }
          : { subject: `请寄回商品（${ref}）`, body: ['请将商品连同配件包装好寄至售后服务中心，并在应用内填写退货物流单号。', '商品到达后我们将立即开始处理。'], sms: `申请${ref}：请寄回商品并在应用内填写物流单号。` };
      case 'resolved': {
        const remedy = REMEDY_TEXT[locale](f);
        return en
          ? { subject: `Your ${kind} request is resolved (${ref})`, body: [remedy, 'Thank you for your patience.'], sms: `Case ${ref}: ${remedy}` }
          : { subject: `您的${kind}申请已处理完成（${ref}）`, body: [remedy, '感谢您的耐心等待。'], sms: `申请${ref}：${remedy}` };
      }
      case 'cancelled':
        return en
          ? { subject: `Your request is cancelled (${ref})`, body: [`Your ${kind} request has been cancelled as you asked. Nothing further will happen on it.`], sms: `Case ${ref} is cancelled as you asked.` }
          : { subject: `您的申请已取消（${ref}）`, body: [`您的${kind}申请已按您的要求取消。`], sms: `申请${ref}已按您的要求取消。` };
      case 'survey_invitation': {
        const url = need(f.surveyUrl, 'surveyUrl');
        return en
          ? { subject: `How did we do? (${ref})`, body: ['Your request is resolved. Could you tell us how it went? It takes a minute:', url], sms: `How did we do on ${ref}? ${url}` }
          : { subject: `请评价本次售后服务（${ref}）`, body: ['您的申请已处理完成，请花一分钟评价本次服务：', url], sms: `请评价售后服务${ref}：${url}` };
      }
      case 'closed':
        return en
          ? { subject: `Your request is closed (${ref})`, body: [`Your ${kind} request is now closed. Thank you.`], sms: `Case ${ref} is closed.` }
          : { subject: `您的申请已关闭（${ref}）`, body: [`您的${kind}申请已关闭，感谢您的支持。`], sms: `申请${ref}已关闭。` };
    }
  })();
  const greeting = en ? `Dear ${f.customerName},` : `${f.customerName}，您好：`;
  const text = [greeting, '', ...lines.body, '', en ? `Case reference: ${ref}` : `申请编号：${ref}`].join('\n');
  const html = `<!doctype html><html lang="${locale}"><body style="font-family:sans-serif;line-height:1.5"><p>${escapeHtml(greeting)}</p>${lines.body
    .map((line) => (line.startsWith('http') ? `<p><a href="${escapeHtml(line)}">${escapeHtml(line)}</a></p>` : `<p>${escapeHtml(line)}</p>`))
    .join('')}<p style="color:#666">${escapeHtml(en ? `Case reference: ${ref}` : `申请编号：${ref}`)}</p></body></html>`;
  return { subject: lines.subject, text, html, sms: lines.sms };
}

function money(f: NoticeFacts, locale: Locale): string {
  const amount = need(f.amount, 'amount');
  const format = new Intl.NumberFormat(locale, { style: 'currency', currency: need(f.currency, 'currency') });
  // Minor units per major unit follow the currency (CNY 2 decimals, JPY none).
  return format.format(amount / 10 ** (format.resolvedOptions().maximumFractionDigits ?? 2));
}

function need<T>(value: T | undefined, name: string): T {
  if (value === undefined || value === null || value === '') throw new Error(`notice is missing ${name}`);
  return value;
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}
