import { SendEmailCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import { SendTextMessageCommand, type PinpointSMSVoiceV2Client } from '@aws-sdk/client-pinpoint-sms-voice-v2';

export interface EmailMessage {
  to: string;
  subject: string;
  html: string;
  text: string;
}

export interface NoticeSenders {
  email(message: EmailMessage): Promise<string | undefined>;
  sms(to: string, body: string): Promise<string | undefined>;
}

/** SES (v2 API) for email, AWS End User Messaging SMS for text messages. */
export class AwsNoticeSenders implements NoticeSenders {
  constructor(
    private readonly ses: SESv2Client,
    private readonly sms_: PinpointSMSVoiceV2Client,
    private readonly settings: { fromEmail: string; configurationSet?: string; smsOriginationIdentity?: string; smsConfigurationSet?: string },
  ) {}

  async email(message: EmailMessage): Promise<string | undefined> {
    const out = await this.ses.send(
      new SendEmailCommand({
        FromEmailAddress: this.settings.fromEmail,
        Destination: { ToAddresses: [message.to] },
        ConfigurationSetName: this.settings.configurationSet,
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

  async sms(to: string, body: string): Promise<string | undefined> {
    const out = await this.sms_.send(
      new SendTextMessageCommand({
        DestinationPhoneNumber: to,
        MessageBody: body,
        MessageType: 'TRANSACTIONAL',
        OriginationIdentity: this.settings.smsOriginationIdentity,
        ConfigurationSetName: this.settings.smsConfigurationSet,
      }),
    );
    return out.MessageId;
  }
}
