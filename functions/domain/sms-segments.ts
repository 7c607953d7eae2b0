// SMS segment counting: carriers bill per segment, and a single Chinese character switches the whole message from
// GSM-7 to UCS-2. Used to keep notice templates within budget and by the local SMS emulator to show the cost.

// GSM 03.38 default alphabet (one septet each) and its extension table (escape + char = two septets).
const GSM7_BASIC = new Set('@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà');
const GSM7_EXTENSION = new Set('\f^{}\\[~]|€');

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export function smsEncoding(body: string): SmsEncoding {
  for (const ch of body) if (!GSM7_BASIC.has(ch) && !GSM7_EXTENSION.has(ch)) return 'UCS-2';
  return 'GSM-7';
}

/** Sizes of the indivisible units of the body: septets per GSM char, UTF-16 code units per code point. */
function unitSizes(body: string, encoding: SmsEncoding): number[] {
  return Array.from(body, (ch) => (encoding === 'GSM-7' ? (GSM7_EXTENSION.has(ch) ? 2 : 1) : ch.length));
}

/** Size of `body` in `encoding`: GSM-7 septets (an extension character takes two), or UTF-16 code units for UCS-2. */
export function smsUnits(body: string, encoding: SmsEncoding = smsEncoding(body)): number {
  return unitSizes(body, encoding).reduce((a, b) => a + b, 0);
}

/**
 * Number of SMS segments: GSM-7 fits 160 septets in one message, 153 per part once concatenated
 * (the UDH takes the rest); UCS-2 fits 70 code units, 67 per part. Escape pairs and surrogate pairs
 * are never split across parts, as real encoders do. An empty body is 0 segments.
 */
export function smsSegments(body: string): number {
  const encoding = smsEncoding(body);
  const [single, multi] = encoding === 'GSM-7' ? [160, 153] : [70, 67];
  const sizes = unitSizes(body, encoding);
  const total = sizes.reduce((a, b) => a + b, 0);
  if (total === 0) return 0;
  if (total <= single) return 1;
  let segments = 1;
  let used = 0;
  for (const size of sizes) {
    if (used + size > multi) {
      segments++;
      used = 0;
    }
    used += size;
  }
  return segments;
}
