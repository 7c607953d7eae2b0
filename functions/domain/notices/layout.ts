import type { Locale } from '../case.js';
import { smsUnits, type SmsEncoding } from '../sms-segments.js';
import { plainSms } from './format.js';
import { clipNote, smsNote } from './operator-note.js';
import type { RenderedNotice } from './types.js';

/** One piece of an email body, in reading order. Values are plain text: the layout escapes them for HTML. */
export type Block =
  | { p: string }
  /** A bulleted list. */
  | { list: string[] }
  /** Label/value rows (amount, tracking number, address...). */
  | { details: Array<[label: string, value: string]> }
  /** Links as buttons, the first one prominent. */
  | { actions: Array<{ label: string; url: string }> }
  /** A quieter aside (tips, small print). */
  | { note: string }
  /** Someone's own words, quoted under a label ("Our team’s note:"); cut to `NOTE_LIMIT`, line breaks kept. */
  | { quote: string; by: string };

/** What a template says; the layout turns it into subject, plain text, HTML and SMS. */
export interface NoticeContent {
  /** Short statement of what happened; the subject adds the case reference. */
  title: string;
  blocks: Block[];
  /** The SMS, without the status link: the layout appends it. */
  sms: string;
  /**
   * Words before the status link at the end of the SMS ("Address:", "进度："); `false` when the SMS carries a link of
   * its own instead (the survey), since two links would not fit.
   */
  smsLink?: string | false;
  /**
   * An SMS that quotes an operator's note: `sms(excerpt)` is called with the longest excerpt that keeps the whole
   * SMS (link included) within the locale's budget, or with undefined when none fits; it replaces `sms`.
   */
  smsQuote?: { note: string; sms: (excerpt: string | undefined) => string };
}

/**
 * What one SMS may cost: English stays GSM-7 in one segment (160 septets); German is GSM-7 too (ä, ö, ü, ß are in
 * its basic set, € takes two septets) but longer, so two segments (306 septets); Chinese is UCS-2 in two segments
 * (134 units) less 8 for the provider's signature such as 【某某商城】. An operator's note quoted in an SMS takes the
 * room this budget leaves, but never less than `minQuote` units: a long status link (a real signed one is about 125
 * characters, the samples' 60) would otherwise leave none, and the SMS then grows by a segment rather than lose the
 * operator's words.
 */
export const SMS_BUDGET: Record<Locale, { encoding: SmsEncoding; units: number; minQuote: number }> = {
  en: { encoding: 'GSM-7', units: 160, minQuote: 40 },
  de: { encoding: 'GSM-7', units: 306, minQuote: 40 },
  'zh-CN': { encoding: 'UCS-2', units: 134 - 8, minQuote: 20 },
};

export interface LayoutContext {
  locale: Locale;
  caseId: string;
  customerName: string;
  /** The signed link to the case's status page, in every notice. */
  statusUrl: string;
  /** Rows every notice shows first when known (order number, item). */
  context: Array<[string, string]>;
}

const WORDS = {
  en: {
    subject: (title: string, ref: string) => `${title} (case ${ref})`,
    greeting: (name: string) => `Dear ${name},`,
    ref: 'Case reference',
    status: 'Follow your case',
    statusText: 'You can check the progress of your case at any time:',
    statusButton: 'View case status',
    footer: 'This message is about your after-sales request. The links in it open your case without a password, so please do not forward it.',
    signature: 'Your after-sales team',
  },
  de: {
    subject: (title: string, ref: string) => `${title} (Vorgang ${ref})`,
    greeting: (name: string) => `Guten Tag ${name},`,
    ref: 'Vorgangsnummer',
    status: 'Ihr Vorgang im Überblick',
    statusText: 'Den aktuellen Stand Ihres Vorgangs können Sie jederzeit hier einsehen:',
    statusButton: 'Status ansehen',
    footer: 'Diese Nachricht betrifft Ihr Serviceanliegen. Die Links darin öffnen Ihren Vorgang ohne Passwort – bitte leiten Sie die Nachricht deshalb nicht weiter.',
    signature: 'Ihr Kundenservice',
  },
  'zh-CN': {
    subject: (title: string, ref: string) => `${title}（售后单号 ${ref}）`,
    greeting: (name: string) => `${name}，您好！`,
    ref: '售后单号',
    status: '查看进度',
    statusText: '您可以随时查看售后处理进度：',
    statusButton: '查看处理进度',
    footer: '本邮件与您的售后申请相关。邮件中的链接无需密码即可打开您的售后单，请勿转发他人。',
    signature: '售后服务团队',
  },
} as const;

