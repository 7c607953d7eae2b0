import { PinpointSMSVoiceV2Client } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { processPartialResponse, SqsFifoPartialProcessorAsync } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { AwsNoticeSenders } from '../adapters/notice-senders.js';
import { optional, required } from '../config.js';
import { noticeMessage } from '../schemas/messages.js';
import { sendNotice } from '../use-cases/send-notice.js';
import { caseStores, logger } from '../wiring.js';

const { cases, notices } = caseStores();
const senders = new AwsNoticeSenders(new SESv2Client({}), new PinpointSMSVoiceV2Client({}), {
  fromEmail: required('NOTICE_FROM_EMAIL'),
  configurationSet: optional('SES_CONFIGURATION_SET'),
  smsOriginationIdentity: optional('SMS_ORIGINATION_IDENTITY'),
  smsConfigurationSet: optional('SMS_CONFIGURATION_SET'),
});
const publicBaseUrl = required('PUBLIC_BASE_URL');
// FIFO: after a failure, the rest of that case's notices wait too, so none overtakes an earlier one.
const processor = new SqsFifoPartialProcessorAsync();

/** Notice queue consumer: email and SMS per milestone; a failed record returns to the queue, then its DLQ. */
export async function handler(event: SQSEvent, context: Context) {
  return processPartialResponse(event, async (record: SQSRecord) => {
    const message = noticeMessage.parse(JSON.parse(record.body));
    try {
      const channels = await sendNotice({ cases, notices, senders, publicBaseUrl }, message, new Date());
      logger.info('notice processed', { caseId: message.caseId, milestone: message.milestone, channels });
    } catch (error) {
      logger.error('notice failed', { caseId: message.caseId, milestone: message.milestone, errorName: (error as Error).name });
      throw error;
    }
  }, processor, { context, skipGroupOnError: true });
}
