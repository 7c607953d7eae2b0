import type { CaseType, Outcome } from '../domain/case.js';
import type { CaseProgress, NextStep, ProgressStep } from '../domain/case-progress.js';
import { clipNote, DEFAULT_TIME_ZONE, type OperatorNote } from '../domain/notices.js';
import type { Copy } from '../domain/notices/copy.js';
import { escapeHtml, page, type PageLocale } from './layout.js';

export type PauseChoice = 'wait' | 'cancel';
/** Why a choice could not be taken: no valid option sent, the case is no longer on hold, or it is closed. */
export type ChoiceProblem = 'invalid_choice' | 'not_paused' | 'closed' | 'too_late_to_cancel';
/** Why a link shows no case. */
export type LinkProblem = 'invalid' | 'expired' | 'not_found';

const TEXT = {
  en: {
    title: 'Your after-sales request',
    reference: 'Reference',
    request: 'Request',
    updated: 'Last update',
    personalData: 'Your personal data',
    redacted: 'Redacted: erased from this request, as asked or after its retention period',
    due: 'We aim to finish by',
    dueEstimated: 'Estimated finish',
    estimated: ' (estimated: next year’s public holidays are not published yet, so this date may move by a few days)',
    progress: 'Progress',
    next: 'What happens next',
    steps: {
      received: 'Request received',
      review: 'Review',
      carrier: 'Check with the courier',
      choice: 'Your choice of solution',
      return: 'Item back with us',
      resolution: 'Putting it right',
      closed: 'Done',
    } satisfies Record<ProgressStep, string>,
    nextSteps: {
      wait_review: 'We are reviewing your request and will tell you the decision. You don’t need to do anything.',
      send_photos: 'Please add photos of the damage and the packaging to your request in the app, so we can continue.',
      choose_remedy: 'Please choose in the app how you would like us to put this right.',
      wait_carrier: 'We are checking with the courier. You don’t need to do anything.',
      ship_item: 'Please send the item back to our service center and add the tracking number in the app.',
      wait_return_arrival: 'Your parcel is on its way to us. We will tell you when it arrives.',
      wait_compensation: 'Your refund or replacement is on its way; we are waiting for it to be confirmed.',
      answer_survey: 'Your request is resolved. We would love to hear how we did: the survey link is in our last message.',
      wait_close: 'Your request is resolved.',
      wait_team: 'A member of our team is looking into your request. You don’t need to do anything; we will keep you posted.',
      cancelling: 'We have received your cancellation and are stopping your request.',
      paused: 'Your request is on hold for now.',
      none: '',
    } satisfies Record<NextStep, string>,
    outcomes: {
      approved: 'Your request is complete.',
      rejected: 'We could not approve your request. Our message to you explains why.',
      cancelled: 'Your request was cancelled.',
      expired: 'Your request was closed because we did not receive what we needed in time.',
      duplicate: 'We are handling this under your earlier request for the same order.',
    } satisfies Record<Outcome, string>,
    noteBy: 'Our team’s note:',
    /** Shown instead of the general next step or outcome when an operator's words follow. */
    withNote: {
      evidence_request: 'Our team asks you for the following. Please add it to your request in the app, so we can continue.',
      rejection: 'We could not approve your request.',
    } satisfies Record<OperatorNote['kind'], string>,
    onHold: 'On hold',
    reason: 'Reason',
    since: 'On hold since',
    expected: 'We expect to continue by',
    question: 'You can keep waiting, or cancel your request.',
    wait: 'Keep waiting',
    cancel: 'Cancel my request',
    done: { wait: 'Thank you for waiting. We will continue as soon as we can.', cancel: 'We have received your cancellation.' } satisfies Record<PauseChoice, string>,
    problems: {
      invalid_choice: 'Please choose one of the two options.',
      not_paused: 'Your request is no longer on hold, so there is nothing to choose.',
      closed: 'Your request is already closed.',
      too_late_to_cancel: 'Your compensation is already on its way, so the request can no longer be cancelled here. Please contact customer service.',
    } satisfies Record<ChoiceProblem, string>,
    links: {
      invalid: 'This link is not valid. Please use the link in the most recent message we sent you.',
      expired: 'This link has expired. Please use the link in the most recent message we sent you.',
      not_found: 'We could not find this request.',
    } satisfies Record<LinkProblem, string>,
  },
  de: {
    title: 'Ihre Serviceanfrage',
    reference: 'Vorgangsnummer',
    request: 'Anliegen',
    updated: 'Letzte Änderung',
    personalData: 'Ihre persönlichen Daten',
    redacted: 'Gelöscht: auf Ihren Wunsch oder nach Ablauf der Aufbewahrungsfrist aus dieser Anfrage entfernt',
    due: 'Voraussichtlich erledigt bis',
    dueEstimated: 'Voraussichtlich erledigt (geschätzt)',
    estimated: ' (geschätzt: Die Feiertage des nächsten Jahres sind noch nicht veröffentlicht, der Termin kann sich um einige Tage verschieben)',
    progress: 'Fortschritt',
    next: 'Wie es weitergeht',
    steps: {
      received: 'Anfrage eingegangen',
      review: 'Prüfung',
      carrier: 'Klärung mit dem Paketdienst',
      choice: 'Ihre Wahl der Lösung',
      return: 'Artikel bei uns eingetroffen',
      resolution: 'Lösung',
      closed: 'Erledigt',
    } satisfies Record<ProgressStep, string>,
    nextSteps: {
      wait_review: 'Wir prüfen Ihre Anfrage und teilen Ihnen unsere Entscheidung mit. Sie müssen nichts tun.',
      send_photos: 'Bitte laden Sie in der App Fotos des Schadens und der Verpackung zu Ihrer Anfrage hoch, damit wir weitermachen können.',
      choose_remedy: 'Bitte wählen Sie in der App, wie wir die Sache für Sie lösen sollen.',
      wait_carrier: 'Wir klären die Sache mit dem Paketdienst. Sie müssen nichts tun.',
      ship_item: 'Bitte senden Sie den Artikel an unser Servicecenter zurück und tragen Sie die Sendungsnummer in der App ein.',
      wait_return_arrival: 'Ihr Paket ist auf dem Weg zu uns. Wir geben Ihnen Bescheid, sobald es ankommt.',
      wait_compensation: 'Ihre Erstattung oder Ersatzlieferung ist veranlasst; wir warten auf die Bestätigung.',
      answer_survey: 'Ihre Anfrage ist erledigt. Wir würden gern erfahren, wie zufrieden Sie waren: Den Link zur Umfrage finden Sie in unserer letzten Nachricht.',
      wait_close: 'Ihre Anfrage ist erledigt.',
      wait_team: 'Ein Mitglied unseres Teams kümmert sich um Ihre Anfrage. Sie müssen nichts tun; wir halten Sie auf dem Laufenden.',
      cancelling: 'Ihre Stornierung ist eingegangen; wir beenden die Bearbeitung Ihrer Anfrage.',
      paused: 'Die Bearbeitung Ihrer Anfrage ruht vorübergehend.',
      none: '',
    } satisfies Record<NextStep, string>,
    outcomes: {
      approved: 'Ihre Anfrage ist erledigt.',
      rejected: 'Wir konnten Ihre Anfrage leider nicht genehmigen. Die Gründe stehen in unserer Nachricht an Sie.',
      cancelled: 'Ihre Anfrage wurde storniert.',
      expired: 'Ihre Anfrage wurde abgeschlossen, weil wir das Benötigte nicht rechtzeitig erhalten haben.',
      duplicate: 'Wir bearbeiten das unter Ihrer früheren Anfrage zur selben Bestellung.',
    } satisfies Record<Outcome, string>,
    noteBy: 'Hinweis unseres Serviceteams:',
    withNote: {
      evidence_request: 'Unser Team bittet Sie um Folgendes. Bitte laden Sie es in der App zu Ihrer Anfrage hoch, damit wir weitermachen können.',
      rejection: 'Wir konnten Ihre Anfrage leider nicht genehmigen.',
    } satisfies Record<OperatorNote['kind'], string>,
    onHold: 'Bearbeitung ruht',
    reason: 'Grund',
    since: 'Ruht seit',
    expected: 'Voraussichtlich weiter ab',
    question: 'Sie können weiter warten oder Ihre Anfrage stornieren.',
    wait: 'Weiter warten',
    cancel: 'Anfrage stornieren',
    done: { wait: 'Vielen Dank für Ihre Geduld. Wir machen so bald wie möglich weiter.', cancel: 'Ihre Stornierung ist eingegangen.' } satisfies Record<PauseChoice, string>,
    problems: {
      invalid_choice: 'Bitte wählen Sie eine der beiden Möglichkeiten.',
      not_paused: 'Die Bearbeitung Ihrer Anfrage läuft bereits wieder, Sie müssen nichts wählen.',
      closed: 'Ihre Anfrage ist bereits abgeschlossen.',
      too_late_to_cancel: 'Ihre Entschädigung ist bereits unterwegs, deshalb kann die Anfrage hier nicht mehr storniert werden. Bitte wenden Sie sich an unseren Kundenservice.',
    } satisfies Record<ChoiceProblem, string>,
    links: {
      invalid: 'Dieser Link ist ungültig. Bitte verwenden Sie den Link aus unserer letzten Nachricht an Sie.',
      expired: 'Dieser Link ist abgelaufen. Bitte verwenden Sie den Link aus unserer letzten Nachricht an Sie.',
      not_found: 'Wir konnten diese Anfrage nicht finden.',
    } satisfies Record<LinkProblem, string>,
  },
  'zh-CN': {
    title: '您的售后申请',
    reference: '售后单号',
    request: '申请类型',
    updated: '最近更新',
    personalData: '个人信息',
    redacted: '已删除（应您的要求或保存期满）',
    due: '预计完成时间',
    dueEstimated: '预计完成时间（估算）',
    estimated: '（估算：次年法定节假日安排尚未公布，日期可能前后调整几天）',
    progress: '处理进度',
    next: '下一步',
    steps: {
      received: '已收到申请',
      review: '审核',
      carrier: '物流核实',
      choice: '选择处理方式',
      return: '商品寄回',
      resolution: '售后处理',
      closed: '完成',
    } satisfies Record<ProgressStep, string>,
    nextSteps: {
      wait_review: '我们正在审核您的申请，审核结果会第一时间通知您，您无需操作。',
      send_photos: '请在 App 中为申请补充商品破损处和外包装的照片，以便我们继续处理。',
      choose_remedy: '请在 App 中选择您希望的处理方式。',
      wait_carrier: '我们正在向快递公司核实物流情况，您无需操作。',
      ship_item: '请将商品寄回售后服务中心，并在 App 中填写快递单号。',
      wait_return_arrival: '您寄回的包裹正在运输中，到达后我们会通知您。',
      wait_compensation: '退款或补发已在办理中，正在等待确认。',
      answer_survey: '您的申请已处理完成，欢迎通过我们最近一条消息中的链接评价本次服务。',
      wait_close: '您的申请已处理完成。',
      wait_team: '售后专员正在跟进您的申请，您无需操作，有进展我们会及时通知您。',
      cancelling: '我们已收到您的取消请求，正在停止处理。',
      paused: '您的申请暂时中止处理。',
      none: '',
    } satisfies Record<NextStep, string>,
    outcomes: {
      approved: '您的申请已处理完成。',
      rejected: '很抱歉，您的申请未能通过，原因请见我们发给您的消息。',
      cancelled: '您的申请已取消。',
      expired: '由于未能在期限内收到所需材料或商品，您的申请已关闭。',
      duplicate: '该订单已有相同的售后申请，我们将在原申请中为您处理。',
    } satisfies Record<Outcome, string>,
    noteBy: '售后专员的说明：',
    withNote: {
      evidence_request: '售后专员请您补充以下内容，请在 App 中为申请上传，以便我们继续处理。',
      rejection: '很抱歉，您的申请未能通过。',
    } satisfies Record<OperatorNote['kind'], string>,
    onHold: '暂停处理',
    reason: '原因',
    since: '暂停时间',
    expected: '预计恢复时间',
    question: '您可以选择继续等待，或取消本次申请。',
    wait: '继续等待',
    cancel: '取消申请',
    done: { wait: '感谢您的耐心等待，我们会尽快恢复处理。', cancel: '我们已收到您的取消请求。' } satisfies Record<PauseChoice, string>,
    problems: {
      invalid_choice: '请选择以下两个选项之一。',
      not_paused: '您的申请已恢复处理，无需再做选择。',
      closed: '您的申请已关闭。',
      too_late_to_cancel: '您的补偿已在处理中，无法在此取消申请。如有疑问请联系客服。',
    } satisfies Record<ChoiceProblem, string>,
    links: {
      invalid: '该链接无效，请使用我们最近发给您的消息中的链接。',
      expired: '该链接已过期，请使用我们最近发给您的消息中的链接。',
      not_found: '未找到该售后申请。',
    } satisfies Record<LinkProblem, string>,
  },
} as const;