export function layout(content: NoticeContent, ctx: LayoutContext): RenderedNotice {
  const w = WORDS[ctx.locale];
  const subject = w.subject(content.title, ctx.caseId);
  const greeting = w.greeting(ctx.customerName);
  const blocks: Block[] = [...content.blocks, ...(ctx.context.length > 0 ? [{ details: ctx.context }] : [])];
  return { subject, text: text(ctx, greeting, blocks), html: html(content, ctx, greeting, blocks, subject), sms: sms(content, ctx) };
}

function sms(content: NoticeContent, ctx: LayoutContext): string {
  const budget = SMS_BUDGET[ctx.locale];
  // Typography GSM-7 lacks would make an English or German SMS UCS-2 (see plainSms).
  const gsm = budget.encoding === 'GSM-7';
  const withLink = (body: string) => {
    const plain = gsm ? plainSms(body) : body;
    if (content.smsLink === false) return plain;
    if (gsm) return [plain, content.smsLink, ctx.statusUrl].filter(Boolean).join(' ');
    return `${plain}${content.smsLink ?? ''}${ctx.statusUrl}`;
  };
  if (!content.smsQuote) return withLink(content.sms);
  const { note, sms: write } = content.smsQuote;
  const room = Math.max(budget.units - smsUnits(withLink(write('')), budget.encoding), budget.minQuote);
  return withLink(write(smsNote(note, room, budget.encoding)));
}

function text(ctx: LayoutContext, greeting: string, blocks: Block[]): string {
  const w = WORDS[ctx.locale];
  const sep = ctx.locale === 'zh-CN' ? '：' : ': ';
  const out: string[] = [greeting, ''];
  for (const block of blocks) {
    if ('p' in block) out.push(block.p);
    else if ('note' in block) out.push(block.note);
    else if ('quote' in block)
      out.push(
        block.by,
        ...clipNote(block.quote)
          .split('\n')
          .map((line) => `  ${line}`),
      );
    else if ('list' in block) out.push(...block.list.map((item) => `• ${item}`));
    else if ('details' in block) out.push(...block.details.map(([label, value]) => `${label}${sep}${value}`));
    else out.push(...block.actions.map((a) => `${a.label}${sep}${a.url}`));
    out.push('');
  }
  out.push(`${w.statusText}`, ctx.statusUrl, '');
  out.push(`${w.ref}${sep}${ctx.caseId}`, w.signature, '', w.footer);
  return out.join('\n');
}

const FONT = "-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,'PingFang SC','Hiragino Sans GB','Microsoft YaHei',Arial,sans-serif";
const P = 'margin:0 0 16px;font-size:16px;line-height:1.6;color:#1f2329';

