import type { Channel } from './case.js';

/**
 * Which notice a provider message is: the case, the slot (`milestone` or `milestone#r<round>`) and the channel. The
 * notifier sends it with the message (SES `EmailTags`, End User Messaging SMS `Context`) and the provider returns it
 * in the message's delivery events (`mail.tags`, `context`), so an event leads to its notice without a lookup item.
 * Ids only, never personal data: providers keep tags and context in their own logs and event streams.
 */
export interface NoticeRef {
  caseId: string;
  slot: string;
  channel: Channel;
}

/** The names under which a message carries its notice (SES tag names: ASCII letters, digits, `_` and `-`). */
export const NOTICE_REF_KEYS = { caseId: 'aftersales-case', slot: 'aftersales-notice', channel: 'aftersales-channel' } as const;

/**
 * SES's rule for a message tag's name and value (SESv2 API reference, MessageTag): only ASCII letters, numbers,
 * underscores and dashes, at most 256 characters. End User Messaging's Context takes any string; one encoding serves both.
 */
export const SES_TAG_VALUE = /^[A-Za-z0-9_-]{1,256}$/;

// A slot is a milestone name (lower case and `_`) with an optional round: `#` is not a tag character, `-` stands for it.
const SLOT = /^([a-z_]+)(?:#r(\d+))?$/;
const SLOT_TAG = /^([a-z_]+)(?:-r(\d+))?$/;

/**
 * The key/value pairs a message carries. Case ids (`AS-` and Crockford base32, domain/case-id.ts) are tag-safe as they
 * are; throws for a slot or case id this encoding cannot carry (a bug, not input).
 */
export function noticeRefTags(ref: NoticeRef): Record<string, string> {
  const slot = SLOT.exec(ref.slot);
  if (!slot || !SES_TAG_VALUE.test(ref.caseId)) throw new Error(`notice ${ref.slot} of ${ref.caseId} cannot be carried in message tags`);
  return {
    [NOTICE_REF_KEYS.caseId]: ref.caseId,
    [NOTICE_REF_KEYS.slot]: slot[2] ? `${slot[1]}-r${slot[2]}` : slot[1]!,
    [NOTICE_REF_KEYS.channel]: ref.channel,
  };
}

/**
 * The notice an event's tags or context name, or undefined when they name none (a message sent before notices carried
 * their reference, or someone else's) or something malformed. `channel` is the provider's: an event of the SMS provider
 * never names an email notice.
 */
export function noticeRefFrom(tags: Record<string, string | undefined>, channel: Channel): NoticeRef | undefined {
  const caseId = tags[NOTICE_REF_KEYS.caseId];
  const slot = SLOT_TAG.exec(tags[NOTICE_REF_KEYS.slot] ?? '');
  if (!caseId || !SES_TAG_VALUE.test(caseId) || !slot || tags[NOTICE_REF_KEYS.channel] !== channel) return undefined;
  return { caseId, slot: slot[2] ? `${slot[1]}#r${slot[2]}` : slot[1]!, channel };
}