export interface StatusView {
  caseId: string;
  type: CaseType;
  progress: CaseProgress;
  dueAt?: string;
  /** The due date counts public holidays predicted by rule (the year is not published yet): shown as an estimate. */
  dueProvisional?: boolean;
  updatedAt: string;
  /** An operator's request for evidence or reason for rejecting (operatorNoteOf), shown while it is what applies. */
  operatorNote?: OperatorNote;
  /** The request's personal data was redacted (docs/privacy.md): the page says so. */
  redacted?: boolean;
  /** The market's time zone the dates are shown in; default Asia/Shanghai. */
  timeZone?: string;
}

/** The operator's words apply while the customer is asked for evidence, or once the case closed rejected. */
function noteInForce(view: StatusView): OperatorNote | undefined {
  const note = view.operatorNote;
  if (note?.kind === 'evidence_request' && view.progress.next === 'send_photos') return note;
  if (note?.kind === 'rejection' && view.progress.outcome === 'rejected') return note;
  return undefined;
}

/** Dates in the market's zone (`StatusView.timeZone`, default Asia/Shanghai), in the customer's language. */
const when = (locale: PageLocale, iso: string, timeZone = DEFAULT_TIME_ZONE) =>
  new Intl.DateTimeFormat(locale, { timeZone, year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' }).format(new Date(iso));

/** A label from the middle of a notice's sentence, as a label: English and German start it with a capital. */
const asLabel = (locale: PageLocale, words: string) => (locale === 'zh-CN' ? words : words.charAt(0).toUpperCase() + words.slice(1));

/** The pause's reason in the words of the delay notice, or a general one for a reason it does not know. */
function pauseReason(locale: PageLocale, copy: StatusCopy, reason: string): string {
  const known = (copy.delay as Record<string, { sms: string } | undefined>)[reason]?.sms ?? copy.delay.beyond_our_control.sms;
  return asLabel(locale, known);
}

/** The notices' words the page repeats (the request's name, the reason for a pause), from the locale's copy. */
export type StatusCopy = Pick<Copy, 'request' | 'delay'>;

/**
 * The customer's status page: reference, request type, progress, the next step, the due time; while the case is on
 * hold, the reason and a form to keep waiting or cancel (`#choice`, the anchor the delay notice links to). Nothing
 * about the person: no name, contact or address.
 */
export function statusPage(locale: PageLocale, view: StatusView, opts: { action: string; done?: PauseChoice; problem?: ChoiceProblem }, copy: StatusCopy): string {
  const t = TEXT[locale];
  const { progress } = view;
  const request = copy.request[view.type];
  const steps = progress.steps.map(({ step, state }) => `<li class="${state}"${state === 'current' ? ' aria-current="step"' : ''}>${escapeHtml(t.steps[step])}</li>`).join('');
  const note = noteInForce(view);
  const next = note ? t.withNote[note.kind] : progress.next === 'none' ? (progress.outcome ? t.outcomes[progress.outcome] : '') : t.nextSteps[progress.next];
  // Escaped line by line, then joined with <br>: the operator's line breaks survive, their markup does not.
  const quoted = note ? `<p class="hint">${escapeHtml(t.noteBy)}</p><blockquote class="note">${clipNote(note.text).split('\n').map(escapeHtml).join('<br>')}</blockquote>` : '';
  const details = [
    [t.reference, view.caseId],
    [t.request, asLabel(locale, request)],
    ...(view.dueAt && progress.next !== 'none'
      ? [view.dueProvisional ? [t.dueEstimated, when(locale, view.dueAt, view.timeZone) + t.estimated] : [t.due, when(locale, view.dueAt, view.timeZone)]]
      : []),
    [t.updated, when(locale, view.updatedAt, view.timeZone)],
    ...(view.redacted ? [[t.personalData, t.redacted]] : []),
  ]
    .map(([term, value]) => `<dt>${escapeHtml(term!)}</dt><dd>${escapeHtml(value!)}</dd>`)
    .join('');
  const message = opts.problem
    ? `<p role="alert" class="error">${escapeHtml(t.problems[opts.problem])}</p>`
    : opts.done
      ? `<p role="status" class="box">${escapeHtml(t.done[opts.done])}</p>`
      : '';
  const hold = progress.pause
    ? `<section id="choice" aria-labelledby="choice-heading"><h2 id="choice-heading">${escapeHtml(t.onHold)}</h2>
<dl><dt>${escapeHtml(t.reason)}</dt><dd>${escapeHtml(pauseReason(locale, copy, progress.pause.reason))}</dd><dt>${escapeHtml(t.since)}</dt><dd>${escapeHtml(when(locale, progress.pause.since, view.timeZone))}</dd>${
        progress.pause.expectedResumeBy ? `<dt>${escapeHtml(t.expected)}</dt><dd>${escapeHtml(when(locale, progress.pause.expectedResumeBy, view.timeZone))}</dd>` : ''
      }</dl>${message}<p>${escapeHtml(t.question)}</p>
<form method="post" action="${escapeHtml(opts.action)}"><p><button type="submit" name="choice" value="wait">${escapeHtml(t.wait)}</button> <button type="submit" name="choice" value="cancel" class="secondary">${escapeHtml(t.cancel)}</button></p></form></section>`
    : message
      ? `<section id="choice">${message}</section>`
      : '';
  return page(
    locale,
    t.title,
    `<h1>${escapeHtml(t.title)}</h1><dl>${details}</dl>
<h2>${escapeHtml(t.next)}</h2><p class="box">${escapeHtml(next)}</p>${quoted}${hold}
<h2>${escapeHtml(t.progress)}</h2><ol class="progress">${steps}</ol>`,
  );
}

/** A link that shows nothing of any case: not valid, expired, or (signed, but) for no case we have. */
export const linkProblemPage = (locale: PageLocale, problem: LinkProblem) => page(locale, TEXT[locale].title, `<h1>${escapeHtml(TEXT[locale].links[problem])}</h1>`);
