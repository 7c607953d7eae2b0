import { COMMENT_MAX_LENGTH, type Aspect } from '../domain/satisfaction.js';
import { escapeHtml, page, type PageLocale } from './layout.js';

/** What went wrong with a submitted form, shown above it and next to the question concerned. */
export type SurveyFormError = 'overall_missing' | 'score_invalid' | 'comment_too_long';
/** Why a link no longer shows the form. */
export type SurveyGoneReason = 'not_found' | 'answered' | 'expired';

/** What the customer sent, to fill the form in again after an error. */
export interface SurveyFormValues {
  rating?: string;
  speed?: string;
  resolution?: string;
  attitude?: string;
  comment?: string;
}

const TEXT = {
  en: {
    title: 'How did we do?',
    intro: 'Your after-sales request is resolved. Please rate our service from 1 (poor) to 5 (excellent).',
    scale: '1 = poor, 5 = excellent',
    overall: 'Overall, how satisfied are you?',
    speed: 'How quickly we responded',
    resolution: 'How well we solved the problem',
    attitude: 'How our team treated you',
    optional: '(optional)',
    comment: `Anything you would like to tell us? (optional, up to ${COMMENT_MAX_LENGTH} characters)`,
    submit: 'Send',
    problem: 'Please check your answer:',
    overall_missing: 'Please choose an overall rating from 1 to 5.',
    score_invalid: 'Ratings are whole numbers from 1 to 5.',
    comment_too_long: `Your comment is longer than ${COMMENT_MAX_LENGTH} characters.`,
    unavailable: 'Your answer could not be saved just now. Please send it again.',
    thanks: 'Thank you! Your answer helps us do better.',
    sorry: 'We are sorry we let you down. A member of our team will contact you to put things right.',
    not_found: 'This survey link is not valid. Please use the link in the most recent message we sent you.',
    answered: 'You have already answered this survey. Thank you!',
    expired: 'This survey has closed. Thank you all the same.',
  },
  de: {
    title: 'Wie zufrieden waren Sie?',
    intro: 'Ihre Serviceanfrage ist erledigt. Bitte bewerten Sie unseren Service von 1 (schlecht) bis 5 (ausgezeichnet).',
    scale: '1 = schlecht, 5 = ausgezeichnet',
    overall: 'Wie zufrieden sind Sie insgesamt?',
    speed: 'Wie schnell wir reagiert haben',
    resolution: 'Wie gut wir das Problem gelöst haben',
    attitude: 'Wie unser Team mit Ihnen umgegangen ist',
    optional: '(freiwillig)',
    comment: `Möchten Sie uns noch etwas sagen? (freiwillig, bis zu ${COMMENT_MAX_LENGTH} Zeichen)`,
    submit: 'Absenden',
    problem: 'Bitte prüfen Sie Ihre Angaben:',
    overall_missing: 'Bitte wählen Sie eine Gesamtbewertung von 1 bis 5.',
    score_invalid: 'Bewertungen sind ganze Zahlen von 1 bis 5.',
    comment_too_long: `Ihr Kommentar ist länger als ${COMMENT_MAX_LENGTH} Zeichen.`,
    unavailable: 'Ihre Antwort konnte gerade nicht gespeichert werden. Bitte senden Sie sie noch einmal.',
    thanks: 'Vielen Dank! Ihre Rückmeldung hilft uns, besser zu werden.',
    sorry: 'Es tut uns leid, dass wir Sie enttäuscht haben. Ein Mitglied unseres Teams meldet sich bei Ihnen, um die Sache in Ordnung zu bringen.',
    not_found: 'Dieser Umfrage-Link ist ungültig. Bitte verwenden Sie den Link aus unserer letzten Nachricht an Sie.',
    answered: 'Sie haben an dieser Umfrage bereits teilgenommen. Vielen Dank!',
    expired: 'Diese Umfrage ist beendet. Trotzdem vielen Dank.',
  },
  'zh-CN': {
    title: '请评价本次售后服务',
    intro: '您的售后申请已处理完成，请为本次服务打分（1 分很差，5 分很好）。',
    scale: '1 分很差，5 分很好',
    overall: '总体评分：您对本次服务满意吗？',
    speed: '响应速度',
    resolution: '问题解决情况',
    attitude: '服务态度',
    optional: '（选填）',
    comment: `还有什么想告诉我们的吗？（选填，最多 ${COMMENT_MAX_LENGTH} 字）`,
    submit: '提交',
    problem: '请检查您的填写：',
    overall_missing: '请选择 1 到 5 分的总体评分。',
    score_invalid: '评分须为 1 到 5 的整数。',
    comment_too_long: `留言超过了 ${COMMENT_MAX_LENGTH} 字。`,
    unavailable: '暂时无法保存您的评价，请重新提交。',
    thanks: '感谢您的评价，我们会继续改进！',
    sorry: '很抱歉这次没有让您满意，我们的客服会尽快与您联系。',
    not_found: '该问卷链接无效，请使用我们最近发给您的消息中的链接。',
    answered: '您已提交过本问卷，感谢您的评价！',
    expired: '该问卷已截止，仍然感谢您的支持。',
  },
} as const;

