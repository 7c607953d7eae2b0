import * as z from 'zod/mini';
import type { Channel } from '../domain/case.js';
import { noticeRefFrom, type NoticeRef } from '../domain/notice-ref.js';

/**
 * Delivery events from the two providers, as they arrive through the DeliveryEvents SNS topic: SES event publishing
 * records (configuration set event destination) and End User Messaging SMS event records. Only failures matter here;
 * successes and progress events are ignored. Unknown fields are allowed: the providers add fields over time.
 */
export interface DeliveryFailure {
  channel: Channel;
  providerMessageId: string;
  /** A short code for the case and the notice: `bounce:Permanent/General`, `complaint`, `sms:TEXT_BLOCKED`... */
  reason: string;
  /** The address itself is bad (hard bounce, complaint, blocked or invalid number): stop sending to it. */
  permanent: boolean;
  /** The addresses concerned, to suppress when permanent. Never stored or logged in clear. */
  addresses: string[];
  /**
   * The notice, as the message's tags (SES `mail.tags`) or context (SMS `context`) name it; absent for a message sent
   * before notices carried it, which is found by its provider message id instead.
   */
  notice?: NoticeRef;
}

const recipients = z.optional(z.array(z.looseObject({ emailAddress: z.string() })));
const sesEvent = z.looseObject({
  eventType: z.string(),
  mail: z.looseObject({ messageId: z.string(), destination: z.optional(z.array(z.string())), tags: z.optional(z.unknown()) }),
  bounce: z.optional(z.looseObject({ bounceType: z.string(), bounceSubType: z.optional(z.string()), bouncedRecipients: recipients })),
  complaint: z.optional(z.looseObject({ complainedRecipients: recipients, complaintFeedbackType: z.optional(z.string()) })),
  reject: z.optional(z.looseObject({ reason: z.optional(z.string()) })),
});
const smsEvent = z.looseObject({
  eventType: z.string().check(z.startsWith('TEXT_')),
  messageId: z.string(),
  destinationPhoneNumber: z.optional(z.string()),
  messageStatus: z.optional(z.string()),
  context: z.optional(z.unknown()),
});

/**
 * SMS outcomes that mean the number itself will not take messages. An opted-out number is not among them: End User
 * Messaging sends no event for it (its event types list has none) but refuses SendTextMessage at once with
 * ConflictException DESTINATION_PHONE_NUMBER_OPTED_OUT, handled where the notice is sent (use-cases/send-notice.ts).
 */
const SMS_PERMANENT = new Set(['TEXT_BLOCKED', 'TEXT_INVALID']);
/** SMS outcomes that failed this message only (network, device off, content); the number stays usable. */
const SMS_TRANSIENT = new Set([
  'TEXT_CARRIER_UNREACHABLE',
  'TEXT_UNREACHABLE',
  'TEXT_TTL_EXPIRED',
  'TEXT_UNKNOWN',
  'TEXT_SPAM',
  'TEXT_CARRIER_BLOCKED',
  'TEXT_INVALID_MESSAGE',
  'TEXT_PROTECT_BLOCKED',
]);
/** The SMS event types the stack subscribes to. */
export const SMS_FAILURE_EVENTS = [...SMS_PERMANENT, ...SMS_TRANSIENT];

/** The failure an SNS message reports, or undefined for anything else (successes, other events, foreign JSON). */
export function parseDeliveryEvent(snsMessage: string): DeliveryFailure | undefined {
  let json: unknown;
  try {
    json = JSON.parse(snsMessage);
  } catch {
    return undefined;
  }
  const ses = sesEvent.safeParse(json);
  if (ses.success) return sesFailure(ses.data);
  const sms = smsEvent.safeParse(json);
  if (sms.success) {
    const { eventType, messageId, destinationPhoneNumber, context } = sms.data;
    const permanent = SMS_PERMANENT.has(eventType);
    if (!permanent && !SMS_TRANSIENT.has(eventType)) return undefined;
    const notice = noticeRefFrom(
      stringMap(context, (v) => v),
      'sms',
    );
    return {
      channel: 'sms',
      providerMessageId: messageId,
      reason: `sms:${eventType}`,
      permanent,
      addresses: destinationPhoneNumber ? [destinationPhoneNumber] : [],
      ...(notice ? { notice } : {}),
    };
  }
  return undefined;
}

function sesFailure(event: z.infer<typeof sesEvent>): DeliveryFailure | undefined {
  // A tag's values come as a list (one value per name for the tags SendEmail sets).
  const notice = noticeRefFrom(
    stringMap(event.mail.tags, (v) => (Array.isArray(v) && v.length === 1 ? v[0] : undefined)),
    'email',
  );
  const base = { channel: 'email' as const, providerMessageId: event.mail.messageId, ...(notice ? { notice } : {}) };
  switch (event.eventType) {
    case 'Bounce': {
      const bounce = event.bounce;
      if (!bounce) return undefined;
      // Transient bounces come only after SES gave up retrying: this message is lost, the address may still work.
      const permanent = bounce.bounceType === 'Permanent';
      const addresses = bounce.bouncedRecipients?.map((r) => r.emailAddress) ?? event.mail.destination ?? [];
      return { ...base, reason: `bounce:${bounce.bounceType}${bounce.bounceSubType ? `/${bounce.bounceSubType}` : ''}`, permanent, addresses };
    }
    case 'Complaint': {
      // complaintFeedbackType is the ISP's Feedback-Type (RFC 5965 / IANA MARF registry). "not-spam" (RFC 6430) says the
      // recipient does NOT consider the message spam (e.g. moved it out of the junk folder): no failure, nothing to
      // suppress. Every other type (abuse, fraud, virus, auth-failure, other) or none at all suppresses the address.
      const feedbackType = event.complaint?.complaintFeedbackType?.trim().toLowerCase();
      if (feedbackType === 'not-spam') return undefined;
      const addresses = event.complaint?.complainedRecipients?.map((r) => r.emailAddress) ?? event.mail.destination ?? [];
      return { ...base, reason: 'complaint', permanent: true, addresses };
    }
    case 'Reject':
      return { ...base, reason: 'reject', permanent: false, addresses: [] };
    case 'Rendering Failure':
      return { ...base, reason: 'rendering_failure', permanent: false, addresses: [] };
    default:
      return undefined;
  }
}

/** Tags or context as plain strings; anything malformed reads as absent (the event is still handled, by message id). */
function stringMap(raw: unknown, valueOf: (value: unknown) => unknown): Record<string, string | undefined> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return {};
  return Object.fromEntries(Object.entries(raw).map(([name, value]) => [name, typeof valueOf(value) === 'string' ? (valueOf(value) as string) : undefined]));
}
