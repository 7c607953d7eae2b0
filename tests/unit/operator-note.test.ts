import { describe, expect, it } from 'vitest';
import type { CaseRecord } from '../../functions/domain/case-record.js';
import { cnCalendar } from '../../functions/domain/cn-calendar.js';
import type { Locale } from '../../functions/domain/case.js';
import { checkNoticeData, NoticeDataError, type NoticeData } from '../../functions/domain/notices.js';
import { COPY, renderCaseNotice } from '../../functions/domain/notices/all-copies.js';
import { SMS_BUDGET } from '../../functions/domain/notices/layout.js';
import { cleanNote, clipNote, isCustomerWords, NOTE_LIMIT, operatorNoteOf, smsNote } from '../../functions/domain/notices/operator-note.js';
import { noticeSamples, operatorNoteVariants } from '../../functions/domain/notices/samples.js';
import { smsEncoding, smsUnits } from '../../functions/domain/sms-segments.js';
import { cnPolicy } from '../../functions/policies/cn.js';
import { noticeDataFor } from '../../functions/use-cases/notice-data.js';
import { caseFacts, NOW } from './fixtures.js';

const LOCALES: Locale[] = ['zh-CN', 'en', 'de'];
const codePoints = (s: string) => Array.from(s).length;
/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const FAMILY = '👨‍👩‍👧'; // five code points, one character

describe('clipNote: at most NOTE_LIMIT code points, cut between whole characters', () => {
  it('a note within the limit is kept whole', () => {
    const note = 'x'.repeat(NOTE_LIMIT);
    expect(clipNote(note)).toBe(note);
  });

  it('a longer note is cut to the limit, ending in an ellipsis', () => {
    const clipped = clipNote('y'.repeat(NOTE_LIMIT + 1));
    expect(codePoints(clipped)).toBe(NOTE_LIMIT);
    expect(clipped).toBe(`${'y'.repeat(NOTE_LIMIT - 1)}…`);
  });

  it('counts emoji as one code point each and never cuts a surrogate pair', () => {
    const clipped = clipNote('😀'.repeat(600));
    expect(codePoints(clipped)).toBe(NOTE_LIMIT);
    expect(clipped).not.toMatch(LONE_SURROGATE);
    expect(clipped.endsWith('😀…')).toBe(true);
    // At an odd UTF-16 offset as well: one BMP character first.
    const odd = clipNote(`a${'😀'.repeat(600)}`);
    expect(odd).not.toMatch(LONE_SURROGATE);
    expect(codePoints(odd)).toBe(NOTE_LIMIT);
  });

  it('never splits an emoji sequence: a family that does not fit is left out whole', () => {
    const clipped = clipNote(`${'a'.repeat(NOTE_LIMIT - 3)}${FAMILY}${'b'.repeat(10)}`);
    expect(clipped).toBe(`${'a'.repeat(NOTE_LIMIT - 3)}…`);
  });
});

describe('cleanNote', () => {
  it('drops control, zero-width and bidi-override characters, keeps line breaks, at most one blank line', () => {
    expect(cleanNote('Refund \u202eevil\u202c\u0007 ok\u200b')).toBe('Refund evil ok');
    expect(cleanNote('  one\r\n\r\n\r\n\r\ntwo  \n\tthree ')).toBe('one\n\ntwo\nthree');
  });

  it('words are words; blank or code-shaped reasons are not words for a customer', () => {
    expect(isCustomerWords('Bought 40 days ago.')).toBe(true);
    expect(isCustomerWords('请补拍序列号照片')).toBe(true);
    // One hyphenated or capitalised word is still words.
    for (const words of ['Out-of-warranty', 'out-of-warranty', 'Damaged.', 'e.g. the label']) expect(isCustomerWords(words), words).toBe(true);
    for (const code of ['manual_rejected', 'quality.warranty', 'manual.operator_review', '', '   ', '\u200b\u202e']) expect(isCustomerWords(code), code).toBe(false);
  });
});

