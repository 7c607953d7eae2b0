import { escapeHtml } from '../domain/notices.js';

type Locale = 'zh-CN' | 'en';

const TEXT = {
  en: {
    title: 'How did we do?',
    intro: 'Your after-sales request is resolved. Please rate it from 1 (poor) to 5 (excellent).',
    rating: 'Overall rating',
    comment: 'Anything you would like to tell us? (optional)',
    submit: 'Send',
    thanks: 'Thank you! Your answer helps us do better.',
    gone: 'This survey link has expired or has already been used.',
    invalid: 'Please choose a rating from 1 to 5.',
  },
  'zh-CN': {
    title: '请评价本次售后服务',
    intro: '您的售后申请已处理完成，请为本次服务打分（1 分很差，5 分很好）。',
    rating: '总体评分',
    comment: '还有什么想告诉我们的吗？（选填）',
    submit: '提交',
    thanks: '感谢您的评价，我们会继续改进！',
    gone: '该问卷链接已过期或已使用。',
    invalid: '请选择 1 到 5 分的评分。',
  },
} as const;

function page(locale: Locale, body: string): string {
  return `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(TEXT[locale].title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem;line-height:1.5}fieldset{border:0;padding:0}
label{display:inline-block;margin:.25rem .75rem .25rem 0}textarea{width:100%;min-height:6rem}button{font-size:1rem;padding:.5rem 1.5rem}</style>
</head><body>${body}</body></html>`;
}

export function surveyForm(locale: Locale, action: string, error?: 'invalid'): string {
  const t = TEXT[locale];
  const stars = [1, 2, 3, 4, 5].map((n) => `<label><input type="radio" name="rating" value="${n}" required> ${n}</label>`).join('');
  return page(
    locale,
    `<h1>${escapeHtml(t.title)}</h1><p>${escapeHtml(t.intro)}</p>${error ? `<p role="alert">${escapeHtml(t.invalid)}</p>` : ''}
<form method="post" action="${escapeHtml(action)}"><fieldset><legend>${escapeHtml(t.rating)}</legend>${stars}</fieldset>
<p><label for="comment">${escapeHtml(t.comment)}</label><textarea id="comment" name="comment" maxlength="1000"></textarea></p>
<button type="submit">${escapeHtml(t.submit)}</button></form>`,
  );
}

export const thankYouPage = (locale: Locale) => page(locale, `<h1>${escapeHtml(TEXT[locale].thanks)}</h1>`);
export const surveyGonePage = (locale: Locale) => page(locale, `<h1>${escapeHtml(TEXT[locale].gone)}</h1>`);