const ASPECT_ORDER: Aspect[] = ['speed', 'resolution', 'attitude'];

/** One question: a fieldset with its legend and a 1-5 radio group, labelled, keyboard- and screen-reader-friendly. */
function scale(locale: PageLocale, name: 'rating' | Aspect, legend: string, opts: { required: boolean; checked?: string; error?: string }): string {
  const t = TEXT[locale];
  const hintId = `${name}-hint`;
  const errorId = `${name}-error`;
  const describedBy = [hintId, opts.error ? errorId : ''].filter(Boolean).join(' ');
  const radios = [1, 2, 3, 4, 5]
    .map((n) => {
      const id = `${name}-${n}`;
      const checked = opts.checked === String(n) ? ' checked' : '';
      return `<label for="${id}"><input type="radio" name="${name}" value="${n}" id="${id}"${opts.required ? ' required' : ''}${checked}>${n}</label>`;
    })
    .join('');
  return `<fieldset aria-describedby="${describedBy}"><legend>${escapeHtml(legend)}${opts.required ? '' : ` <span class="hint">${escapeHtml(t.optional)}</span>`}</legend>
<p class="hint" id="${hintId}">${escapeHtml(t.scale)}</p>${opts.error ? `<p class="error" id="${errorId}">${escapeHtml(opts.error)}</p>` : ''}<div class="scale">${radios}</div></fieldset>`;
}

/**
 * The survey form: the overall rating (required), speed, resolution and attitude (optional: a customer who only wants
 * to give one score still answers) and a comment. Plain HTML, no script; posts back to the page's own path.
 */
export function surveyForm(locale: PageLocale, action: string, opts: { errors?: SurveyFormError[]; values?: SurveyFormValues; unavailable?: boolean } = {}): string {
  const t = TEXT[locale];
  const errors = opts.errors ?? [];
  const values = opts.values ?? {};
  const summary =
    errors.length > 0
      ? `<div role="alert" class="box"><p class="error">${escapeHtml(t.problem)}</p><ul>${errors.map((e) => `<li>${escapeHtml(t[e])}</li>`).join('')}</ul></div>`
      : opts.unavailable
        ? `<div role="alert" class="box"><p class="error">${escapeHtml(t.unavailable)}</p></div>`
        : '';
  const overallError = errors.includes('overall_missing') ? t.overall_missing : errors.includes('score_invalid') ? t.score_invalid : undefined;
  const questions = [
    scale(locale, 'rating', t.overall, { required: true, checked: values.rating, error: overallError }),
    ...ASPECT_ORDER.map((aspect) => scale(locale, aspect, t[aspect], { required: false, checked: values[aspect] })),
  ].join('\n');
  const commentError = errors.includes('comment_too_long') ? `<p class="error" id="comment-error">${escapeHtml(t.comment_too_long)}</p>` : '';
  return page(
    locale,
    t.title,
    `<h1>${escapeHtml(t.title)}</h1><p>${escapeHtml(t.intro)}</p>${summary}
<form method="post" action="${escapeHtml(action)}">
${questions}
<p><label for="comment">${escapeHtml(t.comment)}</label>${commentError}<textarea id="comment" name="comment" maxlength="${COMMENT_MAX_LENGTH}"${commentError ? ' aria-describedby="comment-error"' : ''}>${escapeHtml(values.comment ?? '')}</textarea></p>
<button type="submit">${escapeHtml(t.submit)}</button></form>`,
  );
}

/** After the answer; a low score is told that someone will be in touch. */
export const thankYouPage = (locale: PageLocale, opts: { followUp?: boolean } = {}) =>
  page(locale, TEXT[locale].title, `<h1>${escapeHtml(TEXT[locale].thanks)}</h1>${opts.followUp ? `<p>${escapeHtml(TEXT[locale].sorry)}</p>` : ''}`);

export const surveyGonePage = (locale: PageLocale, reason: SurveyGoneReason) => page(locale, TEXT[locale].title, `<h1>${escapeHtml(TEXT[locale][reason])}</h1>`);