describe('smsNote: an excerpt on one line within the SMS room', () => {
  it('GSM-7: typography made plain, emoji dropped, cut with "..." within the room', () => {
    expect(smsNote('It’s “fine” 👍🏽\nthanks', 100, 'GSM-7')).toBe('It\'s "fine" thanks');
    const cut = smsNote('word '.repeat(40), 30, 'GSM-7')!;
    expect(cut.endsWith('...')).toBe(true);
    expect(smsUnits(cut, 'GSM-7')).toBeLessThanOrEqual(30);
    expect(smsEncoding(cut)).toBe('GSM-7');
  });

  it('GSM-7: a note GSM-7 cannot carry is not quoted (the SMS points to the link instead)', () => {
    expect(smsNote('请补拍序列号照片', 100, 'GSM-7')).toBeUndefined();
  });

  it('UCS-2: emoji count two units, are kept, and are never cut in half', () => {
    const cut = smsNote('好😀'.repeat(30), 21, 'UCS-2')!;
    expect(cut).not.toMatch(LONE_SURROGATE);
    expect(cut.endsWith('…')).toBe(true);
    expect(cut.length).toBeLessThanOrEqual(21);
    // 20 units before the ellipsis: six pairs (18) and one 好 (19); the next emoji needs two and is left out whole.
    expect(cut).toBe(`${'好😀'.repeat(6)}好…`);
  });

  it('too little room: nothing quoted', () => {
    expect(smsNote('Please send a photo of the label', 5, 'GSM-7')).toBeUndefined();
  });
});

