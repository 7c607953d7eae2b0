// First: traces the AWS SDK clients and HTTP calls made below (functions/tracing.ts).
import '../tracing.js';
import { PinpointSMSVoiceV2Client } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { processPartialResponse, SqsFifoPartialProcessorAsync } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { awsClient } from '../adapters/aws-clients.js';
import { AwsNoticeSenders } from '../adapters/notice-senders.js';
import { optional, required } from '../config.js';
import { parseQuietHours } from '../domain/quiet-hours.js';
import { noticeMessage } from '../schemas/messages.js';
import { sendContextOf, sendNotice, type AcceptedUnrecorded, type NoticeSettings } from '../use-cases/send-notice.js';
import { DEFAULT_STATUS_LINK_DAYS } from '../domain/status-link.js';
import { markets } from '../wiring.js';
import { logger, withLambdaContext } from '../wiring/logging.js';
import { metrics } from '../wiring/metrics.js';
import { keyRing } from '../wiring/secrets.js';
import { caseStore, noticeStore, suppressionStore, surveyStore } from '../wiring/stores.js';

const stores = { cases: caseStore(), notices: noticeStore(), surveys: surveyStore(), suppressions: suppressionStore(), acceptedUnrecorded: new Map() as AcceptedUnrecorded };
const metricSink = metrics();
const senders = new AwsNoticeSenders(awsClient(new SESv2Client({})), awsClient(new PinpointSMSVoiceV2Client({})), {
  fromEmail: required('NOTICE_FROM_EMAIL'),
  configurationSet: optional('SES_CONFIGURATION_SET'),
  smsOriginationIdentity: optional('SMS_ORIGINATION_IDENTITY'),
  smsConfigurationSet: optional('SMS_CONFIGURATION_SET'),
});
const settings: Omit<NoticeSettings, 'statusLinkSecret'> = {
  publicBaseUrl: required('PUBLIC_BASE_URL'),
  statusLinkDays: Number(optional('STATUS_LINK_DAYS') ?? DEFAULT_STATUS_LINK_DAYS),
  evidenceUploadUrl: required('EVIDENCE_UPLOAD_URL'),
  remedyChoiceUrl: required('REMEDY_CHOICE_URL'),
  quietHours: parseQuietHours(optional('SMS_QUIET_HOURS')),
  // Each case's notices follow its own market's policy and calendar.
  markets: markets(),
};
/** The queue's maxReceiveCount: the delivery that reaches it is the last before the DLQ. */
const maxReceives = Number(optional('NOTICE_MAX_RECEIVES') ?? 5);
const processor = new SqsFifoPartialProcessorAsync(); // FIFO: after a failure, the case's later notices wait too

/** Notice queue consumer: email and SMS per milestone; a failed record returns to the queue, then its DLQ. */
async function handle(event: SQSEvent, context: Context) {
  // Links are signed with the current key only; the status page still opens those signed with the previous one.
  const deps = { ...stores, senders, settings: { ...settings, statusLinkSecret: (await keyRing('STATUS_LINK_SECRET')).current } };
  const send = async (record: SQSRecord) => {
    const message = noticeMessage.parse(JSON.parse(record.body));
    const ctx = sendContextOf(message, record.attributes, maxReceives, new Date());
    const outcome = await sendNotice(deps, message, ctx).catch((error: Error) => {
      logger.error('notice failed', { caseId: message.caseId, milestone: message.milestone, errorName: error.name, lastAttempt: ctx.lastAttempt });
      throw error;
    });
    logger.info('notice processed', { caseId: message.caseId, milestone: message.milestone, ...outcome });
    for (const channel of outcome.sent) metricSink.count('NoticesSent', { Channel: channel });
  };
  return processPartialResponse(event, send, processor, { context, skipGroupOnError: true });
}

/** The Lambda entry: logs carry the invocation's request id and cold start (wiring.ts withLambdaContext). */
export const handler = withLambdaContext(handle);
