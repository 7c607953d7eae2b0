/** Customer notices: typed data per milestone, checked at run time, rendered as email (HTML and text) and SMS. */
export * from './types.js';
export { checkNoticeData, NoticeDataError } from './check.js';
export { dateFormats, formatMoney, plainSms, type DateFormats } from './format.js';
export { escapeHtml } from './layout.js';
export { renderWithCopy } from './render.js';
export { loadCopy, renderNotice } from './copies.js';
export { clipNote, NOTE_LIMIT, operatorNoteOf, type OperatorNote } from './operator-note.js';