describe('templates quote the operator’s words', () => {
  const WORDS = {
    en: {
      note: 'Your photos show <liquid> & "water" damage.',
      escaped: 'Your photos show &lt;liquid&gt; &amp; &quot;water&quot; damage.',
      by: 'Our team’s note:',
      smsQuote: 'Our team\'s note: "Your photos show <liquid>',
      day: 'Fri, Nov 13, 2026',
      shortDay: 'Nov 13',
      serial: ['Please send a clear photo of the serial number.', '"Please send a clear photo of the ser'],
      encoding: 'GSM-7',
    },
    'zh-CN': {
      note: '照片显示<进液>&“水渍”损坏。',
      escaped: '照片显示&lt;进液&gt;&amp;“水渍”损坏。',
      by: '售后专员的说明：',
      smsQuote: '专员说明：“照片显示<进液>',
      day: '2026年11月13日',
      shortDay: '11月13日',
      serial: ['请补拍键盘底部序列号的清晰照片。', '“请补拍键盘底部序列号的清晰照片。”'],
      encoding: 'UCS-2',
    },
    de: {
      note: 'Ihre Fotos zeigen <Flüssigkeits>- & "Wasser"-Schäden.',
      escaped: 'Ihre Fotos zeigen &lt;Flüssigkeits&gt;- &amp; &quot;Wasser&quot;-Schäden.',
      by: 'Hinweis unseres Serviceteams:',
      smsQuote: 'Hinweis unseres Teams: "Ihre Fotos zeigen <Flüssigkeits>',
      day: 'Freitag, 13. November 2026',
      shortDay: '13.11.',
      serial: ['Bitte schicken Sie ein gut lesbares Foto der Seriennummer.', '"Bitte schicken Sie ein gut lesbares Foto der Seriennummer."'],
      encoding: 'GSM-7',
    },
  } as const;
  const note = (locale: Locale) => WORDS[locale].note;
  const escaped = (locale: Locale) => WORDS[locale].escaped;

  it.each(LOCALES)('rejection (%s): the note, escaped in HTML, in place of the policy words; never the code', (locale) => {
    const data: NoticeData = { ...noticeSamples(locale).rejected, reasonCode: 'manual_rejected', operatorNote: note(locale) };
    const n = renderCaseNotice(data, { locale });
    expect(n.html).toContain(escaped(locale));
    expect(n.html).not.toContain('<liquid>');
    expect(n.text).toContain(note(locale));
    expect(n.text).toContain(WORDS[locale].by);
    expect(n.text + n.html + n.sms).not.toContain(COPY[locale].rejection.manual_rejected.sms);
    expect(n.text + n.html + n.sms).not.toContain('manual_rejected');
    expect(n.sms).toContain(WORDS[locale].smsQuote);
  });

  it.each(LOCALES)('a policy rejection (%s) keeps its plain-words reason and quotes nothing', (locale) => {
    const n = renderCaseNotice(noticeSamples(locale).rejected, { locale });
    expect(n.text).toContain(COPY[locale].rejection.category_excluded.text);
    expect(n.text).not.toContain(WORDS[locale].by);
    expect(n.html).not.toContain('<blockquote');
  });

  it.each(LOCALES)('evidence request (%s): the note replaces the list by case type; the deadline and upload link stay', (locale) => {
    const s = noticeSamples(locale).evidence_needed;
    const n = renderCaseNotice({ ...s, operatorNote: note(locale) }, { locale });
    expect(n.html).toContain(escaped(locale));
    expect(n.text).toContain(note(locale));
    expect(n.text).not.toContain(COPY[locale].evidence.damage_photo.text);
    expect(n.text).toContain(s.uploadUrl);
    expect(n.text).toContain(WORDS[locale].day);
    expect(n.sms).toContain(WORDS[locale].shortDay);
  });

  it.each(LOCALES)('a long note (%s): the email shows its first 499 code points and an ellipsis; the SMS stays within budget', (locale) => {
    const long = `${'字'.repeat(300)}${'😀'.repeat(300)}`;
    const n = renderCaseNotice({ ...noticeSamples(locale).rejected, reasonCode: 'manual_rejected', operatorNote: long }, { locale });
    const shown = `${'字'.repeat(300)}${'😀'.repeat(NOTE_LIMIT - 301)}…`;
    expect(n.text).toContain(shown);
    expect(n.html).toContain(shown);
    expect(n.text).not.toContain('😀'.repeat(NOTE_LIMIT - 300));
    expect(n.html + n.text + n.sms).not.toMatch(LONE_SURROGATE);
    expect(smsUnits(n.sms, SMS_BUDGET[locale].encoding)).toBeLessThanOrEqual(SMS_BUDGET[locale].units);
  });

  it.each(LOCALES)('with a real signed status link (about 125 characters) the SMS (%s) still quotes the start of the note', (locale) => {
    const statusUrl = `https://aftersales.example.com/cases/AS-6T7Y94954VZ2/status?token=1804176316.${'x'.repeat(43)}`;
    const note = WORDS[locale].serial[0];
    const n = renderCaseNotice({ ...noticeSamples(locale).evidence_needed, statusUrl, operatorNote: note }, { locale });
    expect(n.sms).toContain(WORDS[locale].serial[1]);
    expect(n.sms).toContain(statusUrl);
  });

  it('line breaks survive as <br> in the HTML and as lines in the text', () => {
    const n = renderCaseNotice({ ...noticeSamples('en').evidence_needed, operatorNote: 'First: the box\nSecond: <the label>' }, { locale: 'en' });
    expect(n.html).toContain('First: the box<br>Second: &lt;the label&gt;');
    expect(n.text).toContain('  First: the box\n  Second: <the label>');
  });

  it.each(LOCALES)('every hostile sample (%s) renders escaped, without scripts, within the SMS budget', (locale) => {
    for (const { label, data } of operatorNoteVariants(locale)) {
      const n = renderCaseNotice(data, { locale });
      expect(n.html, label).not.toMatch(/<script|<img|<b>|\u202e|\u0007/);
      expect(n.html + n.text + n.sms, label).not.toMatch(LONE_SURROGATE);
      expect(smsUnits(n.sms, SMS_BUDGET[locale].encoding), label).toBeLessThanOrEqual(SMS_BUDGET[locale].units);
      expect(smsEncoding(n.sms), label).toBe(WORDS[locale].encoding);
    }
  });

  it('the checker refuses a note that is an internal code or blank, naming the field', () => {
    const rejected = { ...noticeSamples('en').rejected, reasonCode: 'manual_rejected' as const };
    expect(() => checkNoticeData({ ...rejected, operatorNote: 'manual_rejected' })).toThrow(NoticeDataError);
    expect(() => checkNoticeData({ ...rejected, operatorNote: 'manual_rejected' })).toThrow('rejected notice has an invalid operatorNote');
    expect(() => checkNoticeData({ ...noticeSamples('en').evidence_needed, operatorNote: '\u200b\u202e' })).toThrow('evidence_needed notice has an invalid operatorNote');
    expect(() => checkNoticeData({ ...rejected, operatorNote: 42 })).toThrow('rejected notice has an invalid operatorNote');
  });
});