function html(content: NoticeContent, ctx: LayoutContext, greeting: string, blocks: Block[], subject: string): string {
  const w = WORDS[ctx.locale];
  const e = escapeHtml;
  const body = blocks.map((block) => {
    if ('p' in block) return `<p style="${P}">${e(block.p)}</p>`;
    if ('note' in block) return `<p style="margin:0 0 16px;font-size:14px;line-height:1.6;color:#646a73">${e(block.note)}</p>`;
    if ('quote' in block) {
      // Escaped line by line, then joined with <br>: the operator's line breaks survive, their markup does not.
      const lines = clipNote(block.quote).split('\n').map(e).join('<br>');
      return (
        `<p style="margin:0 0 6px;font-size:14px;line-height:1.5;color:#646a73">${e(block.by)}</p>` +
        `<blockquote style="margin:0 0 16px;padding:10px 14px;border-left:4px solid #1664ff;background:#f5f6f7;font-size:16px;line-height:1.6;color:#1f2329;word-break:break-word">${lines}</blockquote>`
      );
    }
    if ('list' in block) {
      return `<ul style="margin:0 0 16px;padding-left:22px;font-size:16px;line-height:1.6;color:#1f2329">${block.list.map((item) => `<li style="margin:0 0 6px">${e(item)}</li>`).join('')}</ul>`;
    }
    if ('details' in block) {
      const rows = block.details
        .map(
          ([label, value]) =>
            `<tr><td style="padding:8px 12px 8px 0;font-size:14px;line-height:1.5;color:#646a73;vertical-align:top;white-space:nowrap">${e(label)}</td>` +
            `<td style="padding:8px 0;font-size:15px;line-height:1.5;color:#1f2329;vertical-align:top;word-break:break-word">${e(value)}</td></tr>`,
        )
        .join('');
      return `<table role="presentation" cellpadding="0" cellspacing="0" style="width:100%;margin:0 0 16px;border-top:1px solid #e8eaed;border-bottom:1px solid #e8eaed">${rows}</table>`;
    }
    return `<p style="margin:0 0 16px">${block.actions.map((a, i) => button(a.label, a.url, i === 0)).join(' ')}</p>`;
  });
  const status =
    `<div style="margin:24px 0 0;padding:16px;background:#f5f6f7;border-radius:8px">` +
    `<p style="margin:0 0 12px;font-size:15px;line-height:1.6;color:#1f2329">${e(w.statusText)}</p>` +
    `<p style="margin:0">${button(w.statusButton, ctx.statusUrl, false)}</p></div>`;
  return (
    `<!doctype html><html lang="${ctx.locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">` +
    `<title>${e(subject)}</title></head>` +
    `<body style="margin:0;padding:0;background:#f0f2f5;font-family:${FONT}">` +
    `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f0f2f5"><tr><td align="center" style="padding:24px 12px">` +
    `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:560px;background:#ffffff;border-radius:12px">` +
    `<tr><td style="padding:28px 24px 8px;font-family:${FONT}">` +
    `<p style="margin:0 0 8px;font-size:13px;line-height:1.4;color:#646a73">${e(w.ref)} ${e(ctx.caseId)}</p>` +
    `<h1 style="margin:0 0 20px;font-size:22px;line-height:1.35;color:#1f2329;font-weight:600">${e(content.title)}</h1>` +
    `<p style="${P}">${e(greeting)}</p>` +
    body.join('') +
    status +
    `<p style="margin:24px 0 0;font-size:15px;line-height:1.6;color:#1f2329">${e(w.signature)}</p>` +
    `</td></tr>` +
    `<tr><td style="padding:16px 24px 24px;font-family:${FONT};font-size:12px;line-height:1.6;color:#8f959e">${e(w.footer)}</td></tr>` +
    `</table></td></tr></table></body></html>`
  );
}

function button(label: string, url: string, primary: boolean): string {
  const style = primary
    ? 'display:inline-block;margin:0 8px 8px 0;padding:12px 20px;background:#1664ff;border:1px solid #1664ff;border-radius:8px;color:#ffffff;font-size:16px;font-weight:600;line-height:1.2;text-decoration:none'
    : 'display:inline-block;margin:0 8px 8px 0;padding:12px 20px;background:#ffffff;border:1px solid #1664ff;border-radius:8px;color:#1664ff;font-size:16px;font-weight:600;line-height:1.2;text-decoration:none';
  return `<a href="${escapeHtml(url)}" style="${style}">${escapeHtml(label)}</a>`;
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}
