import { smsEncoding, smsUnits, type SmsEncoding } from '../sms-segments.js';
import { plainSms } from './format.js';

/**
 * An operator's own words to the customer: what they ask for when they request evidence, or why they reject. The
 * text is the decision's `reason`, typed by a person, so it is treated as untrusted: control and bidirectional-override
 * characters are dropped, it is cut to a length (counted in code points, cut between whole characters, never inside a
 * surrogate pair or an emoji sequence, an ellipsis marking the cut), and every channel escapes it (the email layout
 * and the status page escape HTML; the SMS gets one line).
 */

/** Code points of an operator's note an email or the status page shows; longer notes end in "…". */
export const NOTE_LIMIT = 500;

/** What the note is: an evidence request or a rejection's reason (picks the wording around it). */
export type NoteKind = 'evidence_request' | 'rejection';

export interface OperatorNote {
  kind: NoteKind;
  text: string;
}

// C0/C1 controls except tab and newline, bidi embeddings/overrides/isolates, and other invisible format characters
// that could make the text read differently from what the operator typed.
const INVISIBLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ufff9-\ufffb]/g;

/** The note as it may be shown: no invisible characters, Unix line breaks, at most one blank line, trimmed. */
export function cleanNote(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(INVISIBLE, '')
    .replace(/\t/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/**
 * A stored reason that is not words for a customer: empty, or shaped like an internal code (`manual_rejected`,
 * `quality.warranty`). Such a reason never reaches the customer; the notice keeps its plain-words reason instead.
 */
export function isCustomerWords(text: string): boolean {
  const clean = cleanNote(text);
  return clean !== '' && !/^[a-z][a-z0-9]*(?:[._:][a-z0-9]+)+$/.test(clean);
}

// Grapheme clusters (what a reader sees as one character) do not depend on the locale. Made on first use: building a
// Segmenter loads ICU's break rules (10-20 ms of a cold start in the four functions that import this module), and only
// a note that is too long is cut (docs/performance.md, "Import time at cold start").
let segmenter: Intl.Segmenter | undefined;
const graphemes = (text: string): string[] => Array.from((segmenter ??= new Intl.Segmenter('en', { granularity: 'grapheme' })).segment(text), (s) => s.segment);
const codePoints = (text: string) => Array.from(text).length;

/** At most `limit` code points, cut between whole characters (grapheme clusters), ending in "…" when cut. */
export function clipNote(text: string, limit: number = NOTE_LIMIT): string {
  const clean = cleanNote(text);
  if (codePoints(clean) <= limit) return clean;
  return `${fitUnits(clean, limit - 1, codePoints).trimEnd()}…`;
}

/** The longest run of whole characters from the start whose size (by `size`) is at most `budget`. */
function fitUnits(text: string, budget: number, size: (s: string) => number): string {
  let out = '';
  let used = 0;
  for (const g of graphemes(text)) {
    const n = size(g);
    if (used + n > budget) break;
    out += g;
    used += n;
  }
  return out;
}

/** Emoji, flags and the joiners and selectors that build them: they carry no instruction and would cost an English SMS its GSM-7. */
const PICTOGRAPHS = /[\p{Extended_Pictographic}\u{1f1e6}-\u{1f1ff}\u{1f3fb}-\u{1f3ff}\u200d\ufe0e\ufe0f\u20e3]/gu;

/**
 * The note on one line for an SMS, at most `room` units of `encoding` (GSM-7 septets, or UTF-16 code units for
 * UCS-2), "..." (GSM-7) or "…" marking a cut. Undefined when it cannot be quoted: an English SMS must stay GSM-7 (one
 * segment), so a note with characters GSM-7 lacks is not quoted there, nor is any note when less than a few words
 * would fit. The email and the status page always carry the whole note.
 */
export function smsNote(text: string, room: number, encoding: SmsEncoding): string | undefined {
  const gsm = encoding === 'GSM-7';
  const line = cleanNote(gsm ? plainSms(text.replace(PICTOGRAPHS, '')) : text)
    .replace(/\s+/g, ' ')
    .trim();
  if (line === '' || (gsm && smsEncoding(line) !== 'GSM-7')) return undefined;
  const size = (s: string) => smsUnits(s, encoding);
  if (size(line) <= room) return line;
  const ellipsis = gsm ? '...' : '…';
  const cut = fitUnits(line, room - size(ellipsis), size).trimEnd();
  return codePoints(cut) >= MIN_SMS_QUOTE ? `${cut}${ellipsis}` : undefined;
}

/** Fewer characters than this are not worth quoting: the SMS points to the email and the status page instead. */
const MIN_SMS_QUOTE = 8;

/** The decision facts of a case record that say whose words the customer reads. */
export interface DecisionFacts {
  decision?: { decision: string; rule: string; reasonCode?: string };
  operatorDecision?: { decision: string; reason: string };
}

/**
 * The operator's words the customer should read, when the case's current decision is an operator's request for
 * evidence or rejection (`decision.rule` is `operator`, recorded with it); undefined for a policy's decision, an
 * approval, a rejection reopened by a dispute, or a reason that is not words for a customer. One rule for the notice
 * and the status page, read from the case record: the text never travels through the workflow.
 */
export function operatorNoteOf(facts: DecisionFacts): OperatorNote | undefined {
  const { decision, operatorDecision: op } = facts;
  if (!decision || !op || decision.rule !== 'operator' || !isCustomerWords(op.reason)) return undefined;
  if (op.decision === 'request_evidence' && decision.decision === 'needs_evidence') return { kind: 'evidence_request', text: cleanNote(op.reason) };
  if (op.decision === 'reject' && decision.decision === 'reject' && decision.reasonCode !== 'dispute') return { kind: 'rejection', text: cleanNote(op.reason) };
  return undefined;
}