describe('whose words: operatorNoteOf and the notice data built from the case record', () => {
  const at = NOW.toISOString();
  const record = (overrides: Partial<CaseRecord>): CaseRecord =>
    ({ ...caseFacts(), status: 'awaiting_evidence', locale: 'en', version: 1, updatedAt: at, ...overrides }) as CaseRecord;
  const operatorReject = {
    outcome: 'rejected' as const,
    operatorDecision: { decision: 'reject', reason: 'Bought 40 days ago.', operator: 'jane', at },
    decision: { decision: 'reject', rule: 'operator', reasonCode: 'manual_rejected', at, by: 'jane', reason: 'Bought 40 days ago.' },
  };
  const operatorAsk = {
    reviewMode: 'manual' as const,
    operatorDecision: { decision: 'request_evidence', reason: 'A photo of the serial number, please.', operator: 'jane', at },
    decision: { decision: 'needs_evidence', rule: 'operator', at, by: 'jane', reason: 'A photo of the serial number, please.' },
  };
  const data = (r: CaseRecord, milestone: 'decided' | 'evidence_needed') =>
    noticeDataFor(
      { milestone, ...(milestone === 'evidence_needed' ? { dueInSeconds: 86_400 } : {}) },
      {
        record: r,
        customerName: 'Li Wei',
        locale: 'en',
        policy: cnPolicy,
        calendar: cnCalendar,
        at: NOW,
        links: { status: 'https://a.example/s', evidenceUpload: 'https://a.example/e', remedyChoice: () => 'https://a.example/c' },
      },
    );

  it('an operator’s rejection quotes its reason; an operator’s evidence request its request', () => {
    expect(operatorNoteOf(record(operatorReject))).toEqual({ kind: 'rejection', text: 'Bought 40 days ago.' });
    expect(data(record(operatorReject), 'decided')).toMatchObject({ milestone: 'rejected', reasonCode: 'manual_rejected', operatorNote: 'Bought 40 days ago.' });
    expect(operatorNoteOf(record(operatorAsk))).toEqual({ kind: 'evidence_request', text: 'A photo of the serial number, please.' });
    expect(data(record(operatorAsk), 'evidence_needed')).toMatchObject({ milestone: 'evidence_needed', operatorNote: 'A photo of the serial number, please.' });
  });

  it('a policy decision, an approval, a dispute or a code-shaped reason quotes nothing', () => {
    const policyReject = record({ outcome: 'rejected', decision: { decision: 'reject', rule: 'return.no_reason_window', reasonCode: 'window_expired', at } });
    expect(operatorNoteOf(policyReject)).toBeUndefined();
    expect(data(policyReject, 'decided')).not.toHaveProperty('operatorNote');
    // An earlier operator request does not follow a later policy evidence request (rule is the policy's).
    const policyAsk = record({ ...operatorAsk, decision: { decision: 'needs_evidence', rule: 'damaged.photo_required', at } });
    expect(data(policyAsk, 'evidence_needed')).not.toHaveProperty('operatorNote');
    // The request's words do not turn up in a rejection, nor a rejection's in an evidence request.
    expect(
      data(record({ ...operatorAsk, outcome: 'rejected', decision: { decision: 'reject', rule: 'operator', reasonCode: 'manual_rejected', at } }), 'decided'),
    ).not.toHaveProperty('operatorNote');
    expect(data(record({ ...operatorReject, decision: { ...operatorReject.decision, decision: 'needs_evidence' } }), 'evidence_needed')).not.toHaveProperty('operatorNote');
    const approved = record({ operatorDecision: { decision: 'approve', reason: 'Looks fine.', operator: 'jane', at }, decision: { decision: 'approve', rule: 'operator', at } });
    expect(operatorNoteOf(approved)).toBeUndefined();
    // A dispute reopens the rejection for a new review: the old reason no longer applies.
    expect(operatorNoteOf(record({ ...operatorReject, decision: { ...operatorReject.decision, reasonCode: 'dispute' } }))).toBeUndefined();
    const coded = record({ ...operatorReject, operatorDecision: { ...operatorReject.operatorDecision, reason: 'manual_rejected' } });
    expect(operatorNoteOf(coded)).toBeUndefined();
    expect(data(coded, 'decided')).toMatchObject({ milestone: 'rejected', reasonCode: 'manual_rejected' });
    expect(data(coded, 'decided')).not.toHaveProperty('operatorNote');
  });
});
