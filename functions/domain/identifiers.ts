/**
 * What a string from outside may contain before it is stored, logged, put in a workflow input, an email or an SMS.
 *
 * Identifiers (request, order, customer, SKU, tracking, instruction ids; carrier codes; short labels) are one line of
 * visible text: no control characters (Unicode Cc: C0, DEL, C1 — line breaks included) and no unpaired UTF-16
 * surrogate. A lone surrogate cannot be encoded as UTF-8: SES, SMS and any strict JSON encoder refuse the message that
 * carries it, so a requestId with one would make every notice of its case fail.
 *
 * Free text (a description, a name, a reason) may keep line breaks and tabs, but no other control character and no
 * unpaired surrogate. The patterns are Unicode-mode regular expressions (the JSON Schema exports them as `pattern`).
 */
export const IDENTIFIER_PATTERN = /^[^\p{Cc}\p{Cs}]*$/u;
export const FREE_TEXT_PATTERN = /^(?:[\t\n\r]|[^\p{Cc}\p{Cs}])*$/u;

export const IDENTIFIER_RULE = 'no control characters or unpaired UTF-16 surrogates';
export const FREE_TEXT_RULE = 'no control characters other than line breaks and tabs, and no unpaired UTF-16 surrogates';
