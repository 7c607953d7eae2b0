import { SendEmailCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import { SendTextMessageCommand, type PinpointSMSVoiceV2Client } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import type { Channel } from '../domain/case.js';
import { noticeRefTags, type NoticeRef } from '../domain/notice-ref.js';

export interface EmailMessage {
  to: string;
  subject: string;
  html: string;
  text: string;
}

/** `ref` names the notice in the message itself, so its delivery events lead back to it (domain/notice-ref.ts). */
export interface NoticeSenders {
  email(message: EmailMessage, ref: NoticeRef): Promise<string | undefined>;
  sms(to: string, body: string, ref: NoticeRef): Promise<string | undefined>;
}

/**
 * The provider refused the address itself, synchronously, before sending: retrying cannot help, the address is to be
 * suppressed and the customer reached on the other channel. End User Messaging answers SendTextMessage to a number on
 * the opt-out list with ConflictException, Reason DESTINATION_PHONE_NUMBER_OPTED_OUT (pinpoint-sms-voice-v2 API
 * reference, ConflictException; fixture in tests/handlers/notifier-opt-out.test.ts).
 */
export class AddressRefusedError extends Error {
  override readonly name = 'AddressRefusedError';
  constructor(
    readonly channel: Channel,
    readonly reason: 'opted_out',
  ) {
    super(`the ${channel} provider refused the recipient: ${reason}`);
  }
}

/**
 * Bounds on one provider call (SES, End User Messaging): the SDK's node HTTP handler gives up on a request that has
 * not answered within `requestTimeoutMs` (throwOnRequestTimeout: an error, not only a warning) or not connected within
 * `connectionTimeoutMs`, and the SDK tries at most `maxAttempts` times. Without them a hung call runs until the Lambda
 * times out.
 */
export const PROVIDER_CALL_LIMITS = { requestTimeoutMs: 4_000, connectionTimeoutMs: 1_000, maxAttempts: 2 } as const;

/** The longest one send can take under PROVIDER_CALL_LIMITS: every attempt timing out, plus the SDK's backoff between them. */
export const PROVIDER_SEND_MAX_MS = PROVIDER_CALL_LIMITS.maxAttempts * (PROVIDER_CALL_LIMITS.requestTimeoutMs + PROVIDER_CALL_LIMITS.connectionTimeoutMs) + 1_000;

/** The client configuration (SESv2Client, PinpointSMSVoiceV2Client) that applies PROVIDER_CALL_LIMITS. */
export function providerClientConfig() {
  const { requestTimeoutMs, connectionTimeoutMs, maxAttempts } = PROVIDER_CALL_LIMITS;
  return { maxAttempts, requestHandler: { requestTimeout: requestTimeoutMs, connectionTimeout: connectionTimeoutMs, throwOnRequestTimeout: true } };
}

/** SES (v2 API) for email, AWS End User Messaging SMS for text messages. */
export class AwsNoticeSenders implements NoticeSenders {
  constructor(
    private readonly ses: SESv2Client,
    private readonly sms_: PinpointSMSVoiceV2Client,
    private readonly settings: { fromEmail: string; configurationSet?: string; smsOriginationIdentity?: string; smsConfigurationSet?: string },
  ) {}

  async email(message: EmailMessage, ref: NoticeRef): Promise<string | undefined> {
    const out = await this.ses.send(
      new SendEmailCommand({
        FromEmailAddress: this.settings.fromEmail,
        Destination: { ToAddresses: [message.to] },
        ConfigurationSetName: this.settings.configurationSet,
        // Published with every event of the configuration set as `mail.tags` (name: [value]).
        EmailTags: Object.entries(noticeRefTags(ref)).map(([Name, Value]) => ({ Name, Value })),
        Content: {
          Simple: {
            Subject: { Data: message.subject, Charset: 'UTF-8' },
            Body: { Html: { Data: message.html, Charset: 'UTF-8' }, Text: { Data: message.text, Charset: 'UTF-8' } },
          },
        },
      }),
    );
    return out.MessageId;
  }

  async sms(to: string, body: string, ref: NoticeRef): Promise<string | undefined> {
    try {
      const out = await this.sms_.send(
        new SendTextMessageCommand({
          DestinationPhoneNumber: to,
          MessageBody: body,
          MessageType: 'TRANSACTIONAL',
          OriginationIdentity: this.settings.smsOriginationIdentity,
          ConfigurationSetName: this.settings.smsConfigurationSet,
          // Returned in every event of the message as `context`.
          Context: noticeRefTags(ref),
        }),
      );
      return out.MessageId;
    } catch (error) {
      if (isOptedOut(error)) throw new AddressRefusedError('sms', 'opted_out');
      throw error;
    }
  }
}

/** The SDK's ConflictException for an opted-out destination (matched by name: one SDK copy per bundle or not). */
function isOptedOut(error: unknown): boolean {
  const e = error as { name?: unknown; Reason?: unknown } | null;
  return e?.name === 'ConflictException' && e.Reason === 'DESTINATION_PHONE_NUMBER_OPTED_OUT';
}
